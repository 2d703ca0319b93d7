// Package ingresssecrets declares the permission the TencentCertificate controller needs to
// write the Secrets named by spec.ingressSecret (internal/controller/tencentcertificate,
// ingress.go). It is generated apart from the manager role, into
// config/rbac/ingresssecrets/role.yaml, because controller-gen merges every rule on Secrets into
// one: kept apart, writes can be granted only where ingress Secrets are written, while reads
// are granted wherever certificates are.
package ingresssecrets

// +kubebuilder:rbac:groups="",resources=secrets,verbs=create;update;patch
