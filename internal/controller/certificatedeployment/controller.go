// Package certificatedeployment reconciles CertificateDeployments: it keeps a certificate
// deployed to typed targets of one resource type, through renewals and drift.
package certificatedeployment

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/tools/events"
	"k8s.io/utils/clock"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/builder"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/controller"
	"sigs.k8s.io/controller-runtime/pkg/handler"
	"sigs.k8s.io/controller-runtime/pkg/predicate"

	sslv1alpha1 "github.com/certsync/tencent-cert-operator/api/v1alpha1"
	"github.com/certsync/tencent-cert-operator/internal/reconcile"
	"github.com/certsync/tencent-cert-operator/internal/tencentcloud"
)

// Field indexes on CertificateDeployments and, for this controller's own use, on
// TencentCertificates.
const (
	indexCertificateRef = "certificatedeployment.spec.certificateRef"
	indexCredentialsRef = "certificatedeployment.spec.credentialsRef"
	// indexRunningTask finds the object whose task holds a certificate and resource type,
	// since Tencent runs one task per pair.
	indexRunningTask = "certificatedeployment.status.record.task"
	// indexCertificateCredentials maps a credentials Secret to the TencentCertificates whose
	// published credentials name it.
	indexCertificateCredentials = "certificatedeployment.tencentcertificate.status.credentialsRef"
	// indexAccount maps an account to the CertificateDeployments that name it or use the
	// default; those inheriting their TencentCertificate's account follow its status.
	indexAccount = "certificatedeployment.account"
)

// Options tune timing; the zero value gives production defaults.
type Options struct {
	// ResyncInterval is how often a Ready object is looked at again; the look costs no API
	// call unless a drift check is due.
	ResyncInterval time.Duration
	// PollInterval is the first delay between polls of a deployment record; the delay grows
	// with the record's age up to MaxPollInterval.
	PollInterval    time.Duration
	MaxPollInterval time.Duration
	// MaxConcurrentReconciles is how many objects are reconciled at once.
	MaxConcurrentReconciles int
}

func (o *Options) defaults() {
	if o.ResyncInterval == 0 {
		o.ResyncInterval = 10 * time.Minute
	}
	if o.PollInterval == 0 {
		o.PollInterval = 2 * time.Second
	}
	if o.MaxPollInterval == 0 {
		o.MaxPollInterval = time.Minute
	}
	if o.MaxConcurrentReconciles == 0 {
		o.MaxConcurrentReconciles = 4
	}
}

// Reconciler keeps a certificate deployed to Tencent Cloud resources.
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
	// Outcomes counts finished records by resource type and outcome; nil counts nothing.
	Outcomes *prometheus.CounterVec
}

// run carries what one reconcile learned between its steps.
type run struct {
	obj *sslv1alpha1.CertificateDeployment
	api tencentcloud.API
	// certID is the certificate the targets should serve; certWait says why it is not known.
	certID   string
	certWait error
	// dnsNames are the names the certificate covers, when its TencentCertificate publishes them.
	dnsNames []string
	creds    *sslv1alpha1.LocalObjectReference
	// sourceAccount is the TencentCertificate's account, and adopted whether its certificate
	// was adopted rather than uploaded.
	sourceAccount *sslv1alpha1.AccountReference
	adopted       bool
	grant         *reconcile.Grant
	// ids are the rendered targets, in spec order.
	ids []string
	// suspended skips all API calls.
	suspended bool
	// requeue asks for an earlier look than the next resync, for work that is not an error.
	requeue time.Duration
	// events are emitted once, when the reconcile ends.
	events reconcile.Events
}

// +kubebuilder:rbac:groups=ssl.certsync.io,resources=certificatedeployments,verbs=get;list;watch;update;patch
// +kubebuilder:rbac:groups=ssl.certsync.io,resources=certificatedeployments/status,verbs=get;update;patch
// +kubebuilder:rbac:groups=ssl.certsync.io,resources=certificatedeployments/finalizers,verbs=update
// +kubebuilder:rbac:groups=ssl.certsync.io,resources=tencentcertificates,verbs=get;list;watch

