package integration_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"reflect"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	. "github.com/onsi/gomega"
	"github.com/prometheus/client_golang/prometheus"
	corev1 "k8s.io/api/core/v1"
	eventsv1 "k8s.io/api/events/v1"
	apimeta "k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/rest"
	"k8s.io/utils/ptr"
	"sigs.k8s.io/cli-utils/pkg/kstatus/status"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/client/interceptor"
	"sigs.k8s.io/controller-runtime/pkg/config"
	metricsserver "sigs.k8s.io/controller-runtime/pkg/metrics/server"

	sslv1alpha1 "github.com/certsync/tencent-cert-operator/api/v1alpha1"
	controllers "github.com/certsync/tencent-cert-operator/internal/controller"
	"github.com/certsync/tencent-cert-operator/internal/controller/tencentcertificate"
	"github.com/certsync/tencent-cert-operator/internal/tencentcloud"
	"github.com/certsync/tencent-cert-operator/internal/testcerts"
	"github.com/certsync/tencent-cert-operator/internal/testenv"
	"github.com/certsync/tencent-cert-operator/test/sslsim"
)

const (
	testSecretID  = "AKIDcontrollertest"
	testSecretKey = "controller-test-secret-key-never-logged"
)

var (
	env    *testenv.Env
	rootCA *testcerts.CA
)

func TestMain(m *testing.M) {
	testenv.Main(m, func(e *testenv.Env) error {
		env, rootCA = e, testcerts.Must(testcerts.NewCA())
		// The default account, as the chart installs it: every namespace, the ambient chain.
		return testenv.CreateDefaultAccount(context.Background(), env.Client)
	})
}

// harness runs the real manager against envtest and an SSL simulator over HTTP, in a
// namespace of its own.
type harness struct {
	t   testing.TB
	ctx context.Context
	ns  string
	k8s client.Client
	sim *sslsim.Simulator
	log *testenv.LogBuffer
	// simURL is the simulator's endpoint.
	simURL string
	// others are further namespaces the manager watches, for tests of several teams.
	others []string
	cfg    harnessConfig
	// stopManager stops the running manager, as a crash or a restart would.
	stopManager func()
}

type harnessConfig struct {
	sim     sslsim.Options
	options controllers.Options
	// interceptors wrap the manager's client, to inject failures.
	interceptors *interceptor.Funcs
	// leaderElection makes managers elect a leader through a Lease in the test's namespace,
	// with short timings; a stopped manager does not release it, as after a crash.
	leaderElection bool
	// namespaces is how many namespaces besides the first the manager watches.
	namespaces int
}

func newHarness(t testing.TB, mutate ...func(*harnessConfig)) *harness {
	t.Helper()
	g := NewWithT(t)
	cfg := harnessConfig{
		sim: sslsim.Options{Credentials: map[string]string{testSecretID: testSecretKey}, DeployDuration: 300 * time.Millisecond},
		options: controllers.Options{TencentCertificate: tencentcertificate.Options{
			ResyncInterval: time.Minute, PollInterval: 100 * time.Millisecond, MaxPollInterval: 500 * time.Millisecond,
			CleanupBackoff: 100 * time.Millisecond, OldCertificateRecheck: 500 * time.Millisecond,
		}},
	}
	for _, m := range mutate {
		m(&cfg)
	}
	sim, url := sslsim.Start(t, cfg.sim)
	t.Setenv("TENCENTCLOUD_SECRET_ID", testSecretID)
	t.Setenv("TENCENTCLOUD_SECRET_KEY", testSecretKey)
	if cfg.options.Cloud == nil {
		cfg.options.Cloud = tencentcloud.NewFactory(tencentcloud.FactoryOptions{Endpoint: url, Region: "ap-guangzhou"})
	}

	ns := &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{GenerateName: "test-"}}
	g.Expect(env.Client.Create(context.Background(), ns)).To(Succeed())
	h := &harness{t: t, ctx: context.Background(), ns: ns.Name, k8s: env.Client, sim: sim, log: &testenv.LogBuffer{}, simURL: url, cfg: cfg}
	for range cfg.namespaces {
		other := &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{GenerateName: "test-"}}
		g.Expect(env.Client.Create(context.Background(), other)).To(Succeed())
		h.others = append(h.others, other.Name)
	}
	h.startManager()
	t.Cleanup(func() {
		if !t.Failed() {
			testenv.AssertKstatusAgrees(t, h.k8s, h.ns, "TencentCertificate", "CertificateDeployment")
		}
		t.Logf("SSL API calls in %s: %v", t.Name(), sim.Calls())
	})
	return h
}

