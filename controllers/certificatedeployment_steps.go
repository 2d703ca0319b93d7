package controllers

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sort"
	"strings"
	"time"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	apimeta "k8s.io/apimachinery/pkg/api/meta"
	"k8s.io/utils/ptr"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/log"

	sslv1alpha1 "github.com/certsync/tencent-cert-operator/api/v1alpha1"
	"github.com/certsync/tencent-cert-operator/internal/targets"
	"github.com/certsync/tencent-cert-operator/internal/tencentcloud"
)

// recordPage is the largest page DescribeHostDeployRecordDetail returns.
const recordPage = 200

// reconcileSource decides which certificate the targets should serve and whose credentials to
// use. While the referenced TencentCertificate is missing or not Ready it records why in
// certWait, so that a running record is still polled before the reconcile waits.
func (r *CertificateDeploymentReconciler) reconcileSource(ctx context.Context, run *cdRun) error {
	spec := run.obj.Spec
	run.creds = spec.CredentialsRef
	if spec.CertificateRef == nil {
		run.certID = spec.CertificateID
		return nil
	}
	tc := &sslv1alpha1.TencentCertificate{}
	err := r.Get(ctx, client.ObjectKey{Namespace: run.obj.Namespace, Name: spec.CertificateRef.Name}, tc)
	switch {
	case apierrors.IsNotFound(err):
		run.certWait = waiting(sslv1alpha1.ReasonCertificateNotReady,
			fmt.Sprintf("TencentCertificate %q not found", spec.CertificateRef.Name), r.Options.ResyncInterval)
		return nil
	case err != nil:
		return err
	}
	if run.creds == nil {
		run.creds = tc.Spec.CredentialsRef
	}
	ready := apimeta.IsStatusConditionTrue(tc.Status.Conditions, sslv1alpha1.ReadyCondition)
	if !ready || tc.Status.CertificateID == "" {
		msg := fmt.Sprintf("Waiting for TencentCertificate %q to be Ready", spec.CertificateRef.Name)
		run.certWait = waiting(sslv1alpha1.ReasonCertificateNotReady, msg, r.Options.ResyncInterval)
		if apimeta.IsStatusConditionTrue(tc.Status.Conditions, sslv1alpha1.ReconcilingCondition) {
			// The certificate is being renewed or rolled out: part of a normal rollout here too.
			run.certWait = progressing(sslv1alpha1.ReasonCertificateNotReady, msg, r.Options.ResyncInterval)
		}
		return nil
	}
	run.certID = tc.Status.CertificateID
	return nil
}

// reconcileTargets renders the targets and lines status.targets up with them. Targets removed
// from the spec keep their certificate: the operator never unbinds cloud resources.
func (r *CertificateDeploymentReconciler) reconcileTargets(_ context.Context, run *cdRun) error {
	ids, err := targets.RenderAll(&run.obj.Spec)
	if err != nil {
		return terminal(sslv1alpha1.ReasonInvalidTargets, "Invalid targets: "+err.Error())
	}
	run.ids = ids
	st := &run.obj.Status
	if run.obj.Generation != st.ObservedGeneration {
		// A changed spec deserves a new attempt.
		st.FailedCertificateID = ""
	}
	previous := map[string]sslv1alpha1.TargetStatus{}
	for _, t := range st.Targets {
		previous[t.ID] = t
	}
	next := make([]sslv1alpha1.TargetStatus, 0, len(ids))
	for _, id := range ids {
		t, ok := previous[id]
		if !ok {
			t = sslv1alpha1.TargetStatus{ID: id, State: sslv1alpha1.TargetPending, LastTransitionTime: now(r.Clock)}
		}
		delete(previous, id)
		next = append(next, t)
	}
	if len(previous) > 0 {
		removed := make([]string, 0, len(previous))
		for id := range previous {
			removed = append(removed, id)
		}
		sort.Strings(removed)
		r.Recorder.Eventf(run.obj, nil, corev1.EventTypeNormal, sslv1alpha1.ReasonTargetsRemoved, "Update",
			"Targets removed from the spec keep their current certificate: %s", strings.Join(removed, ", "))
	}
	st.Targets = next
	return nil
}

