//go:build soak

// Package soak runs the operator against a simulator that fails often, with many objects and
// a renewal wave in the middle, and prints how it converged. Run it with `make soak`.
package soak

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/go-logr/logr"
	"github.com/prometheus/client_golang/prometheus"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/utils/ptr"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/config"
	metricsserver "sigs.k8s.io/controller-runtime/pkg/metrics/server"

	sslv1alpha1 "github.com/certsync/tencent-cert-operator/api/v1alpha1"
	"github.com/certsync/tencent-cert-operator/internal/certs"
	"github.com/certsync/tencent-cert-operator/internal/controller"
	"github.com/certsync/tencent-cert-operator/internal/controller/certificatedeployment"
	"github.com/certsync/tencent-cert-operator/internal/controller/tencentcertificate"
	"github.com/certsync/tencent-cert-operator/internal/tencentcloud"
	"github.com/certsync/tencent-cert-operator/internal/testcerts"
	"github.com/certsync/tencent-cert-operator/internal/testenv"
	"github.com/certsync/tencent-cert-operator/test/sslsim"
)

const (
	objects   = 200
	secretID  = "AKIDsoak"
	secretKey = "soak-secret-key"
)

func TestSoak(t *testing.T) {
	ctrl.SetLogger(logr.Discard())
	env, err := testenv.Start()
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = env.Stop() }()
	ca := testcerts.Must(testcerts.NewCA())

	inv := &sslsim.Inventory{}
	for i := range objects {
		inv.CDN = append(inv.CDN, sslsim.Domain{Domain: domain(i), HTTPSBillingSwitch: "on"})
	}
	sim, url := sslsim.Start(t, sslsim.Options{
		Credentials:    map[string]string{secretID: secretKey},
		Inventory:      inv,
		DeployDuration: time.Second,
		// The documented rate limits stay on; a fifth of all calls fail with InternalError (half
		// of them after taking effect) and one in twenty loses its connection after taking effect.
		Faults: sslsim.Faults{Rules: []sslsim.FaultRule{
			{Action: "*", Code: "InternalError", Probability: 0.1},
			{Action: "*", Code: "InternalError", Probability: 0.1, AfterHandling: true},
			{Action: "*", Drop: true, Probability: 0.05, AfterHandling: true},
		}},
	})
	t.Setenv("TENCENTCLOUD_SECRET_ID", secretID)
	t.Setenv("TENCENTCLOUD_SECRET_KEY", secretKey)

	ctx := context.Background()
	ns := "soak"
	k8s := env.Client
	must(t, k8s.Create(ctx, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: ns}}))
	// The default account, as the chart installs it: every namespace, the ambient chain.
	must(t, testenv.CreateDefaultAccount(ctx, k8s))
	mgr, err := ctrl.NewManager(env.Config, ctrl.Options{
		Scheme: env.Scheme, Cache: controller.CacheOptions(ns), Client: controller.ClientOptions(),
		Metrics: metricsserver.Options{BindAddress: "0"}, HealthProbeBindAddress: "0",
		Controller: config.Controller{SkipNameValidation: ptr.To(true)},
	})
	must(t, err)
	must(t, controller.Setup(mgr, controller.Options{
		Metrics: prometheus.NewRegistry(),
		Cloud:   tencentcloud.NewFactory(tencentcloud.FactoryOptions{Endpoint: url, Timeout: 5 * time.Second}),
		TencentCertificate: tencentcertificate.Options{
			PollInterval: 500 * time.Millisecond, MaxPollInterval: 5 * time.Second, OldCertificateRecheck: 10 * time.Second,
		},
		CertificateDeployment: certificatedeployment.Options{PollInterval: 500 * time.Millisecond, MaxPollInterval: 5 * time.Second},
	}))
	mctx, cancel := context.WithCancel(ctx)
	defer cancel()
	go func() { _ = mgr.Start(mctx) }()

	start := time.Now()
	for i := range objects {
		secret := &corev1.Secret{ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: name(i)}, Type: corev1.SecretTypeTLS, Data: leaf(ca, i).SecretData()}
		must(t, k8s.Create(ctx, secret))
		must(t, k8s.Create(ctx, &sslv1alpha1.TencentCertificate{
			ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: name(i)},
			Spec: sslv1alpha1.TencentCertificateSpec{SecretRef: &sslv1alpha1.LocalObjectReference{Name: name(i)},
				Rotation: &sslv1alpha1.RotationSpec{OldCertificates: sslv1alpha1.OldCertificatesDelete}},
		}))
		must(t, k8s.Create(ctx, &sslv1alpha1.CertificateDeployment{
			ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: name(i)},
			Spec: sslv1alpha1.CertificateDeploymentSpec{CertificateRef: &sslv1alpha1.LocalObjectReference{Name: name(i)},
				ResourceType: sslv1alpha1.ResourceTypeCDN, Targets: []sslv1alpha1.Target{{Domain: domain(i), HTTPSBilling: "on"}}},
		}))
	}

	// The renewal wave starts when half of the first rollout has converged.
	waitConverged(t, k8s, ns, objects/2, nil, 10*time.Minute)
	renewed := map[string]string{}
	for i := range objects {
		secret := &corev1.Secret{}
		must(t, k8s.Get(ctx, client.ObjectKey{Namespace: ns, Name: name(i)}, secret))
		c := leaf(ca, i)
		secret.Data = c.SecretData()
		must(t, k8s.Update(ctx, secret))
		renewed[name(i)] = certs.Fingerprint(c.Cert.Raw)
	}
	notConverged := waitConverged(t, k8s, ns, objects, renewed, 15*time.Minute)
	elapsed := time.Since(start)

	calls := 0
	for action := range sim.Calls() {
		calls += sim.Calls().Total(action)
	}
	tasks, certificates := duplicateTasks(sim), duplicateCertificates(sim)
	duplicates := tasks + certificates
	fmt.Printf("SOAK objects %d\n", 2*objects)
	fmt.Printf("SOAK time_to_converge %.1f s\n", elapsed.Seconds())
	fmt.Printf("SOAK calls_per_object %.1f\n", float64(calls)/float64(2*objects))
	fmt.Printf("SOAK duplicates %d (tasks %d, certificates %d)\n", duplicates, tasks, certificates)
	fmt.Printf("SOAK not_converged %d\n", notConverged)
	fmt.Printf("SOAK calls %v\n", sim.Calls())
	if duplicates != 0 || notConverged != 0 {
		t.Errorf("%d duplicates, %d objects not converged", duplicates, notConverged)
	}
}