// Reconcile runs the steps that keep one CertificateDeployment's targets on its certificate
// and writes its status once, at the end.
func (r *Reconciler) Reconcile(ctx context.Context, req ctrl.Request) (result ctrl.Result, retErr error) {
	obj := &sslv1alpha1.CertificateDeployment{}
	if err := r.Get(ctx, req.NamespacedName, obj); err != nil {
		return ctrl.Result{}, client.IgnoreNotFound(err)
	}
	if !obj.DeletionTimestamp.IsZero() {
		// Certificates stay on the resources; a deleted object only stops managing them.
		return ctrl.Result{}, nil
	}
	base := obj.DeepCopy()
	rn := &run{obj: obj}
	defer func() { result, retErr = r.finish(ctx, base, rn, retErr) }()

	if obj.Spec.Suspend {
		rn.suspended = true
		return ctrl.Result{}, nil
	}
	return ctrl.Result{}, reconcile.Steps(ctx, rn,
		r.reconcileSource,
		r.reconcileAccount,
		r.reconcileTargets,
		r.reconcileRecord,
		r.reconcileRollout,
	)
}

// cloud returns the SSL API client of the granted identity, resolving the credentials on
// first use.
func (r *Reconciler) cloud(ctx context.Context, run *run) (tencentcloud.API, error) {
	if run.api == nil {
		api, err := run.grant.Client(ctx)
		if err != nil {
			return nil, err
		}
		run.api = api
	}
	return run.api, nil
}

// finish turns the outcome into conditions, counts and events, and writes the status when it
// changed.
func (r *Reconciler) finish(ctx context.Context, base *sslv1alpha1.CertificateDeployment, run *run, err error) (ctrl.Result, error) {
	obj := run.obj
	st := &obj.Status
	conds := reconcile.Conditions{List: &st.Conditions, Generation: obj.Generation}
	var result ctrl.Result
	var retErr error
	if run.suspended {
		conds.Set(sslv1alpha1.ReadyCondition, metav1.ConditionUnknown, sslv1alpha1.ReasonSuspended, "Reconciliation is suspended; no Tencent Cloud API calls are made")
		conds.Remove(sslv1alpha1.ReconcilingCondition)
		conds.Remove(sslv1alpha1.StalledCondition)
		st.ObservedGeneration = obj.Generation
	} else {
		var observed bool
		result, retErr, observed = conds.Apply(err, sslv1alpha1.ReasonDeployed,
			fmt.Sprintf("Certificate %s is deployed to %d targets", st.CertificateID, len(st.Targets)))
		if observed {
			st.ObservedGeneration = obj.Generation
			st.LastHandledReconcileAt = obj.Annotations[sslv1alpha1.ReconcileRequestAnnotation]
		}
		if err == nil || reconcile.As(err).Severity == reconcile.Degraded {
			result.RequeueAfter = r.nextLook(obj)
			if run.requeue > 0 && run.requeue < result.RequeueAfter {
				result.RequeueAfter = run.requeue
			}
		}
	}
	st.Counts = countTargets(st.Targets)
	st.Summary = fmt.Sprintf("%d/%d", st.Counts.Succeeded, st.Counts.Total)
	run.events.Emit(r.Recorder, obj)
	reconcile.EmitReadyTransition(r.Recorder, obj, base.Status.Conditions, st.Conditions, err)
	return reconcile.Finish(ctx, r.Client, base, obj, func(o client.Object) any { return o.(*sslv1alpha1.CertificateDeployment).Status }, result, retErr)
}

