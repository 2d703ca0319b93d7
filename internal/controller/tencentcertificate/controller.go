// Package tencentcertificate reconciles TencentCertificates: it keeps a TLS Secret uploaded to
// the Tencent Cloud SSL service, or adopts an existing certificate, and handles rotation, old
// certificates and deletion.
package tencentcertificate

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
	"sigs.k8s.io/controller-runtime/pkg/controller"
	"sigs.k8s.io/controller-runtime/pkg/handler"
	"sigs.k8s.io/controller-runtime/pkg/predicate"

	sslv1alpha1 "github.com/certsync/tencent-cert-operator/api/v1alpha1"
	"github.com/certsync/tencent-cert-operator/internal/certs"
	"github.com/certsync/tencent-cert-operator/internal/reconcile"
	"github.com/certsync/tencent-cert-operator/internal/tencentcloud"
)

// Field indexes on TencentCertificates, so that a Secret event finds its objects without a scan.
const (
	indexSecretRef        = "tencentcertificate.spec.secretRef"
	indexCredentialsRef   = "tencentcertificate.spec.credentialsRef"
	indexIngressSecretRef = "tencentcertificate.spec.ingressSecret"
	indexAccount          = "tencentcertificate.account"
)

// Options tune timing; the zero value gives production defaults.
type Options struct {
	// ResyncInterval is how often a Ready object is looked at again; the look costs no API call.
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
	// MaxConcurrentReconciles is how many objects are reconciled at once.
	MaxConcurrentReconciles int
}

func (o *Options) defaults() {
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
	if o.MaxConcurrentReconciles == 0 {
		o.MaxConcurrentReconciles = 4
	}
}

// Reconciler keeps a TLS Secret uploaded to the Tencent SSL service.
type Reconciler struct {
	client.Client
	// APIReader reads from the API server, bypassing the cache.
	APIReader client.Reader
	Cloud     tencentcloud.Factory
	// Accounts resolves the identity each object may use.
	Accounts *reconcile.Accounts
	Recorder events.EventRecorder
	Clock    clock.PassiveClock
	Options  Options
}

// run carries what one reconcile learned between its steps.
type run struct {
	obj    *sslv1alpha1.TencentCertificate
	bundle *certs.Bundle
	grant  *reconcile.Grant
	api    tencentcloud.API
	// owners caches the ownership of certificates looked up in this reconcile.
	owners map[string]ownership
	// requeue asks for an earlier look than the resync, for work that is not an error.
	requeue time.Duration
	// events are emitted once, when the reconcile ends.
	events reconcile.Events
}

// +kubebuilder:rbac:groups=ssl.certsync.io,resources=tencentcertificates,verbs=get;list;watch;update;patch
// +kubebuilder:rbac:groups=ssl.certsync.io,resources=tencentcertificates/status,verbs=get;update;patch
// +kubebuilder:rbac:groups=ssl.certsync.io,resources=tencentcertificates/finalizers,verbs=update
// +kubebuilder:rbac:groups="",resources=secrets,verbs=get;list;watch
// +kubebuilder:rbac:groups=events.k8s.io,resources=events,verbs=create;patch

// Reconcile runs the steps that bring one TencentCertificate to its desired state and writes
// its status once, at the end.
func (r *Reconciler) Reconcile(ctx context.Context, req ctrl.Request) (result ctrl.Result, retErr error) {
	obj := &sslv1alpha1.TencentCertificate{}
	if err := r.Get(ctx, req.NamespacedName, obj); err != nil {
		return ctrl.Result{}, client.IgnoreNotFound(err)
	}
	base := obj.DeepCopy()
	rn := &run{obj: obj}
	defer func() { result, retErr = r.finish(ctx, base, rn, retErr) }()

	if !obj.DeletionTimestamp.IsZero() {
		return ctrl.Result{}, r.reconcileDelete(ctx, rn)
	}
	if err := reconcile.Steps(ctx, rn,
		r.reconcileAccount,
		r.reconcileSource,
		r.reconcileFinalizer,
		r.reconcileUpload,
		r.reconcileMetadata,
	); err != nil {
		return ctrl.Result{}, err
	}
	// Housekeeping: each step reports in its own condition, and one failing does not stop the
	// others. Deployments read only the published certificate, so none of this delays them.
	return ctrl.Result{}, errors.Join(
		r.reconcileIngressSecret(ctx, rn),
		r.reconcileHousekeeping(ctx, rn),
	)
}

// reconcileHousekeeping switches bound resources first and handles old certificates only
// once the switch ended, so that nothing still bound to them is muted or deleted early.
func (r *Reconciler) reconcileHousekeeping(ctx context.Context, run *run) error {
	if err := r.reconcileUpdate(ctx, run); err != nil {
		return err
	}
	return r.reconcileOldCertificates(ctx, run)
}

// cloud returns the SSL API client of the identity the account step granted, resolving the
// credentials on first use so that a reconcile with nothing to do never reads them.
func (r *Reconciler) cloud(ctx context.Context, run *run) (tencentcloud.API, error) {
	if run.api == nil {
		if run.grant == nil {
			if err := r.reconcileAccount(ctx, run); err != nil {
				return nil, err
			}
		}
		api, err := run.grant.Client(ctx)
		if err != nil {
			return nil, err
		}
		run.api = api
	}
	return run.api, nil
}

