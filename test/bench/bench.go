// Package bench measures the operator at scale: envtest, the SSL API simulator with the
// documented rate limits and realistic latency, and the real manager binary as a separate
// process. Run prints one line per figure, "BENCH <name> <value> <unit>", so that runs can be
// compared; docs/performance.md explains each figure. `make bench` runs it at full scale, and a
// smoke test runs it with ten objects so that the harness cannot rot.
package bench

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"

	sslv1alpha1 "github.com/certsync/tencent-cert-operator/api/v1alpha1"
	"github.com/certsync/tencent-cert-operator/internal/testcerts"
	"github.com/certsync/tencent-cert-operator/internal/testenv"
	"github.com/certsync/tencent-cert-operator/test/sslsim"
)

const (
	benchSecretID  = "AKIDbenchoperator"
	benchSecretKey = "bench-operator-secret-key"
	// documentedLimit is the rate limit of UploadCertificate and the other actions measured
	// here, in calls per second (reference §1.12).
	documentedLimit = 10.0
	// defaultResync and defaultDrift are the operator's resync and drift check intervals, which
	// the steady-state scenario compresses.
	defaultResync = 10 * time.Minute
	defaultDrift  = time.Hour
)

// Options size a run. The zero value is the full benchmark of docs/performance.md.
type Options struct {
	// Objects is how many TencentCertificates, each with one CertificateDeployment, the bulk
	// scenarios create (1000).
	Objects int
	// UnrelatedSecrets is how many unrelated 2 KiB Secrets the memory scenario adds (20000).
	UnrelatedSecrets int
	// Renewals is how many certificates are renewed one after another (100), every
	// RenewalInterval (300ms).
	Renewals        int
	RenewalInterval time.Duration
	// Resync is the compressed resync interval of the steady-state scenario (5s), which runs
	// for ten of them; DriftSample deployments (Objects/10) get a drift interval compressed
	// alike, to measure what a drift check costs.
	Resync      time.Duration
	DriftSample int
	// FleetClusters operators share one account in the fleet scenario (3), uploading
	// FleetCalls certificates each (40).
	FleetClusters, FleetCalls int
	// Settle is how long a fresh manager idles before its memory is read (10s).
	Settle time.Duration
	// Latency is the simulator's answer delay ("150ms±50ms"); TimeScale compresses its task
	// durations (60: a 90 s deployment takes 1.5 s).
	Latency   string
	TimeScale float64
	// ManagerBinary and CacheAllBinary are prebuilt operator binaries, the second built with
	// -tags benchcacheall; empty builds them from this checkout.
	ManagerBinary, CacheAllBinary string
	// ManagerArgs are extra flags of every manager run, for tuning experiments.
	ManagerArgs []string
	// ManagerEnv are extra environment variables (NAME=value) of every manager run; nil means
	// GOMEMLIMIT=64MiB, as the chart sets it from its default memory request.
	ManagerEnv []string
	// WorkDir keeps the kubeconfig, manager logs and heap profiles; empty uses a temporary
	// directory that is removed.
	WorkDir string
	// Progress receives progress lines; nil discards them.
	Progress io.Writer
}

func (o *Options) defaults() {
	def := func(v *int, d int) {
		if *v == 0 {
			*v = d
		}
	}
	def(&o.Objects, 1000)
	def(&o.UnrelatedSecrets, 20000)
	def(&o.Renewals, min(100, o.Objects))
	def(&o.DriftSample, max(o.Objects/10, 1))
	def(&o.FleetClusters, 3)
	def(&o.FleetCalls, 40)
	if o.RenewalInterval == 0 {
		o.RenewalInterval = 300 * time.Millisecond
	}
	if o.Resync == 0 {
		o.Resync = 5 * time.Second
	}
	if o.Settle == 0 {
		o.Settle = 10 * time.Second
	}
	if o.Latency == "" {
		o.Latency = "150ms±50ms"
	}
	if o.TimeScale == 0 {
		o.TimeScale = 60
	}
	if o.ManagerEnv == nil {
		o.ManagerEnv = []string{"GOMEMLIMIT=64MiB"}
	}
	if o.Progress == nil {
		o.Progress = io.Discard
	}
	o.Renewals = min(o.Renewals, o.Objects)
	o.DriftSample = min(o.DriftSample, o.Objects)
}

