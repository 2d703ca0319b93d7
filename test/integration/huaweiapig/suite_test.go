package huaweiapig_test

import (
	"context"
	"testing"
	"time"

	. "github.com/onsi/gomega"
	corev1 "k8s.io/api/core/v1"
	eventsv1 "k8s.io/api/events/v1"
	apimeta "k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/utils/ptr"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/cache"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/config"
	metricsserver "sigs.k8s.io/controller-runtime/pkg/metrics/server"

	sslv1alpha1 "github.com/certsync/tencent-cert-operator/api/v1alpha1"
	"github.com/certsync/tencent-cert-operator/internal/certs"
	"github.com/certsync/tencent-cert-operator/internal/controller/huaweiapigcertificate"
	"github.com/certsync/tencent-cert-operator/internal/huaweicloud"
	"github.com/certsync/tencent-cert-operator/internal/testcerts"
	"github.com/certsync/tencent-cert-operator/internal/testenv"
	"github.com/certsync/tencent-cert-operator/test/apigsim"
)

const (
	testAK    = "HPUACONTROLLERTEST"
	testSK    = "controller-test-apig-secret-never-logged"
	projectID = "0a1b2c3d4e5f60718293a4b5c6d7e8f9"
	region    = "cn-north-4"
	instance  = "eddc4d25480b4cd6b512f270a1b8b341"
	group     = "c77f5e81d9cb4424bf704ef2b0ac7600"
	wwwID     = "f6bb84ccf1c34035878aa51b7253b21c"
	apiID     = "1a2b3c4d5e6f708192a3b4c5d6e7f809"
)

var (
	env *testenv.Env
	// rootCA issues every test's certificates.
	rootCA = testcerts.Must(testcerts.NewCA())
)

func TestMain(m *testing.M) {
	testenv.Main(m, func(e *testenv.Env) error { env = e; return nil })
}

func inventory() *apigsim.Inventory {
	return &apigsim.Inventory{Instances: []apigsim.Instance{{ProjectID: projectID, ID: instance, Groups: []apigsim.Group{{
		ID: group, Name: "shop", Domains: []apigsim.Domain{
			{ID: wwwID, URLDomain: "www.example.com"},
			{ID: apiID, URLDomain: "api.example.com", CNAMEStatus: 2},
		},
	}}}}}
}

// harness runs the real manager with this controller against envtest and the APIG simulator
// over HTTP, in a namespace of its own.
type harness struct {
	t   testing.TB
	ctx context.Context
	ns  string
	k8s client.Client
	sim *apigsim.Simulator
	url string
	log *testenv.LogBuffer
}

func newHarness(t testing.TB, faults ...apigsim.FaultRule) *harness {
	t.Helper()
	g := NewWithT(t)
	sim, url := apigsim.Start(t, apigsim.Options{
		Credentials: map[string]string{testAK: testSK}, Inventory: inventory(), Faults: apigsim.Faults{Rules: faults},
	})
	t.Setenv(huaweicloud.EnvAccessKey, testAK)
	t.Setenv(huaweicloud.EnvSecretKey, testSK)
	ns := &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{GenerateName: "hw-"}}
	g.Expect(env.Client.Create(context.Background(), ns)).To(Succeed())
	h := &harness{t: t, ctx: context.Background(), ns: ns.Name, k8s: env.Client, sim: sim, url: url, log: &testenv.LogBuffer{}}

	mgr, err := ctrl.NewManager(env.Config, ctrl.Options{
		Scheme:                 env.Scheme,
		Cache:                  cache.Options{DefaultNamespaces: map[string]cache.Config{h.ns: {}}},
		Client:                 client.Options{Cache: &client.CacheOptions{DisableFor: []client.Object{&corev1.Secret{}}}},
		Metrics:                metricsserver.Options{BindAddress: "0"},
		HealthProbeBindAddress: "0",
		Controller:             config.Controller{SkipNameValidation: ptr.To(true)},
		Logger:                 h.log.Logger(),
	})
	g.Expect(err).NotTo(HaveOccurred())
	g.Expect(huaweiapigcertificate.SetupWithManager(mgr, huaweiapigcertificate.Options{
		OperatorCredentials: true,
		Cloud:               huaweicloud.NewFactory(huaweicloud.FactoryOptions{Endpoint: url}),
		ResyncInterval:      time.Hour, SourceWait: 200 * time.Millisecond,
		CleanupAttempts: 3, CleanupBackoff: 50 * time.Millisecond,
	})).To(Succeed())
	testenv.StartManager(t, mgr)
	t.Cleanup(func() {
		if !t.Failed() {
			testenv.AssertKstatusAgrees(t, h.k8s, h.ns, "HuaweiAPIGCertificate")
		}
		t.Logf("APIG calls in %s: %v", t.Name(), sim.Calls())
	})
	return h
}

