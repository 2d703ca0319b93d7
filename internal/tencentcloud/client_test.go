package tencentcloud

import (
	"context"
	"encoding/hex"
	"errors"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
)

func TestTC3VerifierReproducesReferenceVectors(t *testing.T) {
	// The reference's signing example: its payload, canonical request and key chain.
	body := `{"Limit": 1, "Filters": [{"Values": ["\u672a\u547d\u540d"], "Name": "instance-name"}]}`
	if got, want := sha256Hex([]byte(body)), "35e9c5b0e3ae67532d3c9f17ead6c90222632e5b1ff7f6e89887f1398934f064"; got != want {
		t.Fatalf("payload hash %s, want %s", got, want)
	}
	canonical := "POST\n/\n\ncontent-type:application/json; charset=utf-8\nhost:cvm.tencentcloudapi.com\nx-tc-action:describeinstances\n\ncontent-type;host;x-tc-action\n35e9c5b0e3ae67532d3c9f17ead6c90222632e5b1ff7f6e89887f1398934f064"
	if got, want := sha256Hex([]byte(canonical)), "7019a55be8395899b900fb5564e4200d984910f34794a27cb3fb7d10ff6a1e84"; got != want {
		t.Fatalf("canonical request hash %s, want %s", got, want)
	}
	secretDate, _ := hex.DecodeString("da98fb70dcf6b112dc21038d1eeeb3a95c74b4dcb12c1131f864f6066bd02be0")
	stringToSign := "TC3-HMAC-SHA256\n1551113065\n2019-02-25/cvm/tc3_request\n7019a55be8395899b900fb5564e4200d984910f34794a27cb3fb7d10ff6a1e84"
	if got, want := tc3Signature(secretDate, "cvm", stringToSign), "10b1a37a7301a02ca19a647ad722d5e43b4b3cff309d421d85b46093f6ab6c4f"; got != want {
		t.Fatalf("signature %s, want %s", got, want)
	}
}

// sent is one request as the wire shows it.
type sent struct{ action, body string }

