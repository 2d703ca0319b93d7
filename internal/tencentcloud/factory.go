package tencentcloud

import (
	"context"
	"fmt"
	"math"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/go-logr/logr"
	tccommon "github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/common"
)

// DefaultTimeout bounds one HTTP attempt when FactoryOptions.Timeout is zero.
const DefaultTimeout = 30 * time.Second

// FactoryOptions configure a ClientFactory. The zero value talks to the
// public endpoint with the operator's default credential chain.
type FactoryOptions struct {
	// Endpoint overrides DefaultEndpoint. It is a URL with scheme
	// ("http://127.0.0.1:8080" for the simulator) or a bare host, which
	// means HTTPS.
	Endpoint string
	// Region is the default region, sent only by DeployCertificateInstance
	// when its request has none.
	Region string
	// Timeout bounds each HTTP attempt; default DefaultTimeout.
	Timeout time.Duration
	// Metrics records requests; nil records nothing.
	Metrics *Metrics
	// Logger receives V(1) lines per request when the context carries no
	// logger.
	Logger logr.Logger
	// RateLimit configures client-side rate limiting.
	RateLimit RateLimitOptions
	// Retry configures retries of throttled calls.
	Retry RetryOptions
	// DefaultCredentials replaces the default chain used for nil
	// credentials; nil means DefaultProvider().
	DefaultCredentials tccommon.Provider
	// Transport is the base HTTP transport; nil means a clone of
	// http.DefaultTransport.
	Transport http.RoundTripper
	// Clock drives rate limiting and backoff; nil means the real clock.
	Clock Clock
	// IdleTTL is how long the client and rate limiters of one identity are kept after their
	// last use; default DefaultIdleTTL.
	IdleTTL time.Duration
}

// ClientFactory builds and caches API clients. Clients are cached per
// credential identity (a digest of id, key and token) and endpoint, so a
// changed Secret yields a new client; clients idle for FactoryOptions.IdleTTL
// are dropped. It is safe for concurrent use.
type ClientFactory struct {
	opts        FactoryOptions
	endpoint    endpoint
	endpointErr error
	// access is the endpoint's access region, part of the key Tencent throttles on.
	access    string
	transport http.RoundTripper
	clock     Clock
	limiters  *limiters

	// mu serialises the replacement of a SecretID's clients.
	mu      sync.Mutex
	clients *idleCache[string, *client]
}

var _ Factory = (*ClientFactory)(nil)

// NewFactory returns a factory for opts. An invalid Endpoint is reported by
// every For call.
func NewFactory(opts FactoryOptions) *ClientFactory {
	if opts.Timeout <= 0 {
		opts.Timeout = DefaultTimeout
	}
	if opts.Logger.GetSink() == nil {
		opts.Logger = logr.Discard()
	}
	opts.Retry = opts.Retry.withDefaults()
	f := &ClientFactory{
		opts:      opts,
		transport: opts.Transport,
		clock:     opts.Clock,
		limiters:  newLimiters(opts.RateLimit, opts.IdleTTL),
		clients:   newIdleCache[string, *client](opts.IdleTTL),
	}
	f.endpoint, f.endpointErr = parseEndpoint(opts.Endpoint)
	f.access = accessRegion(f.endpoint.host)
	if f.transport == nil {
		f.transport = http.DefaultTransport.(*http.Transport).Clone()
	}
	if f.clock == nil {
		f.clock = realClock{}
	}
	return f
}

