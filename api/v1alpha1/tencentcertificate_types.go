package v1alpha1

import (
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// CertificateType is the Tencent certificate type.
// +kubebuilder:validation:Enum=SVR;CA
type CertificateType string

const (
	// CertificateTypeSVR is a server certificate with its private key.
	CertificateTypeSVR CertificateType = "SVR"
	// CertificateTypeCA is a CA certificate, used for mutual TLS; it has no private key.
	CertificateTypeCA CertificateType = "CA"
)

// DeletionPolicy says what happens to the uploaded certificates when the object is deleted.
// +kubebuilder:validation:Enum=Delete;Retain
type DeletionPolicy string

const (
	// DeletionPolicyDelete deletes the uploaded certificates that nothing is bound to.
	DeletionPolicyDelete DeletionPolicy = "Delete"
	// DeletionPolicyRetain leaves the certificates in Tencent Cloud.
	DeletionPolicyRetain DeletionPolicy = "Retain"
)

// OldCertificatePolicy says what happens to a certificate once a renewal has superseded it.
// +kubebuilder:validation:Enum=Retain;Delete
type OldCertificatePolicy string

const (
	// OldCertificatesRetain keeps superseded certificates.
	OldCertificatesRetain OldCertificatePolicy = "Retain"
	// OldCertificatesDelete deletes a superseded certificate once nothing is bound to it.
	OldCertificatesDelete OldCertificatePolicy = "Delete"
)

// UpdateResourceType is a resource type that UpdateCertificateInstance can switch from an old
// certificate to a new one. It is the deploy list without lighthouse, which the update API lacks.
// +kubebuilder:validation:Enum=clb;cdn;waf;live;ddos;teo;apigateway;vod;tke;tcb;tse;cos
type UpdateResourceType string

// BoundResourceUpdate selects the resources of one type whose binding to the superseded
// certificate is switched to the new one on rotation.
// +kubebuilder:validation:XValidation:rule="!(self.resourceType in ['clb','tke','apigateway','waf','tcb','tse','cos']) || (has(self.regions) && size(self.regions) > 0)",messageExpression="'regions is required for resourceType ' + self.resourceType"
type BoundResourceUpdate struct {
	// ResourceType of the resources to switch.
	// +required
	ResourceType UpdateResourceType `json:"resourceType"`

	// Regions to search for bound resources, for example ap-guangzhou. Required for the
	// region-scoped types clb, tke, apigateway, waf, tcb, tse and cos.
	// +kubebuilder:validation:MaxItems=50
	// +listType=set
	// +optional
	Regions []Region `json:"regions,omitempty"`
}

// Region is a Tencent Cloud region such as ap-guangzhou.
// +kubebuilder:validation:Pattern=`^[a-z]+(-[a-z0-9]+)+$`
// +kubebuilder:validation:MaxLength=32
type Region string

// RotationSpec says what happens when the Secret's certificate changes.
type RotationSpec struct {
	// UpdateBoundResources lists the resource types, and regions per type, whose resources bound
	// to the superseded certificate are switched to the new one with UpdateCertificateInstance.
	// Resources managed by a CertificateDeployment are redeployed by it and need not be listed.
	// +kubebuilder:validation:MaxItems=12
	// +listType=map
	// +listMapKey=resourceType
	// +optional
	UpdateBoundResources []BoundResourceUpdate `json:"updateBoundResources,omitempty"`

	// UpdateFailurePolicy says what happens when bound resources still fail to switch after
	// the retries: Retry reports UpdateFailed and leaves the switched resources on the new
	// certificate; Rollback moves them back to the superseded one first. Empty means Retry.
	// +optional
	UpdateFailurePolicy FailurePolicy `json:"updateFailurePolicy,omitempty"`

	// OldCertificates is what happens to a superseded certificate once any switch requested by
	// updateBoundResources has succeeded: Retain keeps it; Delete deletes it once nothing is
	// bound to it any more, provided it carries this object's ownership tags.
	// +kubebuilder:default=Retain
	// +optional
	OldCertificates OldCertificatePolicy `json:"oldCertificates,omitempty"`

	// MuteExpiryNotifications turns off Tencent's expiry reminders for superseded certificates,
	// which would otherwise warn about certificates nobody uses.
	// +kubebuilder:default=true
	// +optional
	MuteExpiryNotifications *bool `json:"muteExpiryNotifications,omitempty"`
}

// TencentCertificateSpec is the desired state of a TencentCertificate.
// +kubebuilder:validation:XValidation:rule="has(self.secretRef) != has(self.certificateId)",message="exactly one of secretRef and certificateId must be set"
// +kubebuilder:validation:XValidation:rule="!has(self.ingressSecret) || !has(self.secretRef) || self.ingressSecret.name != self.secretRef.name",message="ingressSecret must not name the source Secret"
// +kubebuilder:validation:XValidation:rule="!has(self.certificateId) || !has(self.rotation)",message="rotation applies only to certificates uploaded from secretRef"
// +kubebuilder:validation:XValidation:rule="!has(self.accountRef) || !has(self.credentialsRef)",message="at most one of accountRef and credentialsRef may be set"
type TencentCertificateSpec struct {
	// SecretRef names the Secret holding the certificate, in this namespace. It is normally a
	// kubernetes.io/tls Secret written by cert-manager, with keys tls.crt (the leaf followed by
	// its chain) and tls.key; Opaque Secrets with the same keys are accepted. ca.crt is ignored.
	// +optional
	SecretRef *LocalObjectReference `json:"secretRef,omitempty"`

	// CertificateID adopts an existing Tencent certificate instead of uploading one. An adopted
	// certificate is never uploaded, rotated, muted, switched away from or deleted by the
	// operator, also after the spec changes to a secretRef. Through an account, adoption needs
	// its allowAdoption.
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=64
	// +kubebuilder:validation:Pattern=`^[A-Za-z0-9_-]+$`
	// +optional
	CertificateID string `json:"certificateId,omitempty"`

	// Type is the Tencent certificate type: SVR for a server certificate with its key, CA for a
	// CA certificate (mutual TLS), which needs no key.
	// +kubebuilder:default=SVR
	// +optional
	Type CertificateType `json:"type,omitempty"`

	// Alias is the certificate's remark in the Tencent console. Defaults to <namespace>/<name>.
	// A change is applied to the current certificate in place.
	// +kubebuilder:validation:MaxLength=128
	// +optional
	Alias string `json:"alias,omitempty"`

	// ProjectID is the Tencent project the certificate belongs to. Defaults to the account's
	// default project (0). A change moves the current certificate at once.
	// +kubebuilder:validation:Minimum=0
	// +optional
	ProjectID *int64 `json:"projectId,omitempty"`

	// Tags are added to the uploaded certificate, together with ownership tags that name the
	// cluster, this object's namespace and name, and the certificate's fingerprint. Every
	// object gets a certificate of its own, also when another object uploaded the same content:
	// the operator mutes, switches from and deletes only certificates whose ownership tags name
	// this object, so objects never share a certificate's fate.
	// +kubebuilder:validation:MaxProperties=40
	// +optional
	Tags map[string]string `json:"tags,omitempty"`

	// CredentialsRef names a Secret in this namespace with keys secretId, secretKey and optional
	// token: the team's own CAM identity, confined by CAM. When absent, the account is used.
	// +optional
	CredentialsRef *LocalObjectReference `json:"credentialsRef,omitempty"`

	// AccountRef names the TencentCloudAccount whose identity is used, within the uses it
	// allows. Defaults to the account "default" when credentialsRef is absent too.
	// +optional
	AccountRef *AccountReference `json:"accountRef,omitempty"`

	// Rotation says what happens when the Secret's certificate changes.
	// +optional
	Rotation *RotationSpec `json:"rotation,omitempty"`

	// DeletionPolicy says what happens to the uploaded certificates (current and superseded) when
	// this object is deleted: Delete removes those that nothing is bound to and that carry this
	// object's ownership tags; Retain keeps them. Defaults to Delete. Adopted certificates are
	// never deleted.
	// +optional
	DeletionPolicy DeletionPolicy `json:"deletionPolicy,omitempty"`

	// IngressSecret, when set, names an Opaque Secret in this namespace that the operator creates
	// and keeps current, with key qcloud_cert_id set to the certificate ID, for TKE CLB Ingresses
	// and Services. The operator never writes into the source Secret.
	// +optional
	IngressSecret *LocalObjectReference `json:"ingressSecret,omitempty"`
}

// HistoryState is the fate of a superseded certificate.
// +kubebuilder:validation:Enum=Superseded;Deleted;Retained
type HistoryState string

const (
	// HistorySuperseded means a renewal replaced the certificate; it still exists in Tencent Cloud.
	HistorySuperseded HistoryState = "Superseded"
	// HistoryDeleted means the certificate was deleted from Tencent Cloud.
	HistoryDeleted HistoryState = "Deleted"
	// HistoryRetained means the certificate is not this object's (it lacks this object's
	// ownership tags), so it was left in place and is no longer tracked.
	HistoryRetained HistoryState = "Retained"
)

// CertificateHistoryEntry records a certificate this object uploaded before the current one.
type CertificateHistoryEntry struct {
	// CertificateID of the superseded certificate.
	CertificateID string `json:"certificateId"`
	// Fingerprint is the hex SHA-256 of the leaf certificate's DER.
	// +optional
	Fingerprint string `json:"fingerprint,omitempty"`
	// NotAfter is when the certificate expires.
	// +optional
	NotAfter *metav1.Time `json:"notAfter,omitempty"`
	// Time is when the entry last changed state.
	Time metav1.Time `json:"time"`
	// State of the certificate.
	State HistoryState `json:"state"`
	// NotificationsMuted is true once its expiry reminders were turned off.
	// +optional
	NotificationsMuted bool `json:"notificationsMuted,omitempty"`
	// LastDeleteAttempt is when deleting the certificate was last tried while resources still
	// used it; it spaces out the checks.
	// +optional
	LastDeleteAttempt *metav1.Time `json:"lastDeleteAttempt,omitempty"`
	// DeleteTaskID is the running DeleteCertificate task, which deletes the certificate only
	// once Tencent Cloud has checked that no cloud resource uses it.
	// +optional
	DeleteTaskID string `json:"deleteTaskId,omitempty"`
}

// TencentCertificateStatus is the observed state of a TencentCertificate.
type TencentCertificateStatus struct {
	// ObservedGeneration is the last generation that reached an outcome.
	// +kubebuilder:default=-1
	// +optional
	ObservedGeneration int64 `json:"observedGeneration,omitempty"`

	// Conditions: Ready, plus Reconciling and Stalled while True.
	// +listType=map
	// +listMapKey=type
	// +optional
	Conditions []metav1.Condition `json:"conditions,omitempty"`

	// CertificateID is the Tencent ID of the current certificate.
	// +optional
	CertificateID string `json:"certificateId,omitempty"`

	// Fingerprint is the hex SHA-256 of the current leaf certificate's DER. A Secret whose leaf
	// has this fingerprint needs no upload.
	// +optional
	Fingerprint string `json:"fingerprint,omitempty"`

	// SerialNumber of the current leaf certificate, in hex.
	// +optional
	SerialNumber string `json:"serialNumber,omitempty"`

	// NotBefore and NotAfter bound the current certificate's validity.
	// +optional
	NotBefore *metav1.Time `json:"notBefore,omitempty"`
	// +optional
	NotAfter *metav1.Time `json:"notAfter,omitempty"`

	// DNSNames the current certificate covers.
	// +optional
	DNSNames []string `json:"dnsNames,omitempty"`

	// Alias and ProjectID are the alias and project last set on the current certificate, by its
	// upload or by ModifyCertificateAlias and ModifyCertificateProject. Unset means not known.
	// +optional
	Alias string `json:"alias,omitempty"`
	// +optional
	ProjectID *int64 `json:"projectId,omitempty"`

	// LastUploadTime is when the current certificate was uploaded.
	// +optional
	LastUploadTime *metav1.Time `json:"lastUploadTime,omitempty"`

	// History lists superseded certificates, newest first, at most ten.
	// +kubebuilder:validation:MaxItems=10
	// +optional
	History []CertificateHistoryEntry `json:"history,omitempty"`

	// CredentialsRef is the credentials Secret the certificate was uploaded or adopted with.
	// CertificateDeployments of this certificate that name no credentials use the same.
	// +optional
	CredentialsRef *LocalObjectReference `json:"credentialsRef,omitempty"`

	// AccountRef is the account the certificate was uploaded or adopted with, when the spec
	// names one. CertificateDeployments of this certificate that name no identity use the same.
	// +optional
	AccountRef *AccountReference `json:"accountRef,omitempty"`

	// Adopted is true when certificateId was adopted from spec.certificateId rather than
	// uploaded. An adopted certificate never becomes a superseded history entry.
	// +optional
	Adopted bool `json:"adopted,omitempty"`

	// Update tracks the switch of bound resources to the current certificate, when
	// spec.rotation.updateBoundResources asks for one.
	// +optional
	Update *RecordStatus `json:"update,omitempty"`

	// CleanupAttempts counts the attempts to delete the uploaded certificates while this object
	// is being deleted. After a bounded number the object is released and what was left behind
	// is named in a Warning event.
	// +optional
	CleanupAttempts int32 `json:"cleanupAttempts,omitempty"`

	// DeleteTaskID is the DeleteCertificate task of the current certificate while the object is
	// being deleted.
	// +optional
	DeleteTaskID string `json:"deleteTaskId,omitempty"`

	// LastHandledReconcileAt is the last handled value of the ssl.certsync.io/reconcile-at
	// annotation.
	// +optional
	LastHandledReconcileAt string `json:"lastHandledReconcileAt,omitempty"`
}

// TencentCertificate keeps a Kubernetes TLS Secret uploaded to the Tencent Cloud SSL Certificate
// service, through renewals, until it is deleted.
// +kubebuilder:object:root=true
// +kubebuilder:subresource:status
// +kubebuilder:resource:shortName=tccert;tccerts,categories=tencentssl
// +kubebuilder:printcolumn:name="Ready",type=string,JSONPath=`.status.conditions[?(@.type=="Ready")].status`
// +kubebuilder:printcolumn:name="Certificate ID",type=string,JSONPath=`.status.certificateId`
// +kubebuilder:printcolumn:name="Domains",type=string,JSONPath=`.status.dnsNames`,priority=1
// +kubebuilder:printcolumn:name="Expires",type=date,JSONPath=`.status.notAfter`
// +kubebuilder:printcolumn:name="Status",type=string,JSONPath=`.status.conditions[?(@.type=="Ready")].message`,priority=1
// +kubebuilder:printcolumn:name="Age",type=date,JSONPath=`.metadata.creationTimestamp`
type TencentCertificate struct {
	metav1.TypeMeta   `json:",inline"`
	metav1.ObjectMeta `json:"metadata,omitempty"`

	// +required
	Spec TencentCertificateSpec `json:"spec"`
	// +optional
	Status TencentCertificateStatus `json:"status,omitempty"`
}

// +kubebuilder:object:root=true

// TencentCertificateList is a list of TencentCertificates.
type TencentCertificateList struct {
	metav1.TypeMeta `json:",inline"`
	metav1.ListMeta `json:"metadata,omitempty"`
	Items           []TencentCertificate `json:"items"`
}

func init() {
	SchemeBuilder.Register(&TencentCertificate{}, &TencentCertificateList{})
}

// Condition and event reasons of TencentCertificate (Uploaded, MetadataUpdated,
// CleanupAbandoned and OldCertificateDeleted are used on events only), besides the shared ones and the certificate
// validation reasons (SecretTypeInvalid, SecretKeyMissing, CertificateParseFailed,
// PrivateKeyParseFailed, ChainInvalid, AlgorithmUnsupported, KeyMismatch, CertificateExpired,
// CertificateNotYetValid, CertificateTypeMismatch), which name what is wrong with the Secret.
const (
	// ReasonSecretNotFound means the Secret named by spec.secretRef does not exist yet.
	ReasonSecretNotFound = "SecretNotFound"
	// ReasonUploaded means the Secret's certificate was uploaded.
	ReasonUploaded = "Uploaded"
	// ReasonCertificateNotFound means the adopted certificate ID does not exist in Tencent Cloud.
	ReasonCertificateNotFound = "CertificateNotFound"
	// ReasonCertificateNotIssued means the adopted certificate is not issued (Status 1 in
	// Tencent Cloud): under review, awaiting validation, revoked or cancelled.
	ReasonCertificateNotIssued = "CertificateNotIssued"
	// ReasonCertificateExpired means the adopted certificate has expired.
	ReasonCertificateExpired = "CertificateExpired"
	// ReasonUpdateInProgress means resources bound to the superseded certificate are being
	// switched to the new one.
	ReasonUpdateInProgress = "UpdateInProgress"
	// ReasonUpdateFailed means some bound resources could not be switched after all retries.
	ReasonUpdateFailed = "UpdateFailed"
	// ReasonIngressSecretConflict means spec.ingressSecret names a Secret this object does not own.
	ReasonIngressSecretConflict = "IngressSecretConflict"
	// ReasonCleanupBlocked means certificates could not be deleted yet, usually because cloud
	// resources are still bound to them.
	ReasonCleanupBlocked = "CleanupBlocked"
	// ReasonCleanupAbandoned means the object was released with certificates left behind.
	ReasonCleanupAbandoned = "CleanupAbandoned"
	// ReasonMetadataUpdated means the current certificate's alias or project was changed to
	// the spec's.
	ReasonMetadataUpdated = "MetadataUpdated"
	// ReasonOldCertificateDeleted means a superseded certificate was deleted.
	ReasonOldCertificateDeleted = "OldCertificateDeleted"
	// ReasonOldCertificateKept means a certificate was deliberately kept because another
	// uploader owns it.
	ReasonOldCertificateKept = "OldCertificateKept"
)

// Housekeeping conditions of a TencentCertificate. Each reports one side job of a rotation and
// is present once that job had something to do; none of them delays deployments, which read
// only status.certificateId.
const (
	// BoundResourcesUpdatedCondition reports the switch of bound resources to the new certificate.
	BoundResourcesUpdatedCondition = "BoundResourcesUpdated"
	// OldCertificatesHandledCondition reports muting and deleting superseded certificates.
	OldCertificatesHandledCondition = "OldCertificatesHandled"
	// IngressSecretSyncedCondition reports the Secret that TKE Ingresses read the ID from.
	IngressSecretSyncedCondition = "IngressSecretSynced"
)

// Finalizer is set on objects whose deletion must clean up in Tencent Cloud.
const Finalizer = "ssl.certsync.io/finalizer"

// Ownership tags added to every uploaded certificate, with TagCluster, so that a certificate
// can be traced to its object and is only muted, switched from or deleted by it.
const (
	TagNamespace = "certsync.io/namespace"
	TagName      = "certsync.io/name"
)
