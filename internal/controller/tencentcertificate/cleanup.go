package tencentcertificate

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"k8s.io/utils/ptr"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/controller/controllerutil"
	"sigs.k8s.io/controller-runtime/pkg/log"

	sslv1alpha1 "github.com/certsync/tencent-cert-operator/api/v1alpha1"
	"github.com/certsync/tencent-cert-operator/internal/reconcile"
	"github.com/certsync/tencent-cert-operator/internal/tencentcloud"
)

// reconcileOldCertificates mutes the expiry reminders of superseded certificates and, with
// oldCertificates: Delete, deletes those nothing is bound to any more. A certificate still bound
// is looked at again later. It owns the OldCertificatesHandled condition.
func (r *Reconciler) reconcileOldCertificates(ctx context.Context, run *run) error {
	return run.housekeeping(sslv1alpha1.OldCertificatesHandledCondition, r.oldCertificatesStep(ctx, run))
}

func (r *Reconciler) oldCertificatesStep(ctx context.Context, run *run) error {
	rot := run.obj.Spec.Rotation
	mute := rot == nil || ptr.Deref(rot.MuteExpiryNotifications, true)
	del := rot != nil && rot.OldCertificates == sslv1alpha1.OldCertificatesDelete
	history := run.obj.Status.History
	var toMute, toDelete []string
	for _, h := range history {
		if h.State != sslv1alpha1.HistorySuperseded {
			continue
		}
		if mute && !h.NotificationsMuted {
			toMute = append(toMute, h.CertificateID)
		}
		if del && (h.DeleteTaskID != "" || h.LastDeleteAttempt == nil || r.Clock.Since(h.LastDeleteAttempt.Time) >= r.Options.OldCertificateRecheck) {
			toDelete = append(toDelete, h.CertificateID)
		}
	}
	if del && slices.ContainsFunc(history, func(h sslv1alpha1.CertificateHistoryEntry) bool { return h.State == sslv1alpha1.HistorySuperseded }) {
		run.requeue = r.Options.OldCertificateRecheck
	}
	if len(toMute) == 0 && len(toDelete) == 0 {
		return nil
	}
	api, err := r.cloud(ctx, run)
	if err != nil {
		return err
	}
	// Only this object's certificates are muted; others are retained, never touched.
	if toMute, err = r.keepOwned(ctx, api, run, toMute); err != nil {
		return err
	}
	toDelete = slices.DeleteFunc(toDelete, func(id string) bool { o, ok := run.owners[id]; return ok && o.found && !o.owned })
	if len(toMute) > 0 {
		if err := api.MuteExpiry(ctx, toMute); err != nil && !tencentcloud.IsNotFound(err) {
			return reconcile.Cloud("mute expiry notifications of superseded certificates", err, 0)
		}
		for i := range history {
			if slices.Contains(toMute, history[i].CertificateID) {
				history[i].NotificationsMuted = true
			}
		}
	}
	if len(toDelete) == 0 {
		return nil
	}
	res, err := r.deleteUnbound(ctx, api, run, toDelete, historyTask(history))
	if len(res.pending) > 0 && (run.requeue == 0 || r.Options.PollInterval < run.requeue) {
		run.requeue = r.Options.PollInterval
	}
	for i := range history {
		h := &history[i]
		switch {
		case slices.Contains(res.deleted, h.CertificateID):
			h.State, h.Time = sslv1alpha1.HistoryDeleted, *reconcile.Now(r.Clock)
		case slices.Contains(res.kept, h.CertificateID):
			h.State, h.Time = sslv1alpha1.HistoryRetained, *reconcile.Now(r.Clock)
		case slices.Contains(res.bound, h.CertificateID):
			h.LastDeleteAttempt = reconcile.Now(r.Clock)
		}
	}
	if len(res.bound) > 0 {
		log.FromContext(ctx).Info("Superseded certificates are still bound; deletion will be retried", "certificateIDs", res.bound)
	}
	return err
}

