package tencentcloud

import (
	"context"
	"errors"
	"time"

	"github.com/go-logr/logr"
	"github.com/prometheus/client_golang/prometheus"
)

// Metric names.
const (
	MetricRequestsTotal   = "tencentcloud_api_requests_total"
	MetricRequestDuration = "tencentcloud_api_request_duration_seconds"
)

// Metrics records every outbound API request (each attempt, including
// throttled ones that are retried). A nil *Metrics records nothing.
type Metrics struct {
	requests *prometheus.CounterVec
	duration *prometheus.HistogramVec
}

// NewMetrics registers the API metrics with reg. The operator passes
// controller-runtime's metrics.Registry; tests pass a private registry.
// Registering twice with the same registry reuses the existing collectors.
func NewMetrics(reg prometheus.Registerer) (*Metrics, error) {
	requests := prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: MetricRequestsTotal,
		Help: "Tencent Cloud SSL API requests by action and result code (Success or the error code).",
	}, []string{"action", "code"})
	duration := prometheus.NewHistogramVec(prometheus.HistogramOpts{
		Name:    MetricRequestDuration,
		Help:    "Duration of Tencent Cloud SSL API requests by action.",
		Buckets: []float64{0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30},
	}, []string{"action"})

	var err error
	if requests, err = register(reg, requests); err != nil {
		return nil, err
	}
	if duration, err = register(reg, duration); err != nil {
		return nil, err
	}
	return &Metrics{requests: requests, duration: duration}, nil
}

func register[C prometheus.Collector](reg prometheus.Registerer, c C) (C, error) {
	if err := reg.Register(c); err != nil {
		var are prometheus.AlreadyRegisteredError
		if errors.As(err, &are) {
			if existing, ok := are.ExistingCollector.(C); ok {
				return existing, nil
			}
		}
		return c, err
	}
	return c, nil
}

func (m *Metrics) observe(action, code string, d time.Duration) {
	if m == nil {
		return
	}
	m.requests.WithLabelValues(action, metricCode(code)).Inc()
	m.duration.WithLabelValues(action).Observe(d.Seconds())
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
	c.f.opts.Metrics.observe(r.action, r.code, r.duration)

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
