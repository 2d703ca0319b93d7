package testenv

import (
	"testing"

	"github.com/prometheus/client_golang/prometheus"
	ctrlmetrics "sigs.k8s.io/controller-runtime/pkg/metrics"
)

// Sum adds up the series of the counter or gauge name whose labels include labels, and says
// how many series matched.
func Sum(t testing.TB, g prometheus.Gatherer, name string, labels map[string]string) (float64, int) {
	t.Helper()
	families, err := g.Gather()
	if err != nil {
		t.Fatal(err)
	}
	sum, n := 0.0, 0
	for _, f := range families {
		if f.GetName() != name {
			continue
		}
	series:
		for _, m := range f.GetMetric() {
			have := map[string]string{}
			for _, l := range m.GetLabel() {
				have[l.GetName()] = l.GetValue()
			}
			for k, v := range labels {
				if have[k] != v {
					continue series
				}
			}
			sum += m.GetCounter().GetValue() + m.GetGauge().GetValue()
			n++
		}
	}
	return sum, n
}

// ReconcileCount reads controller-runtime's reconcile counter of a controller. The counter is
// controller-runtime's global, summed over every manager of the test binary.
func ReconcileCount(t testing.TB, controller string) float64 {
	t.Helper()
	v, _ := Sum(t, ctrlmetrics.Registry, "controller_runtime_reconcile_total", map[string]string{"controller": controller})
	return v
}
