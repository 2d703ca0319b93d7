package integration_test

import (
	"testing"
	"time"

	. "github.com/onsi/gomega"
	coordinationv1 "k8s.io/api/coordination/v1"
	clocktesting "k8s.io/utils/clock/testing"
	"sigs.k8s.io/controller-runtime/pkg/client"

	sslv1alpha1 "github.com/certsync/tencent-cert-operator/api/v1alpha1"
)

// failoverHarness runs two managers that elect a leader; the first one started leads. It
// returns what kills the leader without releasing its lease, as a crash would, and the
// simulator's clock, which tasks wait for.
func failoverHarness(t *testing.T) (*harness, func(), *clocktesting.FakeClock) {
	var simClock *clocktesting.FakeClock
	h := newHarness(t, func(c *harnessConfig) {
		c.sim.Inventory = exampleInventory(t)
		simClock = holdTasks(c)
		c.leaderElection = true
		c.options.CertificateDeployment.PollInterval = 100 * time.Millisecond
		c.options.CertificateDeployment.MaxPollInterval = 300 * time.Millisecond
	})
	g := NewWithT(t)
	lease := &coordinationv1.Lease{}
	g.Eventually(func() error {
		return h.k8s.Get(h.ctx, client.ObjectKey{Namespace: h.ns, Name: "tencent-cert-operator-test"}, lease)
	}).WithTimeout(30 * time.Second).Should(Succeed())
	leader := h.stopManager
	h.runManager()
	return h, leader, simClock
}

// TestNewLeaderResumesTheSameRecords kills the leader while a deployment and an update run.
// The new leader finds both records in the objects' status and follows them to their end:
// leader failover needs nothing rebuilt, and creates no second task.
func TestNewLeaderResumesTheSameRecords(t *testing.T) {
	t.Run("mid-deploy", func(t *testing.T) {
		h, killLeader, simClock := failoverHarness(t)
		g := NewWithT(t)
		tc := h.readyCertificate()
		cd := h.createDeployment("clb", "clb", "ap-guangzhou", everyType[0].targets)
		g.Eventually(func() int64 { return recordID(h.getDeployment("clb")) }).WithTimeout(30 * time.Second).ShouldNot(BeZero())
		record := recordID(h.getDeployment("clb"))
		killLeader()
		simClock.Step(time.Minute)
		h.waitCurrent(cd)
		g.Expect(recordID(cd)).To(Equal(record), "the new leader resumed the same record")
		g.Expect(deployRecords(h.sim, tc.Status.CertificateID, "clb")).To(Equal(1))
		g.Expect(h.sim.State().BoundTo(tc.Status.CertificateID)).To(HaveLen(3))
		h.assertConsistent()
	})
	t.Run("mid-update", func(t *testing.T) {
		h, killLeader, simClock := failoverHarness(t)
		g := NewWithT(t)
		h.createTLSSecret("web-tls", issue(t, "*.example.com"))
		tc := h.createCertificate("web", "web-tls", func(s *sslv1alpha1.TencentCertificateSpec) {
			s.Rotation = &sslv1alpha1.RotationSpec{UpdateBoundResources: []sslv1alpha1.BoundResourceUpdate{
				{ResourceType: "clb", Regions: []sslv1alpha1.Region{"ap-guangzhou"}}}}
		})
		h.waitCurrent(tc)
		a := tc.Status.CertificateID
		g.Expect(h.sim.Bind("clb", "lb-demo0001|lbl-https001", a)).To(Succeed())
		h.rotateSecret("web-tls", issue(t, "*.example.com"))
		g.Eventually(func() int64 {
			if u := h.getCertificate("web").Status.Update; u != nil {
				return u.ID
			}
			return 0
		}).WithTimeout(30 * time.Second).ShouldNot(BeZero())
		record := h.getCertificate("web").Status.Update.ID
		killLeader()
		simClock.Step(time.Minute)
		g.Eventually(func() sslv1alpha1.RecordPhase { return h.getCertificate("web").Status.Update.Phase }).
			WithTimeout(30 * time.Second).Should(Equal(sslv1alpha1.RecordSucceeded))
		h.waitCurrent(tc)
		g.Expect(tc.Status.Update.ID).To(Equal(record))
		n, _ := records(h.sim, "update", tc.Status.CertificateID)
		g.Expect(n).To(Equal(1), "one update task")
		g.Expect(h.sim.State().BoundTo(tc.Status.CertificateID)).To(HaveLen(1))
		h.assertConsistent()
	})
}
