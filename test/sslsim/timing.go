package sslsim

import (
	"context"
	"fmt"
	"math"
	"strings"
	"time"
)

// Realistic durations of asynchronous work, in simulated time. The
// reference gives none; these follow what Tencent's console shows: a task
// waits in a queue for seconds, a target takes a minute or two (CDN and
// EdgeOne several, as they push to edge nodes), and the bound-resource and
// delete checks query every product for tens of seconds.
const (
	queueMedian      = 10 * time.Second
	deployMedian     = 90 * time.Second
	edgeDeployMedian = 4 * time.Minute
	bindQueryMedian  = 30 * time.Second
	deleteTaskMedian = 20 * time.Second
	// defaultInstanceCache is how long DeployCertificateInstance and the
	// instance lists may answer from cached instance data (§2.2, §2.6).
	defaultInstanceCache = 30 * time.Minute
)

// durationKind names a kind of asynchronous work.
type durationKind int

const (
	durQueue durationKind = iota
	durDeploy
	durEdgeDeploy
	durBindQuery
	durDeleteTask
)

var medians = map[durationKind]time.Duration{
	durQueue:      queueMedian,
	durDeploy:     deployMedian,
	durEdgeDeploy: edgeDeployMedian,
	durBindQuery:  bindQueryMedian,
	durDeleteTask: deleteTaskMedian,
}

// timeScale is Options.TimeScale with its default.
func (s *Simulator) timeScale() float64 {
	if s.opts.TimeScale > 0 {
		return s.opts.TimeScale
	}
	return 1
}

// scaled compresses a simulated duration by the time scale.
func (s *Simulator) scaled(d time.Duration) time.Duration {
	return time.Duration(float64(d) / s.timeScale())
}

// duration returns how long one piece of work of kind takes on the
// simulator's clock. A positive DeployDuration fixes every task at that
// length (and skips the queue), a negative one completes work on the next
// request; zero draws a realistic duration, spread log-normally around the
// median (clamped to a third and three times it) and compressed by the
// time scale. Draws come from the seeded generator, so a given sequence of
// requests always gets the same durations.
func (s *Simulator) duration(kind durationKind) time.Duration {
	switch {
	case s.opts.DeployDuration < 0:
		return 0
	case s.opts.DeployDuration > 0 && kind == durQueue:
		return 0
	case s.opts.DeployDuration > 0:
		return s.opts.DeployDuration
	}
	m := float64(medians[kind])
	d := m * math.Exp(0.5*s.spread.NormFloat64())
	d = min(max(d, m/3), 3*m)
	return s.scaled(time.Duration(d))
}

// deployKind is the duration kind of deploying to one resource type.
func deployKind(resourceType string) durationKind {
	if resourceType == "cdn" || resourceType == "teo" {
		return durEdgeDeploy
	}
	return durDeploy
}

// cacheTTL is the age of cached instance data on the simulator's clock;
// zero when the cache is off.
func (s *Simulator) cacheTTL() time.Duration {
	switch {
	case s.opts.InstanceCache < 0:
		return 0
	case s.opts.InstanceCache > 0:
		return s.scaled(s.opts.InstanceCache)
	default:
		return s.scaled(defaultInstanceCache)
	}
}

// Latency is a distribution of answer delays: uniform between Mean-Jitter
// and Mean+Jitter.
type Latency struct {
	Mean   time.Duration
	Jitter time.Duration
}

// ParseLatency reads a latency such as "150ms", "150ms±50ms" or
// "150ms+-50ms". The jitter may not exceed the mean.
func ParseLatency(s string) (Latency, error) {
	s = strings.TrimSpace(s)
	if s == "" || s == "0" {
		return Latency{}, nil
	}
	mean, jitter, hasJitter := strings.Cut(s, "±")
	if !hasJitter {
		mean, jitter, hasJitter = strings.Cut(s, "+-")
	}
	var l Latency
	var err error
	if l.Mean, err = time.ParseDuration(strings.TrimSpace(mean)); err != nil {
		return Latency{}, fmt.Errorf("latency %q: %w", s, err)
	}
	if hasJitter {
		if l.Jitter, err = time.ParseDuration(strings.TrimSpace(jitter)); err != nil {
			return Latency{}, fmt.Errorf("latency %q: jitter: %w", s, err)
		}
	}
	if err := l.Validate(); err != nil {
		return Latency{}, err
	}
	return l, nil
}

// Validate checks that the delays are never negative.
func (l Latency) Validate() error {
	if l.Mean < 0 || l.Jitter < 0 {
		return fmt.Errorf("latency %s: durations must not be negative", l)
	}
	if l.Jitter > l.Mean {
		return fmt.Errorf("latency %s: the jitter must not exceed the mean", l)
	}
	return nil
}

// String writes the latency in the form ParseLatency reads.
func (l Latency) String() string {
	if l.Jitter == 0 {
		return l.Mean.String()
	}
	return l.Mean.String() + "±" + l.Jitter.String()
}

// delay draws one answer delay from Options.Latency.
func (s *Simulator) delay() time.Duration {
	l := s.opts.Latency
	if l.Mean == 0 {
		return 0
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if l.Jitter == 0 {
		return l.Mean
	}
	return l.Mean - l.Jitter + time.Duration(s.spread.Int64N(int64(2*l.Jitter)+1))
}

// sleep waits for d of real time, or until ctx ends.
func sleep(ctx context.Context, d time.Duration) {
	if d <= 0 {
		return
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
	case <-ctx.Done():
	}
}
