package tencentcloud

import (
	"context"
	"net/http"
	"reflect"
	"testing"
	"time"

	"golang.org/x/time/rate"
)

func TestThrottledCallsAreRetriedWithBackoff(t *testing.T) {
	ctx := context.Background()
	throttleFirst := func(code string, n int) func(int, recordedRequest) (int, string) {
		return func(i int, _ recordedRequest) (int, string) {
			if i < n {
				return http.StatusOK, errEnvelope(code, "Request frequency exceeded.", "throttled")
			}
			return http.StatusOK, okEnvelope(`"CertificateId":"new1"`)
		}
	}
	cases := []struct {
		name         string
		respond      func(int, recordedRequest) (int, string)
		retry        RetryOptions
		wantRequests int
		wantCode     string // "" means success
		wantBackoffs []time.Duration
	}{
		{
			name:         "The SSL throttling code is retried until the call succeeds",
			respond:      throttleFirst(CodeRateLimitExceeded, 2),
			retry:        RetryOptions{BaseDelay: 100 * time.Millisecond, MaxDelay: time.Second},
			wantRequests: 3,
			wantBackoffs: []time.Duration{100 * time.Millisecond, 200 * time.Millisecond},
		},
		{
			name:         "The public throttling code is retried too",
			respond:      throttleFirst("RequestLimitExceeded.UinLimitExceeded", 1),
			retry:        RetryOptions{BaseDelay: 100 * time.Millisecond},
			wantRequests: 2,
			wantBackoffs: []time.Duration{100 * time.Millisecond},
		},
		{
			name:         "Retries stop at the limit and return the throttling error",
			respond:      throttleFirst(CodeRateLimitExceeded, 100),
			retry:        RetryOptions{MaxRetries: 3, BaseDelay: 100 * time.Millisecond, MaxDelay: 300 * time.Millisecond},
			wantRequests: 4,
			wantCode:     CodeRateLimitExceeded,
			wantBackoffs: []time.Duration{100 * time.Millisecond, 200 * time.Millisecond, 300 * time.Millisecond},
		},
		{
			name:         "Retries can be disabled",
			respond:      throttleFirst(CodeRateLimitExceeded, 100),
			retry:        RetryOptions{MaxRetries: -1},
			wantRequests: 1,
			wantCode:     CodeRateLimitExceeded,
		},
		{
			name:         "Errors other than throttling are not retried",
			respond:      always(http.StatusOK, errEnvelope("InternalError", "boom", "r")),
			wantRequests: 1,
			wantCode:     "InternalError",
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			env := newTestEnv(t, tc.respond, func(o *FactoryOptions) {
				o.Retry = tc.retry
				o.RateLimit.Disabled = true
			})
			resp, err := env.api(t).Upload(ctx, UploadInput{CertificatePEM: "c"})
			if got := len(env.cloud.recorded()); got != tc.wantRequests {
				t.Errorf("%d requests, want %d", got, tc.wantRequests)
			}
			if tc.wantCode == "" {
				if err != nil || resp.CertificateID != "new1" {
					t.Fatalf("got %v, %v; want success", resp, err)
				}
			} else if Code(err) != tc.wantCode {
				t.Fatalf("error code %q, want %q (%v)", Code(err), tc.wantCode, err)
			}
			sleeps := env.clock.recordedSleeps()
			if len(sleeps) != len(tc.wantBackoffs) {
				t.Fatalf("slept %v, want %d backoffs", sleeps, len(tc.wantBackoffs))
			}
			for i, step := range tc.wantBackoffs {
				// Equal jitter: between half the step and the step.
				if sleeps[i] < step/2 || sleeps[i] > step {
					t.Errorf("backoff %d is %v, want within [%v, %v]", i, sleeps[i], step/2, step)
				}
			}
		})
	}
}

func TestThrottleBackoffStopsAtTheContextDeadline(t *testing.T) {
	env := newTestEnv(t, always(http.StatusOK, errEnvelope(CodeRateLimitExceeded, "slow down", "r")), func(o *FactoryOptions) {
		o.Retry = RetryOptions{BaseDelay: time.Minute}
		o.RateLimit.Disabled = true
	})
	ctx, cancel := context.WithDeadline(context.Background(), env.clock.Now().Add(10*time.Second))
	defer cancel()
	_, _, err := env.api(t).Tags(ctx, "c")
	if Code(err) != CodeRateLimitExceeded || Classify(err) != ClassThrottled {
		t.Fatalf("got %v, want the throttling error", err)
	}
	if n := len(env.cloud.recorded()); n != 1 {
		t.Errorf("%d requests, want 1: a backoff longer than the deadline must not be waited", n)
	}
}

