package integration_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	. "github.com/onsi/gomega"
	apimeta "k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	sslv1alpha1 "github.com/certsync/tencent-cert-operator/api/v1alpha1"
	"github.com/certsync/tencent-cert-operator/internal/tencentcloud"
	"github.com/certsync/tencent-cert-operator/test/sslsim"
)

// The scenarios of this file show the operator coping with the simulator's strict readings of
// the SSL API reference: cached instance data, checked and asynchronous deletion, tse and tcb
// seen only through the bound-resource query, regional instance lists, every item status,
// update adoption and empty updates, and adopted certificates that are not issued.

// Targets of the example inventory that only the bound-resource query reports.
const (
	tseTarget = "gateway-demo0001|8d3c2a34-5b1e-4c8f-9a6d-1f2e3d4c5b6a"
	tcbTarget = "AccessService|ap-shanghai|site-demo0001|app.example.com"
)

func bindingOf(h *harness, rt, target string) string {
	b, _ := h.sim.State().Binding(rt, target)
	return b.CertificateID
}

func TestListenerCreatedAMinuteAgoIsDeployedTo(t *testing.T) {
	h, tc := deploymentHarness(t)
	// The cache Tencent reads by default is up to half an hour old; this listener is a minute old.
	inv := exampleInventory(t)
	inv.CLB[0].Listeners = append(inv.CLB[0].Listeners, sslsim.Listener{ID: "lbl-new00001", Protocol: "HTTPS",
		Rules: []sslsim.Rule{{LocationID: "loc-new", Domain: "new.example.com", URL: "/"}}})
	NewWithT(t).Expect(h.sim.SetInventoryAged(inv, time.Minute)).To(Succeed())

	cd := h.createDeployment("clb-new", "clb", "ap-guangzhou", []sslv1alpha1.Target{{LoadBalancerID: "lb-demo0001", ListenerID: "lbl-new00001"}})
	h.waitCurrent(cd)
	g := NewWithT(t)
	g.Expect(cd.Status.Targets[0].State).To(Equal(sslv1alpha1.TargetSucceeded))
	g.Expect(bindingOf(h, "clb", "lb-demo0001|lbl-new00001")).To(Equal(tc.Status.CertificateID))
	g.Expect(h.events(sslv1alpha1.ReasonDeployRefused)).To(BeEmpty())
}

func TestCertificateBoundOnlyToTSESurvivesOldCertificatesDelete(t *testing.T) {
	h := newHarness(t, func(c *harnessConfig) { c.sim.Inventory = exampleInventory(t) })
	g := NewWithT(t)
	oldID := h.renewDeletingOld("*.example.com", func(oldID string) { g.Expect(h.sim.Bind("tse", tseTarget, oldID)).To(Succeed()) })
	// Each attempt is a checked deletion that Tencent refuses; the certificate stays.
	g.Eventually(func() int { return h.sim.Calls().Total("DeleteCertificate") }).WithTimeout(30 * time.Second).Should(BeNumerically(">=", 2))
	tc := h.getCertificate("web")
	g.Expect(tc.Status.History[0].CertificateID).To(Equal(oldID))
	g.Expect(tc.Status.History[0].State).To(Equal(sslv1alpha1.HistorySuperseded))
	g.Expect(h.sim.Certificates()).To(ContainElement(HaveField("ID", oldID)))
	g.Expect(bindingOf(h, "tse", tseTarget)).To(Equal(oldID))
	g.Expect(h.events(sslv1alpha1.ReasonOldCertificateDeleted)).To(BeEmpty())

	// Once the gateway moved on, the certificate goes.
	g.Expect(h.sim.Bind("tse", tseTarget, "")).To(Succeed())
	g.Eventually(func() sslv1alpha1.HistoryState { return h.getCertificate("web").Status.History[0].State }).
		WithTimeout(30 * time.Second).Should(Equal(sslv1alpha1.HistoryDeleted))
	g.Expect(h.sim.Certificates()).NotTo(ContainElement(HaveField("ID", oldID)))
	g.Expect(h.getCertificate("web").Status.History[0].DeleteTaskID).To(BeEmpty())
}

