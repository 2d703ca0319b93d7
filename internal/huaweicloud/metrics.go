package huaweicloud

import (
	"context"
	"errors"
	"time"

	"github.com/go-logr/logr"
	"github.com/prometheus/client_golang/prometheus"
)

// Metric names.
const (
	MetricRequestsTotal   = "huaweicloud_api_requests_total"
	MetricRequestDuration = "huaweicloud_api_request_duration_seconds"
)

// Metrics records every outbound APIG call. A nil *Metrics records nothing.
type Metrics struct {
	requests *prometheus.CounterVec
	duration *prometheus.HistogramVec
}

// NewMetrics registers the metrics with reg; registering twice reuses the collectors.
func NewMetrics(reg prometheus.Registerer) (*Metrics, error) {
	requests := prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: MetricRequestsTotal,
		Help: "Huawei Cloud APIG requests by action and result code (Success or the error code).",
	}, []string{"action", "code"})
	duration := prometheus.NewHistogramVec(prometheus.HistogramOpts{
		Name:    MetricRequestDuration,
		Help:    "Duration of Huawei Cloud APIG requests by action.",
		Buckets: []float64{0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30},
	}, []string{"action"})
	var are prometheus.AlreadyRegisteredError
	if err := reg.Register(requests); errors.As(err, &are) {
		requests = are.ExistingCollector.(*prometheus.CounterVec)
	} else if err != nil {
		return nil, err
	}
	if err := reg.Register(duration); errors.As(err, &are) {
		duration = are.ExistingCollector.(*prometheus.HistogramVec)
	} else if err != nil {
		return nil, err
	}
	return &Metrics{requests: requests, duration: duration}, nil
}

// record is the single instrumentation point for outbound calls. It logs no parameters, which
// may hold key material.
func (c *client) record(ctx context.Context, action, code, requestID string, d time.Duration) {
	if code == "" {
		code = "Success"
	}
	if m := c.f.opts.Metrics; m != nil {
		m.requests.WithLabelValues(action, code).Inc()
		m.duration.WithLabelValues(action).Observe(d.Seconds())
	}
	log, err := logr.FromContext(ctx)
	if err != nil {
		log = c.f.opts.Logger
	}
	log.V(1).Info("Called Huawei Cloud APIG", "action", action, "code", code, "requestID", requestID, "duration", d, "region", c.region)
}
