package packaging

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/go-logr/logr"
	corev1 "k8s.io/api/core/v1"
	schedulingv1 "k8s.io/api/scheduling/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/envtest"

	"github.com/certsync/tencent-cert-operator/internal/testenv"
)

const (
	// releaseNamespace is where the chart is installed.
	releaseNamespace = "tencent-cert-operator"
	// watchedNamespace is the namespace of the watchNamespace scenario.
	watchedNamespace = "team-a"
	// kustomizeNamespace is the namespace config/default installs into.
	kustomizeNamespace = "tencent-cert-operator-system"
	// priorityClass exists so that the priorityClassName scenario passes admission.
	priorityClass = "platform-critical"
)

var env *testenv.Env

func TestMain(m *testing.M) {
	ctrl.SetLogger(logr.Discard())
	var err error
	if env, err = testenv.Start(); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	err = setup(context.Background())
	code := 1
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
	} else {
		code = m.Run()
	}
	_ = env.Stop()
	os.Exit(code)
}

// setup creates for real what dry-run requests need to exist: the target namespaces, a
// PriorityClass, and a ServiceMonitor CRD so that ServiceMonitors are validated too.
func setup(ctx context.Context) error {
	for _, ns := range []string{releaseNamespace, watchedNamespace, kustomizeNamespace} {
		if err := env.Client.Create(ctx, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: ns}}); err != nil {
			return err
		}
	}
	pc := &schedulingv1.PriorityClass{ObjectMeta: metav1.ObjectMeta{Name: priorityClass}, Value: 1000000}
	if err := env.Client.Create(ctx, pc); err != nil {
		return err
	}
	_, err := envtest.InstallCRDs(env.Config, envtest.CRDInstallOptions{
		Paths:              []string{filepath.Join("testdata", "servicemonitor-crd.yaml")},
		ErrorIfPathMissing: true,
		Scheme:             env.Scheme,
	})
	if err != nil {
		return fmt.Errorf("installing the ServiceMonitor CRD: %w", err)
	}
	return nil
}
