package apigsim_test

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	. "github.com/onsi/gomega"

	"github.com/huaweicloud/huaweicloud-sdk-go-v3/core/auth/basic"
	"github.com/huaweicloud/huaweicloud-sdk-go-v3/core/sdkerr"
	apig "github.com/huaweicloud/huaweicloud-sdk-go-v3/services/apig/v2"
	"github.com/huaweicloud/huaweicloud-sdk-go-v3/services/apig/v2/model"

	"github.com/certsync/tencent-cert-operator/internal/certs"
	"github.com/certsync/tencent-cert-operator/internal/huaweicloud"
	"github.com/certsync/tencent-cert-operator/internal/testcerts"
	"github.com/certsync/tencent-cert-operator/test/apigsim"
)

const (
	ak       = "HPUAEXAMPLEACCESSKEY"
	sk       = "apigsim-test-secret-key"
	tempAK   = "HSTEXAMPLETEMPORARY"
	tempSK   = "apigsim-temporary-secret"
	token    = "security-token-of-temporary-credentials"
	project  = "0a1b2c3d4e5f60718293a4b5c6d7e8f9"
	instance = "eddc4d25480b4cd6b512f270a1b8b341"
	group    = "c77f5e81d9cb4424bf704ef2b0ac7600"
	domainID = "f6bb84ccf1c34035878aa51b7253b21c"
	wildID   = "0f0e0d0c0b0a09080706050403020100"
)

var rootCA = testcerts.Must(testcerts.NewCA())

func inventory() *apigsim.Inventory {
	return &apigsim.Inventory{Instances: []apigsim.Instance{{
		ProjectID: project, ID: instance,
		Groups: []apigsim.Group{{ID: group, Name: "api_group_demo", Domains: []apigsim.Domain{
			{ID: domainID, URLDomain: "www.example.com"},
			{ID: wildID, URLDomain: "api.shop.example.com", CNAMEStatus: 2},
		}}},
	}}}
}

func start(t *testing.T, faults ...apigsim.FaultRule) (*apigsim.Simulator, string) {
	return apigsim.Start(t, apigsim.Options{
		Credentials:    map[string]string{ak: sk, tempAK: tempSK},
		SecurityTokens: map[string]string{tempAK: token},
		Inventory:      inventory(),
		Faults:         apigsim.Faults{Rules: faults},
	})
}

func clientFor(t *testing.T, url string, creds huaweicloud.Credentials) huaweicloud.API {
	t.Helper()
	api, err := huaweicloud.NewFactory(huaweicloud.FactoryOptions{Endpoint: url}).
		For(context.Background(), &creds, huaweicloud.Scope{Region: "cn-north-4", ProjectID: project})
	if err != nil {
		t.Fatal(err)
	}
	return api
}

func issue(names ...string) *testcerts.Cert {
	return testcerts.Must(rootCA.Issue(testcerts.Leaf{DNSNames: names, ECDSA: true}))
}

func bindRequest(c *testcerts.Cert) huaweicloud.BindRequest {
	return huaweicloud.BindRequest{Name: "cert_demo", CertificatePEM: string(c.FullChainPEM), PrivateKeyPEM: certs.Redacted(c.KeyPEM)}
}

var ctx = context.Background()

