package tencentcertificate

import (
	"context"
	"errors"
	"fmt"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	sslv1alpha1 "github.com/certsync/tencent-cert-operator/api/v1alpha1"
	"github.com/certsync/tencent-cert-operator/internal/reconcile"
	"github.com/certsync/tencent-cert-operator/internal/records"
	"github.com/certsync/tencent-cert-operator/internal/tencentcloud"
)

// updateTask is the UpdateCertificateInstance task of a rotation.
type updateTask struct {
	in tencentcloud.UpdateInput
}

func (t updateTask) Create(ctx context.Context, api tencentcloud.API) (tencentcloud.Task, error) {
	return api.StartUpdate(ctx, t.in)
}

// Owns adopts a running update only when it moves the same old certificate to the same new one.
func (t updateTask) Owns(items []tencentcloud.RecordItem) bool {
	for _, it := range items {
		if it.OldCertificateID != t.in.OldCertificateID || it.CertificateID != t.in.CertificateID {
			return false
		}
	}
	return len(items) > 0
}

func newUpdateTask(obj *sslv1alpha1.TencentCertificate, u *sslv1alpha1.RecordStatus) updateTask {
	in := tencentcloud.UpdateInput{OldCertificateID: u.OldCertificateID, CertificateID: u.CertificateID, Regions: map[string][]string{}}
	for _, b := range obj.Spec.Rotation.UpdateBoundResources {
		in.ResourceTypes = append(in.ResourceTypes, string(b.ResourceType))
		for _, region := range b.Regions {
			in.Regions[string(b.ResourceType)] = append(in.Regions[string(b.ResourceType)], string(region))
		}
	}
	return updateTask{in: in}
}

// reconcileUpdate switches the resources bound to a superseded certificate to the new one with
// UpdateCertificateInstance, through the record machine. It owns the BoundResourcesUpdated
// condition and the reasons UpdateInProgress and UpdateFailed.
func (r *Reconciler) reconcileUpdate(ctx context.Context, run *run) error {
	return run.housekeeping(sslv1alpha1.BoundResourcesUpdatedCondition, r.updateStep(ctx, run))
}

func (r *Reconciler) updateStep(ctx context.Context, run *run) error {
	obj := run.obj
	u := obj.Status.Update
	if u == nil || u.CertificateID != obj.Status.CertificateID || obj.Spec.Rotation == nil || u.Phase == sslv1alpha1.RecordSucceeded {
		return nil
	}
	policy := records.Policy{
		RetryLimit: max(r.Options.UpdateRetryLimit, 0),
		Rollback:   obj.Spec.Rotation.UpdateFailurePolicy == sslv1alpha1.FailurePolicyRollback,
	}
	if u.Phase == sslv1alpha1.RecordFailed {
		if !reconcile.Requested(obj, obj.Status.LastHandledReconcileAt) && obj.Generation == obj.Status.ObservedGeneration {
			return reconcile.NewTerminal(sslv1alpha1.ReasonUpdateFailed, failedMessage(obj, nil))
		}
		// A reconcile request or a changed spec re-runs the failed items with a fresh budget.
		u.Phase, u.Retries, u.CompletionTime = sslv1alpha1.RecordRunning, 0, nil
		policy.RetryNow = true
	}
	if owned, err := r.updateFromOwned(ctx, run); err != nil || !owned {
		return err
	}
	api, err := r.cloud(ctx, run)
	if err != nil {
		return err
	}
	if u.Phase == sslv1alpha1.RecordCreating && u.BindingsQuery != nil {
		// Confirming an earlier "nothing to update".
		return r.confirmNothingBound(ctx, run, api, u)
	}
	m := records.Machine{Clock: r.Clock, PollInterval: r.Options.PollInterval, MaxPollInterval: r.Options.MaxPollInterval, Fresh: reconcile.Fresh(r.APIReader, run.obj)}
	step, err := m.Advance(ctx, api, u, tencentcloud.RecordRef{Kind: tencentcloud.RecordUpdate}, newUpdateTask(obj, u), policy)
	run.events = append(run.events, step.Notes...)
	var vanished *records.Vanished
	switch {
	case tencentcloud.IsNothingToUpdate(err):
		return r.confirmNothingBound(ctx, run, api, u)
	case errors.As(err, &vanished):
		// Tencent Cloud forgot the record: start over; resources already switched are not
		// bound to the old certificate any more and are left alone.
		*u = sslv1alpha1.RecordStatus{Kind: u.Kind, Phase: sslv1alpha1.RecordCreating, OldCertificateID: u.OldCertificateID, CertificateID: u.CertificateID}
		return reconcile.NewProgressing(sslv1alpha1.ReasonUpdateInProgress, vanished.Error(), r.Options.PollInterval)
	case err != nil:
		return err
	case u.Phase == sslv1alpha1.RecordFailed || u.Phase == sslv1alpha1.RecordRolledBack:
		return reconcile.NewTerminal(sslv1alpha1.ReasonUpdateFailed, failedMessage(obj, step.Items))
	}
	return nil
}

func failedMessage(obj *sslv1alpha1.TencentCertificate, items []tencentcloud.RecordItem) string {
	u := obj.Status.Update
	msg := fmt.Sprintf("%d of %d bound resources failed to switch from %s to %s after %d retries",
		u.Failed, u.Total, u.OldCertificateID, u.CertificateID, u.Retries)
	if u.Phase == sslv1alpha1.RecordRolledBack {
		msg += fmt.Sprintf(", and the switched ones were moved back to %s", u.OldCertificateID)
	}
	if f := records.FailedItems(items); f != "" {
		msg += ": " + f
	} else if c := metaCondition(obj.Status.Conditions, sslv1alpha1.BoundResourcesUpdatedCondition); c != nil && c.Reason == sslv1alpha1.ReasonUpdateFailed {
		// Keep the names found when the record ended.
		return c.Message
	}
	return msg + "; annotate the object with " + sslv1alpha1.ReconcileRequestAnnotation + " to retry"
}

func metaCondition(list []metav1.Condition, t string) *metav1.Condition {
	for i := range list {
		if list[i].Type == t {
			return &list[i]
		}
	}
	return nil
}

// housekeeping records the outcome of a housekeeping step in its own condition and passes
// it on: True when it succeeded, Unknown while it runs or waits, False when it failed.
func (r *run) housekeeping(condition string, err error) error {
	c := reconcile.Conditions{List: &r.obj.Status.Conditions, Generation: r.obj.Generation}
	if err == nil {
		if metaCondition(r.obj.Status.Conditions, condition) != nil {
			c.Set(condition, metav1.ConditionTrue, sslv1alpha1.ReasonSucceeded, "Done")
		}
		return nil
	}
	o := reconcile.As(err)
	if o.Severity == reconcile.Throttled {
		return err
	}
	status := metav1.ConditionUnknown
	if o.Severity == reconcile.Terminal || o.Severity == reconcile.Degraded {
		status = metav1.ConditionFalse
	}
	c.Set(condition, status, o.Reason, o.Message)
	return err
}