// reconcileRecord polls the running deployment or rollback record into status.targets. When
// the record ends it retries failed items up to retryLimit with backoff, then rolls back or
// reports Degraded, as failurePolicy says. It owns DeployInProgress, RollingBack, DeployFailed
// and RolledBack.
func (r *CertificateDeploymentReconciler) reconcileRecord(ctx context.Context, run *cdRun) error {
	st := &run.obj.Status
	if st.DeployingCertificateID == "" || st.DeployRecordID == 0 {
		return nil
	}
	key := client.ObjectKeyFromObject(run.obj)
	r.locks.acquire(lockKey(st.DeployingCertificateID, run.obj.Spec.ResourceType), key)
	api, err := r.cloud(ctx, run)
	if err != nil {
		return err
	}
	rollback := st.RollbackRecordID != 0
	recordID := st.DeployRecordID
	if rollback {
		recordID = st.RollbackRecordID
	}
	rec, err := deployRecordItems(ctx, api, recordID)
	if tencentcloud.IsNotFound(err) {
		// The record is gone; plan again from what the targets serve now.
		r.locks.release(lockKey(st.DeployingCertificateID, run.obj.Spec.ResourceType), key)
		st.DeployingCertificateID, st.RollbackRecordID = "", 0
		return progressing(sslv1alpha1.ReasonDeployInProgress, fmt.Sprintf("Deployment record %d no longer exists", recordID), r.Options.PollInterval)
	}
	if err != nil {
		return inFlight(cloudOutcome("read the deployment record", err, r.Options.PollInterval))
	}
	r.applyItems(run, rec.items, rollback)
	if rec.running > 0 || len(rec.items) == 0 {
		reason := sslv1alpha1.ReasonDeployInProgress
		if rollback {
			reason = sslv1alpha1.ReasonRollingBack
		}
		return progressing(reason, fmt.Sprintf("Deploying certificate %s: %d of %d targets done",
			st.DeployingCertificateID, rec.success+rec.failed, len(rec.items)),
			pollDelay(r.Clock, st.DeployStartTime, r.Options.PollInterval, r.Options.MaxPollInterval))
	}
	if rollback {
		msg := fmt.Sprintf("Rolled back %d targets to their previous certificate after %s", rec.success, failedTargets(st.Targets))
		if rec.failed > 0 {
			msg = fmt.Sprintf("Rolled back %d targets; %d targets are on neither certificate: %s", rec.success, rec.failed, failedTargets(st.Targets))
		}
		return r.endRecord(run, false, degraded(sslv1alpha1.ReasonRolledBack, msg, 0), rec.requestID)
	}
	if rec.failed == 0 {
		return r.endRecord(run, true, nil, rec.requestID)
	}
	spec := run.obj.Spec
	limit := ptr.Deref(spec.RetryLimit, 3)
	if st.Retries < limit {
		// Back off before each retry: PollInterval, doubling with every attempt.
		if wait := (r.Options.PollInterval << st.Retries) - r.Clock.Since(lastFailure(st.Targets)); wait > 0 {
			return progressing(sslv1alpha1.ReasonDeployInProgress, fmt.Sprintf("Retrying %d failed targets", rec.failed), wait)
		}
		resp, err := api.DeployCertificateRecordRetry(ctx, &tencentcloud.DeployCertificateRecordRetryRequest{DeployRecordId: tencentcloud.FlexInt(st.DeployRecordID)})
		if err != nil {
			return inFlight(cloudOutcome("retry the failed targets", err, r.Options.PollInterval))
		}
		st.Retries++
		r.Recorder.Eventf(run.obj, nil, corev1.EventTypeWarning, sslv1alpha1.ReasonDeployInProgress, "Retry",
			"Retrying %s of record %d (attempt %d of %d) (RequestId %s)", failedTargets(st.Targets), st.DeployRecordID,
			st.Retries, limit, resp.RequestId)
		return progressing(sslv1alpha1.ReasonDeployInProgress, fmt.Sprintf("Retrying %d failed targets", rec.failed), r.Options.PollInterval)
	}
	if spec.FailurePolicy == sslv1alpha1.FailurePolicyRollback && rec.success > 0 {
		resp, err := api.DeployCertificateRecordRollback(ctx, &tencentcloud.DeployCertificateRecordRollbackRequest{DeployRecordId: tencentcloud.FlexInt(st.DeployRecordID)})
		if err != nil {
			return inFlight(cloudOutcome("roll back the deployment", err, r.Options.PollInterval))
		}
		st.RollbackRecordID = int64(resp.DeployRecordId)
		r.Recorder.Eventf(run.obj, nil, corev1.EventTypeWarning, sslv1alpha1.ReasonRollingBack, "Rollback",
			"Rolling back %d targets of record %d with record %d after %s (RequestId %s)",
			rec.success, st.DeployRecordID, st.RollbackRecordID, failedTargets(st.Targets), resp.RequestId)
		return progressing(sslv1alpha1.ReasonRollingBack, "Rolling back to the previous certificate", r.Options.PollInterval)
	}
	return r.endRecord(run, rec.success > 0, degraded(sslv1alpha1.ReasonDeployFailed,
		fmt.Sprintf("%d of %d targets failed after %d retries: %s", rec.failed, len(rec.items), st.Retries, failedTargets(st.Targets)), 0), rec.requestID)
}

