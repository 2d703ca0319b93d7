package integration_test

import (
	"context"
	"sync"
	"testing"
	"time"

	. "github.com/onsi/gomega"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/client/interceptor"

	sslv1alpha1 "github.com/certsync/tencent-cert-operator/api/v1alpha1"
)

// staleOnce serves a saved, outdated copy of a TencentCertificate to the next read of the
// manager's cached client, as an informer that has not caught up would.
type staleOnce struct {
	mu    sync.Mutex
	stale *sslv1alpha1.TencentCertificate
}

func (s *staleOnce) arm(tc *sslv1alpha1.TencentCertificate) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.stale = tc.DeepCopy()
}

func (s *staleOnce) funcs() *interceptor.Funcs {
	return &interceptor.Funcs{Get: func(ctx context.Context, c client.WithWatch, key client.ObjectKey, obj client.Object, opts ...client.GetOption) error {
		s.mu.Lock()
		stale := s.stale
		if tc, ok := obj.(*sslv1alpha1.TencentCertificate); ok && stale != nil && key.Name == stale.Name {
			s.stale = nil
			s.mu.Unlock()
			stale.DeepCopyInto(tc)
			return nil
		}
		s.mu.Unlock()
		return c.Get(ctx, key, obj, opts...)
	}}
}

// TestStaleReadKeepsTheIntermediateCertificate changes the Secret twice while the reconcile of
// the second change reads the status from before the first: the intermediate certificate must
// stay in history, and the update must move resources from it, as the task that really ran.
func TestStaleReadKeepsTheIntermediateCertificate(t *testing.T) {
	stale := &staleOnce{}
	h := newHarness(t, func(c *harnessConfig) {
		c.sim.Inventory = exampleInventory(t)
		c.interceptors = stale.funcs()
	})
	g := NewWithT(t)
	h.createTLSSecret("web-tls", issue(t, "*.example.com"))
	tc := h.createCertificate("web", "web-tls", func(s *sslv1alpha1.TencentCertificateSpec) {
		s.Rotation = &sslv1alpha1.RotationSpec{
			OldCertificates:      sslv1alpha1.OldCertificatesRetain,
			UpdateBoundResources: []sslv1alpha1.BoundResourceUpdate{{ResourceType: "clb", Regions: []sslv1alpha1.Region{"ap-guangzhou"}}},
		}
	})
	h.waitCurrent(tc)
	a := tc.Status.CertificateID
	g.Expect(h.sim.Bind("clb", "lb-demo0001|lbl-https001", a)).To(Succeed())
	before := tc.DeepCopy()

	h.rotateSecret("web-tls", issue(t, "*.example.com"))
	g.Eventually(func() string { return h.getCertificate("web").Status.CertificateID }).WithTimeout(30 * time.Second).ShouldNot(Equal(a))
	h.waitCurrent(tc)
	b := tc.Status.CertificateID

	stale.arm(before)
	h.rotateSecret("web-tls", issue(t, "*.example.com"))
	g.Eventually(func() string { return h.getCertificate("web").Status.CertificateID }).WithTimeout(30 * time.Second).ShouldNot(Equal(b))
	h.waitCurrent(tc)
	c := tc.Status.CertificateID
	stale.mu.Lock()
	g.Expect(stale.stale).To(BeNil(), "the reconcile read the outdated copy")
	stale.mu.Unlock()

	g.Expect(tc.Status.History).To(ConsistOf(
		HaveField("CertificateID", b), HaveField("CertificateID", a)), "the intermediate certificate is kept")
	g.Expect(tc.Status.Update.OldCertificateID).To(Equal(b))
	g.Expect(tc.Status.Update.CertificateID).To(Equal(c))
	var moves [][2]string
	for _, r := range h.sim.State().Records {
		if r.Kind == "update" {
			moves = append(moves, [2]string{r.OldCertificateID, r.CertificateID})
		}
	}
	g.Expect(moves).To(ConsistOf([2]string{a, b}, [2]string{b, c}), "the update records are the tasks that ran")
	g.Expect(h.sim.State().BoundTo(c)).To(HaveLen(1), "the listener follows both renewals")
	g.Expect(h.sim.Certificates()).To(HaveLen(3))
	h.assertConsistent()
}
