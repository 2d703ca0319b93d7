package tencentcloud

import "encoding/json"

// Request and response types follow the reference's JSON names and types.
//
// Requests: optional fields are omitted when empty. Pointers are used only
// where zero differs from "not sent" (IsCache defaults to 1, Repeatable to
// true, ...). Responses: a JSON null leaves a plain field at its zero value;
// pointers are used where null means something different from empty
// (certificate content, validity times). Integers are FlexInt so numbers sent
// as strings still decode.

// Tag is a key/value tag on a certificate (reference type Tags).
type Tag struct {
	TagKey   string `json:"TagKey"`
	TagValue string `json:"TagValue"`
}

// ResourceTypeRegions limits an update to regions of one resource type.
type ResourceTypeRegions struct {
	ResourceType string   `json:"ResourceType,omitempty"`
	Regions      []string `json:"Regions,omitempty"`
}

// Filter filters DescribeHost*InstanceList results; see FilterKeyDomainMatch.
type Filter struct {
	FilterKey   string `json:"FilterKey"`
	FilterValue string `json:"FilterValue"`
}

// ---- Certificate management ----

// UploadCertificateRequest uploads a certificate and its private key. Its
// formatted and logged forms redact the private key.
type UploadCertificateRequest struct {
	CertificatePublicKey  string `json:"CertificatePublicKey"`
	CertificatePrivateKey string `json:"CertificatePrivateKey,omitempty"`
	// CertificateType is SVR (default) or CA.
	CertificateType string  `json:"CertificateType,omitempty"`
	Alias           string  `json:"Alias,omitempty"`
	ProjectId       FlexInt `json:"ProjectId,omitempty"`
	CertificateUse  string  `json:"CertificateUse,omitempty"`
	Tags            []Tag   `json:"Tags,omitempty"`
	// Repeatable allows uploading an identical certificate again; the
	// service defaults to true.
	Repeatable *bool `json:"Repeatable,omitempty"`
}

// UploadCertificateResponse is the result of UploadCertificate.
type UploadCertificateResponse struct {
	CertificateId string `json:"CertificateId"`
	// RepeatCertId is the existing identical certificate, if any.
	RepeatCertId string `json:"RepeatCertId"`
	RequestId    string `json:"RequestId"`
}

// CheckCertificateExistRequest looks up an identical certificate by content.
type CheckCertificateExistRequest struct {
	CertificatePublicKey string `json:"CertificatePublicKey"`
}

// CheckCertificateExistResponse is the result of CheckCertificateExist.
type CheckCertificateExistResponse struct {
	RepeatCertId string `json:"RepeatCertId"`
	RequestId    string `json:"RequestId"`
}

// DescribeCertificateDetailRequest selects one certificate.
type DescribeCertificateDetailRequest struct {
	CertificateId string `json:"CertificateId"`
}

// DescribeCertificateDetailResponse holds a certificate's details. Its
// formatted and logged forms redact the private keys.
type DescribeCertificateDetailResponse struct {
	OwnerUin              FlexString        `json:"OwnerUin"`
	ProjectId             FlexString        `json:"ProjectId"`
	From                  string            `json:"From"`
	CertificateType       string            `json:"CertificateType"`
	PackageType           *string           `json:"PackageType"`
	ProductZhName         string            `json:"ProductZhName"`
	Domain                string            `json:"Domain"`
	Alias                 string            `json:"Alias"`
	Status                CertificateStatus `json:"Status"`
	StatusMsg             *string           `json:"StatusMsg"`
	VerifyType            *string           `json:"VerifyType"`
	VulnerabilityStatus   string            `json:"VulnerabilityStatus"`
	CertBeginTime         *string           `json:"CertBeginTime"`
	CertEndTime           *string           `json:"CertEndTime"`
	ValidityPeriod        FlexString        `json:"ValidityPeriod"`
	InsertTime            string            `json:"InsertTime"`
	OrderId               *string           `json:"OrderId"`
	CertificateExtra      *CertificateExtra `json:"CertificateExtra"`
	CertificatePrivateKey *string           `json:"CertificatePrivateKey"`
	CertificatePublicKey  *string           `json:"CertificatePublicKey"`
	DvAuthDetail          *DvAuthDetail     `json:"DvAuthDetail"`
	VulnerabilityReport   *string           `json:"VulnerabilityReport"`
	CertificateId         string            `json:"CertificateId"`
	TypeName              *string           `json:"TypeName"`
	StatusName            string            `json:"StatusName"`
	// SubjectAltName may or may not include Domain; compare the union.
	SubjectAltName  []string          `json:"SubjectAltName"`
	IsVip           bool              `json:"IsVip"`
	IsWildcard      bool              `json:"IsWildcard"`
	IsDv            bool              `json:"IsDv"`
	IsVulnerability bool              `json:"IsVulnerability"`
	SubmittedData   json.RawMessage   `json:"SubmittedData,omitempty"`
	RenewAble       bool              `json:"RenewAble"`
	Deployable      bool              `json:"Deployable"`
	Tags            []Tag             `json:"Tags"`
	RootCert        *RootCertificates `json:"RootCert"`
	EncryptCert     *string           `json:"EncryptCert"`
	// EncryptPrivateKey is the SM encryption key (SM certificates only).
	EncryptPrivateKey *string `json:"EncryptPrivateKey"`
	// CertFingerprint is the SHA-1 fingerprint, hex; compare case-insensitively.
	CertFingerprint        *string         `json:"CertFingerprint"`
	EncryptCertFingerprint *string         `json:"EncryptCertFingerprint"`
	EncryptAlgorithm       string          `json:"EncryptAlgorithm"`
	DvRevokeAuthDetail     []DvAuths       `json:"DvRevokeAuthDetail"`
	CertChainInfo          []CertBasicInfo `json:"CertChainInfo"`
	DomainType             FlexInt         `json:"DomainType"`
	CertType               string          `json:"CertType"`
	RequestId              string          `json:"RequestId"`
}

