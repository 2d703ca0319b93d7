package tencentcloud

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"reflect"
	"strconv"
	"strings"
	"testing"

	sslv1alpha1 "github.com/certsync/tencent-cert-operator/api/v1alpha1"
)

func TestUploadAnswersExistingContentWithItsID(t *testing.T) {
	exists := errEnvelope(CodeCertificateExists, "The certificate already exists.", "r-up")
	cases := []struct {
		name       string
		answers    map[string]string
		want       Uploaded
		wantCode   string
		wantChecks int
	}{
		{name: "A new certificate", answers: map[string]string{"UploadCertificate": okEnvelope(`"CertificateId":"new1"`)},
			want: Uploaded{CertificateID: "new1", RequestID: "req-ok"}},
		{name: "Existing content answered with RepeatCertId", answers: map[string]string{"UploadCertificate": okEnvelope(`"CertificateId":"old1","RepeatCertId":"old1"`)},
			want: Uploaded{CertificateID: "old1", Existing: true, RequestID: "req-ok"}},
		{name: "Existing content refused, then found by CheckCertificateExist",
			answers:    map[string]string{"UploadCertificate": exists, "CheckCertificateExist": okEnvelope(`"RepeatCertId":"old2"`)},
			want:       Uploaded{CertificateID: "old2", Existing: true, RequestID: "req-ok"},
			wantChecks: 1},
		{name: "Existing content refused and the lookup failing is retried as a read, then returns the lookup's error",
			answers:  map[string]string{"UploadCertificate": exists, "CheckCertificateExist": errEnvelope("InternalError", "boom", "r-check")},
			wantCode: "InternalError", wantChecks: 3},
		{name: "Existing content refused and not found is an error, never an empty ID",
			answers:  map[string]string{"UploadCertificate": exists, "CheckCertificateExist": okEnvelope(`"RepeatCertId":""`)},
			wantCode: CodeClientParse, wantChecks: 1},
		{name: "An answer without an ID is an error", answers: map[string]string{"UploadCertificate": okEnvelope("")},
			wantCode: CodeClientParse},
		{name: "Other errors are returned without a lookup", answers: map[string]string{"UploadCertificate": errEnvelope("FailedOperation.CertificateParseError", "bad", "r")},
			wantCode: "FailedOperation.CertificateParseError"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			env := newTestEnv(t, byAction(tc.answers), nil)
			got, err := env.api(t).Upload(context.Background(), UploadInput{CertificatePEM: "CERT", PrivateKeyPEM: "KEY"})
			if Code(err) != tc.wantCode || got != tc.want {
				t.Errorf("got %+v, %v; want %+v, code %q", got, err, tc.want, tc.wantCode)
			}
			checks := 0
			for _, r := range env.cloud.recorded() {
				if r.Action == "CheckCertificateExist" {
					checks++
				}
			}
			if checks != tc.wantChecks {
				t.Errorf("%d lookups, want %d", checks, tc.wantChecks)
			}
		})
	}
}

func TestTags(t *testing.T) {
	cases := []struct {
		name      string
		fields    string
		want      map[string]string
		wantFound bool
	}{
		{name: "A listed certificate's tags", fields: `"TotalCount":1,"Certificates":[{"CertificateId":"c1","Tags":[{"TagKey":"a","TagValue":"1"},{"TagKey":"b","TagValue":"2"}]}]`,
			want: map[string]string{"a": "1", "b": "2"}, wantFound: true},
		{name: "A certificate without tags is found", fields: `"Certificates":[{"CertificateId":"c1","Tags":null}]`, want: map[string]string{}, wantFound: true},
		{name: "An empty list means not found", fields: `"TotalCount":0,"Certificates":[]`},
		{name: "Another certificate in the list means not found", fields: `"Certificates":[{"CertificateId":"c2","Tags":[{"TagKey":"a","TagValue":"1"}]}]`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			env := newTestEnv(t, always(http.StatusOK, okEnvelope(tc.fields)), nil)
			got, found, err := env.api(t).Tags(context.Background(), "c1")
			if err != nil || found != tc.wantFound || !reflect.DeepEqual(got, tc.want) {
				t.Errorf("got %v, %v, %v; want %v, %v", got, found, err, tc.want, tc.wantFound)
			}
		})
	}
}

