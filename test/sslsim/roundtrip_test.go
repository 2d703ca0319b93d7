package sslsim_test

import (
	"context"
	"errors"
	"net/http"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/common"
	tcerr "github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/common/errors"
	tchttp "github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/common/http"
	"github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/common/profile"

	"github.com/certsync/tencent-cert-operator/internal/tencentcloud"
	"github.com/certsync/tencent-cert-operator/internal/testcerts"
	"github.com/certsync/tencent-cert-operator/test/sslsim"
)

const (
	rtSecretID  = "AKIDroundtrip"
	rtSecretKey = "roundtrip-secret-key"
)

// skewClock is the simulator's clock: real time (the SDK signs with it)
// plus an offset the test advances to finish tasks. Offsets stay well below
// the 5-minute signature window.
type skewClock struct {
	mu     sync.Mutex
	offset time.Duration
}

func (c *skewClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return time.Now().Add(c.offset)
}

func (c *skewClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.offset += d
}

type roundTrip struct {
	sim   *sslsim.Simulator
	url   string
	clock *skewClock
	api   tencentcloud.API
}

// newRoundTrip serves a simulator and returns the operator's real client
// for it. Client-side rate limiting and retries are off so that every call
// reaches the simulator once.
func newRoundTrip(t *testing.T, mutate func(*sslsim.Options), transport http.RoundTripper) *roundTrip {
	t.Helper()
	clock := &skewClock{}
	opts := sslsim.Options{
		Credentials:       map[string]string{rtSecretID: rtSecretKey},
		DeployDuration:    2 * time.Second,
		Now:               clock.Now,
		DisableRateLimits: true,
		Inventory:         rtInventory(),
	}
	if mutate != nil {
		mutate(&opts)
	}
	sim, url := sslsim.Start(t, opts)
	api := rtClient(t, url, transport, tencentcloud.Credentials{SecretID: rtSecretID, SecretKey: rtSecretKey})
	return &roundTrip{sim: sim, url: url, clock: clock, api: api}
}

func rtClient(t *testing.T, url string, transport http.RoundTripper, creds tencentcloud.Credentials) tencentcloud.API {
	t.Helper()
	f := tencentcloud.NewFactory(tencentcloud.FactoryOptions{
		Endpoint:  url,
		RateLimit: tencentcloud.RateLimitOptions{Disabled: true},
		Retry:     tencentcloud.RetryOptions{MaxRetries: -1},
		Transport: transport,
	})
	api, err := f.For(context.Background(), &creds)
	if err != nil {
		t.Fatal(err)
	}
	return api
}

func (rt *roundTrip) settle() { rt.clock.Advance(3 * time.Second) }

func rtInventory() *sslsim.Inventory {
	return &sslsim.Inventory{
		CLB: []sslsim.LoadBalancer{{ID: "lb-1", Name: "web", Region: "ap-guangzhou", Listeners: []sslsim.Listener{
			{ID: "lbl-1", Name: "https", Protocol: "HTTPS", Rules: []sslsim.Rule{{LocationID: "loc-1", Domain: "www.example.com", URL: "/"}}},
			{ID: "lbl-2", Name: "sni", Protocol: "HTTPS", SNI: true, Rules: []sslsim.Rule{{LocationID: "loc-2", Domain: "a.example.com", URL: "/"}}},
		}}},
		CDN:  []sslsim.Domain{{Domain: "cdn.example.com", HTTPSBillingSwitch: "on"}},
		WAF:  []sslsim.Domain{{Domain: "waf.example.com", Region: "ap-guangzhou"}},
		Teo:  []sslsim.Domain{{Domain: "teo.example.com", ZoneID: "zone-1"}},
		Live: []sslsim.Domain{{Domain: "live.example.com"}},
		VOD:  []sslsim.Domain{{Domain: "vod.example.com"}},
		TKE: []sslsim.Cluster{{ID: "cls-1", Name: "prod", Region: "ap-guangzhou", Namespaces: []sslsim.Namespace{{Name: "default",
			Secrets: []sslsim.TKESecret{{Name: "tls", Ingresses: []sslsim.TKEIngress{{Name: "web", TLSDomains: []string{"www.example.com"}}}}}}}}},
		COS:        []sslsim.Bucket{{Region: "ap-guangzhou", Bucket: "assets-1250000000", Domain: "cos.example.com"}},
		APIGateway: []sslsim.APIGatewayService{{ID: "service-1", Name: "api", Region: "ap-guangzhou", Domains: []sslsim.APIGatewayDomain{{Domain: "gw.example.com"}}}},
		DDoS:       []sslsim.DDoSInstance{{ID: "bgpip-1", Rules: []sslsim.DDoSRule{{Domain: "ddos.example.com", Port: 443}}}},
		Lighthouse: []sslsim.LighthouseInstance{{ID: "lhins-1", Name: "blog", Region: "ap-shanghai", Domains: []sslsim.LighthouseDomain{{Domain: "lh.example.com"}}}},
		TSE: []sslsim.TSEGateway{{ID: "gateway-1", Name: "gw", Region: "ap-guangzhou",
			Certificates: []sslsim.TSECertificate{{ID: "tse-cert-1", Name: "tls", BindDomains: []string{"tse.example.com"}}}}},
		TCB: []sslsim.TCBEnvironment{{ID: "env-1", Name: "site", Region: "ap-shanghai",
			Domains: []sslsim.TCBDomain{{Type: "AccessService", Domain: "tcb.example.com"}, {Type: "HostService", Domain: "host.example.com"}}}},
	}
}

