package certificatedeployment

import (
	"context"
	"errors"
	"fmt"

	"k8s.io/utils/ptr"

	sslv1alpha1 "github.com/certsync/tencent-cert-operator/api/v1alpha1"
	"github.com/certsync/tencent-cert-operator/internal/reconcile"
	"github.com/certsync/tencent-cert-operator/internal/records"
	"github.com/certsync/tencent-cert-operator/internal/tencentcloud"
)

// deployTask is the DeployCertificateInstance task for the pending targets.
type deployTask struct {
	in tencentcloud.DeployInput
}

func (t deployTask) Create(ctx context.Context, api tencentcloud.API) (tencentcloud.Task, error) {
	return api.StartDeploy(ctx, t.in)
}

// Owns adopts a running task only when it covers exactly the pending targets, as after a lost
// response; a task of someone else's is waited for instead.
func (t deployTask) Owns(items []tencentcloud.RecordItem) bool {
	want := map[string]bool{}
	for _, id := range t.in.Targets {
		want[tencentcloud.TargetKey(t.in.ResourceType, id)] = true
	}
	if len(items) != len(want) {
		return false
	}
	for _, it := range items {
		if !want[it.Target] {
			return false
		}
	}
	return true
}

func (r *Reconciler) machine(run *run) records.Machine {
	return records.Machine{Clock: r.Clock, PollInterval: r.Options.PollInterval, MaxPollInterval: r.Options.MaxPollInterval, Fresh: reconcile.Fresh(r.APIReader, run.obj)}
}

func (r *Reconciler) policy(run *run) records.Policy {
	return records.Policy{
		RetryLimit: ptr.Deref(run.obj.Spec.RetryLimit, 3),
		Rollback:   run.obj.Spec.FailurePolicy == sslv1alpha1.FailurePolicyRollback,
	}
}

func (r *Reconciler) recordRef(run *run) tencentcloud.RecordRef {
	return tencentcloud.RecordRef{Kind: tencentcloud.RecordDeploy, ResourceType: string(run.obj.Spec.ResourceType), Region: string(run.obj.Spec.Region)}
}

// reconcileRecord follows the running deployment record to its end through the record
// machine and copies its items into status.targets. It owns DeployInProgress, RollingBack,
// DeployFailed and RolledBack.
func (r *Reconciler) reconcileRecord(ctx context.Context, run *run) error {
	rec := run.obj.Status.Record
	if rec == nil || rec.Ended() {
		return nil
	}
	api, err := r.cloud(ctx, run)
	if err != nil {
		return err
	}
	step, err := r.machine(run).Advance(ctx, api, rec, r.recordRef(run), nil, r.policy(run))
	run.events = append(run.events, step.Notes...)
	if step.Read {
		r.applyItems(run, step.Items, rec.Phase == sslv1alpha1.RecordRollingBack || rec.Phase == sslv1alpha1.RecordRolledBack)
	}
	var vanished *records.Vanished
	if errors.As(err, &vanished) {
		// Tencent Cloud forgot the record: plan again from what the targets serve now.
		rec.Phase, rec.CompletionTime = sslv1alpha1.RecordFailed, reconcile.Now(r.Clock)
		run.events.Add(true, sslv1alpha1.ReasonDeployInProgress, "Deployment record %d no longer exists; planning again", vanished.ID)
		return nil
	}
	if err != nil || !rec.Ended() {
		return err
	}
	return r.endRecord(run, rec)
}

// endRecord reports how the record ended.
func (r *Reconciler) endRecord(run *run, rec *sslv1alpha1.RecordStatus) error {
	st := &run.obj.Status
	st.LastDeployTime = reconcile.Now(r.Clock)
	outcome := string(rec.Phase)
	defer func() {
		if r.Outcomes != nil {
			r.Outcomes.WithLabelValues(string(run.obj.Spec.ResourceType), outcome).Inc()
		}
	}()
	switch rec.Phase {
	case sslv1alpha1.RecordSucceeded:
		st.CertificateID, st.FailedCertificateID = rec.CertificateID, ""
		return nil
	case sslv1alpha1.RecordRolledBack:
		st.FailedCertificateID = rec.CertificateID
		outcome = sslv1alpha1.ReasonRolledBack
		return reconcile.NewDegraded(sslv1alpha1.ReasonRolledBack,
			fmt.Sprintf("Rolled back %d targets to their previous certificate after %s", rec.Succeeded, failedTargets(st.Targets)), 0)
	}
	if rec.Succeeded > 0 {
		st.CertificateID = rec.CertificateID
	}
	st.FailedCertificateID = rec.CertificateID
	outcome = sslv1alpha1.ReasonDeployFailed
	return reconcile.NewDegraded(sslv1alpha1.ReasonDeployFailed,
		fmt.Sprintf("%d of %d targets failed after %d retries: %s", rec.Failed, rec.Total, rec.Retries, failedTargets(st.Targets)), 0)
}

// applyItems copies the record's item states into status.targets.
func (r *Reconciler) applyItems(run *run, items []tencentcloud.RecordItem, rollback bool) {
	rt := string(run.obj.Spec.ResourceType)
	index := map[string]int{}
	for i, id := range run.ids {
		index[tencentcloud.TargetKey(rt, id)] = i
	}
	for _, it := range items {
		i, ok := index[it.Target]
		if !ok {
			continue
		}
		t := &run.obj.Status.Targets[i]
		state, msg := itemState(it, rollback)
		if !rollback && it.OldCertificateID != "" {
			t.OldCertificateID = it.OldCertificateID
		}
		if t.State != state || t.Message != msg {
			t.State, t.Message, t.LastTransitionTime = state, msg, reconcile.Now(r.Clock)
		}
	}
}

// itemState maps a record item's status to a target state; every documented status is named.
func itemState(it tencentcloud.RecordItem, rollback bool) (sslv1alpha1.TargetState, string) {
	switch it.Status {
	case tencentcloud.ItemSucceeded:
		if rollback {
			return sslv1alpha1.TargetRolledBack, "Rolled back to " + it.CertificateID
		}
		return sslv1alpha1.TargetSucceeded, ""
	case tencentcloud.ItemRolledBack:
		return sslv1alpha1.TargetRolledBack, "Rolled back to the previous certificate"
	case tencentcloud.ItemFailed, tencentcloud.ItemRollbackFailed:
		msg := it.Message
		if msg == "" {
			msg = "Deployment failed"
		}
		if it.Status == tencentcloud.ItemRollbackFailed {
			msg = "Rollback failed: " + msg
		}
		return sslv1alpha1.TargetFailed, msg
	case tencentcloud.ItemNoResource:
		return sslv1alpha1.TargetFailed, "Tencent Cloud found no resource to deploy to"
	case tencentcloud.ItemPending, tencentcloud.ItemRunning:
		return sslv1alpha1.TargetDeploying, ""
	}
	return sslv1alpha1.TargetDeploying, fmt.Sprintf("Unknown item status %d", it.Status)
}