func issue(domains ...string) *testcerts.Cert {
	return testcerts.Must(rootCA.Issue(testcerts.Leaf{
		DNSNames: domains, NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(90 * 24 * time.Hour), ECDSA: true,
	}))
}

func (h *harness) createSecret(name string, data map[string][]byte) {
	h.t.Helper()
	s := &corev1.Secret{ObjectMeta: metav1.ObjectMeta{Namespace: h.ns, Name: name}, Type: corev1.SecretTypeTLS, Data: data}
	NewWithT(h.t).Expect(h.k8s.Create(h.ctx, s)).To(Succeed())
}

func (h *harness) updateSecret(name string, mutate func(*corev1.Secret)) {
	h.t.Helper()
	s := &corev1.Secret{}
	g := NewWithT(h.t)
	g.Expect(h.k8s.Get(h.ctx, client.ObjectKey{Namespace: h.ns, Name: name}, s)).To(Succeed())
	mutate(s)
	g.Expect(h.k8s.Update(h.ctx, s)).To(Succeed())
}

// spec lists both domains of the group: one by ID and one by name.
func spec(secret string) sslv1alpha1.HuaweiAPIGCertificateSpec {
	return sslv1alpha1.HuaweiAPIGCertificateSpec{
		SecretRef: &sslv1alpha1.LocalObjectReference{Name: secret},
		Region:    region, ProjectID: projectID, InstanceID: instance,
		Domains: []sslv1alpha1.APIGDomain{{GroupID: group, DomainID: wwwID}, {GroupID: group, URLDomain: "api.example.com"}},
	}
}

func (h *harness) create(name string, s sslv1alpha1.HuaweiAPIGCertificateSpec) {
	h.t.Helper()
	obj := &sslv1alpha1.HuaweiAPIGCertificate{ObjectMeta: metav1.ObjectMeta{Namespace: h.ns, Name: name}, Spec: s}
	NewWithT(h.t).Expect(h.k8s.Create(h.ctx, obj)).To(Succeed())
}

func (h *harness) get(name string) *sslv1alpha1.HuaweiAPIGCertificate {
	obj := &sslv1alpha1.HuaweiAPIGCertificate{}
	NewWithT(h.t).Expect(h.k8s.Get(h.ctx, client.ObjectKey{Namespace: h.ns, Name: name}, obj)).To(Succeed())
	return obj
}

// waitFor waits until the object's current generation reached the condition type with status
// and reason, and returns the object.
func (h *harness) waitFor(name, condType string, status metav1.ConditionStatus, reason string) *sslv1alpha1.HuaweiAPIGCertificate {
	h.t.Helper()
	var obj *sslv1alpha1.HuaweiAPIGCertificate
	NewWithT(h.t).Eventually(func(g Gomega) {
		obj = h.get(name)
		c := apimeta.FindStatusCondition(obj.Status.Conditions, condType)
		g.Expect(c).NotTo(BeNil())
		g.Expect(c.ObservedGeneration).To(Equal(obj.Generation))
		g.Expect(c.Status).To(Equal(status))
		g.Expect(c.Reason).To(Equal(reason))
	}).WithTimeout(30 * time.Second).WithPolling(50 * time.Millisecond).Should(Succeed())
	return obj
}

func (h *harness) waitReady(name string) *sslv1alpha1.HuaweiAPIGCertificate {
	h.t.Helper()
	return h.waitFor(name, sslv1alpha1.ReadyCondition, metav1.ConditionTrue, sslv1alpha1.ReasonSucceeded)
}

func (h *harness) waitStalled(name, reason string) *sslv1alpha1.HuaweiAPIGCertificate {
	h.t.Helper()
	obj := h.waitFor(name, sslv1alpha1.StalledCondition, metav1.ConditionTrue, reason)
	NewWithT(h.t).Expect(apimeta.FindStatusCondition(obj.Status.Conditions, sslv1alpha1.ReadyCondition).Status).To(Equal(metav1.ConditionFalse))
	return obj
}

// served returns the fingerprint a domain serves in the simulator, or "".
func (h *harness) served(domainID string) string {
	if b := h.sim.DomainCertificate(instance, group, domainID); b != nil {
		return b.Fingerprint
	}
	return ""
}

func fingerprintOf(c *testcerts.Cert) string { return certs.Fingerprint(c.Cert.Raw) }

// events returns the notes of the object's events, as "reason: note".
func (h *harness) events(name string) []string {
	list := &eventsv1.EventList{}
	NewWithT(h.t).Expect(h.k8s.List(h.ctx, list, client.InNamespace(h.ns))).To(Succeed())
	var out []string
	for _, e := range list.Items {
		if e.Regarding.Name == name {
			out = append(out, e.Reason+": "+e.Note)
		}
	}
	return out
}
