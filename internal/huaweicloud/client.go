package huaweicloud

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/go-logr/logr"
	hccore "github.com/huaweicloud/huaweicloud-sdk-go-v3/core"
	"github.com/huaweicloud/huaweicloud-sdk-go-v3/core/auth/basic"
	"github.com/huaweicloud/huaweicloud-sdk-go-v3/core/config"
	"github.com/huaweicloud/huaweicloud-sdk-go-v3/core/def"
	"github.com/huaweicloud/huaweicloud-sdk-go-v3/core/exchange"
	"github.com/huaweicloud/huaweicloud-sdk-go-v3/core/sdkerr"
	apig "github.com/huaweicloud/huaweicloud-sdk-go-v3/services/apig/v2"
	"github.com/huaweicloud/huaweicloud-sdk-go-v3/services/apig/v2/model"
	apigregion "github.com/huaweicloud/huaweicloud-sdk-go-v3/services/apig/v2/region"
)

// DefaultTimeout bounds one HTTP call when FactoryOptions.Timeout is zero.
const DefaultTimeout = 30 * time.Second

// Action names, as Huawei's API Explorer names the calls; they label metrics and logs.
const (
	ActionShowGroup       = "ShowDetailsOfApiGroupV2"
	ActionShowCertificate = "ShowDetailsOfDomainNameCertificateV2"
	ActionAssociate       = "AssociateCertificateV2"
	ActionDisassociate    = "DisassociateCertificateV2"
)

// FactoryOptions configure a ClientFactory.
type FactoryOptions struct {
	// Endpoint overrides the regional endpoint https://apig.<region>.myhuaweicloud.com, for
	// example with a simulator's http://127.0.0.1:9100. It applies to every region.
	Endpoint string
	// Timeout bounds each HTTP call; default DefaultTimeout.
	Timeout time.Duration
	// Metrics records calls; nil records nothing.
	Metrics *Metrics
	// Logger receives a V(1) line per call when the context carries no logger.
	Logger logr.Logger
	// Transport is the HTTP transport; nil means a clone of http.DefaultTransport.
	Transport http.RoundTripper
}

// ClientFactory builds and caches clients per credentials and scope. A changed Secret yields a
// new client. It is safe for concurrent use.
type ClientFactory struct {
	opts FactoryOptions

	mu      sync.Mutex
	clients map[string]*client
}

var _ Factory = (*ClientFactory)(nil)

// NewFactory returns a factory for opts. An invalid Endpoint is reported by every For call.
func NewFactory(opts FactoryOptions) *ClientFactory {
	if opts.Timeout <= 0 {
		opts.Timeout = DefaultTimeout
	}
	if opts.Logger.GetSink() == nil {
		opts.Logger = logr.Discard()
	}
	if opts.Transport == nil {
		opts.Transport = http.DefaultTransport.(*http.Transport).Clone()
	}
	return &ClientFactory{opts: opts, clients: map[string]*client{}}
}

