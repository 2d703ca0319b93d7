package sslsim_test

import (
	"context"
	"errors"
	"net/http"
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

func ptr[T any](v T) *T { return &v }

func wantErrCode(t *testing.T, err error, code string) {
	t.Helper()
	if got := tencentcloud.Code(err); got != code {
		t.Fatalf("error code %q (%v), want %q", got, err, code)
	}
}

func TestRoundTripCertificateActions(t *testing.T) {
	ctx := context.Background()
	rt := newRoundTrip(t, nil, nil)
	c := rtLeaf(t)
	up := ok(rt.api.UploadCertificate(ctx, &tencentcloud.UploadCertificateRequest{
		CertificatePublicKey: string(c.FullChainPEM), CertificatePrivateKey: string(c.KeyPEM),
		Alias: "web", Tags: []tencentcloud.Tag{{TagKey: "k", TagValue: "v"}},
	}))(t)
	if len(up.CertificateId) != 8 || up.RequestId == "" {
		t.Fatalf("upload = %+v", up)
	}
	dup := ok(rt.api.UploadCertificate(ctx, &tencentcloud.UploadCertificateRequest{
		CertificatePublicKey: string(c.FullChainPEM), CertificatePrivateKey: string(c.KeyPEM), Repeatable: ptr(false),
	}))(t)
	if dup.CertificateId != up.CertificateId || dup.RepeatCertId != up.CertificateId {
		t.Fatalf("duplicate upload = %+v, want the existing ID", dup)
	}
	exist := ok(rt.api.CheckCertificateExist(ctx, &tencentcloud.CheckCertificateExistRequest{CertificatePublicKey: string(c.CertPEM)}))(t)
	if exist.RepeatCertId != up.CertificateId {
		t.Fatalf("CheckCertificateExist = %+v", exist)
	}
	detail := ok(rt.api.DescribeCertificateDetail(ctx, &tencentcloud.DescribeCertificateDetailRequest{CertificateId: up.CertificateId}))(t)
	if detail.CertFingerprint == nil || *detail.CertFingerprint != rt.sim.Certificates()[0].Fingerprint ||
		detail.Domain != "example.com" || detail.CertEndTime == nil || *detail.CertEndTime != "2100-01-01 08:00:00" {
		t.Fatalf("detail = %+v", detail)
	}
	list := ok(rt.api.DescribeCertificates(ctx, &tencentcloud.DescribeCertificatesRequest{SearchKey: "web", Limit: 10}))(t)
	if list.TotalCount != 1 || list.Certificates[0].CertificateId != up.CertificateId {
		t.Fatalf("list = %+v", list)
	}
	muted := ok(rt.api.ModifyCertificatesExpiringNotificationSwitch(ctx, &tencentcloud.ModifyCertificatesExpiringNotificationSwitchRequest{
		CertificateIds: []string{up.CertificateId}, SwitchStatus: 1}))(t)
	if len(muted.CertificateIds) != 1 || !rt.sim.Certificates()[0].IgnoreExpiryNotification {
		t.Fatalf("muting = %+v", muted)
	}

	if err := rt.sim.Bind("cdn", "cdn.example.com", up.CertificateId); err != nil {
		t.Fatal(err)
	}
	async := ok(rt.api.DeleteCertificate(ctx, &tencentcloud.DeleteCertificateRequest{CertificateId: up.CertificateId, IsCheckResource: true}))(t)
	if async.DeleteResult || async.TaskId == nil {
		t.Fatalf("asynchronous delete = %+v", async)
	}
	// Without IsCheckResource nothing is checked: the bound certificate goes.
	deleted := ok(rt.api.DeleteCertificate(ctx, &tencentcloud.DeleteCertificateRequest{CertificateId: up.CertificateId}))(t)
	if !deleted.DeleteResult {
		t.Fatalf("delete = %+v", deleted)
	}
	_, err := rt.api.DescribeCertificateDetail(ctx, &tencentcloud.DescribeCertificateDetailRequest{CertificateId: up.CertificateId})
	wantErrCode(t, err, tencentcloud.CodeCertificateNotFound)
	if !tencentcloud.IsNotFound(err) {
		t.Fatalf("a missing certificate is classified %s", tencentcloud.Classify(err))
	}
}

func TestRoundTripDeployRetryAndRollback(t *testing.T) {
	ctx := context.Background()
	rt := newRoundTrip(t, func(o *sslsim.Options) {
		o.Faults.Targets = []sslsim.TargetFault{{ResourceType: "cdn", Target: "cdn.example.com", Message: "busy", Attempts: 1}}
	}, nil)
	c := rtLeaf(t)
	cert := ok(rt.api.UploadCertificate(ctx, &tencentcloud.UploadCertificateRequest{
		CertificatePublicKey: string(c.FullChainPEM), CertificatePrivateKey: string(c.KeyPEM)}))(t).CertificateId

	_, err := rt.api.DeployCertificateInstance(ctx, &tencentcloud.DeployCertificateInstanceRequest{
		CertificateId: cert, InstanceIdList: []string{"lb-1|lbl-1"}, ResourceType: "clb"})
	wantErrCode(t, err, tencentcloud.CodeInvalidParameterRegionNotEmpty)

	clb := ok(rt.api.DeployCertificateInstance(ctx, &tencentcloud.DeployCertificateInstanceRequest{
		Region: "ap-guangzhou", CertificateId: cert, InstanceIdList: []string{"lb-1|lbl-1", "lb-1|lbl-2|a.example.com"}, ResourceType: "clb"}))(t)
	if clb.DeployRecordId == 0 || clb.DeployStatus != 1 {
		t.Fatalf("deploy = %+v", clb)
	}
	again := ok(rt.api.DeployCertificateInstance(ctx, &tencentcloud.DeployCertificateInstanceRequest{
		Region: "ap-guangzhou", CertificateId: cert, InstanceIdList: []string{"lb-1|lbl-1"}, ResourceType: "clb"}))(t)
	if again.DeployStatus != 0 || again.DeployRecordId != clb.DeployRecordId {
		t.Fatalf("second deploy = %+v, want the running task", again)
	}
	running := ok(rt.api.DescribeHostDeployRecordDetail(ctx, &tencentcloud.DescribeHostDeployRecordDetailRequest{
		DeployRecordId: tencentcloud.FlexString(clb.DeployRecordId.String())}))(t)
	if running.RunningTotalCount != 2 {
		t.Fatalf("detail = %+v, want 2 running", running)
	}
	rt.settle()
	done := ok(rt.api.DescribeHostDeployRecordDetail(ctx, &tencentcloud.DescribeHostDeployRecordDetailRequest{
		DeployRecordId: tencentcloud.FlexString(clb.DeployRecordId.String()), Limit: 200}))(t)
	if done.SuccessTotalCount != 2 || len(done.DeployRecordDetailList[0].Url) == 0 {
		t.Fatalf("detail = %+v, want 2 successes with URLs", done)
	}
	records := ok(rt.api.DescribeHostDeployRecord(ctx, &tencentcloud.DescribeHostDeployRecordRequest{CertificateId: cert}))(t)
	if records.TotalCount != 1 || records.DeployRecordList[0].Region != "ap-guangzhou" {
		t.Fatalf("records = %+v", records)
	}

	cdn := ok(rt.api.DeployCertificateInstance(ctx, &tencentcloud.DeployCertificateInstanceRequest{
		CertificateId: cert, InstanceIdList: []string{"cdn.example.com|on"}, ResourceType: "cdn"}))(t)
	rt.settle()
	failed := ok(rt.api.DescribeHostDeployRecordDetail(ctx, &tencentcloud.DescribeHostDeployRecordDetailRequest{
		DeployRecordId: tencentcloud.FlexString(cdn.DeployRecordId.String())}))(t)
	if failed.FailedTotalCount != 1 || failed.DeployRecordDetailList[0].ErrorMsg != "busy" {
		t.Fatalf("detail = %+v, want the injected failure", failed)
	}
	ok(rt.api.DeployCertificateRecordRetry(ctx, &tencentcloud.DeployCertificateRecordRetryRequest{DeployRecordId: cdn.DeployRecordId}))(t)
	rt.settle()
	retried := ok(rt.api.DescribeHostDeployRecordDetail(ctx, &tencentcloud.DescribeHostDeployRecordDetailRequest{
		DeployRecordId: tencentcloud.FlexString(cdn.DeployRecordId.String())}))(t)
	if retried.SuccessTotalCount != 1 {
		t.Fatalf("after retry = %+v", retried)
	}
	_, err = rt.api.DeployCertificateRecordRetry(ctx, &tencentcloud.DeployCertificateRecordRetryRequest{DeployRecordId: cdn.DeployRecordId})
	wantErrCode(t, err, "FailedOperation.CertificateDeployRetryStatusInvalid")

	back := ok(rt.api.DeployCertificateRecordRollback(ctx, &tencentcloud.DeployCertificateRecordRollbackRequest{DeployRecordId: clb.DeployRecordId}))(t)
	if back.DeployRecordId == 0 || back.DeployRecordId == clb.DeployRecordId {
		t.Fatalf("rollback = %+v", back)
	}
	rt.settle()
	if b, _ := rt.sim.State().Binding("clb", "lb-1|lbl-1"); b.CertificateID != "" {
		t.Fatalf("after rollback the listener serves %q", b.CertificateID)
	}
}

func TestRoundTripUpdateActions(t *testing.T) {
	ctx := context.Background()
	rt := newRoundTrip(t, func(o *sslsim.Options) {
		o.Faults.Targets = []sslsim.TargetFault{{ResourceType: "cdn", Target: "cdn.example.com", Attempts: 1}}
	}, nil)
	upload := func() string {
		c := rtLeaf(t)
		return ok(rt.api.UploadCertificate(ctx, &tencentcloud.UploadCertificateRequest{
			CertificatePublicKey: string(c.FullChainPEM), CertificatePrivateKey: string(c.KeyPEM)}))(t).CertificateId
	}
	old, next := upload(), upload()
	for _, b := range [][2]string{{"clb", "lb-1|lbl-1"}, {"cdn", "cdn.example.com"}} {
		if err := rt.sim.Bind(b[0], b[1], old); err != nil {
			t.Fatal(err)
		}
	}
	req := &tencentcloud.UpdateCertificateInstanceRequest{
		OldCertificateId: old, CertificateId: next, ResourceTypes: []string{"clb", "cdn"},
		ResourceTypesRegions: []tencentcloud.ResourceTypeRegions{{ResourceType: "clb", Regions: []string{"ap-guangzhou"}}},
	}
	first := ok(rt.api.UpdateCertificateInstance(ctx, req))(t)
	if first.DeployRecordId != 0 || len(first.UpdateSyncProgress) != 2 {
		t.Fatalf("first update call = %+v, want 0 while being created", first)
	}
	created := ok(rt.api.UpdateCertificateInstance(ctx, req))(t)
	if created.DeployRecordId == 0 || created.DeployStatus != 1 {
		t.Fatalf("second update call = %+v", created)
	}
	rt.settle()
	id := tencentcloud.FlexString(created.DeployRecordId.String())
	detail := ok(rt.api.DescribeHostUpdateRecordDetail(ctx, &tencentcloud.DescribeHostUpdateRecordDetailRequest{DeployRecordId: id, Limit: "10", Offset: "0"}))(t)
	if detail.TotalCount != 2 || detail.FailedTotalCount != 1 || len(detail.RecordDetailList) != 2 {
		t.Fatalf("update detail = %+v, want the cdn item failed", detail)
	}
	records := ok(rt.api.DescribeHostUpdateRecord(ctx, &tencentcloud.DescribeHostUpdateRecordRequest{OldCertificateId: old}))(t)
	if records.TotalCount != 1 || records.DeployRecordList[0].CertId != next {
		t.Fatalf("update records = %+v", records)
	}
	ok(rt.api.UpdateCertificateRecordRetry(ctx, &tencentcloud.UpdateCertificateRecordRetryRequest{DeployRecordId: created.DeployRecordId}))(t)
	rt.settle()
	back := ok(rt.api.UpdateCertificateRecordRollback(ctx, &tencentcloud.UpdateCertificateRecordRollbackRequest{DeployRecordId: created.DeployRecordId}))(t)
	if back.DeployRecordId == 0 {
		t.Fatalf("rollback = %+v", back)
	}
	rt.settle()
	if b, _ := rt.sim.State().Binding("cdn", "cdn.example.com"); b.CertificateID != old {
		t.Fatalf("after rollback cdn serves %q, want %s", b.CertificateID, old)
	}

	renewed := rtLeaf(t)
	uuReq := &tencentcloud.UploadUpdateCertificateInstanceRequest{
		OldCertificateId: old, ResourceTypes: []string{"clb"},
		CertificatePublicKey: string(renewed.FullChainPEM), CertificatePrivateKey: string(renewed.KeyPEM),
		ResourceTypesRegions: []tencentcloud.ResourceTypeRegions{{ResourceType: "clb", Regions: []string{"ap-guangzhou"}}},
	}
	var uu *tencentcloud.UploadUpdateCertificateInstanceResponse
	for uu == nil || uu.DeployRecordId == 0 {
		uu = ok(rt.api.UploadUpdateCertificateInstance(ctx, uuReq))(t)
	}
	rt.settle()
	passes := ok(rt.api.DescribeHostUploadUpdateRecordDetail(ctx, &tencentcloud.DescribeHostUploadUpdateRecordDetailRequest{DeployRecordId: uu.DeployRecordId}))(t)
	if len(passes.DeployRecordDetail) != 1 || passes.DeployRecordDetail[0].SuccessTotalCount != 1 {
		t.Fatalf("in-place update passes = %+v", passes)
	}
	if got := rt.sim.Certificates()[0].CertificatePEM; got != string(renewed.FullChainPEM) {
		t.Fatal("the in-place update did not replace the content")
	}
}

func TestRoundTripInstanceLists(t *testing.T) {
	ctx := context.Background()
	rt := newRoundTrip(t, nil, nil)
	c := rtLeaf(t)
	cert := ok(rt.api.UploadCertificate(ctx, &tencentcloud.UploadCertificateRequest{
		CertificatePublicKey: string(c.FullChainPEM), CertificatePrivateKey: string(c.KeyPEM)}))(t).CertificateId
	for _, b := range [][2]string{
		{"clb", "lb-1|lbl-1"}, {"clb", "lb-1|lbl-2|a.example.com"}, {"cdn", "cdn.example.com"}, {"waf", "waf.example.com"},
		{"teo", "teo.example.com"}, {"live", "live.example.com"}, {"vod", "vod.example.com"}, {"tke", "cls-1|default|tls"},
		{"cos", "ap-guangzhou|assets-1250000000|cos.example.com"}, {"apigateway", "service-1|gw.example.com"},
		{"ddos", "bgpip-1|ddos.example.com|443"},
	} {
		if err := rt.sim.Bind(b[0], b[1], cert); err != nil {
			t.Fatal(err)
		}
	}
	// The bindings were just made, so only fresh data (IsCache 0) shows them.
	fresh := ptr(tencentcloud.FlexInt(0))
	clb := ok(rt.api.DescribeHostClbInstanceList(ctx, &tencentcloud.DescribeHostClbInstanceListRequest{CertificateId: cert, IsCache: fresh}))(t)
	if clb.TotalCount != 1 || clb.InstanceList[0].Listeners[0].Certificate == nil || clb.InstanceList[0].Listeners[0].Certificate.CertId != cert ||
		clb.InstanceList[0].Listeners[1].Rules[0].Certificate == nil || clb.InstanceList[0].Listeners[1].Rules[0].Certificate.CertId != cert {
		t.Fatalf("clb list = %+v", clb)
	}
	cdn := ok(rt.api.DescribeHostCdnInstanceList(ctx, &tencentcloud.DescribeHostCdnInstanceListRequest{CertificateId: cert, IsCache: fresh}))(t)
	tke := ok(rt.api.DescribeHostTkeInstanceList(ctx, &tencentcloud.DescribeHostTkeInstanceListRequest{CertificateId: cert, IsCache: fresh}))(t)
	teo := ok(rt.api.DescribeHostTeoInstanceList(ctx, &tencentcloud.DescribeHostTeoInstanceListRequest{CertificateId: cert, IsCache: fresh}))(t)
	waf := ok(rt.api.DescribeHostWafInstanceList(ctx, &tencentcloud.DescribeHostWafInstanceListRequest{CertificateId: cert, IsCache: fresh}))(t)
	live := ok(rt.api.DescribeHostLiveInstanceList(ctx, &tencentcloud.DescribeHostLiveInstanceListRequest{CertificateId: cert, IsCache: fresh}))(t)
	vod := ok(rt.api.DescribeHostVodInstanceList(ctx, &tencentcloud.DescribeHostVodInstanceListRequest{CertificateId: cert, IsCache: fresh}))(t)
	ddos := ok(rt.api.DescribeHostDdosInstanceList(ctx, &tencentcloud.DescribeHostDdosInstanceListRequest{CertificateId: cert, IsCache: fresh}))(t)
	cos := ok(rt.api.DescribeHostCosInstanceList(ctx, &tencentcloud.DescribeHostCosInstanceListRequest{CertificateId: cert, IsCache: fresh}))(t)
	apigw := ok(rt.api.DescribeHostApiGatewayInstanceList(ctx, &tencentcloud.DescribeHostApiGatewayInstanceListRequest{CertificateId: cert, IsCache: fresh}))(t)
	lh := ok(rt.api.DescribeHostLighthouseInstanceList(ctx, &tencentcloud.DescribeHostLighthouseInstanceListRequest{CertificateId: cert, IsCache: fresh}))(t)
	checks := []struct {
		name string
		got  string
	}{
		{"cdn", cdn.InstanceList[0].CertId},
		{"tke", tke.InstanceList[0].NamespaceList[0].SecretList[0].CertId},
		{"teo", teo.InstanceList[0].CertId},
		{"waf", waf.InstanceList[0].CertId},
		{"live", live.InstanceList[0].CertId},
		{"vod", vod.InstanceList[0].CertId},
		{"ddos", ddos.InstanceList[0].CertId},
		{"cos", cos.InstanceList[0].CertId},
		{"apigateway", apigw.InstanceList[0].CertId},
	}
	for _, c := range checks {
		if c.got != cert {
			t.Errorf("%s list reports %q, want %s", c.name, c.got, cert)
		}
	}
	// Lists are regional and the client sends no Region: the ap-shanghai
	// Lighthouse instance is not seen from the default access region.
	if lh.TotalCount != 0 {
		t.Errorf("lighthouse list = %+v, want the ap-shanghai instance left out", lh)
	}
	deployed := ok(rt.api.DescribeDeployedResources(ctx, &tencentcloud.DescribeDeployedResourcesRequest{CertificateIds: []string{cert}, ResourceType: "clb"}))(t)
	if len(deployed.DeployedResources) != 1 || deployed.DeployedResources[0].Count != 1 || deployed.DeployedResources[0].Resources[0] != "lb-1" {
		t.Fatalf("deployed resources = %+v", deployed)
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
		_, err := api.DescribeCertificates(ctx, &tencentcloud.DescribeCertificatesRequest{Limit: 1})
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
		if !tencentcloud.IsThrottled(err) {
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
