package controllers

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/equality"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
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
	"github.com/certsync/tencent-cert-operator/internal/tencentcloud"
)

// Field indexes on CertificateDeployments.
const (
	indexCertificateRef    = ".spec.certificateRef.name"
	indexDeployCredentials = ".spec.credentialsRef.name"
)

// CertificateDeploymentOptions tune timing; the zero value gives production defaults.
type CertificateDeploymentOptions struct {
	// ResyncInterval is how often a Ready object is looked at again; the look costs no API
	// call unless a drift check is due.
	ResyncInterval time.Duration
	// PollInterval is the first delay between polls of a deployment record; the delay doubles
	// with the record's age up to MaxPollInterval.
	PollInterval    time.Duration
	MaxPollInterval time.Duration
}

func (o *CertificateDeploymentOptions) defaults() {
	if o.ResyncInterval == 0 {
		o.ResyncInterval = 10 * time.Minute
	}
	if o.PollInterval == 0 {
		o.PollInterval = 2 * time.Second
	}
	if o.MaxPollInterval == 0 {
		o.MaxPollInterval = time.Minute
	}
}

// CertificateDeploymentReconciler keeps a certificate deployed to Tencent Cloud resources.
type CertificateDeploymentReconciler struct {
	client.Client
	// APIReader reads from the API server, bypassing the cache.
	APIReader client.Reader
	Cloud     tencentcloud.Factory
	Recorder  events.EventRecorder
	Clock     clock.PassiveClock
	Options   CertificateDeploymentOptions

	locks taskLocks
}

// cdRun carries what one reconcile learned between its steps.
type cdRun struct {
	obj *sslv1alpha1.CertificateDeployment
	api tencentcloud.API
	// certID is the certificate the targets should serve; certWait says why it is not known.
	certID   string
	certWait error
	creds    *sslv1alpha1.LocalObjectReference
	// ids are the rendered targets, in spec order.
	ids []string
	// suspended skips all API calls.
	suspended bool
}

// +kubebuilder:rbac:groups=ssl.certsync.io,resources=certificatedeployments,verbs=get;list;watch;update;patch
// +kubebuilder:rbac:groups=ssl.certsync.io,resources=certificatedeployments/status,verbs=get;update;patch
// +kubebuilder:rbac:groups=ssl.certsync.io,resources=certificatedeployments/finalizers,verbs=update

// Reconcile runs the steps that keep one CertificateDeployment's targets on its certificate
// and writes its status once, at the end.
func (r *CertificateDeploymentReconciler) Reconcile(ctx context.Context, req ctrl.Request) (result ctrl.Result, retErr error) {
	obj := &sslv1alpha1.CertificateDeployment{}
	if err := r.Get(ctx, req.NamespacedName, obj); err != nil {
		if apierrors.IsNotFound(err) {
			r.locks.releaseAll(req.NamespacedName)
		}
		return ctrl.Result{}, client.IgnoreNotFound(err)
	}
	if !obj.DeletionTimestamp.IsZero() {
		// Certificates stay on the resources; a deleted object only stops managing them.
		r.locks.releaseAll(req.NamespacedName)
		return ctrl.Result{}, nil
	}
	base := obj.DeepCopy()
	run := &cdRun{obj: obj}
	defer func() { result, retErr = r.finish(ctx, base, run, retErr) }()

	if obj.Spec.Suspend {
		run.suspended = true
		return ctrl.Result{}, nil
	}
	steps := []func(context.Context, *cdRun) error{
		r.reconcileSource,
		r.reconcileTargets,
		r.reconcileRecord,
		r.reconcileRollout,
	}
	for _, step := range steps {
		if err := step(ctx, run); err != nil {
			return ctrl.Result{}, err
		}
	}
	return ctrl.Result{}, nil
}