// finish turns the reconcile's outcome into conditions, events and a result, and writes the
// status when it changed.
func (r *Reconciler) finish(ctx context.Context, base *sslv1alpha1.TencentCertificate, run *run, err error) (ctrl.Result, error) {
	obj := run.obj
	run.events.Emit(r.Recorder, obj)
	if err == nil && !obj.DeletionTimestamp.IsZero() {
		// The finalizer is gone; the object disappears with no status left to write.
		return ctrl.Result{}, nil
	}
	conds := reconcile.Conditions{List: &obj.Status.Conditions, Generation: obj.Generation}
	result, retErr, observed := conds.Apply(firstOutcome(err), sslv1alpha1.ReasonSucceeded, readyMessage(obj))
	if observed {
		obj.Status.ObservedGeneration = obj.Generation
		obj.Status.LastHandledReconcileAt = obj.Annotations[sslv1alpha1.ReconcileRequestAnnotation]
	}
	if err == nil {
		result.RequeueAfter = reconcile.Jitter(r.Options.ResyncInterval)
		if run.requeue > 0 && run.requeue < result.RequeueAfter {
			result.RequeueAfter = run.requeue
		}
	}
	reconcile.EmitReadyTransition(r.Recorder, obj, base.Status.Conditions, obj.Status.Conditions, err)
	return reconcile.Finish(ctx, r.Client, base, obj, func(o client.Object) any { return o.(*sslv1alpha1.TencentCertificate).Status }, result, retErr)
}

// firstOutcome picks the error that decides Ready when housekeeping steps failed together.
func firstOutcome(err error) error {
	var joined interface{ Unwrap() []error }
	if errors.As(err, &joined) {
		for _, e := range joined.Unwrap() {
			if e != nil {
				return e
			}
		}
	}
	return err
}

func readyMessage(obj *sslv1alpha1.TencentCertificate) string {
	if obj.Spec.CertificateID != "" {
		return fmt.Sprintf("Adopted certificate %s", obj.Status.CertificateID)
	}
	if u := obj.Status.Update; u != nil && u.Phase == sslv1alpha1.RecordSucceeded && u.CertificateID == obj.Status.CertificateID {
		return fmt.Sprintf("Certificate %s is uploaded and %d bound resources were switched to it", obj.Status.CertificateID, u.Succeeded)
	}
	return fmt.Sprintf("Certificate %s is uploaded", obj.Status.CertificateID)
}

// SetupWithManager registers the controller. Secrets are watched as metadata only, so the
// operator never caches the data of Secrets it does not use.
func (r *Reconciler) SetupWithManager(mgr ctrl.Manager) error {
	r.Options.defaults()
	if r.Clock == nil {
		r.Clock = clock.RealClock{}
	}
	ref := func(field string, get func(*sslv1alpha1.TencentCertificate) *sslv1alpha1.LocalObjectReference) error {
		return reconcile.IndexReference(mgr, &sslv1alpha1.TencentCertificate{}, field, get)
	}
	if err := errors.Join(
		ref(indexSecretRef, func(o *sslv1alpha1.TencentCertificate) *sslv1alpha1.LocalObjectReference { return o.Spec.SecretRef }),
		ref(indexCredentialsRef, func(o *sslv1alpha1.TencentCertificate) *sslv1alpha1.LocalObjectReference {
			return o.Spec.CredentialsRef
		}),
		ref(indexIngressSecretRef, func(o *sslv1alpha1.TencentCertificate) *sslv1alpha1.LocalObjectReference { return o.Spec.IngressSecret }),
	); err != nil {
		return err
	}
	newList := func() client.ObjectList { return &sslv1alpha1.TencentCertificateList{} }
	bld, err := r.Accounts.Watch(mgr, ctrl.NewControllerManagedBy(mgr), &sslv1alpha1.TencentCertificate{}, newList, indexAccount,
		func(o client.Object) (*sslv1alpha1.AccountReference, *sslv1alpha1.LocalObjectReference) {
			tc := o.(*sslv1alpha1.TencentCertificate)
			return tc.Spec.AccountRef, tc.Spec.CredentialsRef
		})
	if err != nil {
		return err
	}
	return bld.
		For(&sslv1alpha1.TencentCertificate{}, builder.WithPredicates(
			predicate.Or(predicate.GenerationChangedPredicate{}, predicate.AnnotationChangedPredicate{}))).
		Owns(&corev1.Secret{}, builder.OnlyMetadata).
		WatchesMetadata(&corev1.Secret{}, handler.EnqueueRequestsFromMapFunc(
			reconcile.EnqueueByIndex(mgr.GetClient(), newList, indexSecretRef, indexCredentialsRef, indexIngressSecretRef))).
		WithOptions(controller.Options{MaxConcurrentReconciles: r.Options.MaxConcurrentReconciles}).
		Named("tencentcertificate").
		Complete(r)
}
