// Package apimetrics counts the outbound calls of a cloud client: a counter by action and
// result code, and a duration histogram by action. Each client names its own metrics.
package apimetrics

import (
	"errors"
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

// Names name a client's two metrics and say what they count.
type Names struct {
	Requests, RequestsHelp string
	Duration, DurationHelp string
}

// Metrics records calls. A nil *Metrics records nothing.
type Metrics struct {
	requests *prometheus.CounterVec
	duration *prometheus.HistogramVec
}

// New registers the metrics with reg. Registering the same names twice with one registry
// reuses the collectors already there, so that clients built for one manager share them.
func New(reg prometheus.Registerer, n Names) (*Metrics, error) {
	requests, err := register(reg, prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: n.Requests, Help: n.RequestsHelp,
	}, []string{"action", "code"}))
	if err != nil {
		return nil, err
	}
	duration, err := register(reg, prometheus.NewHistogramVec(prometheus.HistogramOpts{
		Name: n.Duration, Help: n.DurationHelp,
		Buckets: []float64{0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30},
	}, []string{"action"}))
	if err != nil {
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

// Observe records one call of action that ended with code ("Success" or an error code) after d.
func (m *Metrics) Observe(action, code string, d time.Duration) {
	if m == nil {
		return
	}
	m.requests.WithLabelValues(action, code).Inc()
	m.duration.WithLabelValues(action).Observe(d.Seconds())
}
