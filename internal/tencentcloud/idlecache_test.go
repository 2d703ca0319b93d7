package tencentcloud

import (
	"context"
	"fmt"
	"testing"
	"time"
)

func TestIdleCacheEvictsOnlyIdleEntries(t *testing.T) {
	clk := newFakeClock()
	c := newIdleCache[string, int](10 * time.Minute)
	created := 0
	create := func() int { created++; return created }
	c.get(clk.Now(), "busy", create)
	c.get(clk.Now(), "idle", create)
	for range 4 {
		advance(t, clk, 4*time.Minute)
		c.get(clk.Now(), "busy", create)
	}
	if n := c.len(clk.Now()); n != 1 {
		t.Fatalf("%d entries after 16 minutes, want 1: the idle one is evicted, the busy one kept", n)
	}
	if v, ok := c.lookup(clk.Now(), "busy"); !ok || v != 1 {
		t.Errorf("busy entry = %d, %v; want the first value, never re-created", v, ok)
	}
	if _, ok := c.lookup(clk.Now(), "idle"); ok {
		t.Errorf("idle entry still cached")
	}
	if v := c.get(clk.Now(), "idle", create); v != 3 {
		t.Errorf("re-created idle entry = %d, want a new value", v)
	}
}

func TestFactoryForgetsClientsAndLimitersOfIdleCredentials(t *testing.T) {
	env := newTestEnv(t, always(200, okEnvelope("")), func(o *FactoryOptions) { o.IdleTTL = 10 * time.Minute })
	ctx := context.Background()
	use := func(id string) {
		t.Helper()
		api, err := env.factory.For(ctx, &Credentials{SecretID: id, SecretKey: testSecretKey})
		if err != nil {
			t.Fatal(err)
		}
		if err := api.MuteExpiry(ctx, []string{"cert"}); err != nil {
			t.Fatal(err)
		}
	}
	// Tenants come and go: 50 credentials Secrets, each used once.
	for i := range 50 {
		use(fmt.Sprintf("AKIDtenant%02d", i))
	}
	if n := env.factory.clients.len(env.clock.Now()); n != 50 {
		t.Fatalf("%d clients, want 50 while all are fresh", n)
	}
	// One tenant keeps working, the others go idle.
	for range 3 {
		advance(t, env.clock, 4*time.Minute)
		use("AKIDtenant07")
	}
	now := env.clock.Now()
	if n := env.factory.clients.len(now); n != 1 {
		t.Errorf("%d clients after 12 minutes, want 1: only the active tenant's", n)
	}
	if n := env.factory.limiters.m.len(now); n != 1 {
		t.Errorf("%d rate limiters after 12 minutes, want 1: only the active tenant's", n)
	}
	// An evicted tenant that comes back gets a working client.
	use("AKIDtenant01")
	if n := env.factory.clients.len(env.clock.Now()); n != 2 {
		t.Errorf("%d clients, want 2", n)
	}
}

func advance(t *testing.T, clk *fakeClock, d time.Duration) {
	t.Helper()
	if err := clk.Sleep(context.Background(), d); err != nil {
		t.Fatal(err)
	}
}

// len is the number of entries, evicting those idle at now first.
func (c *idleCache[K, V]) len(now time.Time) int {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.nextSweep = time.Time{}
	c.sweepLocked(now)
	return len(c.m)
}