// CertificateExtra is a certificate's extension information.
type CertificateExtra struct {
	DomainNumber        FlexString `json:"DomainNumber"`
	OriginCertificateId *string    `json:"OriginCertificateId"`
	ReplacedBy          *string    `json:"ReplacedBy"`
	ReplacedFor         *string    `json:"ReplacedFor"`
	RenewOrder          *string    `json:"RenewOrder"`
	SMCert              FlexInt    `json:"SMCert"`
	CompanyType         FlexInt    `json:"CompanyType"`
}

// DvAuthDetail is domain-validation information.
type DvAuthDetail struct {
	DvAuthKey          *string   `json:"DvAuthKey"`
	DvAuthValue        *string   `json:"DvAuthValue"`
	DvAuthDomain       *string   `json:"DvAuthDomain"`
	DvAuthPath         *string   `json:"DvAuthPath"`
	DvAuthKeySubDomain *string   `json:"DvAuthKeySubDomain"`
	DvAuths            []DvAuths `json:"DvAuths"`
}

// DvAuths is the validation information of one domain.
type DvAuths struct {
	DvAuthKey        string `json:"DvAuthKey"`
	DvAuthValue      string `json:"DvAuthValue"`
	DvAuthDomain     string `json:"DvAuthDomain"`
	DvAuthPath       string `json:"DvAuthPath"`
	DvAuthSubDomain  string `json:"DvAuthSubDomain"`
	DvAuthVerifyType string `json:"DvAuthVerifyType"`
}

// RootCertificates are the root certificates of an issued certificate.
type RootCertificates struct {
	Sign     *string `json:"Sign"`
	Encrypt  *string `json:"Encrypt"`
	Standard *string `json:"Standard"`
}

// CertBasicInfo describes one certificate of a chain.
type CertBasicInfo struct {
	Issuer      string `json:"Issuer"`
	Subject     string `json:"Subject"`
	Fingerprint string `json:"Fingerprint"`
	ValidFrom   string `json:"ValidFrom"`
	ValidTo     string `json:"ValidTo"`
}

// DescribeCertificatesRequest lists certificates. Offset 0 and Limit 0 are
// not sent (the service defaults are 0 and 10).
type DescribeCertificatesRequest struct {
	Offset          FlexInt  `json:"Offset,omitempty"`
	Limit           FlexInt  `json:"Limit,omitempty"`
	SearchKey       string   `json:"SearchKey,omitempty"`
	CertificateType string   `json:"CertificateType,omitempty"`
	ProjectId       *FlexInt `json:"ProjectId,omitempty"`
	// ExpirationSort is ASC or DESC; empty sorts by application time.
	ExpirationSort    string              `json:"ExpirationSort,omitempty"`
	CertificateStatus []CertificateStatus `json:"CertificateStatus,omitempty"`
	Deployable        *FlexInt            `json:"Deployable,omitempty"`
	Upload            FlexInt             `json:"Upload,omitempty"`
	Renew             FlexInt             `json:"Renew,omitempty"`
	// FilterSource is upload or buy.
	FilterSource   string   `json:"FilterSource,omitempty"`
	IsSM           FlexInt  `json:"IsSM,omitempty"`
	FilterExpiring FlexInt  `json:"FilterExpiring,omitempty"`
	Hostable       *FlexInt `json:"Hostable,omitempty"`
	Tags           []Tag    `json:"Tags,omitempty"`
	IsPendingIssue FlexInt  `json:"IsPendingIssue,omitempty"`
	CertIds        []string `json:"CertIds,omitempty"`
}

// DescribeCertificatesResponse is one page of certificates.
type DescribeCertificatesResponse struct {
	TotalCount   FlexInt       `json:"TotalCount"`
	Certificates []Certificate `json:"Certificates"`
	RequestId    string        `json:"RequestId"`
}

// Certificate is one item of DescribeCertificates (reference type Certificates).
type Certificate struct {
	OwnerUin            FlexString        `json:"OwnerUin"`
	ProjectId           FlexString        `json:"ProjectId"`
	From                string            `json:"From"`
	PackageType         *string           `json:"PackageType"`
	CertificateType     string            `json:"CertificateType"`
	ProductZhName       string            `json:"ProductZhName"`
	Domain              string            `json:"Domain"`
	Alias               string            `json:"Alias"`
	Status              CertificateStatus `json:"Status"`
	CertificateExtra    *CertificateExtra `json:"CertificateExtra"`
	VulnerabilityStatus string            `json:"VulnerabilityStatus"`
	StatusMsg           string            `json:"StatusMsg"`
	VerifyType          string            `json:"VerifyType"`
	CertBeginTime       *string           `json:"CertBeginTime"`
	CertEndTime         *string           `json:"CertEndTime"`
	ValidityPeriod      FlexString        `json:"ValidityPeriod"`
	InsertTime          string            `json:"InsertTime"`
	CertificateId       string            `json:"CertificateId"`
	// SubjectAltName includes the main domain here.
	SubjectAltName           []string             `json:"SubjectAltName"`
	PackageTypeName          string               `json:"PackageTypeName"`
	StatusName               string               `json:"StatusName"`
	IsVip                    bool                 `json:"IsVip"`
	IsDv                     bool                 `json:"IsDv"`
	IsWildcard               bool                 `json:"IsWildcard"`
	IsVulnerability          bool                 `json:"IsVulnerability"`
	RenewAble                bool                 `json:"RenewAble"`
	ProjectInfo              *ProjectInfo         `json:"ProjectInfo"`
	BoundResource            []string             `json:"BoundResource"`
	Deployable               bool                 `json:"Deployable"`
	Tags                     []Tag                `json:"Tags"`
	IsIgnore                 bool                 `json:"IsIgnore"`
	IsSM                     bool                 `json:"IsSM"`
	EncryptAlgorithm         string               `json:"EncryptAlgorithm"`
	CAEncryptAlgorithms      []string             `json:"CAEncryptAlgorithms"`
	CAEndTimes               []string             `json:"CAEndTimes"`
	CACommonNames            []string             `json:"CACommonNames"`
	PreAuditInfo             *PreAuditInfo        `json:"PreAuditInfo"`
	AutoRenewFlag            FlexInt              `json:"AutoRenewFlag"`
	HostingStatus            FlexInt              `json:"HostingStatus"`
	HostingCompleteTime      string               `json:"HostingCompleteTime"`
	HostingRenewCertId       string               `json:"HostingRenewCertId"`
	HasRenewOrder            string               `json:"HasRenewOrder"`
	ReplaceOriCertIsDelete   bool                 `json:"ReplaceOriCertIsDelete"`
	IsExpiring               bool                 `json:"IsExpiring"`
	DVAuthDeadline           string               `json:"DVAuthDeadline"`
	ValidationPassedTime     string               `json:"ValidationPassedTime"`
	CertSANs                 []string             `json:"CertSANs"`
	AwaitingValidationMsg    string               `json:"AwaitingValidationMsg"`
	AllowDownload            bool                 `json:"AllowDownload"`
	IsDNSPODResolve          bool                 `json:"IsDNSPODResolve"`
	IsPackage                bool                 `json:"IsPackage"`
	KeyPasswordCustomFlag    bool                 `json:"KeyPasswordCustomFlag"`
	SupportDownloadType      *SupportDownloadType `json:"SupportDownloadType"`
	CertRevokedTime          string               `json:"CertRevokedTime"`
	HostingResourceTypes     []string             `json:"HostingResourceTypes"`
	HostingConfig            *HostingConfig       `json:"HostingConfig"`
	IsHostingUploadRenewCert bool                 `json:"IsHostingUploadRenewCert"`
}