func TestABoundCertificateIsServedReadBackAndUnbound(t *testing.T) {
	g := NewWithT(t)
	sim, url := start(t)
	api := clientFor(t, url, huaweicloud.Credentials{AccessKey: ak, SecretKey: sk})
	cert := issue("www.example.com")

	d, err := api.ResolveDomain(ctx, huaweicloud.DomainRef{InstanceID: instance, GroupID: group, URLDomain: "WWW.example.com"})
	g.Expect(err).NotTo(HaveOccurred())
	g.Expect(d.ID).To(Equal(domainID))
	g.Expect(d.SSLID).To(BeEmpty())
	served, err := api.DomainCertificate(ctx, d)
	g.Expect(err).NotTo(HaveOccurred())
	g.Expect(served).To(BeNil(), "a domain without a certificate needs no read")

	b, err := api.Bind(ctx, d, bindRequest(cert))
	g.Expect(err).NotTo(HaveOccurred())
	g.Expect(b.SSLID).To(HaveLen(32))
	g.Expect(b.SSLName).To(Equal("cert_demo"))
	g.Expect(b.CNAMEStatus).To(Equal(int32(3)))
	g.Expect(b.RequestID).To(HaveLen(32))
	g.Expect(sim.DomainCertificate(instance, group, domainID).Fingerprint).To(Equal(certs.Fingerprint(cert.Cert.Raw)))

	d, err = api.ResolveDomain(ctx, huaweicloud.DomainRef{InstanceID: instance, GroupID: group, DomainID: domainID})
	g.Expect(err).NotTo(HaveOccurred())
	g.Expect(d.SSLID).To(Equal(b.SSLID))
	served, err = api.DomainCertificate(ctx, d)
	g.Expect(err).NotTo(HaveOccurred())
	g.Expect(strings.ToLower(served.SerialNumber)).To(Equal(certs.SerialNumber(cert.Cert)))
	g.Expect(served.SANs).To(ConsistOf("www.example.com"))

	g.Expect(api.Unbind(ctx, d, b.SSLID)).To(Succeed())
	g.Expect(sim.DomainCertificate(instance, group, domainID)).To(BeNil())
	err = api.Unbind(ctx, d, b.SSLID)
	g.Expect(huaweicloud.IsNotFound(err)).To(BeTrue(), "a second unbind finds nothing: %v", err)

	calls := sim.Calls()
	g.Expect(calls["AssociateCertificateV2"]).To(Equal(map[string]int{"Success": 1}))
	g.Expect(calls["DisassociateCertificateV2"]).To(Equal(map[string]int{"Success": 1, "APIG.3021": 1}))
	g.Expect(calls.Total("")).To(Equal(6))
}

func TestTemporaryCredentialsNeedTheirSecurityToken(t *testing.T) {
	g := NewWithT(t)
	_, url := start(t)
	ref := huaweicloud.DomainRef{InstanceID: instance, GroupID: group, DomainID: domainID}

	_, err := clientFor(t, url, huaweicloud.Credentials{AccessKey: tempAK, SecretKey: tempSK, SecurityToken: token}).ResolveDomain(ctx, ref)
	g.Expect(err).NotTo(HaveOccurred())
	_, err = clientFor(t, url, huaweicloud.Credentials{AccessKey: tempAK, SecretKey: tempSK}).ResolveDomain(ctx, ref)
	g.Expect(huaweicloud.Code(err)).To(Equal("APIG.1002"))
}

func TestAWrongSecretKeyAnswers401WithAPIG1002(t *testing.T) {
	g := NewWithT(t)
	_, url := start(t)
	_, err := clientFor(t, url, huaweicloud.Credentials{AccessKey: ak, SecretKey: "wrong-secret"}).
		ResolveDomain(ctx, huaweicloud.DomainRef{InstanceID: instance, GroupID: group, DomainID: domainID})
	var e *huaweicloud.Error
	g.Expect(err).To(BeAssignableToTypeOf(e))
	e = err.(*huaweicloud.Error)
	g.Expect(e.Code).To(Equal("APIG.1002"))
	g.Expect(e.HTTPStatus).To(Equal(http.StatusUnauthorized))
	g.Expect(e.RequestID).To(HaveLen(32))
	g.Expect(huaweicloud.Classify(err).Credentials).To(BeTrue())
	g.Expect(err.Error()).NotTo(ContainSubstring("wrong-secret"))
}

func TestMissingInstanceGroupAndDomainAnswerTheirCodes(t *testing.T) {
	g := NewWithT(t)
	_, url := start(t)
	api := clientFor(t, url, huaweicloud.Credentials{AccessKey: ak, SecretKey: sk})
	for ref, code := range map[huaweicloud.DomainRef]string{
		{InstanceID: "nope", GroupID: group, DomainID: domainID}:     "APIG.3030",
		{InstanceID: instance, GroupID: "nope", DomainID: domainID}:  "APIG.3001",
		{InstanceID: instance, GroupID: group, DomainID: "nope"}:     "APIG.3020",
		{InstanceID: instance, GroupID: group, URLDomain: "x.io"}:    "APIG.3020",
		{InstanceID: instance, GroupID: group, DomainID: " nope "}:   "APIG.3020",
		{InstanceID: instance, GroupID: group, URLDomain: "example"}: "APIG.3020",
	} {
		_, err := api.ResolveDomain(ctx, ref)
		g.Expect(huaweicloud.Code(err)).To(Equal(code), "%+v", ref)
		g.Expect(huaweicloud.IsNotFound(err)).To(BeTrue())
	}
	// A bind to a missing domain answers APIG.3020 from APIG itself.
	_, err := api.Bind(ctx, &huaweicloud.Domain{InstanceID: instance, GroupID: group, ID: "gone"}, bindRequest(issue("www.example.com")))
	g.Expect(huaweicloud.Code(err)).To(Equal("APIG.3020"))
	g.Expect(err.(*huaweicloud.Error).HTTPStatus).To(Equal(http.StatusNotFound))
}