func TestEveryVerbSendsTheDocumentedRequests(t *testing.T) {
	ctx := context.Background()
	cases := []struct {
		name    string
		answers map[string]string
		call    func(API) error
		want    []sent
	}{
		{
			name:    "Upload sends the key, the options, the tags in order and Repeatable false",
			answers: map[string]string{"UploadCertificate": okEnvelope(`"CertificateId":"new1"`)},
			call: func(a API) error {
				_, err := a.Upload(ctx, UploadInput{CertificatePEM: "CERT", PrivateKeyPEM: "KEY", Type: "CA", Alias: "demo", ProjectID: new(int64(7)),
					Tags: []Tag{{"k2", "v2"}, {"k1", "v1"}}})
				return err
			},
			want: []sent{{"UploadCertificate", `{"CertificatePublicKey":"CERT","CertificatePrivateKey":"KEY","CertificateType":"CA","Alias":"demo","ProjectId":7,"Tags":[{"TagKey":"k2","TagValue":"v2"},{"TagKey":"k1","TagValue":"v1"}],"Repeatable":false}`}},
		},
		{
			name:    "Upload omits unset options",
			answers: map[string]string{"UploadCertificate": okEnvelope(`"CertificateId":"new1"`)},
			call: func(a API) error {
				_, err := a.Upload(ctx, UploadInput{CertificatePEM: "CERT", PrivateKeyPEM: "KEY"})
				return err
			},
			want: []sent{{"UploadCertificate", `{"CertificatePublicKey":"CERT","CertificatePrivateKey":"KEY","Repeatable":false}`}},
		},
		{
			name: "Upload of existing content looks the certificate up by its chain alone",
			answers: map[string]string{
				"UploadCertificate":     errEnvelope(CodeCertificateExists, "exists", "r1"),
				"CheckCertificateExist": okEnvelope(`"RepeatCertId":"old1"`),
			},
			call: func(a API) error {
				_, err := a.Upload(ctx, UploadInput{CertificatePEM: "CERT", PrivateKeyPEM: "KEY"})
				return err
			},
			want: []sent{
				{"UploadCertificate", `{"CertificatePublicKey":"CERT","CertificatePrivateKey":"KEY","Repeatable":false}`},
				{"CheckCertificateExist", `{"CertificatePublicKey":"CERT"}`},
			},
		},
		{
			name: "Describe", call: func(a API) error { _, err := a.Describe(ctx, "c1"); return err },
			want: []sent{{"DescribeCertificateDetail", `{"CertificateId":"c1"}`}},
		},
		{
			name: "Tags lists one certificate", call: func(a API) error { _, _, err := a.Tags(ctx, "c1"); return err },
			want: []sent{{"DescribeCertificates", `{"Limit":1,"CertIds":["c1"]}`}},
		},
		{
			name: "MuteExpiry switches the notifications off", call: func(a API) error { return a.MuteExpiry(ctx, []string{"a", "b"}) },
			want: []sent{{"ModifyCertificatesExpiringNotificationSwitch", `{"CertificateIds":["a","b"],"SwitchStatus":1}`}},
		},
		{
			name:    "Delete asks Tencent to check the bindings first",
			answers: map[string]string{"DeleteCertificate": okEnvelope(`"DeleteResult":false,"TaskId":"1251261"`)},
			call:    func(a API) error { _, err := a.Delete(ctx, "c1"); return err },
			want:    []sent{{"DeleteCertificate", `{"CertificateId":"c1","IsCheckResource":true}`}},
		},
		{
			name: "DeleteResult names the task",
			answers: map[string]string{"DescribeDeleteCertificatesTaskResult": okEnvelope(
				`"DeleteTaskResult":[{"TaskId":"14","Status":4,"CertId":"c1","Error":"有未解绑的云资源","CacheTime":"2023-09-27 19:01:48"}]`)},
			call: func(a API) error { _, err := a.DeleteResult(ctx, "14"); return err },
			want: []sent{{"DescribeDeleteCertificatesTaskResult", `{"TaskIds":["14"]}`}},
		},
		{
			name: "ModifyAlias and ModifyProject",
			answers: map[string]string{
				"ModifyCertificateAlias":   okEnvelope(`"CertificateId":"c1"`),
				"ModifyCertificateProject": okEnvelope(`"SuccessCertificates":["c1"],"FailCertificates":[]`),
			},
			call: func(a API) error {
				if err := a.ModifyAlias(ctx, "c1", "ns/web"); err != nil {
					return err
				}
				return a.ModifyProject(ctx, "c1", 0)
			},
			want: []sent{
				{"ModifyCertificateAlias", `{"CertificateId":"c1","Alias":"ns/web"}`},
				{"ModifyCertificateProject", `{"CertificateIdList":["c1"],"ProjectId":0}`},
			},
		},
		{
			name: "Bindings of tse and tcb start a fresh bound-resource query, then read it per type and region",
			answers: map[string]string{
				"CreateCertificateBindResourceSyncTask":     okEnvelope(`"CertTaskIds":[{"CertId":"c1","TaskId":"7799"}]`),
				"DescribeCertificateBindResourceTaskDetail": okEnvelope(`"Status":0`),
			},
			call: func(a API) error {
				b, err := a.Bindings(ctx, BindingsQuery{ResourceType: "tse", CertificateID: "c1", Region: "ap-guangzhou"})
				if err != nil || !b.Pending || b.TaskID != "7799" {
					return fmt.Errorf("got %+v, %v", b, err)
				}
				_, err = a.Bindings(ctx, BindingsQuery{ResourceType: "tcb", CertificateID: "c1", Region: "ap-shanghai", TaskID: b.TaskID})
				return err
			},
			want: []sent{
				{"CreateCertificateBindResourceSyncTask", `{"CertificateIds":["c1"],"IsCache":0}`},
				{"DescribeCertificateBindResourceTaskDetail", `{"TaskId":"7799","Limit":"100","Offset":"0","ResourceTypes":["tcb"],"Regions":["ap-shanghai"]}`},
			},
		},
		{
			name: "Bindings of the listed types read fresh data, paged where the list pages",
			call: func(a API) error {
				for _, rt := range []string{"clb", "cdn", "teo", "ddos", "waf", "live", "tke", "apigateway", "cos", "vod"} {
					if _, err := a.Bindings(ctx, BindingsQuery{ResourceType: rt, CertificateID: "c1"}); err != nil {
						return err
					}
				}
				return nil
			},
			want: []sent{
				{"DescribeHostClbInstanceList", `{"CertificateId":"c1","IsCache":0,"Offset":0,"Limit":200}`},
				{"DescribeHostCdnInstanceList", `{"CertificateId":"c1","IsCache":0,"Offset":0,"Limit":200}`},
				{"DescribeHostTeoInstanceList", `{"CertificateId":"c1","IsCache":0,"Offset":0,"Limit":200}`},
				{"DescribeHostDdosInstanceList", `{"CertificateId":"c1","IsCache":0,"ResourceType":"ddos","Offset":0,"Limit":200}`},
				{"DescribeHostWafInstanceList", `{"CertificateId":"c1","IsCache":0}`},
				{"DescribeHostLiveInstanceList", `{"CertificateId":"c1","IsCache":0}`},
				{"DescribeHostTkeInstanceList", `{"CertificateId":"c1","IsCache":0,"Offset":0,"Limit":200}`},
				{"DescribeHostApiGatewayInstanceList", `{"CertificateId":"c1","IsCache":0,"Offset":"0","Limit":200}`},
				{"DescribeHostCosInstanceList", `{"CertificateId":"c1","IsCache":0,"ResourceType":"cos","Offset":0,"Limit":200}`},
				{"DescribeHostVodInstanceList", `{"CertificateId":"c1","IsCache":0}`},
			},
		},
		{
			name: "StartDeploy keeps the region out of the body",
			call: func(a API) error {
				_, err := a.StartDeploy(ctx, DeployInput{CertificateID: "c1", ResourceType: "clb", Region: "ap-guangzhou", Targets: []string{"lb-1|lbl-1"}})
				return err
			},
			want: []sent{{"DeployCertificateInstance", `{"CertificateId":"c1","InstanceIdList":["lb-1|lbl-1"],"ResourceType":"clb","IsCache":0}`}},
		},
		{
			name: "StartUpdate narrows the types with regions and never sends the deprecated Regions",
			call: func(a API) error {
				_, err := a.StartUpdate(ctx, UpdateInput{OldCertificateID: "old", CertificateID: "new", ResourceTypes: []string{"clb", "cdn"},
					Regions: map[string][]string{"clb": {"ap-guangzhou"}, "tke": {"ap-shanghai"}}})
				return err
			},
			want: []sent{{"UpdateCertificateInstance", `{"OldCertificateId":"old","ResourceTypes":["clb","cdn"],"CertificateId":"new","ResourceTypesRegions":[{"ResourceType":"clb","Regions":["ap-guangzhou"]}]}`}},
		},
		{
			name: "A deployment record's ID is a string and its paging numbers",
			call: func(a API) error { _, err := a.Record(ctx, RecordRef{Kind: RecordDeploy, ID: 74889}); return err },
			want: []sent{{"DescribeHostDeployRecordDetail", `{"DeployRecordId":"74889","Limit":200}`}},
		},
		{
			name: "An update record's ID and paging are strings",
			call: func(a API) error { _, err := a.Record(ctx, RecordRef{Kind: RecordUpdate, ID: 193752}); return err },
			want: []sent{{"DescribeHostUpdateRecordDetail", `{"DeployRecordId":"193752","Limit":"200","Offset":"0"}`}},
		},
		{
			name: "Retry and Rollback name the record as a number, per kind",
			call: func(a API) error {
				for _, k := range []RecordKind{RecordDeploy, RecordUpdate} {
					if _, err := a.Retry(ctx, RecordRef{Kind: k, ID: 5}); err != nil {
						return err
					}
					if _, err := a.Rollback(ctx, RecordRef{Kind: k, ID: 6}); err != nil {
						return err
					}
				}
				return nil
			},
			want: []sent{
				{"DeployCertificateRecordRetry", `{"DeployRecordId":5}`}, {"DeployCertificateRecordRollback", `{"DeployRecordId":6}`},
				{"UpdateCertificateRecordRetry", `{"DeployRecordId":5}`}, {"UpdateCertificateRecordRollback", `{"DeployRecordId":6}`},
			},
		},
	}
	seen := map[string]bool{}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			env := newTestEnv(t, byAction(tc.answers), nil)
			if err := tc.call(env.api(t)); err != nil {
				t.Fatal(err)
			}
			var got []sent
			for _, r := range env.cloud.recorded() {
				got = append(got, sent{r.Action, string(r.Body)})
				seen[r.Action] = true
			}
			if !reflect.DeepEqual(got, tc.want) {
				t.Errorf("sent\n%v\nwant\n%v", got, tc.want)
			}
		})
	}
	if len(seen) != len(usedActions) {
		t.Errorf("the cases send %d actions, the client uses %d", len(seen), len(usedActions))
	}
	for _, a := range usedActions {
		if !seen[a] {
			t.Errorf("no case sends %s", a)
		}
	}
}