var rtCA = sync.OnceValue(func() *testcerts.CA { return testcerts.Must(testcerts.NewCA()) })

func rtLeaf(t *testing.T) *testcerts.Cert {
	t.Helper()
	c, err := rtCA().Issue(testcerts.Leaf{DNSNames: []string{"example.com", "*.example.com"}, ECDSA: true})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// ok returns a check of a call's result: ok(api.Call(ctx, req))(t) fails
// the test on an error and returns the response.
func ok[T any](v T, err error) func(*testing.T) T {
	return func(t *testing.T) T {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
}

// ok2 is ok for calls with two results.
func ok2[T, U any](v T, u U, err error) func(*testing.T) (T, U) {
	return func(t *testing.T) (T, U) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		return v, u
	}
}

func wantErrCode(t *testing.T, err error, code string) {
	t.Helper()
	if got := tencentcloud.Code(err); got != code {
		t.Fatalf("error code %q (%v), want %q", got, err, code)
	}
}

func TestRoundTripCertificateVerbs(t *testing.T) {
	ctx := context.Background()
	rt := newRoundTrip(t, nil, nil)
	c := rtLeaf(t)
	up := ok(rt.api.Upload(ctx, tencentcloud.UploadInput{
		CertificatePEM: string(c.FullChainPEM), PrivateKeyPEM: string(c.KeyPEM),
		Alias: "web", Tags: []tencentcloud.Tag{{Key: "k", Value: "v"}},
	}))(t)
	if len(up.CertificateID) != 8 || up.Existing || up.RequestID == "" {
		t.Fatalf("upload = %+v", up)
	}
	dup := ok(rt.api.Upload(ctx, tencentcloud.UploadInput{CertificatePEM: string(c.FullChainPEM), PrivateKeyPEM: string(c.KeyPEM)}))(t)
	if dup.CertificateID != up.CertificateID || !dup.Existing {
		t.Fatalf("duplicate upload = %+v, want the existing ID", dup)
	}
	if n := len(rt.sim.Certificates()); n != 1 {
		t.Fatalf("%d certificates after uploading the same content twice, want 1", n)
	}
	// The other reading of the reference: a duplicate is refused and looked up instead.
	if err := rt.sim.SetFaults(sslsim.Faults{Rules: []sslsim.FaultRule{{Action: "UploadCertificate", Code: tencentcloud.CodeCertificateExists, Times: 1}}}); err != nil {
		t.Fatal(err)
	}
	refused := ok(rt.api.Upload(ctx, tencentcloud.UploadInput{CertificatePEM: string(c.FullChainPEM), PrivateKeyPEM: string(c.KeyPEM)}))(t)
	if refused.CertificateID != up.CertificateID || !refused.Existing {
		t.Fatalf("refused duplicate upload = %+v, want the existing ID", refused)
	}

	detail := ok(rt.api.Describe(ctx, up.CertificateID))(t)
	if detail.ID != up.CertificateID || detail.Domain != "example.com" || detail.Status != 1 ||
		detail.NotAfter == nil || !detail.NotAfter.Equal(time.Date(2100, 1, 1, 0, 0, 0, 0, time.UTC)) ||
		detail.NotBefore == nil || detail.CertificatePEM == "" {
		t.Fatalf("detail = %+v", detail)
	}
	tags, found := ok2(rt.api.Tags(ctx, up.CertificateID))(t)
	if !found || tags["k"] != "v" {
		t.Fatalf("tags = %v, %v", tags, found)
	}
	if _, found := ok2(rt.api.Tags(ctx, "missing1"))(t); found {
		t.Fatal("a missing certificate has tags")
	}
	if err := rt.api.MuteExpiry(ctx, []string{up.CertificateID}); err != nil || !rt.sim.Certificates()[0].IgnoreExpiryNotification {
		t.Fatalf("muting = %v", err)
	}

	if err := rt.sim.Bind("cdn", "cdn.example.com", up.CertificateID); err != nil {
		t.Fatal(err)
	}
	other := rtLeaf(t)
	free := ok(rt.api.Upload(ctx, tencentcloud.UploadInput{CertificatePEM: string(other.FullChainPEM), PrivateKeyPEM: string(other.KeyPEM)}))(t).CertificateID
	if err := rt.api.ModifyAlias(ctx, free, "renamed"); err != nil {
		t.Fatal(err)
	}
	if err := rt.api.ModifyProject(ctx, free, 3); err != nil {
		t.Fatal(err)
	}
	for _, c := range rt.sim.Certificates() {
		if c.ID == free && (c.Alias != "renamed" || c.ProjectID != 3) {
			t.Fatalf("after the modifications %+v", c)
		}
	}
	wantErrCode(t, rt.api.ModifyProject(ctx, "missing1", 3), "FailedOperation")

	// Deletion is a task that checks the bindings first: the bound certificate is kept.
	boundTask := ok(rt.api.Delete(ctx, up.CertificateID))(t)
	freeTask := ok(rt.api.Delete(ctx, free))(t)
	if r := ok(rt.api.DeleteResult(ctx, freeTask))(t); r.Status != tencentcloud.DeleteRunning || r.CertificateID != free {
		t.Fatalf("a new delete task = %+v, want running", r)
	}
	rt.clock.Advance(time.Minute)
	if r := ok(rt.api.DeleteResult(ctx, boundTask))(t); r.Status != tencentcloud.DeleteStillBound || r.Message == "" {
		t.Fatalf("deleting a bound certificate = %+v, want still bound", r)
	}
	if r := ok(rt.api.DeleteResult(ctx, freeTask))(t); r.Status != tencentcloud.DeleteDone {
		t.Fatalf("deleting a free certificate = %+v, want done", r)
	}
	_, err := rt.api.DeleteResult(ctx, "999999")
	wantErrCode(t, err, "FailedOperation")
	_, err = rt.api.Describe(ctx, free)
	wantErrCode(t, err, tencentcloud.CodeCertificateNotFound)
	if !tencentcloud.IsNotFound(err) {
		t.Fatalf("a missing certificate is classified %s", tencentcloud.Classify(err))
	}
}

// itemStates maps a record's items by target.
func itemStates(rec tencentcloud.Record) map[string]tencentcloud.ItemStatus {
	out := map[string]tencentcloud.ItemStatus{}
	for _, it := range rec.Items {
		out[it.Target] = it.Status
	}
	return out
}

func TestRoundTripDeployRetryAndRollback(t *testing.T) {
	ctx := context.Background()
	rt := newRoundTrip(t, func(o *sslsim.Options) {
		o.Faults.Targets = []sslsim.TargetFault{{ResourceType: "cdn", Target: "cdn.example.com", Message: "busy", Attempts: 1}}
	}, nil)
	c := rtLeaf(t)
	cert := ok(rt.api.Upload(ctx, tencentcloud.UploadInput{CertificatePEM: string(c.FullChainPEM), PrivateKeyPEM: string(c.KeyPEM)}))(t).CertificateID

	_, err := rt.api.StartDeploy(ctx, tencentcloud.DeployInput{CertificateID: cert, ResourceType: "clb", Targets: []string{"lb-1|lbl-1"}})
	wantErrCode(t, err, tencentcloud.CodeInvalidParameterRegionNotEmpty)

	entries := []string{"lb-1|lbl-1", "lb-1|lbl-2|A.example.com"}
	clb := ok(rt.api.StartDeploy(ctx, tencentcloud.DeployInput{CertificateID: cert, ResourceType: "clb", Region: "ap-guangzhou", Targets: entries}))(t)
	if clb.RecordID == 0 || clb.Existing {
		t.Fatalf("deploy = %+v", clb)
	}
	again := ok(rt.api.StartDeploy(ctx, tencentcloud.DeployInput{CertificateID: cert, ResourceType: "clb", Region: "ap-guangzhou", Targets: entries[:1]}))(t)
	if !again.Existing || again.RecordID != clb.RecordID {
		t.Fatalf("second deploy = %+v, want the running task", again)
	}
	ref := tencentcloud.RecordRef{Kind: tencentcloud.RecordDeploy, ID: clb.RecordID, ResourceType: "clb", Region: "ap-guangzhou"}
	running := itemStates(ok(rt.api.Record(ctx, ref))(t))
	for _, e := range entries {
		if s, found := running[tencentcloud.TargetKey("clb", e)]; !found || (s != tencentcloud.ItemPending && s != tencentcloud.ItemRunning) {
			t.Fatalf("running record %v lacks %s as running", running, e)
		}
	}
	rt.settle()
	done := ok(rt.api.Record(ctx, ref))(t)
	if len(done.Items) != 2 || done.Items[0].Status != tencentcloud.ItemSucceeded || done.Items[1].Status != tencentcloud.ItemSucceeded || done.RequestID == "" {
		t.Fatalf("record = %+v, want 2 successes", done)
	}

	cdn := ok(rt.api.StartDeploy(ctx, tencentcloud.DeployInput{CertificateID: cert, ResourceType: "cdn", Targets: []string{"cdn.example.com|on"}}))(t)
	cdnRef := tencentcloud.RecordRef{Kind: tencentcloud.RecordDeploy, ID: cdn.RecordID, ResourceType: "cdn"}
	rt.settle()
	failed := ok(rt.api.Record(ctx, cdnRef))(t)
	if len(failed.Items) != 1 || failed.Items[0].Status != tencentcloud.ItemFailed || failed.Items[0].Message != "busy" ||
		failed.Items[0].Target != tencentcloud.TargetKey("cdn", "cdn.example.com|on") {
		t.Fatalf("record = %+v, want the injected failure", failed)
	}
	if id := ok(rt.api.Retry(ctx, cdnRef))(t); id == "" {
		t.Fatal("retry has no RequestId")
	}
	rt.settle()
	if retried := ok(rt.api.Record(ctx, cdnRef))(t); retried.Items[0].Status != tencentcloud.ItemSucceeded {
		t.Fatalf("after retry = %+v", retried)
	}
	_, err = rt.api.Retry(ctx, cdnRef)
	wantErrCode(t, err, "FailedOperation.CertificateDeployRetryStatusInvalid")

	back := ok(rt.api.Rollback(ctx, ref))(t)
	if back.RecordID == 0 || back.RecordID == clb.RecordID {
		t.Fatalf("rollback = %+v", back)
	}
	rt.settle()
	if b, _ := rt.sim.State().Binding("clb", "lb-1|lbl-1"); b.CertificateID != "" {
		t.Fatalf("after rollback the listener serves %q", b.CertificateID)
	}
	_, err = rt.api.Record(ctx, tencentcloud.RecordRef{Kind: tencentcloud.RecordDeploy, ID: 999999})
	if !tencentcloud.IsNotFound(err) {
		t.Fatalf("a missing record: %v (%s)", err, tencentcloud.Classify(err))
	}
}

func TestRoundTripUpdateVerbs(t *testing.T) {
	ctx := context.Background()
	rt := newRoundTrip(t, func(o *sslsim.Options) {
		o.Faults.Targets = []sslsim.TargetFault{{ResourceType: "cdn", Target: "cdn.example.com", Attempts: 1}}
	}, nil)
	upload := func() string {
		c := rtLeaf(t)
		return ok(rt.api.Upload(ctx, tencentcloud.UploadInput{CertificatePEM: string(c.FullChainPEM), PrivateKeyPEM: string(c.KeyPEM)}))(t).CertificateID
	}
	old, next := upload(), upload()
	for _, b := range [][2]string{{"clb", "lb-1|lbl-1"}, {"cdn", "cdn.example.com"}} {
		if err := rt.sim.Bind(b[0], b[1], old); err != nil {
			t.Fatal(err)
		}
	}
	in := tencentcloud.UpdateInput{OldCertificateID: old, CertificateID: next, ResourceTypes: []string{"clb", "cdn"},
		Regions: map[string][]string{"clb": {"ap-guangzhou"}}}
	if first := ok(rt.api.StartUpdate(ctx, in))(t); first.RecordID != 0 {
		t.Fatalf("first update call = %+v, want 0 while being created", first)
	}
	created := ok(rt.api.StartUpdate(ctx, in))(t)
	if created.RecordID == 0 || created.Existing {
		t.Fatalf("second update call = %+v", created)
	}
	rt.settle()
	ref := tencentcloud.RecordRef{Kind: tencentcloud.RecordUpdate, ID: created.RecordID}
	rec := ok(rt.api.Record(ctx, ref))(t)
	states := itemStates(rec)
	if len(rec.Items) != 2 || states["lb-1|lbl-1"] != tencentcloud.ItemSucceeded || states["cdn.example.com"] != tencentcloud.ItemFailed {
		t.Fatalf("update record = %+v, want the cdn item failed", rec)
	}
	for _, it := range rec.Items {
		if it.CertificateID != next || it.OldCertificateID != old || !strings.HasPrefix(it.Name, it.ResourceType+" ") {
			t.Errorf("item %+v", it)
		}
	}
	ok(rt.api.Retry(ctx, ref))(t)
	rt.settle()
	if states := itemStates(ok(rt.api.Record(ctx, ref))(t)); states["cdn.example.com"] != tencentcloud.ItemSucceeded {
		t.Fatalf("after retry %v", states)
	}
	back := ok(rt.api.Rollback(ctx, ref))(t)
	if back.RecordID == 0 {
		t.Fatalf("rollback = %+v", back)
	}
	rt.settle()
	if b, _ := rt.sim.State().Binding("cdn", "cdn.example.com"); b.CertificateID != old {
		t.Fatalf("after rollback cdn serves %q, want %s", b.CertificateID, old)
	}
	_, err := rt.api.StartUpdate(ctx, tencentcloud.UpdateInput{OldCertificateID: next, CertificateID: old, ResourceTypes: []string{"vod"}})
	if !tencentcloud.IsNothingToUpdate(err) {
		t.Fatalf("an update with nothing bound: %v", err)
	}
}

func TestRoundTripBindings(t *testing.T) {
	ctx := context.Background()
	rt := newRoundTrip(t, nil, nil)
	c := rtLeaf(t)
	cert := ok(rt.api.Upload(ctx, tencentcloud.UploadInput{CertificatePEM: string(c.FullChainPEM), PrivateKeyPEM: string(c.KeyPEM)}))(t).CertificateID
	bound := [][2]string{
		{"clb", "lb-1|lbl-1"}, {"clb", "lb-1|lbl-2|a.example.com"}, {"cdn", "cdn.example.com"}, {"waf", "waf.example.com"},
		{"teo", "teo.example.com"}, {"live", "live.example.com"}, {"vod", "vod.example.com"}, {"tke", "cls-1|default|tls"},
		{"cos", "ap-guangzhou|assets-1250000000|cos.example.com"}, {"apigateway", "service-1|gw.example.com"},
		{"ddos", "bgpip-1|ddos.example.com|443"},
	}
	for _, b := range bound {
		if err := rt.sim.Bind(b[0], b[1], cert); err != nil {
			t.Fatal(err)
		}
	}
	for _, b := range bound {
		got := ok(rt.api.Bindings(ctx, tencentcloud.BindingsQuery{ResourceType: b[0], CertificateID: cert, Region: "ap-guangzhou"}))(t)
		if got.Serving[tencentcloud.TargetKey(b[0], b[1])] != cert || got.RequestID == "" {
			t.Errorf("%s bindings %v lack %s", b[0], got.Serving, b[1])
		}
	}
	if _, err := rt.api.Bindings(ctx, tencentcloud.BindingsQuery{ResourceType: "lighthouse", CertificateID: cert}); !errors.Is(err, tencentcloud.ErrUnobservable) {
		t.Errorf("lighthouse: %v, want ErrUnobservable", err)
	}

	// tse and tcb are reported only by the bound-resource query, a task.
	for _, b := range [][2]string{{"tse", "gateway-1|tse-cert-1"}, {"tcb", "HostService|ap-shanghai|env-1|host.example.com"}} {
		if err := rt.sim.Bind(b[0], b[1], cert); err != nil {
			t.Fatal(err)
		}
	}
	started := ok(rt.api.Bindings(ctx, tencentcloud.BindingsQuery{ResourceType: "tse", CertificateID: cert, Region: "ap-guangzhou"}))(t)
	if !started.Pending || started.TaskID == "" {
		t.Fatalf("a new query = %+v, want pending with a task", started)
	}
	tcb := tencentcloud.BindingsQuery{ResourceType: "tcb", CertificateID: cert, Region: "ap-shanghai", TaskID: started.TaskID}
	if running := ok(rt.api.Bindings(ctx, tcb))(t); !running.Pending {
		t.Fatalf("a running query = %+v, want pending", running)
	}
	rt.settle()
	got := ok(rt.api.Bindings(ctx, tcb))(t)
	want := map[string]string{tencentcloud.TargetKey("tcb", "HostService|ap-shanghai|env-1|host.example.com"): cert}
	if got.Pending || !reflect.DeepEqual(got.Serving, want) {
		t.Fatalf("tcb bindings %+v, want %v", got, want)
	}
	tse := ok(rt.api.Bindings(ctx, tencentcloud.BindingsQuery{ResourceType: "tse", CertificateID: cert, Region: "ap-guangzhou", TaskID: started.TaskID}))(t)
	if tse.Serving[tencentcloud.TargetKey("tse", "gateway-1|tse-cert-1")] != cert || len(tse.Serving) != 1 {
		t.Fatalf("tse bindings %+v", tse)
	}
	other := ok(rt.api.Bindings(ctx, tencentcloud.BindingsQuery{ResourceType: "tse", CertificateID: cert, Region: "ap-shanghai", TaskID: started.TaskID}))(t)
	if len(other.Serving) != 0 {
		t.Fatalf("tse bindings of another region %+v", other)
	}
	_, err := rt.api.Bindings(ctx, tencentcloud.BindingsQuery{ResourceType: "tse", CertificateID: cert, TaskID: "999999"})
	wantErrCode(t, err, "FailedOperation.CertificateSyncTaskIdInvalid")
}

func TestRoundTripBindingsAreRegional(t *testing.T) {
	ctx := context.Background()
	rt := newRoundTrip(t, func(o *sslsim.Options) {
		o.Inventory.CLB = append(o.Inventory.CLB, sslsim.LoadBalancer{ID: "lb-sh", Name: "sh", Region: "ap-shanghai",
			Listeners: []sslsim.Listener{{ID: "lbl-sh", Name: "https", Protocol: "HTTPS",
				Rules: []sslsim.Rule{{LocationID: "loc-sh", Domain: "sh.example.com", URL: "/"}}}}})
	}, nil)
	c := rtLeaf(t)
	cert := ok(rt.api.Upload(ctx, tencentcloud.UploadInput{CertificatePEM: string(c.FullChainPEM), PrivateKeyPEM: string(c.KeyPEM)}))(t).CertificateID
	if err := rt.sim.Bind("clb", "lb-sh|lbl-sh", cert); err != nil {
		t.Fatal(err)
	}
	for region, want := range map[string]string{"ap-shanghai": cert, "ap-guangzhou": ""} {
		got := ok(rt.api.Bindings(ctx, tencentcloud.BindingsQuery{ResourceType: "clb", CertificateID: cert, Region: region}))(t)
		if got.Serving["lb-sh|lbl-sh"] != want {
			t.Errorf("asked in %s: %v, want the Shanghai listener serving %q", region, got.Serving, want)
		}
	}
}

// headerRewriter changes unsigned headers after the client signed the
// request, to reach error paths the typed client cannot express.
type headerRewriter struct{ header, value string }

func (h headerRewriter) RoundTrip(r *http.Request) (*http.Response, error) {
	r = r.Clone(r.Context())
	r.Header.Set(h.header, h.value)
	return http.DefaultTransport.RoundTrip(r)
}

func TestRoundTripErrorPaths(t *testing.T) {
	ctx := context.Background()
	list := func(api tencentcloud.API) error {
		_, _, err := api.Tags(ctx, "none")
		return err
	}
	base := newRoundTrip(t, nil, nil)
	skewed := newRoundTrip(t, func(o *sslsim.Options) {
		clock := &skewClock{offset: 10 * time.Minute}
		o.Now = clock.Now
	}, nil)
	tests := []struct {
		name  string
		api   tencentcloud.API
		code  string
		class tencentcloud.Class
	}{
		{name: "a wrong key fails the signature", api: rtClient(t, base.url, nil, tencentcloud.Credentials{SecretID: rtSecretID, SecretKey: "wrong"}),
			code: "AuthFailure.SignatureFailure", class: tencentcloud.ClassTerminal},
		{name: "an unknown SecretId is not found", api: rtClient(t, base.url, nil, tencentcloud.Credentials{SecretID: "AKIDunknown", SecretKey: rtSecretKey}),
			code: "AuthFailure.SecretIdNotFound", class: tencentcloud.ClassTerminal},
		{name: "a clock 10 minutes off expires the signature", api: skewed.api, code: "AuthFailure.SignatureExpire"},
		{name: "an unknown action is invalid", api: rtClient(t, base.url, headerRewriter{"X-TC-Action", "DescribeInstances"},
			tencentcloud.Credentials{SecretID: rtSecretID, SecretKey: rtSecretKey}), code: "InvalidAction"},
		{name: "another API version does not exist", api: rtClient(t, base.url, headerRewriter{"X-TC-Version", "2018-01-01"},
			tencentcloud.Credentials{SecretID: rtSecretID, SecretKey: rtSecretKey}), code: "NoSuchVersion"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := list(tt.api)
			wantErrCode(t, err, tt.code)
			var apiErr *tencentcloud.Error
			if !errors.As(err, &apiErr) || apiErr.RequestID == "" {
				t.Fatalf("error %v carries no RequestId", err)
			}
			if tt.class != "" && tencentcloud.Classify(err) != tt.class {
				t.Fatalf("classified %s, want %s", tencentcloud.Classify(err), tt.class)
			}
		})
	}

	t.Run("an unknown parameter is rejected", func(t *testing.T) {
		prof := profile.NewClientProfile()
		prof.HttpProfile.Endpoint = base.url[len("http://"):]
		prof.HttpProfile.Scheme = "HTTP"
		sdk := common.NewCommonClient(common.NewCredential(rtSecretID, rtSecretKey), "", prof)
		req := tchttp.NewCommonRequest("ssl", "2019-12-05", "DescribeCertificates")
		if err := req.SetActionParameters(map[string]any{"Limit": 1, "IsRepeat": true}); err != nil {
			t.Fatal(err)
		}
		err := sdk.Send(req, tchttp.NewCommonResponse())
		var sdkErr *tcerr.TencentCloudSDKError
		if !errors.As(err, &sdkErr) || sdkErr.Code != "UnknownParameter" {
			t.Fatalf("got %v, want UnknownParameter", err)
		}
	})

	t.Run("throttling is classified as throttled", func(t *testing.T) {
		limited := newRoundTrip(t, func(o *sslsim.Options) { o.DisableRateLimits = false }, nil)
		var err error
		for i := 0; i < 11 && err == nil; i++ {
			err = list(limited.api)
		}
		wantErrCode(t, err, tencentcloud.CodeRateLimitExceeded)
		if tencentcloud.Classify(err) != tencentcloud.ClassThrottled {
			t.Fatalf("classified %s, want throttled", tencentcloud.Classify(err))
		}
	})

	t.Run("an injected internal error is transient", func(t *testing.T) {
		if err := base.sim.SetFaults(sslsim.Faults{Rules: []sslsim.FaultRule{{Action: "DescribeCertificates", Code: "InternalError", Times: 1}}}); err != nil {
			t.Fatal(err)
		}
		err := list(base.api)
		wantErrCode(t, err, "InternalError")
		if tencentcloud.Classify(err) != tencentcloud.ClassTransient {
			t.Fatalf("classified %s, want transient", tencentcloud.Classify(err))
		}
		if err := list(base.api); err != nil {
			t.Fatalf("the fault fired twice: %v", err)
		}
	})

	t.Run("a dropped connection is a transient network error", func(t *testing.T) {
		if err := base.sim.SetFaults(sslsim.Faults{Rules: []sslsim.FaultRule{{Action: "DescribeCertificates", Drop: true, Times: 1}}}); err != nil {
			t.Fatal(err)
		}
		err := list(base.api)
		if err == nil || tencentcloud.Classify(err) != tencentcloud.ClassTransient {
			t.Fatalf("got %v (%s), want a transient error", err, tencentcloud.Classify(err))
		}
	})
}
