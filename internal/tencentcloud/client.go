package tencentcloud

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"strings"
	"sync"

	tccommon "github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/common"
	tcerr "github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/common/errors"
	tchttp "github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/common/http"
	"github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/common/profile"
)

// requestClient is sent in X-TC-RequestClient to identify the operator.
const requestClient = "tencent-cert-operator"

// client implements API on the SDK's common client. It holds one SDK client
// per region because the SDK fixes the X-TC-Region header per client.
type client struct {
	f      *ClientFactory
	cred   tccommon.CredentialIface
	caller string // rate-limit key

	mu  sync.Mutex
	sdk map[string]*tccommon.Client
}

var _ API = (*client)(nil)

func newClient(f *ClientFactory, cred tccommon.CredentialIface, caller string) *client {
	return &client{f: f, cred: cred, caller: caller, sdk: map[string]*tccommon.Client{}}
}

func (c *client) sdkClient(region string) *tccommon.Client {
	c.mu.Lock()
	defer c.mu.Unlock()
	if sc, ok := c.sdk[region]; ok {
		return sc
	}
	cpf := profile.NewClientProfile()
	cpf.HttpProfile.Endpoint = c.f.endpoint.host
	cpf.HttpProfile.Scheme = c.f.endpoint.scheme
	cpf.HttpProfile.ReqMethod = http.MethodPost
	cpf.HttpProfile.ReqTimeout = c.f.timeoutSeconds()
	cpf.Language = "en-US"
	cpf.DisableRegionBreaker = true
	// Throttling retries happen in call, with an injectable clock; network
	// failures go back to the caller.
	cpf.RateLimitExceededMaxRetries = 0
	cpf.NetworkFailureMaxRetries = 0
	sc := tccommon.NewCommonClient(c.cred, region, cpf).
		WithHttpTransport(statusTransport{base: c.f.transport}).
		WithRequestClient(requestClient)
	c.sdk[region] = sc
	return sc
}

// invoke encodes req, calls action and decodes the Response object into a Resp.
func invoke[Resp any](ctx context.Context, c *client, action, region string, req any) (Resp, error) {
	var resp Resp
	body, err := json.Marshal(req)
	if err != nil {
		return resp, &Error{Action: action, Code: CodeClientInvalidRequest, Message: "the request could not be encoded"}
	}
	if err := c.call(ctx, action, region, body, &resp); err != nil {
		var zero Resp
		return zero, err
	}
	return resp, nil
}

// call sends one action with client-side rate limiting, retrying throttled
// attempts with backoff, and records every attempt. Transient failures of
// reads are retried too, since a read is safe to repeat; those of calls that
// change something go back to the caller, whose record machine knows how to
// repeat them safely.
func (c *client) call(ctx context.Context, action, region string, body []byte, out any) error {
	retry := c.f.opts.Retry
	for attempt := 1; ; attempt++ {
		b, err := c.f.limiters.wait(ctx, c.f.clock, limiterKey{caller: c.caller, action: action, region: c.f.access})
		if err != nil {
			return c.contextError(action, err)
		}
		start := c.f.clock.Now()
		requestID, err := c.send(ctx, action, region, body, out)
		if b != nil {
			if Classify(err) == ClassThrottled {
				b.throttled(c.f.clock.Now())
			} else if err == nil {
				b.succeeded(c.f.clock.Now())
			}
		}
		c.record(ctx, callRecord{
			action: action, region: region, code: Code(err), requestID: requestID,
			attempt: attempt, duration: c.f.clock.Now().Sub(start),
		})
		if err == nil {
			return nil
		}
		class := Classify(err)
		retryable := class == ClassThrottled || class == ClassTransient && readOnly(action) && attempt <= retry.ReadRetries
		if !retryable || attempt > retry.MaxRetries {
			return err
		}
		delay := retry.backoff(attempt - 1)
		c.logger(ctx).V(1).Info("Retrying Tencent Cloud API call", "action", action, "code", Code(err), "delay", delay)
		if sleep(ctx, c.f.clock, delay) != nil {
			// The throttling error says more than the context's.
			return err
		}
	}
}

// readOnly reports whether action only reads.
func readOnly(action string) bool {
	return strings.HasPrefix(action, "Describe") || strings.HasPrefix(action, "Check")
}

