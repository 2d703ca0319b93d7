package integration_test

import (
	"encoding/json"
	"net/http"
	"testing"
	"time"

	. "github.com/onsi/gomega"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/rand"
	"sigs.k8s.io/controller-runtime/pkg/client"

	sslv1alpha1 "github.com/certsync/tencent-cert-operator/api/v1alpha1"
	"github.com/certsync/tencent-cert-operator/test/sslsim"
)

// in returns the harness acting in another of its namespaces, as a second team would.
func (h *harness) in(namespace string) *harness {
	other := *h
	other.ns = namespace
	return &other
}

// createAccount creates a TencentCloudAccount with the ambient identity, removed when the test
// ends; accounts are cluster-scoped, so each test names its own.
func (h *harness) createAccount(prefix string, spec sslv1alpha1.TencentCloudAccountSpec) *sslv1alpha1.TencentCloudAccount {
	h.t.Helper()
	spec.Identity = sslv1alpha1.AccountIdentity{Type: sslv1alpha1.AccountIdentityAmbient}
	a := &sslv1alpha1.TencentCloudAccount{ObjectMeta: metav1.ObjectMeta{Name: prefix + "-" + rand.String(6)}, Spec: spec}
	NewWithT(h.t).Expect(h.k8s.Create(h.ctx, a)).To(Succeed())
	h.t.Cleanup(func() { _ = h.k8s.Delete(h.ctx, a) })
	return a
}

// simCalls reads the simulator's call counts from its admin endpoint, /_sim/calls.
func (h *harness) simCalls() sslsim.CallCounts {
	h.t.Helper()
	g := NewWithT(h.t)
	resp, err := http.Get(h.simURL + "/_sim/calls")
	g.Expect(err).NotTo(HaveOccurred())
	defer resp.Body.Close()
	calls := sslsim.CallCounts{}
	g.Expect(json.NewDecoder(resp.Body).Decode(&calls)).To(Succeed())
	return calls
}

// certificateState returns the simulator's view of one certificate, and whether it exists.
func (h *harness) certificateState(id string) (sslsim.Certificate, bool) {
	for _, c := range h.sim.State().Certificates {
		if c.ID == id {
			return c, true
		}
	}
	return sslsim.Certificate{}, false
}

// waitStalled waits for Stalled=True with the reason and returns the condition's message.
func (h *harness) waitStalled(obj client.Object, reason string) string {
	h.t.Helper()
	h.waitCondition(obj, sslv1alpha1.StalledCondition, metav1.ConditionTrue, reason)
	h.waitCondition(obj, sslv1alpha1.ReadyCondition, metav1.ConditionFalse, reason)
	for _, c := range conditionsOf(obj) {
		if c.Type == sslv1alpha1.StalledCondition {
			return c.Message
		}
	}
	return ""
}

