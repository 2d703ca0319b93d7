package tencentcloud

import (
	"context"
	"math/rand/v2"
	"time"

	"golang.org/x/time/rate"
)

// Clock is the time source for rate limiting and retry backoff. Tests inject
// one that records sleeps instead of waiting.
type Clock interface {
	Now() time.Time
	// Sleep waits for d or until ctx is done, returning ctx.Err() then.
	Sleep(ctx context.Context, d time.Duration) error
}

type realClock struct{}

func (realClock) Now() time.Time { return time.Now() }

func (realClock) Sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// sleep waits for d, failing at once when ctx would expire first so no
// time is spent on a wait that cannot end in a call.
func sleep(ctx context.Context, clk Clock, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	if deadline, ok := ctx.Deadline(); ok && clk.Now().Add(d).After(deadline) {
		return context.DeadlineExceeded
	}
	return clk.Sleep(ctx, d)
}

// defaultActionLimit is the documented rate of every action the operator calls: 10 calls
// per second.
const defaultActionLimit rate.Limit = 10

// RateLimitOptions configure the client-side limiter, which spaces calls per
// (caller, action) to the documented limits instead of being throttled.
type RateLimitOptions struct {
	// Disabled turns client-side limiting off.
	Disabled bool
	// Burst is how many calls may start at once; default 1, which keeps
	// every one-second window within the documented limit.
	Burst int
	// Limits overrides the calls per second of the named actions.
	Limits map[string]rate.Limit
}

type limiterKey struct {
	caller string
	action string
}

// limiters holds one token bucket per (caller, action). The caller is the
// SecretID, the dimension the service throttles on, so a rotated key or
// token keeps its budget. Buckets idle for the cache's TTL are dropped: by
// then they are full again, so a new one behaves the same.
type limiters struct {
	opts RateLimitOptions
	m    *idleCache[limiterKey, *rate.Limiter]
}

func newLimiters(opts RateLimitOptions, idleTTL time.Duration) *limiters {
	if opts.Burst < 1 {
		opts.Burst = 1
	}
	return &limiters{opts: opts, m: newIdleCache[limiterKey, *rate.Limiter](idleTTL)}
}

func (l *limiters) get(now time.Time, caller, action string) *rate.Limiter {
	return l.m.get(now, limiterKey{caller: caller, action: action}, func() *rate.Limiter {
		return rate.NewLimiter(l.limit(action), l.opts.Burst)
	})
}

func (l *limiters) limit(action string) rate.Limit {
	if r, ok := l.opts.Limits[action]; ok {
		return r
	}
	return defaultActionLimit
}

// wait blocks until the caller may call action, or ctx ends.
func (l *limiters) wait(ctx context.Context, clk Clock, caller, action string) error {
	if l.opts.Disabled {
		return nil
	}
	now := clk.Now()
	lim := l.get(now, caller, action)
	r := lim.ReserveN(now, 1)
	if !r.OK() {
		return context.DeadlineExceeded
	}
	if err := sleep(ctx, clk, r.DelayFrom(now)); err != nil {
		r.CancelAt(clk.Now())
		return err
	}
	return nil
}

// RetryOptions configure the retries of throttled calls. Other errors are
// returned at once for the caller's own backoff.
type RetryOptions struct {
	// MaxRetries is the number of retries after the first attempt; default
	// 4. A negative value disables retries.
	MaxRetries int
	// BaseDelay is the first backoff; default 500ms. It doubles per retry.
	BaseDelay time.Duration
	// MaxDelay caps the backoff; default 8s.
	MaxDelay time.Duration
	// ReadRetries is the number of retries of a read that failed transiently
	// (a 5xx, InternalError, a dropped connection); default 2. A negative
	// value disables them. Calls that change something are never retried here.
	ReadRetries int
}

func (o RetryOptions) withDefaults() RetryOptions {
	switch {
	case o.MaxRetries == 0:
		o.MaxRetries = 4
	case o.MaxRetries < 0:
		o.MaxRetries = 0
	}
	switch {
	case o.ReadRetries == 0:
		o.ReadRetries = 2
	case o.ReadRetries < 0:
		o.ReadRetries = 0
	}
	if o.BaseDelay <= 0 {
		o.BaseDelay = 500 * time.Millisecond
	}
	if o.MaxDelay <= 0 {
		o.MaxDelay = 8 * time.Second
	}
	if o.MaxDelay < o.BaseDelay {
		o.MaxDelay = o.BaseDelay
	}
	return o
}

// backoff returns the wait before retry number retry (0-based): exponential,
// capped, with "equal jitter" so concurrent callers spread out but never
// wait less than half the step.
func (o RetryOptions) backoff(retry int) time.Duration {
	d := o.BaseDelay
	for i := 0; i < retry && d < o.MaxDelay; i++ {
		d *= 2
	}
	d = min(d, o.MaxDelay)
	half := d / 2
	return half + rand.N(d-half+1)
}
