// Command demo runs the operator end to end on a local control plane and the SSL API
// simulator: upload, deployment to CLB, CDN and TKE, and a certificate renewal.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"time"

	"github.com/go-logr/logr"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/yaml"

	"github.com/certsync/tencent-cert-operator/test/e2e"
)

func main() {
	var opts e2e.Options
	flag.StringVar(&opts.ManagerBinary, "manager", "", "The operator binary; empty builds it from this checkout.")
	flag.DurationVar(&opts.Timeout, "timeout", 60*time.Second, "How long to wait for each step to converge.")
	captureDir := flag.String("capture-dir", "", "Write the objects as they are at each stage to this directory, as YAML.")
	flag.Parse()
	if *captureDir != "" {
		opts.Capture = func(stage string, objs []client.Object) {
			for _, obj := range objs {
				obj.SetManagedFields(nil)
				data, err := yaml.Marshal(obj)
				if err == nil {
					name := fmt.Sprintf("%s-%s-%s.yaml", stage, strings.ToLower(obj.GetObjectKind().GroupVersionKind().Kind), obj.GetName())
					err = os.WriteFile(filepath.Join(*captureDir, name), data, 0o644)
				}
				if err != nil {
					fmt.Fprintln(os.Stderr, "capture:", err)
				}
			}
		}
	}
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