// startManager starts the operator's manager; the test's cleanup stops it.
func (h *harness) startManager() {
	h.t.Helper()
	h.stopManager = h.runManager()
}

// runManager starts one more manager and returns what stops it; the test's cleanup stops it too.
func (h *harness) runManager() (stop func()) {
	h.t.Helper()
	g := NewWithT(h.t)
	opts := ctrl.Options{
		Scheme:                 env.Scheme,
		Cache:                  controllers.CacheOptions(strings.Join(append([]string{h.ns}, h.others...), ",")),
		Client:                 controllers.ClientOptions(),
		Metrics:                metricsserver.Options{BindAddress: "0"},
		HealthProbeBindAddress: "0",
		Controller:             config.Controller{SkipNameValidation: ptr.To(true)},
		Logger:                 h.log.Logger(),
	}
	if h.cfg.leaderElection {
		lease, renew, retry := 2*time.Second, time.Second, 200*time.Millisecond
		opts.LeaderElection, opts.LeaderElectionNamespace, opts.LeaderElectionID = true, h.ns, "tencent-cert-operator-test"
		opts.LeaseDuration, opts.RenewDeadline, opts.RetryPeriod = &lease, &renew, &retry
	}
	if h.cfg.interceptors != nil {
		funcs := *h.cfg.interceptors
		opts.NewClient = func(c *rest.Config, o client.Options) (client.Client, error) {
			inner, err := client.NewWithWatch(c, o)
			if err != nil {
				return nil, err
			}
			return interceptor.NewClient(inner, funcs), nil
		}
	}
	mgr, err := ctrl.NewManager(env.Config, opts)
	g.Expect(err).NotTo(HaveOccurred())
	options := h.cfg.options
	if options.Metrics == nil {
		// Each manager registers its metrics once, like the operator's one manager does.
		options.Metrics = prometheus.NewRegistry()
	}
	g.Expect(controllers.Setup(mgr, options)).To(Succeed())
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- mgr.Start(ctx) }()
	stopped := false
	stop = func() {
		if stopped {
			return
		}
		stopped = true
		cancel()
		if err := <-done; err != nil {
			h.t.Errorf("manager: %v", err)
		}
	}
	h.t.Cleanup(stop)
	return stop
}

// issue returns a fresh certificate for the domains, valid from an hour ago for a year.
func issue(t testing.TB, domains ...string) *testcerts.Cert {
	t.Helper()
	return testcerts.Must(rootCA.Issue(testcerts.Leaf{
		DNSNames: domains, NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(365 * 24 * time.Hour), ECDSA: true,
	}))
}

func (h *harness) createTLSSecret(name string, c *testcerts.Cert) *corev1.Secret {
	h.t.Helper()
	s := &corev1.Secret{
		ObjectMeta: metav1.ObjectMeta{Namespace: h.ns, Name: name},
		Type:       corev1.SecretTypeTLS,
		Data:       c.SecretData(),
	}
	NewWithT(h.t).Expect(h.k8s.Create(h.ctx, s)).To(Succeed())
	return s
}

// rotateSecret replaces the Secret's certificate, as cert-manager does on renewal.
func (h *harness) rotateSecret(name string, c *testcerts.Cert) {
	h.t.Helper()
	s := &corev1.Secret{}
	g := NewWithT(h.t)
	g.Expect(h.k8s.Get(h.ctx, client.ObjectKey{Namespace: h.ns, Name: name}, s)).To(Succeed())
	s.Data = c.SecretData()
	g.Expect(h.k8s.Update(h.ctx, s)).To(Succeed())
}