// For returns the cached client for creds, building it on first use. Nil
// creds select the default chain (FactoryOptions.DefaultCredentials), which
// is resolved once; role credentials refresh themselves.
func (f *ClientFactory) For(_ context.Context, creds *Credentials) (API, error) {
	if f.endpointErr != nil {
		return nil, f.endpointErr
	}
	if creds == nil {
		return f.forDefault()
	}
	if creds.SecretID == "" || creds.SecretKey == "" {
		return nil, &Error{Code: CodeClientCredential, Message: "the credentials have an empty SecretID or SecretKey"}
	}
	key := creds.Identity() + "@" + f.endpoint.String()
	caller := "id:" + creds.SecretID

	f.mu.Lock()
	defer f.mu.Unlock()
	now := f.clock.Now()
	if c, ok := f.clients.lookup(now, key); ok {
		return c, nil
	}
	// Drop clients of the same SecretID so replaced keys and tokens do not
	// stay in memory.
	f.clients.deleteFunc(func(c *client) bool { return c.caller == caller })
	c := newClient(f, tccommon.NewTokenCredential(creds.SecretID, creds.SecretKey, creds.Token), caller)
	f.clients.put(now, key, c)
	return c, nil
}

const defaultCaller = "default"

func (f *ClientFactory) forDefault() (API, error) {
	provider := f.opts.DefaultCredentials
	if provider == nil {
		provider = DefaultProvider()
	}
	return f.forProvider(defaultCaller, "default credential chain", provider)
}

// forProvider returns the cached client of caller, resolving provider once when there is
// none. what names the provider in errors.
func (f *ClientFactory) forProvider(caller, what string, provider tccommon.Provider) (API, error) {
	key := caller + "@" + f.endpoint.String()
	if c, ok := f.clients.lookup(f.clock.Now(), key); ok {
		return c, nil
	}
	// Resolved outside the lock: providers may call the metadata service or STS.
	cred, err := provider.GetCredential()
	if err != nil {
		return nil, &Error{Code: CodeClientCredential, Message: sanitize(what + ": " + err.Error()), cause: err}
	}
	if cred == nil || cred.GetSecretId() == "" {
		return nil, &Error{Code: CodeClientCredential, Message: what + " returned an empty SecretID"}
	}
	return f.clients.get(f.clock.Now(), key, func() *client { return newClient(f, cred, caller) }), nil
}

func (f *ClientFactory) timeoutSeconds() int {
	return int(math.Ceil(f.opts.Timeout.Seconds()))
}

// endpoint is where requests go, in the SDK's terms.
type endpoint struct {
	scheme string // "http" or "https"
	host   string // host[:port][/path]
}

func (e endpoint) String() string { return e.scheme + "://" + e.host }

// accessRegion is the region of a regional endpoint, ssl.<region>.tencentcloudapi.com. Any
// other host, the nearest-region endpoint or a simulator, has one access region of its own.
func accessRegion(host string) string {
	h, _, _ := strings.Cut(host, "/")
	if r, ok := strings.CutPrefix(h, Service+"."); ok {
		if r, ok = strings.CutSuffix(r, ".tencentcloudapi.com"); ok && r != "" && !strings.Contains(r, ".") {
			return r
		}
	}
	return ""
}

func parseEndpoint(s string) (endpoint, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return endpoint{scheme: "https", host: DefaultEndpoint}, nil
	}
	if !strings.Contains(s, "://") {
		return endpoint{scheme: "https", host: strings.TrimSuffix(s, "/")}, nil
	}
	u, err := url.Parse(s)
	if err != nil {
		return endpoint{}, &Error{Code: CodeClientInvalidRequest, Message: "the endpoint is not a valid URL"}
	}
	scheme := strings.ToLower(u.Scheme)
	if scheme != "http" && scheme != "https" {
		return endpoint{}, &Error{Code: CodeClientInvalidRequest, Message: fmt.Sprintf("the endpoint scheme %q is not http or https", u.Scheme)}
	}
	if u.Host == "" {
		return endpoint{}, &Error{Code: CodeClientInvalidRequest, Message: "the endpoint has no host"}
	}
	if u.User != nil {
		return endpoint{}, &Error{Code: CodeClientInvalidRequest, Message: "the endpoint must not contain user information"}
	}
	return endpoint{scheme: scheme, host: u.Host + strings.TrimSuffix(u.Path, "/")}, nil
}