func TestClientSideLimiterSpacesCallsPerCallerAndAction(t *testing.T) {
	ctx := context.Background()
	cases := []struct {
		name       string
		calls      func(t *testing.T, env *testEnv)
		wantSleeps []time.Duration
	}{
		{
			name: "Calls of a 10/s action are spaced 100ms apart",
			calls: func(t *testing.T, env *testEnv) {
				api := env.api(t)
				for range 3 {
					mustCall(t, func() error { _, _, err := api.Tags(ctx, "c"); return err })
				}
			},
			wantSleeps: []time.Duration{100 * time.Millisecond, 100 * time.Millisecond},
		},
		{
			name: "Different actions do not wait for each other",
			calls: func(t *testing.T, env *testEnv) {
				api := env.api(t)
				mustCall(t, func() error { _, _, err := api.Tags(ctx, "c"); return err })
				mustCall(t, func() error { _, err := api.Describe(ctx, "c"); return err })
			},
		},
		{
			name: "Different SecretIDs do not wait for each other",
			calls: func(t *testing.T, env *testEnv) {
				for _, id := range []string{"AKIDone", "AKIDtwo"} {
					api, err := env.factory.For(ctx, &Credentials{SecretID: id, SecretKey: testSecretKey})
					if err != nil {
						t.Fatal(err)
					}
					mustCall(t, func() error { _, _, err := api.Tags(ctx, "c"); return err })
				}
			},
		},
		{
			name: "A rotated key of the same SecretID shares the budget",
			calls: func(t *testing.T, env *testEnv) {
				for _, token := range []string{"", "rotated"} {
					api, err := env.factory.For(ctx, &Credentials{SecretID: testSecretID, SecretKey: testSecretKey, Token: token})
					if err != nil {
						t.Fatal(err)
					}
					mustCall(t, func() error { _, _, err := api.Tags(ctx, "c"); return err })
				}
			},
			wantSleeps: []time.Duration{100 * time.Millisecond},
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			env := newTestEnv(t, always(http.StatusOK, okEnvelope("")), nil)
			tc.calls(t, env)
			if got := env.clock.recordedSleeps(); !reflect.DeepEqual(got, tc.wantSleeps) {
				t.Errorf("slept %v, want %v", got, tc.wantSleeps)
			}
		})
	}
}

func TestClientSideLimiterOptions(t *testing.T) {
	ctx := context.Background()
	cases := []struct {
		name       string
		opts       RateLimitOptions
		wantSleeps []time.Duration
	}{
		{name: "A per-action override changes the spacing", opts: RateLimitOptions{Limits: map[string]rate.Limit{"DescribeCertificates": 4}}, wantSleeps: []time.Duration{250 * time.Millisecond, 250 * time.Millisecond}},
		{name: "A burst lets calls start together", opts: RateLimitOptions{Burst: 3}},
		{name: "A disabled limiter never waits", opts: RateLimitOptions{Disabled: true}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			env := newTestEnv(t, always(http.StatusOK, okEnvelope("")), func(o *FactoryOptions) { o.RateLimit = tc.opts })
			api := env.api(t)
			for range 3 {
				mustCall(t, func() error { _, _, err := api.Tags(ctx, "c"); return err })
			}
			if got := env.clock.recordedSleeps(); !reflect.DeepEqual(got, tc.wantSleeps) {
				t.Errorf("slept %v, want %v", got, tc.wantSleeps)
			}
		})
	}
}

func TestClientSideLimiterGivesUpWhenTheDeadlineIsTooNear(t *testing.T) {
	env := newTestEnv(t, always(http.StatusOK, okEnvelope("")), nil)
	api := env.api(t)
	mustCall(t, func() error { _, _, err := api.Tags(context.Background(), "c"); return err })

	ctx, cancel := context.WithDeadline(context.Background(), env.clock.Now().Add(10*time.Millisecond))
	defer cancel()
	_, _, err := api.Tags(ctx, "c")
	if Code(err) != CodeClientTimeout || Classify(err) != ClassTransient {
		t.Fatalf("got %v, want a timeout", err)
	}
	if n := len(env.cloud.recorded()); n != 1 {
		t.Errorf("%d requests, want 1", n)
	}
	// The abandoned reservation is returned, so the next call waits only
	// for the first call's spacing.
	mustCall(t, func() error { _, _, err := api.Tags(context.Background(), "c"); return err })
	if got := env.clock.recordedSleeps(); !reflect.DeepEqual(got, []time.Duration{100 * time.Millisecond}) {
		t.Errorf("slept %v, want [100ms]", got)
	}
}

func TestRetryOptionDefaults(t *testing.T) {
	cases := []struct {
		name string
		in   RetryOptions
		want RetryOptions
	}{
		{name: "Zero values take the defaults", in: RetryOptions{}, want: RetryOptions{MaxRetries: 4, BaseDelay: 500 * time.Millisecond, MaxDelay: 8 * time.Second, ReadRetries: 2}},
		{name: "A negative retry count disables retries", in: RetryOptions{MaxRetries: -1, ReadRetries: -1}, want: RetryOptions{MaxRetries: 0, BaseDelay: 500 * time.Millisecond, MaxDelay: 8 * time.Second}},
		{name: "A cap below the base is raised to the base", in: RetryOptions{MaxRetries: 2, BaseDelay: time.Second, MaxDelay: time.Millisecond}, want: RetryOptions{MaxRetries: 2, BaseDelay: time.Second, MaxDelay: time.Second, ReadRetries: 2}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if got := tc.in.withDefaults(); got != tc.want {
				t.Errorf("got %+v, want %+v", got, tc.want)
			}
		})
	}
}