// inFlight keeps a record's object progressing while Tencent asks it to wait: a wait during a
// running record is part of the rollout, not a reason to report the object as not Ready.
func inFlight(o *outcome) *outcome {
	if o.kind == kindWaiting {
		o.kind = kindProgressing
	}
	return o
}

// lastFailure is when the most recent target failed.
func lastFailure(ts []sslv1alpha1.TargetStatus) time.Time {
	var last time.Time
	for _, t := range ts {
		if t.State == sslv1alpha1.TargetFailed && t.LastTransitionTime != nil && t.LastTransitionTime.After(last) {
			last = t.LastTransitionTime.Time
		}
	}
	return last
}

// endRecord closes the running record. deployed says whether the certificate now serves the
// successful targets; failure, when set, is the outcome to report.
func (r *CertificateDeploymentReconciler) endRecord(run *cdRun, deployed bool, failure *outcome, requestID string) error {
	st := &run.obj.Status
	cert := st.DeployingCertificateID
	r.locks.release(lockKey(cert, run.obj.Spec.ResourceType), client.ObjectKeyFromObject(run.obj))
	st.DeployingCertificateID = ""
	st.LastDeployTime = now(r.Clock)
	if deployed {
		st.CertificateID = cert
	}
	outcome := "Succeeded"
	if failure != nil {
		st.FailedCertificateID = cert
		outcome = failure.reason
		r.Recorder.Eventf(run.obj, nil, corev1.EventTypeWarning, failure.reason, "Deploy", "%s (record %d, RequestId %s)", failure.message, st.DeployRecordID, requestID)
	} else {
		st.FailedCertificateID = ""
		r.Recorder.Eventf(run.obj, nil, corev1.EventTypeNormal, sslv1alpha1.ReasonDeployed, "Deploy",
			"Deployed certificate %s to %d targets with record %d (RequestId %s)", cert, len(st.Targets), st.DeployRecordID, requestID)
	}
	deployOutcomes.WithLabelValues(string(run.obj.Spec.ResourceType), outcome).Inc()
	if failure != nil {
		return failure
	}
	return nil
}