// cloud returns the SSL API client, resolving the credentials on first use.
func (r *CertificateDeploymentReconciler) cloud(ctx context.Context, run *cdRun) (tencentcloud.API, error) {
	if run.api == nil {
		api, err := cloudFor(ctx, r.Client, r.Cloud, run.obj.Namespace, run.creds)
		if err != nil {
			return nil, err
		}
		run.api = api
	}
	return run.api, nil
}

// finish turns the outcome into conditions, counts and events, and writes the status when it
// changed.
func (r *CertificateDeploymentReconciler) finish(ctx context.Context, base *sslv1alpha1.CertificateDeployment, run *cdRun, err error) (ctrl.Result, error) {
	obj := run.obj
	st := &obj.Status
	conds := conditions{list: &st.Conditions, generation: obj.Generation}
	var result ctrl.Result
	var retErr error
	if run.suspended {
		conds.set(sslv1alpha1.ReadyCondition, metav1.ConditionUnknown, sslv1alpha1.ReasonSuspended, "Reconciliation is suspended; no Tencent Cloud API calls are made")
		conds.remove(sslv1alpha1.ReconcilingCondition)
		conds.remove(sslv1alpha1.StalledCondition)
		st.ObservedGeneration = obj.Generation
	} else {
		var observed bool
		result, retErr, observed = applyOutcome(conds, err, sslv1alpha1.ReasonDeployed,
			fmt.Sprintf("Certificate %s is deployed to %d targets", st.CertificateID, len(st.Targets)))
		if observed {
			st.ObservedGeneration = obj.Generation
			st.LastHandledReconcileAt = obj.Annotations[sslv1alpha1.ReconcileRequestAnnotation]
		}
		if err == nil || asOutcome(err).kind == kindDegraded {
			result.RequeueAfter = r.nextLook(obj)
		}
	}
	if st.DeployingCertificateID == "" {
		// Only a running record holds a lock; whatever ended this reconcile, release the rest.
		r.locks.releaseAll(client.ObjectKeyFromObject(obj))
	}
	st.Counts = countTargets(st.Targets)
	st.Summary = fmt.Sprintf("%d/%d", st.Counts.Succeeded, st.Counts.Total)
	emitReadyTransition(r.Recorder, obj, base.Status.Conditions, st.Conditions, err)
	if perr := writeStatus(ctx, r.Client, base, obj, !equality.Semantic.DeepEqual(base.Status, obj.Status), retErr); perr != nil {
		return ctrl.Result{}, perr
	}
	return result, retErr
}

// nextLook is the resync, or the next drift check when it comes sooner.
func (r *CertificateDeploymentReconciler) nextLook(obj *sslv1alpha1.CertificateDeployment) time.Duration {
	next := jitter(r.Options.ResyncInterval)
	if d := driftInterval(obj); d > 0 {
		due := d
		if last := obj.Status.LastDriftCheckTime; last != nil {
			due = d - r.Clock.Since(last.Time)
		}
		next = min(next, max(due, time.Second))
	}
	return next
}

func countTargets(ts []sslv1alpha1.TargetStatus) sslv1alpha1.TargetCounts {
	c := sslv1alpha1.TargetCounts{Total: int32(len(ts))}
	for _, t := range ts {
		switch t.State {
		case sslv1alpha1.TargetSucceeded, sslv1alpha1.TargetAlreadyBound:
			c.Succeeded++
		case sslv1alpha1.TargetFailed, sslv1alpha1.TargetRolledBack:
			c.Failed++
		default:
			c.Pending++
		}
	}
	return c
}

