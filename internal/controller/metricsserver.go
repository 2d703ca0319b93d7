package controller

import (
	"crypto/tls"

	"sigs.k8s.io/controller-runtime/pkg/metrics/filters"
	metricsserver "sigs.k8s.io/controller-runtime/pkg/metrics/server"
)

// +kubebuilder:rbac:groups=authentication.k8s.io,resources=tokenreviews,verbs=create
// +kubebuilder:rbac:groups=authorization.k8s.io,resources=subjectaccessreviews,verbs=create

// MetricsServerOptions serves the metrics at addr. Secure serves HTTPS and lets through only
// requests whose bearer token the API server authenticates (TokenReview) and authorizes for
// get on the non-resource URL /metrics (SubjectAccessReview), as kubebuilder v4 scaffolds.
// certDir holds tls.crt and tls.key, reloaded on change; without them a self-signed certificate
// is used. HTTP/2 is off, against the HTTP/2 rapid reset and stream cancellation attacks.
func MetricsServerOptions(addr string, secure bool, certDir string) metricsserver.Options {
	opts := metricsserver.Options{BindAddress: addr}
	if !secure {
		return opts
	}
	opts.SecureServing = true
	opts.FilterProvider = filters.WithAuthenticationAndAuthorization
	opts.CertDir = certDir
	opts.TLSOpts = []func(*tls.Config){func(c *tls.Config) { c.NextProtos = []string{"http/1.1"} }}
	return opts
}
