package huaweiapig_test

import (
	"encoding/json"
	"strings"
	"testing"

	. "github.com/onsi/gomega"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"

	sslv1alpha1 "github.com/certsync/tencent-cert-operator/api/v1alpha1"
	"github.com/certsync/tencent-cert-operator/internal/certs"
	"github.com/certsync/tencent-cert-operator/internal/testcerts"
	"github.com/certsync/tencent-cert-operator/internal/testenv"
	"github.com/certsync/tencent-cert-operator/test/apigsim"
)

const (
	associate    = "AssociateCertificateV2"
	disassociate = "DisassociateCertificateV2"
)

// Proof 1, 3 and 7: a bind reaches every listed domain, a renewal rebinds them all, and the
// steady state makes no call.
func TestBindRenewAndSteadyState(t *testing.T) {
	g := NewWithT(t)
	h := newHarness(t)
	first := issue("www.example.com", "api.example.com")
	h.createSecret("web-tls", first.SecretData())
	h.create("web", spec("web-tls"))

	obj := h.waitReady("web")
	g.Expect(h.served(wwwID)).To(Equal(fingerprintOf(first)))
	g.Expect(h.served(apiID)).To(Equal(fingerprintOf(first)))
	st := obj.Status
	g.Expect(st.Fingerprint).To(Equal(fingerprintOf(first)))
	g.Expect(st.SerialNumber).To(Equal(certs.SerialNumber(first.Cert)))
	g.Expect(st.CertificateName).To(Equal("cert_web"))
	g.Expect(st.ObservedGeneration).To(Equal(obj.Generation))
	g.Expect(st.Domains).To(HaveLen(2))
	for _, d := range st.Domains {
		g.Expect(d.SSLID).To(Equal(h.sim.DomainCertificate(instance, group, d.DomainID).SSLID))
		g.Expect(d.SSLName).To(Equal("cert_web"))
		g.Expect(d.Fingerprint).To(Equal(fingerprintOf(first)))
	}
	g.Expect(st.Domains[1].URLDomain).To(Equal("api.example.com"))
	g.Expect(st.Domains[1].DomainID).To(Equal(apiID), "the name was resolved to the domain ID")
	g.Expect(st.Domains[1].CNAMEStatus).To(Equal(sslv1alpha1.CNAMEResolving))
	g.Expect(h.sim.Calls()[associate]).To(Equal(map[string]int{"Success": 2}))
	g.Expect(h.events("web")).To(ContainElement(MatchRegexp(`^Bound: Bound certificate cert_web .* to domain www.example.com as [0-9a-f]{32} \(request ID [0-9a-f]{32}\)$`)))

	// Steady state: a Secret event with the same certificate reconciles without a call.
	h.sim.ResetCalls()
	before := testenv.ReconcileCount(t, "huaweiapigcertificate")
	h.updateSecret("web-tls", func(s *corev1.Secret) { s.Labels = map[string]string{"touched": "yes"} })
	g.Eventually(func() float64 { return testenv.ReconcileCount(t, "huaweiapigcertificate") }).Should(BeNumerically(">", before))
	g.Expect(h.sim.Calls().Total("")).To(BeZero())

	// Renewal: every domain gets the new certificate.
	renewed := issue("www.example.com", "api.example.com")
	h.updateSecret("web-tls", func(s *corev1.Secret) { s.Data = renewed.SecretData() })
	g.Eventually(func(g Gomega) {
		g.Expect(h.get("web").Status.Fingerprint).To(Equal(fingerprintOf(renewed)))
	}).Should(Succeed())
	g.Expect(h.served(wwwID)).To(Equal(fingerprintOf(renewed)))
	g.Expect(h.served(apiID)).To(Equal(fingerprintOf(renewed)))
	g.Expect(h.sim.Calls()[associate]).To(Equal(map[string]int{"Success": 2}))
	h.waitReady("web")
}

