package integration_test

import (
	"fmt"
	"testing"
	"time"

	. "github.com/onsi/gomega"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	sslv1alpha1 "github.com/certsync/tencent-cert-operator/api/v1alpha1"
	"github.com/certsync/tencent-cert-operator/test/sslsim"
)

// failure is how a creating call's answer goes missing.
type failure string

const (
	// lost: the call takes effect and its answer is lost (InternalError after handling).
	lost failure = "lost response"
	// crash: the call takes effect and the manager dies before the answer arrives.
	crash failure = "crash after the call"
)

// inject makes the next call of action take effect and lose its answer as f says, runs
// trigger, and waits until the call has been handled; for a crash it then restarts the manager.
func (h *harness) inject(f failure, action string, targets []sslsim.TargetFault, trigger func()) {
	h.t.Helper()
	rule := sslsim.FaultRule{Action: action, Times: 1, AfterHandling: true, Code: "InternalError"}
	if f == crash {
		rule = sslsim.FaultRule{Action: action, Times: 1, AfterHandling: true, Drop: true, Latency: sslsim.Duration{Duration: time.Minute}}
	}
	g := NewWithT(h.t)
	before := h.sim.Handled(action)
	g.Expect(h.sim.SetFaults(sslsim.Faults{Rules: []sslsim.FaultRule{rule}, Targets: targets})).To(Succeed())
	if trigger != nil {
		trigger()
	}
	g.Eventually(func() int { return h.sim.Handled(action) }).WithTimeout(30*time.Second).WithPolling(20*time.Millisecond).
		Should(BeNumerically(">", before), "%s was called", action)
	if f == crash {
		h.stopManager()
		h.startManager()
	}
}

var clbTargets = []string{"lb-demo0001|lbl-sni00001|api.example.com", "lb-demo0001|lbl-https001", "lb-demo0001|lbl-tls00001"}

// records counts the simulator's records of a kind ("deploy" or "update") for a certificate,
// without rollbacks.
func records(sim *sslsim.Simulator, kind, certID string) (n, rollbacks int) {
	for _, r := range sim.State().Records {
		if r.Kind != kind || r.CertificateID != certID && r.OldCertificateID != certID {
			continue
		}
		if r.RollbackOf != 0 {
			rollbacks++
		} else if r.CertificateID == certID {
			n++
		}
	}
	return n, rollbacks
}

func certificateExists(sim *sslsim.Simulator, id string) bool {
	for _, c := range sim.Certificates() {
		if c.ID == id {
			return true
		}
	}
	return false
}