// requestBody decodes a recorded request's body.
func requestBody(t *testing.T, r recordedRequest) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(r.Body, &m); err != nil {
		t.Fatal(err)
	}
	return m
}

func ids(n int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = fmt.Sprintf("c%03d", i)
	}
	return out
}

func TestManyCertificatesAreSentFiftyAtATime(t *testing.T) {
	all := ids(120)
	t.Run("MuteExpiry", func(t *testing.T) {
		env := newTestEnv(t, always(http.StatusOK, okEnvelope("")), func(o *FactoryOptions) { o.RateLimit.Disabled = true })
		if err := env.api(t).MuteExpiry(context.Background(), all); err != nil {
			t.Fatal(err)
		}
		var sizes []int
		for _, r := range env.cloud.recorded() {
			sizes = append(sizes, len(requestBody(t, r)["CertificateIds"].([]any)))
		}
		if !reflect.DeepEqual(sizes, []int{50, 50, 20}) {
			t.Errorf("batches %v, want [50 50 20]", sizes)
		}
	})
}

// pagedAnswer answers a paged call with total items in pages of at most the request's Limit,
// built by item, and names each answer's RequestId after the call's number.
func pagedAnswer(t *testing.T, total int, listField string, item func(i int) string, grouped bool) func(int, recordedRequest) (int, string) {
	return func(n int, r recordedRequest) (int, string) {
		body := requestBody(t, r)
		offset, _ := strconv.Atoi(fmt.Sprint(body["Offset"]))
		if body["Offset"] == nil {
			offset = 0
		}
		limit, _ := strconv.Atoi(fmt.Sprint(body["Limit"]))
		var items []string
		for i := offset; i < total && i < offset+limit; i++ {
			items = append(items, item(i))
		}
		list := "[" + strings.Join(items, ",") + "]"
		if grouped {
			list = `[{"ResourceType":"cdn","List":` + list + `}]`
		}
		return http.StatusOK, fmt.Sprintf(`{"Response":{"TotalCount":%d,%q:%s,"RequestId":"req-%d"}}`, total, listField, list, n+1)
	}
}