// Proof 2: a domain that already serves the certificate is read, not bound.
func TestAlreadyBoundDomainsAreNotBoundAgain(t *testing.T) {
	g := NewWithT(t)
	h := newHarness(t)
	cert := issue("www.example.com", "api.example.com")
	for _, id := range []string{wwwID, apiID} {
		_, err := h.sim.SetDomainCertificate(instance, group, id, "console_cert", cert.Cert)
		g.Expect(err).NotTo(HaveOccurred())
	}
	h.createSecret("web-tls", cert.SecretData())
	h.create("web", spec("web-tls"))

	obj := h.waitReady("web")
	g.Expect(h.sim.Calls().Total(associate)).To(BeZero())
	g.Expect(h.sim.Calls().Total("ShowDetailsOfDomainNameCertificateV2")).To(Equal(2))
	g.Expect(obj.Status.Domains[0].SSLName).To(Equal("console_cert"))
	g.Expect(obj.Status.Domains[0].Fingerprint).To(Equal(fingerprintOf(cert)))
}

// Proof 4: a wrong key stalls with APIG.1002, a missing domain with APIG.3020, both named in
// events with the request ID; a transient 500 is retried.
func TestAPIGErrors(t *testing.T) {
	t.Run("a wrong secret key stalls with APIG.1002", func(t *testing.T) {
		g := NewWithT(t)
		h := newHarness(t)
		cert := issue("www.example.com", "api.example.com")
		h.createSecret("web-tls", cert.SecretData())
		g.Expect(h.k8s.Create(h.ctx, &corev1.Secret{
			ObjectMeta: metav1.ObjectMeta{Namespace: h.ns, Name: "hw-creds"},
			Data:       map[string][]byte{"accessKey": []byte(testAK), "secretKey": []byte("not-the-right-key")},
		})).To(Succeed())
		s := spec("web-tls")
		s.CredentialsRef = &sslv1alpha1.LocalObjectReference{Name: "hw-creds"}
		h.create("web", s)

		obj := h.waitStalled("web", sslv1alpha1.ReasonCredentialsInvalid)
		g.Expect(h.sim.Calls()["ShowDetailsOfApiGroupV2"]).To(Equal(map[string]int{"APIG.1002": 1}))
		g.Expect(h.events("web")).To(ContainElement(MatchRegexp(`^CredentialsInvalid: .*APIG\.1002.*\(error_code APIG\.1002, request ID [0-9a-f]{32}\)$`)))
		g.Expect(json.Marshal(obj.Status)).NotTo(ContainSubstring("not-the-right-key"))
	})
	t.Run("a missing domain stalls with APIG.3020", func(t *testing.T) {
		g := NewWithT(t)
		h := newHarness(t)
		h.createSecret("web-tls", issue("www.example.com", "api.example.com").SecretData())
		s := spec("web-tls")
		s.Domains = append(s.Domains, sslv1alpha1.APIGDomain{GroupID: group, DomainID: "0000000000000000000000000000dead"})
		h.create("web", s)

		obj := h.waitStalled("web", sslv1alpha1.ReasonDomainNotFound)
		g.Expect(meta(obj, sslv1alpha1.StalledCondition).Message).To(ContainSubstring("APIG.3020"))
		g.Expect(h.events("web")).To(ContainElement(MatchRegexp(`^DomainNotFound: .*\(error_code APIG\.3020, request ID [0-9a-f]{32}\)$`)))
		// The other domains were bound all the same.
		g.Expect(h.served(wwwID)).NotTo(BeEmpty())
		g.Expect(h.served(apiID)).NotTo(BeEmpty())
	})
	t.Run("a transient 500 is retried", func(t *testing.T) {
		g := NewWithT(t)
		h := newHarness(t, apigsim.FaultRule{Action: associate, Code: "APIG.9999", Times: 1})
		cert := issue("www.example.com", "api.example.com")
		h.createSecret("web-tls", cert.SecretData())
		h.create("web", spec("web-tls"))

		h.waitReady("web")
		g.Expect(h.sim.Calls()[associate]).To(Equal(map[string]int{"APIG.9999": 1, "Success": 2}))
		g.Expect(h.served(wwwID)).To(Equal(fingerprintOf(cert)))
		g.Expect(h.served(apiID)).To(Equal(fingerprintOf(cert)))
	})
}