func TestBackoffIsCappedForLargeRetryCounts(t *testing.T) {
	o := RetryOptions{BaseDelay: time.Hour, MaxDelay: 2 * time.Hour}.withDefaults()
	for retry := range 100 {
		if d := o.backoff(retry); d < 0 || d > 2*time.Hour {
			t.Fatalf("backoff(%d) = %v, outside [0, 2h]", retry, d)
		}
	}
}

func mustCall(t *testing.T, call func() error) {
	t.Helper()
	if err := call(); err != nil {
		t.Fatalf("call: %v", err)
	}
}

func TestRealClockSleepEndsWithTheContext(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := (realClock{}).Sleep(ctx, time.Hour); err != context.Canceled {
		t.Errorf("Sleep on a canceled context = %v, want context.Canceled", err)
	}
	if err := (realClock{}).Sleep(context.Background(), time.Nanosecond); err != nil {
		t.Errorf("Sleep(1ns) = %v", err)
	}
	if now := (realClock{}).Now(); time.Since(now) > time.Minute {
		t.Errorf("Now() = %v is not the current time", now)
	}
}

func TestRateShareAndDocumentedLimitsSetTheSpacing(t *testing.T) {
	ctx := context.Background()
	cases := []struct {
		name       string
		opts       RateLimitOptions
		call       func(API) error
		wantSleeps []time.Duration
	}{
		{
			name:       "A quarter share of a 10/s action spaces calls 400ms apart",
			opts:       RateLimitOptions{Share: 0.25},
			call:       func(api API) error { _, _, err := api.Tags(ctx, "c"); return err },
			wantSleeps: []time.Duration{400 * time.Millisecond, 400 * time.Millisecond},
		},
		{
			name:       "A share above 1 is the whole budget",
			opts:       RateLimitOptions{Share: 3},
			call:       func(api API) error { _, _, err := api.Tags(ctx, "c"); return err },
			wantSleeps: []time.Duration{100 * time.Millisecond, 100 * time.Millisecond},
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			env := newTestEnv(t, always(http.StatusOK, okEnvelope("")), func(o *FactoryOptions) { o.RateLimit = tc.opts })
			api := env.api(t)
			for range 3 {
				mustCall(t, func() error { return tc.call(api) })
			}
			if got := env.clock.recordedSleeps(); !reflect.DeepEqual(got, tc.wantSleeps) {
				t.Errorf("slept %v, want %v", got, tc.wantSleeps)
			}
		})
	}
	l := newLimiters(RateLimitOptions{Share: 0.5}, time.Hour)
	if got := l.limit("UploadUpdateCertificateInstance"); got != 10 {
		t.Errorf("half of a documented 20/s action is %v, want 10", got)
	}
}

func TestThrottlingHalvesTheSharedRateAndSuccessRestoresIt(t *testing.T) {
	ctx := context.Background()
	env := newTestEnv(t, func(i int, _ recordedRequest) (int, string) {
		if i < 2 {
			return http.StatusOK, errEnvelope(CodeRateLimitExceeded, "Request frequency exceeded.", "throttled")
		}
		return http.StatusOK, okEnvelope("")
	}, func(o *FactoryOptions) {
		o.Retry = RetryOptions{BaseDelay: time.Millisecond, MaxDelay: time.Millisecond}
	})
	api := env.api(t)
	mustCall(t, func() error { _, _, err := api.Tags(ctx, "c"); return err })
	b := env.factory.limiters.get(env.clock.Now(), limiterKey{caller: "id:" + testSecretID, action: "DescribeCertificates", region: ""})
	// Two throttled answers halve 10/s twice; the success gives back half a call per second.
	if got := b.limit(); got != 3 {
		t.Fatalf("rate after two throttled answers and a success is %v, want 3", got)
	}
	for range 20 {
		mustCall(t, func() error { _, _, err := api.Tags(ctx, "c"); return err })
	}
	if got := b.limit(); got != 10 {
		t.Errorf("rate after twenty successes is %v, want the configured 10", got)
	}
}

func TestAccessRegionIsTheRegionalEndpointsRegion(t *testing.T) {
	for host, want := range map[string]string{
		"ssl.ap-shanghai.tencentcloudapi.com":     "ap-shanghai",
		"ssl.ap-shanghai-fsi.tencentcloudapi.com": "ap-shanghai-fsi",
		"ssl.tencentcloudapi.com":                 "",
		"127.0.0.1:9000":                          "",
		"proxy.example.com/ssl.ap-beijing":        "",
	} {
		if got := accessRegion(host); got != want {
			t.Errorf("accessRegion(%q) = %q, want %q", host, got, want)
		}
	}
}

// limit is the bucket's current rate, read by tests.
func (b *bucket) limit() rate.Limit {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.rate
}
