// Package e2e runs the operator end to end: a real kube-apiserver and etcd, the SSL API
// simulator, and the manager binary, all on loopback.
package e2e

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"text/tabwriter"
	"time"

	corev1 "k8s.io/api/core/v1"
	apimeta "k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"

	sslv1alpha1 "github.com/certsync/tencent-cert-operator/api/v1alpha1"
	"github.com/certsync/tencent-cert-operator/internal/testcerts"
	"github.com/certsync/tencent-cert-operator/internal/testenv"
	"github.com/certsync/tencent-cert-operator/test/apigsim"
	"github.com/certsync/tencent-cert-operator/test/sslsim"
)

const (
	demoNamespace = "demo"
	demoDomain    = "shop.example.com"
	demoSecretID  = "AKIDdemo"
	demoSecretKey = "demo-secret-key"
	// The Huawei Cloud APIG side: one custom domain of one API group.
	demoAK, demoSK                       = "HPUADEMO", "demo-apig-secret-key"
	demoProject, demoInstance, demoGroup = "0a1b2c3d4e5f60718293a4b5c6d7e8f9", "eddc4d25480b4cd6b512f270a1b8b341", "c77f5e81d9cb4424bf704ef2b0ac7600"
	demoAPIGDomainID                     = "f6bb84ccf1c34035878aa51b7253b21c"
)

// Options configure a demo run.
type Options struct {
	// ManagerBinary is the operator binary; empty builds it from this checkout.
	ManagerBinary string
	// WorkDir holds the kubeconfig and the manager's log; empty uses a temporary directory.
	WorkDir string
	// Timeout bounds each wait for convergence.
	Timeout time.Duration
	// Capture, when set, receives the objects as they are when the demo converges, so that
	// tests can check them, for example against the Argo CD health checks.
	Capture func(stage string, objs []client.Object)
}

// demoInventory is what the simulator serves: a CLB with an SNI listener for the demo domain,
// a CDN domain and a TKE cluster secret.
func demoInventory() *sslsim.Inventory {
	return &sslsim.Inventory{
		CLB: []sslsim.LoadBalancer{{ID: "lb-shop0001", Name: "shop", Region: "ap-guangzhou", Listeners: []sslsim.Listener{
			{ID: "lbl-https001", Name: "https", Protocol: "HTTPS", SNI: true, Rules: []sslsim.Rule{{Domain: demoDomain, URL: "/"}}},
		}}},
		CDN: []sslsim.Domain{{Domain: demoDomain, HTTPSBillingSwitch: "on"}},
		TKE: []sslsim.Cluster{{ID: "cls-shop0001", Name: "prod", Region: "ap-guangzhou", Namespaces: []sslsim.Namespace{
			{Name: "default", Secrets: []sslsim.TKESecret{{Name: "shop-tls"}}},
		}}},
	}
}