// Proof 5: Delete unbinds from every domain; Retain leaves them bound.
func TestDeletionPolicies(t *testing.T) {
	t.Run("Delete unbinds", func(t *testing.T) {
		g := NewWithT(t)
		h := newHarness(t)
		h.createSecret("web-tls", issue("www.example.com", "api.example.com").SecretData())
		s := spec("web-tls")
		s.DeletionPolicy = sslv1alpha1.DeletionPolicyDelete
		h.create("web", s)
		g.Expect(h.waitReady("web").Finalizers).To(ContainElement(sslv1alpha1.Finalizer))

		g.Expect(h.k8s.Delete(h.ctx, h.get("web"))).To(Succeed())
		h.waitGone("web")
		g.Expect(h.served(wwwID)).To(BeEmpty())
		g.Expect(h.served(apiID)).To(BeEmpty())
		g.Expect(h.sim.Calls()[disassociate]).To(Equal(map[string]int{"Success": 2}))
	})
	t.Run("Retain keeps the bindings", func(t *testing.T) {
		g := NewWithT(t)
		h := newHarness(t)
		cert := issue("www.example.com", "api.example.com")
		h.createSecret("web-tls", cert.SecretData())
		h.create("web", spec("web-tls"))
		g.Expect(h.waitReady("web").Finalizers).To(BeEmpty())

		g.Expect(h.k8s.Delete(h.ctx, h.get("web"))).To(Succeed())
		h.waitGone("web")
		g.Expect(h.served(wwwID)).To(Equal(fingerprintOf(cert)))
		g.Expect(h.sim.Calls().Total(disassociate)).To(BeZero())
	})
	t.Run("Delete gives up after bounded attempts", func(t *testing.T) {
		g := NewWithT(t)
		h := newHarness(t, apigsim.FaultRule{Action: disassociate, Code: "APIG.9999"})
		h.createSecret("web-tls", issue("www.example.com", "api.example.com").SecretData())
		s := spec("web-tls")
		s.DeletionPolicy = sslv1alpha1.DeletionPolicyDelete
		h.create("web", s)
		h.waitReady("web")

		g.Expect(h.k8s.Delete(h.ctx, h.get("web"))).To(Succeed())
		h.waitGone("web")
		// Three attempts of two domains each.
		g.Expect(h.sim.Calls()[disassociate]).To(Equal(map[string]int{"APIG.9999": 6}))
		g.Expect(h.events("web")).To(ContainElement(MatchRegexp(`^CleanupAbandoned: Released after 3 attempts; still bound: www.example.com, api.example.com \(error_code APIG\.9999, request ID [0-9a-f]{32}\)$`)))
	})
	t.Run("Delete leaves a certificate someone else bound since", func(t *testing.T) {
		g := NewWithT(t)
		h := newHarness(t)
		h.createSecret("web-tls", issue("www.example.com", "api.example.com").SecretData())
		s := spec("web-tls")
		s.DeletionPolicy = sslv1alpha1.DeletionPolicyDelete
		h.create("web", s)
		h.waitReady("web")
		other := issue("www.example.com")
		_, err := h.sim.SetDomainCertificate(instance, group, wwwID, "console_cert", other.Cert)
		g.Expect(err).NotTo(HaveOccurred())

		g.Expect(h.k8s.Delete(h.ctx, h.get("web"))).To(Succeed())
		h.waitGone("web")
		g.Expect(h.served(wwwID)).To(Equal(fingerprintOf(other)))
		g.Expect(h.served(apiID)).To(BeEmpty())
	})
}

