package v1alpha1

import (
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// AccountIdentityType says where the credentials of a TencentCloudAccount come from.
// +kubebuilder:validation:Enum=Secret;TKEOIDC;CVMRole;Ambient
type AccountIdentityType string

const (
	// AccountIdentitySecret reads secretId, secretKey and optional token from a Secret in the
	// operator's namespace.
	AccountIdentitySecret AccountIdentityType = "Secret"
	// AccountIdentityTKEOIDC assumes a CAM role with the pod's TKE OIDC token (the TKE_REGION,
	// TKE_PROVIDER_ID and TKE_WEB_IDENTITY_TOKEN_FILE variables of the operator's pod).
	AccountIdentityTKEOIDC AccountIdentityType = "TKEOIDC"
	// AccountIdentityCVMRole uses the CAM role of the node, from the instance metadata service.
	AccountIdentityCVMRole AccountIdentityType = "CVMRole"
	// AccountIdentityAmbient uses the operator's default chain: environment, TKE OIDC, CVM role.
	AccountIdentityAmbient AccountIdentityType = "Ambient"
)

// AccountIdentity names the Tencent Cloud identity of an account.
// +kubebuilder:validation:XValidation:rule="(self.type == 'Secret') == has(self.secretRef)",message="secretRef is required for type Secret and allowed only there"
// +kubebuilder:validation:XValidation:rule="(self.type == 'TKEOIDC') == has(self.roleArn)",message="roleArn is required for type TKEOIDC and allowed only there"
// +kubebuilder:validation:XValidation:rule="self.type == 'CVMRole' || !has(self.roleName)",message="roleName is allowed only for type CVMRole"
type AccountIdentity struct {
	// Type of the identity.
	// +required
	Type AccountIdentityType `json:"type"`

	// SecretRef names a Secret in the operator's namespace with keys secretId, secretKey and
	// optional token (type Secret). Tenants cannot read or name it: only the operator can.
	// +optional
	SecretRef *LocalObjectReference `json:"secretRef,omitempty"`

	// RoleARN is the CAM role assumed with the pod's TKE OIDC token (type TKEOIDC), such as
	// qcs::cam::uin/100000000001:roleName/team-a.
	// +kubebuilder:validation:Pattern=`^qcs::cam::uin/[0-9]+:role(Name)?/[A-Za-z0-9_+=,.@-]+$`
	// +kubebuilder:validation:MaxLength=256
	// +optional
	RoleARN string `json:"roleArn,omitempty"`

	// RoleName is the CVM role to read from the metadata service (type CVMRole); empty means
	// the role bound to the node.
	// +kubebuilder:validation:Pattern=`^[A-Za-z0-9_+=,.@-]+$`
	// +kubebuilder:validation:MaxLength=128
	// +optional
	RoleName string `json:"roleName,omitempty"`
}

// TencentCloudAccountSpec grants a Tencent Cloud identity to namespaces, for some uses.
type TencentCloudAccountSpec struct {
	// Identity whose credentials the operator uses for objects of the selected namespaces.
	// +required
	Identity AccountIdentity `json:"identity"`

	// NamespaceSelector selects the namespaces whose objects may use this account. An empty
	// selector ({}) selects every namespace; a missing one selects none.
	// +optional
	NamespaceSelector *metav1.LabelSelector `json:"namespaceSelector,omitempty"`

	// AllowedResourceTypes limits the resource types that objects may deploy to or switch with
	// this account. Empty allows every type.
	// +kubebuilder:validation:MaxItems=13
	// +listType=set
	// +optional
	AllowedResourceTypes []ResourceType `json:"allowedResourceTypes,omitempty"`

	// AllowedRegions limits the regions that objects may deploy to or switch in with this
	// account. Empty allows every region.
	// +kubebuilder:validation:MaxItems=64
	// +listType=set
	// +optional
	AllowedRegions []Region `json:"allowedRegions,omitempty"`

	// AllowAdoption lets objects use certificates by ID that no object of their namespace
	// uploaded: a TencentCertificate's spec.certificateId, and a CertificateDeployment's
	// spec.certificateId of a certificate the namespace does not own. Any certificate in the
	// Tencent Cloud account can be named, so leave it off on accounts shared by teams.
	// +kubebuilder:default=false
	// +optional
	AllowAdoption bool `json:"allowAdoption,omitempty"`
}

// TencentCloudAccount grants a Tencent Cloud identity to namespaces, like cert-manager's
// ClusterIssuer grants an issuer. TencentCertificates and CertificateDeployments name one in
// spec.accountRef; those that name none and have no spec.credentialsRef use the account called
// "default". An object whose namespace the account does not select, or that uses a resource
// type, a region or an adoption the account does not allow, is Stalled and makes no API call.
// +kubebuilder:object:root=true
// +kubebuilder:resource:scope=Cluster,shortName=tcaccount;tcaccounts,categories=tencentssl
// +kubebuilder:printcolumn:name="Identity",type=string,JSONPath=`.spec.identity.type`
// +kubebuilder:printcolumn:name="Adoption",type=boolean,JSONPath=`.spec.allowAdoption`
// +kubebuilder:printcolumn:name="Types",type=string,JSONPath=`.spec.allowedResourceTypes`,priority=1
// +kubebuilder:printcolumn:name="Regions",type=string,JSONPath=`.spec.allowedRegions`,priority=1
// +kubebuilder:printcolumn:name="Age",type=date,JSONPath=`.metadata.creationTimestamp`
type TencentCloudAccount struct {
	metav1.TypeMeta   `json:",inline"`
	metav1.ObjectMeta `json:"metadata,omitempty"`

	// +required
	Spec TencentCloudAccountSpec `json:"spec"`
}

// +kubebuilder:object:root=true

// TencentCloudAccountList is a list of TencentCloudAccounts.
type TencentCloudAccountList struct {
	metav1.TypeMeta `json:",inline"`
	metav1.ListMeta `json:"metadata,omitempty"`
	Items           []TencentCloudAccount `json:"items"`
}

func init() {
	SchemeBuilder.Register(&TencentCloudAccount{}, &TencentCloudAccountList{})
}

// DefaultAccountName is the account that objects naming neither spec.accountRef nor
// spec.credentialsRef use.
const DefaultAccountName = "default"

// Reasons of the account rules, shared by both kinds. Each names the rule that refused.
const (
	// ReasonAccountNotFound means the named (or the default) TencentCloudAccount does not exist.
	ReasonAccountNotFound = "AccountNotFound"
	// ReasonNamespaceNotAllowed means the account's namespaceSelector does not select the
	// object's namespace.
	ReasonNamespaceNotAllowed = "NamespaceNotAllowed"
	// ReasonResourceTypeNotAllowed means a resource type is not in allowedResourceTypes.
	ReasonResourceTypeNotAllowed = "ResourceTypeNotAllowed"
	// ReasonRegionNotAllowed means a region is not in allowedRegions.
	ReasonRegionNotAllowed = "RegionNotAllowed"
	// ReasonAdoptionNotAllowed means the object names a certificate its namespace does not own
	// and the account does not allow adoption.
	ReasonAdoptionNotAllowed = "AdoptionNotAllowed"
	// ReasonCertificateNotOwned means a certificate is not the object's (or, for a
	// CertificateDeployment's spec.certificateId, not its namespace's) by its ownership tags.
	// A TencentCertificate then neither mutes, switches from nor deletes it; a
	// CertificateDeployment through an account without allowAdoption does not deploy it.
	ReasonCertificateNotOwned = "CertificateNotOwned"
	// ReasonAccountInvalid means the account cannot be used as written, for example an invalid
	// namespaceSelector.
	ReasonAccountInvalid = "AccountInvalid"
)

// TagCluster is the ownership tag naming the cluster that uploaded a certificate: the
// --cluster-name flag, by default the UID of the kube-system namespace. Together with
// TagNamespace and TagName it names the owning object.
const TagCluster = "certsync.io/cluster"

// TagFingerprint is the tag holding the hex SHA-256 of the uploaded leaf certificate, so that
// an upload lost before its status write is found by a tag lookup.
const TagFingerprint = "certsync.io/fingerprint"
