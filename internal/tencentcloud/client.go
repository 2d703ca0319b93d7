package tencentcloud

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"net/http"
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

// invoke encodes req, calls action and decodes the Response object.
func invoke[Req, Resp any](ctx context.Context, c *client, action, region string, req *Req) (*Resp, error) {
	if req == nil {
		req = new(Req)
	}
	body, err := json.Marshal(req)
	if err != nil {
		return nil, &Error{Action: action, Code: CodeClientInvalidRequest, Message: "the request could not be encoded"}
	}
	resp := new(Resp)
	if err := c.call(ctx, action, region, body, resp); err != nil {
		return nil, err
	}
	return resp, nil
}

// call sends one action with client-side rate limiting, retrying throttled
// attempts with backoff, and records every attempt.
func (c *client) call(ctx context.Context, action, region string, body []byte, out any) error {
	retry := c.f.opts.Retry
	for attempt := 1; ; attempt++ {
		if err := c.f.limiters.wait(ctx, c.f.clock, c.caller, action); err != nil {
			return c.contextError(action, err)
		}
		start := c.f.clock.Now()
		requestID, err := c.send(ctx, action, region, body, out)
		c.record(ctx, callRecord{
			action: action, region: region, code: Code(err), requestID: requestID,
			attempt: attempt, duration: c.f.clock.Now().Sub(start),
		})
		if err == nil {
			return nil
		}
		if Classify(err) != ClassThrottled || attempt > retry.MaxRetries {
			return err
		}
		delay := retry.backoff(attempt - 1)
		c.logger(ctx).V(1).Info("Retrying throttled Tencent Cloud API call", "action", action, "code", Code(err), "delay", delay)
		if sleep(ctx, c.f.clock, delay) != nil {
			// The throttling error says more than the context's.
			return err
		}
	}
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

// ---- API methods ----

func (c *client) UploadCertificate(ctx context.Context, req *UploadCertificateRequest) (*UploadCertificateResponse, error) {
	return invoke[UploadCertificateRequest, UploadCertificateResponse](ctx, c, "UploadCertificate", "", req)
}

func (c *client) CheckCertificateExist(ctx context.Context, req *CheckCertificateExistRequest) (*CheckCertificateExistResponse, error) {
	return invoke[CheckCertificateExistRequest, CheckCertificateExistResponse](ctx, c, "CheckCertificateExist", "", req)
}

func (c *client) DescribeCertificateDetail(ctx context.Context, req *DescribeCertificateDetailRequest) (*DescribeCertificateDetailResponse, error) {
	return invoke[DescribeCertificateDetailRequest, DescribeCertificateDetailResponse](ctx, c, "DescribeCertificateDetail", "", req)
}

func (c *client) DescribeCertificates(ctx context.Context, req *DescribeCertificatesRequest) (*DescribeCertificatesResponse, error) {
	return invoke[DescribeCertificatesRequest, DescribeCertificatesResponse](ctx, c, "DescribeCertificates", "", req)
}

func (c *client) DeleteCertificate(ctx context.Context, req *DeleteCertificateRequest) (*DeleteCertificateResponse, error) {
	return invoke[DeleteCertificateRequest, DeleteCertificateResponse](ctx, c, "DeleteCertificate", "", req)
}

func (c *client) ModifyCertificatesExpiringNotificationSwitch(ctx context.Context, req *ModifyCertificatesExpiringNotificationSwitchRequest) (*ModifyCertificatesExpiringNotificationSwitchResponse, error) {
	return invoke[ModifyCertificatesExpiringNotificationSwitchRequest, ModifyCertificatesExpiringNotificationSwitchResponse](ctx, c, "ModifyCertificatesExpiringNotificationSwitch", "", req)
}

// DeployCertificateInstance is the only action sent with a region: the
// request's, else the factory's default.
func (c *client) DeployCertificateInstance(ctx context.Context, req *DeployCertificateInstanceRequest) (*DeployCertificateInstanceResponse, error) {
	region := c.f.opts.Region
	if req != nil && req.Region != "" {
		region = req.Region
	}
	return invoke[DeployCertificateInstanceRequest, DeployCertificateInstanceResponse](ctx, c, "DeployCertificateInstance", region, req)
}

func (c *client) DescribeHostDeployRecord(ctx context.Context, req *DescribeHostDeployRecordRequest) (*DescribeHostDeployRecordResponse, error) {
	return invoke[DescribeHostDeployRecordRequest, DescribeHostDeployRecordResponse](ctx, c, "DescribeHostDeployRecord", "", req)
}

func (c *client) DescribeHostDeployRecordDetail(ctx context.Context, req *DescribeHostDeployRecordDetailRequest) (*DescribeHostDeployRecordDetailResponse, error) {
	return invoke[DescribeHostDeployRecordDetailRequest, DescribeHostDeployRecordDetailResponse](ctx, c, "DescribeHostDeployRecordDetail", "", req)
}

func (c *client) DeployCertificateRecordRetry(ctx context.Context, req *DeployCertificateRecordRetryRequest) (*DeployCertificateRecordRetryResponse, error) {
	return invoke[DeployCertificateRecordRetryRequest, DeployCertificateRecordRetryResponse](ctx, c, "DeployCertificateRecordRetry", "", req)
}

func (c *client) DeployCertificateRecordRollback(ctx context.Context, req *DeployCertificateRecordRollbackRequest) (*DeployCertificateRecordRollbackResponse, error) {
	return invoke[DeployCertificateRecordRollbackRequest, DeployCertificateRecordRollbackResponse](ctx, c, "DeployCertificateRecordRollback", "", req)
}

func (c *client) UpdateCertificateInstance(ctx context.Context, req *UpdateCertificateInstanceRequest) (*UpdateCertificateInstanceResponse, error) {
	return invoke[UpdateCertificateInstanceRequest, UpdateCertificateInstanceResponse](ctx, c, "UpdateCertificateInstance", "", req)
}

func (c *client) DescribeHostUpdateRecord(ctx context.Context, req *DescribeHostUpdateRecordRequest) (*DescribeHostUpdateRecordResponse, error) {
	return invoke[DescribeHostUpdateRecordRequest, DescribeHostUpdateRecordResponse](ctx, c, "DescribeHostUpdateRecord", "", req)
}

func (c *client) DescribeHostUpdateRecordDetail(ctx context.Context, req *DescribeHostUpdateRecordDetailRequest) (*DescribeHostUpdateRecordDetailResponse, error) {
	return invoke[DescribeHostUpdateRecordDetailRequest, DescribeHostUpdateRecordDetailResponse](ctx, c, "DescribeHostUpdateRecordDetail", "", req)
}

func (c *client) UpdateCertificateRecordRetry(ctx context.Context, req *UpdateCertificateRecordRetryRequest) (*UpdateCertificateRecordRetryResponse, error) {
	return invoke[UpdateCertificateRecordRetryRequest, UpdateCertificateRecordRetryResponse](ctx, c, "UpdateCertificateRecordRetry", "", req)
}

func (c *client) UpdateCertificateRecordRollback(ctx context.Context, req *UpdateCertificateRecordRollbackRequest) (*UpdateCertificateRecordRollbackResponse, error) {
	return invoke[UpdateCertificateRecordRollbackRequest, UpdateCertificateRecordRollbackResponse](ctx, c, "UpdateCertificateRecordRollback", "", req)
}

func (c *client) UploadUpdateCertificateInstance(ctx context.Context, req *UploadUpdateCertificateInstanceRequest) (*UploadUpdateCertificateInstanceResponse, error) {
	return invoke[UploadUpdateCertificateInstanceRequest, UploadUpdateCertificateInstanceResponse](ctx, c, "UploadUpdateCertificateInstance", "", req)
}

func (c *client) DescribeHostUploadUpdateRecordDetail(ctx context.Context, req *DescribeHostUploadUpdateRecordDetailRequest) (*DescribeHostUploadUpdateRecordDetailResponse, error) {
	return invoke[DescribeHostUploadUpdateRecordDetailRequest, DescribeHostUploadUpdateRecordDetailResponse](ctx, c, "DescribeHostUploadUpdateRecordDetail", "", req)
}

func (c *client) DescribeDeployedResources(ctx context.Context, req *DescribeDeployedResourcesRequest) (*DescribeDeployedResourcesResponse, error) {
	return invoke[DescribeDeployedResourcesRequest, DescribeDeployedResourcesResponse](ctx, c, "DescribeDeployedResources", "", req)
}

func (c *client) DescribeHostClbInstanceList(ctx context.Context, req *DescribeHostClbInstanceListRequest) (*DescribeHostClbInstanceListResponse, error) {
	return invoke[DescribeHostClbInstanceListRequest, DescribeHostClbInstanceListResponse](ctx, c, "DescribeHostClbInstanceList", "", req)
}

func (c *client) DescribeHostCdnInstanceList(ctx context.Context, req *DescribeHostCdnInstanceListRequest) (*DescribeHostCdnInstanceListResponse, error) {
	return invoke[DescribeHostCdnInstanceListRequest, DescribeHostCdnInstanceListResponse](ctx, c, "DescribeHostCdnInstanceList", "", req)
}

func (c *client) DescribeHostTkeInstanceList(ctx context.Context, req *DescribeHostTkeInstanceListRequest) (*DescribeHostTkeInstanceListResponse, error) {
	return invoke[DescribeHostTkeInstanceListRequest, DescribeHostTkeInstanceListResponse](ctx, c, "DescribeHostTkeInstanceList", "", req)
}

func (c *client) DescribeHostTeoInstanceList(ctx context.Context, req *DescribeHostTeoInstanceListRequest) (*DescribeHostTeoInstanceListResponse, error) {
	return invoke[DescribeHostTeoInstanceListRequest, DescribeHostTeoInstanceListResponse](ctx, c, "DescribeHostTeoInstanceList", "", req)
}

func (c *client) DescribeHostWafInstanceList(ctx context.Context, req *DescribeHostWafInstanceListRequest) (*DescribeHostWafInstanceListResponse, error) {
	return invoke[DescribeHostWafInstanceListRequest, DescribeHostWafInstanceListResponse](ctx, c, "DescribeHostWafInstanceList", "", req)
}

func (c *client) DescribeHostLiveInstanceList(ctx context.Context, req *DescribeHostLiveInstanceListRequest) (*DescribeHostLiveInstanceListResponse, error) {
	return invoke[DescribeHostLiveInstanceListRequest, DescribeHostLiveInstanceListResponse](ctx, c, "DescribeHostLiveInstanceList", "", req)
}

func (c *client) DescribeHostVodInstanceList(ctx context.Context, req *DescribeHostVodInstanceListRequest) (*DescribeHostVodInstanceListResponse, error) {
	return invoke[DescribeHostVodInstanceListRequest, DescribeHostVodInstanceListResponse](ctx, c, "DescribeHostVodInstanceList", "", req)
}

func (c *client) DescribeHostDdosInstanceList(ctx context.Context, req *DescribeHostDdosInstanceListRequest) (*DescribeHostDdosInstanceListResponse, error) {
	return invoke[DescribeHostDdosInstanceListRequest, DescribeHostDdosInstanceListResponse](ctx, c, "DescribeHostDdosInstanceList", "", req)
}

func (c *client) DescribeHostCosInstanceList(ctx context.Context, req *DescribeHostCosInstanceListRequest) (*DescribeHostCosInstanceListResponse, error) {
	return invoke[DescribeHostCosInstanceListRequest, DescribeHostCosInstanceListResponse](ctx, c, "DescribeHostCosInstanceList", "", req)
}

func (c *client) DescribeHostApiGatewayInstanceList(ctx context.Context, req *DescribeHostApiGatewayInstanceListRequest) (*DescribeHostApiGatewayInstanceListResponse, error) {
	return invoke[DescribeHostApiGatewayInstanceListRequest, DescribeHostApiGatewayInstanceListResponse](ctx, c, "DescribeHostApiGatewayInstanceList", "", req)
}

func (c *client) DescribeHostLighthouseInstanceList(ctx context.Context, req *DescribeHostLighthouseInstanceListRequest) (*DescribeHostLighthouseInstanceListResponse, error) {
	return invoke[DescribeHostLighthouseInstanceListRequest, DescribeHostLighthouseInstanceListResponse](ctx, c, "DescribeHostLighthouseInstanceList", "", req)
}