func TestTheInstallGuidesPolicyAllowsExactlyTheUsedActions(t *testing.T) {
	_, file, _, _ := runtime.Caller(0)
	doc, err := os.ReadFile(filepath.Join(filepath.Dir(file), "..", "..", "docs", "install.md"))
	if err != nil {
		t.Fatal(err)
	}
	var listed []string
	for _, m := range regexp.MustCompile(`"ssl:([A-Za-z]+)"`).FindAllStringSubmatch(string(doc), -1) {
		listed = append(listed, m[1])
	}
	want := slices.Clone(usedActions)
	slices.Sort(listed)
	slices.Sort(want)
	if !slices.Equal(listed, want) {
		t.Errorf("docs/install.md allows %v; the client calls %v", listed, want)
	}
}

// usedActions are the SSL actions the client calls.
var usedActions = []string{
	"UploadCertificate", "CheckCertificateExist", "DescribeCertificateDetail", "DescribeCertificates",
	"ModifyCertificatesExpiringNotificationSwitch", "ModifyCertificateAlias", "ModifyCertificateProject",
	"DeleteCertificate", "DescribeDeleteCertificatesTaskResult",
	"CreateCertificateBindResourceSyncTask", "DescribeCertificateBindResourceTaskDetail",
	"DescribeHostClbInstanceList", "DescribeHostCdnInstanceList", "DescribeHostTkeInstanceList", "DescribeHostTeoInstanceList",
	"DescribeHostWafInstanceList", "DescribeHostLiveInstanceList", "DescribeHostVodInstanceList", "DescribeHostDdosInstanceList",
	"DescribeHostCosInstanceList", "DescribeHostApiGatewayInstanceList",
	"DeployCertificateInstance", "UpdateCertificateInstance", "DescribeHostDeployRecordDetail", "DescribeHostUpdateRecordDetail",
	"DeployCertificateRecordRetry", "UpdateCertificateRecordRetry", "DeployCertificateRecordRollback", "UpdateCertificateRecordRollback",
}