// ProjectInfo describes a certificate's project.
type ProjectInfo struct {
	ProjectName       string     `json:"ProjectName"`
	ProjectCreatorUin FlexInt    `json:"ProjectCreatorUin"`
	ProjectCreateTime string     `json:"ProjectCreateTime"`
	ProjectResume     string     `json:"ProjectResume"`
	OwnerUin          FlexInt    `json:"OwnerUin"`
	ProjectId         FlexString `json:"ProjectId"`
}

// PreAuditInfo is a paid certificate's pre-audit information.
type PreAuditInfo struct {
	TotalPeriod FlexInt    `json:"TotalPeriod"`
	NowPeriod   FlexInt    `json:"NowPeriod"`
	ManagerId   FlexString `json:"ManagerId"`
}

// SupportDownloadType says which download formats are available.
type SupportDownloadType struct {
	NGINX  bool `json:"NGINX"`
	APACHE bool `json:"APACHE"`
	TOMCAT bool `json:"TOMCAT"`
	IIS    bool `json:"IIS"`
	JKS    bool `json:"JKS"`
	OTHER  bool `json:"OTHER"`
	ROOT   bool `json:"ROOT"`
}

// HostingConfig is a certificate's hosting configuration.
type HostingConfig struct {
	ReplaceTime      FlexInt   `json:"ReplaceTime"`
	MessageTypes     []FlexInt `json:"MessageTypes"`
	ReplaceStartTime string    `json:"ReplaceStartTime"`
	ReplaceEndTime   string    `json:"ReplaceEndTime"`
}

// DeleteCertificateRequest deletes one certificate.
type DeleteCertificateRequest struct {
	CertificateId string `json:"CertificateId"`
	// IsCheckResource checks bound resources first and makes deletion asynchronous.
	IsCheckResource bool `json:"IsCheckResource,omitempty"`
}

// DeleteCertificateResponse is the result of DeleteCertificate.
type DeleteCertificateResponse struct {
	DeleteResult bool `json:"DeleteResult"`
	// TaskId is set when deletion is asynchronous.
	TaskId    *string `json:"TaskId"`
	RequestId string  `json:"RequestId"`
}

// ModifyCertificatesExpiringNotificationSwitchRequest toggles expiry
// notifications for up to 50 certificates.
type ModifyCertificatesExpiringNotificationSwitchRequest struct {
	CertificateIds []string `json:"CertificateIds"`
	// SwitchStatus is 0 (do not ignore notifications) or 1 (ignore).
	SwitchStatus FlexInt `json:"SwitchStatus"`
}

// ModifyCertificatesExpiringNotificationSwitchResponse is the result of
// ModifyCertificatesExpiringNotificationSwitch.
type ModifyCertificatesExpiringNotificationSwitchResponse struct {
	CertificateIds []string `json:"CertificateIds"`
	RequestId      string   `json:"RequestId"`
}

// ---- Deploy ----

// DeployCertificateInstanceRequest deploys a certificate to instances.
type DeployCertificateInstanceRequest struct {
	// Region is sent as the X-TC-Region header, not in the body. When empty
	// the client's default region is used.
	Region         string   `json:"-"`
	CertificateId  string   `json:"CertificateId"`
	InstanceIdList []string `json:"InstanceIdList"`
	// ResourceType defaults to clb on the service.
	ResourceType string `json:"ResourceType,omitempty"`
	// Status applies to live only: -1, 0 or 1.
	Status *FlexInt `json:"Status,omitempty"`
	// IsCache selects cached instance data (service default 1).
	IsCache *FlexInt `json:"IsCache,omitempty"`
}

// DeployCertificateInstanceResponse is the result of DeployCertificateInstance.
type DeployCertificateInstanceResponse struct {
	DeployRecordId FlexInt      `json:"DeployRecordId"`
	DeployStatus   DeployStatus `json:"DeployStatus"`
	RequestId      string       `json:"RequestId"`
}

// DescribeHostDeployRecordRequest lists a certificate's deployment records.
type DescribeHostDeployRecordRequest struct {
	CertificateId string  `json:"CertificateId"`
	Offset        FlexInt `json:"Offset,omitempty"`
	Limit         FlexInt `json:"Limit,omitempty"`
	ResourceType  string  `json:"ResourceType,omitempty"`
}

// DescribeHostDeployRecordResponse is one page of deployment records.
type DescribeHostDeployRecordResponse struct {
	TotalCount       FlexInt            `json:"TotalCount"`
	DeployRecordList []DeployRecordInfo `json:"DeployRecordList"`
	RequestId        string             `json:"RequestId"`
}

// DeployRecordInfo is one deployment record.
type DeployRecordInfo struct {
	Id           FlexInt      `json:"Id"`
	CertId       string       `json:"CertId"`
	ResourceType string       `json:"ResourceType"`
	Region       string       `json:"Region"`
	Status       RecordStatus `json:"Status"`
	CreateTime   string       `json:"CreateTime"`
	UpdateTime   string       `json:"UpdateTime"`
}