func TestBindRefusesWhatAPIGRefuses(t *testing.T) {
	good := issue("www.example.com")
	other := issue("www.example.com")
	cases := map[string]struct {
		domain string
		req    huaweicloud.BindRequest
		param  string
	}{
		"a name shorter than 4 characters": {domainID, huaweicloud.BindRequest{Name: "abc", CertificatePEM: string(good.FullChainPEM), PrivateKeyPEM: certs.Redacted(good.KeyPEM)}, "name"},
		"a name starting with a digit":     {domainID, huaweicloud.BindRequest{Name: "1cert", CertificatePEM: string(good.FullChainPEM), PrivateKeyPEM: certs.Redacted(good.KeyPEM)}, "name"},
		"a name with a hyphen":             {domainID, huaweicloud.BindRequest{Name: "cert-demo", CertificatePEM: string(good.FullChainPEM), PrivateKeyPEM: certs.Redacted(good.KeyPEM)}, "name"},
		"a key of another certificate":     {domainID, huaweicloud.BindRequest{Name: "cert_demo", CertificatePEM: string(good.FullChainPEM), PrivateKeyPEM: certs.Redacted(other.KeyPEM)}, "private_key"},
		"a certificate for other names":    {wildID, bindRequest(good), "cert_content"},
		"no certificate at all":            {domainID, huaweicloud.BindRequest{Name: "cert_demo", CertificatePEM: "junk", PrivateKeyPEM: certs.Redacted(good.KeyPEM)}, "cert_content"},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			g := NewWithT(t)
			sim, url := start(t)
			_, err := clientFor(t, url, huaweicloud.Credentials{AccessKey: ak, SecretKey: sk}).
				Bind(ctx, &huaweicloud.Domain{InstanceID: instance, GroupID: group, ID: tc.domain}, tc.req)
			g.Expect(huaweicloud.Code(err)).To(Equal("APIG.2012"))
			g.Expect(err.Error()).To(ContainSubstring("parameterName:" + tc.param))
			g.Expect(err.Error()).NotTo(ContainSubstring("PRIVATE KEY"))
			g.Expect(sim.DomainCertificate(instance, group, tc.domain)).To(BeNil())
		})
	}
}

func TestAWildcardCoversOneLabel(t *testing.T) {
	g := NewWithT(t)
	sim, url := start(t)
	api := clientFor(t, url, huaweicloud.Credentials{AccessKey: ak, SecretKey: sk})
	_, err := api.Bind(ctx, &huaweicloud.Domain{InstanceID: instance, GroupID: group, ID: wildID}, bindRequest(issue("*.shop.example.com")))
	g.Expect(err).NotTo(HaveOccurred())
	_, err = api.Bind(ctx, &huaweicloud.Domain{InstanceID: instance, GroupID: group, ID: wildID}, bindRequest(issue("*.example.com")))
	g.Expect(huaweicloud.Code(err)).To(Equal("APIG.2012"))
	g.Expect(sim.Calls()["AssociateCertificateV2"]).To(Equal(map[string]int{"Success": 1, "APIG.2012": 1}))
}

