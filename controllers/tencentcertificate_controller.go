package controllers

import (
	"context"
	"errors"
	"fmt"
	"time"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/equality"
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
	"github.com/certsync/tencent-cert-operator/internal/tencentcloud"
)

// Field indexes on TencentCertificates, so a Secret event finds its objects without a scan.
const (
	indexSecretRef        = ".spec.secretRef.name"
	indexCredentialsRef   = ".spec.credentialsRef.name"
	indexIngressSecretRef = ".spec.ingressSecret.name"
)

// TencentCertificateOptions tune timing; the zero value gives production defaults.
type TencentCertificateOptions struct {
	// ResyncInterval is how often a Ready object is looked at again; the check costs no API call.
	ResyncInterval time.Duration
	// PollInterval is the first delay between polls of an update record; it grows to MaxPollInterval.
	PollInterval    time.Duration
	MaxPollInterval time.Duration
	// UpdateRetryLimit is how many times failed items of an update record are retried; a
	// negative value turns retries off.
	UpdateRetryLimit int32
	// CleanupAttempts is how many times deletion tries to remove bound certificates before it
	// releases the object, and CleanupBackoff the first delay between tries.
	CleanupAttempts int32
	CleanupBackoff  time.Duration
	// OldCertificateRecheck is how often a superseded certificate that is still bound is
	// checked again for deletion.
	OldCertificateRecheck time.Duration
}

func (o *TencentCertificateOptions) defaults() {
	def := func(d *time.Duration, v time.Duration) {
		if *d == 0 {
			*d = v
		}
	}
	def(&o.ResyncInterval, 10*time.Minute)
	def(&o.PollInterval, 2*time.Second)
	def(&o.MaxPollInterval, time.Minute)
	def(&o.CleanupBackoff, 10*time.Second)
	def(&o.OldCertificateRecheck, 5*time.Minute)
	if o.UpdateRetryLimit == 0 {
		o.UpdateRetryLimit = 3
	}
	if o.CleanupAttempts == 0 {
		o.CleanupAttempts = 6
	}
}

// TencentCertificateReconciler keeps a TLS Secret uploaded to the Tencent SSL service.
type TencentCertificateReconciler struct {
	client.Client
	// APIReader reads from the API server, bypassing the cache.
	APIReader client.Reader
	Cloud     tencentcloud.Factory
	Recorder  events.EventRecorder
	Clock     clock.PassiveClock
	Options   TencentCertificateOptions
}

// tcRun carries what one reconcile learned between its steps.
type tcRun struct {
	obj    *sslv1alpha1.TencentCertificate
	bundle *certs.Bundle
	api    tencentcloud.API
	// requeue asks for an earlier look than the resync, for work that is not an error.
	requeue time.Duration
	// retryNow retries failed update items once more, on the user's request.
	retryNow bool
}

// +kubebuilder:rbac:groups=ssl.certsync.io,resources=tencentcertificates,verbs=get;list;watch;update;patch
// +kubebuilder:rbac:groups=ssl.certsync.io,resources=tencentcertificates/status,verbs=get;update;patch
// +kubebuilder:rbac:groups=ssl.certsync.io,resources=tencentcertificates/finalizers,verbs=update
// +kubebuilder:rbac:groups="",resources=secrets,verbs=get;list;watch;create;update;patch
// +kubebuilder:rbac:groups=events.k8s.io,resources=events,verbs=create;patch

// Reconcile runs the steps that bring one TencentCertificate to its desired state and writes
// its status once, at the end.
func (r *TencentCertificateReconciler) Reconcile(ctx context.Context, req ctrl.Request) (result ctrl.Result, retErr error) {
	obj := &sslv1alpha1.TencentCertificate{}
	if err := r.Get(ctx, req.NamespacedName, obj); err != nil {
		return ctrl.Result{}, client.IgnoreNotFound(err)
	}
	base := obj.DeepCopy()
	run := &tcRun{obj: obj}
	defer func() { result, retErr = r.finish(ctx, base, run, retErr) }()

	if !obj.DeletionTimestamp.IsZero() {
		return ctrl.Result{}, r.reconcileDelete(ctx, run)
	}
	steps := []func(context.Context, *tcRun) error{
		r.reconcileSource,
		r.reconcileFinalizer,
		r.reconcileUpload,
		r.reconcileIngressSecret,
		r.reconcileUpdate,
		r.reconcileOldCertificates,
	}
	for _, step := range steps {
		if err := step(ctx, run); err != nil {
			return ctrl.Result{}, err
		}
	}
	return ctrl.Result{}, nil
}

// cloud returns the SSL API client for the object's credentials, resolving them on first use
// so that a reconcile with nothing to do never reads them.
func (r *TencentCertificateReconciler) cloud(ctx context.Context, run *tcRun) (tencentcloud.API, error) {
	if run.api == nil {
		api, err := cloudFor(ctx, r.Client, r.Cloud, run.obj.Namespace, run.obj.Spec.CredentialsRef)
		if err != nil {
			return nil, err
		}
		run.api = api
	}
	return run.api, nil
}

