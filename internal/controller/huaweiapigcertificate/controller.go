// Package huaweiapigcertificate is the controller of HuaweiAPIGCertificate: it keeps the
// certificate of a Kubernetes TLS Secret bound to custom domains of Huawei Cloud API Gateway
// (APIG) dedicated instances.
//
// A reconcile reads the Secret, validates it and checks that every domain named in the spec is
// covered by the certificate, all before any APIG call. A domain whose status already shows the
// Secret's certificate costs nothing; otherwise its group is read, then the certificate it
// serves, and only when the serial number differs is the certificate bound. Deletion with
// policy Delete unbinds, with a bounded number of attempts.
package huaweiapigcertificate

import (
	"context"
	"errors"
	"fmt"
	"time"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/client-go/tools/events"
	"k8s.io/utils/clock"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/builder"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/handler"
	"sigs.k8s.io/controller-runtime/pkg/log"
	"sigs.k8s.io/controller-runtime/pkg/predicate"

	sslv1alpha1 "github.com/certsync/tencent-cert-operator/api/v1alpha1"
	"github.com/certsync/tencent-cert-operator/internal/certs"
	"github.com/certsync/tencent-cert-operator/internal/huaweicloud"
	"github.com/certsync/tencent-cert-operator/internal/reconcile"
)

// Options configure the controller; zero durations and counts take production defaults.
type Options struct {
	// Cloud builds APIG clients.
	Cloud huaweicloud.Factory
	// Clock is the time source; nil means the real clock.
	Clock clock.PassiveClock
	// ResyncInterval is how often a Ready object is looked at again; the look makes no APIG
	// call while the Secret is unchanged.
	ResyncInterval time.Duration
	// SourceWait is how long to wait for a missing Secret, TencentCertificate or credentials
	// Secret before looking again; their watches usually trigger a reconcile sooner.
	SourceWait time.Duration
	// CleanupAttempts is how many times deletion tries to unbind before it releases the
	// object, and CleanupBackoff the first delay between tries, doubled after each.
	CleanupAttempts int32
	CleanupBackoff  time.Duration
	// OperatorCredentials lets objects without spec.credentialsRef use the operator's own
	// Huawei Cloud credentials. Off, every namespace must bring its own, so that no namespace
	// acts with an identity nobody granted it.
	OperatorCredentials bool
}

func (o *Options) defaults() {
	def := func(d *time.Duration, v time.Duration) {
		if *d <= 0 {
			*d = v
		}
	}
	def(&o.ResyncInterval, 10*time.Minute)
	def(&o.SourceWait, time.Minute)
	def(&o.CleanupBackoff, 10*time.Second)
	if o.CleanupAttempts <= 0 {
		o.CleanupAttempts = 5
	}
	if o.Clock == nil {
		o.Clock = clock.RealClock{}
	}
}

// Field indexes on HuaweiAPIGCertificates, so that an event on a referenced object finds them
// without a scan.
const (
	indexSecretRef      = ".spec.secretRef.name"
	indexCredentialsRef = ".spec.credentialsRef.name"
	indexCertificateRef = ".spec.certificateRef.name"
)

// Reconciler reconciles HuaweiAPIGCertificates.
type Reconciler struct {
	client.Client
	// apiReader reads Secrets from the API server: they are never cached.
	apiReader client.Reader
	recorder  events.EventRecorder
	opts      Options
}

// run carries what one reconcile learned between its steps.
type reconcileRun struct {
	obj    *sslv1alpha1.HuaweiAPIGCertificate
	bundle *certs.Bundle
	api    huaweicloud.API
}

// SetupWithManager registers the controller and its indexes with mgr.
func SetupWithManager(mgr ctrl.Manager, opts Options) error {
	opts.defaults()
	if opts.Cloud == nil {
		return errors.New("huaweiapigcertificate: Options.Cloud is required")
	}
	r := &Reconciler{
		Client:    mgr.GetClient(),
		apiReader: mgr.GetAPIReader(),
		recorder:  mgr.GetEventRecorder("tencent-cert-operator"),
		opts:      opts,
	}
	ref := func(field string, get func(*sslv1alpha1.HuaweiAPIGCertificate) *sslv1alpha1.LocalObjectReference) error {
		return reconcile.IndexReference(mgr, &sslv1alpha1.HuaweiAPIGCertificate{}, field, get)
	}
	if err := errors.Join(
		ref(indexSecretRef, func(o *sslv1alpha1.HuaweiAPIGCertificate) *sslv1alpha1.LocalObjectReference { return o.Spec.SecretRef }),
		ref(indexCredentialsRef, func(o *sslv1alpha1.HuaweiAPIGCertificate) *sslv1alpha1.LocalObjectReference {
			return o.Spec.CredentialsRef
		}),
		ref(indexCertificateRef, func(o *sslv1alpha1.HuaweiAPIGCertificate) *sslv1alpha1.LocalObjectReference {
			return o.Spec.CertificateRef
		}),
	); err != nil {
		return err
	}
	newList := func() client.ObjectList { return &sslv1alpha1.HuaweiAPIGCertificateList{} }
	return ctrl.NewControllerManagedBy(mgr).
		For(&sslv1alpha1.HuaweiAPIGCertificate{}, builder.WithPredicates(
			predicate.Or(predicate.GenerationChangedPredicate{}, predicate.AnnotationChangedPredicate{}))).
		WatchesMetadata(&corev1.Secret{}, handler.EnqueueRequestsFromMapFunc(forSecret(mgr.GetClient(), newList))).
		Watches(&sslv1alpha1.TencentCertificate{}, handler.EnqueueRequestsFromMapFunc(
			reconcile.EnqueueByIndex(mgr.GetClient(), newList, indexCertificateRef))).
		Named("huaweiapigcertificate").
		Complete(r)
}