// Run performs the demo and writes what happens to w. It returns an error when anything does
// not converge.
func Run(ctx context.Context, w io.Writer, opts Options) (err error) {
	if opts.Timeout == 0 {
		opts.Timeout = 60 * time.Second
	}
	say := func(format string, args ...any) { fmt.Fprintf(w, "==> "+format+"\n", args...) }
	work := opts.WorkDir
	if work == "" {
		if work, err = os.MkdirTemp("", "tencent-cert-operator-demo-"); err != nil {
			return err
		}
		defer os.RemoveAll(work)
	}

	say("Starting kube-apiserver and etcd with the CRDs installed")
	env, err := testenv.Start()
	if err != nil {
		return err
	}
	defer func() {
		say("Tearing down")
		if serr := env.Stop(); serr != nil && err == nil {
			err = serr
		}
	}()
	kubeconfig, err := env.Kubeconfig(work)
	if err != nil {
		return err
	}

	sim, err := sslsim.Open(sslsim.Options{
		Credentials: map[string]string{demoSecretID: demoSecretKey},
		// Tasks take their realistic minutes, compressed sixty-fold: a CLB deployment takes
		// seconds, a CDN one up to about ten; the bound-resource and delete checks too.
		TimeScale: 60,
		Seed:      1,
		Inventory: demoInventory(),
	})
	if err != nil {
		return err
	}
	listener, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	server := &http.Server{Handler: sim, ReadHeaderTimeout: 5 * time.Second}
	go func() { _ = server.Serve(listener) }()
	defer server.Close()
	endpoint := "http://" + listener.Addr().String()
	say("Started the Tencent Cloud SSL API simulator at %s (a CLB, a CDN domain and a TKE cluster; strict, tasks take their real minutes at 60x speed)", endpoint)
	apig, apigEndpoint, err := startAPIGSimulator()
	if err != nil {
		return err
	}
	defer apig.Close()
	say("Started the Huawei Cloud APIG simulator at %s (custom domain %s)", apigEndpoint, demoDomain)

	binary := opts.ManagerBinary
	if binary == "" {
		binary = filepath.Join(work, "manager")
		say("Building the operator")
		build := exec.CommandContext(ctx, "go", "build", "-o", binary, ".")
		build.Dir = testenv.RepoRoot()
		build.Stdout, build.Stderr = w, w
		if err := build.Run(); err != nil {
			return fmt.Errorf("building the operator: %w", err)
		}
	}
	logPath := filepath.Join(work, "manager.log")
	stop, err := startManager(ctx, binary, kubeconfig, endpoint, apigEndpoint, logPath)
	if err != nil {
		return err
	}
	defer func() {
		stop()
		if err != nil {
			fmt.Fprintf(w, "\nThe operator's log (%s) ends with:\n%s\n", logPath, tail(logPath, 40))
		}
	}()
	say("Started the operator (log: %s)", logPath)

	c := env.Client
	if err := c.Create(ctx, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: demoNamespace}}); err != nil {
		return err
	}
	if err := testenv.CreateDefaultAccount(ctx, c); err != nil {
		return err
	}
	say("Applied %s: every namespace may use the operator's own credentials", testenv.DefaultAccountSample)
	ca, err := testcerts.NewCA()
	if err != nil {
		return err
	}
	first, err := issue(ca)
	if err != nil {
		return err
	}
	secret := &corev1.Secret{
		ObjectMeta: metav1.ObjectMeta{Namespace: demoNamespace, Name: "shop-tls"},
		Type:       corev1.SecretTypeTLS,
		Data:       first.SecretData(),
	}
	if err := c.Create(ctx, secret); err != nil {
		return err
	}
	say("Created Secret %s/shop-tls with a fresh certificate for %s (serial %s)", demoNamespace, demoDomain, first.Cert.SerialNumber.Text(16))
	for _, obj := range demoObjects() {
		if err := c.Create(ctx, obj); err != nil {
			return err
		}
		say("Created %s/%s", kindOf(obj), obj.GetName())
	}

	say("Waiting for everything to be Ready")
	if err := waitReady(ctx, c, w, opts.Timeout, ""); err != nil {
		return err
	}
	certID, err := printState(ctx, c, w)
	if err != nil {
		return err
	}
	if opts.Capture != nil {
		opts.Capture("ready", capture(ctx, c))
	}

	say("Rotating the certificate in Secret shop-tls, as cert-manager does on renewal")
	renewed, err := issue(ca)
	if err != nil {
		return err
	}
	if err := c.Get(ctx, client.ObjectKeyFromObject(secret), secret); err != nil {
		return err
	}
	secret.Data = renewed.SecretData()
	if err := c.Update(ctx, secret); err != nil {
		return err
	}
	say("Waiting for the new certificate to reach every target")
	if opts.Capture != nil {
		if objs, ok := captureRollout(ctx, c, opts.Timeout); ok {
			opts.Capture("rolling", objs)
		}
	}
	if err := waitReady(ctx, c, w, opts.Timeout, certID); err != nil {
		return err
	}
	newID, err := printState(ctx, c, w)
	if err != nil {
		return err
	}
	if opts.Capture != nil {
		opts.Capture("rotated", capture(ctx, c))
	}
	bound := sim.State().BoundTo(newID)
	say("Certificate %s replaced %s; the simulator reports %d resources bound to it", newID, certID, len(bound))
	if len(bound) != 3 {
		return fmt.Errorf("want the new certificate on 3 resources, the simulator has it on %d", len(bound))
	}
	served := apig.sim.DomainCertificate(demoInstance, demoGroup, demoAPIGDomainID)
	if served == nil || served.Leaf.SerialNumber.Cmp(renewed.Cert.SerialNumber) != 0 {
		return errors.New("the APIG domain does not serve the renewed certificate")
	}
	say("The APIG domain %s serves the renewed certificate too (serial %s, ssl_id %s)", demoDomain, served.Leaf.SerialNumber.Text(16), served.SSLID)
	say("Demo finished: upload, deployment to CLB, CDN, TKE and Huawei APIG, and a renewal rolled out with no manual step")
	return nil
}