// For returns the client for creds in scope, building it on first use.
func (f *ClientFactory) For(_ context.Context, creds *Credentials, scope Scope) (API, error) {
	if creds == nil {
		env, err := CredentialsFromEnv()
		if err != nil {
			return nil, &Error{Code: CodeClientCredential, Message: "the operator's Huawei Cloud credentials: " + err.Error()}
		}
		creds = &env
	}
	if creds.AccessKey == "" || creds.SecretKey == "" {
		return nil, &Error{Code: CodeClientCredential, Message: "the credentials have an empty access key or secret key"}
	}
	if scope.Region == "" || scope.ProjectID == "" {
		return nil, &Error{Code: CodeClientInvalidInput, Message: "region and project ID are required"}
	}
	endpoint, err := f.endpoint(scope.Region)
	if err != nil {
		return nil, err
	}
	key := creds.identity() + "@" + endpoint + "/" + scope.ProjectID
	caller := creds.AccessKey + "@" + endpoint + "/" + scope.ProjectID

	f.mu.Lock()
	defer f.mu.Unlock()
	if c, ok := f.clients[key]; ok {
		return c, nil
	}
	// Drop clients of the same access key and scope, so replaced keys do not stay in memory.
	for k, c := range f.clients {
		if c.caller == caller {
			delete(f.clients, k)
		}
	}
	cred, err := basic.NewCredentialsBuilder().
		WithAk(creds.AccessKey).WithSk(creds.SecretKey).WithSecurityToken(creds.SecurityToken).
		WithProjectId(scope.ProjectID).SafeBuild()
	if err != nil {
		return nil, &Error{Code: CodeClientCredential, Message: sanitize(err.Error(), creds.SecretKey, creds.SecurityToken)}
	}
	// The SDK retries nothing; the controller's workqueue does, with backoff.
	httpConfig := config.DefaultHttpConfig().WithTimeout(f.opts.Timeout).WithRetries(0).WithHttpRoundTripper(f.opts.Transport)
	hc, err := apig.ApigClientBuilder().WithEndpoints([]string{endpoint}).WithCredential(cred).WithHttpConfig(httpConfig).SafeBuild()
	if err != nil {
		return nil, &Error{Code: CodeClientInvalidInput, Message: sanitize(err.Error(), creds.SecretKey, creds.SecurityToken)}
	}
	c := &client{f: f, hc: hc, caller: caller, secrets: []string{creds.SecretKey, creds.SecurityToken}, region: scope.Region}
	f.clients[key] = c
	return c, nil
}

func (f *ClientFactory) endpoint(region string) (string, error) {
	if f.opts.Endpoint == "" {
		// The SDK's region table (and its HUAWEICLOUD_SDK_REGION_APIG_* overrides); a region
		// newer than the SDK gets the same naming pattern.
		if r, err := apigregion.SafeValueOf(region); err == nil && len(r.Endpoints) > 0 {
			return r.Endpoints[0], nil
		}
		return "https://apig." + region + ".myhuaweicloud.com", nil
	}
	u, err := url.Parse(strings.TrimSuffix(f.opts.Endpoint, "/"))
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.User != nil {
		return "", &Error{Code: CodeClientInvalidInput, Message: "the endpoint must be an http or https URL with a host and no user information"}
	}
	return u.Scheme + "://" + u.Host, nil
}

// client implements API on the SDK's HcHttpClient.
type client struct {
	f       *ClientFactory
	hc      *hccore.HcHttpClient
	caller  string
	region  string
	secrets []string
}

// call runs one SDK request, records it, and turns failures into *Error.
func (c *client) call(ctx context.Context, action string, req any, reqDef *def.HttpRequestDef) (any, string, error) {
	if err := ctx.Err(); err != nil {
		return nil, "", err
	}
	exg := &exchange.SdkExchange{ApiReference: &exchange.ApiReference{}, Attributes: map[string]any{}}
	start := time.Now()
	resp, err := c.hc.SyncInvoke(req, reqDef, exg)
	ref := exg.ApiReference
	err = c.convert(err, ref)
	c.record(ctx, action, Code(err), ref.RequestId, time.Since(start))
	return resp, ref.RequestId, err
}

// convert maps an SDK failure to *Error; its text never reaches callers unsanitized.
func (c *client) convert(err error, ref *exchange.ApiReference) error {
	if err == nil {
		return nil
	}
	var sr *sdkerr.ServiceResponseError
	if errors.As(err, &sr) {
		id := sr.RequestId
		if id == "" {
			id = ref.RequestId
		}
		code := sr.ErrorCode
		if code == "" {
			code = fmt.Sprintf("HTTP%d", sr.StatusCode)
		}
		return &Error{Code: code, Message: sanitize(sr.ErrorMessage, c.secrets...), HTTPStatus: sr.StatusCode, RequestID: id}
	}
	if ref.StatusCode != 0 {
		// An answer arrived but did not decode.
		return &Error{Code: CodeClientBadResponse, Message: "the answer could not be read", HTTPStatus: ref.StatusCode, RequestID: ref.RequestId}
	}
	return &Error{Code: CodeClientConnection, Message: sanitize(err.Error(), c.secrets...), cause: err}
}

