// Package huaweicloud is the operator's narrow client for Huawei Cloud API Gateway (APIG)
// dedicated instances: it reads which certificate a custom domain serves, binds a certificate
// to it and unbinds it.
//
// Reconcilers depend on the API interface and obtain implementations from a Factory keyed by
// credentials, region and project. The implementation is built on Huawei's official Go SDK
// (github.com/huaweicloud/huaweicloud-sdk-go-v3): its AK/SK signing (SDK-HMAC-SHA256), its
// endpoints and its APIG v2 models. This package adds one error classification function,
// metrics and sanitized errors.
package huaweicloud

import (
	"context"

	"github.com/certsync/tencent-cert-operator/internal/certs"
)

// DomainRef names a custom domain of an API group: by ID, or by name (URLDomain).
type DomainRef struct {
	InstanceID string
	GroupID    string
	DomainID   string
	URLDomain  string
}

// Domain is a custom domain as APIG reports it.
type Domain struct {
	InstanceID string
	GroupID    string
	ID         string
	URLDomain  string
	// CNAMEStatus is 1 unresolved, 2 resolving, 3 resolved, 4 failed.
	CNAMEStatus int32
	// SSLID and SSLName name the bound certificate; both are empty when none is bound.
	SSLID   string
	SSLName string
}

// Certificate is what APIG reports about the certificate a domain serves. It carries no
// fingerprint: compare by SerialNumber.
type Certificate struct {
	ID           string
	Name         string
	CommonName   string
	SANs         []string
	SerialNumber string
	NotAfter     string
}

// BindRequest is the body of AssociateCertificateV2.
type BindRequest struct {
	// Name of the certificate in APIG (4 to 50 characters, starting with a letter).
	Name string
	// CertificatePEM is the leaf followed by its chain; sent as cert_content.
	CertificatePEM string
	// PrivateKeyPEM is the leaf's private key; sent as private_key.
	PrivateKeyPEM certs.Redacted
}

// Binding is APIG's answer to a bind.
type Binding struct {
	SSLID       string
	SSLName     string
	CNAMEStatus int32
	// RequestID is APIG's X-Request-Id of the call.
	RequestID string
}

// API lists the APIG calls the operator uses, in domain verbs. Errors from the service are
// *Error values that Classify understands.
type API interface {
	// ResolveDomain reads the API group (ShowDetailsOfApiGroupV2) and returns the custom domain
	// ref names, by ID or by name. A domain missing from the group answers an *Error with code
	// APIG.3020, as a bind to it would.
	ResolveDomain(ctx context.Context, ref DomainRef) (*Domain, error)
	// DomainCertificate returns the certificate d serves (ShowDetailsOfDomainNameCertificateV2),
	// or nil without a call when d.SSLID is empty.
	DomainCertificate(ctx context.Context, d *Domain) (*Certificate, error)
	// Bind binds a certificate and its key to d (AssociateCertificateV2, HTTP 201), replacing
	// the certificate it served.
	Bind(ctx context.Context, d *Domain, req BindRequest) (*Binding, error)
	// Unbind removes certificate sslID from d (DisassociateCertificateV2, HTTP 204).
	Unbind(ctx context.Context, d *Domain, sslID string) error
}

// Scope is where a client's calls go: a region's endpoint and a project.
type Scope struct {
	Region    string
	ProjectID string
}

// Factory builds API clients. Implementations are safe for concurrent use.
type Factory interface {
	// For returns a client for creds in scope; nil creds select the operator's environment
	// (HUAWEICLOUD_SDK_AK, HUAWEICLOUD_SDK_SK, HUAWEICLOUD_SDK_SECURITY_TOKEN).
	For(ctx context.Context, creds *Credentials, scope Scope) (API, error)
}
