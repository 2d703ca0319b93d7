// Command bench runs the operator's scale benchmark (test/bench) and prints one line per
// figure, "BENCH <name> <value> <unit>". docs/performance.md describes the scenarios.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"strings"
	"time"

	"github.com/go-logr/logr"
	ctrl "sigs.k8s.io/controller-runtime"

	"github.com/certsync/tencent-cert-operator/test/bench"
)

func main() {
	var o bench.Options
	flag.IntVar(&o.Objects, "objects", 1000, "TencentCertificates, each with one CertificateDeployment, in the bulk scenarios.")
	flag.IntVar(&o.UnrelatedSecrets, "unrelated-secrets", 20000, "Unrelated 2 KiB Secrets in the memory scenario.")
	flag.IntVar(&o.Renewals, "renewals", 100, "Certificates renewed one after another.")
	flag.DurationVar(&o.RenewalInterval, "renewal-interval", 300*time.Millisecond, "Time between two renewals.")
	flag.DurationVar(&o.Resync, "resync", 5*time.Second, "Compressed resync interval of the steady-state scenario.")
	flag.DurationVar(&o.Settle, "settle", 10*time.Second, "How long a fresh manager idles before its memory is read.")
	flag.StringVar(&o.Latency, "latency", "150ms±50ms", "Latency of every simulated API answer.")
	flag.Float64Var(&o.TimeScale, "time-scale", 60, "Compression of the simulator's task durations.")
	flag.StringVar(&o.ManagerBinary, "manager", "", "Prebuilt operator binary; empty builds it.")
	flag.StringVar(&o.CacheAllBinary, "manager-cacheall", "", "Prebuilt operator binary built with -tags benchcacheall; empty builds it.")
	flag.StringVar(&o.WorkDir, "work-dir", "", "Keep logs and heap profiles here; empty uses a temporary directory.")
	args := flag.String("manager-args", "", "Extra manager flags, space-separated, for tuning experiments.")
	env := flag.String("manager-env", "GOMEMLIMIT=64MiB", "Extra manager environment variables, NAME=value, space-separated; the default is what the chart sets.")
	flag.Parse()
	o.ManagerArgs = strings.Fields(*args)
	o.ManagerEnv = strings.Fields(*env)
	o.Progress = os.Stderr
	ctrl.SetLogger(logr.Discard())
	ctx, cancel := signal.NotifyContext(context.Background(), os.Interrupt)
	defer cancel()
	start := time.Now()
	if err := bench.Run(ctx, os.Stdout, o); err != nil {
		fmt.Fprintln(os.Stderr, "bench failed:", err)
		os.Exit(1)
	}
	fmt.Fprintf(os.Stderr, "bench finished in %s\n", time.Since(start).Round(time.Second))
}
