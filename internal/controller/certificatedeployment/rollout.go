package certificatedeployment

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	apimeta "k8s.io/apimachinery/pkg/api/meta"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/log"

	sslv1alpha1 "github.com/certsync/tencent-cert-operator/api/v1alpha1"
	"github.com/certsync/tencent-cert-operator/internal/reconcile"
	"github.com/certsync/tencent-cert-operator/internal/tencentcloud"
)

// maxFailuresNamed bounds how many failed targets a condition message lists.
const maxFailuresNamed = 3

// reconcileRollout makes every target serve the wanted certificate. It observes which targets
// already do (one list call per resource type and page), marks those AlreadyBound, and deploys
// only the rest, because Tencent refuses a task for a target that already has the certificate.
// The same observation is the drift check. Steady state makes no call until a check is due.
func (r *Reconciler) reconcileRollout(ctx context.Context, run *run) error {
	if run.certWait != nil {
		return run.certWait
	}
	obj := run.obj
	st := &obj.Status
	if rec := st.Record; rec != nil && !rec.Ended() {
		// reconcileRecord reported progress; nothing else to do until the record ends.
		return nil
	}
	want := run.certID
	driftDue := r.driftDue(obj)
	if st.FailedCertificateID == want && !reconcile.Requested(obj, st.LastHandledReconcileAt) {
		// The last deployment of this certificate failed: no new task until the spec or the
		// certificate changes, or a reconcile is requested.
		if c := apimeta.FindStatusCondition(st.Conditions, sslv1alpha1.DegradedCondition); c != nil {
			return reconcile.NewDegraded(c.Reason, c.Message, 0)
		}
		if c := apimeta.FindStatusCondition(st.Conditions, sslv1alpha1.StalledCondition); c != nil {
			return reconcile.NewTerminal(c.Reason, c.Message)
		}
		return reconcile.NewDegraded(sslv1alpha1.ReasonDeployFailed, "The deployment of certificate "+want+" failed; see status.targets", 0)
	}
	if err := checkDomains(run); err != nil {
		return err
	}
	if st.CertificateID == want && allServing(st.Targets) && !driftDue {
		return nil
	}
	if holder, err := r.taskHolder(ctx, run, want); err != nil || holder != "" {
		if err != nil {
			return err
		}
		return reconcile.NewProgressing(sslv1alpha1.ReasonDeployWaiting,
			fmt.Sprintf("Waiting for the deployment of certificate %s by %s to finish", want, holder), reconcile.Jitter(2*r.Options.PollInterval))
	}
	api, err := r.cloud(ctx, run)
	if err != nil {
		return err
	}
	rt := obj.Spec.ResourceType
	observed, err := r.observe(ctx, run, api, want)
	if err != nil {
		return err
	}
	if observed.pending {
		after := reconcile.PollDelay(r.Clock, st.BindingsQuery.StartTime, r.Options.PollInterval, r.Options.MaxPollInterval)
		if st.CertificateID == want && allServing(st.Targets) {
			// A drift check of a Ready object: it stays Ready while Tencent looks.
			run.requeue = after
			return nil
		}
		return reconcile.NewProgressing(sslv1alpha1.ReasonDeployInProgress, fmt.Sprintf(
			"Asking Tencent Cloud which %s targets serve certificate %s (query task %s)", rt, want, st.BindingsQuery.TaskID), after)
	}
	if driftDue && observed.bound != nil {
		st.LastDriftCheckTime = reconcile.Now(r.Clock)
	}
	bound := observed.bound
	p := plan(string(rt), run.ids, st.Targets, st.CertificateID, want, bound)
	r.applyPlan(run, p)
	if len(p.drifted) > 0 {
		run.events.Add(true, sslv1alpha1.ReasonDriftDetected, "Targets no longer serve certificate %s and are redeployed: %s (RequestId %s)",
			want, strings.Join(p.drifted, ", "), observed.requestID)
	}
	if len(p.pending) == 0 {
		st.CertificateID, st.FailedCertificateID = want, ""
		return nil
	}
	return r.deploy(ctx, run, api, p.pending)
}

