package certmanager_test

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/go-logr/logr/funcr"
	. "github.com/onsi/gomega"
	"github.com/prometheus/client_golang/prometheus"
	"k8s.io/utils/ptr"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/config"
	metricsserver "sigs.k8s.io/controller-runtime/pkg/metrics/server"

	controllers "github.com/certsync/tencent-cert-operator/internal/controller"
	"github.com/certsync/tencent-cert-operator/internal/controller/certificatedeployment"
	"github.com/certsync/tencent-cert-operator/internal/controller/secretsync"
	"github.com/certsync/tencent-cert-operator/internal/controller/tencentcertificate"
	"github.com/certsync/tencent-cert-operator/internal/tencentcloud"
	"github.com/certsync/tencent-cert-operator/internal/testenv"
	"github.com/certsync/tencent-cert-operator/test/sslsim"
)

const (
	testSecretID  = "AKIDcertmanagertest"
	testSecretKey = "cert-manager-test-secret-key-never-logged"
)

// startOperator runs the operator's manager for one namespace against an SSL API simulator
// with the example inventory, as the controllers' suite does, and with annotation sync when
// asked. It is the one place in this package that knows how the manager is assembled.
func startOperator(t *testing.T, ns string, annotationSync bool) (*sslsim.Simulator, *logBuffer) {
	t.Helper()
	g := NewWithT(t)
	logs := &logBuffer{}
	inv, err := sslsim.LoadInventory(testenv.RepoRoot() + "/test/sslsim/inventory.example.yaml")
	g.Expect(err).NotTo(HaveOccurred())
	sim, url := sslsim.Start(t, sslsim.Options{
		Credentials:    map[string]string{testSecretID: testSecretKey},
		DeployDuration: 300 * time.Millisecond,
		Inventory:      inv,
	})
	t.Setenv("TENCENTCLOUD_SECRET_ID", testSecretID)
	t.Setenv("TENCENTCLOUD_SECRET_KEY", testSecretKey)

	mgr, err := ctrl.NewManager(env.Config, ctrl.Options{
		Scheme:                 env.Scheme,
		Cache:                  controllers.CacheOptions(ns),
		Client:                 controllers.ClientOptions(),
		Metrics:                metricsserver.Options{BindAddress: "0"},
		HealthProbeBindAddress: "0",
		Controller:             config.Controller{SkipNameValidation: ptr.To(true)},
		Logger:                 funcr.New(func(prefix, args string) { logs.add(prefix + " " + args) }, funcr.Options{Verbosity: 2}),
	})
	g.Expect(err).NotTo(HaveOccurred())
	g.Expect(testenv.CreateDefaultAccount(context.Background(), env.Client)).To(Succeed())
	g.Expect(controllers.Setup(mgr, controllers.Options{
		Metrics: prometheus.NewRegistry(),
		Cloud:   tencentcloud.NewFactory(tencentcloud.FactoryOptions{Endpoint: url, Region: "ap-guangzhou"}),
		TencentCertificate: tencentcertificate.Options{
			ResyncInterval: time.Minute, PollInterval: 100 * time.Millisecond, MaxPollInterval: 500 * time.Millisecond,
			CleanupBackoff: 100 * time.Millisecond, OldCertificateRecheck: 500 * time.Millisecond,
		},
		CertificateDeployment: certificatedeployment.Options{
			PollInterval: 100 * time.Millisecond, MaxPollInterval: 300 * time.Millisecond,
		},
	})).To(Succeed())
	if annotationSync {
		g.Expect(secretsync.Setup(mgr, secretsync.Options{Namespace: ns})).To(Succeed())
	}
	testenv.StartManager(t, mgr)
	t.Cleanup(func() {
		if !t.Failed() {
			testenv.AssertKstatusAgrees(t, env.Client, ns, "TencentCertificate", "CertificateDeployment")
		}
	})
	return sim, logs
}

// logBuffer collects the manager's log lines.
type logBuffer struct {
	mu    sync.Mutex
	lines []string
}

func (b *logBuffer) add(line string) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.lines = append(b.lines, line)
}

func (b *logBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return strings.Join(b.lines, "\n")
}