// finish turns the reconcile's outcome into conditions, events and a result, and writes the
// status when it changed.
func (r *TencentCertificateReconciler) finish(ctx context.Context, base *sslv1alpha1.TencentCertificate, run *tcRun, err error) (ctrl.Result, error) {
	obj := run.obj
	if err == nil && !obj.DeletionTimestamp.IsZero() {
		// The finalizer is gone; the object disappears with no status left to write.
		return ctrl.Result{}, nil
	}
	conds := conditions{list: &obj.Status.Conditions, generation: obj.Generation}
	result, retErr, observed := applyOutcome(conds, err, sslv1alpha1.ReasonSucceeded, readyMessage(obj))
	if observed {
		obj.Status.ObservedGeneration = obj.Generation
		obj.Status.LastHandledReconcileAt = obj.Annotations[sslv1alpha1.ReconcileRequestAnnotation]
	}
	if err == nil {
		result.RequeueAfter = jitter(r.Options.ResyncInterval)
		if run.requeue > 0 && run.requeue < result.RequeueAfter {
			result.RequeueAfter = run.requeue
		}
	}
	emitReadyTransition(r.Recorder, obj, base.Status.Conditions, obj.Status.Conditions, err)
	if perr := writeStatus(ctx, r.Client, base, obj, !equality.Semantic.DeepEqual(base.Status, obj.Status), retErr); perr != nil {
		return ctrl.Result{}, perr
	}
	return result, retErr
}

func readyMessage(obj *sslv1alpha1.TencentCertificate) string {
	if obj.Spec.CertificateID != "" {
		return fmt.Sprintf("Adopted certificate %s", obj.Status.CertificateID)
	}
	if u := obj.Status.Update; u != nil && u.Phase == sslv1alpha1.UpdateSucceeded && u.CertificateID == obj.Status.CertificateID {
		return fmt.Sprintf("Certificate %s is uploaded and %d bound resources were switched to it", obj.Status.CertificateID, u.Succeeded)
	}
	return fmt.Sprintf("Certificate %s is uploaded", obj.Status.CertificateID)
}

// SetupWithManager registers the controller. Secrets are watched as metadata only, so the
// operator never caches the data of Secrets it does not use.
func (r *TencentCertificateReconciler) SetupWithManager(mgr ctrl.Manager) error {
	r.Options.defaults()
	if r.Clock == nil {
		r.Clock = clock.RealClock{}
	}
	if err := errors.Join(
		indexReference(mgr, &sslv1alpha1.TencentCertificate{}, indexSecretRef,
			func(o *sslv1alpha1.TencentCertificate) *sslv1alpha1.LocalObjectReference { return o.Spec.SecretRef }),
		indexReference(mgr, &sslv1alpha1.TencentCertificate{}, indexCredentialsRef,
			func(o *sslv1alpha1.TencentCertificate) *sslv1alpha1.LocalObjectReference {
				return o.Spec.CredentialsRef
			}),
		indexReference(mgr, &sslv1alpha1.TencentCertificate{}, indexIngressSecretRef,
			func(o *sslv1alpha1.TencentCertificate) *sslv1alpha1.LocalObjectReference { return o.Spec.IngressSecret }),
	); err != nil {
		return err
	}
	return ctrl.NewControllerManagedBy(mgr).
		For(&sslv1alpha1.TencentCertificate{}, builder.WithPredicates(
			predicate.Or(predicate.GenerationChangedPredicate{}, predicate.AnnotationChangedPredicate{}))).
		Owns(&corev1.Secret{}, builder.OnlyMetadata).
		WatchesMetadata(&corev1.Secret{}, handler.EnqueueRequestsFromMapFunc(r.certificatesForSecret)).
		Named("tencentcertificate").
		Complete(r)
}

// certificatesForSecret maps a Secret to the TencentCertificates that read it as their source
// or their credentials, or that want to write it as their ingress Secret.
func (r *TencentCertificateReconciler) certificatesForSecret(ctx context.Context, secret client.Object) []reconcile.Request {
	var reqs []reconcile.Request
	for _, index := range []string{indexSecretRef, indexCredentialsRef, indexIngressSecretRef} {
		list := &sslv1alpha1.TencentCertificateList{}
		if err := r.List(ctx, list, client.InNamespace(secret.GetNamespace()), client.MatchingFields{index: secret.GetName()}); err != nil {
			log.FromContext(ctx).Error(err, "Failed to list TencentCertificates for a Secret")
			continue
		}
		for _, item := range list.Items {
			reqs = append(reqs, reconcile.Request{NamespacedName: types.NamespacedName{Namespace: item.Namespace, Name: item.Name}})
		}
	}
	return reqs
}

func now(c clock.PassiveClock) *metav1.Time {
	t := metav1.NewTime(c.Now().Truncate(time.Second))
	return &t
}