func TestPagedCallsReadEveryPage(t *testing.T) {
	ctx := context.Background()
	domain := func(i int) string { return fmt.Sprintf("d%03d.example.com", i) }
	noLimits := func(o *FactoryOptions) { o.RateLimit.Disabled = true }
	t.Run("Bindings reads 450 domains in three calls", func(t *testing.T) {
		env := newTestEnv(t, pagedAnswer(t, 450, "InstanceList", func(i int) string {
			return fmt.Sprintf(`{"Domain":%q,"CertId":"c"}`, domain(i))
		}, false), noLimits)
		b, err := env.api(t).Bindings(ctx, BindingsQuery{ResourceType: "cdn", CertificateID: "c"})
		if err != nil {
			t.Fatal(err)
		}
		if len(b.Serving) != 450 || len(env.cloud.recorded()) != 3 || b.RequestID != "req-3" {
			t.Fatalf("got %d domains in %d calls (RequestId %q), want 450 in 3 (req-3)", len(b.Serving), len(env.cloud.recorded()), b.RequestID)
		}
	})
	t.Run("API Gateway pages with a string offset", func(t *testing.T) {
		env := newTestEnv(t, pagedAnswer(t, 201, "InstanceList", func(i int) string {
			return fmt.Sprintf(`{"ServiceId":"s","Domain":%q,"CertId":"c"}`, domain(i))
		}, false), noLimits)
		b, err := env.api(t).Bindings(ctx, BindingsQuery{ResourceType: "apigateway", CertificateID: "c"})
		if err != nil {
			t.Fatal(err)
		}
		reqs := env.cloud.recorded()
		if len(b.Serving) != 201 || len(reqs) != 2 || requestBody(t, reqs[1])["Offset"] != "200" {
			t.Fatalf("got %d services in %d calls", len(b.Serving), len(reqs))
		}
	})
	t.Run("A deployment record of 450 items is read in three calls", func(t *testing.T) {
		env := newTestEnv(t, pagedAnswer(t, 450, "DeployRecordDetailList", func(i int) string {
			return fmt.Sprintf(`{"Domains":[%q],"Status":1}`, domain(i))
		}, false), noLimits)
		rec, err := env.api(t).Record(ctx, RecordRef{Kind: RecordDeploy, ID: 9, ResourceType: "live"})
		if err != nil {
			t.Fatal(err)
		}
		if len(rec.Items) != 450 || len(env.cloud.recorded()) != 3 || rec.RequestID != "req-3" || rec.Items[449].Target != domain(449) {
			t.Fatalf("got %d items in %d calls", len(rec.Items), len(env.cloud.recorded()))
		}
	})
	t.Run("An update record of 201 grouped items is read in two calls", func(t *testing.T) {
		env := newTestEnv(t, pagedAnswer(t, 201, "RecordDetailList", func(i int) string {
			return fmt.Sprintf(`{"Domains":[%q],"Status":2,"ResourceType":"cdn"}`, domain(i))
		}, true), noLimits)
		rec, err := env.api(t).Record(ctx, RecordRef{Kind: RecordUpdate, ID: 9})
		if err != nil {
			t.Fatal(err)
		}
		if len(rec.Items) != 201 || len(env.cloud.recorded()) != 2 || rec.Items[200].Name != "cdn "+domain(200) {
			t.Fatalf("got %d items in %d calls", len(rec.Items), len(env.cloud.recorded()))
		}
	})
}

func TestBindingsSaysWhichTypesItCannotSee(t *testing.T) {
	env := newTestEnv(t, always(http.StatusOK, okEnvelope("")), nil)
	for _, rt := range []string{"lighthouse", "nonsense"} {
		if _, err := env.api(t).Bindings(context.Background(), BindingsQuery{ResourceType: rt, CertificateID: "cert"}); !errors.Is(err, ErrUnobservable) {
			t.Errorf("%s: got %v, want ErrUnobservable", rt, err)
		}
	}
	if n := len(env.cloud.recorded()); n != 0 {
		t.Errorf("%d calls, want none", n)
	}
}

func TestTargetKey(t *testing.T) {
	cases := []struct{ rt, target, want string }{
		{"cdn", "CDN.example.com|on", "cdn.example.com"},
		{"cdn", "cdn.example.com", "cdn.example.com"},
		{"clb", "lb-1|LBL-1|WWW.example.com", "lb-1|lbl-1|www.example.com"},
		{"ddos", "bgpip-1|a.com|443", "bgpip-1|a.com|443"},
	}
	for _, c := range cases {
		if got := TargetKey(c.rt, c.target); got != c.want {
			t.Errorf("TargetKey(%s, %q) = %q, want %q", c.rt, c.target, got, c.want)
		}
	}
}

