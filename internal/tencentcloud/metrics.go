package tencentcloud

import (
	"context"
	"time"

	"github.com/go-logr/logr"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/certsync/tencent-cert-operator/internal/apimetrics"
)

// Metric names.
const (
	MetricRequestsTotal   = "tencentcloud_api_requests_total"
	MetricRequestDuration = "tencentcloud_api_request_duration_seconds"
)

// Metrics records every outbound API request (each attempt, including throttled ones that are
// retried). A nil *Metrics records nothing.
type Metrics = apimetrics.Metrics

// NewMetrics registers the API metrics with reg. The operator passes controller-runtime's
// metrics.Registry; tests pass a private registry. Registering twice with the same registry
// reuses the existing collectors.
func NewMetrics(reg prometheus.Registerer) (*Metrics, error) {
	return apimetrics.New(reg, apimetrics.Names{
		Requests:     MetricRequestsTotal,
		RequestsHelp: "Tencent Cloud SSL API requests by action and result code (Success or the error code).",
		Duration:     MetricRequestDuration,
		DurationHelp: "Duration of Tencent Cloud SSL API requests by action.",
	})
}

// callRecord describes one attempt for the metrics and the log line. It
// holds no request parameters, which may contain key material.
type callRecord struct {
	action    string
	region    string
	code      string
	requestID string
	attempt   int
	duration  time.Duration
}

// record is the single instrumentation point for outbound requests.
func (c *client) record(ctx context.Context, r callRecord) {
	c.f.opts.Metrics.Observe(r.action, metricCode(r.code), r.duration)

	code := r.code
	if code == "" {
		code = "Success"
	}
	kv := []any{"action", r.action, "code", code, "requestID", r.requestID, "duration", r.duration, "attempt", r.attempt}
	if r.region != "" {
		kv = append(kv, "region", r.region)
	}
	c.logger(ctx).V(1).Info("Called Tencent Cloud API", kv...)
}

// logger prefers the caller's logger, which carries the reconcile's keys.
func (c *client) logger(ctx context.Context) logr.Logger {
	if l, err := logr.FromContext(ctx); err == nil {
		return l
	}
	return c.f.opts.Logger
}