func name(i int) string   { return fmt.Sprintf("site-%03d", i) }
func domain(i int) string { return name(i) + ".example.com" }

func leaf(ca *testcerts.CA, i int) *testcerts.Cert {
	return testcerts.Must(ca.Issue(testcerts.Leaf{DNSNames: []string{domain(i)}, ECDSA: true,
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(90 * 24 * time.Hour)}))
}

// waitConverged waits until want objects of each kind are Ready on the certificate whose
// fingerprint fingerprints names (any certificate when nil) and returns how many are not.
func waitConverged(t *testing.T, k8s client.Client, ns string, want int, fingerprints map[string]string, timeout time.Duration) int {
	deadline := time.Now().Add(timeout)
	last := time.Now()
	for {
		done := converged(t, k8s, ns, fingerprints)
		if done >= 2*want || time.Now().After(deadline) {
			return max(2*want-done, 0)
		}
		if time.Since(last) > 30*time.Second {
			fmt.Printf("SOAK progress %d of %d objects converged\n", done, 2*want)
			last = time.Now()
		}
		time.Sleep(2 * time.Second)
	}
}

func converged(t *testing.T, k8s client.Client, ns string, fingerprints map[string]string) int {
	ctx := context.Background()
	tcs := &sslv1alpha1.TencentCertificateList{}
	cds := &sslv1alpha1.CertificateDeploymentList{}
	must(t, k8s.List(ctx, tcs, client.InNamespace(ns)))
	must(t, k8s.List(ctx, cds, client.InNamespace(ns)))
	serving := map[string]string{}
	n := 0
	for _, tc := range tcs.Items {
		if ready(tc.Status.Conditions, tc.Generation, tc.Status.ObservedGeneration) &&
			(fingerprints == nil || tc.Status.Fingerprint == fingerprints[tc.Name]) {
			serving[tc.Name] = tc.Status.CertificateID
			n++
		}
	}
	for _, cd := range cds.Items {
		if id, ok := serving[cd.Name]; ok && cd.Status.CertificateID == id && ready(cd.Status.Conditions, cd.Generation, cd.Status.ObservedGeneration) {
			n++
		}
	}
	return n
}

func ready(conds []metav1.Condition, generation, observed int64) bool {
	for _, c := range conds {
		if c.Type == sslv1alpha1.ReadyCondition {
			return c.Status == metav1.ConditionTrue && generation == observed
		}
	}
	return false
}

// duplicateCertificates counts certificates uploaded again with content already in the account.
func duplicateCertificates(sim *sslsim.Simulator) int {
	seen := map[string]bool{}
	n := 0
	for _, c := range sim.Certificates() {
		if seen[c.Fingerprint] {
			n++
		}
		seen[c.Fingerprint] = true
	}
	return n
}

// duplicateTasks counts deploy tasks beyond the first of each certificate and type.
func duplicateTasks(sim *sslsim.Simulator) int {
	seen := map[string]int{}
	for _, r := range sim.State().Records {
		if r.Kind == "deploy" && r.RollbackOf == 0 {
			seen[r.CertificateID+"/"+fmt.Sprint(r.ResourceTypes)]++
		}
	}
	n := 0
	for key, c := range seen {
		if c > 1 {
			fmt.Printf("SOAK duplicate task %s: %d records\n", key, c)
		}
		n += c - 1
	}
	return n
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}
