package huaweicloud

import (
	"context"
	"time"

	"github.com/go-logr/logr"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/certsync/tencent-cert-operator/internal/apimetrics"
)

// Metric names.
const (
	MetricRequestsTotal   = "huaweicloud_api_requests_total"
	MetricRequestDuration = "huaweicloud_api_request_duration_seconds"
)

// Metrics records every outbound APIG call. A nil *Metrics records nothing.
type Metrics = apimetrics.Metrics

// NewMetrics registers the metrics with reg; registering twice reuses the collectors.
func NewMetrics(reg prometheus.Registerer) (*Metrics, error) {
	return apimetrics.New(reg, apimetrics.Names{
		Requests:     MetricRequestsTotal,
		RequestsHelp: "Huawei Cloud APIG requests by action and result code (Success or the error code).",
		Duration:     MetricRequestDuration,
		DurationHelp: "Duration of Huawei Cloud APIG requests by action.",
	})
}

// record is the single instrumentation point for outbound calls. It logs no parameters, which
// may hold key material.
func (c *client) record(ctx context.Context, action, code, requestID string, d time.Duration) {
	if code == "" {
		code = "Success"
	}
	c.f.opts.Metrics.Observe(action, code, d)
	log, err := logr.FromContext(ctx)
	if err != nil {
		log = c.f.opts.Logger
	}
	log.V(1).Info("Called Huawei Cloud APIG", "action", action, "code", code, "requestID", requestID, "duration", d, "region", c.region)
}