// Team B names team A's certificate X by ID, then switches to its own Secret with rotation of
// CLB listeners. Under the default account B's adoption is refused outright; under an account
// that allows adoption, X still never becomes B's previous certificate.
func TestAdoptionHijackIsRefused(t *testing.T) {
	h := newHarness(t, func(c *harnessConfig) { c.sim.Inventory = clbInventory(); c.namespaces = 1 })
	g := NewWithT(t)
	teamB := h.in(h.others[0])

	h.createTLSSecret("web-tls", issue(t, "www.example.com"))
	a := h.createCertificate("web", "web-tls")
	h.waitCurrent(a)
	x := a.Status.CertificateID
	g.Expect(h.sim.Bind("clb", "lb-web|lbl-sni|www.example.com", x)).To(Succeed())
	g.Expect(h.sim.Bind("clb", "lb-web|lbl-plain", x)).To(Succeed())
	h.sim.ResetCalls()

	// 1. The default account does not allow adoption: Stalled, with no API call.
	hijack := teamB.createCertificate("hijack", "", func(s *sslv1alpha1.TencentCertificateSpec) {
		s.SecretRef, s.CertificateID = nil, x
	})
	msg := teamB.waitStalled(hijack, sslv1alpha1.ReasonAdoptionNotAllowed)
	g.Expect(msg).To(ContainSubstring("allowAdoption"))
	g.Expect(totalCalls(h.simCalls())).To(BeZero(), "a refused adoption makes no API call")

	// B switches the spec to its own Secret and asks for its "previous" certificate's listeners.
	teamB.createTLSSecret("b-tls", issue(t, "www.example.com"))
	hijack = teamB.getCertificate("hijack")
	hijack.Spec.CertificateID, hijack.Spec.SecretRef, hijack.Spec.Rotation = "", &sslv1alpha1.LocalObjectReference{Name: "b-tls"}, updateCLB()
	g.Expect(h.k8s.Update(h.ctx, hijack)).To(Succeed())
	teamB.waitCurrent(hijack)
	g.Expect(hijack.Status.CertificateID).NotTo(Equal(x))
	g.Expect(hijack.Status.History).To(BeEmpty())
	g.Expect(hijack.Status.Update).To(BeNil())

	// 2. An account that allows adoption: B adopts X, then switches to a Secret.
	adopters := h.createAccount("adopters", sslv1alpha1.TencentCloudAccountSpec{
		NamespaceSelector: &metav1.LabelSelector{MatchLabels: map[string]string{"kubernetes.io/metadata.name": teamB.ns}},
		AllowAdoption:     true,
	})
	adopted := teamB.createCertificate("adopted", "", func(s *sslv1alpha1.TencentCertificateSpec) {
		s.SecretRef, s.CertificateID = nil, x
		s.AccountRef = &sslv1alpha1.AccountReference{Name: adopters.Name}
	})
	teamB.waitCurrent(adopted)
	g.Expect(adopted.Status.Adopted).To(BeTrue())
	teamB.createTLSSecret("b2-tls", issue(t, "www.example.com"))
	adopted.Spec.CertificateID, adopted.Spec.SecretRef = "", &sslv1alpha1.LocalObjectReference{Name: "b2-tls"}
	adopted.Spec.Rotation = updateCLB()
	adopted.Spec.Rotation.OldCertificates = sslv1alpha1.OldCertificatesDelete
	g.Expect(h.k8s.Update(h.ctx, adopted)).To(Succeed())
	g.Eventually(func(g Gomega) {
		adopted = teamB.getCertificate("adopted")
		g.Expect(adopted.Status.CertificateID).NotTo(Equal(x))
		g.Expect(adopted.Status.Adopted).To(BeFalse())
	}).WithTimeout(30 * time.Second).Should(Succeed())
	teamB.waitCurrent(adopted)
	g.Expect(adopted.Status.History).To(BeEmpty(), "the adopted certificate never becomes the previous one")
	g.Expect(adopted.Status.Update).To(BeNil())
	g.Expect(h.k8s.Delete(h.ctx, adopted)).To(Succeed())
	teamB.waitGone(adopted)

	calls := h.simCalls()
	g.Expect(calls.Total("UpdateCertificateInstance")).To(BeZero(), "no UpdateCertificateInstance from team B")
	g.Expect(calls.Total("ModifyCertificatesExpiringNotificationSwitch")).To(BeZero())
	state := h.sim.State()
	g.Expect(state.BoundTo(x)).To(HaveLen(2), "A's listeners still serve X")
	xs, exists := h.certificateState(x)
	g.Expect(exists).To(BeTrue())
	g.Expect(xs.IgnoreExpiryNotification).To(BeFalse())
	h.waitCurrent(a)
	g.Expect(a.Status.CertificateID).To(Equal(x))
	h.assertNoSecrets()
}

