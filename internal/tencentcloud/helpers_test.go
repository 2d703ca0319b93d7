package tencentcloud

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/go-logr/logr"
	"github.com/go-logr/logr/funcr"
	"github.com/prometheus/client_golang/prometheus"
)

// Test credentials. The key is shaped like a real one so the sanitizer's
// generic patterns are exercised, not only the exact-value replacement.
const (
	testSecretID  = "AKIDtestTESTtestTESTtestTESTtest1234"
	testSecretKey = "sKeY0123456789abcdefABCDEF0123456"
	testToken     = "tOkEn-session-0123456789abcdefghijklmnop"
	testPEMKey    = "-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7\n-----END PRIVATE KEY-----\n"
)

// secretFragments are substrings that must never appear in errors, logs or
// metric labels.
var secretFragments = []string{testSecretKey, testToken, "PRIVATE KEY", "MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7"}

func assertNoSecrets(t *testing.T, what, s string) {
	t.Helper()
	for _, frag := range secretFragments {
		if strings.Contains(s, frag) {
			t.Errorf("%s contains secret material %q:\n%s", what, frag, s)
		}
	}
}

// recordedRequest is one request seen by fakeCloud.
type recordedRequest struct {
	Action string
	Header http.Header
	Host   string
	Body   []byte
}

// fakeCloud is an httptest server answering with canned envelopes. It
// verifies every request's TC3-HMAC-SHA256 signature independently of the
// SDK.
type fakeCloud struct {
	t         *testing.T
	srv       *httptest.Server
	secretKey string

	mu       sync.Mutex
	requests []recordedRequest
	respond  func(n int, req recordedRequest) (status int, body string)
}

func newFakeCloud(t *testing.T, respond func(n int, req recordedRequest) (int, string)) *fakeCloud {
	t.Helper()
	fc := &fakeCloud{t: t, secretKey: testSecretKey, respond: respond}
	fc.srv = httptest.NewServer(http.HandlerFunc(fc.serve))
	t.Cleanup(fc.srv.Close)
	return fc
}

func (fc *fakeCloud) serve(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	req := recordedRequest{Action: r.Header.Get("X-TC-Action"), Header: r.Header.Clone(), Host: r.Host, Body: body}
	if err := verifyTC3(r, body, fc.secretKey); err != nil {
		fc.t.Errorf("%s: signature check failed: %v", req.Action, err)
	}
	fc.mu.Lock()
	n := len(fc.requests)
	fc.requests = append(fc.requests, req)
	fc.mu.Unlock()
	status, out := fc.respond(n, req)
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_, _ = io.WriteString(w, out)
}

func (fc *fakeCloud) recorded() []recordedRequest {
	fc.mu.Lock()
	defer fc.mu.Unlock()
	return append([]recordedRequest(nil), fc.requests...)
}

// okEnvelope wraps response fields (a JSON object body without braces) in a
// success envelope.
func okEnvelope(fields string) string {
	if fields != "" {
		fields += ","
	}
	return `{"Response":{` + fields + `"RequestId":"req-ok"}}`
}

func errEnvelope(code, message, requestID string) string {
	return fmt.Sprintf(`{"Response":{"Error":{"Code":%q,"Message":%q},"RequestId":%q}}`, code, message, requestID)
}

// always answers every request the same way.
func always(status int, body string) func(int, recordedRequest) (int, string) {
	return func(int, recordedRequest) (int, string) { return status, body }
}