// DescribeHostDeployRecordDetailRequest lists a deployment record's items.
// DeployRecordId is a String on the wire.
type DescribeHostDeployRecordDetailRequest struct {
	DeployRecordId FlexString `json:"DeployRecordId"`
	Offset         FlexInt    `json:"Offset,omitempty"`
	// Limit is at most 200.
	Limit FlexInt `json:"Limit,omitempty"`
}

// DescribeHostDeployRecordDetailResponse is one page of deployment items.
type DescribeHostDeployRecordDetailResponse struct {
	TotalCount             FlexInt              `json:"TotalCount"`
	DeployRecordDetailList []DeployRecordDetail `json:"DeployRecordDetailList"`
	SuccessTotalCount      FlexInt              `json:"SuccessTotalCount"`
	FailedTotalCount       FlexInt              `json:"FailedTotalCount"`
	RunningTotalCount      FlexInt              `json:"RunningTotalCount"`
	RequestId              string               `json:"RequestId"`
}

// DeployRecordDetail is one target of a deployment record.
type DeployRecordDetail struct {
	// Id is the item ID, usable as DeployRecordDetailId for a retry.
	Id           FlexInt      `json:"Id"`
	CertId       string       `json:"CertId"`
	OldCertId    string       `json:"OldCertId"`
	InstanceId   string       `json:"InstanceId"`
	InstanceName string       `json:"InstanceName"`
	ListenerId   string       `json:"ListenerId"`
	Domains      []string     `json:"Domains"`
	Protocol     string       `json:"Protocol"`
	Status       DetailStatus `json:"Status"`
	ErrorMsg     string       `json:"ErrorMsg"`
	CreateTime   string       `json:"CreateTime"`
	UpdateTime   string       `json:"UpdateTime"`
	ListenerName string       `json:"ListenerName"`
	SniSwitch    FlexInt      `json:"SniSwitch"`
	Bucket       string       `json:"Bucket"`
	Namespace    string       `json:"Namespace"`
	SecretName   string       `json:"SecretName"`
	Port         FlexInt      `json:"Port"`
	EnvId        string       `json:"EnvId"`
	TCBType      string       `json:"TCBType"`
	Region       string       `json:"Region"`
	Url          StringList   `json:"Url"`
}

// DeployCertificateRecordRetryRequest retries a deployment record's failed
// items, or one item.
type DeployCertificateRecordRetryRequest struct {
	DeployRecordId       FlexInt `json:"DeployRecordId,omitempty"`
	DeployRecordDetailId FlexInt `json:"DeployRecordDetailId,omitempty"`
}

// DeployCertificateRecordRetryResponse is the result of DeployCertificateRecordRetry.
type DeployCertificateRecordRetryResponse struct {
	RequestId string `json:"RequestId"`
}

// DeployCertificateRecordRollbackRequest rolls back a deployment record.
type DeployCertificateRecordRollbackRequest struct {
	DeployRecordId FlexInt `json:"DeployRecordId,omitempty"`
}

// DeployCertificateRecordRollbackResponse carries the new rollback record's ID.
type DeployCertificateRecordRollbackResponse struct {
	DeployRecordId FlexInt `json:"DeployRecordId"`
	RequestId      string  `json:"RequestId"`
}

// ---- One-click update ----

// UpdateCertificateInstanceRequest replaces OldCertificateId with a new
// certificate, given by CertificateId or by a key pair. Its formatted and
// logged forms redact the private key.
type UpdateCertificateInstanceRequest struct {
	OldCertificateId string   `json:"OldCertificateId"`
	ResourceTypes    []string `json:"ResourceTypes"`
	CertificateId    string   `json:"CertificateId,omitempty"`
	// ResourceTypesRegions is required for clb, tke, apigateway, waf, tcb, tse and cos.
	ResourceTypesRegions  []ResourceTypeRegions `json:"ResourceTypesRegions,omitempty"`
	CertificatePublicKey  string                `json:"CertificatePublicKey,omitempty"`
	CertificatePrivateKey string                `json:"CertificatePrivateKey,omitempty"`
	// ExpiringNotificationSwitch 1 ignores the old certificate's expiry reminders.
	ExpiringNotificationSwitch *FlexInt `json:"ExpiringNotificationSwitch,omitempty"`
	Repeatable                 *bool    `json:"Repeatable,omitempty"`
	AllowDownload              *bool    `json:"AllowDownload,omitempty"`
	Tags                       []Tag    `json:"Tags,omitempty"`
	ProjectId                  FlexInt  `json:"ProjectId,omitempty"`
}

// UpdateCertificateInstanceResponse is the result of UpdateCertificateInstance.
type UpdateCertificateInstanceResponse struct {
	// DeployRecordId 0 means the task is still being created.
	DeployRecordId     FlexInt              `json:"DeployRecordId"`
	DeployStatus       DeployStatus         `json:"DeployStatus"`
	UpdateSyncProgress []UpdateSyncProgress `json:"UpdateSyncProgress"`
	RequestId          string               `json:"RequestId"`
}

// UpdateSyncProgress is the task-creation progress of one resource type.
type UpdateSyncProgress struct {
	ResourceType              string                     `json:"ResourceType"`
	UpdateSyncProgressRegions []UpdateSyncProgressRegion `json:"UpdateSyncProgressRegions"`
	Status                    SyncStatus                 `json:"Status"`
}

// UpdateSyncProgressRegion is the task-creation progress of one region.
type UpdateSyncProgressRegion struct {
	Region      string     `json:"Region"`
	TotalCount  FlexInt    `json:"TotalCount"`
	OffsetCount FlexInt    `json:"OffsetCount"`
	Status      SyncStatus `json:"Status"`
}

// DescribeHostUpdateRecordRequest lists update records.
type DescribeHostUpdateRecordRequest struct {
	Offset           FlexInt `json:"Offset,omitempty"`
	Limit            FlexInt `json:"Limit,omitempty"`
	CertificateId    string  `json:"CertificateId,omitempty"`
	OldCertificateId string  `json:"OldCertificateId,omitempty"`
}