func issue(ca *testcerts.CA) (*testcerts.Cert, error) {
	return ca.Issue(testcerts.Leaf{
		DNSNames: []string{demoDomain}, ECDSA: true,
		NotBefore: time.Now().Add(-time.Minute), NotAfter: time.Now().Add(90 * 24 * time.Hour),
	})
}

// demoObjects are the TencentCertificate and the CertificateDeployments a user would apply.
func demoObjects() []client.Object {
	ref := &sslv1alpha1.LocalObjectReference{Name: "shop"}
	deployment := func(name string, rt sslv1alpha1.ResourceType, region sslv1alpha1.Region, t sslv1alpha1.Target) client.Object {
		return &sslv1alpha1.CertificateDeployment{
			ObjectMeta: metav1.ObjectMeta{Namespace: demoNamespace, Name: name},
			Spec: sslv1alpha1.CertificateDeploymentSpec{
				CertificateRef: ref, ResourceType: rt, Region: region, Targets: []sslv1alpha1.Target{t},
			},
		}
	}
	return []client.Object{
		&sslv1alpha1.TencentCertificate{
			ObjectMeta: metav1.ObjectMeta{Namespace: demoNamespace, Name: "shop"},
			Spec: sslv1alpha1.TencentCertificateSpec{
				SecretRef:     &sslv1alpha1.LocalObjectReference{Name: "shop-tls"},
				IngressSecret: &sslv1alpha1.LocalObjectReference{Name: "shop-qcloud-cert"},
			},
		},
		deployment("shop-clb", sslv1alpha1.ResourceTypeCLB, "ap-guangzhou",
			sslv1alpha1.Target{LoadBalancerID: "lb-shop0001", ListenerID: "lbl-https001", Domain: demoDomain}),
		deployment("shop-cdn", sslv1alpha1.ResourceTypeCDN, "", sslv1alpha1.Target{Domain: demoDomain, HTTPSBilling: "on"}),
		deployment("shop-tke", sslv1alpha1.ResourceTypeTKE, "ap-guangzhou",
			sslv1alpha1.Target{ClusterID: "cls-shop0001", Namespace: "default", SecretName: "shop-tls"}),
		&sslv1alpha1.HuaweiAPIGCertificate{
			ObjectMeta: metav1.ObjectMeta{Namespace: demoNamespace, Name: "shop-apig"},
			Spec: sslv1alpha1.HuaweiAPIGCertificateSpec{
				CertificateRef: ref, Region: "cn-north-4", ProjectID: demoProject, InstanceID: demoInstance,
				Domains: []sslv1alpha1.APIGDomain{{GroupID: demoGroup, URLDomain: demoDomain}},
			},
		},
	}
}

type apigServer struct {
	sim *apigsim.Simulator
	*http.Server
}

// startAPIGSimulator serves the APIG simulator with the demo domain on loopback.
func startAPIGSimulator() (*apigServer, string, error) {
	sim, err := apigsim.Open(apigsim.Options{Credentials: map[string]string{demoAK: demoSK}, Inventory: &apigsim.Inventory{
		Instances: []apigsim.Instance{{ProjectID: demoProject, ID: demoInstance, Groups: []apigsim.Group{{
			ID: demoGroup, Name: "shop", Domains: []apigsim.Domain{{ID: demoAPIGDomainID, URLDomain: demoDomain}},
		}}}},
	}})
	if err != nil {
		return nil, "", err
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, "", err
	}
	srv := &apigServer{sim: sim, Server: &http.Server{Handler: sim, ReadHeaderTimeout: 5 * time.Second}}
	go func() { _ = srv.Serve(ln) }()
	return srv, "http://" + ln.Addr().String(), nil
}

