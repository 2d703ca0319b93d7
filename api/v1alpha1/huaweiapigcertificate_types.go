package v1alpha1

import (
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// APIGDomain names one custom domain of an API group on a Huawei Cloud API Gateway (APIG)
// dedicated instance, by its ID or by its name.
// +kubebuilder:validation:XValidation:rule="has(self.domainId) != has(self.urlDomain)",message="exactly one of domainId and urlDomain must be set"
type APIGDomain struct {
	// GroupID is the API group's ID.
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=64
	// +kubebuilder:validation:Pattern=`^[A-Za-z0-9_-]+$`
	// +required
	GroupID string `json:"groupId"`

	// DomainID is the custom domain's ID within the group.
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=64
	// +kubebuilder:validation:Pattern=`^[A-Za-z0-9_-]+$`
	// +optional
	DomainID string `json:"domainId,omitempty"`

	// URLDomain is the custom domain's name, such as api.example.com; the operator resolves it to
	// the domain ID by reading the group.
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=253
	// +kubebuilder:validation:Pattern=`^(\*\.)?[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?)*$`
	// +optional
	URLDomain string `json:"urlDomain,omitempty"`
}

// HuaweiAPIGCertificateSpec is the desired state of a HuaweiAPIGCertificate.
// +kubebuilder:validation:XValidation:rule="has(self.secretRef) != has(self.certificateRef)",message="exactly one of secretRef and certificateRef must be set"
type HuaweiAPIGCertificateSpec struct {
	// SecretRef names the kubernetes.io/tls Secret in this namespace whose certificate (tls.crt,
	// the leaf followed by its chain) and key (tls.key) are bound to the domains.
	// +optional
	SecretRef *LocalObjectReference `json:"secretRef,omitempty"`

	// CertificateRef names a TencentCertificate in this namespace; its spec.secretRef Secret is
	// followed, so that one Secret feeds both clouds.
	// +optional
	CertificateRef *LocalObjectReference `json:"certificateRef,omitempty"`

	// Region is the Huawei Cloud region of the APIG instance, such as cn-north-4. It selects the
	// endpoint apig.<region>.myhuaweicloud.com.
	// +kubebuilder:validation:Pattern=`^[a-z]+(-[a-z0-9]+)+$`
	// +kubebuilder:validation:MaxLength=32
	// +required
	Region string `json:"region"`

	// ProjectID is the ID of the Huawei Cloud project of the region.
	// +kubebuilder:validation:Pattern=`^[A-Za-z0-9]{1,64}$`
	// +required
	ProjectID string `json:"projectId"`

	// InstanceID is the APIG dedicated instance's ID.
	// +kubebuilder:validation:Pattern=`^[A-Za-z0-9_-]{1,64}$`
	// +required
	InstanceID string `json:"instanceId"`

	// Domains are the custom domains that serve the certificate. Each must be covered by one of
	// the certificate's names.
	// +kubebuilder:validation:MinItems=1
	// +kubebuilder:validation:MaxItems=50
	// +required
	Domains []APIGDomain `json:"domains"`

	// CertificateName is the name APIG shows for the bound certificate: 4 to 50 letters, digits,
	// underscores or Chinese characters, starting with a letter or a Chinese character. Defaults
	// to the object's name with other characters replaced by underscores (status.certificateName).
	// +kubebuilder:validation:MaxLength=50
	// +kubebuilder:validation:XValidation:rule="self.matches('^[A-Za-z\\\\p{Han}][A-Za-z0-9_\\\\p{Han}]{3,49}$')",message="certificateName must be 4 to 50 letters, digits, underscores or Chinese characters, starting with a letter or a Chinese character"
	// +optional
	CertificateName string `json:"certificateName,omitempty"`

	// CredentialsRef names a Secret in this namespace with keys accessKey, secretKey and optional
	// securityToken (temporary credentials). When absent, the operator's own Huawei Cloud
	// credentials are used (HUAWEICLOUD_SDK_AK, HUAWEICLOUD_SDK_SK, HUAWEICLOUD_SDK_SECURITY_TOKEN).
	// +optional
	CredentialsRef *LocalObjectReference `json:"credentialsRef,omitempty"`

	// DeletionPolicy says what happens to the bindings when this object is deleted: Delete unbinds
	// the certificate from every domain that still serves it (DisassociateCertificateV2); Retain
	// leaves the domains as they are. Defaults to Retain, because unbinding turns HTTPS off on a
	// live domain.
	// +kubebuilder:default=Retain
	// +optional
	DeletionPolicy DeletionPolicy `json:"deletionPolicy,omitempty"`
}

// CNAMEStatus is the DNS resolution state APIG reports for a custom domain.
// +kubebuilder:validation:Enum=Unresolved;Resolving;Resolved;Failed;Unknown
type CNAMEStatus string

// CNAME states, from APIG's status 1 to 4.
const (
	CNAMEUnresolved CNAMEStatus = "Unresolved"
	CNAMEResolving  CNAMEStatus = "Resolving"
	CNAMEResolved   CNAMEStatus = "Resolved"
	CNAMEFailed     CNAMEStatus = "Failed"
	CNAMEUnknown    CNAMEStatus = "Unknown"
)

// APIGDomainStatus is what one custom domain was last seen to serve.
type APIGDomainStatus struct {
	// GroupID is the API group's ID.
	GroupID string `json:"groupId"`
	// DomainID is the custom domain's ID.
	DomainID string `json:"domainId"`
	// URLDomain is the custom domain's name.
	// +optional
	URLDomain string `json:"urlDomain,omitempty"`
	// SSLID is APIG's ID of the certificate bound to the domain.
	// +optional
	SSLID string `json:"sslId,omitempty"`
	// SSLName is the bound certificate's name in APIG.
	// +optional
	SSLName string `json:"sslName,omitempty"`
	// Fingerprint is the hex SHA-256 of the leaf certificate the domain serves, as bound or
	// confirmed by this object.
	// +optional
	Fingerprint string `json:"fingerprint,omitempty"`
	// CNAMEStatus is the domain's DNS resolution state when it was last read.
	// +optional
	CNAMEStatus CNAMEStatus `json:"cnameStatus,omitempty"`
	// LastBindTime is when the operator last bound a certificate to the domain.
	// +optional
	LastBindTime *metav1.Time `json:"lastBindTime,omitempty"`
}

// HuaweiAPIGCertificateStatus is the observed state of a HuaweiAPIGCertificate.
type HuaweiAPIGCertificateStatus struct {
	// ObservedGeneration is the last generation that reached an outcome.
	// +kubebuilder:default=-1
	// +optional
	ObservedGeneration int64 `json:"observedGeneration,omitempty"`

	// Conditions: Ready, plus Reconciling and Stalled while True.
	// +listType=map
	// +listMapKey=type
	// +optional
	Conditions []metav1.Condition `json:"conditions,omitempty"`

	// CertificateName is the name the certificate is bound under.
	// +optional
	CertificateName string `json:"certificateName,omitempty"`

	// Fingerprint is the hex SHA-256 of the leaf certificate every listed domain serves.
	// +optional
	Fingerprint string `json:"fingerprint,omitempty"`

	// SerialNumber of that leaf certificate, in hex.
	// +optional
	SerialNumber string `json:"serialNumber,omitempty"`

	// NotAfter is when that certificate expires.
	// +optional
	NotAfter *metav1.Time `json:"notAfter,omitempty"`

	// DNSNames the certificate covers.
	// +optional
	DNSNames []string `json:"dnsNames,omitempty"`

	// Domains lists each listed domain with the certificate it serves.
	// +kubebuilder:validation:MaxItems=50
	// +optional
	Domains []APIGDomainStatus `json:"domains,omitempty"`

	// CleanupAttempts counts the attempts to unbind while this object is being deleted. After a
	// bounded number the object is released and the domains left bound are named in a Warning
	// event.
	// +optional
	CleanupAttempts int32 `json:"cleanupAttempts,omitempty"`

	// LastHandledReconcileAt is the last handled value of the ssl.certsync.io/reconcile-at
	// annotation.
	// +optional
	LastHandledReconcileAt string `json:"lastHandledReconcileAt,omitempty"`
}

// HuaweiAPIGCertificate keeps the certificate of a Kubernetes TLS Secret bound to custom domains
// of Huawei Cloud API Gateway (APIG) dedicated instances, through renewals.
// +kubebuilder:object:root=true
// +kubebuilder:subresource:status
// +kubebuilder:resource:shortName=hwapigcert;hwapigcerts,categories=tencentssl
// +kubebuilder:printcolumn:name="Ready",type=string,JSONPath=`.status.conditions[?(@.type=="Ready")].status`
// +kubebuilder:printcolumn:name="Region",type=string,JSONPath=`.spec.region`
// +kubebuilder:printcolumn:name="Instance",type=string,JSONPath=`.spec.instanceId`,priority=1
// +kubebuilder:printcolumn:name="Expires",type=date,JSONPath=`.status.notAfter`
// +kubebuilder:printcolumn:name="Status",type=string,JSONPath=`.status.conditions[?(@.type=="Ready")].message`,priority=1
// +kubebuilder:printcolumn:name="Age",type=date,JSONPath=`.metadata.creationTimestamp`
type HuaweiAPIGCertificate struct {
	metav1.TypeMeta   `json:",inline"`
	metav1.ObjectMeta `json:"metadata,omitempty"`

	// +required
	Spec HuaweiAPIGCertificateSpec `json:"spec"`
	// +optional
	Status HuaweiAPIGCertificateStatus `json:"status,omitempty"`
}

// +kubebuilder:object:root=true

// HuaweiAPIGCertificateList is a list of HuaweiAPIGCertificates.
type HuaweiAPIGCertificateList struct {
	metav1.TypeMeta `json:",inline"`
	metav1.ListMeta `json:"metadata,omitempty"`
	Items           []HuaweiAPIGCertificate `json:"items"`
}

func init() {
	SchemeBuilder.Register(&HuaweiAPIGCertificate{}, &HuaweiAPIGCertificateList{})
}

// Condition and event reasons of HuaweiAPIGCertificate, besides the shared ones and the
// certificate validation reasons of internal/certs. Bound and Unbound are used on events only.
const (
	// ReasonBound means the certificate was bound to a domain.
	ReasonBound = "Bound"
	// ReasonUnbound means the certificate was unbound from a domain on deletion.
	ReasonUnbound = "Unbound"
	// ReasonDomainNotCovered means a listed domain is not covered by the certificate's names.
	ReasonDomainNotCovered = "DomainNotCovered"
	// ReasonDomainNotFound means APIG has no such instance, group or custom domain.
	ReasonDomainNotFound = "DomainNotFound"
	// ReasonCertificateRefInvalid means the TencentCertificate named by spec.certificateRef
	// does not exist or has no spec.secretRef to follow.
	ReasonCertificateRefInvalid = "CertificateRefInvalid"
)