// Two namespaces upload the same certificate. B renews and is then deleted; A's certificate
// keeps its listeners, its reminders and its existence, and A's status stays true.
func TestIdenticalContentNeverSharesFate(t *testing.T) {
	h := newHarness(t, func(c *harnessConfig) { c.sim.Inventory = clbInventory(); c.namespaces = 1 })
	g := NewWithT(t)
	teamB := h.in(h.others[0])
	shared := issue(t, "www.example.com")
	rotation := func(s *sslv1alpha1.TencentCertificateSpec) {
		s.Rotation = updateCLB()
		s.Rotation.OldCertificates = sslv1alpha1.OldCertificatesDelete
	}
	h.createTLSSecret("web-tls", shared)
	teamB.createTLSSecret("web-tls", shared)
	a := h.createCertificate("web", "web-tls", rotation)
	h.waitCurrent(a)
	h.sim.ResetCalls()
	b := teamB.createCertificate("web", "web-tls", rotation)
	teamB.waitCurrent(b)
	calls := h.sim.Calls()
	t.Logf("SSL API calls of one upload: %v", calls)
	g.Expect(calls.Total("UploadCertificate")).To(Equal(1))
	g.Expect(calls.Total("DescribeCertificates")).To(Equal(1), "one lookup by ownership tags per upload")

	idA, idB := a.Status.CertificateID, b.Status.CertificateID
	g.Expect(idB).NotTo(Equal(idA), "each owner has a certificate of its own")
	g.Expect(h.sim.Bind("clb", "lb-web|lbl-plain", idA)).To(Succeed())
	g.Expect(h.sim.Bind("clb", "lb-web|lbl-sni|www.example.com", idB)).To(Succeed())

	teamB.rotateSecret("web-tls", issue(t, "www.example.com"))
	g.Eventually(func(g Gomega) {
		b = teamB.getCertificate("web")
		g.Expect(b.Status.CertificateID).NotTo(Equal(idB))
		g.Expect(b.Status.Update).NotTo(BeNil())
		g.Expect(b.Status.Update.Phase).To(Equal(sslv1alpha1.RecordSucceeded))
		g.Expect(b.Status.History).To(HaveLen(1))
		g.Expect(b.Status.History[0].NotificationsMuted).To(BeTrue())
	}).WithTimeout(30 * time.Second).Should(Succeed())
	state := h.sim.State()
	g.Expect(state.BoundTo(b.Status.CertificateID)).To(ConsistOf(HaveField("Target", "lb-web|lbl-sni|www.example.com")))
	g.Expect(state.BoundTo(idA)).To(ConsistOf(HaveField("Target", "lb-web|lbl-plain")), "A's listener is not switched")

	g.Expect(h.k8s.Delete(h.ctx, b)).To(Succeed())
	teamB.waitGone(b)

	as, exists := h.certificateState(idA)
	g.Expect(exists).To(BeTrue(), "deleting B leaves A's certificate")
	g.Expect(as.IgnoreExpiryNotification).To(BeFalse(), "A's reminders are not muted")
	g.Expect(h.sim.State().BoundTo(idA)).To(HaveLen(1))
	h.waitCurrent(a)
	g.Expect(a.Status.CertificateID).To(Equal(idA))
	g.Expect(a.Status.Fingerprint).NotTo(BeEmpty())
	g.Expect(a.Status.History).To(BeEmpty())
}

// A namespace the default account does not select gets Stalled objects and no API call; moving
// the selector to include it makes them converge with no other change.
func TestNamespaceOutsideTheDefaultAccountConvergesOnceSelected(t *testing.T) {
	var account *sslv1alpha1.TencentCloudAccount
	h := newHarness(t, func(c *harnessConfig) {
		c.sim.Inventory = clbInventory()
		c.options.DefaultAccount = "team-default-" + rand.String(6)
	})
	g := NewWithT(t)
	account = &sslv1alpha1.TencentCloudAccount{
		ObjectMeta: metav1.ObjectMeta{Name: h.cfg.options.DefaultAccount},
		Spec: sslv1alpha1.TencentCloudAccountSpec{
			Identity:          sslv1alpha1.AccountIdentity{Type: sslv1alpha1.AccountIdentityAmbient},
			NamespaceSelector: &metav1.LabelSelector{MatchLabels: map[string]string{"team": "platform"}},
		},
	}
	g.Expect(h.k8s.Create(h.ctx, account)).To(Succeed())
	t.Cleanup(func() { _ = h.k8s.Delete(h.ctx, account) })

	h.createTLSSecret("web-tls", issue(t, "www.example.com"))
	tc := h.createCertificate("web", "web-tls")
	cd := h.createDeployment("web-clb", "clb", "ap-guangzhou", []sslv1alpha1.Target{{LoadBalancerID: "lb-web", ListenerID: "lbl-plain"}})
	msg := h.waitStalled(tc, sslv1alpha1.ReasonNamespaceNotAllowed)
	g.Expect(msg).To(ContainSubstring(h.ns))
	h.waitStalled(cd, sslv1alpha1.ReasonNamespaceNotAllowed)
	g.Expect(totalCalls(h.simCalls())).To(BeZero())

	g.Expect(h.k8s.Get(h.ctx, client.ObjectKeyFromObject(account), account)).To(Succeed())
	account.Spec.NamespaceSelector = &metav1.LabelSelector{MatchLabels: map[string]string{"kubernetes.io/metadata.name": h.ns}}
	g.Expect(h.k8s.Update(h.ctx, account)).To(Succeed())
	h.waitCurrent(tc)
	h.waitCurrent(cd)
	g.Expect(h.sim.State().BoundTo(tc.Status.CertificateID)).To(HaveLen(1))
}