// historyTask returns where a superseded certificate's delete task lives.
func historyTask(history []sslv1alpha1.CertificateHistoryEntry) func(string) *string {
	return func(id string) *string {
		for i := range history {
			if history[i].CertificateID == id {
				return &history[i].DeleteTaskID
			}
		}
		return new(string)
	}
}

// reconcileDelete deletes the uploaded certificates under deletionPolicy Delete, then releases
// the object. Certificates still bound are retried with backoff a bounded number of times; then
// the object is released with a Warning event naming what was left behind, so that a namespace
// deletion never hangs.
func (r *Reconciler) reconcileDelete(ctx context.Context, run *run) error {
	obj := run.obj
	if !controllerutil.ContainsFinalizer(obj, sslv1alpha1.Finalizer) {
		return nil
	}
	var ids []string
	if obj.Spec.CertificateID == "" && obj.Spec.DeletionPolicy != sslv1alpha1.DeletionPolicyRetain {
		if obj.Status.CertificateID != "" && !obj.Status.Adopted {
			ids = append(ids, obj.Status.CertificateID)
		}
		for _, h := range obj.Status.History {
			if h.State == sslv1alpha1.HistorySuperseded {
				ids = append(ids, h.CertificateID)
			}
		}
	}
	remaining, pending, cause := r.cleanup(ctx, run, ids)
	if pending && cause == nil {
		// Tasks still run; only a finished attempt counts.
		return reconcile.NewProgressing(sslv1alpha1.ReasonCleanupBlocked,
			"Tencent Cloud is checking that nothing uses certificates "+strings.Join(remaining, ", ")+" before deleting them", r.Options.PollInterval)
	}
	if len(remaining) > 0 {
		if cause == nil {
			cause = fmt.Errorf("still bound to cloud resources")
		}
		obj.Status.CleanupAttempts++
		if obj.Status.CleanupAttempts < r.Options.CleanupAttempts {
			backoff := r.Options.CleanupBackoff << (obj.Status.CleanupAttempts - 1)
			return reconcile.NewWaiting(sslv1alpha1.ReasonCleanupBlocked,
				fmt.Sprintf("Waiting to delete certificates %s: %v", strings.Join(remaining, ", "), reasonOf(cause)), backoff)
		}
		run.events.Add(true, sslv1alpha1.ReasonCleanupAbandoned, "Released after %d attempts; certificates left in Tencent Cloud: %s (%v)",
			obj.Status.CleanupAttempts, strings.Join(remaining, ", "), reasonOf(cause))
	}
	return reconcile.PatchMetadata(ctx, r.Client, obj, func(o client.Object) { controllerutil.RemoveFinalizer(o, sslv1alpha1.Finalizer) })
}

// cleanup advances the deletion of ids and returns those not deleted yet, whether delete tasks
// still run, and the reason for the rest. The current certificate's task lives in
// status.deleteTaskId, a superseded one's in its history entry.
func (r *Reconciler) cleanup(ctx context.Context, run *run, ids []string) ([]string, bool, error) {
	if len(ids) == 0 {
		return nil, false, nil
	}
	api, err := r.cloud(ctx, run)
	if err != nil {
		return ids, false, err
	}
	st := &run.obj.Status
	history := historyTask(st.History)
	res, err := r.deleteUnbound(ctx, api, run, ids, func(id string) *string {
		if id == st.CertificateID {
			return &st.DeleteTaskID
		}
		return history(id)
	})
	done := append(res.deleted, res.kept...)
	remaining := slices.DeleteFunc(slices.Clone(ids), func(id string) bool { return slices.Contains(done, id) })
	return remaining, len(res.pending) > 0, err
}

func reasonOf(err error) string {
	if err == nil {
		return "unknown reason"
	}
	var o *reconcile.Outcome
	if errors.As(err, &o) {
		return o.Message
	}
	return err.Error()
}
