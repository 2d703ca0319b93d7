package bench

import (
	"bytes"
	"context"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/go-logr/logr"
	ctrl "sigs.k8s.io/controller-runtime"
)

// figures are the names Run prints, each once.
var figures = []string{
	"bulk_upload_rate_ratio", "bulk_time_to_ready", "bulk_throttled_surfaced", "bulk_calls_per_object",
	"bulk_deploy_time_to_ready", "bulk_deploy_throttled_surfaced", "bulk_deploy_calls_per_object",
	"renewal_to_deploy_p50", "renewal_to_deploy_p99", "calls_per_renewal", "calls_per_renewal_by_action",
	"restart_calls", "steady_calls_per_hour", "steady_resync_calls", "steady_drift_calls_per_check",
	"rss_mib_baseline", "rss_mib_20k_secrets", "rss_mib_20k_secrets_peak", "heap_mib_20k_secrets",
	"rss_mib_cache_all", "rss_ratio_cache_all", "heap_ratio_cache_all",
	"fleet_share_rate_ratio", "fleet_share_throttled", "fleet_adaptive_rate_ratio", "fleet_adaptive_throttled", "fleet_adaptive_requeued",
}

// TestSmoke runs every scenario of the benchmark with ten objects, so that the harness keeps
// working; `make bench` runs it at full scale. It checks the output's form, not the figures.
func TestSmoke(t *testing.T) {
	ctrl.SetLogger(logr.Discard())
	var out, progress bytes.Buffer
	err := Run(context.Background(), &out, Options{
		Objects: 10, UnrelatedSecrets: 200, Renewals: 5, RenewalInterval: 100 * time.Millisecond,
		Resync: time.Second, DriftSample: 3, FleetClusters: 2, FleetCalls: 5, Settle: time.Second,
		Progress: &progress,
	})
	if err != nil {
		t.Fatalf("Run: %v\n%s", err, progress.String())
	}
	got := map[string]string{}
	for _, line := range strings.Split(strings.TrimSpace(out.String()), "\n") {
		f := strings.Fields(line)
		if len(f) != 4 || f[0] != "BENCH" {
			t.Fatalf("line %q is not BENCH <name> <value> <unit>", line)
		}
		if _, dup := got[f[1]]; dup {
			t.Errorf("%s printed twice", f[1])
		}
		got[f[1]] = f[2]
	}
	for _, name := range figures {
		v, ok := got[name]
		switch {
		case !ok:
			t.Errorf("%s not printed", name)
		case name == "calls_per_renewal_by_action":
			if !strings.Contains(v, "UploadCertificate:1") || !strings.Contains(v, "DeployCertificateInstance:1") {
				t.Errorf("%s = %s, want one upload and one deployment", name, v)
			}
		default:
			if f, err := strconv.ParseFloat(v, 64); err != nil || f < 0 {
				t.Errorf("%s = %q, want a non-negative number", name, v)
			}
		}
	}
	if len(got) != len(figures) {
		t.Errorf("printed %d figures, want %d:\n%s", len(got), len(figures), out.String())
	}
	t.Logf("figures with ten objects:\n%s", out.String())
}
