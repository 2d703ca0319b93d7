// Package certmanager runs the real cert-manager controllers in-process against an envtest
// control plane, so that end-to-end tests see the Secrets cert-manager itself writes: its
// temporary private keys, its annotations, secretTemplate labels, additional output formats,
// ca.crt and re-issuance with either key rotation policy.
//
// It starts the controllers the way cert-manager's controller binary does, through
// pkg/controller's ContextFactory and the constructors the controller packages register, and
// installs the CRDs that ship in the module's deploy/crds. The module version is pinned in
// go.mod; docs/cert-manager.md says why.
package certmanager

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/go-logr/logr"
	"k8s.io/client-go/rest"
	"k8s.io/client-go/tools/clientcmd"
	clientcmdapi "k8s.io/client-go/tools/clientcmd/api"
	"sigs.k8s.io/controller-runtime/pkg/envtest"

	controllerpkg "github.com/cert-manager/cert-manager/pkg/controller"
	"github.com/cert-manager/cert-manager/pkg/controller/certificaterequests/approver"
	crca "github.com/cert-manager/cert-manager/pkg/controller/certificaterequests/ca"
	crselfsigned "github.com/cert-manager/cert-manager/pkg/controller/certificaterequests/selfsigned"
	"github.com/cert-manager/cert-manager/pkg/controller/certificates/issuing"
	"github.com/cert-manager/cert-manager/pkg/controller/certificates/keymanager"
	"github.com/cert-manager/cert-manager/pkg/controller/certificates/readiness"
	"github.com/cert-manager/cert-manager/pkg/controller/certificates/requestmanager"
	"github.com/cert-manager/cert-manager/pkg/controller/certificates/trigger"
	"github.com/cert-manager/cert-manager/pkg/controller/issuers"
	// The Issuer controller finds issuer implementations in a registry their packages fill.
	_ "github.com/cert-manager/cert-manager/pkg/issuer/ca"
	_ "github.com/cert-manager/cert-manager/pkg/issuer/selfsigned"
)

// Module is the cert-manager Go module whose controllers and CRDs the harness uses.
const Module = "github.com/cert-manager/cert-manager"

// Controllers are the cert-manager controllers the harness runs: the Issuer controller (which
// marks CA and self-signed Issuers Ready), the approver, the CA and self-signed
// CertificateRequest signers, and the five Certificate controllers that take a Certificate
// from trigger to a written Secret and a Ready condition.
var Controllers = []string{
	issuers.ControllerName,
	approver.ControllerName,
	crca.CRControllerName,
	crselfsigned.CRControllerName,
	trigger.ControllerName,
	keymanager.ControllerName,
	requestmanager.ControllerName,
	issuing.ControllerName,
	readiness.ControllerName,
}

// CRDDir returns the module's deploy/crds directory in the module cache. It asks the go
// command, so that the CRDs always match the version go.mod pins.
func CRDDir() (string, error) {
	out, err := exec.Command("go", "list", "-m", "-f", "{{.Dir}}", Module).Output()
	if err != nil {
		var exit *exec.ExitError
		if errors.As(err, &exit) {
			return "", fmt.Errorf("locating %s: %w: %s", Module, err, exit.Stderr)
		}
		return "", fmt.Errorf("locating %s: %w", Module, err)
	}
	dir := filepath.Join(strings.TrimSpace(string(out)), "deploy", "crds")
	if _, err := os.Stat(dir); err != nil {
		return "", fmt.Errorf("cert-manager CRDs: %w", err)
	}
	return dir, nil
}

// InstallCRDs installs cert-manager's CRDs and waits until the API server serves them.
func InstallCRDs(cfg *rest.Config) error {
	dir, err := CRDDir()
	if err != nil {
		return err
	}
	_, err = envtest.InstallCRDs(cfg, envtest.CRDInstallOptions{Paths: []string{dir}, ErrorIfPathMissing: true})
	return err
}

// Options configure Start.
type Options struct {
	// Namespace restricts cert-manager to one namespace; empty means all namespaces.
	Namespace string
	// Log receives cert-manager's logs; the zero value discards them.
	Log logr.Logger
	// Controllers to run; nil means Controllers.
	Controllers []string
}