func (c *client) ResolveDomain(ctx context.Context, ref DomainRef) (*Domain, error) {
	req := &model.ShowDetailsOfApiGroupV2Request{InstanceId: ref.InstanceID, GroupId: ref.GroupID}
	out, requestID, err := c.call(ctx, ActionShowGroup, req, apig.GenReqDefForShowDetailsOfApiGroupV2())
	if err != nil {
		return nil, err
	}
	group := out.(*model.ShowDetailsOfApiGroupV2Response)
	if group.UrlDomains != nil {
		for _, d := range *group.UrlDomains {
			id, name := deref(d.Id), deref(d.Domain)
			// IDs are compared trimmed: the reference's own example has a leading space.
			if (ref.DomainID != "" && strings.TrimSpace(id) == ref.DomainID) ||
				(ref.URLDomain != "" && strings.EqualFold(name, ref.URLDomain)) {
				return &Domain{
					InstanceID: ref.InstanceID, GroupID: ref.GroupID, ID: strings.TrimSpace(id), URLDomain: name,
					CNAMEStatus: deref(d.CnameStatus), SSLID: deref(d.SslId), SSLName: deref(d.SslName),
				}, nil
			}
		}
	}
	what := ref.DomainID
	if what == "" {
		what = ref.URLDomain
	}
	return nil, &Error{Code: CodeDomainNotFound, HTTPStatus: http.StatusNotFound, RequestID: requestID,
		Message: fmt.Sprintf("The URL domain %s does not exist in group %s", what, ref.GroupID)}
}

func (c *client) DomainCertificate(ctx context.Context, d *Domain) (*Certificate, error) {
	if d.SSLID == "" {
		return nil, nil
	}
	req := &model.ShowDetailsOfDomainNameCertificateV2Request{InstanceId: d.InstanceID, GroupId: d.GroupID, DomainId: d.ID, CertificateId: d.SSLID}
	out, _, err := c.call(ctx, ActionShowCertificate, req, apig.GenReqDefForShowDetailsOfDomainNameCertificateV2())
	if err != nil {
		return nil, err
	}
	r := out.(*model.ShowDetailsOfDomainNameCertificateV2Response)
	cert := &Certificate{
		ID: deref(r.Id), Name: deref(r.Name), CommonName: deref(r.CommonName),
		SerialNumber: deref(r.SerialNumber), NotAfter: deref(r.NotAfter),
	}
	if r.San != nil {
		cert.SANs = append(cert.SANs, *r.San...)
	}
	return cert, nil
}

func (c *client) Bind(ctx context.Context, d *Domain, b BindRequest) (*Binding, error) {
	// cert_content is the certificate and private_key the key, as the field descriptions say;
	// the reference's request example has them the other way round.
	req := &model.AssociateCertificateV2Request{
		InstanceId: d.InstanceID, GroupId: d.GroupID, DomainId: d.ID,
		Body: &model.CertForm{Name: b.Name, CertContent: b.CertificatePEM, PrivateKey: string(b.PrivateKeyPEM)},
	}
	out, requestID, err := c.call(ctx, ActionAssociate, req, apig.GenReqDefForAssociateCertificateV2())
	if err != nil {
		return nil, err
	}
	r := out.(*model.AssociateCertificateV2Response)
	return &Binding{SSLID: r.SslId, SSLName: r.SslName, CNAMEStatus: r.Status.Value(), RequestID: requestID}, nil
}

func (c *client) Unbind(ctx context.Context, d *Domain, sslID string) error {
	req := &model.DisassociateCertificateV2Request{InstanceId: d.InstanceID, GroupId: d.GroupID, DomainId: d.ID, CertificateId: sslID}
	_, _, err := c.call(ctx, ActionDisassociate, req, apig.GenReqDefForDisassociateCertificateV2())
	return err
}

func deref[T any](p *T) T {
	var zero T
	if p == nil {
		return zero
	}
	return *p
}