func TestCommonHeaders(t *testing.T) {
	ctx := context.Background()
	deploy := func(region string) func(API) error {
		return func(a API) error {
			_, err := a.StartDeploy(ctx, DeployInput{Region: region, CertificateID: "c", ResourceType: "clb", Targets: []string{"i"}})
			return err
		}
	}
	list := func(region string) func(API) error {
		return func(a API) error {
			_, err := a.Bindings(ctx, BindingsQuery{ResourceType: "clb", CertificateID: "c", Region: region})
			return err
		}
	}
	cases := []struct {
		name          string
		factoryRegion string
		creds         Credentials
		call          func(API) error
		wantRegion    string // "" means the header must be absent
		wantToken     string
	}{
		{name: "Calls other than DeployCertificateInstance and the lists send no region even with a default", factoryRegion: "ap-shanghai", call: list("")},
		{name: "Instance lists, which are regional, send the query's region", factoryRegion: "ap-shanghai", call: list("ap-guangzhou"), wantRegion: "ap-guangzhou"},
		{name: "DeployCertificateInstance sends the input's region", factoryRegion: "ap-shanghai", call: deploy("ap-guangzhou"), wantRegion: "ap-guangzhou"},
		{name: "DeployCertificateInstance falls back to the factory's region", factoryRegion: "ap-shanghai", call: deploy(""), wantRegion: "ap-shanghai"},
		{name: "DeployCertificateInstance sends no region when none is configured", call: deploy("")},
		{name: "A session token is sent as X-TC-Token", creds: Credentials{Token: testToken}, call: list(""), wantToken: testToken},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			env := newTestEnv(t, always(http.StatusOK, okEnvelope("")), func(o *FactoryOptions) { o.Region = tc.factoryRegion })
			creds := tc.creds
			creds.SecretID, creds.SecretKey = testSecretID, testSecretKey
			api, err := env.factory.For(ctx, &creds)
			if err != nil {
				t.Fatal(err)
			}
			if err := tc.call(api); err != nil {
				t.Fatalf("call: %v", err)
			}
			h := env.cloud.recorded()[0].Header
			if got, ok := h["X-Tc-Region"]; tc.wantRegion == "" && ok {
				t.Errorf("X-TC-Region %q sent, want none", got)
			} else if tc.wantRegion != "" && h.Get("X-TC-Region") != tc.wantRegion {
				t.Errorf("X-TC-Region %q, want %q", h.Get("X-TC-Region"), tc.wantRegion)
			}
			if got := h.Get("X-TC-Token"); got != tc.wantToken {
				t.Errorf("X-TC-Token %q, want %q", got, tc.wantToken)
			}
			if got := h.Get("X-TC-Version"); got != Version {
				t.Errorf("X-TC-Version %q, want %q", got, Version)
			}
			if got := h.Get("Content-Type"); got != "application/json" {
				t.Errorf("Content-Type %q, want application/json", got)
			}
			if ts, err := strconv.ParseInt(h.Get("X-TC-Timestamp"), 10, 64); err != nil || time.Since(time.Unix(ts, 0)).Abs() > time.Minute {
				t.Errorf("X-TC-Timestamp %q is not the current Unix time", h.Get("X-TC-Timestamp"))
			}
			wantAuth := "TC3-HMAC-SHA256 Credential=" + testSecretID + "/"
			if got := h.Get("Authorization"); !strings.HasPrefix(got, wantAuth) || !strings.Contains(got, "SignedHeaders=content-type;host, Signature=") {
				t.Errorf("Authorization %q is not a TC3-HMAC-SHA256 header for %s", got, testSecretID)
			}
		})
	}
}