// startManager runs the operator binary against the control plane and the simulator.
func startManager(ctx context.Context, binary, kubeconfig, endpoint, apigEndpoint, logPath string) (func(), error) {
	logFile, err := os.Create(logPath)
	if err != nil {
		return nil, err
	}
	cmd := exec.Command(binary,
		"--kubeconfig", kubeconfig,
		"--tencentcloud-endpoint", endpoint,
		"--tencentcloud-region", "ap-guangzhou",
		"--huaweicloud-endpoint", apigEndpoint, "--huaweicloud-operator-credentials",
		"--metrics-bind-address", "0",
		"--health-probe-bind-address", "127.0.0.1:0",
		"--zap-log-level", "debug",
	)
	cmd.Env = append(os.Environ(), "TENCENTCLOUD_SECRET_ID="+demoSecretID, "TENCENTCLOUD_SECRET_KEY="+demoSecretKey,
		"HUAWEICLOUD_SDK_AK="+demoAK, "HUAWEICLOUD_SDK_SK="+demoSK)
	cmd.Stdout, cmd.Stderr = logFile, logFile
	if err := cmd.Start(); err != nil {
		logFile.Close()
		return nil, fmt.Errorf("starting the operator: %w", err)
	}
	exited := make(chan struct{})
	go func() { _ = cmd.Wait(); close(exited) }()
	return func() {
		_ = cmd.Process.Signal(os.Interrupt)
		select {
		case <-exited:
		case <-time.After(10 * time.Second):
			_ = cmd.Process.Kill()
			<-exited
		}
		logFile.Close()
	}, nil
}

// waitReady waits until every object is Ready for its generation and, when notCert is set,
// the certificate has moved on from notCert everywhere.
func waitReady(ctx context.Context, c client.Client, w io.Writer, timeout time.Duration, notCert string) error {
	deadline := time.Now().Add(timeout)
	var last string
	for {
		msg := notReady(ctx, c, notCert)
		if msg == "" {
			return nil
		}
		if msg != last {
			fmt.Fprintf(w, "    %s\n", msg)
			last = msg
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("did not converge within %s: %s", timeout, last)
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(250 * time.Millisecond):
		}
	}
}

// notReady describes the first object that is not converged, or returns "".
func notReady(ctx context.Context, c client.Client, notCert string) string {
	tcs := &sslv1alpha1.TencentCertificateList{}
	cds := &sslv1alpha1.CertificateDeploymentList{}
	if err := errors.Join(c.List(ctx, tcs, client.InNamespace(demoNamespace)), c.List(ctx, cds, client.InNamespace(demoNamespace))); err != nil {
		return err.Error()
	}
	check := func(name string, conds []metav1.Condition, gen, observed int64, cert string) string {
		ready := apimeta.FindStatusCondition(conds, sslv1alpha1.ReadyCondition)
		switch {
		case ready == nil:
			return name + " has no Ready condition yet"
		case ready.Status != metav1.ConditionTrue || observed != gen:
			return fmt.Sprintf("%s is %s: %s", name, ready.Reason, ready.Message)
		case notCert != "" && cert == notCert:
			return name + " still has certificate " + cert
		}
		return ""
	}
	for _, tc := range tcs.Items {
		if msg := check("tencentcertificate/"+tc.Name, tc.Status.Conditions, tc.Generation, tc.Status.ObservedGeneration, tc.Status.CertificateID); msg != "" {
			return msg
		}
	}
	for _, cd := range cds.Items {
		if msg := check("certificatedeployment/"+cd.Name, cd.Status.Conditions, cd.Generation, cd.Status.ObservedGeneration, cd.Status.CertificateID); msg != "" {
			return msg
		}
	}
	hws := &sslv1alpha1.HuaweiAPIGCertificateList{}
	if err := c.List(ctx, hws, client.InNamespace(demoNamespace)); err != nil {
		return err.Error()
	}
	for _, hw := range hws.Items {
		// Its fingerprint is compared with the TencentCertificate's, which the same Secret feeds.
		if msg := check("huaweiapigcertificate/"+hw.Name, hw.Status.Conditions, hw.Generation, hw.Status.ObservedGeneration, ""); msg != "" {
			return msg
		}
		if len(tcs.Items) > 0 && hw.Status.Fingerprint != tcs.Items[0].Status.Fingerprint {
			return "huaweiapigcertificate/" + hw.Name + " does not serve the current certificate yet"
		}
	}
	return ""
}

