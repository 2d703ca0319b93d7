// Package controller wires the operator's reconcilers into a manager: their options, the
// manager's cache and client settings, and the metrics computed at scrape time.
package controller

import (
	"github.com/prometheus/client_golang/prometheus"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/utils/clock"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/cache"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/metrics"

	"github.com/certsync/tencent-cert-operator/internal/controller/certificatedeployment"
	"github.com/certsync/tencent-cert-operator/internal/controller/tencentcertificate"
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
}

// ClientOptions makes the manager's client read Secrets from the API server instead of a cache,
// so that the operator never holds the data of every Secret in the cluster in memory.
func ClientOptions() client.Options {
	return client.Options{Cache: &client.CacheOptions{DisableFor: []client.Object{&corev1.Secret{}}}}
}

// CacheOptions configures the manager's informer cache: restricted to watchNamespace when it is
// set, and without managedFields or kubectl's last-applied annotation, which can hold a whole
// Secret's data. Secrets are cached as metadata only, without annotations.
func CacheOptions(watchNamespace string) cache.Options {
	opts := cache.Options{DefaultTransform: stripForCache}
	if watchNamespace != "" {
		opts.DefaultNamespaces = map[string]cache.Config{watchNamespace: {}}
	}
	return opts
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
	tc := &tencentcertificate.Reconciler{
		Client:    mgr.GetClient(),
		APIReader: mgr.GetAPIReader(),
		Cloud:     opts.Cloud,
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
		Recorder:  recorder,
		Clock:     c,
		Options:   opts.CertificateDeployment,
		Outcomes:  m.deployOutcomes,
	}
	return cd.SetupWithManager(mgr)
}