// nextLook is the resync, or the next drift check when it comes sooner.
func (r *Reconciler) nextLook(obj *sslv1alpha1.CertificateDeployment) time.Duration {
	next := reconcile.Jitter(r.Options.ResyncInterval)
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

// taskKey names the one task Tencent runs per certificate and resource type.
func taskKey(certID string, rt sslv1alpha1.ResourceType) string { return certID + "/" + string(rt) }

// SetupWithManager registers the controller. It watches TencentCertificates, so that a renewal
// is rolled out without user action, and credentials Secrets as metadata only.
func (r *Reconciler) SetupWithManager(mgr ctrl.Manager) error {
	r.Options.defaults()
	if r.Clock == nil {
		r.Clock = clock.RealClock{}
	}
	indexer := mgr.GetFieldIndexer()
	if err := errors.Join(
		reconcile.IndexReference(mgr, &sslv1alpha1.CertificateDeployment{}, indexCertificateRef,
			func(o *sslv1alpha1.CertificateDeployment) *sslv1alpha1.LocalObjectReference {
				return o.Spec.CertificateRef
			}),
		reconcile.IndexReference(mgr, &sslv1alpha1.CertificateDeployment{}, indexCredentialsRef,
			func(o *sslv1alpha1.CertificateDeployment) *sslv1alpha1.LocalObjectReference {
				return o.Spec.CredentialsRef
			}),
		reconcile.IndexReference(mgr, &sslv1alpha1.TencentCertificate{}, indexCertificateCredentials,
			func(o *sslv1alpha1.TencentCertificate) *sslv1alpha1.LocalObjectReference {
				return o.Status.CredentialsRef
			}),
		indexer.IndexField(context.Background(), &sslv1alpha1.CertificateDeployment{}, indexRunningTask, func(o client.Object) []string {
			cd := o.(*sslv1alpha1.CertificateDeployment)
			if rec := cd.Status.Record; rec != nil && !rec.Ended() {
				return []string{taskKey(rec.CertificateID, cd.Spec.ResourceType)}
			}
			return nil
		}),
	); err != nil {
		return err
	}
	deployments := func() client.ObjectList { return &sslv1alpha1.CertificateDeploymentList{} }
	bld, err := r.Accounts.Watch(mgr, ctrl.NewControllerManagedBy(mgr), &sslv1alpha1.CertificateDeployment{}, deployments, indexAccount,
		func(o client.Object) (*sslv1alpha1.AccountReference, *sslv1alpha1.LocalObjectReference) {
			cd := o.(*sslv1alpha1.CertificateDeployment)
			return cd.Spec.AccountRef, cd.Spec.CredentialsRef
		})
	if err != nil {
		return err
	}
	return bld.
		For(&sslv1alpha1.CertificateDeployment{}, builder.WithPredicates(
			predicate.Or(predicate.GenerationChangedPredicate{}, predicate.AnnotationChangedPredicate{}))).
		Watches(&sslv1alpha1.TencentCertificate{}, handler.EnqueueRequestsFromMapFunc(
			reconcile.EnqueueByIndex(mgr.GetClient(), deployments, indexCertificateRef))).
		WatchesMetadata(&corev1.Secret{}, handler.EnqueueRequestsFromMapFunc(r.deploymentsForSecret(mgr.GetClient()))).
		WithOptions(controller.Options{MaxConcurrentReconciles: r.Options.MaxConcurrentReconciles}).
		Named("certificatedeployment").
		Complete(r)
}

// deploymentsForSecret maps a credentials Secret to the CertificateDeployments that use it,
// directly or through their TencentCertificate.
func (r *Reconciler) deploymentsForSecret(c client.Reader) handler.MapFunc {
	deployments := func() client.ObjectList { return &sslv1alpha1.CertificateDeploymentList{} }
	certificates := func() client.ObjectList { return &sslv1alpha1.TencentCertificateList{} }
	direct := reconcile.EnqueueByIndex(c, deployments, indexCredentialsRef)
	viaCertificate := reconcile.EnqueueByIndex(c, certificates, indexCertificateCredentials)
	byCertificate := reconcile.EnqueueByIndex(c, deployments, indexCertificateRef)
	return func(ctx context.Context, secret client.Object) []ctrl.Request {
		reqs := direct(ctx, secret)
		for _, tc := range viaCertificate(ctx, secret) {
			ref := &sslv1alpha1.TencentCertificate{}
			ref.Namespace, ref.Name = tc.Namespace, tc.Name
			reqs = append(reqs, byCertificate(ctx, ref)...)
		}
		return reqs
	}
}