func TestResponsesDecodeOddTypesAndNulls(t *testing.T) {
	ctx := context.Background()
	cases := []struct {
		name   string
		fields string
		check  func(t *testing.T, a API)
	}{
		{
			name:   "A ddos deploy item's string port and numeric strings decode",
			fields: `"TotalCount":"2","DeployRecordDetailList":[{"Id":10,"InstanceId":"bgpip-000001a6","Domains":["tencent.com"],"Protocol":"https","Port":"443","Status":1,"CreateTime":"2024-06-26T11:36:33.000000Z","Url":null},{"Id":"11","Status":"3","Port":80,"Url":["/zrh1","/zrh2"],"Domains":"a.com","InstanceId":"bgpip-2"}],"SuccessTotalCount":1,"FailedTotalCount":0,"RunningTotalCount":1`,
			check: func(t *testing.T, a API) {
				rec, err := a.Record(ctx, RecordRef{Kind: RecordDeploy, ID: 1, ResourceType: "ddos"})
				if err != nil {
					t.Fatal(err)
				}
				want := []RecordItem{
					{Target: "bgpip-000001a6|tencent.com|443", Name: "ddos bgpip-000001a6/tencent.com", ResourceType: "ddos", Status: ItemSucceeded},
					{Target: "bgpip-2|a.com|80", Name: "ddos bgpip-2/a.com", ResourceType: "ddos", Status: ItemRunning},
				}
				if !reflect.DeepEqual(rec.Items, want) || rec.RequestID != "req-ok" {
					t.Errorf("record %+v, want items %+v", rec, want)
				}
			},
		},
		{
			name:   "An update record's groups are flattened and null fields are empty",
			fields: `"TotalCount":2,"RecordDetailList":[{"ResourceType":"clb","TotalCount":1,"List":[{"Id":193763,"CertId":"B7OXLIdj","OldCertId":"AN1Gys3l","Status":1,"Url":"/index","Region":null,"Port":null,"Domains":null,"InstanceId":"lb-1","ListenerId":"lbl-1","ResourceType":"clb"}]},{"ResourceType":"cdn","List":[{"Status":2,"Domains":["CDN.example.com"],"ErrorMsg":"  busy  "}]}],"SuccessTotalCount":1`,
			check: func(t *testing.T, a API) {
				rec, err := a.Record(ctx, RecordRef{Kind: RecordUpdate, ID: 193752})
				if err != nil {
					t.Fatal(err)
				}
				want := []RecordItem{
					{Target: "lb-1|lbl-1", Name: "clb lb-1/lbl-1", ResourceType: "clb", Status: ItemSucceeded, CertificateID: "B7OXLIdj", OldCertificateID: "AN1Gys3l"},
					{Target: "cdn.example.com", Name: "cdn CDN.example.com", ResourceType: "cdn", Status: ItemFailed, Message: "busy"},
				}
				if !reflect.DeepEqual(rec.Items, want) {
					t.Errorf("items %+v, want %+v", rec.Items, want)
				}
			},
		},
		{
			name:   "Null certificate fields decode to nothing and Beijing times to instants",
			fields: `"CertificateId":"aClRkC90","Status":"4","PackageType":null,"CertBeginTime":null,"CertEndTime":"2025-01-03 07:59:59","CertificatePublicKey":null,"ProjectId":0,"OwnerUin":100012345678,"SubjectAltName":["www.example.com"],"Domain":"example.com","CertFingerprint":null,"RootCert":{"Standard":null}`,
			check: func(t *testing.T, a API) {
				c, err := a.Describe(ctx, "aClRkC90")
				if err != nil {
					t.Fatal(err)
				}
				end := time.Date(2025, 1, 2, 23, 59, 59, 0, time.UTC)
				if c.ID != "aClRkC90" || c.Status != 4 || c.NotBefore != nil || c.NotAfter == nil || !c.NotAfter.Equal(end) ||
					c.CertificatePEM != "" || c.Domain != "example.com" || !reflect.DeepEqual(c.SubjectAltNames, []string{"www.example.com"}) {
					t.Errorf("certificate %+v", c)
				}
			},
		},
		{
			name:   "An unreadable time is left out",
			fields: `"CertificateId":"a","CertBeginTime":"yesterday","CertEndTime":"","CertificatePublicKey":"PEM"`,
			check: func(t *testing.T, a API) {
				c, err := a.Describe(ctx, "a")
				if err != nil {
					t.Fatal(err)
				}
				if c.NotBefore != nil || c.NotAfter != nil || c.CertificatePEM != "PEM" {
					t.Errorf("certificate %+v", c)
				}
			},
		},
		{
			name:   "The TKE instance tree is keyed by cluster, namespace and secret",
			fields: `"TotalCount":1,"InstanceList":[{"ClusterId":"cls-1","NamespaceList":[{"Name":"zrh","SecretList":[{"Name":"Web","CertId":"jj","IngressList":[{"IngressName":"zrh","TlsDomains":["www.zrh.com"]}],"NoMatchDomains":null}]}]}],"AsyncTotalNum":0,"AsyncCacheTime":"10"`,
			check: func(t *testing.T, a API) {
				b, err := a.Bindings(ctx, BindingsQuery{ResourceType: "tke", CertificateID: "jj"})
				if err != nil {
					t.Fatal(err)
				}
				if !reflect.DeepEqual(b.Serving, map[string]string{"cls-1|zrh|web": "jj"}) || b.RequestID != "req-ok" {
					t.Errorf("bindings %+v", b)
				}
			},
		},
		{
			name:   "CLB listeners are keyed whole, SNI listeners per rule domain, and a listener without certificate serves none",
			fields: `"TotalCount":1,"InstanceList":[{"LoadBalancerId":"lb-1","Listeners":[{"ListenerId":"lbl-1","SniSwitch":0,"Certificate":{"CertId":"a"},"Rules":[{"Domain":"x.com","Certificate":{"CertId":"z"}}]},{"ListenerId":"lbl-2","SniSwitch":"1","Rules":[{"Domain":"A.example.com","Certificate":{"CertId":"b"}},{"Domain":"c.example.com","Certificate":null}]},{"ListenerId":"lbl-3","Certificate":null}]}]`,
			check: func(t *testing.T, a API) {
				b, err := a.Bindings(ctx, BindingsQuery{ResourceType: "clb", CertificateID: "a"})
				if err != nil {
					t.Fatal(err)
				}
				want := map[string]string{"lb-1|lbl-1": "a", "lb-1|lbl-2|a.example.com": "b", "lb-1|lbl-2|c.example.com": "", "lb-1|lbl-3": ""}
				if !reflect.DeepEqual(b.Serving, want) {
					t.Errorf("bindings %v, want %v", b.Serving, want)
				}
			},
		},
		{
			name:   "A ddos instance's virtual port given as a number keys like its target",
			fields: `"TotalCount":1,"InstanceList":[{"Domain":"tencent.com","InstanceId":"bgpip-1","Protocol":"https","CertId":"a","VirtualPort":443}]`,
			check: func(t *testing.T, a API) {
				b, err := a.Bindings(ctx, BindingsQuery{ResourceType: "ddos", CertificateID: "a"})
				if err != nil {
					t.Fatal(err)
				}
				if got := b.Serving[TargetKey("ddos", "bgpip-1|tencent.com|443")]; got != "a" {
					t.Errorf("bindings %v", b.Serving)
				}
			},
		},
		{
			name:   "A cos domain is keyed by region, bucket and domain",
			fields: `"TotalCount":1,"InstanceList":[{"Domain":"cos.example.com","CertId":"a","Status":"ENABLED","Bucket":"b-125","Region":"ap-guangzhou"}]`,
			check: func(t *testing.T, a API) {
				b, err := a.Bindings(ctx, BindingsQuery{ResourceType: "cos", CertificateID: "a"})
				if err != nil {
					t.Fatal(err)
				}
				if got := b.Serving[TargetKey("cos", "ap-guangzhou|b-125|cos.example.com")]; got != "a" {
					t.Errorf("bindings %v", b.Serving)
				}
			},
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			env := newTestEnv(t, always(http.StatusOK, okEnvelope(tc.fields)), nil)
			tc.check(t, env.api(t))
		})
	}
}

