package bench

import (
	"context"
	"crypto/rand"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	corev1 "k8s.io/api/core/v1"
	apimeta "k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/watch"
	"sigs.k8s.io/controller-runtime/pkg/client"

	sslv1alpha1 "github.com/certsync/tencent-cert-operator/api/v1alpha1"
	"github.com/certsync/tencent-cert-operator/internal/testcerts"
	"github.com/certsync/tencent-cert-operator/test/sslsim"
)

const (
	benchNamespace = "bench"
	noiseNamespace = "unrelated"
	region         = "ap-guangzhou"
)

func certName(i int) string     { return fmt.Sprintf("c%05d", i) }
func secretName(i int) string   { return fmt.Sprintf("c%05d-tls", i) }
func domain(i int) string       { return fmt.Sprintf("svc%05d.bench.example.com", i) }
func loadBalancer(i int) string { return fmt.Sprintf("lb-b%05d", i) }
func listener(i, j int) string  { return fmt.Sprintf("lbl-b%05d%d", i, j) }

// targetsOf is how many CLB listeners deployment i covers: 1 to 5.
func targetsOf(i int) int { return i%5 + 1 }

// inventory has one load balancer per object, with five HTTPS listeners that serve its domain.
func inventory(n int) *sslsim.Inventory {
	inv := &sslsim.Inventory{}
	for i := range n {
		lb := sslsim.LoadBalancer{ID: loadBalancer(i), Region: region, Forward: 1}
		for j := range 5 {
			lb.Listeners = append(lb.Listeners, sslsim.Listener{ID: listener(i, j), Protocol: "HTTPS", Rules: []sslsim.Rule{{Domain: domain(i)}}})
		}
		inv.CLB = append(inv.CLB, lb)
	}
	return inv
}

// issuer issues certificates for the objects' domains.
type issuer struct{ ca *testcerts.CA }

func (is issuer) issue(i int) (*testcerts.Cert, error) {
	return is.ca.Issue(testcerts.Leaf{DNSNames: []string{domain(i)}, NotBefore: time.Now().Add(-time.Hour),
		NotAfter: time.Now().Add(90 * 24 * time.Hour), ECDSA: true})
}

func tlsSecret(i int, c *testcerts.Cert) *corev1.Secret {
	return &corev1.Secret{
		ObjectMeta: metav1.ObjectMeta{Namespace: benchNamespace, Name: secretName(i)},
		Type:       corev1.SecretTypeTLS, Data: c.SecretData(),
	}
}

func certificate(i int) *sslv1alpha1.TencentCertificate {
	return &sslv1alpha1.TencentCertificate{
		ObjectMeta: metav1.ObjectMeta{Namespace: benchNamespace, Name: certName(i)},
		Spec:       sslv1alpha1.TencentCertificateSpec{SecretRef: &sslv1alpha1.LocalObjectReference{Name: secretName(i)}},
	}
}

func deployment(i int) *sslv1alpha1.CertificateDeployment {
	cd := &sslv1alpha1.CertificateDeployment{
		ObjectMeta: metav1.ObjectMeta{Namespace: benchNamespace, Name: certName(i)},
		Spec: sslv1alpha1.CertificateDeploymentSpec{
			CertificateRef: &sslv1alpha1.LocalObjectReference{Name: certName(i)},
			ResourceType:   sslv1alpha1.ResourceTypeCLB, Region: region,
		},
	}
	for j := range targetsOf(i) {
		cd.Spec.Targets = append(cd.Spec.Targets, sslv1alpha1.Target{LoadBalancerID: loadBalancer(i), ListenerID: listener(i, j)})
	}
	return cd
}

// noiseSecret is an unrelated Opaque Secret with 2 KiB of data.
func noiseSecret(i int) (*corev1.Secret, error) {
	data := make([]byte, 2048)
	if _, err := rand.Read(data); err != nil {
		return nil, err
	}
	return &corev1.Secret{
		ObjectMeta: metav1.ObjectMeta{Namespace: noiseNamespace, Name: fmt.Sprintf("noise-%05d", i)},
		Data:       map[string][]byte{"data": data},
	}, nil
}

// parallel runs fn for 0..n-1 on workers goroutines and returns the first error.
func parallel(n, workers int, fn func(i int) error) error {
	var next atomic.Int64
	var once sync.Once
	var first error
	var wg sync.WaitGroup
	for range min(workers, max(n, 1)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := int(next.Add(1)) - 1
				if i >= n {
					return
				}
				if err := fn(i); err != nil {
					once.Do(func() { first = err })
					return
				}
			}
		}()
	}
	wg.Wait()
	return first
}

