package v1alpha1

// Annotations of a kubernetes.io/tls Secret that annotation sync reads when the operator runs
// with --secret-annotation-sync. They are usually set through a cert-manager Certificate's
// spec.secretTemplate.annotations. The operator never writes them, nor anything else in the
// Secret.
const (
	// SyncAnnotation set to "true" makes the operator create a TencentCertificate with the
	// Secret's name, in its namespace and owned by it. Any other value, or removing it,
	// deletes the generated objects; their deletion policy applies.
	SyncAnnotation = "ssl.certsync.io/sync"
	// AliasAnnotation sets the generated TencentCertificate's spec.alias.
	AliasAnnotation = "ssl.certsync.io/alias"
	// ProjectIDAnnotation sets spec.projectId, a decimal Tencent project ID.
	ProjectIDAnnotation = "ssl.certsync.io/project-id"
	// CredentialsAnnotation sets spec.credentialsRef: the name of a credentials Secret in the
	// same namespace.
	CredentialsAnnotation = "ssl.certsync.io/credentials"
	// OldCertificatesAnnotation sets spec.rotation.oldCertificates: Retain or Delete.
	OldCertificatesAnnotation = "ssl.certsync.io/old-certificates"
	// MuteExpiryNotificationsAnnotation sets spec.rotation.muteExpiryNotifications: true or false.
	MuteExpiryNotificationsAnnotation = "ssl.certsync.io/mute-expiry-notifications"
	// DeletionPolicyAnnotation sets spec.deletionPolicy: Delete or Retain.
	DeletionPolicyAnnotation = "ssl.certsync.io/deletion-policy"
	// DeploymentTemplatesAnnotation lists, comma-separated, the CertificateDeployment templates
	// of the namespace to stamp out for the Secret's certificate.
	DeploymentTemplatesAnnotation = "ssl.certsync.io/deployment-templates"
)

// TemplateLabel set to "true" marks a CertificateDeployment as a template for annotation sync.
// A template must be suspended (spec.suspend: true), so that it deploys nothing itself. Its
// copy for a Secret is named <secret>-<template>, has the template's spec with certificateRef
// set to the generated TencentCertificate, and is not suspended.
const TemplateLabel = "ssl.certsync.io/template"

// TemplateAnnotation names, on a generated CertificateDeployment, the template it was copied
// from.
const TemplateAnnotation = "ssl.certsync.io/template"
