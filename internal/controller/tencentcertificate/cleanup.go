package tencentcertificate

import (
	"context"
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
		if del && (h.LastDeleteAttempt == nil || r.Clock.Since(h.LastDeleteAttempt.Time) >= r.Options.OldCertificateRecheck) {
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
	res, err := r.deleteUnbound(ctx, api, run, toDelete)
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

// deletion is what deleteUnbound did with each certificate.
type deletion struct {
	// deleted are gone, whoever deleted them; kept are owned by another uploader; bound are
	// still in use and looked at again later.
	deleted, kept, bound []string
}

// deleteUnbound deletes those of ids that this object owns and that nothing is bound to. A
// certificate that no longer exists counts as deleted: a lost answer to an earlier delete, or a
// deletion in the console, is a fact, not an error. Existence is checked first, so that one
// gone certificate never fails the check of the others.
func (r *Reconciler) deleteUnbound(ctx context.Context, api tencentcloud.API, run *run, ids []string) (deletion, error) {
	var res deletion
	var candidates []string
	for _, id := range ids {
		tags, found, err := api.Tags(ctx, id)
		switch {
		case err != nil:
			return res, reconcile.Cloud("look up certificate "+id, err, 0)
		case !found:
			res.deleted = append(res.deleted, id)
			run.note(false, sslv1alpha1.ReasonOldCertificateDeleted, "Certificate %s no longer exists in Tencent Cloud", id)
		case tags[sslv1alpha1.TagNamespace] != run.obj.Namespace || tags[sslv1alpha1.TagName] != run.obj.Name:
			// Uploaded by someone else, and only shared with us because the content is the same.
			res.kept = append(res.kept, id)
			run.note(false, sslv1alpha1.ReasonOldCertificateKept, "Kept certificate %s: it was uploaded by someone else", id)
		default:
			candidates = append(candidates, id)
		}
	}
	if len(candidates) == 0 {
		return res, nil
	}
	inUse, err := api.InUse(ctx, candidates)
	if tencentcloud.Classify(err) == tencentcloud.ClassThrottled {
		return res, reconcile.Cloud("check which resources use the certificates", err, 0)
	}
	if err != nil {
		// A certificate deleted since the lookup fails the whole batch; the next attempt's
		// lookup drops it, so this is worth a retry, never a stall.
		return res, &reconcile.Outcome{Severity: reconcile.Transient, Reason: sslv1alpha1.ReasonAPIError,
			Message: "Failed to check which resources use the certificates: " + tencentcloud.Code(err), Cause: err}
	}
	for _, id := range candidates {
		if inUse[id] {
			res.bound = append(res.bound, id)
			continue
		}
		if err := r.fresh(run)(ctx); err != nil {
			return res, err
		}
		err := api.Delete(ctx, id)
		switch {
		case err == nil, tencentcloud.IsNotFound(err):
			res.deleted = append(res.deleted, id)
			run.note(false, sslv1alpha1.ReasonOldCertificateDeleted, "Deleted certificate %s", id)
		case tencentcloud.IsStillBound(err):
			res.bound = append(res.bound, id)
		default:
			return res, reconcile.Cloud("delete certificate "+id, err, 0)
		}
	}
	return res, nil
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
		if obj.Status.CertificateID != "" {
			ids = append(ids, obj.Status.CertificateID)
		}
		for _, h := range obj.Status.History {
			if h.State == sslv1alpha1.HistorySuperseded {
				ids = append(ids, h.CertificateID)
			}
		}
	}
	remaining, cause := r.cleanup(ctx, run, ids)
	if len(remaining) > 0 {
		obj.Status.CleanupAttempts++
		if obj.Status.CleanupAttempts < r.Options.CleanupAttempts {
			backoff := r.Options.CleanupBackoff << (obj.Status.CleanupAttempts - 1)
			return reconcile.NewWaiting(sslv1alpha1.ReasonCleanupBlocked,
				fmt.Sprintf("Waiting to delete certificates %s: %v", strings.Join(remaining, ", "), reasonOf(cause)), backoff)
		}
		run.note(true, sslv1alpha1.ReasonCleanupAbandoned, "Released after %d attempts; certificates left in Tencent Cloud: %s (%v)",
			obj.Status.CleanupAttempts, strings.Join(remaining, ", "), reasonOf(cause))
	}
	return reconcile.PatchMetadata(ctx, r.Client, obj, func(o client.Object) { controllerutil.RemoveFinalizer(o, sslv1alpha1.Finalizer) })
}

// cleanup deletes what it can of ids and returns the rest with the reason.
func (r *Reconciler) cleanup(ctx context.Context, run *run, ids []string) ([]string, error) {
	if len(ids) == 0 {
		return nil, nil
	}
	api, err := r.cloud(ctx, run)
	if err != nil {
		return ids, err
	}
	res, err := r.deleteUnbound(ctx, api, run, ids)
	done := append(res.deleted, res.kept...)
	remaining := slices.DeleteFunc(slices.Clone(ids), func(id string) bool { return slices.Contains(done, id) })
	if err == nil && len(remaining) > 0 {
		err = fmt.Errorf("still bound to cloud resources")
	}
	return remaining, err
}

func reasonOf(err error) string {
	if err == nil {
		return "unknown reason"
	}
	return reconcile.As(err).Message
}