// TestItemKeyMatchesTargetKey checks, for every resource type, that a record item reporting
// on a target has the key of the target's entry. The entries are those the reference's
// examples render (see internal/targets TestRender); the items are shaped like its record
// examples.
func TestItemKeyMatchesTargetKey(t *testing.T) {
	cases := []struct {
		name  string
		rt    sslv1alpha1.ResourceType
		entry string
		item  recordItem
	}{
		{"a clb SNI domain item names the balancer, listener and domain", sslv1alpha1.ResourceTypeCLB, "lb-1|lbl-1|WWW.example.com",
			recordItem{InstanceId: "lb-1", ListenerId: "lbl-1", SniSwitch: 1, Domains: stringList{"www.example.com"}}},
		{"a clb listener item ignores the listener's domains", sslv1alpha1.ResourceTypeCLB, "lb-1|lbl-2",
			recordItem{InstanceId: "lb-1", ListenerId: "lbl-2", Domains: stringList{"a.example.com", "b.example.com"}}},
		{"a cdn item carries the billing switch in its domain", sslv1alpha1.ResourceTypeCDN, "cdn.example.com|off",
			recordItem{Domains: stringList{"cdn.example.com|on"}}},
		{"a ddos item reports its port", sslv1alpha1.ResourceTypeDDoS, "bgpip-1|www.example.com|443",
			recordItem{InstanceId: "bgpip-1", Domains: stringList{"www.example.com"}, Port: 443}},
		{"a live item is its domain", sslv1alpha1.ResourceTypeLive, "live.example.com", recordItem{Domains: stringList{"live.example.com"}}},
		{"a vod item is its domain", sslv1alpha1.ResourceTypeVOD, "vod.example.com", recordItem{Domains: stringList{"vod.example.com"}}},
		{"a waf item is its domain", sslv1alpha1.ResourceTypeWAF, "waf.example.com", recordItem{Domains: stringList{"waf.example.com"}}},
		{"a teo item is its domain", sslv1alpha1.ResourceTypeTEO, "edge.example.com", recordItem{Domains: stringList{"edge.example.com"}}},
		{"an api gateway item names the service", sslv1alpha1.ResourceTypeAPIGateway, "service-1|api.example.com",
			recordItem{InstanceId: "service-1", Domains: stringList{"api.example.com"}}},
		{"a tke item names cluster, namespace and secret", sslv1alpha1.ResourceTypeTKE, "cls-1|default|web",
			recordItem{InstanceId: "cls-1", Namespace: "default", SecretName: "web"}},
		{"a cos item takes the record's region", sslv1alpha1.ResourceTypeCOS, "ap-shanghai|b-125|cos.example.com",
			recordItem{Bucket: "b-125", Domains: stringList{"cos.example.com"}}},
		{"a lighthouse item takes the record's region", sslv1alpha1.ResourceTypeLighthouse, "ap-shanghai|lhins-1|blog.example.com",
			recordItem{InstanceId: "lhins-1", Domains: stringList{"blog.example.com"}}},
		{"a tse item names the gateway certificate", sslv1alpha1.ResourceTypeTSE, "gateway-1|uuid-1",
			recordItem{InstanceId: "gateway-1", ListenerId: "uuid-1"}},
		{"a tcb item reports its own region", sslv1alpha1.ResourceTypeTCB, "AccessService|ap-guangzhou|env-1|app.example.com",
			recordItem{TCBType: "AccessService", Region: "ap-guangzhou", EnvId: "env-1", Domains: stringList{"app.example.com"}}},
	}
	covered := map[sslv1alpha1.ResourceType]bool{}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := recordItemOf(string(c.rt), "ap-shanghai", c.item)
			if want := TargetKey(string(c.rt), c.entry); got.Target != want {
				t.Fatalf("item key %q, target key %q", got.Target, want)
			}
		})
		covered[c.rt] = true
	}
	for _, rt := range sslv1alpha1.ResourceTypes {
		if !covered[rt] {
			t.Errorf("resource type %s has no case", rt)
		}
	}
}

func TestItemMessagesAreCleanAndShort(t *testing.T) {
	cases := []struct {
		name, in, want string
	}{
		{name: "Spaces are trimmed", in: "  busy \n", want: "busy"},
		{name: "Key material is removed", in: "cannot use " + testPEMKey, want: "cannot use [REDACTED PEM]"},
		{name: "A long message is cut at a character boundary", in: strings.Repeat("证", 100), want: strings.Repeat("证", 85) + "..."},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := recordItemOf("cdn", "", recordItem{ErrorMsg: c.in, Domains: stringList{"a.com"}}).Message
			if got != c.want {
				t.Errorf("message %q, want %q", got, c.want)
			}
			assertNoSecrets(t, "message", got)
		})
	}
}