func TestLostDeleteResponseDeletesOnce(t *testing.T) {
	h := newHarness(t, func(c *harnessConfig) {
		c.sim.Faults = sslsim.Faults{Rules: []sslsim.FaultRule{{Action: "DeleteCertificate", Drop: true, AfterHandling: true, Times: 1}}}
	})
	g := NewWithT(t)
	oldID := h.renewDeletingOld("www.example.com", nil)
	g.Eventually(func() sslv1alpha1.HistoryState {
		tc := h.getCertificate("web")
		if len(tc.Status.History) == 0 {
			return ""
		}
		return tc.Status.History[0].State
	}).WithTimeout(30 * time.Second).Should(Equal(sslv1alpha1.HistoryDeleted))
	g.Expect(h.sim.Certificates()).To(HaveLen(1))
	g.Expect(h.sim.Certificates()[0].ID).NotTo(Equal(oldID))
	g.Expect(h.sim.Calls().Total("DeleteCertificate")).To(BeNumerically(">=", 2), "the lost answer was asked for again")
}

func TestDriftOnATCBTargetIsDetectedAndRepaired(t *testing.T) {
	h, tc := deploymentHarness(t)
	g := NewWithT(t)
	cd := h.createDeployment("tcb", "tcb", "ap-shanghai", []sslv1alpha1.Target{{Type: "AccessService", EnvID: "site-demo0001", Domain: "app.example.com"}},
		func(s *sslv1alpha1.CertificateDeploymentSpec) {
			s.DriftCheckInterval = &metav1.Duration{Duration: time.Second}
		})
	h.waitCurrent(cd)
	certID := tc.Status.CertificateID
	g.Expect(bindingOf(h, "tcb", tcbTarget)).To(Equal(certID))
	records := deployRecords(h.sim, certID, "tcb")

	// A change in the console.
	g.Expect(h.sim.Bind("tcb", tcbTarget, "")).To(Succeed())
	h.waitEvent(sslv1alpha1.ReasonDriftDetected, "AccessService|ap-shanghai|site-demo0001|app.example.com")
	g.Eventually(func() string { return bindingOf(h, "tcb", tcbTarget) }).WithTimeout(30 * time.Second).Should(Equal(certID))
	h.waitCurrent(cd)
	g.Expect(deployRecords(h.sim, certID, "tcb")).To(Equal(records+1), "one redeployment")
	g.Expect(h.sim.Calls().Total("CreateCertificateBindResourceSyncTask")).To(BeNumerically(">=", 2))
}

func TestTSETargetAlreadyServingTheCertificateIsNotRedeployed(t *testing.T) {
	h, tc := deploymentHarness(t)
	g := NewWithT(t)
	g.Expect(h.sim.Bind("tse", tseTarget, tc.Status.CertificateID)).To(Succeed())
	cd := h.createDeployment("tse", "tse", "ap-guangzhou", everyType[11].targets)
	h.waitCurrent(cd)
	g.Expect(cd.Status.Targets[0].State).To(Equal(sslv1alpha1.TargetAlreadyBound))
	g.Expect(h.sim.Calls().Total("DeployCertificateInstance")).To(BeZero(), "Tencent refuses a task for a target that already serves the certificate")
	g.Expect(cd.Status.BindingsQuery).To(BeNil())
}

func TestBindingsAreReadInTheDeploymentsRegion(t *testing.T) {
	for _, regional := range []bool{true, false} {
		t.Run(fmt.Sprintf("regional lists %v", regional), func(t *testing.T) {
			h, tc := deploymentHarness(t, func(c *harnessConfig) {
				c.sim.RegionalLists = &regional
				c.sim.Inventory.CLB = append(c.sim.Inventory.CLB, sslsim.LoadBalancer{ID: "lb-sh000001", Region: "ap-shanghai",
					Listeners: []sslsim.Listener{{ID: "lbl-sh000001", Protocol: "HTTPS", Rules: []sslsim.Rule{{LocationID: "loc-sh", Domain: "sh.example.com", URL: "/"}}}}})
			})
			g := NewWithT(t)
			g.Expect(h.sim.Bind("clb", "lb-sh000001|lbl-sh000001", tc.Status.CertificateID)).To(Succeed())
			cd := h.createDeployment("clb-sh", "clb", "ap-shanghai", []sslv1alpha1.Target{{LoadBalancerID: "lb-sh000001", ListenerID: "lbl-sh000001"}},
				func(s *sslv1alpha1.CertificateDeploymentSpec) {
					s.DriftCheckInterval = &metav1.Duration{Duration: time.Second}
				})
			h.waitCurrent(cd)
			g.Expect(cd.Status.Targets[0].State).To(Equal(sslv1alpha1.TargetAlreadyBound))
			g.Expect(h.sim.Calls().Total("DeployCertificateInstance")).To(BeZero())

			g.Expect(h.sim.Bind("clb", "lb-sh000001|lbl-sh000001", "")).To(Succeed())
			h.waitEvent(sslv1alpha1.ReasonDriftDetected, "lb-sh000001|lbl-sh000001")
			g.Eventually(func() string { return bindingOf(h, "clb", "lb-sh000001|lbl-sh000001") }).
				WithTimeout(30 * time.Second).Should(Equal(tc.Status.CertificateID))
		})
	}
}

