package integration_test

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	. "github.com/onsi/gomega"
	apimeta "k8s.io/apimachinery/pkg/api/meta"
	"sigs.k8s.io/controller-runtime/pkg/client"

	sslv1alpha1 "github.com/certsync/tencent-cert-operator/api/v1alpha1"
	"github.com/certsync/tencent-cert-operator/test/sslsim"
)

// A call that hangs holds the worker that made it and no other: the objects behind it in the
// queue are uploaded meanwhile.
func TestHungCallHoldsOneWorker(t *testing.T) {
	h := newHarness(t, func(c *harnessConfig) {
		c.sim.Faults = sslsim.Faults{Rules: []sslsim.FaultRule{{Action: "UploadCertificate", Times: 1, Latency: sslsim.Duration{Duration: 10 * time.Minute}}}}
	})
	g := NewWithT(t)
	for i := range 4 {
		name := fmt.Sprintf("web-%d", i)
		h.createTLSSecret(name+"-tls", issue(t, name+".example.com"))
		h.createCertificate(name, name+"-tls")
	}
	ready := func() int {
		list := &sslv1alpha1.TencentCertificateList{}
		g.Expect(h.k8s.List(h.ctx, list, client.InNamespace(h.ns))).To(Succeed())
		n := 0
		for _, tc := range list.Items {
			if apimeta.IsStatusConditionTrue(tc.Status.Conditions, sslv1alpha1.ReadyCondition) {
				n++
			}
		}
		return n
	}
	g.Eventually(ready).WithTimeout(30 * time.Second).Should(Equal(3))
	// The simulator counts a call once it answers: the fourth is still held.
	g.Expect(h.sim.Calls().Total("UploadCertificate")).To(Equal(3))
	g.Expect(ready()).To(Equal(3))
}

// Throttled answers are retried by the client and then requeued quietly: no condition or
// event ever speaks of throttling, and the certificate is uploaded once the budget allows.
func TestThrottlingNeverSurfaces(t *testing.T) {
	h := newHarness(t, func(c *harnessConfig) {
		// More throttled answers than the client retries, so that the reconcile gives up once.
		c.sim.Faults = sslsim.Faults{Rules: []sslsim.FaultRule{{Action: "UploadCertificate", Times: 6, Code: sslsim.CodeRateLimitExceeded}}}
	})
	seen := watchConditions(t, h)
	h.createTLSSecret("web-tls", issue(t, "web.example.com"))
	tc := h.createCertificate("web", "web-tls")
	h.waitCurrent(tc)
	g := NewWithT(t)
	g.Expect(h.sim.Calls().Count("UploadCertificate", sslsim.CodeRateLimitExceeded)).To(Equal(6))
	g.Expect(h.sim.Calls().Count("UploadCertificate", "Success")).To(Equal(1))
	for _, text := range append(seen(), h.events("")...) {
		g.Expect(strings.ToLower(text)).NotTo(Or(ContainSubstring("limitexceeded"), ContainSubstring("throttl")), "a condition or event mentions throttling")
	}
}

// watchConditions records the reason and message of every condition the namespace's
// TencentCertificates ever show.
func watchConditions(t *testing.T, h *harness) func() []string {
	wc, err := client.NewWithWatch(env.Config, client.Options{Scheme: env.Scheme})
	NewWithT(t).Expect(err).NotTo(HaveOccurred())
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	w, err := wc.Watch(ctx, &sslv1alpha1.TencentCertificateList{}, client.InNamespace(h.ns))
	NewWithT(t).Expect(err).NotTo(HaveOccurred())
	var mu sync.Mutex
	var seen []string
	go func() {
		defer w.Stop()
		for ev := range w.ResultChan() {
			if tc, ok := ev.Object.(*sslv1alpha1.TencentCertificate); ok {
				mu.Lock()
				for _, c := range tc.Status.Conditions {
					seen = append(seen, c.Reason+": "+c.Message)
				}
				mu.Unlock()
			}
		}
	}()
	return func() []string {
		mu.Lock()
		defer mu.Unlock()
		return append([]string(nil), seen...)
	}
}