func (r *Reconciler) applyPlan(run *run, p rolloutPlan) {
	for i := range run.obj.Status.Targets {
		t := &run.obj.Status.Targets[i]
		if next := p.states[i]; t.State != next {
			t.State, t.Message, t.LastTransitionTime = next, "", reconcile.Now(r.Clock)
		}
	}
}

// taskHolder names another object of this cluster whose running task holds the certificate and
// resource type, from the index on status. Tencent's own answer covers everything else.
func (r *Reconciler) taskHolder(ctx context.Context, run *run, certID string) (string, error) {
	list := &sslv1alpha1.CertificateDeploymentList{}
	if err := r.List(ctx, list, client.MatchingFields{indexRunningTask: taskKey(certID, run.obj.Spec.ResourceType)}); err != nil {
		return "", err
	}
	for _, cd := range list.Items {
		if cd.Namespace != run.obj.Namespace || cd.Name != run.obj.Name {
			return cd.Namespace + "/" + cd.Name, nil
		}
	}
	return "", nil
}

// rolloutPlan says what each target needs.
type rolloutPlan struct {
	// states are the targets' next states: unchanged, AlreadyBound, or Pending.
	states []sslv1alpha1.TargetState
	// pending are the targets to deploy; drifted are those among them that served want before.
	pending, drifted []string
}

// plan decides which targets need a deployment of want. bound maps target keys to the
// certificate Tencent reports they serve, or is nil for a type Tencent does not report on; then
// the status, whose certificate is deployed, is trusted.
func plan(rt string, ids []string, ts []sslv1alpha1.TargetStatus, deployed, want string, bound map[string]string) rolloutPlan {
	p := rolloutPlan{states: make([]sslv1alpha1.TargetState, len(ids))}
	for i, id := range ids {
		state := ts[i].State
		serving := (state == sslv1alpha1.TargetSucceeded || state == sslv1alpha1.TargetAlreadyBound) && deployed == want
		switch {
		case bound == nil && serving:
			p.states[i] = state
			continue
		case bound != nil && bound[tencentcloud.TargetKey(rt, id)] == want:
			if !serving {
				state = sslv1alpha1.TargetAlreadyBound
			}
			p.states[i] = state
			continue
		case bound != nil && serving:
			p.drifted = append(p.drifted, id)
		}
		p.states[i] = sslv1alpha1.TargetPending
		p.pending = append(p.pending, id)
	}
	return p
}

// deploy creates the deployment task for the pending targets through the record machine; its
// record ID is written to status before anything polls it, so that a restart resumes the task.
func (r *Reconciler) deploy(ctx context.Context, run *run, api tencentcloud.API, pending []string) error {
	obj := run.obj
	st := &obj.Status
	rec := &sslv1alpha1.RecordStatus{Kind: sslv1alpha1.RecordDeploy, Phase: sslv1alpha1.RecordCreating, CertificateID: run.certID}
	task := deployTask{in: tencentcloud.DeployInput{
		CertificateID: run.certID, ResourceType: string(obj.Spec.ResourceType), Region: string(obj.Spec.Region), Targets: pending,
	}}
	step, err := r.machine(run).Advance(ctx, api, rec, r.recordRef(run), task, r.policy(run))
	run.events = append(run.events, step.Notes...)
	if rec.ID != 0 {
		st.Record = rec
		for i := range st.Targets {
			if slices.Contains(pending, st.Targets[i].ID) {
				st.Targets[i].State, st.Targets[i].Message, st.Targets[i].LastTransitionTime = sslv1alpha1.TargetDeploying, "", reconcile.Now(r.Clock)
			}
		}
		log.FromContext(ctx).Info("Started deployment", "certificateID", run.certID, "recordID", rec.ID, "targets", len(pending))
		return err
	}
	o := reconcile.As(err)
	if o.Severity != reconcile.Terminal {
		if tencentcloud.Classify(o.Cause) == tencentcloud.ClassWaiting {
			// Tencent runs another task of this certificate and type: wait for it.
			o.Severity, o.Reason = reconcile.Progressing, sslv1alpha1.ReasonDeployWaiting
		}
		return o
	}
	return r.refused(ctx, run, api, pending, o)
}