func TestTargetOutsideTheCertificatesNamesIsRefusedBeforeAnyCall(t *testing.T) {
	h, _ := deploymentHarness(t)
	g := NewWithT(t)
	h.sim.ResetCalls()
	// *.example.com covers one label only.
	cd := h.createDeployment("cdn", "cdn", "", []sslv1alpha1.Target{
		{Domain: "static.example.com", HTTPSBilling: "on"}, {Domain: "a.static.example.com", HTTPSBilling: "on"}, {Domain: "www.example.org", HTTPSBilling: "off"},
	})
	h.waitCondition(cd, sslv1alpha1.StalledCondition, metav1.ConditionTrue, sslv1alpha1.ReasonDomainNotCovered)
	c := apimeta.FindStatusCondition(cd.Status.Conditions, sslv1alpha1.ReadyCondition)
	g.Expect(c.Message).To(ContainSubstring("targets[1] (a.static.example.com)"))
	g.Expect(c.Message).To(ContainSubstring("targets[2] (www.example.org)"))
	g.Expect(c.Message).NotTo(ContainSubstring("targets[0]"))
	h.waitEvent(sslv1alpha1.ReasonDomainNotCovered, "www.example.org")
	g.Expect(totalCalls(h.sim.Calls())).To(BeZero(), "no call with a target known to fail")

	// Fixing the spec deploys.
	cd = h.getDeployment("cdn")
	cd.Spec.Targets = cd.Spec.Targets[:1]
	g.Expect(h.k8s.Update(h.ctx, cd)).To(Succeed())
	h.waitCurrent(cd)
}

func TestTargetWhoseInstanceVanishesMidTaskFailsWithoutRetry(t *testing.T) {
	h, _ := deploymentHarness(t, func(c *harnessConfig) { c.sim.DeployDuration = 2 * time.Second })
	g := NewWithT(t)
	cd := h.createDeployment("vod", "vod", "", []sslv1alpha1.Target{{Domain: "video.example.com"}})
	g.Eventually(func() int64 {
		cd = h.getDeployment("vod")
		if cd.Status.Record == nil {
			return 0
		}
		return cd.Status.Record.ID
	}).WithTimeout(30 * time.Second).ShouldNot(BeZero())
	inv := exampleInventory(t)
	inv.VOD = nil
	g.Expect(h.sim.SetInventory(inv)).To(Succeed())

	// Status 6: nothing to deploy to. It cannot be retried, so it fails at once.
	h.waitCondition(cd, sslv1alpha1.DegradedCondition, metav1.ConditionTrue, sslv1alpha1.ReasonDeployFailed)
	g.Expect(cd.Status.Targets[0].State).To(Equal(sslv1alpha1.TargetFailed))
	g.Expect(cd.Status.Targets[0].Message).To(Equal("Tencent Cloud found no resource to deploy to"))
	g.Expect(h.sim.Calls().Total("DeployCertificateRecordRetry")).To(BeZero())
	g.Expect(cd.Status.Record.Retries).To(BeZero())
}

