package tencentcloud

import (
	"sync"
	"time"
)

// DefaultIdleTTL is how long a client or rate limiter of one identity is kept after its last
// use when FactoryOptions.IdleTTL is zero. Tenants can name any number of credentials Secrets,
// so nothing per identity may be kept forever.
const DefaultIdleTTL = 30 * time.Minute

// idleCache maps keys to values and forgets values not used for ttl. Sweeps run on access, at
// most once per half ttl, so the cost is amortised and no goroutine is needed.
type idleCache[K comparable, V any] struct {
	ttl       time.Duration
	mu        sync.Mutex
	m         map[K]*idleEntry[V]
	nextSweep time.Time
}

type idleEntry[V any] struct {
	v        V
	lastUsed time.Time
}

func newIdleCache[K comparable, V any](ttl time.Duration) *idleCache[K, V] {
	if ttl <= 0 {
		ttl = DefaultIdleTTL
	}
	return &idleCache[K, V]{ttl: ttl, m: map[K]*idleEntry[V]{}}
}

// get returns the value of k, creating it with create when absent, and marks it used at now.
func (c *idleCache[K, V]) get(now time.Time, k K, create func() V) V {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.sweepLocked(now)
	e, ok := c.m[k]
	if !ok {
		e = &idleEntry[V]{v: create()}
		c.m[k] = e
	}
	e.lastUsed = now
	return e.v
}

// lookup returns the value of k, marking it used, without creating it.
func (c *idleCache[K, V]) lookup(now time.Time, k K) (V, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.sweepLocked(now)
	e, ok := c.m[k]
	if !ok {
		var zero V
		return zero, false
	}
	e.lastUsed = now
	return e.v, true
}

// put stores v under k, used at now.
func (c *idleCache[K, V]) put(now time.Time, k K, v V) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.sweepLocked(now)
	c.m[k] = &idleEntry[V]{v: v, lastUsed: now}
}

// deleteFunc removes the entries whose value matches.
func (c *idleCache[K, V]) deleteFunc(match func(V) bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for k, e := range c.m {
		if match(e.v) {
			delete(c.m, k)
		}
	}
}

func (c *idleCache[K, V]) sweepLocked(now time.Time) {
	if now.Before(c.nextSweep) {
		return
	}
	c.nextSweep = now.Add(c.ttl / 2)
	for k, e := range c.m {
		if now.Sub(e.lastUsed) >= c.ttl {
			delete(c.m, k)
		}
	}
}
