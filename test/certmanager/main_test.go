package certmanager_test

import (
	"fmt"
	"os"
	"testing"

	cmapi "github.com/cert-manager/cert-manager/pkg/apis/certmanager/v1"
	"github.com/go-logr/logr"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/certsync/tencent-cert-operator/internal/testenv"
	"github.com/certsync/tencent-cert-operator/test/certmanager"
)

var (
	env *testenv.Env
	// k8s is a client that also knows cert-manager's types.
	k8s client.Client
)

// TestMain starts one control plane with both projects' CRDs and one set of cert-manager
// controllers for all namespaces; each test runs its own operator in a namespace of its own.
func TestMain(m *testing.M) {
	os.Exit(run(m))
}

func run(m *testing.M) int {
	ctrl.SetLogger(logr.Discard())
	var err error
	if env, err = testenv.Start(); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	defer func() { _ = env.Stop() }()
	if err := certmanager.InstallCRDs(env.Config); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	scheme := testenv.NewScheme()
	if err := cmapi.AddToScheme(scheme); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	if k8s, err = client.New(env.Config, client.Options{Scheme: scheme}); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	stop, err := certmanager.Start(env.Config, certmanager.Options{})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	code := m.Run()
	if err := stop(); err != nil {
		fmt.Fprintln(os.Stderr, "cert-manager:", err)
		return 1
	}
	return code
}