func (h *harness) createCertificate(name, secret string, mutate ...func(*sslv1alpha1.TencentCertificateSpec)) *sslv1alpha1.TencentCertificate {
	h.t.Helper()
	tc := &sslv1alpha1.TencentCertificate{
		ObjectMeta: metav1.ObjectMeta{Namespace: h.ns, Name: name},
		Spec:       sslv1alpha1.TencentCertificateSpec{SecretRef: &sslv1alpha1.LocalObjectReference{Name: secret}},
	}
	for _, m := range mutate {
		m(&tc.Spec)
	}
	NewWithT(h.t).Expect(h.k8s.Create(h.ctx, tc)).To(Succeed())
	return tc
}

func (h *harness) getCertificate(name string) *sslv1alpha1.TencentCertificate {
	tc := &sslv1alpha1.TencentCertificate{}
	NewWithT(h.t).Expect(h.k8s.Get(h.ctx, client.ObjectKey{Namespace: h.ns, Name: name}, tc)).To(Succeed())
	return tc
}

// waitCondition waits until the object's condition has the status and reason, and returns it.
func (h *harness) waitCondition(obj client.Object, condType string, status metav1.ConditionStatus, reason string) {
	h.t.Helper()
	NewWithT(h.t).Eventually(func(g Gomega) {
		g.Expect(h.k8s.Get(h.ctx, client.ObjectKeyFromObject(obj), obj)).To(Succeed())
		c := apimeta.FindStatusCondition(conditionsOf(obj), condType)
		g.Expect(c).NotTo(BeNil(), "condition %s", condType)
		g.Expect(c.Status).To(Equal(status), "condition %s: %s", condType, c.Message)
		g.Expect(c.Reason).To(Equal(reason), "condition %s: %s", condType, c.Message)
	}).WithTimeout(30 * time.Second).WithPolling(50 * time.Millisecond).Should(Succeed())
}

// waitCurrent waits until kstatus would call the object Current: Ready=True for the current
// generation, with no Reconciling or Stalled condition.
func (h *harness) waitCurrent(obj client.Object) {
	h.t.Helper()
	NewWithT(h.t).Eventually(func(g Gomega) {
		g.Expect(h.k8s.Get(h.ctx, client.ObjectKeyFromObject(obj), obj)).To(Succeed())
		conds := conditionsOf(obj)
		ready := apimeta.FindStatusCondition(conds, sslv1alpha1.ReadyCondition)
		g.Expect(ready).NotTo(BeNil())
		g.Expect(ready.Status).To(Equal(metav1.ConditionTrue), "Ready: %s %s", ready.Reason, ready.Message)
		g.Expect(observedGeneration(obj)).To(Equal(obj.GetGeneration()))
		g.Expect(apimeta.FindStatusCondition(conds, sslv1alpha1.ReconcilingCondition)).To(BeNil())
		g.Expect(apimeta.FindStatusCondition(conds, sslv1alpha1.StalledCondition)).To(BeNil())
		res, err := testenv.Kstatus(obj)
		g.Expect(err).NotTo(HaveOccurred())
		g.Expect(res.Status).To(Equal(status.CurrentStatus), res.Message)
	}).WithTimeout(30 * time.Second).WithPolling(50 * time.Millisecond).Should(Succeed())
}

func conditionsOf(obj client.Object) []metav1.Condition {
	switch o := obj.(type) {
	case *sslv1alpha1.TencentCertificate:
		return o.Status.Conditions
	case *sslv1alpha1.CertificateDeployment:
		return o.Status.Conditions
	}
	panic("unknown kind")
}

func observedGeneration(obj client.Object) int64 {
	switch o := obj.(type) {
	case *sslv1alpha1.TencentCertificate:
		return o.Status.ObservedGeneration
	case *sslv1alpha1.CertificateDeployment:
		return o.Status.ObservedGeneration
	}
	panic("unknown kind")
}