// TestLostResponsesAndCrashesConverge makes every creating call of the full flow take effect
// and lose its answer, once as a lost response and once as a crash right after the call. Each
// case must converge with no duplicate certificate or task, no certificate lost from history,
// and a status that matches the simulator.
func TestLostResponsesAndCrashesConverge(t *testing.T) {
	rotation := func(s *sslv1alpha1.TencentCertificateSpec) {
		s.Rotation = &sslv1alpha1.RotationSpec{
			OldCertificates:      sslv1alpha1.OldCertificatesDelete,
			UpdateBoundResources: []sslv1alpha1.BoundResourceUpdate{{ResourceType: "clb", Regions: []sslv1alpha1.Region{"ap-guangzhou"}}},
		}
	}
	// renewal uploads A, binds a listener that no deployment manages to it, and renews to B,
	// injecting the failure into action.
	renewal := func(h *harness, f failure, action string, targets []sslsim.TargetFault) (a, b string) {
		g := NewWithT(h.t)
		h.createTLSSecret("web-tls", issue(h.t, "*.example.com", "example.com"))
		tc := h.createCertificate("web", "web-tls", rotation)
		h.waitCurrent(tc)
		a = tc.Status.CertificateID
		g.Expect(h.sim.Bind("clb", "lb-demo0001|lbl-https001", a)).To(Succeed())
		h.inject(f, action, targets, func() { h.rotateSecret("web-tls", issue(h.t, "*.example.com", "example.com")) })
		g.Eventually(func() string { return h.getCertificate("web").Status.CertificateID }).WithTimeout(30 * time.Second).ShouldNot(Equal(a))
		h.waitCurrent(tc)
		return a, tc.Status.CertificateID
	}
	busy := []sslsim.TargetFault{{ResourceType: "clb", Target: "lb-demo0001|lbl-https001", Message: "listener busy", Attempts: 1}}

	cases := []struct {
		action string
		run    func(h *harness, f failure)
	}{
		{"UploadCertificate", func(h *harness, f failure) {
			h.createTLSSecret("web-tls", issue(h.t, "*.example.com"))
			tc := &sslv1alpha1.TencentCertificate{}
			h.inject(f, "UploadCertificate", nil, func() { tc = h.createCertificate("web", "web-tls") })
			h.waitCurrent(tc)
			g := NewWithT(h.t)
			g.Expect(h.sim.Certificates()).To(HaveLen(1), "one certificate")
			g.Expect(certificateExists(h.sim, tc.Status.CertificateID)).To(BeTrue())
		}},
		{"ModifyCertificatesExpiringNotificationSwitch", func(h *harness, f failure) {
			a, b := renewal(h, f, "ModifyCertificatesExpiringNotificationSwitch", nil)
			g := NewWithT(h.t)
			g.Eventually(func() []sslv1alpha1.CertificateHistoryEntry { return h.getCertificate("web").Status.History }).
				Should(ContainElement(And(HaveField("CertificateID", a), HaveField("State", sslv1alpha1.HistoryDeleted))))
			g.Expect(h.sim.Certificates()).To(HaveLen(1))
			g.Expect(certificateExists(h.sim, b)).To(BeTrue())
		}},
		{"UpdateCertificateInstance", func(h *harness, f failure) {
			a, b := renewal(h, f, "UpdateCertificateInstance", nil)
			g := NewWithT(h.t)
			n, _ := records(h.sim, "update", b)
			g.Expect(n).To(Equal(1), "one update task from %s to %s", a, b)
			g.Expect(h.sim.State().BoundTo(b)).To(HaveLen(1))
			u := h.getCertificate("web").Status.Update
			g.Expect(u.Phase).To(Equal(sslv1alpha1.RecordSucceeded))
			g.Expect(u.OldCertificateID).To(Equal(a))
		}},
		{"UpdateCertificateRecordRetry", func(h *harness, f failure) {
			_, b := renewal(h, f, "UpdateCertificateRecordRetry", busy)
			g := NewWithT(h.t)
			n, _ := records(h.sim, "update", b)
			g.Expect(n).To(Equal(1))
			g.Expect(h.sim.State().BoundTo(b)).To(HaveLen(1))
			g.Expect(h.getCertificate("web").Status.Update.Phase).To(Equal(sslv1alpha1.RecordSucceeded))
		}},
		{"DeployCertificateInstance", func(h *harness, f failure) {
			tc := h.readyCertificate()
			cd := &sslv1alpha1.CertificateDeployment{}
			h.inject(f, "DeployCertificateInstance", nil, func() { cd = h.createDeployment("clb", "clb", "ap-guangzhou", everyType[0].targets) })
			h.waitCurrent(cd)
			g := NewWithT(h.t)
			g.Expect(deployRecords(h.sim, tc.Status.CertificateID, "clb")).To(Equal(1), "one deploy task")
			g.Expect(h.sim.State().BoundTo(tc.Status.CertificateID)).To(HaveLen(3))
			g.Expect(cd.Status.Summary).To(Equal("3/3"))
		}},
		{"DeployCertificateRecordRetry", func(h *harness, f failure) {
			tc := h.readyCertificate()
			cd := &sslv1alpha1.CertificateDeployment{}
			h.inject(f, "DeployCertificateRecordRetry", busy, func() { cd = h.createDeployment("clb", "clb", "ap-guangzhou", everyType[0].targets) })
			h.waitCurrent(cd)
			g := NewWithT(h.t)
			g.Expect(deployRecords(h.sim, tc.Status.CertificateID, "clb")).To(Equal(1))
			g.Expect(h.sim.State().BoundTo(tc.Status.CertificateID)).To(HaveLen(3))
		}},
		{"DeployCertificateRecordRollback", func(h *harness, f failure) {
			g := NewWithT(h.t)
			h.createTLSSecret("prev-tls", issue(h.t, "*.example.com"))
			prev := h.createCertificate("prev", "prev-tls")
			h.waitCurrent(prev)
			for _, target := range clbTargets {
				g.Expect(h.sim.Bind("clb", target, prev.Status.CertificateID)).To(Succeed())
			}
			tc := h.readyCertificate()
			zero := int32(0)
			failing := []sslsim.TargetFault{{ResourceType: "clb", Target: "lb-demo0001|lbl-https001", Message: "listener busy"}}
			cd := &sslv1alpha1.CertificateDeployment{}
			h.inject(f, "DeployCertificateRecordRollback", failing, func() {
				cd = h.createDeployment("clb", "clb", "ap-guangzhou", everyType[0].targets, func(s *sslv1alpha1.CertificateDeploymentSpec) {
					s.FailurePolicy, s.RetryLimit = sslv1alpha1.FailurePolicyRollback, &zero
				})
			})
			h.waitCondition(cd, sslv1alpha1.DegradedCondition, metav1.ConditionTrue, sslv1alpha1.ReasonRolledBack)
			n, rollbacks := records(h.sim, "deploy", tc.Status.CertificateID)
			g.Expect(n).To(Equal(1), "one deploy task")
			g.Expect(rollbacks).To(Equal(1), "one rollback task")
			g.Expect(h.sim.State().BoundTo(prev.Status.CertificateID)).To(HaveLen(3), "every target is back on the previous certificate")
			g.Expect(cd.Status.Record.Phase).To(Equal(sslv1alpha1.RecordRolledBack))
		}},
		{"DeleteCertificate", func(h *harness, f failure) {
			a, b := renewal(h, f, "DeleteCertificate", nil)
			g := NewWithT(h.t)
			g.Eventually(func() []sslv1alpha1.CertificateHistoryEntry { return h.getCertificate("web").Status.History }).
				Should(ContainElement(And(HaveField("CertificateID", a), HaveField("State", sslv1alpha1.HistoryDeleted))))
			g.Expect(certificateExists(h.sim, a)).To(BeFalse())
			g.Expect(certificateExists(h.sim, b)).To(BeTrue())
			h.waitCurrent(h.getCertificate("web"))
		}},
		{"DeleteCertificate in the finalizer", func(h *harness, f failure) {
			tc := h.readyCertificate()
			id := tc.Status.CertificateID
			h.inject(f, "DeleteCertificate", nil, func() { NewWithT(h.t).Expect(h.k8s.Delete(h.ctx, tc)).To(Succeed()) })
			h.waitGone(tc)
			NewWithT(h.t).Expect(certificateExists(h.sim, id)).To(BeFalse())
			NewWithT(h.t).Expect(h.events(sslv1alpha1.ReasonCleanupAbandoned)).To(BeEmpty())
		}},
	}
	for _, c := range cases {
		for _, f := range []failure{lost, crash} {
			t.Run(fmt.Sprintf("%s/%s", c.action, f), func(t *testing.T) {
				h := newHarness(t, func(c *harnessConfig) {
					c.sim.Inventory = exampleInventory(t)
					c.options.CertificateDeployment.PollInterval = 100 * time.Millisecond
					c.options.CertificateDeployment.MaxPollInterval = 300 * time.Millisecond
				})
				c.run(h, f)
				h.assertConsistent()
			})
		}
	}
}