// send performs one HTTP exchange through the SDK and decodes the result.
// It returns the RequestId when the service produced one.
func (c *client) send(ctx context.Context, action, region string, body []byte, out any) (string, error) {
	if c.f.opts.Timeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, c.f.opts.Timeout)
		defer cancel()
	}
	status := new(int)
	ctx = context.WithValue(ctx, statusKey{}, status)

	req := &sdkRequest{BaseRequest: &tchttp.BaseRequest{}, body: body}
	req.Init().WithApiInfo(Service, Version, action)
	req.SetContext(ctx)
	resp := &rawResponse{}

	if err := c.sdkClient(region).Send(req, resp); err != nil {
		e := c.toError(action, err, *status)
		return e.RequestID, e
	}
	return decodeResponse(action, resp.body, out)
}

// decodeResponse unwraps {"Response": {...}} into out.
func decodeResponse(action string, body []byte, out any) (string, error) {
	var env struct {
		Response json.RawMessage `json:"Response"`
	}
	if err := json.Unmarshal(body, &env); err != nil || len(env.Response) == 0 || bytes.Equal(env.Response, []byte("null")) {
		return "", &Error{Action: action, Code: CodeClientParse, Message: "the response has no Response object"}
	}
	var meta struct {
		RequestId string `json:"RequestId"`
	}
	_ = json.Unmarshal(env.Response, &meta)
	if err := json.Unmarshal(env.Response, out); err != nil {
		// The decoder's message names a field and type, never a value.
		return meta.RequestId, &Error{Action: action, Code: CodeClientParse, RequestID: meta.RequestId,
			Message: sanitize("the response could not be decoded: " + err.Error())}
	}
	return meta.RequestId, nil
}

// toError converts an SDK or transport error into a sanitized *Error.
func (c *client) toError(action string, err error, status int) *Error {
	if errors.Is(err, context.DeadlineExceeded) || errors.Is(err, context.Canceled) {
		return c.contextError(action, err)
	}
	_, key, token := c.cred.GetCredential()
	e := &Error{Action: action, Code: CodeClientUnknown, cause: err}
	var sdkErr *tcerr.TencentCloudSDKError
	if !errors.As(err, &sdkErr) {
		e.Message = sanitize(err.Error(), key, token)
		return e
	}
	e.Code, e.RequestID = sdkErr.Code, sdkErr.RequestId
	switch {
	case status != 0 && status != http.StatusOK && (e.Code == CodeClientParse || e.Code == CodeClientHTTPStatus):
		// The SDK quotes the whole body in these messages; keep the status only.
		e.Code, e.HTTPStatus, e.Message = CodeClientHTTPStatus, status, httpStatusMessage(status)
	case e.Code == CodeClientParse:
		e.Message = "the response is not valid JSON"
	case e.Code == CodeClientNetwork && errors.Unwrap(sdkErr) != nil:
		e.Message = sanitize(errors.Unwrap(sdkErr).Error(), key, token)
	default:
		e.Message = sanitize(sdkErr.Message, key, token)
	}
	return e
}

func (c *client) contextError(action string, err error) *Error {
	if errors.Is(err, context.Canceled) {
		return &Error{Action: action, Code: CodeClientCanceled, Message: "the request was canceled", cause: err}
	}
	return &Error{Action: action, Code: CodeClientTimeout, Message: "the request timed out", cause: err}
}

// sdkRequest is a request whose JSON body is already encoded, so field names
// and types on the wire are exactly those of our request types.
type sdkRequest struct {
	*tchttp.BaseRequest
	body []byte
}

// MarshalJSON returns the pre-encoded body; the SDK signs and sends it.
func (r *sdkRequest) MarshalJSON() ([]byte, error) { return r.body, nil }

// rawResponse keeps the response body for decoding with encoding/json; the
// SDK has already turned error envelopes into errors.
type rawResponse struct {
	tchttp.BaseResponse
	body []byte
}

// UnmarshalJSON stores a copy of the body.
func (r *rawResponse) UnmarshalJSON(b []byte) error {
	r.body = append([]byte(nil), b...)
	return nil
}

type statusKey struct{}

// statusTransport records the HTTP status in the request context so errors
// can report it without the SDK's body-quoting message.
type statusTransport struct{ base http.RoundTripper }

func (t statusTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	resp, err := t.base.RoundTrip(r)
	if resp != nil {
		if p, ok := r.Context().Value(statusKey{}).(*int); ok {
			*p = resp.StatusCode
		}
	}
	return resp, err
}