// The reference's request example puts the key in cert_content and the certificate in
// private_key. A client copying it must fail here, and ours must not.
func TestTheSeedsSwappedExampleIsRefusedAndTheClientDoesNotSwap(t *testing.T) {
	g := NewWithT(t)
	sim, url := start(t)
	cert := issue("www.example.com")

	cred := basic.NewCredentialsBuilder().WithAk(ak).WithSk(sk).WithProjectId(project).Build()
	raw := apig.NewApigClient(apig.ApigClientBuilder().WithEndpoints([]string{url}).WithCredential(cred).Build())
	// The seed's example also wraps both values in single quotes.
	swapped := &model.AssociateCertificateV2Request{InstanceId: instance, GroupId: group, DomainId: domainID, Body: &model.CertForm{
		Name: "cert_demo", CertContent: "'" + string(cert.KeyPEM) + "'", PrivateKey: "'" + string(cert.CertPEM) + "'",
	}}
	_, err := raw.AssociateCertificateV2(swapped)
	var sr *sdkerr.ServiceResponseError
	g.Expect(err).To(BeAssignableToTypeOf(sr))
	sr = err.(*sdkerr.ServiceResponseError)
	g.Expect(sr.StatusCode).To(Equal(http.StatusBadRequest))
	g.Expect(sr.ErrorCode).To(Equal("APIG.2012"))
	g.Expect(sr.ErrorMessage).To(ContainSubstring("parameterName:cert_content"))
	g.Expect(sim.DomainCertificate(instance, group, domainID)).To(BeNil())

	// The same two values, as the field descriptions say.
	b, err := clientFor(t, url, huaweicloud.Credentials{AccessKey: ak, SecretKey: sk}).
		Bind(ctx, &huaweicloud.Domain{InstanceID: instance, GroupID: group, ID: domainID}, bindRequest(cert))
	g.Expect(err).NotTo(HaveOccurred())
	g.Expect(sim.DomainCertificate(instance, group, domainID).SSLID).To(Equal(b.SSLID))
}

func TestFaultsFireAsConfiguredAndAreCounted(t *testing.T) {
	g := NewWithT(t)
	sim, url := start(t,
		apigsim.FaultRule{Action: "ShowDetailsOfApiGroupV2", Code: "APIG.9999", Times: 1},
		apigsim.FaultRule{Action: "AssociateCertificateV2", Drop: true, Times: 1},
	)
	api := clientFor(t, url, huaweicloud.Credentials{AccessKey: ak, SecretKey: sk})
	ref := huaweicloud.DomainRef{InstanceID: instance, GroupID: group, DomainID: domainID}

	_, err := api.ResolveDomain(ctx, ref)
	g.Expect(huaweicloud.Code(err)).To(Equal("APIG.9999"))
	g.Expect(err.(*huaweicloud.Error).HTTPStatus).To(Equal(http.StatusInternalServerError))
	g.Expect(huaweicloud.Classify(err).Class).To(Equal(huaweicloud.ClassTransient))
	d, err := api.ResolveDomain(ctx, ref)
	g.Expect(err).NotTo(HaveOccurred(), "the fault fires once")

	_, err = api.Bind(ctx, d, bindRequest(issue("www.example.com")))
	g.Expect(huaweicloud.Code(err)).To(Equal(huaweicloud.CodeClientConnection))
	g.Expect(huaweicloud.Classify(err).Class).To(Equal(huaweicloud.ClassTransient))
	_, err = api.Bind(ctx, d, bindRequest(issue("www.example.com")))
	g.Expect(err).NotTo(HaveOccurred())

	g.Expect(sim.Calls()).To(Equal(apigsim.CallCounts{
		"ShowDetailsOfApiGroupV2": {"APIG.9999": 1, "Success": 1},
		"AssociateCertificateV2":  {"Dropped": 1, "Success": 1},
	}))
	sim.ResetCalls()
	g.Expect(sim.Calls().Total("")).To(BeZero())
}

func TestAStaleSignatureDateIsRefused(t *testing.T) {
	g := NewWithT(t)
	sim, url := apigsim.Start(t, apigsim.Options{
		Credentials: map[string]string{ak: sk}, Inventory: inventory(),
		Now: func() time.Time { return time.Now().Add(time.Hour) },
	})
	_, err := clientFor(t, url, huaweicloud.Credentials{AccessKey: ak, SecretKey: sk}).
		ResolveDomain(ctx, huaweicloud.DomainRef{InstanceID: instance, GroupID: group, DomainID: domainID})
	g.Expect(huaweicloud.Code(err)).To(Equal("APIG.1002"))
	g.Expect(sim.Calls()).To(Equal(apigsim.CallCounts{"ShowDetailsOfApiGroupV2": {"APIG.1002": 1}}))
}

func TestParseFaultRule(t *testing.T) {
	g := NewWithT(t)
	r, err := apigsim.ParseFaultRule("action=AssociateCertificateV2,code=APIG.9999,status=503,times=2,latency=10ms")
	g.Expect(err).NotTo(HaveOccurred())
	g.Expect(r).To(Equal(apigsim.FaultRule{Action: "AssociateCertificateV2", Code: "APIG.9999", Status: 503, Times: 2, Latency: 10 * time.Millisecond}))
	_, err = apigsim.ParseFaultRule("bogus=1")
	g.Expect(err).To(MatchError(ContainSubstring("unknown key")))
}