// readyCertificate uploads web for *.example.com and waits until it is Ready.
func (h *harness) readyCertificate() *sslv1alpha1.TencentCertificate {
	h.t.Helper()
	h.createTLSSecret("web-tls", issue(h.t, "*.example.com", "example.com"))
	tc := h.createCertificate("web", "web-tls")
	h.waitCurrent(tc)
	return tc
}

// assertConsistent checks that the status of every object agrees with the simulator: each
// certificate ID in status exists, history holds no certificate twice, and every Succeeded
// target serves the deployment's certificate.
func (h *harness) assertConsistent() {
	h.t.Helper()
	g := NewWithT(h.t)
	tcs := &sslv1alpha1.TencentCertificateList{}
	g.Expect(h.k8s.List(h.ctx, tcs)).To(Succeed())
	for _, tc := range tcs.Items {
		if tc.Namespace != h.ns || !tc.DeletionTimestamp.IsZero() {
			continue
		}
		g.Expect(certificateExists(h.sim, tc.Status.CertificateID)).To(BeTrue(), "%s serves %s", tc.Name, tc.Status.CertificateID)
		seen := map[string]bool{tc.Status.CertificateID: true}
		for _, e := range tc.Status.History {
			g.Expect(seen[e.CertificateID]).To(BeFalse(), "%s appears twice in %s", e.CertificateID, tc.Name)
			seen[e.CertificateID] = true
			g.Expect(certificateExists(h.sim, e.CertificateID)).To(Equal(e.State != sslv1alpha1.HistoryDeleted), "history of %s: %+v", tc.Name, e)
		}
	}
	cds := &sslv1alpha1.CertificateDeploymentList{}
	g.Expect(h.k8s.List(h.ctx, cds)).To(Succeed())
	for _, cd := range cds.Items {
		if cd.Namespace != h.ns {
			continue
		}
		state := h.sim.State()
		for _, t := range cd.Status.Targets {
			if t.State != sslv1alpha1.TargetSucceeded && t.State != sslv1alpha1.TargetAlreadyBound {
				continue
			}
			b, ok := state.Binding(string(cd.Spec.ResourceType), t.ID)
			g.Expect(ok).To(BeTrue(), "target %s", t.ID)
			g.Expect(b.CertificateID).To(Equal(cd.Status.CertificateID), "target %s of %s", t.ID, cd.Name)
		}
	}
}

// TestLostDeployAnswerAfterTheTaskFinished loses the answer of a deployment whose task has
// already finished when the answer would have arrived: the next plan finds the targets serving
// the certificate, and no second task is created or refused.
func TestLostDeployAnswerAfterTheTaskFinished(t *testing.T) {
	h, tc := deploymentHarness(t, func(c *harnessConfig) {
		c.sim.Faults = sslsim.Faults{Rules: []sslsim.FaultRule{{Action: "DeployCertificateInstance", Times: 1, AfterHandling: true,
			Code: "InternalError", Latency: sslsim.Duration{Duration: 2 * time.Second}}}}
	})
	g := NewWithT(t)
	cd := h.createDeployment("clb", "clb", "ap-guangzhou", everyType[0].targets)
	h.waitCurrent(cd)
	g.Expect(deployRecords(h.sim, tc.Status.CertificateID, "clb")).To(Equal(1))
	g.Expect(h.sim.Calls().Count("DeployCertificateInstance", "FailedOperation.CertificateNotDeployInstance")).To(BeZero())
	g.Expect(cd.Status.Targets).To(HaveEach(HaveField("State", sslv1alpha1.TargetAlreadyBound)))
	h.assertConsistent()
}