// Start runs the cert-manager controllers against the API server of cfg until stop is called.
// It returns once the controllers are started; they wait for their informers to sync.
func Start(cfg *rest.Config, opts Options) (stop func() error, err error) {
	if opts.Log.GetSink() == nil {
		opts.Log = logr.Discard()
	}
	names := opts.Controllers
	if names == nil {
		names = Controllers
	}
	// cert-manager reads its connection from a kubeconfig, as its binary does.
	dir, err := os.MkdirTemp("", "cert-manager-")
	if err != nil {
		return nil, err
	}
	kubeconfig := filepath.Join(dir, "kubeconfig")
	if err := writeKubeconfig(cfg, kubeconfig); err != nil {
		_ = os.RemoveAll(dir)
		return nil, err
	}

	ctx, cancel := context.WithCancel(logr.NewContext(context.Background(), opts.Log))
	cleanup := func() { cancel(); _ = os.RemoveAll(dir) }
	factory, err := controllerpkg.NewContextFactory(ctx, controllerpkg.ContextOptions{
		Kubeconfig:         kubeconfig,
		Namespace:          opts.Namespace,
		KubernetesAPIQPS:   1000,
		KubernetesAPIBurst: 1000,
		IssuerOptions:      controllerpkg.IssuerOptions{ClusterResourceNamespace: "cert-manager"},
		CertificateOptions: controllerpkg.CertificateOptions{
			// cert-manager's defaults; a failed request waits an hour before the next.
			CertificateRequestMinimumBackoffDuration: time.Hour,
			CertificateRequestMaximumBackoffDuration: 32 * time.Hour,
		},
	})
	if err != nil {
		cleanup()
		return nil, fmt.Errorf("building the cert-manager controller context: %w", err)
	}
	known := controllerpkg.Known()
	var loops []controllerpkg.Interface
	for _, name := range names {
		construct, ok := known[name]
		if !ok {
			cleanup()
			return nil, fmt.Errorf("cert-manager controller %q is not registered", name)
		}
		loop, err := construct(factory)
		if err != nil {
			cleanup()
			return nil, fmt.Errorf("constructing cert-manager controller %q: %w", name, err)
		}
		loops = append(loops, loop)
	}
	// Every Context a factory builds shares its informer factories; the controllers have
	// registered their informers, so starting the factories now starts exactly those.
	shared, err := factory.Build()
	if err != nil {
		cleanup()
		return nil, err
	}
	shared.KubeSharedInformerFactory.Start(ctx.Done())
	shared.SharedInformerFactory.Start(ctx.Done())

	var wg sync.WaitGroup
	errs := make([]error, len(loops))
	for i, loop := range loops {
		wg.Go(func() { errs[i] = loop.Run(1, ctx) })
	}
	return func() error {
		cleanup()
		wg.Wait()
		shared.KubeSharedInformerFactory.Shutdown()
		shared.SharedInformerFactory.Shutdown()
		return errors.Join(errs...)
	}, nil
}

// writeKubeconfig writes a kubeconfig that connects as cfg does.
func writeKubeconfig(cfg *rest.Config, path string) error {
	if cfg.CertFile != "" || cfg.KeyFile != "" || cfg.CAFile != "" {
		return errors.New("the rest.Config must carry its TLS material inline")
	}
	kc := clientcmdapi.NewConfig()
	kc.Clusters["envtest"] = &clientcmdapi.Cluster{Server: cfg.Host, CertificateAuthorityData: cfg.CAData}
	kc.AuthInfos["envtest"] = &clientcmdapi.AuthInfo{
		ClientCertificateData: cfg.CertData, ClientKeyData: cfg.KeyData, Token: cfg.BearerToken,
	}
	kc.Contexts["envtest"] = &clientcmdapi.Context{Cluster: "envtest", AuthInfo: "envtest"}
	kc.CurrentContext = "envtest"
	return clientcmd.WriteToFile(*kc, path)
}
