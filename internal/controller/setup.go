// Package controller wires the operator's reconcilers into a manager: their options, the
// manager's cache and client settings, and the metrics computed at scrape time.
package controller

import (
	"context"
	"fmt"
	"strings"

	"github.com/prometheus/client_golang/prometheus"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/fields"
	"k8s.io/utils/clock"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/cache"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/metrics"

	"github.com/certsync/tencent-cert-operator/internal/controller/certificatedeployment"
	"github.com/certsync/tencent-cert-operator/internal/controller/tencentcertificate"
	"github.com/certsync/tencent-cert-operator/internal/reconcile"
	"github.com/certsync/tencent-cert-operator/internal/tencentcloud"
)

// Options configure the operator's controllers.
type Options struct {
	// Cloud builds SSL API clients.
	Cloud tencentcloud.Factory
	// Clock is the time source; nil means the real clock.
	Clock clock.Clock
	// TencentCertificate tunes the TencentCertificate controller.
	TencentCertificate tencentcertificate.Options
	// CertificateDeployment tunes the CertificateDeployment controller.
	CertificateDeployment certificatedeployment.Options
	// Metrics receives the operator's metrics; nil means controller-runtime's registry,
	// which the manager serves.
	Metrics prometheus.Registerer
	// ClusterName identifies this cluster in the ownership tags; empty means the UID of the
	// kube-system namespace.
	ClusterName string
	// Namespace is the operator's namespace, which holds the Secrets of TencentCloudAccounts.
	Namespace string
	// DefaultAccount is the TencentCloudAccount of objects that name no identity; empty means
	// "default".
	DefaultAccount string
}

// ClientOptions makes the manager's client read Secrets from the API server instead of a cache,
// so that the operator never holds the data of every Secret in the cluster in memory.
func ClientOptions() client.Options {
	return client.Options{Cache: &client.CacheOptions{DisableFor: []client.Object{&corev1.Secret{}}}}
}

// CacheOptions configures the manager's informer cache: restricted to the namespaces of
// watchNamespaces (comma-separated) when it is set, and without managedFields or kubectl's
// last-applied annotation, which can hold a whole Secret's data. Secrets are cached as
// metadata only, without annotations, and only of the types that can hold a certificate or
// credentials (SecretFieldSelector).
func CacheOptions(watchNamespaces string) cache.Options {
	opts := cache.Options{
		DefaultTransform: stripForCache,
		ByObject: map[client.Object]cache.ByObject{
			&corev1.Secret{}: {Field: SecretFieldSelector, Transform: stripForCache},
		},
	}
	for _, ns := range strings.Split(watchNamespaces, ",") {
		if ns = strings.TrimSpace(ns); ns != "" {
			if opts.DefaultNamespaces == nil {
				opts.DefaultNamespaces = map[string]cache.Config{}
			}
			opts.DefaultNamespaces[ns] = cache.Config{}
		}
	}
	return opts
}

// SecretFieldSelector limits the operator's metadata watch of Secrets to the types that can
// hold a certificate or credentials (kubernetes.io/tls, Opaque and custom types): service
// account tokens, Helm releases, image pull Secrets, bootstrap tokens and SSH or basic auth
// Secrets, most of a cluster's Secrets, are never listed. Referenced Secrets are read with a
// get of their own name.
var SecretFieldSelector = fields.AndSelectors(
	fields.OneTermNotEqualSelector("type", string(corev1.SecretTypeServiceAccountToken)),
	fields.OneTermNotEqualSelector("type", "helm.sh/release.v1"),
	fields.OneTermNotEqualSelector("type", string(corev1.SecretTypeDockercfg)),
	fields.OneTermNotEqualSelector("type", string(corev1.SecretTypeDockerConfigJson)),
	fields.OneTermNotEqualSelector("type", string(corev1.SecretTypeBootstrapToken)),
	fields.OneTermNotEqualSelector("type", string(corev1.SecretTypeBasicAuth)),
	fields.OneTermNotEqualSelector("type", string(corev1.SecretTypeSSHAuth)),
)

// ClusterName returns the default cluster identity of the ownership tags: the UID of the
// kube-system namespace, which is stable for the life of the cluster.
func ClusterName(ctx context.Context, reader client.Reader) (string, error) {
	ns := &metav1.PartialObjectMetadata{}
	ns.SetGroupVersionKind(corev1.SchemeGroupVersion.WithKind("Namespace"))
	if err := reader.Get(ctx, client.ObjectKey{Name: metav1.NamespaceSystem}, ns); err != nil {
		return "", fmt.Errorf("reading the kube-system namespace for the cluster identity (or set --cluster-name): %w", err)
	}
	return string(ns.UID), nil
}

func stripForCache(in any) (any, error) {
	obj, ok := in.(client.Object)
	if !ok {
		return in, nil
	}
	obj.SetManagedFields(nil)
	if _, metadataOnly := obj.(*metav1.PartialObjectMetadata); metadataOnly {
		obj.SetAnnotations(nil)
	} else if a := obj.GetAnnotations(); a != nil {
		delete(a, corev1.LastAppliedConfigAnnotation)
	}
	return obj, nil
}

// Setup registers the controllers and their metrics with mgr.
func Setup(mgr ctrl.Manager, opts Options) error {
	c := opts.Clock
	if c == nil {
		c = clock.RealClock{}
	}
	reg := opts.Metrics
	if reg == nil {
		reg = metrics.Registry
	}
	m, err := newMetrics(reg, mgr.GetCache())
	if err != nil {
		return err
	}
	recorder := mgr.GetEventRecorder("tencent-cert-operator")
	cluster := opts.ClusterName
	if cluster == "" {
		if cluster, err = ClusterName(context.Background(), mgr.GetAPIReader()); err != nil {
			return err
		}
	}
	accounts := &reconcile.Accounts{
		Reader: mgr.GetClient(), Secrets: mgr.GetClient(), Cloud: opts.Cloud,
		Namespace: opts.Namespace, Default: opts.DefaultAccount, Cluster: cluster,
	}
	tc := &tencentcertificate.Reconciler{
		Client:    mgr.GetClient(),
		APIReader: mgr.GetAPIReader(),
		Cloud:     opts.Cloud,
		Accounts:  accounts,
		Recorder:  recorder,
		Clock:     c,
		Options:   opts.TencentCertificate,
	}
	if err := tc.SetupWithManager(mgr); err != nil {
		return err
	}
	cd := &certificatedeployment.Reconciler{
		Client:    mgr.GetClient(),
		APIReader: mgr.GetAPIReader(),
		Cloud:     opts.Cloud,
		Accounts:  accounts,
		Recorder:  recorder,
		Clock:     c,
		Options:   opts.CertificateDeployment,
		Outcomes:  m.deployOutcomes,
	}
	return cd.SetupWithManager(mgr)
}
