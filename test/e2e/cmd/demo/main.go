// Command demo runs the operator end to end on a local control plane and the SSL API
// simulator: upload, deployment to CLB, CDN and TKE, and a certificate renewal.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"time"

	"github.com/go-logr/logr"
	ctrl "sigs.k8s.io/controller-runtime"

	"github.com/certsync/tencent-cert-operator/test/e2e"
)

func main() {
	var opts e2e.Options
	flag.StringVar(&opts.ManagerBinary, "manager", "", "The operator binary; empty builds it from this checkout.")
	flag.DurationVar(&opts.Timeout, "timeout", 60*time.Second, "How long to wait for each step to converge.")
	flag.Parse()
	ctrl.SetLogger(logr.Discard())
	ctx, cancel := signal.NotifyContext(context.Background(), os.Interrupt)
	defer cancel()
	start := time.Now()
	if err := e2e.Run(ctx, os.Stdout, opts); err != nil {
		fmt.Fprintln(os.Stderr, "demo failed:", err)
		os.Exit(1)
	}
	fmt.Printf("Finished in %s\n", time.Since(start).Round(100*time.Millisecond))
}
