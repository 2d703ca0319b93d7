package v1alpha1

import metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

// LocalObjectReference names an object in the namespace of the referring object. There is
// deliberately no namespace field: a tenant cannot point at another namespace's Secrets or
// certificates.
type LocalObjectReference struct {
	// Name of the referenced object.
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=253
	// +required
	Name string `json:"name"`
}

// AccountReference names a cluster-scoped TencentCloudAccount.
type AccountReference struct {
	// Name of the TencentCloudAccount.
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=253
	// +required
	Name string `json:"name"`
}

// Condition types. Both kinds follow kstatus: Ready is always present; Reconciling and Stalled
// are present only while True.
const (
	// ReadyCondition is True when the object's desired state holds in Tencent Cloud.
	ReadyCondition = "Ready"
	// ReconcilingCondition is True while the controller is working towards the desired state.
	ReconcilingCondition = "Reconciling"
	// StalledCondition is True when the controller cannot make progress without a change to the
	// spec, the referenced objects or the credentials.
	StalledCondition = "Stalled"
	// DegradedCondition is True on a CertificateDeployment when some targets failed after all
	// retries.
	DegradedCondition = "Degraded"
)

// Reasons shared by both kinds. Each controller adds its own in its kind's file.
const (
	// ReasonProgressing means Tencent Cloud asked to wait for work in progress; the controller
	// checks again later.
	ReasonProgressing = "Progressing"
	// ReasonSucceeded means the last reconciliation reached the desired state.
	ReasonSucceeded = "Succeeded"
	// ReasonCredentialsNotFound means the Secret named by spec.credentialsRef does not exist.
	ReasonCredentialsNotFound = "CredentialsNotFound"
	// ReasonCredentialsInvalid means the credentials Secret lacks secretId or secretKey, or
	// Tencent Cloud rejected the credentials.
	ReasonCredentialsInvalid = "CredentialsInvalid"
	// ReasonAPIError means the SSL API returned an error the controller will retry.
	ReasonAPIError = "APIError"
	// ReasonAPIRejected means the SSL API rejected the request for a reason retrying cannot fix.
	ReasonAPIRejected = "APIRejected"
	// ReasonSuspended means a CertificateDeployment's spec.suspend is true and the controller
	// makes no API calls for it.
	ReasonSuspended = "Suspended"
)

// ReconcileRequestAnnotation asks for an immediate reconciliation when its value changes, for
// example `kubectl annotate --overwrite tccert/web ssl.certsync.io/reconcile-at="$(date +%s)"`.
// The handled value is copied to status.lastHandledReconcileAt.
const ReconcileRequestAnnotation = "ssl.certsync.io/reconcile-at"

// ResourceType is a kind of Tencent Cloud resource that terminates TLS.
// +kubebuilder:validation:Enum=clb;cdn;ddos;live;vod;waf;apigateway;teo;tke;cos;lighthouse;tse;tcb
type ResourceType string

// Resource types accepted by DeployCertificateInstance.
const (
	ResourceTypeCLB        ResourceType = "clb"
	ResourceTypeCDN        ResourceType = "cdn"
	ResourceTypeDDoS       ResourceType = "ddos"
	ResourceTypeLive       ResourceType = "live"
	ResourceTypeVOD        ResourceType = "vod"
	ResourceTypeWAF        ResourceType = "waf"
	ResourceTypeAPIGateway ResourceType = "apigateway"
	ResourceTypeTEO        ResourceType = "teo"
	ResourceTypeTKE        ResourceType = "tke"
	ResourceTypeCOS        ResourceType = "cos"
	ResourceTypeLighthouse ResourceType = "lighthouse"
	ResourceTypeTSE        ResourceType = "tse"
	ResourceTypeTCB        ResourceType = "tcb"
)

// ResourceTypeTraits says what the SSL API supports for a resource type. resourceTypeTraits
// is the one source of these facts: the enum and CEL markers that repeat them are checked
// against it by a test.
type ResourceTypeTraits struct {
	// DeployRegion: DeployCertificateInstance needs the Region header. The reference's
	// parameter table says "optional"; its notes and error codes say required.
	DeployRegion bool
	// Updatable: UpdateCertificateInstance can switch the type's resources to a new certificate.
	Updatable bool
	// UpdateRegion: UpdateCertificateInstance needs the type's regions.
	UpdateRegion bool
	// Observable: a call reports which certificate the type's instances serve: an instance list,
	// or for ObservedByTask types the bound-resource query. Lighthouse is reported by no call.
	Observable bool
	// ObservedByTask: only the bound-resource query (CreateCertificateBindResourceSyncTask, a
	// task that runs for tens of seconds) reports the type; no instance list does.
	ObservedByTask bool
}

var resourceTypeTraits = map[ResourceType]ResourceTypeTraits{
	ResourceTypeCLB:        {DeployRegion: true, Updatable: true, UpdateRegion: true, Observable: true},
	ResourceTypeCDN:        {Updatable: true, Observable: true},
	ResourceTypeDDoS:       {Updatable: true, Observable: true},
	ResourceTypeLive:       {Updatable: true, Observable: true},
	ResourceTypeVOD:        {Updatable: true, Observable: true},
	ResourceTypeWAF:        {DeployRegion: true, Updatable: true, UpdateRegion: true, Observable: true},
	ResourceTypeAPIGateway: {DeployRegion: true, Updatable: true, UpdateRegion: true, Observable: true},
	ResourceTypeTEO:        {Updatable: true, Observable: true},
	ResourceTypeTKE:        {DeployRegion: true, Updatable: true, UpdateRegion: true, Observable: true},
	ResourceTypeCOS:        {DeployRegion: true, Updatable: true, UpdateRegion: true, Observable: true},
	ResourceTypeLighthouse: {DeployRegion: true},
	ResourceTypeTSE:        {DeployRegion: true, Updatable: true, UpdateRegion: true, Observable: true, ObservedByTask: true},
	ResourceTypeTCB:        {DeployRegion: true, Updatable: true, UpdateRegion: true, Observable: true, ObservedByTask: true},
}

// BindingsQueryStatus follows a bound-resource query (CreateCertificateBindResourceSyncTask), the
// asynchronous call that reports which resources serve a certificate. Its task ID is written to
// status before the task is polled, so that a restarted operator reads the same task.
type BindingsQueryStatus struct {
	// CertificateID is the certificate whose bindings are queried.
	CertificateID string `json:"certificateId"`
	// TaskID of the query.
	TaskID string `json:"taskId"`
	// StartTime is when the query was started.
	// +optional
	StartTime *metav1.Time `json:"startTime,omitempty"`
}

// ResourceTypes lists every resource type in the order of the API reference.
var ResourceTypes = []ResourceType{
	ResourceTypeCLB, ResourceTypeCDN, ResourceTypeDDoS, ResourceTypeLive, ResourceTypeVOD,
	ResourceTypeWAF, ResourceTypeAPIGateway, ResourceTypeTEO, ResourceTypeTKE, ResourceTypeCOS,
	ResourceTypeLighthouse, ResourceTypeTSE, ResourceTypeTCB,
}

// Traits returns what the SSL API supports for t; an unknown type supports nothing.
func (t ResourceType) Traits() ResourceTypeTraits { return resourceTypeTraits[t] }
