package v1alpha1

import (
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// FailurePolicy says what happens when targets still fail after all retries.
// +kubebuilder:validation:Enum=Retry;Rollback
type FailurePolicy string

const (
	// FailurePolicyRetry retries failed targets up to retryLimit times, then reports Degraded
	// and leaves the successful targets on the new certificate.
	FailurePolicyRetry FailurePolicy = "Retry"
	// FailurePolicyRollback retries like Retry, then rolls the successful targets back to the
	// previous certificate so that all targets serve the same one.
	FailurePolicyRollback FailurePolicy = "Rollback"
)

// Target is one deployment target. The fields that apply depend on spec.resourceType; each
// target renders to exactly one entry of DeployCertificateInstance's InstanceIdList:
//
//	clb         loadBalancerId, listenerId, and domain for an SNI listener   lb-x|lbl-y[|domain]
//	cdn         domain, httpsBilling                                          domain|on
//	ddos        instanceId, domain, port                                      bgpip-x|domain|443
//	live, vod, waf, teo   domain                                              domain
//	apigateway  serviceId, domain                                             service-x|domain
//	tke         clusterId, namespace, secretName                              cls-x|ns|secret
//	cos         bucket, domain, and region (defaults to spec.region)          region|bucket|domain
//	lighthouse  instanceId, domain, and region (defaults to spec.region)      region|lhins-x|domain
//	tse         gatewayId, certificateId (the gateway's certificate ID)       gateway-x|id
//	tcb         type, envId, domain, and region (defaults to spec.region)     type|region|env|domain
type Target struct {
	// LoadBalancerID of a CLB instance (clb).
	// +kubebuilder:validation:Pattern=`^lb-[a-z0-9]+$`
	// +kubebuilder:validation:MaxLength=64
	// +optional
	LoadBalancerID string `json:"loadBalancerId,omitempty"`

	// ListenerID of a CLB listener (clb).
	// +kubebuilder:validation:Pattern=`^lbl-[a-z0-9]+$`
	// +kubebuilder:validation:MaxLength=64
	// +optional
	ListenerID string `json:"listenerId,omitempty"`

	// Domain served by the target. For clb, set it only for a layer-7 listener with SNI enabled.
	// +kubebuilder:validation:Pattern=`^(\*\.)?([A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z0-9-]{1,63}$`
	// +kubebuilder:validation:MaxLength=253
	// +optional
	Domain string `json:"domain,omitempty"`

	// HTTPSBilling is the CDN domain's HTTPS billing switch (cdn).
	// +kubebuilder:validation:Enum=on;off
	// +optional
	HTTPSBilling string `json:"httpsBilling,omitempty"`

	// InstanceID of a DDoS protection instance (ddos) or a Lighthouse instance (lighthouse).
	// +kubebuilder:validation:Pattern=`^[A-Za-z0-9-]+$`
	// +kubebuilder:validation:MaxLength=64
	// +optional
	InstanceID string `json:"instanceId,omitempty"`

	// Port is the DDoS forwarding rule's virtual port (ddos).
	// +kubebuilder:validation:Minimum=1
	// +kubebuilder:validation:Maximum=65535
	// +optional
	Port int32 `json:"port,omitempty"`

	// ServiceID of an API Gateway service (apigateway).
	// +kubebuilder:validation:Pattern=`^service-[a-z0-9]+$`
	// +kubebuilder:validation:MaxLength=64
	// +optional
	ServiceID string `json:"serviceId,omitempty"`

	// ClusterID of a TKE cluster (tke).
	// +kubebuilder:validation:Pattern=`^cls-[a-z0-9]+$`
	// +kubebuilder:validation:MaxLength=64
	// +optional
	ClusterID string `json:"clusterId,omitempty"`

	// Namespace in the TKE cluster (tke).
	// +kubebuilder:validation:Pattern=`^[a-z0-9]([-a-z0-9]*[a-z0-9])?$`
	// +kubebuilder:validation:MaxLength=63
	// +optional
	Namespace string `json:"namespace,omitempty"`

	// SecretName of the TLS Secret in the TKE cluster that receives the certificate (tke).
	// +kubebuilder:validation:Pattern=`^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$`
	// +kubebuilder:validation:MaxLength=253
	// +optional
	SecretName string `json:"secretName,omitempty"`

	// Region of the target (cos, lighthouse, tcb). Defaults to spec.region and must equal it,
	// because one DeployCertificateInstance call acts on one region.
	// +optional
	Region Region `json:"region,omitempty"`

	// Bucket is the COS bucket name including the APPID suffix (cos).
	// +kubebuilder:validation:Pattern=`^[a-z0-9-]+-[0-9]+$`
	// +kubebuilder:validation:MaxLength=63
	// +optional
	Bucket string `json:"bucket,omitempty"`

	// GatewayID of a TSE cloud-native gateway (tse).
	// +kubebuilder:validation:Pattern=`^gateway-[a-z0-9]+$`
	// +kubebuilder:validation:MaxLength=64
	// +optional
	GatewayID string `json:"gatewayId,omitempty"`

	// CertificateID is the gateway-side certificate ID to replace (tse); it is a TSE ID, not an
	// SSL certificate ID.
	// +kubebuilder:validation:Pattern=`^[A-Za-z0-9-]+$`
	// +kubebuilder:validation:MaxLength=64
	// +optional
	CertificateID string `json:"certificateId,omitempty"`

	// Type of the TCB access entry (tcb).
	// +kubebuilder:validation:Enum=AccessService;HostService
	// +optional
	Type string `json:"type,omitempty"`

	// EnvID of a TCB environment (tcb).
	// +kubebuilder:validation:Pattern=`^[A-Za-z0-9-]+$`
	// +kubebuilder:validation:MaxLength=64
	// +optional
	EnvID string `json:"envId,omitempty"`
}

// CertificateDeploymentSpec is the desired state of a CertificateDeployment.
// +kubebuilder:validation:XValidation:rule="has(self.certificateRef) != has(self.certificateId)",message="exactly one of certificateRef and certificateId must be set"
// +kubebuilder:validation:XValidation:rule="!(self.resourceType in ['clb','waf','apigateway','cos','lighthouse','tke','tse','tcb']) || has(self.region)",messageExpression="'region is required for resourceType ' + self.resourceType"
// +kubebuilder:validation:XValidation:rule="!(self.resourceType == 'clb') || self.targets.all(t, has(t.loadBalancerId) && has(t.listenerId) && !has(t.httpsBilling) && !has(t.instanceId) && !has(t.port) && !has(t.serviceId) && !has(t.clusterId) && !has(t.namespace) && !has(t.secretName) && !has(t.region) && !has(t.bucket) && !has(t.gatewayId) && !has(t.certificateId) && !has(t.type) && !has(t.envId))",message="clb targets need loadBalancerId and listenerId, optionally domain for an SNI listener, and no other fields"
// +kubebuilder:validation:XValidation:rule="!(self.resourceType == 'cdn') || self.targets.all(t, has(t.domain) && has(t.httpsBilling) && !has(t.loadBalancerId) && !has(t.listenerId) && !has(t.instanceId) && !has(t.port) && !has(t.serviceId) && !has(t.clusterId) && !has(t.namespace) && !has(t.secretName) && !has(t.region) && !has(t.bucket) && !has(t.gatewayId) && !has(t.certificateId) && !has(t.type) && !has(t.envId))",message="cdn targets need domain and httpsBilling, and no other fields"
// +kubebuilder:validation:XValidation:rule="!(self.resourceType == 'ddos') || self.targets.all(t, has(t.instanceId) && has(t.domain) && has(t.port) && !has(t.loadBalancerId) && !has(t.listenerId) && !has(t.httpsBilling) && !has(t.serviceId) && !has(t.clusterId) && !has(t.namespace) && !has(t.secretName) && !has(t.region) && !has(t.bucket) && !has(t.gatewayId) && !has(t.certificateId) && !has(t.type) && !has(t.envId))",message="ddos targets need instanceId, domain and port, and no other fields"
// +kubebuilder:validation:XValidation:rule="!(self.resourceType in ['live','vod','waf','teo']) || self.targets.all(t, has(t.domain) && !has(t.loadBalancerId) && !has(t.listenerId) && !has(t.httpsBilling) && !has(t.instanceId) && !has(t.port) && !has(t.serviceId) && !has(t.clusterId) && !has(t.namespace) && !has(t.secretName) && !has(t.region) && !has(t.bucket) && !has(t.gatewayId) && !has(t.certificateId) && !has(t.type) && !has(t.envId))",messageExpression="self.resourceType + ' targets need domain, and no other fields'"
// +kubebuilder:validation:XValidation:rule="!(self.resourceType == 'apigateway') || self.targets.all(t, has(t.serviceId) && has(t.domain) && !has(t.loadBalancerId) && !has(t.listenerId) && !has(t.httpsBilling) && !has(t.instanceId) && !has(t.port) && !has(t.clusterId) && !has(t.namespace) && !has(t.secretName) && !has(t.region) && !has(t.bucket) && !has(t.gatewayId) && !has(t.certificateId) && !has(t.type) && !has(t.envId))",message="apigateway targets need serviceId and domain, and no other fields"
// +kubebuilder:validation:XValidation:rule="!(self.resourceType == 'tke') || self.targets.all(t, has(t.clusterId) && has(t.namespace) && has(t.secretName) && !has(t.loadBalancerId) && !has(t.listenerId) && !has(t.domain) && !has(t.httpsBilling) && !has(t.instanceId) && !has(t.port) && !has(t.serviceId) && !has(t.region) && !has(t.bucket) && !has(t.gatewayId) && !has(t.certificateId) && !has(t.type) && !has(t.envId))",message="tke targets need clusterId, namespace and secretName, and no other fields"
// +kubebuilder:validation:XValidation:rule="!(self.resourceType == 'cos') || self.targets.all(t, has(t.bucket) && has(t.domain) && !has(t.loadBalancerId) && !has(t.listenerId) && !has(t.httpsBilling) && !has(t.instanceId) && !has(t.port) && !has(t.serviceId) && !has(t.clusterId) && !has(t.namespace) && !has(t.secretName) && !has(t.gatewayId) && !has(t.certificateId) && !has(t.type) && !has(t.envId))",message="cos targets need bucket and domain, optionally region, and no other fields"
// +kubebuilder:validation:XValidation:rule="!(self.resourceType == 'lighthouse') || self.targets.all(t, has(t.instanceId) && has(t.domain) && !has(t.loadBalancerId) && !has(t.listenerId) && !has(t.httpsBilling) && !has(t.port) && !has(t.serviceId) && !has(t.clusterId) && !has(t.namespace) && !has(t.secretName) && !has(t.bucket) && !has(t.gatewayId) && !has(t.certificateId) && !has(t.type) && !has(t.envId))",message="lighthouse targets need instanceId and domain, optionally region, and no other fields"
// +kubebuilder:validation:XValidation:rule="!(self.resourceType == 'tse') || self.targets.all(t, has(t.gatewayId) && has(t.certificateId) && !has(t.loadBalancerId) && !has(t.listenerId) && !has(t.domain) && !has(t.httpsBilling) && !has(t.instanceId) && !has(t.port) && !has(t.serviceId) && !has(t.clusterId) && !has(t.namespace) && !has(t.secretName) && !has(t.region) && !has(t.bucket) && !has(t.type) && !has(t.envId))",message="tse targets need gatewayId and certificateId, and no other fields"
// +kubebuilder:validation:XValidation:rule="!(self.resourceType == 'tcb') || self.targets.all(t, has(t.type) && has(t.envId) && has(t.domain) && !has(t.loadBalancerId) && !has(t.listenerId) && !has(t.httpsBilling) && !has(t.instanceId) && !has(t.port) && !has(t.serviceId) && !has(t.clusterId) && !has(t.namespace) && !has(t.secretName) && !has(t.bucket) && !has(t.gatewayId) && !has(t.certificateId))",message="tcb targets need type, envId and domain, optionally region, and no other fields"
// +kubebuilder:validation:XValidation:rule="!has(self.region) || self.targets.all(t, !has(t.region) || t.region == self.region)",message="a target's region must equal spec.region"
// +kubebuilder:validation:XValidation:rule="!has(self.accountRef) || !has(self.credentialsRef)",message="at most one of accountRef and credentialsRef may be set"
type CertificateDeploymentSpec struct {
	// CertificateRef names a TencentCertificate in this namespace; its current certificate is
	// deployed, and every renewal is rolled out to the targets.
	// +optional
	CertificateRef *LocalObjectReference `json:"certificateRef,omitempty"`

	// CertificateID deploys a fixed Tencent certificate instead. Through an account, it must be
	// a certificate uploaded by an object of this namespace (its ownership tags say so), or the
	// account must allow adoption.
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=64
	// +kubebuilder:validation:Pattern=`^[A-Za-z0-9_-]+$`
	// +optional
	CertificateID string `json:"certificateId,omitempty"`

	// ResourceType of every target.
	// +required
	ResourceType ResourceType `json:"resourceType"`

	// Region of the targets. Required for clb, waf, apigateway, cos, lighthouse, tke, tse and tcb.
	// +optional
	Region Region `json:"region,omitempty"`

	// Targets that must serve the certificate. Removing a target from this list leaves the
	// resource as it is: the operator never unbinds certificates from cloud resources.
	// +kubebuilder:validation:MinItems=1
	// +kubebuilder:validation:MaxItems=200
	// +required
	Targets []Target `json:"targets"`

	// CredentialsRef names a Secret in this namespace with keys secretId, secretKey and optional
	// token. Without it and accountRef, the referenced TencentCertificate's credentials or
	// account are used, then the account "default".
	// +optional
	CredentialsRef *LocalObjectReference `json:"credentialsRef,omitempty"`

	// AccountRef names the TencentCloudAccount whose identity deploys; its allowedResourceTypes
	// and allowedRegions must allow spec.resourceType and spec.region.
	// +optional
	AccountRef *AccountReference `json:"accountRef,omitempty"`

	// FailurePolicy says what happens when targets still fail after retryLimit retries.
	// +kubebuilder:default=Retry
	// +optional
	FailurePolicy FailurePolicy `json:"failurePolicy,omitempty"`

	// RetryLimit is how many times failed targets are retried.
	// +kubebuilder:default=3
	// +kubebuilder:validation:Minimum=0
	// +kubebuilder:validation:Maximum=10
	// +optional
	RetryLimit *int32 `json:"retryLimit,omitempty"`

	// DriftCheckInterval is how often the operator checks that the targets still serve the
	// certificate, and redeploys those that do not. 0s turns drift checks off. lighthouse cannot
	// be checked: no call of the SSL API reports which certificate it serves.
	// +kubebuilder:default="1h"
	// +kubebuilder:validation:Type=string
	// +kubebuilder:validation:Pattern="^([0-9]+(\\.[0-9]+)?(ms|s|m|h))+$"
	// +optional
	DriftCheckInterval *metav1.Duration `json:"driftCheckInterval,omitempty"`

	// Suspend stops all Tencent Cloud API calls for this object.
	// +optional
	Suspend bool `json:"suspend,omitempty"`
}

// TargetState is the state of one target.
// +kubebuilder:validation:Enum=Pending;Deploying;Succeeded;Failed;AlreadyBound;RolledBack
type TargetState string

const (
	// TargetPending means the target waits for a deployment task.
	TargetPending TargetState = "Pending"
	// TargetDeploying means a deployment task is running for the target.
	TargetDeploying TargetState = "Deploying"
	// TargetSucceeded means the target serves the certificate.
	TargetSucceeded TargetState = "Succeeded"
	// TargetFailed means the deployment to the target failed.
	TargetFailed TargetState = "Failed"
	// TargetAlreadyBound means the target already served the certificate, so it was not
	// redeployed; it counts as succeeded.
	TargetAlreadyBound TargetState = "AlreadyBound"
	// TargetRolledBack means the target was rolled back to its previous certificate.
	TargetRolledBack TargetState = "RolledBack"
)

// TargetStatus is the observed state of one target.
type TargetStatus struct {
	// ID is the target as rendered for the API, for example lb-abc|lbl-def|www.example.com.
	ID string `json:"id"`
	// State of the target.
	State TargetState `json:"state"`
	// Message explains a failure.
	// +optional
	Message string `json:"message,omitempty"`
	// OldCertificateID is the certificate the target served before the deployment.
	// +optional
	OldCertificateID string `json:"oldCertificateId,omitempty"`
	// LastTransitionTime is when State last changed.
	// +optional
	LastTransitionTime *metav1.Time `json:"lastTransitionTime,omitempty"`
}

// TargetCounts counts targets by outcome.
type TargetCounts struct {
	// Total is the number of targets.
	// +optional
	Total int32 `json:"total,omitempty"`
	// Succeeded counts Succeeded and AlreadyBound targets.
	// +optional
	Succeeded int32 `json:"succeeded,omitempty"`
	// Failed counts Failed and RolledBack targets.
	// +optional
	Failed int32 `json:"failed,omitempty"`
	// Pending counts Pending and Deploying targets.
	// +optional
	Pending int32 `json:"pending,omitempty"`
}

// CertificateDeploymentStatus is the observed state of a CertificateDeployment.
type CertificateDeploymentStatus struct {
	// ObservedGeneration is the last generation that reached an outcome.
	// +kubebuilder:default=-1
	// +optional
	ObservedGeneration int64 `json:"observedGeneration,omitempty"`

	// Conditions: Ready, plus Reconciling, Stalled and Degraded while True.
	// +listType=map
	// +listMapKey=type
	// +optional
	Conditions []metav1.Condition `json:"conditions,omitempty"`

	// CertificateID is the certificate the Succeeded targets serve.
	// +optional
	CertificateID string `json:"certificateId,omitempty"`

	// Record follows the running deployment task, or the last one.
	// +optional
	Record *RecordStatus `json:"record,omitempty"`

	// FailedCertificateID is the certificate whose last deployment failed or was refused. It is not deployed
	// again until the spec or the certificate changes or a reconcile is requested, so that a
	// failing target cannot cause a loop of deployment tasks; drift checks pause meanwhile.
	// +optional
	FailedCertificateID string `json:"failedCertificateId,omitempty"`

	// Targets reports each target, in the order of spec.targets.
	// +kubebuilder:validation:MaxItems=200
	// +optional
	Targets []TargetStatus `json:"targets,omitempty"`

	// Counts of targets by outcome.
	// +optional
	Counts TargetCounts `json:"counts,omitempty"`

	// Summary is "<succeeded>/<total>", for the printer column.
	// +optional
	Summary string `json:"summary,omitempty"`

	// LastDeployTime is when the last deployment finished.
	// +optional
	LastDeployTime *metav1.Time `json:"lastDeployTime,omitempty"`

	// BindingsQuery follows the bound-resource query that tells which certificate tse and tcb
	// targets serve, while it runs.
	// +optional
	BindingsQuery *BindingsQueryStatus `json:"bindingsQuery,omitempty"`

	// LastDriftCheckTime is when the targets were last checked for drift.
	// +optional
	LastDriftCheckTime *metav1.Time `json:"lastDriftCheckTime,omitempty"`

	// LastHandledReconcileAt is the last handled value of the ssl.certsync.io/reconcile-at
	// annotation.
	// +optional
	LastHandledReconcileAt string `json:"lastHandledReconcileAt,omitempty"`
}

// CertificateDeployment keeps a Tencent certificate deployed to a list of cloud resources of
// one type, through renewals and out-of-band changes.
// +kubebuilder:object:root=true
// +kubebuilder:subresource:status
// +kubebuilder:resource:shortName=tccd;certdeploy,categories=tencentssl
// +kubebuilder:printcolumn:name="Ready",type=string,JSONPath=`.status.conditions[?(@.type=="Ready")].status`
// +kubebuilder:printcolumn:name="Type",type=string,JSONPath=`.spec.resourceType`
// +kubebuilder:printcolumn:name="Region",type=string,JSONPath=`.spec.region`
// +kubebuilder:printcolumn:name="Certificate ID",type=string,JSONPath=`.status.certificateId`
// +kubebuilder:printcolumn:name="Targets",type=string,JSONPath=`.status.summary`
// +kubebuilder:printcolumn:name="Record",type=integer,JSONPath=`.status.record.id`,priority=1
// +kubebuilder:printcolumn:name="Status",type=string,JSONPath=`.status.conditions[?(@.type=="Ready")].message`,priority=1
// +kubebuilder:printcolumn:name="Age",type=date,JSONPath=`.metadata.creationTimestamp`
type CertificateDeployment struct {
	metav1.TypeMeta   `json:",inline"`
	metav1.ObjectMeta `json:"metadata,omitempty"`

	// +required
	Spec CertificateDeploymentSpec `json:"spec"`
	// +optional
	Status CertificateDeploymentStatus `json:"status,omitempty"`
}

// +kubebuilder:object:root=true

// CertificateDeploymentList is a list of CertificateDeployments.
type CertificateDeploymentList struct {
	metav1.TypeMeta `json:",inline"`
	metav1.ListMeta `json:"metadata,omitempty"`
	Items           []CertificateDeployment `json:"items"`
}

func init() {
	SchemeBuilder.Register(&CertificateDeployment{}, &CertificateDeploymentList{})
}

// Condition and event reasons of CertificateDeployment, besides the shared ones. DriftDetected
// and TargetsRemoved are used on events only.
const (
	// ReasonCertificateNotReady means the referenced TencentCertificate is missing or not Ready.
	ReasonCertificateNotReady = "CertificateNotReady"
	// ReasonInvalidTargets means the targets cannot be rendered into InstanceIdList entries.
	ReasonInvalidTargets = "InvalidTargets"
	// ReasonDeployInProgress means a deployment record is running.
	ReasonDeployInProgress = "DeployInProgress"
	// ReasonDeployWaiting means another deployment of the same certificate and resource type is
	// running; Tencent allows one at a time.
	ReasonDeployWaiting = "DeployWaiting"
	// ReasonDeployRefused means Tencent refused to create the deployment task, for example
	// because a target does not exist or its domain does not match the certificate.
	ReasonDeployRefused = "DeployRefused"
	// ReasonDeployed means every target serves the certificate.
	ReasonDeployed = "Deployed"
	// ReasonDeployFailed means some targets failed after all retries.
	ReasonDeployFailed = "DeployFailed"
	// ReasonRollingBack means the successful targets are being rolled back.
	ReasonRollingBack = "RollingBack"
	// ReasonRolledBack means the successful targets were rolled back after a failure.
	ReasonRolledBack = "RolledBack"
	// ReasonDriftDetected means targets stopped serving the certificate and are redeployed.
	ReasonDriftDetected = "DriftDetected"
	// ReasonTargetsRemoved means targets left spec.targets; they keep their certificate.
	ReasonTargetsRemoved = "TargetsRemoved"
)