// refused handles a task Tencent would not create. A target that meanwhile serves the
// certificate, because an earlier task whose answer was lost has finished, is refused as
// "already deployed": that is success, found by looking again with fresh data.
func (r *Reconciler) refused(ctx context.Context, run *run, api tencentcloud.API, pending []string, o *reconcile.Outcome) error {
	if resolved, err := r.lookAgain(ctx, run, api, pending); resolved || err != nil {
		return err
	}
	o.Reason = sslv1alpha1.ReasonDeployRefused
	// Like a failed deployment, a refused one is not tried again until something changes.
	run.obj.Status.FailedCertificateID = run.certID
	run.events.Add(true, o.Reason, "%s%s", o.Message, reconcile.CloudDetails(o.Cause))
	return o
}

// lookAgain reads the targets again after a refusal and plans anew when some of the pending
// ones serve the certificate now, reporting whether that explains the refusal. Only a
// synchronous list can look again at once; the bound-resource query of tse and tcb already
// answered this rollout's plan.
func (r *Reconciler) lookAgain(ctx context.Context, run *run, api tencentcloud.API, pending []string) (bool, error) {
	rt := run.obj.Spec.ResourceType
	if rt.Traits().ObservedByTask {
		return false, nil
	}
	q := tencentcloud.BindingsQuery{ResourceType: string(rt), CertificateID: run.certID, Region: string(run.obj.Spec.Region)}
	observed, err := api.Bindings(ctx, q)
	if err != nil {
		return false, nil
	}
	p := plan(string(rt), run.ids, run.obj.Status.Targets, run.obj.Status.CertificateID, run.certID, observed.Serving)
	if len(p.pending) == len(pending) {
		return false, nil
	}
	r.applyPlan(run, p)
	if len(p.pending) == 0 {
		run.obj.Status.CertificateID, run.obj.Status.FailedCertificateID = run.certID, ""
		return true, nil
	}
	return true, reconcile.NewProgressing(sslv1alpha1.ReasonDeployInProgress, "Targets were found serving the certificate; planning again", r.Options.PollInterval)
}

func allServing(ts []sslv1alpha1.TargetStatus) bool {
	for _, t := range ts {
		if t.State != sslv1alpha1.TargetSucceeded && t.State != sslv1alpha1.TargetAlreadyBound {
			return false
		}
	}
	return true
}

// failedTargets names the first few failed targets with their messages.
func failedTargets(ts []sslv1alpha1.TargetStatus) string {
	var names []string
	for _, t := range ts {
		if t.State == sslv1alpha1.TargetFailed {
			names = append(names, fmt.Sprintf("%s (%s)", t.ID, t.Message))
		}
	}
	if len(names) == 0 {
		return "failed targets"
	}
	if len(names) > maxFailuresNamed {
		names = append(slices.Clip(names[:maxFailuresNamed]), "...")
	}
	return strings.Join(names, "; ")
}

func driftInterval(obj *sslv1alpha1.CertificateDeployment) time.Duration {
	if d := obj.Spec.DriftCheckInterval; d != nil {
		return d.Duration
	}
	return time.Hour
}

// driftDue reports whether the targets should be checked for drift now.
func (r *Reconciler) driftDue(obj *sslv1alpha1.CertificateDeployment) bool {
	d := driftInterval(obj)
	last := obj.Status.LastDriftCheckTime
	return d > 0 && (last == nil || r.Clock.Since(last.Time) >= d)
}