func TestRunningUpdateToAnotherCertificateIsNotAdopted(t *testing.T) {
	h := newHarness(t, func(c *harnessConfig) {
		c.sim.Inventory = clbInventory()
		// Long enough for the operator to meet the other update while it runs.
		c.sim.DeployDuration = 5 * time.Second
	})
	g := NewWithT(t)
	h.createTLSSecret("web-tls", issue(t, "www.example.com"))
	tc := h.createCertificate("web", "web-tls", func(s *sslv1alpha1.TencentCertificateSpec) { s.Rotation = updateCLB() })
	h.waitCurrent(tc)
	oldID := tc.Status.CertificateID
	g.Expect(h.sim.Bind("clb", "lb-web|lbl-plain", oldID)).To(Succeed())
	h.createTLSSecret("other-tls", issue(t, "www.example.com"))
	other := h.createCertificate("other", "other-tls")
	h.waitCurrent(other)

	// Someone else moves the old certificate's resources to another certificate.
	api := h.cloudAPI()
	in := tencentcloud.UpdateInput{OldCertificateID: oldID, CertificateID: other.Status.CertificateID, ResourceTypes: []string{"clb"},
		Regions: map[string][]string{"clb": {"ap-guangzhou"}}}
	var competing tencentcloud.Task
	g.Eventually(func() int64 {
		var err error
		competing, err = api.StartUpdate(h.ctx, in)
		g.Expect(err).NotTo(HaveOccurred())
		return competing.RecordID
	}).WithTimeout(10 * time.Second).ShouldNot(BeZero())

	h.rotateSecret("web-tls", issue(t, "www.example.com"))
	h.waitCondition(tc, sslv1alpha1.BoundResourcesUpdatedCondition, metav1.ConditionUnknown, sslv1alpha1.ReasonDeployWaiting)
	g.Expect(tc.Status.Update.ID).To(BeZero(), "the other update is not taken for ours")

	// It finished on its own terms; ours then found nothing left to switch.
	g.Eventually(func() sslv1alpha1.RecordPhase { return h.getCertificate("web").Status.Update.Phase }).
		WithTimeout(30 * time.Second).Should(Equal(sslv1alpha1.RecordSucceeded))
	tc = h.getCertificate("web")
	g.Expect(tc.Status.Update.ID).NotTo(Equal(competing.RecordID))
	g.Expect(bindingOf(h, "clb", "lb-web|lbl-plain")).To(Equal(other.Status.CertificateID))
}

func TestEmptyUpdateCountsOnlyOnceTheBindingsConfirmIt(t *testing.T) {
	h := newHarness(t, func(c *harnessConfig) {
		c.sim.Inventory = exampleInventory(t)
		// Tencent's view lags: the first update finds nothing to switch.
		c.sim.Faults = sslsim.Faults{Rules: []sslsim.FaultRule{{Action: "UpdateCertificateInstance", Code: "FailedOperation.CertificateDeployInstanceEmpty", Times: 1}}}
	})
	g := NewWithT(t)
	h.createTLSSecret("web-tls", issue(t, "*.example.com"))
	tc := h.createCertificate("web", "web-tls", func(s *sslv1alpha1.TencentCertificateSpec) {
		s.Rotation = &sslv1alpha1.RotationSpec{UpdateBoundResources: []sslv1alpha1.BoundResourceUpdate{
			{ResourceType: "clb", Regions: []sslv1alpha1.Region{"ap-guangzhou"}},
			{ResourceType: "tse", Regions: []sslv1alpha1.Region{"ap-guangzhou"}},
		}}
	})
	h.waitCurrent(tc)
	oldID := tc.Status.CertificateID
	g.Expect(h.sim.Bind("tse", tseTarget, oldID)).To(Succeed())

	h.rotateSecret("web-tls", issue(t, "*.example.com"))
	g.Eventually(func(g Gomega) {
		tc = h.getCertificate("web")
		g.Expect(tc.Status.Update).NotTo(BeNil())
		g.Expect(tc.Status.Update.Phase).To(Equal(sslv1alpha1.RecordSucceeded))
	}).WithTimeout(30 * time.Second).Should(Succeed())
	g.Expect(tc.Status.Update.ID).NotTo(BeZero(), "a real update switched the gateway")
	g.Expect(bindingOf(h, "tse", tseTarget)).To(Equal(tc.Status.CertificateID))
	g.Expect(h.sim.Calls().Total("CreateCertificateBindResourceSyncTask")).To(BeNumerically(">=", 1))
	g.Expect(h.sim.Calls().Total("UpdateCertificateInstance")).To(BeNumerically(">=", 3), "asked again after the confirmation")
}

func TestAdoptedCertificateMustBeIssuedAndValid(t *testing.T) {
	h := newHarness(t, func(c *harnessConfig) { c.options.TencentCertificate.ResyncInterval = time.Second })
	g := NewWithT(t)
	h.createTLSSecret("a-tls", issue(t, "a.example.com"))
	h.createTLSSecret("b-tls", issue(t, "b.example.com"))
	a, b := h.createCertificate("a", "a-tls"), h.createCertificate("b", "b-tls")
	h.waitCurrent(a)
	h.waitCurrent(b)

	g.Expect(h.sim.SetCertificateStatus(a.Status.CertificateID, 0)).To(Succeed())
	reviewed := h.adopt("reviewed", a.Status.CertificateID)
	h.waitCondition(reviewed, sslv1alpha1.ReadyCondition, metav1.ConditionFalse, sslv1alpha1.ReasonCertificateNotIssued)
	g.Expect(apimeta.FindStatusCondition(reviewed.Status.Conditions, sslv1alpha1.ReconcilingCondition)).NotTo(BeNil(), "it is waited for")
	g.Expect(reviewed.Status.CertificateID).To(BeEmpty(), "nothing is published for deployments")
	g.Expect(h.sim.SetCertificateStatus(a.Status.CertificateID, -1)).To(Succeed())
	h.waitCurrent(reviewed)
	g.Expect(reviewed.Status.CertificateID).To(Equal(a.Status.CertificateID))

	g.Expect(h.sim.SetCertificateStatus(b.Status.CertificateID, 3)).To(Succeed())
	expired := h.adopt("expired", b.Status.CertificateID)
	h.waitCondition(expired, sslv1alpha1.StalledCondition, metav1.ConditionTrue, sslv1alpha1.ReasonCertificateExpired)
}

