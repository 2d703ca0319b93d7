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
	"k8s.io/apimachinery/pkg/api/equality"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	apimeta "k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/client-go/tools/events"
	"k8s.io/utils/clock"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/builder"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/handler"
	"sigs.k8s.io/controller-runtime/pkg/log"
	"sigs.k8s.io/controller-runtime/pkg/predicate"
	"sigs.k8s.io/controller-runtime/pkg/reconcile"

	sslv1alpha1 "github.com/certsync/tencent-cert-operator/api/v1alpha1"
	"github.com/certsync/tencent-cert-operator/internal/certs"
	"github.com/certsync/tencent-cert-operator/internal/huaweicloud"
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
	indexer := mgr.GetFieldIndexer()
	for field, ref := range map[string]func(*sslv1alpha1.HuaweiAPIGCertificate) *sslv1alpha1.LocalObjectReference{
		indexSecretRef: func(o *sslv1alpha1.HuaweiAPIGCertificate) *sslv1alpha1.LocalObjectReference { return o.Spec.SecretRef },
		indexCredentialsRef: func(o *sslv1alpha1.HuaweiAPIGCertificate) *sslv1alpha1.LocalObjectReference {
			return o.Spec.CredentialsRef
		},
		indexCertificateRef: func(o *sslv1alpha1.HuaweiAPIGCertificate) *sslv1alpha1.LocalObjectReference {
			return o.Spec.CertificateRef
		},
	} {
		err := indexer.IndexField(context.Background(), &sslv1alpha1.HuaweiAPIGCertificate{}, field, func(o client.Object) []string {
			if ref := ref(o.(*sslv1alpha1.HuaweiAPIGCertificate)); ref != nil {
				return []string{ref.Name}
			}
			return nil
		})
		if err != nil {
			return err
		}
	}
	return ctrl.NewControllerManagedBy(mgr).
		For(&sslv1alpha1.HuaweiAPIGCertificate{}, builder.WithPredicates(
			predicate.Or(predicate.GenerationChangedPredicate{}, predicate.AnnotationChangedPredicate{}))).
		WatchesMetadata(&corev1.Secret{}, handler.EnqueueRequestsFromMapFunc(r.forSecret)).
		Watches(&sslv1alpha1.TencentCertificate{}, handler.EnqueueRequestsFromMapFunc(r.forTencentCertificate)).
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
	for _, step := range []func(context.Context, *reconcileRun) error{
		r.reconcileSource,
		r.reconcileCoverage,
		r.reconcileFinalizer,
		r.reconcileBindings,
	} {
		if err := step(ctx, run); err != nil {
			return ctrl.Result{}, err
		}
	}
	return ctrl.Result{}, nil
}

// finish turns the outcome into conditions, events and a result, and patches the status when
// it changed.
func (r *Reconciler) finish(ctx context.Context, base *sslv1alpha1.HuaweiAPIGCertificate, run *reconcileRun, err error) (ctrl.Result, error) {
	obj := run.obj
	if err == nil && !obj.DeletionTimestamp.IsZero() {
		// The finalizer is gone; the object disappears with no status left to write.
		return ctrl.Result{}, nil
	}
	st := &obj.Status
	if setConditions(&st.Conditions, obj.Generation, err, readyMessage(obj)) {
		st.ObservedGeneration = obj.Generation
		st.LastHandledReconcileAt = obj.Annotations[sslv1alpha1.ReconcileRequestAnnotation]
	}
	r.emitReadyTransition(obj, base.Status.Conditions, err)

	var result ctrl.Result
	var retErr error
	switch s := asStop(err); {
	case err == nil:
		result.RequeueAfter = jitter(r.opts.ResyncInterval)
	case s.class == transient:
		retErr = s
		log.FromContext(ctx).Info("Reconciliation failed; retrying", "reason", s.reason,
			"code", huaweicloud.Code(err), "requestID", huaweicloud.RequestID(err))
	default:
		result.RequeueAfter = s.after
	}
	if !equality.Semantic.DeepEqual(base.Status, obj.Status) {
		if perr := r.Status().Patch(ctx, obj, client.MergeFrom(base)); perr != nil && !apierrors.IsNotFound(perr) {
			return ctrl.Result{}, perr
		}
	}
	return result, retErr
}

func readyMessage(obj *sslv1alpha1.HuaweiAPIGCertificate) string {
	return fmt.Sprintf("Certificate %s is bound to every listed domain (%d)", obj.Status.CertificateName, len(obj.Status.Domains))
}

// emitReadyTransition emits one event when Ready's status or reason changes; the event reason
// is the condition reason and the note adds APIG's error code and request ID.
func (r *Reconciler) emitReadyTransition(obj *sslv1alpha1.HuaweiAPIGCertificate, before []metav1.Condition, cause error) {
	was := apimeta.FindStatusCondition(before, sslv1alpha1.ReadyCondition)
	is := apimeta.FindStatusCondition(obj.Status.Conditions, sslv1alpha1.ReadyCondition)
	if is == nil || (was != nil && was.Status == is.Status && was.Reason == is.Reason) {
		return
	}
	eventType := corev1.EventTypeNormal
	if is.Status != metav1.ConditionTrue {
		eventType = corev1.EventTypeWarning
	}
	r.recorder.Eventf(obj, nil, eventType, is.Reason, "Reconcile", "%s%s", is.Message, apiDetails(cause))
}

// apiDetails formats APIG's error code and request ID of err for an event note.
func apiDetails(err error) string {
	code, id := huaweicloud.Code(err), huaweicloud.RequestID(err)
	switch {
	case code != "" && id != "":
		return fmt.Sprintf(" (error_code %s, request ID %s)", code, id)
	case code != "":
		return fmt.Sprintf(" (error_code %s)", code)
	}
	return ""
}

// forSecret maps a Secret to the objects that read it: as their source, as their credentials,
// or as the source of the TencentCertificate they follow.
func (r *Reconciler) forSecret(ctx context.Context, secret client.Object) []reconcile.Request {
	ns := secret.GetNamespace()
	reqs := r.referrers(ctx, ns, indexSecretRef, secret.GetName())
	reqs = append(reqs, r.referrers(ctx, ns, indexCredentialsRef, secret.GetName())...)
	tcs := &sslv1alpha1.TencentCertificateList{}
	if err := r.List(ctx, tcs, client.InNamespace(ns)); err != nil {
		log.FromContext(ctx).Error(err, "Failed to list TencentCertificates for a Secret")
		return reqs
	}
	for _, tc := range tcs.Items {
		if tc.Spec.SecretRef != nil && tc.Spec.SecretRef.Name == secret.GetName() {
			reqs = append(reqs, r.referrers(ctx, ns, indexCertificateRef, tc.Name)...)
		}
	}
	return reqs
}

func (r *Reconciler) forTencentCertificate(ctx context.Context, tc client.Object) []reconcile.Request {
	return r.referrers(ctx, tc.GetNamespace(), indexCertificateRef, tc.GetName())
}

func (r *Reconciler) referrers(ctx context.Context, ns, index, name string) []reconcile.Request {
	list := &sslv1alpha1.HuaweiAPIGCertificateList{}
	if err := r.List(ctx, list, client.InNamespace(ns), client.MatchingFields{index: name}); err != nil {
		log.FromContext(ctx).Error(err, "Failed to list HuaweiAPIGCertificates", "index", index)
		return nil
	}
	reqs := make([]reconcile.Request, 0, len(list.Items))
	for _, o := range list.Items {
		reqs = append(reqs, reconcile.Request{NamespacedName: types.NamespacedName{Namespace: o.Namespace, Name: o.Name}})
	}
	return reqs
}