// events returns the notes of the namespace's events with the reason, or all when reason is empty.
func (h *harness) events(reason string) []string {
	list := &eventsv1.EventList{}
	NewWithT(h.t).Expect(h.k8s.List(h.ctx, list, client.InNamespace(h.ns))).To(Succeed())
	var notes []string
	for _, e := range list.Items {
		if reason == "" || e.Reason == reason {
			notes = append(notes, e.Reason+": "+e.Note)
		}
	}
	return notes
}

// waitEvent waits for an event with the reason whose note contains substr.
func (h *harness) waitEvent(reason, substr string) {
	h.t.Helper()
	NewWithT(h.t).Eventually(func() []string { return h.events(reason) }).WithTimeout(30*time.Second).
		Should(ContainElement(ContainSubstring(substr)), "event %s containing %q", reason, substr)
}

// totalCalls counts every SSL API call the simulator answered.
func totalCalls(c sslsim.CallCounts) int {
	n := 0
	for action := range c {
		n += c.Total(action)
	}
	return n
}

// assertNoSecrets checks that no log line, event or status holds key material or credentials.
func (h *harness) assertNoSecrets(keys ...[]byte) {
	h.t.Helper()
	var haystack strings.Builder
	haystack.WriteString(h.log.String())
	for _, e := range h.events("") {
		haystack.WriteString(e)
	}
	for _, list := range []client.ObjectList{&sslv1alpha1.TencentCertificateList{}, &sslv1alpha1.CertificateDeploymentList{}} {
		NewWithT(h.t).Expect(h.k8s.List(h.ctx, list, client.InNamespace(h.ns))).To(Succeed())
		haystack.WriteString(fmt.Sprintf("%+v", list))
	}
	text := haystack.String()
	if strings.Contains(text, testSecretKey) {
		h.t.Fatalf("the secret key appeared in logs, events or status")
	}
	for _, key := range keys {
		for _, line := range bytes.Split(key, []byte("\n")) {
			if len(line) >= 16 && !bytes.HasPrefix(line, []byte("-----")) && strings.Contains(text, string(line)) {
				h.t.Fatalf("private key material appeared in logs, events or status")
			}
		}
	}
}

// failOnce returns interceptors that fail the first status patch that records a certificate
// ID, as a crash between the upload and the status write would.
func failOnce() *interceptor.Funcs {
	var once sync.Once
	return &interceptor.Funcs{
		SubResourcePatch: func(ctx context.Context, c client.Client, sub string, obj client.Object, patch client.Patch, opts ...client.SubResourcePatchOption) error {
			if tc, ok := obj.(*sslv1alpha1.TencentCertificate); ok && tc.Status.CertificateID != "" {
				failed := false
				once.Do(func() { failed = true })
				if failed {
					return errors.New("injected failure of the status write")
				}
			}
			return c.SubResource(sub).Patch(ctx, obj, patch, opts...)
		},
	}
}

// nudge makes the controller reconcile obj once more, through an annotation that means nothing
// to it, and returns when that reconcile has finished.
func (h *harness) nudge(obj client.Object) {
	h.t.Helper()
	g := NewWithT(h.t)
	controller := strings.ToLower(reflect.TypeOf(obj).Elem().Name())
	before := testenv.ReconcileCount(h.t, controller)
	g.Expect(h.k8s.Get(h.ctx, client.ObjectKeyFromObject(obj), obj)).To(Succeed())
	patch := client.MergeFrom(obj.DeepCopyObject().(client.Object))
	obj.SetAnnotations(map[string]string{"test.certsync.io/nudge": strconv.FormatFloat(before, 'f', 0, 64)})
	g.Expect(h.k8s.Patch(h.ctx, obj, patch)).To(Succeed())
	g.Eventually(func() float64 { return testenv.ReconcileCount(h.t, controller) }).WithTimeout(30 * time.Second).
		Should(BeNumerically(">", before))
}