// DescribeHostUpdateRecordResponse is one page of update records.
type DescribeHostUpdateRecordResponse struct {
	TotalCount       FlexInt            `json:"TotalCount"`
	DeployRecordList []UpdateRecordInfo `json:"DeployRecordList"`
	RequestId        string             `json:"RequestId"`
}

// UpdateRecordInfo is one update record. Its Status is not enumerated by
// the reference.
type UpdateRecordInfo struct {
	Id            FlexInt  `json:"Id"`
	CertId        string   `json:"CertId"`
	OldCertId     string   `json:"OldCertId"`
	ResourceTypes []string `json:"ResourceTypes"`
	Regions       []string `json:"Regions"`
	Status        FlexInt  `json:"Status"`
	CreateTime    string   `json:"CreateTime"`
	UpdateTime    string   `json:"UpdateTime"`
}

// DescribeHostUpdateRecordDetailRequest lists an update record's items.
// All three fields are Strings on the wire.
type DescribeHostUpdateRecordDetailRequest struct {
	DeployRecordId FlexString `json:"DeployRecordId"`
	Limit          FlexString `json:"Limit,omitempty"`
	Offset         FlexString `json:"Offset,omitempty"`
}

// DescribeHostUpdateRecordDetailResponse is one page of update items.
type DescribeHostUpdateRecordDetailResponse struct {
	TotalCount        FlexInt               `json:"TotalCount"`
	RecordDetailList  []UpdateRecordDetails `json:"RecordDetailList"`
	SuccessTotalCount FlexInt               `json:"SuccessTotalCount"`
	FailedTotalCount  FlexInt               `json:"FailedTotalCount"`
	RunningTotalCount FlexInt               `json:"RunningTotalCount"`
	RequestId         string                `json:"RequestId"`
}

// UpdateRecordDetails groups update items of one resource type.
type UpdateRecordDetails struct {
	ResourceType string               `json:"ResourceType"`
	List         []UpdateRecordDetail `json:"List"`
	TotalCount   FlexInt              `json:"TotalCount"`
}

// UpdateRecordDetail is one target of an update record.
type UpdateRecordDetail struct {
	Id           FlexInt      `json:"Id"`
	CertId       string       `json:"CertId"`
	OldCertId    string       `json:"OldCertId"`
	Domains      []string     `json:"Domains"`
	ResourceType string       `json:"ResourceType"`
	Region       string       `json:"Region"`
	Status       DetailStatus `json:"Status"`
	ErrorMsg     string       `json:"ErrorMsg"`
	CreateTime   string       `json:"CreateTime"`
	UpdateTime   string       `json:"UpdateTime"`
	InstanceId   string       `json:"InstanceId"`
	InstanceName string       `json:"InstanceName"`
	ListenerId   string       `json:"ListenerId"`
	ListenerName string       `json:"ListenerName"`
	Protocol     string       `json:"Protocol"`
	SniSwitch    FlexInt      `json:"SniSwitch"`
	Bucket       string       `json:"Bucket"`
	Port         FlexInt      `json:"Port"`
	Namespace    string       `json:"Namespace"`
	SecretName   string       `json:"SecretName"`
	EnvId        string       `json:"EnvId"`
	TCBType      string       `json:"TCBType"`
	// Url is a single string here (an array on DeployRecordDetail); an
	// array is accepted and joined with ",".
	Url FlexString `json:"Url"`
}

// UpdateCertificateRecordRetryRequest retries an update record's failed
// items, or one item. One of the two IDs is required.
type UpdateCertificateRecordRetryRequest struct {
	DeployRecordId       FlexInt `json:"DeployRecordId,omitempty"`
	DeployRecordDetailId FlexInt `json:"DeployRecordDetailId,omitempty"`
}

// UpdateCertificateRecordRetryResponse is the result of UpdateCertificateRecordRetry.
type UpdateCertificateRecordRetryResponse struct {
	RequestId string `json:"RequestId"`
}

// UpdateCertificateRecordRollbackRequest rolls back an update record.
type UpdateCertificateRecordRollbackRequest struct {
	DeployRecordId FlexInt `json:"DeployRecordId,omitempty"`
}

// UpdateCertificateRecordRollbackResponse carries the new rollback record's ID.
type UpdateCertificateRecordRollbackResponse struct {
	DeployRecordId FlexInt `json:"DeployRecordId"`
	RequestId      string  `json:"RequestId"`
}

// ---- In-place update ----

// UploadUpdateCertificateInstanceRequest replaces a certificate's content in
// place. Its formatted and logged forms redact the private key.
type UploadUpdateCertificateInstanceRequest struct {
	OldCertificateId      string                `json:"OldCertificateId"`
	ResourceTypes         []string              `json:"ResourceTypes"`
	CertificatePublicKey  string                `json:"CertificatePublicKey"`
	CertificatePrivateKey string                `json:"CertificatePrivateKey"`
	ResourceTypesRegions  []ResourceTypeRegions `json:"ResourceTypesRegions,omitempty"`
}

// UploadUpdateCertificateInstanceResponse has the same meaning as
// UpdateCertificateInstanceResponse.
type UploadUpdateCertificateInstanceResponse struct {
	DeployRecordId     FlexInt              `json:"DeployRecordId"`
	DeployStatus       DeployStatus         `json:"DeployStatus"`
	UpdateSyncProgress []UpdateSyncProgress `json:"UpdateSyncProgress"`
	RequestId          string               `json:"RequestId"`
}

// DescribeHostUploadUpdateRecordDetailRequest selects an in-place update record.
type DescribeHostUploadUpdateRecordDetailRequest struct {
	DeployRecordId FlexInt `json:"DeployRecordId"`
	Limit          FlexInt `json:"Limit,omitempty"`
	Offset         FlexInt `json:"Offset,omitempty"`
}

// DescribeHostUploadUpdateRecordDetailResponse has one entry per pass.
type DescribeHostUploadUpdateRecordDetailResponse struct {
	DeployRecordDetail []DeployRecord `json:"DeployRecordDetail"`
	RequestId          string         `json:"RequestId"`
}