func (h *harness) waitGone(name string) {
	h.t.Helper()
	NewWithT(h.t).Eventually(func() bool {
		err := h.k8s.Get(h.ctx, client.ObjectKey{Namespace: h.ns, Name: name}, &sslv1alpha1.HuaweiAPIGCertificate{})
		return apierrors.IsNotFound(err)
	}).Should(BeTrue())
}

func meta(obj *sslv1alpha1.HuaweiAPIGCertificate, t string) metav1.Condition {
	for _, c := range obj.Status.Conditions {
		if c.Type == t {
			return c
		}
	}
	return metav1.Condition{}
}

// Proof 6: bad input stalls before any call.
func TestInvalidInputStallsWithZeroCalls(t *testing.T) {
	cases := []struct {
		name   string
		data   func() map[string][]byte
		reason string
	}{
		{"a key that does not match the certificate", func() map[string][]byte {
			d := issue("www.example.com", "api.example.com").SecretData()
			d["tls.key"] = issue("www.example.com").KeyPEM
			return d
		}, certs.KeyMismatch},
		{"a certificate that does not cover a listed domain", func() map[string][]byte {
			return issue("www.example.com").SecretData()
		}, sslv1alpha1.ReasonDomainNotCovered},
		{"a wildcard one level too high", func() map[string][]byte {
			return issue("*.com").SecretData()
		}, sslv1alpha1.ReasonDomainNotCovered},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			g := NewWithT(t)
			h := newHarness(t)
			h.createSecret("web-tls", tc.data())
			h.create("web", spec("web-tls"))
			obj := h.waitStalled("web", tc.reason)
			g.Expect(h.sim.Calls().Total("")).To(BeZero())
			g.Expect(obj.Finalizers).To(BeEmpty())
		})
	}
}

// A HuaweiAPIGCertificate can follow the Secret of a TencentCertificate, so one cert-manager
// Secret feeds both clouds and both follow its renewals.
func TestCertificateRefFollowsTheTencentCertificatesSecret(t *testing.T) {
	g := NewWithT(t)
	h := newHarness(t)
	s := spec("")
	s.SecretRef = nil
	s.CertificateRef = &sslv1alpha1.LocalObjectReference{Name: "web"}
	h.create("web-apig", s)
	h.waitFor("web-apig", sslv1alpha1.ReadyCondition, metav1.ConditionFalse, sslv1alpha1.ReasonCertificateRefInvalid)

	first := issue("www.example.com", "api.example.com")
	h.createSecret("web-tls", first.SecretData())
	g.Expect(h.k8s.Create(h.ctx, &sslv1alpha1.TencentCertificate{
		ObjectMeta: metav1.ObjectMeta{Namespace: h.ns, Name: "web"},
		Spec:       sslv1alpha1.TencentCertificateSpec{SecretRef: &sslv1alpha1.LocalObjectReference{Name: "web-tls"}},
	})).To(Succeed())
	h.waitReady("web-apig")
	g.Expect(h.served(wwwID)).To(Equal(fingerprintOf(first)))

	renewed := issue("www.example.com", "api.example.com")
	h.updateSecret("web-tls", func(s *corev1.Secret) { s.Data = renewed.SecretData() })
	g.Eventually(func() string { return h.served(apiID) }).Should(Equal(fingerprintOf(renewed)))
	g.Eventually(func() string { return h.get("web-apig").Status.Fingerprint }).Should(Equal(fingerprintOf(renewed)))
}

