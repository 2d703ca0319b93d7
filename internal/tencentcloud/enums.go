package tencentcloud

import "slices"

// Resource types accepted by the deploy, update and listing actions.
const (
	ResourceTypeCLB        = "clb"
	ResourceTypeCDN        = "cdn"
	ResourceTypeDDoS       = "ddos"
	ResourceTypeLive       = "live"
	ResourceTypeVOD        = "vod"
	ResourceTypeWAF        = "waf"
	ResourceTypeAPIGateway = "apigateway"
	ResourceTypeTEO        = "teo"
	ResourceTypeTKE        = "tke"
	ResourceTypeCOS        = "cos"
	ResourceTypeLighthouse = "lighthouse"
	ResourceTypeTSE        = "tse"
	ResourceTypeTCB        = "tcb"
	// ResourceTypeAntiDDoS is the name DescribeDeployedResources uses for ddos.
	ResourceTypeAntiDDoS = "antiddos"
)

// Certificate types.
const (
	CertificateTypeServer = "SVR"
	CertificateTypeCA     = "CA"
)

// FilterKeyDomainMatch is the DescribeHost*InstanceList filter key; values
// are "1" (domains match the certificate) and "0".
const FilterKeyDomainMatch = "domainMatch"

// regionalDeployTypes need the Region header on DeployCertificateInstance.
var regionalDeployTypes = []string{
	ResourceTypeCLB, ResourceTypeWAF, ResourceTypeAPIGateway, ResourceTypeCOS,
	ResourceTypeLighthouse, ResourceTypeTKE, ResourceTypeTSE, ResourceTypeTCB,
}

// DeployNeedsRegion reports whether DeployCertificateInstance requires a
// Region for resourceType. An empty type means the default, clb.
func DeployNeedsRegion(resourceType string) bool {
	if resourceType == "" {
		resourceType = ResourceTypeCLB
	}
	return slices.Contains(regionalDeployTypes, resourceType)
}

// CertificateStatus is a certificate's lifecycle state (reference §4.1).
type CertificateStatus int64

// UnmarshalJSON accepts a number or a numeric string.
func (s *CertificateStatus) UnmarshalJSON(b []byte) error { return (*FlexInt)(s).UnmarshalJSON(b) }

// Certificate states.
const (
	// CertificateStatusReviewing means the certificate is under review.
	CertificateStatusReviewing CertificateStatus = 0
	// CertificateStatusIssued means approved and issued; uploaded certificates are in this state.
	CertificateStatusIssued CertificateStatus = 1
	// CertificateStatusReviewFailed means the review failed.
	CertificateStatusReviewFailed CertificateStatus = 2
	// CertificateStatusExpired means the certificate has expired.
	CertificateStatusExpired CertificateStatus = 3
	// CertificateStatusDNSRecordAdded means the validation DNS record was added automatically.
	CertificateStatusDNSRecordAdded CertificateStatus = 4
	// CertificateStatusEnterpriseInfoPending means an OV/EV certificate awaits information.
	CertificateStatusEnterpriseInfoPending CertificateStatus = 5
	// CertificateStatusCancelling means the order is being cancelled.
	CertificateStatusCancelling CertificateStatus = 6
	// CertificateStatusCancelled means the order was cancelled.
	CertificateStatusCancelled CertificateStatus = 7
	// CertificateStatusConfirmLetterPending means a confirmation letter must be uploaded.
	CertificateStatusConfirmLetterPending CertificateStatus = 8
	// CertificateStatusRevoking means revocation is in progress.
	CertificateStatusRevoking CertificateStatus = 9
	// CertificateStatusRevoked means the certificate was revoked.
	CertificateStatusRevoked CertificateStatus = 10
	// CertificateStatusReissuing means a reissue is in progress.
	CertificateStatusReissuing CertificateStatus = 11
	// CertificateStatusRevokeLetterPending means a revocation letter must be uploaded.
	CertificateStatusRevokeLetterPending CertificateStatus = 12
	// CertificateStatusFreeInfoPending means a free certificate awaits information.
	CertificateStatusFreeInfoPending CertificateStatus = 13
	// CertificateStatusRefunded means the order was refunded.
	CertificateStatusRefunded CertificateStatus = 14
	// CertificateStatusMigrating means a migration is in progress.
	CertificateStatusMigrating CertificateStatus = 15
)