// status is what the tracker reads of an object.
func status(obj client.Object) (conds []metav1.Condition, observed int64, certID string) {
	switch o := obj.(type) {
	case *sslv1alpha1.TencentCertificate:
		return o.Status.Conditions, o.Status.ObservedGeneration, o.Status.CertificateID
	case *sslv1alpha1.CertificateDeployment:
		return o.Status.Conditions, o.Status.ObservedGeneration, o.Status.CertificateID
	}
	return nil, 0, ""
}

// tracker watches one kind in the bench namespace and records, per object, when it first was
// Ready for its generation and whether any of its conditions ever spoke of throttling.
type tracker struct {
	mu        sync.Mutex
	ready     map[string]time.Time
	throttled map[string]bool
}

func track(ctx context.Context, c client.WithWatch, list client.ObjectList) (*tracker, error) {
	t := &tracker{ready: map[string]time.Time{}, throttled: map[string]bool{}}
	w, err := c.Watch(ctx, list, client.InNamespace(benchNamespace))
	if err != nil {
		return nil, err
	}
	go func() {
		defer func() { w.Stop() }()
		for {
			select {
			case <-ctx.Done():
				return
			case ev, ok := <-w.ResultChan():
				if !ok {
					// The server ended the watch: start another from now.
					if w, err = c.Watch(ctx, list, client.InNamespace(benchNamespace)); err != nil {
						return
					}
					continue
				}
				if obj, ok := ev.Object.(client.Object); ok && ev.Type != watch.Error {
					t.observe(obj)
				}
			}
		}
	}()
	return t, nil
}

func (t *tracker) observe(obj client.Object) {
	conds, observed, _ := status(obj)
	t.mu.Lock()
	defer t.mu.Unlock()
	for _, c := range conds {
		if mentionsThrottling(c.Reason) || mentionsThrottling(c.Message) {
			t.throttled[obj.GetName()] = true
		}
	}
	if _, seen := t.ready[obj.GetName()]; !seen && observed == obj.GetGeneration() &&
		apimeta.IsStatusConditionTrue(conds, sslv1alpha1.ReadyCondition) {
		t.ready[obj.GetName()] = time.Now()
	}
}

func mentionsThrottling(s string) bool {
	s = strings.ToLower(s)
	return strings.Contains(s, "limitexceeded") || strings.Contains(s, "ratelimit") || strings.Contains(s, "throttl")
}

// waitReady waits until n objects were Ready and returns when the last one became Ready.
func (t *tracker) waitReady(ctx context.Context, n int, timeout time.Duration) (time.Time, error) {
	var last time.Time
	err := poll(ctx, timeout, func() (bool, error) {
		t.mu.Lock()
		defer t.mu.Unlock()
		if len(t.ready) < n {
			return false, nil
		}
		for _, at := range t.ready {
			if at.After(last) {
				last = at
			}
		}
		return true, nil
	})
	if err != nil {
		t.mu.Lock()
		err = fmt.Errorf("%d of %d objects Ready: %w", len(t.ready), n, err)
		t.mu.Unlock()
	}
	return last, err
}

func (t *tracker) throttledCount() int {
	t.mu.Lock()
	defer t.mu.Unlock()
	return len(t.throttled)
}

// allDeployed reports whether every deployment serves its certificate's current ID and is Ready.
func allDeployed(ctx context.Context, c client.Client) (bool, error) {
	tcs := &sslv1alpha1.TencentCertificateList{}
	cds := &sslv1alpha1.CertificateDeploymentList{}
	if err := c.List(ctx, tcs, client.InNamespace(benchNamespace)); err != nil {
		return false, err
	}
	if err := c.List(ctx, cds, client.InNamespace(benchNamespace)); err != nil {
		return false, err
	}
	want := map[string]string{}
	for _, tc := range tcs.Items {
		want[tc.Name] = tc.Status.CertificateID
	}
	for i := range cds.Items {
		cd := &cds.Items[i]
		if cd.Status.CertificateID != want[cd.Spec.CertificateRef.Name] || cd.Status.ObservedGeneration != cd.Generation ||
			!apimeta.IsStatusConditionTrue(cd.Status.Conditions, sslv1alpha1.ReadyCondition) {
			return false, nil
		}
	}
	return true, nil
}