// applyItems copies the record's item states into status.targets.
func (r *CertificateDeploymentReconciler) applyItems(run *cdRun, items []tencentcloud.DeployRecordDetail, rollback bool) {
	spec := run.obj.Spec
	index := map[string]int{}
	for i, id := range run.ids {
		index[targets.Key(spec.ResourceType, id)] = i
	}
	for _, it := range items {
		i, ok := index[targets.ItemKey(spec.ResourceType, string(spec.Region), it)]
		if !ok {
			continue
		}
		t := &run.obj.Status.Targets[i]
		state, msg := itemState(it, rollback)
		if !rollback && it.OldCertId != "" {
			t.OldCertificateID = it.OldCertId
		}
		if t.State != state || t.Message != msg {
			t.State, t.Message, t.LastTransitionTime = state, msg, now(r.Clock)
		}
	}
}

// itemState maps a record item's status to a target state. Deploy items use the update
// record's codes; the reference enumerates no others.
func itemState(it tencentcloud.DeployRecordDetail, rollback bool) (sslv1alpha1.TargetState, string) {
	switch it.Status {
	case tencentcloud.DetailStatusSuccess, tencentcloud.DetailStatusRollbackSuccess:
		if rollback {
			return sslv1alpha1.TargetRolledBack, "Rolled back to " + it.CertId
		}
		return sslv1alpha1.TargetSucceeded, ""
	case tencentcloud.DetailStatusFailed, tencentcloud.DetailStatusRollbackFailed:
		msg := itemMessage(it.ErrorMsg)
		if msg == "" {
			msg = "Deployment failed"
		}
		return sslv1alpha1.TargetFailed, msg
	case tencentcloud.DetailStatusNoResource:
		return sslv1alpha1.TargetFailed, "Tencent Cloud found no resource to deploy to"
	}
	return sslv1alpha1.TargetDeploying, ""
}