// run carries a benchmark run's parts between its scenarios.
type run struct {
	o          Options
	out        io.Writer
	work       string
	k8s        client.WithWatch
	kubeconfig string
	endpoint   string
	log        *callLog
	issuer     issuer
	mgr        *manager
	runs       int
	tcs, cds   *tracker
}

// Run performs every scenario and writes the figures to out.
func Run(ctx context.Context, out io.Writer, o Options) (err error) {
	o.defaults()
	r := &run{o: o, out: out, log: &callLog{}}
	if r.work = o.WorkDir; r.work == "" {
		if r.work, err = os.MkdirTemp("", "tencent-cert-operator-bench-"); err != nil {
			return err
		}
		defer os.RemoveAll(r.work)
	}
	if err := r.build(ctx); err != nil {
		return err
	}
	r.progress("starting kube-apiserver and etcd")
	env, err := testenv.Start()
	if err != nil {
		return err
	}
	defer func() { err = errors.Join(err, env.Stop()) }()
	if r.kubeconfig, err = env.Kubeconfig(r.work); err != nil {
		return err
	}
	if r.k8s, err = client.NewWithWatch(env.Config, client.Options{Scheme: env.Scheme}); err != nil {
		return err
	}
	for _, ns := range []string{benchNamespace, noiseNamespace} {
		if err := r.k8s.Create(ctx, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: ns}}); err != nil {
			return err
		}
	}
	// The default account, as the chart installs it: every namespace, the ambient chain.
	if err := testenv.CreateDefaultAccount(ctx, r.k8s); err != nil {
		return err
	}
	stopSim, err := r.startSimulator()
	if err != nil {
		return err
	}
	defer stopSim()
	ca, err := testcerts.NewCA()
	if err != nil {
		return err
	}
	r.issuer = issuer{ca: ca}
	defer func() {
		if r.mgr != nil {
			r.mgr.stop()
		}
	}()
	if err := r.restart(ctx, r.o.ManagerBinary); err != nil {
		return err
	}
	watchCtx, stopWatches := context.WithCancel(ctx)
	defer stopWatches()
	if r.tcs, err = track(watchCtx, r.k8s, &sslv1alpha1.TencentCertificateList{}); err != nil {
		return err
	}
	if r.cds, err = track(watchCtx, r.k8s, &sslv1alpha1.CertificateDeploymentList{}); err != nil {
		return err
	}
	for _, scenario := range []func(context.Context) error{
		r.bulkUpload, r.bulkDeploy, r.renewals, r.callsPerRenewal, r.steady, r.memory, r.fleet,
	} {
		if err := scenario(ctx); err != nil {
			return err
		}
	}
	return nil
}

func (r *run) progress(format string, args ...any) {
	fmt.Fprintf(r.o.Progress, "%s bench: "+format+"\n", append([]any{time.Now().Format("15:04:05")}, args...)...)
}

// report prints one figure.
func (r *run) report(name string, value any, unit string) {
	if f, ok := value.(float64); ok {
		value = strconv.FormatFloat(f, 'f', 3, 64)
	}
	fmt.Fprintf(r.out, "BENCH %s %v %s\n", name, value, unit)
}

func (r *run) build(ctx context.Context) error {
	for _, b := range []struct {
		path *string
		name string
		tags []string
	}{{&r.o.ManagerBinary, "manager", nil}, {&r.o.CacheAllBinary, "manager-cacheall", []string{"benchcacheall"}}} {
		if *b.path != "" {
			continue
		}
		r.progress("building %s", b.name)
		*b.path = filepath.Join(r.work, b.name)
		if err := buildManager(ctx, *b.path, b.tags...); err != nil {
			return err
		}
	}
	return nil
}