// verifyTC3 recomputes the signature as the reference describes.
func verifyTC3(r *http.Request, body []byte, secretKey string) error {
	auth := r.Header.Get("Authorization")
	const prefix = "TC3-HMAC-SHA256 Credential="
	if !strings.HasPrefix(auth, prefix) {
		return fmt.Errorf("authorization %q does not start with %q", auth, prefix)
	}
	parts := strings.Split(strings.TrimPrefix(auth, prefix), ", ")
	if len(parts) != 3 || !strings.HasPrefix(parts[1], "SignedHeaders=") || !strings.HasPrefix(parts[2], "Signature=") {
		return fmt.Errorf("malformed authorization %q", auth)
	}
	scope := strings.SplitN(parts[0], "/", 2)
	ts, err := strconv.ParseInt(r.Header.Get("X-TC-Timestamp"), 10, 64)
	if err != nil {
		return fmt.Errorf("bad timestamp: %v", err)
	}
	date := time.Unix(ts, 0).UTC().Format(time.DateOnly)
	wantScope := date + "/ssl/tc3_request"
	if len(scope) != 2 || scope[1] != wantScope {
		return fmt.Errorf("credential scope %q, want %q", parts[0], wantScope)
	}
	signed := strings.TrimPrefix(parts[1], "SignedHeaders=")
	var canonHeaders strings.Builder
	for _, h := range strings.Split(signed, ";") {
		v := r.Header.Get(h)
		if h == "host" {
			v = r.Host
		}
		canonHeaders.WriteString(h + ":" + strings.ToLower(strings.TrimSpace(v)) + "\n")
	}
	canonical := strings.Join([]string{"POST", "/", "", canonHeaders.String(), signed, sha256Hex(body)}, "\n")
	stringToSign := strings.Join([]string{"TC3-HMAC-SHA256", strconv.FormatInt(ts, 10), wantScope, sha256Hex([]byte(canonical))}, "\n")
	want := tc3Signature(hmacSHA256([]byte("TC3"+secretKey), date), "ssl", stringToSign)
	if got := strings.TrimPrefix(parts[2], "Signature="); got != want {
		return fmt.Errorf("signature %s, want %s", got, want)
	}
	return nil
}

// tc3Signature continues the key derivation from SecretDate, as the reference's third signing step does.
func tc3Signature(secretDate []byte, service, stringToSign string) string {
	secretService := hmacSHA256(secretDate, service)
	secretSigning := hmacSHA256(secretService, "tc3_request")
	return hex.EncodeToString(hmacSHA256(secretSigning, stringToSign))
}

func hmacSHA256(key []byte, msg string) []byte {
	m := hmac.New(sha256.New, key)
	m.Write([]byte(msg))
	return m.Sum(nil)
}

func sha256Hex(b []byte) string {
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:])
}

// fakeClock advances its time by every sleep and records the sleeps. It
// starts at the real time so context deadlines derived from it also hold for
// the real HTTP calls.
type fakeClock struct {
	mu     sync.Mutex
	now    time.Time
	sleeps []time.Duration
}

func newFakeClock() *fakeClock {
	return &fakeClock{now: time.Now()}
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *fakeClock) Sleep(ctx context.Context, d time.Duration) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.sleeps = append(c.sleeps, d)
	c.now = c.now.Add(d)
	return nil
}

func (c *fakeClock) recordedSleeps() []time.Duration {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]time.Duration(nil), c.sleeps...)
}

// logBuffer collects funcr output at verbosity 1.
type logBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *logBuffer) logger() logr.Logger {
	return funcr.New(func(prefix, args string) {
		b.mu.Lock()
		defer b.mu.Unlock()
		b.buf.WriteString(prefix + " " + args + "\n")
	}, funcr.Options{Verbosity: 1})
}

func (b *logBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// testEnv is a factory wired to a fakeCloud with a fake clock, a private
// metrics registry and a captured log.
type testEnv struct {
	cloud   *fakeCloud
	clock   *fakeClock
	reg     *prometheus.Registry
	logs    *logBuffer
	factory *ClientFactory
}

func newTestEnv(t *testing.T, respond func(int, recordedRequest) (int, string), tweak func(*FactoryOptions)) *testEnv {
	t.Helper()
	env := &testEnv{cloud: newFakeCloud(t, respond), clock: newFakeClock(), reg: prometheus.NewRegistry(), logs: &logBuffer{}}
	metrics, err := NewMetrics(env.reg)
	if err != nil {
		t.Fatalf("NewMetrics: %v", err)
	}
	opts := FactoryOptions{
		Endpoint: env.cloud.srv.URL,
		Metrics:  metrics,
		Logger:   env.logs.logger(),
		Clock:    env.clock,
		Timeout:  5 * time.Second,
	}
	if tweak != nil {
		tweak(&opts)
	}
	env.factory = NewFactory(opts)
	return env
}

func (env *testEnv) api(t *testing.T) API {
	t.Helper()
	api, err := env.factory.For(context.Background(), &Credentials{SecretID: testSecretID, SecretKey: testSecretKey})
	if err != nil {
		t.Fatalf("For: %v", err)
	}
	return api
}

// byAction answers each action with its body in answers, and any other with an empty success.
func byAction(answers map[string]string) func(int, recordedRequest) (int, string) {
	return func(_ int, r recordedRequest) (int, string) {
		if body, ok := answers[r.Action]; ok {
			return http.StatusOK, body
		}
		return http.StatusOK, okEnvelope("")
	}
}
