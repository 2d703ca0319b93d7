package apimetrics

import (
	"testing"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"
)

var names = Names{Requests: "test_requests_total", RequestsHelp: "r", Duration: "test_request_duration_seconds", DurationHelp: "d"}

func TestNewReusesCollectorsOnTheSameRegistry(t *testing.T) {
	reg := prometheus.NewRegistry()
	first, err := New(reg, names)
	if err != nil {
		t.Fatal(err)
	}
	second, err := New(reg, names)
	if err != nil {
		t.Fatalf("second registration: %v", err)
	}
	first.Observe("UploadCertificate", "Success", 0)
	second.Observe("UploadCertificate", "Success", 0)
	if got := testutil.ToFloat64(first.requests.WithLabelValues("UploadCertificate", "Success")); got != 2 {
		t.Errorf("shared counter = %v, want 2", got)
	}
	if n, err := testutil.GatherAndCount(reg, names.Duration); err != nil || n != 1 {
		t.Errorf("%d duration series (%v), want 1", n, err)
	}
}

func TestRegistriesAreIndependent(t *testing.T) {
	a, b := prometheus.NewRegistry(), prometheus.NewRegistry()
	ma, err := New(a, names)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := New(b, names); err != nil {
		t.Fatal(err)
	}
	ma.Observe("Bind", "APIG.9999", 0)
	if n, err := testutil.GatherAndCount(b); err != nil || n != 0 {
		t.Errorf("the other registry has %d series (%v), want 0", n, err)
	}
}