// +kubebuilder:rbac:groups=ssl.certsync.io,resources=huaweiapigcertificates,verbs=get;list;watch;update;patch
// +kubebuilder:rbac:groups=ssl.certsync.io,resources=huaweiapigcertificates/status,verbs=get;update;patch
// +kubebuilder:rbac:groups=ssl.certsync.io,resources=huaweiapigcertificates/finalizers,verbs=update
// +kubebuilder:rbac:groups=ssl.certsync.io,resources=tencentcertificates,verbs=get;list;watch
// +kubebuilder:rbac:groups="",resources=secrets,verbs=get;list;watch
// +kubebuilder:rbac:groups=events.k8s.io,resources=events,verbs=create;patch

// Reconcile runs the steps that bring one HuaweiAPIGCertificate to its desired state and
// writes its status once, at the end.
func (r *Reconciler) Reconcile(ctx context.Context, req ctrl.Request) (result ctrl.Result, retErr error) {
	obj := &sslv1alpha1.HuaweiAPIGCertificate{}
	if err := r.Get(ctx, req.NamespacedName, obj); err != nil {
		return ctrl.Result{}, client.IgnoreNotFound(err)
	}
	base := obj.DeepCopy()
	run := &reconcileRun{obj: obj}
	defer func() { result, retErr = r.finish(ctx, base, run, retErr) }()

	if !obj.DeletionTimestamp.IsZero() {
		return ctrl.Result{}, r.reconcileDelete(ctx, run)
	}
	return ctrl.Result{}, reconcile.Steps(ctx, run,
		r.reconcileSource,
		r.reconcileCoverage,
		r.reconcileFinalizer,
		r.reconcileBindings,
	)
}

// finish turns the outcome into conditions, events and a result, and writes the status when
// it changed.
func (r *Reconciler) finish(ctx context.Context, base *sslv1alpha1.HuaweiAPIGCertificate, run *reconcileRun, err error) (ctrl.Result, error) {
	obj := run.obj
	if err == nil && !obj.DeletionTimestamp.IsZero() {
		// The finalizer is gone; the object disappears with no status left to write.
		return ctrl.Result{}, nil
	}
	st := &obj.Status
	conds := reconcile.Conditions{List: &st.Conditions, Generation: obj.Generation}
	result, retErr, observed := conds.Apply(err, sslv1alpha1.ReasonSucceeded, readyMessage(obj))
	if observed {
		st.ObservedGeneration = obj.Generation
		st.LastHandledReconcileAt = obj.Annotations[sslv1alpha1.ReconcileRequestAnnotation]
	}
	if err == nil {
		result.RequeueAfter = reconcile.Jitter(r.opts.ResyncInterval)
	}
	reconcile.EmitReadyTransition(r.recorder, obj, base.Status.Conditions, st.Conditions, err)
	return reconcile.Finish(ctx, r.Client, base, obj, func(o client.Object) any { return o.(*sslv1alpha1.HuaweiAPIGCertificate).Status }, result, retErr)
}

func readyMessage(obj *sslv1alpha1.HuaweiAPIGCertificate) string {
	return fmt.Sprintf("Certificate %s is bound to every listed domain (%d)", obj.Status.CertificateName, len(obj.Status.Domains))
}

// forSecret maps a Secret to the objects that read it: as their source, as their credentials,
// or as the source of the TencentCertificate they follow. TencentCertificates are scanned, not
// indexed: their index belongs to the TencentCertificate controller, which may not run here.
func forSecret(c client.Reader, newList func() client.ObjectList) handler.MapFunc {
	direct := reconcile.EnqueueByIndex(c, newList, indexSecretRef, indexCredentialsRef)
	byCertificate := reconcile.EnqueueByIndex(c, newList, indexCertificateRef)
	return func(ctx context.Context, secret client.Object) []ctrl.Request {
		reqs := direct(ctx, secret)
		tcs := &sslv1alpha1.TencentCertificateList{}
		if err := c.List(ctx, tcs, client.InNamespace(secret.GetNamespace())); err != nil {
			log.FromContext(ctx).Error(err, "Failed to list TencentCertificates for a Secret")
			return reqs
		}
		for i := range tcs.Items {
			if ref := tcs.Items[i].Spec.SecretRef; ref != nil && ref.Name == secret.GetName() {
				reqs = append(reqs, byCertificate(ctx, &tcs.Items[i])...)
			}
		}
		return reqs
	}
}