func TestFailedCallsBecomeTypedErrors(t *testing.T) {
	ctx := context.Background()
	cases := []struct {
		name          string
		status        int
		body          string
		wantCode      string
		wantRequestID string
		wantStatus    int
		wantClass     Class
	}{
		{
			name: "An error envelope keeps its code and RequestId", status: http.StatusOK,
			body:     errEnvelope(CodeCertificateNotFound, "The certificate does not exist.", "ed93f3cb-f35e-473f-b9f3-0d451b8b79c6"),
			wantCode: CodeCertificateNotFound, wantRequestID: "ed93f3cb-f35e-473f-b9f3-0d451b8b79c6", wantClass: ClassNotFound,
		},
		{
			name: "A signature failure is terminal", status: http.StatusOK,
			body:     errEnvelope("AuthFailure.SignatureFailure", "The provided credentials could not be validated.", "r-1"),
			wantCode: "AuthFailure.SignatureFailure", wantRequestID: "r-1", wantClass: ClassTerminal,
		},
		{
			name: "A pending deployment means waiting", status: http.StatusOK,
			body:     errEnvelope(CodeCertificateDeployPending, "A deployment task is running.", "r-2"),
			wantCode: CodeCertificateDeployPending, wantRequestID: "r-2", wantClass: ClassWaiting,
		},
		{
			name: "An error envelope on a 5xx answer keeps its code", status: http.StatusServiceUnavailable,
			body:     errEnvelope("InternalError", "internal", "r-3"),
			wantCode: "InternalError", wantRequestID: "r-3", wantClass: ClassTransient,
		},
		{
			name: "A 502 page from a proxy is transient", status: http.StatusBadGateway,
			body:     "<html>bad gateway</html>",
			wantCode: CodeClientHTTPStatus, wantStatus: http.StatusBadGateway, wantClass: ClassTransient,
		},
		{
			name: "A 404 without an envelope means a wrong endpoint", status: http.StatusNotFound,
			body:     "not found",
			wantCode: CodeClientHTTPStatus, wantStatus: http.StatusNotFound, wantClass: ClassTerminal,
		},
		{
			name: "A 200 that is not JSON is transient", status: http.StatusOK,
			body:     "garbage",
			wantCode: CodeClientParse, wantClass: ClassTransient,
		},
		{
			name: "A 200 without a Response object is transient", status: http.StatusOK,
			body:     `{"Other":{}}`,
			wantCode: CodeClientParse, wantClass: ClassTransient,
		},
		{
			name: "A field of the wrong type fails decoding but keeps the RequestId", status: http.StatusOK,
			body:     `{"Response":{"CertificateId":{"nested":true},"RequestId":"r-4"}}`,
			wantCode: CodeClientParse, wantRequestID: "r-4", wantClass: ClassTransient,
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			env := newTestEnv(t, always(tc.status, tc.body), nil)
			_, err := env.api(t).Upload(ctx, UploadInput{CertificatePEM: "c"})
			var e *Error
			if !errors.As(err, &e) {
				t.Fatalf("error %v (%T) is not *Error", err, err)
			}
			if e.Action != "UploadCertificate" || e.Code != tc.wantCode || e.RequestID != tc.wantRequestID || e.HTTPStatus != tc.wantStatus {
				t.Errorf("got Action=%q Code=%q RequestID=%q HTTPStatus=%d, want UploadCertificate %q %q %d", e.Action, e.Code, e.RequestID, e.HTTPStatus, tc.wantCode, tc.wantRequestID, tc.wantStatus)
			}
			if got := Classify(err); got != tc.wantClass {
				t.Errorf("Classify = %s, want %s", got, tc.wantClass)
			}
			if code, id := e.Details(); Code(err) != tc.wantCode || code != tc.wantCode || id != tc.wantRequestID {
				t.Errorf("Code = %q, Details = %q/%q", Code(err), code, id)
			}
			if strings.Contains(err.Error(), "<html>") || strings.Contains(err.Error(), "garbage") {
				t.Errorf("error %q quotes the response body", err)
			}
		})
	}
}