func TestAliasAndProjectChangesReachTheCurrentCertificate(t *testing.T) {
	h := newHarness(t)
	g := NewWithT(t)
	h.createTLSSecret("web-tls", issue(t, "www.example.com"))
	tc := h.createCertificate("web", "web-tls")
	h.waitCurrent(tc)
	g.Expect(h.sim.Certificates()[0].Alias).To(Equal(h.ns + "/web"))
	g.Expect(tc.Status.Alias).To(Equal(h.ns + "/web"))
	uploads := h.sim.Calls().Total("UploadCertificate")

	tc.Spec.Alias, tc.Spec.ProjectID = "Web frontend", new(int64(7))
	g.Expect(h.k8s.Update(h.ctx, tc)).To(Succeed())
	g.Eventually(func(g Gomega) {
		c := h.sim.Certificates()[0]
		g.Expect(c.Alias).To(Equal("Web frontend"))
		g.Expect(c.ProjectID).To(Equal(int64(7)))
	}).WithTimeout(30 * time.Second).Should(Succeed())
	h.waitCurrent(tc)
	h.waitEvent(sslv1alpha1.ReasonMetadataUpdated, "project 7")
	g.Expect(h.sim.Calls().Total("UploadCertificate")).To(Equal(uploads), "changed in place, not uploaded again")
	g.Expect(h.sim.Calls().Total("ModifyCertificateAlias")).To(Equal(1))
	g.Expect(h.sim.Calls().Total("ModifyCertificateProject")).To(Equal(1))
}

// renewDeletingOld creates the TencentCertificate "web" for domain with oldCertificates:
// Delete, lets prepare act on its first certificate, renews it and returns the first ID.
func (h *harness) renewDeletingOld(domain string, prepare func(oldID string)) string {
	h.t.Helper()
	h.createTLSSecret("web-tls", issue(h.t, domain))
	tc := h.createCertificate("web", "web-tls", func(s *sslv1alpha1.TencentCertificateSpec) {
		s.Rotation = &sslv1alpha1.RotationSpec{OldCertificates: sslv1alpha1.OldCertificatesDelete}
	})
	h.waitCurrent(tc)
	if prepare != nil {
		prepare(tc.Status.CertificateID)
	}
	h.rotateSecret("web-tls", issue(h.t, domain))
	return tc.Status.CertificateID
}

// adopt creates a TencentCertificate that adopts an existing certificate, through an account
// that allows adoption.
func (h *harness) adopt(name, id string) *sslv1alpha1.TencentCertificate {
	h.t.Helper()
	adopters := h.createAccount("adopters", sslv1alpha1.TencentCloudAccountSpec{NamespaceSelector: &metav1.LabelSelector{}, AllowAdoption: true})
	tc := &sslv1alpha1.TencentCertificate{ObjectMeta: metav1.ObjectMeta{Namespace: h.ns, Name: name},
		Spec: sslv1alpha1.TencentCertificateSpec{CertificateID: id, AccountRef: &sslv1alpha1.AccountReference{Name: adopters.Name}}}
	NewWithT(h.t).Expect(h.k8s.Create(h.ctx, tc)).To(Succeed())
	return tc
}

// cloudAPI returns a client of the simulator with the harness's credentials, to act in the
// account as someone other than the operator.
func (h *harness) cloudAPI() tencentcloud.API {
	h.t.Helper()
	api, err := tencentcloud.NewFactory(tencentcloud.FactoryOptions{Endpoint: h.simURL}).
		For(context.Background(), &tencentcloud.Credentials{SecretID: testSecretID, SecretKey: testSecretKey})
	NewWithT(h.t).Expect(err).NotTo(HaveOccurred())
	return api
}