// DeployRecord is one pass (deployment or rollback) of an in-place update.
type DeployRecord struct {
	TotalCount        FlexInt            `json:"TotalCount"`
	SuccessTotalCount FlexInt            `json:"SuccessTotalCount"`
	FailedTotalCount  FlexInt            `json:"FailedTotalCount"`
	RunningTotalCount FlexInt            `json:"RunningTotalCount"`
	Type              PassType           `json:"Type"`
	RecordDetailList  []DeployRecordList `json:"RecordDetailList"`
	// Status uses codes 0 to 5 of DetailStatus.
	Status     DetailStatus `json:"Status"`
	CreateTime string       `json:"CreateTime"`
}

// DeployRecordList groups pass items of one resource type.
type DeployRecordList struct {
	ResourceType string             `json:"ResourceType"`
	List         []DeployRecordItem `json:"List"`
	TotalCount   FlexInt            `json:"TotalCount"`
}

// DeployRecordItem is one target of an in-place update pass.
type DeployRecordItem struct {
	Id           FlexInt `json:"Id"`
	OldCertId    string  `json:"OldCertId"`
	InstanceId   string  `json:"InstanceId"`
	InstanceName string  `json:"InstanceName"`
	ListenerId   string  `json:"ListenerId"`
	// Domains may hold one comma-joined string.
	Domains      []string     `json:"Domains"`
	Protocol     string       `json:"Protocol"`
	Status       DetailStatus `json:"Status"`
	ErrorMsg     string       `json:"ErrorMsg"`
	CreateTime   string       `json:"CreateTime"`
	UpdateTime   string       `json:"UpdateTime"`
	ListenerName string       `json:"ListenerName"`
	SniSwitch    FlexInt      `json:"SniSwitch"`
	Bucket       string       `json:"Bucket"`
	Namespace    string       `json:"Namespace"`
	SecretName   string       `json:"SecretName"`
	Port         FlexInt      `json:"Port"`
	Region       string       `json:"Region"`
	Forward      FlexInt      `json:"Forward"`
	SSLMode      string       `json:"SSLMode"`
	ResourceType string       `json:"ResourceType"`
}

// ---- Bound resources ----

// DescribeDeployedResourcesRequest lists resources using certificates.
type DescribeDeployedResourcesRequest struct {
	CertificateIds []string `json:"CertificateIds"`
	// ResourceType is clb, cdn, live, waf, antiddos or teo.
	ResourceType string `json:"ResourceType"`
}

// DescribeDeployedResourcesResponse is the result of DescribeDeployedResources.
type DescribeDeployedResourcesResponse struct {
	DeployedResources []DeployedResources `json:"DeployedResources"`
	RequestId         string              `json:"RequestId"`
}

// DeployedResources lists the resources of one certificate.
type DeployedResources struct {
	CertificateId string  `json:"CertificateId"`
	Count         FlexInt `json:"Count"`
	Type          string  `json:"Type"`
	// ResourceIds is deprecated in favour of Resources.
	ResourceIds []string `json:"ResourceIds"`
	Resources   []string `json:"Resources"`
}

// ---- DescribeHost*InstanceList ----

// DescribeHostClbInstanceListRequest lists deployable CLB instances.
type DescribeHostClbInstanceListRequest struct {
	Offset           FlexInt  `json:"Offset,omitempty"`
	Limit            FlexInt  `json:"Limit,omitempty"`
	CertificateId    string   `json:"CertificateId,omitempty"`
	IsCache          *FlexInt `json:"IsCache,omitempty"`
	Filters          []Filter `json:"Filters,omitempty"`
	AsyncCache       FlexInt  `json:"AsyncCache,omitempty"`
	OldCertificateId string   `json:"OldCertificateId,omitempty"`
}

// DescribeHostClbInstanceListResponse lists CLB instances.
type DescribeHostClbInstanceListResponse struct {
	TotalCount     FlexInt             `json:"TotalCount"`
	InstanceList   []ClbInstanceDetail `json:"InstanceList"`
	AsyncTotalNum  FlexInt             `json:"AsyncTotalNum"`
	AsyncOffset    FlexInt             `json:"AsyncOffset"`
	AsyncCacheTime string              `json:"AsyncCacheTime"`
	RequestId      string              `json:"RequestId"`
}

// ClbInstanceDetail is a CLB instance with its listeners.
type ClbInstanceDetail struct {
	LoadBalancerId   string        `json:"LoadBalancerId"`
	LoadBalancerName string        `json:"LoadBalancerName"`
	Listeners        []ClbListener `json:"Listeners"`
	// Forward is 0 for classic and 1 for application load balancers.
	Forward FlexInt `json:"Forward"`
}

// ClbListener is a CLB listener.
type ClbListener struct {
	ListenerId     string            `json:"ListenerId"`
	ListenerName   string            `json:"ListenerName"`
	SniSwitch      FlexInt           `json:"SniSwitch"`
	Protocol       string            `json:"Protocol"`
	Certificate    *ClbCertificate   `json:"Certificate"`
	Rules          []ClbListenerRule `json:"Rules"`
	NoMatchDomains []string          `json:"NoMatchDomains"`
}

// ClbListenerRule is a rule of a layer-7 CLB listener.
type ClbListenerRule struct {
	LocationId     string          `json:"LocationId"`
	Domain         string          `json:"Domain"`
	IsMatch        bool            `json:"IsMatch"`
	Certificate    *ClbCertificate `json:"Certificate"`
	NoMatchDomains []string        `json:"NoMatchDomains"`
	Url            string          `json:"Url"`
}

// ClbCertificate is the certificate bound to a listener or rule (reference
// type Certificate).
type ClbCertificate struct {
	CertId   string   `json:"CertId"`
	DnsNames []string `json:"DnsNames"`
	CertCaId string   `json:"CertCaId"`
	// SSLMode is UNIDIRECTIONAL or MUTUAL; compare case-insensitively.
	SSLMode string `json:"SSLMode"`
}

// DescribeHostCdnInstanceListRequest lists deployable CDN domains.
type DescribeHostCdnInstanceListRequest struct {
	CertificateId    string   `json:"CertificateId,omitempty"`
	IsCache          *FlexInt `json:"IsCache,omitempty"`
	Filters          []Filter `json:"Filters,omitempty"`
	OldCertificateId string   `json:"OldCertificateId,omitempty"`
	Offset           FlexInt  `json:"Offset,omitempty"`
	Limit            FlexInt  `json:"Limit,omitempty"`
	AsyncCache       FlexInt  `json:"AsyncCache,omitempty"`
}