func TestTransportFailuresAreTransient(t *testing.T) {
	t.Run("A refused connection is a network error", func(t *testing.T) {
		env := newTestEnv(t, always(http.StatusOK, okEnvelope("")), nil)
		api := env.api(t)
		env.cloud.srv.Close()
		_, _, err := api.Tags(context.Background(), "c")
		var e *Error
		if Code(err) != CodeClientNetwork || Classify(err) != ClassTransient || !errors.As(err, &e) || e.RequestID != "" {
			t.Fatalf("got %v (code %q, class %s)", err, Code(err), Classify(err))
		}
	})
	t.Run("A server slower than the timeout is a timeout", func(t *testing.T) {
		block := make(chan struct{})
		env := newTestEnv(t, func(int, recordedRequest) (int, string) {
			<-block
			return http.StatusOK, okEnvelope("")
		}, func(o *FactoryOptions) { o.Timeout = 20 * time.Millisecond })
		// Registered after the server so it runs before the server's Close.
		t.Cleanup(func() { close(block) })
		_, _, err := env.api(t).Tags(context.Background(), "c")
		if Code(err) != CodeClientTimeout || Classify(err) != ClassTransient || !errors.Is(err, context.DeadlineExceeded) {
			t.Fatalf("got %v (code %q, class %s)", err, Code(err), Classify(err))
		}
	})
	t.Run("A canceled context stops the call before sending", func(t *testing.T) {
		env := newTestEnv(t, always(http.StatusOK, okEnvelope("")), nil)
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		_, _, err := env.api(t).Tags(ctx, "c")
		if Code(err) != CodeClientCanceled || !errors.Is(err, context.Canceled) {
			t.Fatalf("got %v", err)
		}
		if n := len(env.cloud.recorded()); n != 0 {
			t.Errorf("%d requests sent, want 0", n)
		}
	})
}