// Accounts confine resource types, regions and adoption, for deployments as for certificates.
func TestAccountRulesRefuseResourceTypesRegionsAndAdoption(t *testing.T) {
	h := newHarness(t, func(c *harnessConfig) { c.sim.Inventory = clbInventory(); c.namespaces = 1 })
	g := NewWithT(t)
	all := &metav1.LabelSelector{}
	cdnOnly := h.createAccount("cdn-only", sslv1alpha1.TencentCloudAccountSpec{NamespaceSelector: all, AllowedResourceTypes: []sslv1alpha1.ResourceType{"cdn"}})
	shanghai := h.createAccount("shanghai", sslv1alpha1.TencentCloudAccountSpec{NamespaceSelector: all, AllowedRegions: []sslv1alpha1.Region{"ap-shanghai"}})
	use := func(a *sslv1alpha1.TencentCloudAccount) func(*sslv1alpha1.CertificateDeploymentSpec) {
		return func(s *sslv1alpha1.CertificateDeploymentSpec) {
			s.AccountRef = &sslv1alpha1.AccountReference{Name: a.Name}
		}
	}
	clb := []sslv1alpha1.Target{{LoadBalancerID: "lb-web", ListenerID: "lbl-plain"}}

	// A certificate of this namespace, uploaded through the default account.
	h.createTLSSecret("web-tls", issue(t, "www.example.com"))
	tc := h.createCertificate("web", "web-tls")
	h.waitCurrent(tc)
	// And one of another team's namespace.
	other := h.in(h.others[0])
	other.createTLSSecret("web-tls", issue(t, "www.example.com"))
	foreign := other.createCertificate("web", "web-tls")
	other.waitCurrent(foreign)
	h.sim.ResetCalls()

	byType := h.createDeployment("by-type", "clb", "ap-guangzhou", clb, use(cdnOnly))
	g.Expect(h.waitStalled(byType, sslv1alpha1.ReasonResourceTypeNotAllowed)).To(ContainSubstring("clb"))
	byRegion := h.createDeployment("by-region", "clb", "ap-guangzhou", clb, use(shanghai))
	g.Expect(h.waitStalled(byRegion, sslv1alpha1.ReasonRegionNotAllowed)).To(ContainSubstring("ap-guangzhou"))
	// Switching bound resources of a type the account does not allow is refused too.
	rotating := h.createCertificate("rotating", "web-tls", func(s *sslv1alpha1.TencentCertificateSpec) {
		s.AccountRef = &sslv1alpha1.AccountReference{Name: cdnOnly.Name}
		s.Rotation = updateCLB()
	})
	h.waitStalled(rotating, sslv1alpha1.ReasonResourceTypeNotAllowed)
	adopting := h.createCertificate("adopting", "", func(s *sslv1alpha1.TencentCertificateSpec) {
		s.SecretRef, s.CertificateID = nil, foreign.Status.CertificateID
		s.AccountRef = &sslv1alpha1.AccountReference{Name: cdnOnly.Name}
	})
	h.waitStalled(adopting, sslv1alpha1.ReasonAdoptionNotAllowed)
	g.Expect(totalCalls(h.simCalls())).To(BeZero(), "account rules refuse before any API call")

	// A fixed certificate ID: the namespace's own is deployed, another team's is refused after
	// one look at its ownership tags.
	stolen := h.createDeployment("stolen", "clb", "ap-guangzhou", clb, func(s *sslv1alpha1.CertificateDeploymentSpec) {
		s.CertificateRef, s.CertificateID = nil, foreign.Status.CertificateID
	})
	h.waitStalled(stolen, sslv1alpha1.ReasonCertificateNotOwned)
	calls := h.simCalls()
	g.Expect(calls.Total("DeployCertificateInstance")).To(BeZero())
	g.Expect(totalCalls(calls)).To(Equal(calls.Total("DescribeCertificates")))
	own := h.createDeployment("own", "clb", "ap-guangzhou", clb, func(s *sslv1alpha1.CertificateDeploymentSpec) {
		s.CertificateRef, s.CertificateID = nil, tc.Status.CertificateID
	})
	h.waitCurrent(own)
	state := h.sim.State()
	g.Expect(state.BoundTo(tc.Status.CertificateID)).To(HaveLen(1))
	g.Expect(state.BoundTo(foreign.Status.CertificateID)).To(BeEmpty())
}