// SetupWithManager registers the controller. It watches TencentCertificates, so that a renewal
// is rolled out without user action, and credentials Secrets as metadata only.
func (r *CertificateDeploymentReconciler) SetupWithManager(mgr ctrl.Manager) error {
	r.Options.defaults()
	if r.Clock == nil {
		r.Clock = clock.RealClock{}
	}
	if err := errors.Join(
		indexReference(mgr, &sslv1alpha1.CertificateDeployment{}, indexCertificateRef,
			func(o *sslv1alpha1.CertificateDeployment) *sslv1alpha1.LocalObjectReference {
				return o.Spec.CertificateRef
			}),
		indexReference(mgr, &sslv1alpha1.CertificateDeployment{}, indexDeployCredentials,
			func(o *sslv1alpha1.CertificateDeployment) *sslv1alpha1.LocalObjectReference {
				return o.Spec.CredentialsRef
			}),
	); err != nil {
		return err
	}
	return ctrl.NewControllerManagedBy(mgr).
		For(&sslv1alpha1.CertificateDeployment{}, builder.WithPredicates(
			predicate.Or(predicate.GenerationChangedPredicate{}, predicate.AnnotationChangedPredicate{}))).
		Watches(&sslv1alpha1.TencentCertificate{}, handler.EnqueueRequestsFromMapFunc(r.deploymentsFor(indexCertificateRef))).
		WatchesMetadata(&corev1.Secret{}, handler.EnqueueRequestsFromMapFunc(r.deploymentsForSecret)).
		Named("certificatedeployment").
		Complete(r)
}

// deploymentsFor maps an object to the CertificateDeployments whose index names it.
func (r *CertificateDeploymentReconciler) deploymentsFor(index string) handler.MapFunc {
	return func(ctx context.Context, o client.Object) []reconcile.Request {
		list := &sslv1alpha1.CertificateDeploymentList{}
		if err := r.List(ctx, list, client.InNamespace(o.GetNamespace()), client.MatchingFields{index: o.GetName()}); err != nil {
			log.FromContext(ctx).Error(err, "Failed to list CertificateDeployments")
			return nil
		}
		reqs := make([]reconcile.Request, 0, len(list.Items))
		for _, item := range list.Items {
			reqs = append(reqs, reconcile.Request{NamespacedName: types.NamespacedName{Namespace: item.Namespace, Name: item.Name}})
		}
		return reqs
	}
}

// deploymentsForSecret maps a credentials Secret to the CertificateDeployments that use it,
// directly or through their TencentCertificate.
func (r *CertificateDeploymentReconciler) deploymentsForSecret(ctx context.Context, secret client.Object) []reconcile.Request {
	reqs := r.deploymentsFor(indexDeployCredentials)(ctx, secret)
	certs := &sslv1alpha1.TencentCertificateList{}
	if err := r.List(ctx, certs, client.InNamespace(secret.GetNamespace()), client.MatchingFields{indexCredentialsRef: secret.GetName()}); err != nil {
		log.FromContext(ctx).Error(err, "Failed to list TencentCertificates")
		return reqs
	}
	for i := range certs.Items {
		reqs = append(reqs, r.deploymentsFor(indexCertificateRef)(ctx, &certs.Items[i])...)
	}
	return reqs
}

// taskLocks serializes deployments per certificate and resource type across objects, because
// Tencent runs one task per pair and answers a second request with the first one's ID.
type taskLocks struct {
	mu     sync.Mutex
	owners map[string]types.NamespacedName
}

func lockKey(certID string, rt sslv1alpha1.ResourceType) string { return certID + "/" + string(rt) }

// acquire takes the lock for owner and reports whether it holds it; taking it again is a no-op.
func (l *taskLocks) acquire(key string, owner types.NamespacedName) (types.NamespacedName, bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.owners == nil {
		l.owners = map[string]types.NamespacedName{}
	}
	if cur, held := l.owners[key]; held && cur != owner {
		return cur, false
	}
	l.owners[key] = owner
	return owner, true
}

// holder reports another owner of the lock, without taking it.
func (l *taskLocks) holder(key string, owner types.NamespacedName) (types.NamespacedName, bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	cur, held := l.owners[key]
	return cur, held && cur != owner
}

func (l *taskLocks) release(key string, owner types.NamespacedName) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.owners[key] == owner {
		delete(l.owners, key)
	}
}

func (l *taskLocks) releaseAll(owner types.NamespacedName) {
	l.mu.Lock()
	defer l.mu.Unlock()
	for k, o := range l.owners {
		if o == owner {
			delete(l.owners, k)
		}
	}
}
