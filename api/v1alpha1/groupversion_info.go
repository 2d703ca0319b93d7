// Package v1alpha1 contains the API types of the ssl.certsync.io group: TencentCertificate,
// which keeps a Kubernetes TLS Secret uploaded to the Tencent Cloud SSL Certificate service,
// CertificateDeployment, which keeps a certificate deployed to Tencent Cloud resources, and
// HuaweiAPIGCertificate, which keeps a Secret's certificate bound to Huawei Cloud APIG domains.
// +kubebuilder:object:generate=true
// +groupName=ssl.certsync.io
package v1alpha1

import (
	"k8s.io/apimachinery/pkg/runtime/schema"
	"sigs.k8s.io/controller-runtime/pkg/scheme"
)

var (
	// GroupVersion is the group and version of these types.
	GroupVersion = schema.GroupVersion{Group: "ssl.certsync.io", Version: "v1alpha1"}

	// SchemeBuilder adds the types of this group to a scheme.
	SchemeBuilder = &scheme.Builder{GroupVersion: GroupVersion}

	// AddToScheme adds the types of this group to a scheme.
	AddToScheme = SchemeBuilder.AddToScheme
)