func (r *run) startSimulator() (func(), error) {
	lat, err := sslsim.ParseLatency(r.o.Latency)
	if err != nil {
		return nil, err
	}
	sim, err := sslsim.Open(sslsim.Options{
		Credentials: map[string]string{benchSecretID: benchSecretKey, fleetSecretID: fleetSecretKey},
		Latency:     lat, TimeScale: r.o.TimeScale, Seed: 1, Inventory: inventory(r.o.Objects),
	})
	if err != nil {
		return nil, err
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	srv := &http.Server{Handler: r.log.wrap(sim), ReadHeaderTimeout: 5 * time.Second}
	go func() { _ = srv.Serve(ln) }()
	r.endpoint = "http://" + ln.Addr().String()
	return func() { _ = srv.Close() }, nil
}

// restart stops the running manager and starts binary with the extra flags.
func (r *run) restart(ctx context.Context, binary string, extra ...string) error {
	if r.mgr != nil {
		r.mgr.stop()
		r.mgr = nil
	}
	r.runs++
	m, err := startManager(ctx, binary, r.kubeconfig, r.endpoint, r.o.ManagerEnv, benchSecretID, benchSecretKey,
		filepath.Join(r.work, fmt.Sprintf("manager-%d.log", r.runs)), append(slices.Clone(r.o.ManagerArgs), extra...)...)
	r.mgr = m
	return err
}

// timeout for a phase that makes about calls rate-limited calls of one action.
func phaseTimeout(calls int) time.Duration {
	return time.Duration(float64(calls)/documentedLimit*3*float64(time.Second)) + 2*time.Minute
}

// bulkUpload creates every TencentCertificate at once.
func (r *run) bulkUpload(ctx context.Context) error {
	n := r.o.Objects
	r.progress("creating %d TLS Secrets", n)
	if err := parallel(n, 16, func(i int) error {
		c, err := r.issuer.issue(i)
		if err != nil {
			return err
		}
		return r.k8s.Create(ctx, tlsSecret(i, c))
	}); err != nil {
		return err
	}
	r.progress("creating %d TencentCertificates at once", n)
	mark, start := r.log.mark(), time.Now()
	if err := parallel(n, 16, func(i int) error { return r.k8s.Create(ctx, certificate(i)) }); err != nil {
		return err
	}
	last, err := r.tcs.waitReady(ctx, n, phaseTimeout(n))
	if err != nil {
		return fmt.Errorf("bulk upload: %w", err)
	}
	calls := r.log.since(mark)
	perSecond, _ := rate(calls, "UploadCertificate")
	r.report("bulk_upload_rate_ratio", perSecond/documentedLimit, "ratio")
	r.report("bulk_time_to_ready", last.Sub(start).Seconds(), "seconds")
	r.report("bulk_throttled_surfaced", r.tcs.throttledCount(), "count")
	r.report("bulk_calls_per_object", float64(len(calls))/float64(n), "count")
	return nil
}

// bulkDeploy creates a CertificateDeployment of 1 to 5 CLB listeners for every certificate.
func (r *run) bulkDeploy(ctx context.Context) error {
	n := r.o.Objects
	r.progress("creating %d CertificateDeployments at once", n)
	mark, start := r.log.mark(), time.Now()
	if err := parallel(n, 16, func(i int) error { return r.k8s.Create(ctx, deployment(i)) }); err != nil {
		return err
	}
	last, err := r.cds.waitReady(ctx, n, phaseTimeout(3*n))
	if err != nil {
		return fmt.Errorf("bulk deploy: %w", err)
	}
	calls := r.log.since(mark)
	r.report("bulk_deploy_time_to_ready", last.Sub(start).Seconds(), "seconds")
	r.report("bulk_deploy_throttled_surfaced", r.cds.throttledCount(), "count")
	r.report("bulk_deploy_calls_per_object", float64(len(calls))/float64(n), "count")
	return nil
}

// renew replaces Secret i's certificate, as cert-manager does on renewal, and returns when.
func (r *run) renew(ctx context.Context, i int) (time.Time, error) {
	c, err := r.issuer.issue(i)
	if err != nil {
		return time.Time{}, err
	}
	s := &corev1.Secret{}
	if err := r.k8s.Get(ctx, client.ObjectKey{Namespace: benchNamespace, Name: secretName(i)}, s); err != nil {
		return time.Time{}, err
	}
	s.Data = c.SecretData()
	at := time.Now()
	return at, r.k8s.Update(ctx, s)
}

// renewals renews certificates one after another and times each from the Secret update to
// the creation of its new deployment task.
func (r *run) renewals(ctx context.Context) error {
	n := r.o.Renewals
	r.progress("renewing %d certificates, one every %s", n, r.o.RenewalInterval)
	mark := r.log.mark()
	updated := make([]time.Time, n)
	for k := range n {
		var err error
		if updated[k], err = r.renew(ctx, k); err != nil {
			return err
		}
		time.Sleep(r.o.RenewalInterval)
	}
	var took []float64
	err := poll(ctx, phaseTimeout(n), func() (bool, error) {
		took = renewalTimes(r.log.since(mark), updated)
		return len(took) == n, nil
	})
	if err != nil {
		return fmt.Errorf("renewals: %d of %d deployed: %w", len(took), n, err)
	}
	slices.Sort(took)
	r.report("renewal_to_deploy_p50", percentile(took, 0.50), "seconds")
	r.report("renewal_to_deploy_p99", percentile(took, 0.99), "seconds")
	return poll(ctx, phaseTimeout(3*n), func() (bool, error) { return allDeployed(ctx, r.k8s) })
}

// renewalTimes finds, for each renewed object k, its upload after updated[k] and the first
// deployment task of the uploaded certificate, and returns the delays found.
func renewalTimes(calls []call, updated []time.Time) []float64 {
	var took []float64
	for k, at := range updated {
		alias := benchNamespace + "/" + certName(k)
		certID := ""
		for _, c := range calls {
			switch {
			case certID == "" && c.action == "UploadCertificate" && c.alias == alias && c.code == "" && c.at.After(at):
				certID = c.certificateID
			case certID != "" && c.action == "DeployCertificateInstance" && c.certificateID == certID:
				took = append(took, c.at.Sub(at).Seconds())
				certID = "-"
			}
		}
	}
	return took
}

func percentile(sorted []float64, p float64) float64 {
	if len(sorted) == 0 {
		return math.NaN()
	}
	i := int(math.Ceil(p*float64(len(sorted)))) - 1
	return sorted[min(max(i, 0), len(sorted)-1)]
}

// callsPerRenewal renews one certificate with one 3-target deployment alone and counts every
// call until the deployment is Ready again.
func (r *run) callsPerRenewal(ctx context.Context) error {
	i := 2 // targetsOf(2) == 3
	if r.o.Objects <= i {
		return fmt.Errorf("calls per renewal needs at least %d objects", i+1)
	}
	r.progress("renewing certificate %s alone", certName(i))
	mark := r.log.mark()
	if _, err := r.renew(ctx, i); err != nil {
		return err
	}
	// The deployment reads the certificate's new ID only after the upload.
	if err := poll(ctx, 5*time.Minute, func() (bool, error) {
		return slices.ContainsFunc(r.log.since(mark), func(c call) bool { return c.action == "DeployCertificateInstance" && c.certificateID != "" }), nil
	}); err != nil {
		return fmt.Errorf("calls per renewal: %w", err)
	}
	if err := poll(ctx, 5*time.Minute, func() (bool, error) { return allDeployed(ctx, r.k8s) }); err != nil {
		return fmt.Errorf("calls per renewal: %w", err)
	}
	// Calls that follow the rollout, if any, belong to the renewal too.
	time.Sleep(3 * time.Second)
	calls := r.log.since(mark)
	r.report("calls_per_renewal", len(calls), "count")
	r.report("calls_per_renewal_by_action", formatCounts(byAction(calls)), "count")
	return nil
}