// reconcileRollout makes every target serve the wanted certificate. It observes which targets
// already do (one list call per resource type and page), marks those AlreadyBound, and deploys
// only the rest, because Tencent refuses a task for a target that already has the certificate.
// The same observation is the drift check. Steady state makes no call until a check is due.
func (r *CertificateDeploymentReconciler) reconcileRollout(ctx context.Context, run *cdRun) error {
	if run.certWait != nil {
		return run.certWait
	}
	obj := run.obj
	st := &obj.Status
	want := run.certID
	driftDue := r.driftDue(obj)
	if st.FailedCertificateID == want && !reconcileRequested(obj, st.LastHandledReconcileAt) {
		// The last deployment of this certificate failed: no new task until the spec or the
		// certificate changes, or a reconcile is requested.
		reason, msg := sslv1alpha1.ReasonDeployFailed, "The deployment of certificate "+want+" failed; see status.targets"
		if c := apimeta.FindStatusCondition(st.Conditions, sslv1alpha1.DegradedCondition); c != nil {
			reason, msg = c.Reason, c.Message
		}
		return degraded(reason, msg, 0)
	}
	if st.CertificateID == want && allServing(st.Targets) && !driftDue {
		return nil
	}
	if holder, ok := r.locks.holder(lockKey(want, obj.Spec.ResourceType), client.ObjectKeyFromObject(obj)); ok {
		return progressing(sslv1alpha1.ReasonDeployWaiting,
			fmt.Sprintf("Waiting for the deployment of certificate %s by %s to finish", want, holder.Name),
			jitter(2*r.Options.PollInterval))
	}
	api, err := r.cloud(ctx, run)
	if err != nil {
		return err
	}
	rt := obj.Spec.ResourceType
	observed, requestID, err := targets.Bound(ctx, api, rt, want)
	if err != nil && !errors.Is(err, targets.ErrUnobservable) {
		return cloudOutcome("list the "+string(rt)+" resources", err, 0)
	}
	observable := err == nil
	if driftDue && observable {
		st.LastDriftCheckTime = now(r.Clock)
	}
	var bound map[string]string
	if observable {
		bound = observed
	}
	p := plan(rt, run.ids, st.Targets, st.CertificateID, want, bound)
	for i := range st.Targets {
		t := &st.Targets[i]
		if next := p.states[i]; t.State != next {
			t.State, t.Message, t.LastTransitionTime = next, "", now(r.Clock)
		}
	}
	pending, drifted := p.pending, p.drifted
	if len(drifted) > 0 {
		r.Recorder.Eventf(obj, nil, corev1.EventTypeWarning, sslv1alpha1.ReasonDriftDetected, "DriftCheck",
			"Targets no longer serve certificate %s and are redeployed: %s (RequestId %s)", want, strings.Join(drifted, ", "), requestID)
	}
	if len(pending) == 0 {
		st.CertificateID, st.FailedCertificateID = want, ""
		return nil
	}
	return r.deploy(ctx, run, api, pending)
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
func plan(rt sslv1alpha1.ResourceType, ids []string, ts []sslv1alpha1.TargetStatus, deployed, want string, bound map[string]string) rolloutPlan {
	p := rolloutPlan{states: make([]sslv1alpha1.TargetState, len(ids))}
	for i, id := range ids {
		state := ts[i].State
		serving := (state == sslv1alpha1.TargetSucceeded || state == sslv1alpha1.TargetAlreadyBound) && deployed == want
		switch {
		case bound == nil && serving:
			p.states[i] = state
			continue
		case bound != nil && bound[targets.Key(rt, id)] == want:
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

// deploy creates the deployment task for the pending targets and writes its record ID to
// status before anything polls it, so that a restart resumes the same task.
func (r *CertificateDeploymentReconciler) deploy(ctx context.Context, run *cdRun, api tencentcloud.API, pending []string) error {
	obj := run.obj
	st := &obj.Status
	key := client.ObjectKeyFromObject(obj)
	lock := lockKey(run.certID, obj.Spec.ResourceType)
	if holder, ok := r.locks.acquire(lock, key); !ok {
		return progressing(sslv1alpha1.ReasonDeployWaiting,
			fmt.Sprintf("Waiting for the deployment of certificate %s by %s to finish", run.certID, holder.Name), r.Options.PollInterval)
	}
	if liveStatusCaughtUp(ctx, r.APIReader, obj, &sslv1alpha1.CertificateDeployment{}, func(live *sslv1alpha1.CertificateDeployment) bool {
		return live.Status.DeployingCertificateID == run.certID && live.Status.DeployRecordID != 0
	}) {
		return progressing(sslv1alpha1.ReasonDeployInProgress, "Deploying certificate "+run.certID, r.Options.PollInterval)
	}
	resp, err := api.DeployCertificateInstance(ctx, &tencentcloud.DeployCertificateInstanceRequest{
		Region:         string(obj.Spec.Region),
		CertificateId:  run.certID,
		InstanceIdList: pending,
		ResourceType:   string(obj.Spec.ResourceType),
	})
	if err != nil {
		r.locks.release(lock, key)
		o := cloudOutcome("deploy certificate "+run.certID, err, r.Options.PollInterval)
		switch o.kind {
		case kindTerminal:
			o.reason = sslv1alpha1.ReasonDeployRefused
			r.Recorder.Eventf(obj, nil, corev1.EventTypeWarning, o.reason, "Deploy", "%s%s", o.message, cloudDetails(err))
		case kindWaiting:
			o.kind, o.reason = kindProgressing, sslv1alpha1.ReasonDeployWaiting
		}
		return o
	}
	recordID := int64(resp.DeployRecordId)
	if resp.DeployStatus == tencentcloud.DeployStatusExisting {
		// A task for this certificate and type is running. It is ours if it covers exactly
		// the pending targets, as after a crash that lost the status write; else wait for it.
		mine, err := r.recordCovers(ctx, run, api, recordID, pending)
		if err != nil {
			return cloudOutcome("read the running deployment record", err, r.Options.PollInterval)
		}
		if !mine {
			r.locks.release(lock, key)
			return progressing(sslv1alpha1.ReasonDeployWaiting,
				fmt.Sprintf("Waiting for another deployment of certificate %s (record %d) to finish", run.certID, recordID), r.Options.PollInterval)
		}
	}
	st.DeployRecordID, st.DeployingCertificateID = recordID, run.certID
	st.RollbackRecordID, st.Retries, st.DeployStartTime = 0, 0, now(r.Clock)
	for i := range st.Targets {
		if slices.Contains(pending, st.Targets[i].ID) {
			st.Targets[i].State, st.Targets[i].Message, st.Targets[i].LastTransitionTime = sslv1alpha1.TargetDeploying, "", now(r.Clock)
		}
	}
	r.Recorder.Eventf(obj, nil, corev1.EventTypeNormal, sslv1alpha1.ReasonDeployInProgress, "Deploy",
		"Deploying certificate %s to %d targets with record %d (RequestId %s)", run.certID, len(pending), recordID, resp.RequestId)
	log.FromContext(ctx).Info("Started deployment", "certificateID", run.certID, "recordID", recordID, "targets", len(pending))
	return progressing(sslv1alpha1.ReasonDeployInProgress,
		fmt.Sprintf("Deploying certificate %s to %d targets", run.certID, len(pending)), r.Options.PollInterval)
}

// recordCovers reports whether a record's items are exactly the given targets.
func (r *CertificateDeploymentReconciler) recordCovers(ctx context.Context, run *cdRun, api tencentcloud.API, recordID int64, ids []string) (bool, error) {
	rec, err := deployRecordItems(ctx, api, recordID)
	if err != nil {
		return false, err
	}
	spec := run.obj.Spec
	want := map[string]bool{}
	for _, id := range ids {
		want[targets.Key(spec.ResourceType, id)] = true
	}
	if len(rec.items) != len(want) {
		return false, nil
	}
	for _, it := range rec.items {
		if !want[targets.ItemKey(spec.ResourceType, string(spec.Region), it)] {
			return false, nil
		}
	}
	return true, nil
}

// deployRecord is a deployment record's items, counted by their own status: the totals Tencent
// reports leave out items with no resource (status 6).
type deployRecord struct {
	items                    []tencentcloud.DeployRecordDetail
	success, failed, running int
	requestID                string
}

// deployRecordItems pages through a deployment record.
func deployRecordItems(ctx context.Context, api tencentcloud.API, recordID int64) (deployRecord, error) {
	var rec deployRecord
	for offset := 0; ; offset += recordPage {
		resp, err := api.DescribeHostDeployRecordDetail(ctx, &tencentcloud.DescribeHostDeployRecordDetailRequest{
			DeployRecordId: tencentcloud.FlexString(fmt.Sprint(recordID)),
			Offset:         tencentcloud.FlexInt(offset),
			Limit:          recordPage,
		})
		if err != nil {
			return rec, err
		}
		rec.items = append(rec.items, resp.DeployRecordDetailList...)
		rec.requestID = resp.RequestId
		if len(resp.DeployRecordDetailList) < recordPage || len(rec.items) >= int(resp.TotalCount) {
			break
		}
	}
	for _, it := range rec.items {
		switch it.Status {
		case tencentcloud.DetailStatusPending, tencentcloud.DetailStatusDeploying:
			rec.running++
		case tencentcloud.DetailStatusSuccess, tencentcloud.DetailStatusRollbackSuccess:
			rec.success++
		default:
			rec.failed++
		}
	}
	return rec, nil
}

// itemMessage cleans an error message from Tencent Cloud for status and events.
func itemMessage(msg string) string {
	const limit = 256
	msg = tencentcloud.Sanitize(strings.TrimSpace(msg))
	if len(msg) > limit {
		msg = msg[:limit] + "..."
	}
	return msg
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
	return listFew(names)
}

func driftInterval(obj *sslv1alpha1.CertificateDeployment) time.Duration {
	if d := obj.Spec.DriftCheckInterval; d != nil {
		return d.Duration
	}
	return time.Hour
}

// driftDue reports whether the targets should be checked for drift now.
func (r *CertificateDeploymentReconciler) driftDue(obj *sslv1alpha1.CertificateDeployment) bool {
	d := driftInterval(obj)
	last := obj.Status.LastDriftCheckTime
	return d > 0 && (last == nil || r.Clock.Since(last.Time) >= d)
}