// DescribeHostCdnInstanceListResponse lists CDN domains.
type DescribeHostCdnInstanceListResponse struct {
	InstanceList   []CdnInstanceDetail `json:"InstanceList"`
	TotalCount     FlexInt             `json:"TotalCount"`
	AsyncTotalNum  FlexInt             `json:"AsyncTotalNum"`
	AsyncOffset    FlexInt             `json:"AsyncOffset"`
	AsyncCacheTime string              `json:"AsyncCacheTime"`
	RequestId      string              `json:"RequestId"`
}

// CdnInstanceDetail is a CDN domain.
type CdnInstanceDetail struct {
	Domain string `json:"Domain"`
	CertId string `json:"CertId"`
	// Status is rejected, processing, online or offline.
	Status             string `json:"Status"`
	HttpsBillingSwitch string `json:"HttpsBillingSwitch"`
}

// DescribeHostTkeInstanceListRequest lists deployable TKE secrets.
type DescribeHostTkeInstanceListRequest struct {
	Offset           FlexInt  `json:"Offset,omitempty"`
	Limit            FlexInt  `json:"Limit,omitempty"`
	CertificateId    string   `json:"CertificateId,omitempty"`
	IsCache          *FlexInt `json:"IsCache,omitempty"`
	Filters          []Filter `json:"Filters,omitempty"`
	AsyncCache       FlexInt  `json:"AsyncCache,omitempty"`
	OldCertificateId string   `json:"OldCertificateId,omitempty"`
}

// DescribeHostTkeInstanceListResponse lists TKE clusters.
type DescribeHostTkeInstanceListResponse struct {
	TotalCount     FlexInt             `json:"TotalCount"`
	InstanceList   []TkeInstanceDetail `json:"InstanceList"`
	AsyncTotalNum  FlexInt             `json:"AsyncTotalNum"`
	AsyncOffset    FlexInt             `json:"AsyncOffset"`
	AsyncCacheTime string              `json:"AsyncCacheTime"`
	RequestId      string              `json:"RequestId"`
}

// TkeInstanceDetail is a TKE cluster.
type TkeInstanceDetail struct {
	ClusterId      string               `json:"ClusterId"`
	ClusterName    string               `json:"ClusterName"`
	NamespaceList  []TkeNameSpaceDetail `json:"NamespaceList"`
	ClusterType    string               `json:"ClusterType"`
	ClusterVersion string               `json:"ClusterVersion"`
}

// TkeNameSpaceDetail is a namespace of a TKE cluster.
type TkeNameSpaceDetail struct {
	Name       string            `json:"Name"`
	SecretList []TkeSecretDetail `json:"SecretList"`
}

// TkeSecretDetail is a TLS secret in a TKE namespace.
type TkeSecretDetail struct {
	Name           string             `json:"Name"`
	CertId         string             `json:"CertId"`
	IngressList    []TkeIngressDetail `json:"IngressList"`
	NoMatchDomains []string           `json:"NoMatchDomains"`
}

// TkeIngressDetail is an ingress referencing a TKE secret.
type TkeIngressDetail struct {
	IngressName string   `json:"IngressName"`
	TlsDomains  []string `json:"TlsDomains"`
	Domains     []string `json:"Domains"`
}

// DescribeHostTeoInstanceListRequest lists deployable EdgeOne hosts.
type DescribeHostTeoInstanceListRequest struct {
	CertificateId    string   `json:"CertificateId"`
	IsCache          *FlexInt `json:"IsCache,omitempty"`
	Filters          []Filter `json:"Filters,omitempty"`
	OldCertificateId string   `json:"OldCertificateId,omitempty"`
	Offset           FlexInt  `json:"Offset,omitempty"`
	Limit            FlexInt  `json:"Limit,omitempty"`
	AsyncCache       FlexInt  `json:"AsyncCache,omitempty"`
}

// DescribeHostTeoInstanceListResponse lists EdgeOne hosts.
type DescribeHostTeoInstanceListResponse struct {
	InstanceList []TeoInstanceDetail `json:"InstanceList"`
	TotalCount   FlexInt             `json:"TotalCount"`
	RequestId    string              `json:"RequestId"`
}

// TeoInstanceDetail is an EdgeOne host.
type TeoInstanceDetail struct {
	Host   string `json:"Host"`
	CertId string `json:"CertId"`
	ZoneId string `json:"ZoneId"`
	// Status is deployed, processing, applying, failed or issued.
	Status string `json:"Status"`
}

// DescribeHostWafInstanceListRequest lists deployable WAF domains.
type DescribeHostWafInstanceListRequest struct {
	CertificateId    string   `json:"CertificateId,omitempty"`
	IsCache          *FlexInt `json:"IsCache,omitempty"`
	Filters          []Filter `json:"Filters,omitempty"`
	OldCertificateId string   `json:"OldCertificateId,omitempty"`
}

// DescribeHostWafInstanceListResponse lists WAF domains; it has no TotalCount.
type DescribeHostWafInstanceListResponse struct {
	InstanceList []WafInstanceDetail `json:"InstanceList"`
	RequestId    string              `json:"RequestId"`
}

// WafInstanceDetail is a WAF domain.
type WafInstanceDetail struct {
	Domain    string  `json:"Domain"`
	CertId    string  `json:"CertId"`
	Keepalive FlexInt `json:"Keepalive"`
}

// DescribeHostLiveInstanceListRequest lists deployable live domains.
type DescribeHostLiveInstanceListRequest struct {
	CertificateId    string   `json:"CertificateId,omitempty"`
	IsCache          *FlexInt `json:"IsCache,omitempty"`
	Filters          []Filter `json:"Filters,omitempty"`
	OldCertificateId string   `json:"OldCertificateId,omitempty"`
}

// DescribeHostLiveInstanceListResponse lists live domains; it has no TotalCount.
type DescribeHostLiveInstanceListResponse struct {
	InstanceList []LiveInstanceDetail `json:"InstanceList"`
	RequestId    string               `json:"RequestId"`
}