func TestTaskAnswers(t *testing.T) {
	ctx := context.Background()
	cases := []struct {
		name   string
		fields string
		call   func(API) (Task, error)
		want   Task
	}{
		{name: "A new deployment task", fields: `"DeployRecordId":"7","DeployStatus":1`,
			call: func(a API) (Task, error) {
				return a.StartDeploy(ctx, DeployInput{CertificateID: "c", ResourceType: "cdn"})
			},
			want: Task{RecordID: 7, RequestID: "req-ok"}},
		{name: "A deployment task already running", fields: `"DeployRecordId":7,"DeployStatus":0`,
			call: func(a API) (Task, error) {
				return a.StartDeploy(ctx, DeployInput{CertificateID: "c", ResourceType: "cdn"})
			},
			want: Task{RecordID: 7, Existing: true, RequestID: "req-ok"}},
		{name: "An update task still being created", fields: `"DeployRecordId":0,"DeployStatus":0,"UpdateSyncProgress":[{"ResourceType":"clb","Status":0}]`,
			call: func(a API) (Task, error) {
				return a.StartUpdate(ctx, UpdateInput{OldCertificateID: "o", CertificateID: "n"})
			},
			want: Task{RequestID: "req-ok"}},
		{name: "An update task already running", fields: `"DeployRecordId":9,"DeployStatus":0`,
			call: func(a API) (Task, error) {
				return a.StartUpdate(ctx, UpdateInput{OldCertificateID: "o", CertificateID: "n"})
			},
			want: Task{RecordID: 9, Existing: true, RequestID: "req-ok"}},
		{name: "A rollback record", fields: `"DeployRecordId":8`,
			call: func(a API) (Task, error) { return a.Rollback(ctx, RecordRef{Kind: RecordUpdate, ID: 7}) },
			want: Task{RecordID: 8, RequestID: "req-ok"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			env := newTestEnv(t, always(http.StatusOK, okEnvelope(tc.fields)), nil)
			got, err := tc.call(env.api(t))
			if err != nil || got != tc.want {
				t.Errorf("got %+v, %v; want %+v", got, err, tc.want)
			}
		})
	}
	env := newTestEnv(t, always(http.StatusOK, okEnvelope("")), nil)
	if id, err := env.api(t).Retry(ctx, RecordRef{Kind: RecordDeploy, ID: 7}); err != nil || id != "req-ok" {
		t.Errorf("Retry = %q, %v", id, err)
	}
}

func TestTransientFailuresAreRetriedForReadsOnly(t *testing.T) {
	ctx := context.Background()
	flaky := func(n int, r recordedRequest) (int, string) {
		if n == 0 {
			return http.StatusOK, errEnvelope("InternalError", "try again", "r0")
		}
		switch r.Action {
		case "DescribeCertificates":
			return http.StatusOK, okEnvelope(`"TotalCount":0,"Certificates":[]`)
		default:
			return http.StatusOK, okEnvelope(`"DeployRecordId":7,"DeployStatus":1`)
		}
	}
	t.Run("a read that failed once succeeds on its retry", func(t *testing.T) {
		env := newTestEnv(t, flaky, nil)
		if _, found, err := env.api(t).Tags(ctx, "c"); err != nil || found {
			t.Fatalf("Tags = %v, %v", found, err)
		}
		if n := len(env.cloud.recorded()); n != 2 {
			t.Errorf("%d requests, want 2", n)
		}
	})
	t.Run("a call that creates something is not repeated by the client", func(t *testing.T) {
		env := newTestEnv(t, flaky, nil)
		_, err := env.api(t).StartDeploy(ctx, DeployInput{CertificateID: "c", ResourceType: "cdn", Targets: []string{"a.example.com|on"}})
		if Code(err) != "InternalError" {
			t.Fatalf("StartDeploy error = %v, want InternalError", err)
		}
		if n := len(env.cloud.recorded()); n != 1 {
			t.Errorf("%d requests, want 1", n)
		}
	})
}
