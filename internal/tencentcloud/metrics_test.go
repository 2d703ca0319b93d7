package tencentcloud

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/go-logr/logr"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"
)

func TestEveryAttemptIsCountedByActionAndCode(t *testing.T) {
	ctx := context.Background()
	responses := []string{
		errEnvelope(CodeRateLimitExceeded, "slow down", "r1"),
		okEnvelope(""),
		errEnvelope(CodeCertificateNotFound, "gone", "r2"),
		errEnvelope("FailedOperation.SomethingNew", "new", "r3"),
		errEnvelope("Weird.Code", "new", "r4"),
	}
	env := newTestEnv(t, func(n int, _ recordedRequest) (int, string) { return http.StatusOK, responses[n] }, func(o *FactoryOptions) {
		o.RateLimit.Disabled = true
		o.Retry.ReadRetries = -1
	})
	api := env.api(t)
	_, _, _ = api.Tags(ctx, "c") // throttled once, then success
	_, _ = api.Describe(ctx, "c")
	_, _ = api.Describe(ctx, "c")
	_, _ = api.Describe(ctx, "c")

	cases := []struct {
		name   string
		action string
		code   string
		want   float64
	}{
		{name: "A throttled attempt is counted under its code", action: "DescribeCertificates", code: CodeRateLimitExceeded, want: 1},
		{name: "The successful retry is counted as Success", action: "DescribeCertificates", code: "Success", want: 1},
		{name: "A listed error code is its own label", action: "DescribeCertificateDetail", code: CodeCertificateNotFound, want: 1},
		{name: "An unlisted code collapses to its listed prefix", action: "DescribeCertificateDetail", code: "FailedOperation", want: 1},
		{name: "An unlisted code with an unknown prefix is Other", action: "DescribeCertificateDetail", code: "Other", want: 1},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if got := counterValue(t, env.reg, tc.action, tc.code); got != tc.want {
				t.Errorf("requests_total{action=%q,code=%q} = %v, want %v", tc.action, tc.code, got, tc.want)
			}
		})
	}

	t.Run("Every attempt is observed in the duration histogram", func(t *testing.T) {
		want := map[string]uint64{"DescribeCertificates": 2, "DescribeCertificateDetail": 3}
		families, err := env.reg.Gather()
		if err != nil {
			t.Fatal(err)
		}
		got := map[string]uint64{}
		for _, mf := range families {
			if mf.GetName() != MetricRequestDuration {
				continue
			}
			for _, m := range mf.GetMetric() {
				got[m.GetLabel()[0].GetValue()] = m.GetHistogram().GetSampleCount()
			}
		}
		for action, n := range want {
			if got[action] != n {
				t.Errorf("duration samples for %s = %d, want %d", action, got[action], n)
			}
		}
	})
}

func TestMetricCodeKeepsCardinalityBounded(t *testing.T) {
	cases := []struct {
		name string
		code string
		want string
	}{
		{name: "No code is Success", code: "", want: "Success"},
		{name: "A reference code is kept", code: CodeCertificateDeployPending, want: CodeCertificateDeployPending},
		{name: "A client code is kept", code: CodeClientNetwork, want: CodeClientNetwork},
		{name: "An unknown code under a known family keeps the family", code: "InternalError.Unexpected", want: "InternalError"},
		{name: "An unknown code under an unknown family is Other", code: "Bogus.Thing", want: "Other"},
		{name: "An unknown code without a dot is Other", code: "sKeY0123456789abcdefABCDEF0123456", want: "Other"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if got := metricCode(tc.code); got != tc.want {
				t.Errorf("metricCode(%q) = %q, want %q", tc.code, got, tc.want)
			}
		})
	}
}

func TestAClientWithoutMetricsRecordsNothing(t *testing.T) {
	env := newTestEnv(t, always(http.StatusOK, okEnvelope("")), func(o *FactoryOptions) { o.Metrics = nil })
	if _, _, err := env.api(t).Tags(context.Background(), "c"); err != nil {
		t.Fatal(err)
	}
	if n, err := testutil.GatherAndCount(env.reg); err != nil || n != 0 {
		t.Errorf("registry has %d series (%v), want 0", n, err)
	}
}

func TestCallsAreLoggedAtVerbosityOne(t *testing.T) {
	env := newTestEnv(t, always(http.StatusOK, errEnvelope(CodeCertificateNotFound, "gone", "req-log-1")), nil)
	_, _ = env.api(t).Describe(context.Background(), "abc")
	logs := env.logs.String()
	for _, want := range []string{`"msg"="Called Tencent Cloud API"`, `"action"="DescribeCertificateDetail"`, `"code"="` + CodeCertificateNotFound + `"`, `"requestID"="req-log-1"`, `"attempt"=1`, `"duration"=`} {
		if !strings.Contains(logs, want) {
			t.Errorf("log lacks %s:\n%s", want, logs)
		}
	}
	if strings.Contains(logs, "abc") {
		t.Errorf("log contains request parameters:\n%s", logs)
	}
}

func TestTheContextLoggerIsPreferred(t *testing.T) {
	env := newTestEnv(t, always(http.StatusOK, okEnvelope("")), nil)
	ctxLogs := &logBuffer{}
	ctx := logr.NewContext(context.Background(), ctxLogs.logger())
	if _, _, err := env.api(t).Tags(ctx, "c"); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(ctxLogs.String(), "Called Tencent Cloud API") {
		t.Errorf("context logger got nothing")
	}
	if env.logs.String() != "" {
		t.Errorf("factory logger used although the context carries one:\n%s", env.logs)
	}
}

// counterValue reads tencentcloud_api_requests_total{action,code}; 0 when
// the series does not exist.
func counterValue(t *testing.T, reg *prometheus.Registry, action, code string) float64 {
	t.Helper()
	families, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	for _, mf := range families {
		if mf.GetName() != MetricRequestsTotal {
			continue
		}
		for _, m := range mf.GetMetric() {
			labels := map[string]string{}
			for _, l := range m.GetLabel() {
				labels[l.GetName()] = l.GetValue()
			}
			if labels["action"] == action && labels["code"] == code {
				return m.GetCounter().GetValue()
			}
		}
	}
	return 0
}
