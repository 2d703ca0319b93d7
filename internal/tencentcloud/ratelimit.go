package tencentcloud

import (
	"context"
	"math/rand/v2"
	"sync"
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

// defaultActionLimit is the documented rate of most actions: 10 calls per second (§1.12).
const defaultActionLimit rate.Limit = 10

// documentedLimits are the actions whose documented rate differs from the default.
var documentedLimits = map[string]rate.Limit{
	"CheckCertificateChain":                 20,
	"DescribeHostUploadUpdateRecord":        20,
	"DescribeHostUploadUpdateRecordDetail":  20,
	"UploadUpdateCertificateInstance":       20,
	"UploadUpdateCertificateRecordRetry":    20,
	"UploadUpdateCertificateRecordRollback": 20,
}

// RateLimitOptions configure the client-side limiter, which spaces calls per (account, action,
// access region), the key Tencent throttles on, so that every worker of the process draws on
// one budget instead of being throttled.
type RateLimitOptions struct {
	// Disabled turns client-side limiting off.
	Disabled bool
	// Burst is how many calls may start at once; default 1, which keeps
	// every one-second window within the documented limit.
	Burst int
	// Limits overrides the calls per second of the named actions, before Share applies.
	Limits map[string]rate.Limit
	// Share is the fraction of each documented limit this process may use, in (0, 1]; 0
	// means 1. Operators in several clusters that share one account each take a share, so
	// that together they stay under the account's ceiling.
	Share float64
}

type limiterKey struct {
	caller string
	action string
	region string
}

// limiters holds one token bucket per (caller, action, access region). The caller is the
// SecretID, or the default chain's role, the account dimension the service throttles on, so a
// rotated key or token keeps its budget. Buckets idle for the cache's TTL are dropped: by then
// they are full again, so a new one behaves the same.
type limiters struct {
	opts RateLimitOptions
	m    *idleCache[limiterKey, *bucket]
}

// bucket is a token bucket whose rate adapts to throttling: a throttled answer means another
// process spends the same budget, so the rate halves, and each success gives back a twentieth
// of the configured rate. Processes that share an account without a configured Share thus
// settle near the ceiling together instead of retrying in lockstep.
type bucket struct {
	lim  *rate.Limiter
	max  rate.Limit
	mu   sync.Mutex
	rate rate.Limit
}

// minShare bounds how far adaptive backoff lowers a rate.
const minShare = 16

func (b *bucket) throttled(now time.Time) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.rate = max(b.rate/2, b.max/minShare)
	b.lim.SetLimitAt(now, b.rate)
}

func (b *bucket) succeeded(now time.Time) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.rate < b.max {
		b.rate = min(b.max, b.rate+b.max/20)
		b.lim.SetLimitAt(now, b.rate)
	}
}

func newLimiters(opts RateLimitOptions, idleTTL time.Duration) *limiters {
	if opts.Burst < 1 {
		opts.Burst = 1
	}
	if opts.Share <= 0 || opts.Share > 1 {
		opts.Share = 1
	}
	return &limiters{opts: opts, m: newIdleCache[limiterKey, *bucket](idleTTL)}
}

func (l *limiters) get(now time.Time, k limiterKey) *bucket {
	return l.m.get(now, k, func() *bucket {
		r := l.limit(k.action)
		return &bucket{lim: rate.NewLimiter(r, l.opts.Burst), max: r, rate: r}
	})
}

func (l *limiters) limit(action string) rate.Limit {
	r, ok := l.opts.Limits[action]
	if !ok {
		r, ok = documentedLimits[action]
	}
	if !ok {
		r = defaultActionLimit
	}
	return r * rate.Limit(l.opts.Share)
}

// wait blocks until the caller may call action, or ctx ends. It returns the bucket, nil when
// limiting is off, so that the call's outcome can adapt the rate.
func (l *limiters) wait(ctx context.Context, clk Clock, k limiterKey) (*bucket, error) {
	if l.opts.Disabled {
		return nil, nil
	}
	now := clk.Now()
	b := l.get(now, k)
	r := b.lim.ReserveN(now, 1)
	if !r.OK() {
		return nil, context.DeadlineExceeded
	}
	if err := sleep(ctx, clk, r.DelayFrom(now)); err != nil {
		r.CancelAt(clk.Now())
		return nil, err
	}
	return b, nil
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