// Proof 8: no key material in logs, events or status, through binds, a renewal and a failure.
func TestNoKeyMaterialLeaks(t *testing.T) {
	g := NewWithT(t)
	h := newHarness(t, apigsim.FaultRule{Action: associate, Code: "APIG.9999", Times: 1})
	first := issue("www.example.com", "api.example.com")
	h.createSecret("web-tls", first.SecretData())
	h.create("web", spec("web-tls"))
	h.waitReady("web")
	renewed := issue("www.example.com", "api.example.com")
	h.updateSecret("web-tls", func(s *corev1.Secret) { s.Data = renewed.SecretData() })
	g.Eventually(func() string { return h.get("web").Status.Fingerprint }).Should(Equal(fingerprintOf(renewed)))
	mismatched := renewed.SecretData()
	mismatched["tls.key"] = first.KeyPEM
	h.updateSecret("web-tls", func(s *corev1.Secret) { s.Data = mismatched })
	obj := h.waitStalled("web", certs.KeyMismatch)

	status, err := json.Marshal(obj.Status)
	g.Expect(err).NotTo(HaveOccurred())
	haystacks := map[string]string{"logs": h.log.String(), "events": strings.Join(h.events("web"), "\n"), "status": string(status)}
	g.Expect(haystacks["logs"]).To(ContainSubstring("Bound certificate to APIG domain"), "the log was captured")
	for where, text := range haystacks {
		for _, secret := range append(keyFragments(first), append(keyFragments(renewed), testSK, "PRIVATE KEY")...) {
			g.Expect(text).NotTo(ContainSubstring(secret), "%s leak key material", where)
		}
	}
}

// keyFragments returns pieces of the PEM key body, long enough to be unique.
func keyFragments(c *testcerts.Cert) []string {
	var out []string
	for _, line := range strings.Split(string(c.KeyPEM), "\n") {
		if len(line) >= 32 && !strings.HasPrefix(line, "-----") {
			out = append(out, line[:32])
		}
	}
	return out
}

func TestCELRules(t *testing.T) {
	h := &harness{t: t, ctx: t.Context(), k8s: env.Client, ns: "default"}
	cases := map[string]struct {
		mutate func(*sslv1alpha1.HuaweiAPIGCertificateSpec)
		msg    string
	}{
		"a name starting with a digit": {func(s *sslv1alpha1.HuaweiAPIGCertificateSpec) { s.CertificateName = "1abc" },
			"certificateName must be 4 to 50 letters, digits, underscores or Chinese characters, starting with a letter or a Chinese character"},
		"a name of three characters": {func(s *sslv1alpha1.HuaweiAPIGCertificateSpec) { s.CertificateName = "abc" },
			"certificateName must be 4 to 50"},
		"a name with a hyphen": {func(s *sslv1alpha1.HuaweiAPIGCertificateSpec) { s.CertificateName = "cert-web" },
			"certificateName must be 4 to 50"},
		"both domainId and urlDomain": {func(s *sslv1alpha1.HuaweiAPIGCertificateSpec) { s.Domains[0].URLDomain = "www.example.com" },
			"exactly one of domainId and urlDomain must be set"},
		"both secretRef and certificateRef": {func(s *sslv1alpha1.HuaweiAPIGCertificateSpec) {
			s.CertificateRef = &sslv1alpha1.LocalObjectReference{Name: "web"}
		}, "exactly one of secretRef and certificateRef must be set"},
		"no domains": {func(s *sslv1alpha1.HuaweiAPIGCertificateSpec) { s.Domains = nil }, "spec.domains"},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			s := spec("web-tls")
			tc.mutate(&s)
			err := h.k8s.Create(h.ctx, &sslv1alpha1.HuaweiAPIGCertificate{ObjectMeta: metav1.ObjectMeta{Namespace: "default", GenerateName: "cel-"}, Spec: s})
			NewWithT(t).Expect(err).To(MatchError(ContainSubstring(tc.msg)))
		})
	}
	t.Run("a Chinese name is accepted", func(t *testing.T) {
		s := spec("web-tls")
		s.CertificateName = "证书_web"
		obj := &sslv1alpha1.HuaweiAPIGCertificate{ObjectMeta: metav1.ObjectMeta{Namespace: "default", GenerateName: "cel-"}, Spec: s}
		g := NewWithT(t)
		g.Expect(h.k8s.Create(h.ctx, obj)).To(Succeed())
		g.Expect(obj.Spec.DeletionPolicy).To(Equal(sslv1alpha1.DeletionPolicyRetain))
		g.Expect(h.k8s.Delete(h.ctx, obj)).To(Succeed())
	})
}