// DetailStatus is the state of one deploy or update target (reference §4.3).
// It is also the state of an in-place update pass (DeployRecord.Status),
// which uses codes 0 to 5. The reference enumerates it only for update
// items; deploy items are read with the same codes.
type DetailStatus int64

// UnmarshalJSON accepts a number or a numeric string.
func (s *DetailStatus) UnmarshalJSON(b []byte) error { return (*FlexInt)(s).UnmarshalJSON(b) }

// Item states.
const (
	// DetailStatusPending means the item waits to be deployed.
	DetailStatusPending DetailStatus = 0
	// DetailStatusSuccess means the item was deployed; it can be rolled back.
	DetailStatusSuccess DetailStatus = 1
	// DetailStatusFailed means the item failed; it can be retried.
	DetailStatusFailed DetailStatus = 2
	// DetailStatusDeploying means the item is being deployed.
	DetailStatusDeploying DetailStatus = 3
	// DetailStatusRollbackSuccess means the item was rolled back.
	DetailStatusRollbackSuccess DetailStatus = 4
	// DetailStatusRollbackFailed means rolling the item back failed.
	DetailStatusRollbackFailed DetailStatus = 5
	// DetailStatusNoResource means there was nothing to deploy.
	DetailStatusNoResource DetailStatus = 6
)

// Done reports whether s is terminal. Unknown codes count as not done, so
// callers keep polling rather than act on a state they do not understand.
func (s DetailStatus) Done() bool {
	switch s {
	case DetailStatusSuccess, DetailStatusFailed, DetailStatusRollbackSuccess,
		DetailStatusRollbackFailed, DetailStatusNoResource:
		return true
	}
	return false
}

// RecordStatus is the state of a deployment record in DescribeHostDeployRecord.
// It has no "running" value; use the detail counts to tell whether a record
// is finished.
type RecordStatus int64

// UnmarshalJSON accepts a number or a numeric string.
func (s *RecordStatus) UnmarshalJSON(b []byte) error { return (*FlexInt)(s).UnmarshalJSON(b) }

// Record states.
const (
	// RecordStatusNotStarted means the record has not started (or is running).
	RecordStatusNotStarted RecordStatus = 0
	// RecordStatusSuccess means the record succeeded.
	RecordStatusSuccess RecordStatus = 1
	// RecordStatusFailed means the record failed.
	RecordStatusFailed RecordStatus = 2
)

// DeployStatus says whether a deploy or update call created a task.
type DeployStatus int64

// UnmarshalJSON accepts a number or a numeric string.
func (s *DeployStatus) UnmarshalJSON(b []byte) error { return (*FlexInt)(s).UnmarshalJSON(b) }

// Task creation outcomes.
const (
	// DeployStatusExisting means a task was already in progress and no new
	// one was created; DeployRecordId is the running task's ID.
	DeployStatusExisting DeployStatus = 0
	// DeployStatusCreated means a new task was created.
	DeployStatusCreated DeployStatus = 1
)

// PassType tells a deployment pass from a rollback pass of an in-place update.
type PassType int64

// UnmarshalJSON accepts a number or a numeric string.
func (t *PassType) UnmarshalJSON(b []byte) error { return (*FlexInt)(t).UnmarshalJSON(b) }

// Pass types.
const (
	// PassTypeDeploy is the original deployment.
	PassTypeDeploy PassType = 0
	// PassTypeRollback is a rollback.
	PassTypeRollback PassType = 1
)

// SyncStatus is the progress of the task-creation phase of an update
// (UpdateSyncProgress). The reference defines no value 2.
type SyncStatus int64

// UnmarshalJSON accepts a number or a numeric string.
func (s *SyncStatus) UnmarshalJSON(b []byte) error { return (*FlexInt)(s).UnmarshalJSON(b) }

// Task-creation progress states.
const (
	// SyncStatusPending means the resource type or region is not processed yet.
	SyncStatusPending SyncStatus = 0
	// SyncStatusProcessed means it was processed.
	SyncStatusProcessed SyncStatus = 1
	// SyncStatusProcessing means it is being processed.
	SyncStatusProcessing SyncStatus = 3
)