// LiveInstanceDetail is a live-streaming domain.
type LiveInstanceDetail struct {
	Domain string `json:"Domain"`
	CertId string `json:"CertId"`
	// Status is -1 (no certificate), 0 (HTTPS off) or 1 (HTTPS on).
	Status FlexInt `json:"Status"`
}

// DescribeHostVodInstanceListRequest lists deployable VOD domains.
type DescribeHostVodInstanceListRequest struct {
	CertificateId    string   `json:"CertificateId,omitempty"`
	IsCache          *FlexInt `json:"IsCache,omitempty"`
	Filters          []Filter `json:"Filters,omitempty"`
	OldCertificateId string   `json:"OldCertificateId,omitempty"`
}

// DescribeHostVodInstanceListResponse lists VOD domains.
type DescribeHostVodInstanceListResponse struct {
	InstanceList []VodInstanceDetail `json:"InstanceList"`
	TotalCount   FlexInt             `json:"TotalCount"`
	RequestId    string              `json:"RequestId"`
}

// VodInstanceDetail is a VOD domain.
type VodInstanceDetail struct {
	Domain string `json:"Domain"`
	CertId string `json:"CertId"`
}

// DescribeHostDdosInstanceListRequest lists deployable anti-DDoS instances.
type DescribeHostDdosInstanceListRequest struct {
	CertificateId    string   `json:"CertificateId,omitempty"`
	IsCache          *FlexInt `json:"IsCache,omitempty"`
	Filters          []Filter `json:"Filters,omitempty"`
	ResourceType     string   `json:"ResourceType,omitempty"`
	OldCertificateId string   `json:"OldCertificateId,omitempty"`
	Offset           FlexInt  `json:"Offset,omitempty"`
	Limit            FlexInt  `json:"Limit,omitempty"`
}

// DescribeHostDdosInstanceListResponse lists anti-DDoS instances.
type DescribeHostDdosInstanceListResponse struct {
	InstanceList []DdosInstanceDetail `json:"InstanceList"`
	TotalCount   FlexInt              `json:"TotalCount"`
	RequestId    string               `json:"RequestId"`
}

// DdosInstanceDetail is an anti-DDoS forwarding rule.
type DdosInstanceDetail struct {
	Domain      string     `json:"Domain"`
	InstanceId  string     `json:"InstanceId"`
	Protocol    string     `json:"Protocol"`
	CertId      string     `json:"CertId"`
	VirtualPort FlexString `json:"VirtualPort"`
}

// DescribeHostCosInstanceListRequest lists deployable COS domains.
type DescribeHostCosInstanceListRequest struct {
	CertificateId    string   `json:"CertificateId,omitempty"`
	IsCache          *FlexInt `json:"IsCache,omitempty"`
	Filters          []Filter `json:"Filters,omitempty"`
	ResourceType     string   `json:"ResourceType,omitempty"`
	OldCertificateId string   `json:"OldCertificateId,omitempty"`
	Offset           FlexInt  `json:"Offset,omitempty"`
	Limit            FlexInt  `json:"Limit,omitempty"`
	AsyncCache       FlexInt  `json:"AsyncCache,omitempty"`
}

// DescribeHostCosInstanceListResponse lists COS domains.
type DescribeHostCosInstanceListResponse struct {
	InstanceList   []CosInstanceDetail `json:"InstanceList"`
	TotalCount     FlexInt             `json:"TotalCount"`
	AsyncTotalNum  FlexInt             `json:"AsyncTotalNum"`
	AsyncOffset    FlexInt             `json:"AsyncOffset"`
	AsyncCacheTime string              `json:"AsyncCacheTime"`
	RequestId      string              `json:"RequestId"`
}

// CosInstanceDetail is a COS bucket domain.
type CosInstanceDetail struct {
	Domain string `json:"Domain"`
	CertId string `json:"CertId"`
	// Status is ENABLED or DISABLED.
	Status string `json:"Status"`
	Bucket string `json:"Bucket"`
	Region string `json:"Region"`
}

// DescribeHostApiGatewayInstanceListRequest lists deployable API Gateway
// services. Offset is a String on the wire.
type DescribeHostApiGatewayInstanceListRequest struct {
	CertificateId    string     `json:"CertificateId,omitempty"`
	IsCache          *FlexInt   `json:"IsCache,omitempty"`
	Filters          []Filter   `json:"Filters,omitempty"`
	OldCertificateId string     `json:"OldCertificateId,omitempty"`
	Limit            FlexInt    `json:"Limit,omitempty"`
	Offset           FlexString `json:"Offset,omitempty"`
}

// DescribeHostApiGatewayInstanceListResponse lists API Gateway services.
type DescribeHostApiGatewayInstanceListResponse struct {
	InstanceList []ApiGatewayInstanceDetail `json:"InstanceList"`
	TotalCount   FlexInt                    `json:"TotalCount"`
	RequestId    string                     `json:"RequestId"`
}

// ApiGatewayInstanceDetail is an API Gateway service domain.
type ApiGatewayInstanceDetail struct {
	ServiceId   string `json:"ServiceId"`
	ServiceName string `json:"ServiceName"`
	Domain      string `json:"Domain"`
	CertId      string `json:"CertId"`
	Protocol    string `json:"Protocol"`
}

// DescribeHostLighthouseInstanceListRequest lists deployable Lighthouse instances.
type DescribeHostLighthouseInstanceListRequest struct {
	CertificateId string   `json:"CertificateId,omitempty"`
	IsCache       *FlexInt `json:"IsCache,omitempty"`
	Filters       []Filter `json:"Filters,omitempty"`
}

// DescribeHostLighthouseInstanceListResponse lists Lighthouse instances.
type DescribeHostLighthouseInstanceListResponse struct {
	InstanceList []LighthouseInstanceDetail `json:"InstanceList"`
	TotalCount   FlexInt                    `json:"TotalCount"`
	RequestId    string                     `json:"RequestId"`
}

// LighthouseInstanceDetail is a Lighthouse instance.
type LighthouseInstanceDetail struct {
	InstanceId   string   `json:"InstanceId"`
	InstanceName string   `json:"InstanceName"`
	IP           []string `json:"IP"`
	Domain       []string `json:"Domain"`
}