// printState prints what `kubectl get tccert,tccd -o wide` shows, then each target, and returns
// the current certificate ID.
func printState(ctx context.Context, c client.Client, w io.Writer) (string, error) {
	tcs := &sslv1alpha1.TencentCertificateList{}
	cds := &sslv1alpha1.CertificateDeploymentList{}
	if err := errors.Join(c.List(ctx, tcs, client.InNamespace(demoNamespace)), c.List(ctx, cds, client.InNamespace(demoNamespace))); err != nil {
		return "", err
	}
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "\nNAME\tREADY\tCERTIFICATE ID\tDOMAINS\tEXPIRES")
	certID := ""
	for _, tc := range tcs.Items {
		certID = tc.Status.CertificateID
		fmt.Fprintf(tw, "tencentcertificate/%s\t%s\t%s\t%s\t%s\n", tc.Name, readyOf(tc.Status.Conditions), tc.Status.CertificateID,
			strings.Join(tc.Status.DNSNames, ","), tc.Status.NotAfter.UTC().Format(time.RFC3339))
	}
	fmt.Fprintln(tw, "\nNAME\tREADY\tTYPE\tREGION\tCERTIFICATE ID\tTARGETS\tRECORD")
	for _, cd := range cds.Items {
		var record int64
		if cd.Status.Record != nil {
			record = cd.Status.Record.ID
		}
		fmt.Fprintf(tw, "certificatedeployment/%s\t%s\t%s\t%s\t%s\t%s\t%d\n", cd.Name, readyOf(cd.Status.Conditions),
			cd.Spec.ResourceType, cd.Spec.Region, cd.Status.CertificateID, cd.Status.Summary, record)
	}
	fmt.Fprintln(tw, "\nDEPLOYMENT\tTARGET\tSTATE\tPREVIOUS CERTIFICATE")
	for _, cd := range cds.Items {
		for _, t := range cd.Status.Targets {
			prev := t.OldCertificateID
			if prev == "" {
				prev = "-"
			}
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", cd.Name, t.ID, t.State, prev)
		}
	}
	hws := &sslv1alpha1.HuaweiAPIGCertificateList{}
	if err := c.List(ctx, hws, client.InNamespace(demoNamespace)); err != nil {
		return "", err
	}
	fmt.Fprintln(tw, "\nNAME\tREADY\tREGION\tDOMAINS\tSERIAL")
	for _, hw := range hws.Items {
		fmt.Fprintf(tw, "huaweiapigcertificate/%s\t%s\t%s\t%d\t%s\n", hw.Name, readyOf(hw.Status.Conditions), hw.Spec.Region, len(hw.Status.Domains), hw.Status.SerialNumber)
	}
	fmt.Fprintln(tw)
	return certID, tw.Flush()
}

func readyOf(conds []metav1.Condition) string {
	if c := apimeta.FindStatusCondition(conds, sslv1alpha1.ReadyCondition); c != nil {
		return string(c.Status)
	}
	return "Unknown"
}

func kindOf(obj client.Object) string {
	switch obj.(type) {
	case *sslv1alpha1.TencentCertificate:
		return "tencentcertificate"
	case *sslv1alpha1.CertificateDeployment:
		return "certificatedeployment"
	case *sslv1alpha1.HuaweiAPIGCertificate:
		return "huaweiapigcertificate"
	}
	return "object"
}

// capture returns the demo's objects as they are now.
func capture(ctx context.Context, c client.Client) []client.Object {
	tcs := &sslv1alpha1.TencentCertificateList{}
	cds := &sslv1alpha1.CertificateDeploymentList{}
	_ = c.List(ctx, tcs, client.InNamespace(demoNamespace))
	_ = c.List(ctx, cds, client.InNamespace(demoNamespace))
	var out []client.Object
	for i := range tcs.Items {
		out = append(out, &tcs.Items[i])
	}
	for i := range cds.Items {
		out = append(out, &cds.Items[i])
	}
	return out
}

// captureRollout waits for a CertificateDeployment to be mid-rollout and returns the objects
// then, for checks of how a rollout looks from outside.
func captureRollout(ctx context.Context, c client.Client, timeout time.Duration) ([]client.Object, bool) {
	deadline := time.Now().Add(timeout)
	for time.Now().Before(deadline) && ctx.Err() == nil {
		cds := &sslv1alpha1.CertificateDeploymentList{}
		if err := c.List(ctx, cds, client.InNamespace(demoNamespace)); err == nil {
			for _, cd := range cds.Items {
				if apimeta.IsStatusConditionTrue(cd.Status.Conditions, sslv1alpha1.ReconcilingCondition) {
					return capture(ctx, c), true
				}
			}
		}
		select {
		case <-ctx.Done():
		case <-time.After(50 * time.Millisecond):
		}
	}
	return nil, false
}

func tail(path string, lines int) string {
	data, err := os.ReadFile(path)
	if err != nil {
		return err.Error()
	}
	all := strings.Split(strings.TrimRight(string(data), "\n"), "\n")
	if len(all) > lines {
		all = all[len(all)-lines:]
	}
	return strings.Join(all, "\n")
}
