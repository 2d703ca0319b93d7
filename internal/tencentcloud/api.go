// Package tencentcloud is the operator's narrow, typed client for the Tencent
// Cloud SSL Certificate API (version 2019-12-05).
//
// Reconcilers depend on the API interface and obtain implementations from a
// Factory keyed by credentials. The implementation is built on the official
// SDK's common client (TC3-HMAC-SHA256 signing, credential providers) and adds
// client-side rate limiting, bounded retries of throttled calls, one error
// classification function, metrics and sanitized errors.
package tencentcloud

import "context"

// Service, Version and DefaultEndpoint identify the SSL API.
const (
	Service         = "ssl"
	Version         = "2019-12-05"
	DefaultEndpoint = "ssl.tencentcloudapi.com"
)

// API lists the SSL Certificate actions the operator uses. Every method
// returns the decoded Response object or an error; errors from the service
// are *Error values that Classify understands. A nil request is sent as a
// zero-valued one.
type API interface {
	// UploadCertificate uploads a certificate (chain) and optional private key.
	// With Repeatable=false a duplicate may return the existing ID in both
	// CertificateId and RepeatCertId, or fail with FailedOperation.CertificateExists.
	UploadCertificate(ctx context.Context, req *UploadCertificateRequest) (*UploadCertificateResponse, error)
	// CheckCertificateExist returns the ID of an identical certificate already
	// in the account, or an empty RepeatCertId.
	CheckCertificateExist(ctx context.Context, req *CheckCertificateExistRequest) (*CheckCertificateExistResponse, error)
	// DescribeCertificateDetail returns one certificate's details, including
	// its PEM content and private key.
	DescribeCertificateDetail(ctx context.Context, req *DescribeCertificateDetailRequest) (*DescribeCertificateDetailResponse, error)
	// DescribeCertificates lists certificates with filters and paging.
	DescribeCertificates(ctx context.Context, req *DescribeCertificatesRequest) (*DescribeCertificatesResponse, error)
	// DeleteCertificate deletes one certificate; with IsCheckResource it
	// becomes asynchronous and returns a TaskId.
	DeleteCertificate(ctx context.Context, req *DeleteCertificateRequest) (*DeleteCertificateResponse, error)
	// ModifyCertificatesExpiringNotificationSwitch turns expiry notifications
	// on (0) or off (1) for up to 50 certificates.
	ModifyCertificatesExpiringNotificationSwitch(ctx context.Context, req *ModifyCertificatesExpiringNotificationSwitchRequest) (*ModifyCertificatesExpiringNotificationSwitchResponse, error)

	// DeployCertificateInstance creates an asynchronous task deploying a
	// certificate to instances of one resource type. Region is sent as the
	// X-TC-Region header and is required for clb, waf, apigateway, cos,
	// lighthouse, tke, tse and tcb. DeployStatus 0 means a task was already
	// running and DeployRecordId is that task's ID.
	DeployCertificateInstance(ctx context.Context, req *DeployCertificateInstanceRequest) (*DeployCertificateInstanceResponse, error)
	// DescribeHostDeployRecord lists the deployment records of a certificate.
	DescribeHostDeployRecord(ctx context.Context, req *DescribeHostDeployRecordRequest) (*DescribeHostDeployRecordResponse, error)
	// DescribeHostDeployRecordDetail lists the per-target items of a
	// deployment record with success, failure and running counts.
	DescribeHostDeployRecordDetail(ctx context.Context, req *DescribeHostDeployRecordDetailRequest) (*DescribeHostDeployRecordDetailResponse, error)
	// DeployCertificateRecordRetry retries the failed items of a deployment
	// record, or one item.
	DeployCertificateRecordRetry(ctx context.Context, req *DeployCertificateRecordRetryRequest) (*DeployCertificateRecordRetryResponse, error)
	// DeployCertificateRecordRollback rolls back the successful items of a
	// finished deployment record and returns the new rollback record's ID.
	DeployCertificateRecordRollback(ctx context.Context, req *DeployCertificateRecordRollbackRequest) (*DeployCertificateRecordRollbackResponse, error)

	// UpdateCertificateInstance replaces OldCertificateId with a new
	// certificate on every bound resource of the given types. DeployRecordId
	// 0 means the task is still being created: repeat the same call.
	UpdateCertificateInstance(ctx context.Context, req *UpdateCertificateInstanceRequest) (*UpdateCertificateInstanceResponse, error)
	// DescribeHostUpdateRecord lists one-click update records.
	DescribeHostUpdateRecord(ctx context.Context, req *DescribeHostUpdateRecordRequest) (*DescribeHostUpdateRecordResponse, error)
	// DescribeHostUpdateRecordDetail lists an update record's items grouped
	// by resource type.
	DescribeHostUpdateRecordDetail(ctx context.Context, req *DescribeHostUpdateRecordDetailRequest) (*DescribeHostUpdateRecordDetailResponse, error)
	// UpdateCertificateRecordRetry retries the failed items of an update
	// record, or one item.
	UpdateCertificateRecordRetry(ctx context.Context, req *UpdateCertificateRecordRetryRequest) (*UpdateCertificateRecordRetryResponse, error)
	// UpdateCertificateRecordRollback rolls back the successful items of an
	// update record and returns the new rollback record's ID.
	UpdateCertificateRecordRollback(ctx context.Context, req *UpdateCertificateRecordRollbackRequest) (*UpdateCertificateRecordRollbackResponse, error)

	// UploadUpdateCertificateInstance replaces a certificate's content in
	// place (the ID is kept) and updates its bound CLB resources. It has the
	// same two-phase semantics as UpdateCertificateInstance.
	UploadUpdateCertificateInstance(ctx context.Context, req *UploadUpdateCertificateInstanceRequest) (*UploadUpdateCertificateInstanceResponse, error)
	// DescribeHostUploadUpdateRecordDetail returns one entry per pass
	// (deployment or rollback) of an in-place update record.
	DescribeHostUploadUpdateRecordDetail(ctx context.Context, req *DescribeHostUploadUpdateRecordDetailRequest) (*DescribeHostUploadUpdateRecordDetailResponse, error)

	// DescribeDeployedResources lists the resources of one type that use the
	// given certificates (at most 50).
	DescribeDeployedResources(ctx context.Context, req *DescribeDeployedResourcesRequest) (*DescribeDeployedResourcesResponse, error)

	// DescribeHostClbInstanceList lists CLB instances and listeners a
	// certificate can be deployed to.
	DescribeHostClbInstanceList(ctx context.Context, req *DescribeHostClbInstanceListRequest) (*DescribeHostClbInstanceListResponse, error)
	// DescribeHostCdnInstanceList lists CDN domains a certificate can be
	// deployed to.
	DescribeHostCdnInstanceList(ctx context.Context, req *DescribeHostCdnInstanceListRequest) (*DescribeHostCdnInstanceListResponse, error)
	// DescribeHostTkeInstanceList lists TKE clusters, namespaces and secrets a
	// certificate can be deployed to.
	DescribeHostTkeInstanceList(ctx context.Context, req *DescribeHostTkeInstanceListRequest) (*DescribeHostTkeInstanceListResponse, error)
	// DescribeHostTeoInstanceList lists EdgeOne hosts a certificate can be
	// deployed to.
	DescribeHostTeoInstanceList(ctx context.Context, req *DescribeHostTeoInstanceListRequest) (*DescribeHostTeoInstanceListResponse, error)
	// DescribeHostWafInstanceList lists WAF domains a certificate can be
	// deployed to.
	DescribeHostWafInstanceList(ctx context.Context, req *DescribeHostWafInstanceListRequest) (*DescribeHostWafInstanceListResponse, error)
	// DescribeHostLiveInstanceList lists live-streaming domains a certificate
	// can be deployed to.
	DescribeHostLiveInstanceList(ctx context.Context, req *DescribeHostLiveInstanceListRequest) (*DescribeHostLiveInstanceListResponse, error)
	// DescribeHostVodInstanceList lists VOD domains a certificate can be
	// deployed to.
	DescribeHostVodInstanceList(ctx context.Context, req *DescribeHostVodInstanceListRequest) (*DescribeHostVodInstanceListResponse, error)
	// DescribeHostDdosInstanceList lists anti-DDoS instances a certificate can
	// be deployed to.
	DescribeHostDdosInstanceList(ctx context.Context, req *DescribeHostDdosInstanceListRequest) (*DescribeHostDdosInstanceListResponse, error)
	// DescribeHostCosInstanceList lists COS bucket domains a certificate can
	// be deployed to.
	DescribeHostCosInstanceList(ctx context.Context, req *DescribeHostCosInstanceListRequest) (*DescribeHostCosInstanceListResponse, error)
	// DescribeHostApiGatewayInstanceList lists API Gateway services a
	// certificate can be deployed to.
	DescribeHostApiGatewayInstanceList(ctx context.Context, req *DescribeHostApiGatewayInstanceListRequest) (*DescribeHostApiGatewayInstanceListResponse, error)
	// DescribeHostLighthouseInstanceList lists Lighthouse instances a
	// certificate can be deployed to.
	DescribeHostLighthouseInstanceList(ctx context.Context, req *DescribeHostLighthouseInstanceListRequest) (*DescribeHostLighthouseInstanceListResponse, error)
}

// Factory builds API clients for a set of credentials. Implementations are
// safe for concurrent use.
type Factory interface {
	// For returns a client for creds; nil creds select the operator's default
	// credential chain (environment, TKE OIDC pod identity, CVM role).
	For(ctx context.Context, creds *Credentials) (API, error)
}
