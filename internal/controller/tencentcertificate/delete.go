package tencentcertificate

import (
	"context"
	"fmt"

	sslv1alpha1 "github.com/certsync/tencent-cert-operator/api/v1alpha1"
	"github.com/certsync/tencent-cert-operator/internal/reconcile"
	"github.com/certsync/tencent-cert-operator/internal/tencentcloud"
)

// deletion is what deleteUnbound did with each certificate.
type deletion struct {
	// deleted are gone, whoever deleted them; kept are owned by another uploader; bound are
	// still in use, or could not be checked, and are looked at again later; pending have a
	// delete task running.
	deleted, kept, bound, pending []string
}

// deleteUnbound advances the deletion of those of ids that this object owns. Deletion is
// always Tencent's checked deletion (DeleteCertificate with IsCheckResource): a task that
// deletes the certificate only if no cloud resource it can see uses it. task(id) is where the
// certificate's task ID lives in status: it is written there before the task is polled, so
// that a lost response or a restart polls the same task, and cleared when the task ends. A
// certificate that no longer exists counts as deleted: a lost answer to an earlier delete, or
// a deletion in the console, is a fact, not an error.
func (r *Reconciler) deleteUnbound(ctx context.Context, api tencentcloud.API, run *run, ids []string, task func(id string) *string) (deletion, error) {
	var res deletion
	for _, id := range ids {
		slot := task(id)
		var err error
		if *slot == "" {
			err = r.startDelete(ctx, api, run, id, slot, &res)
		} else {
			err = r.pollDelete(ctx, api, run, id, slot, &res)
		}
		if err != nil {
			return res, err
		}
	}
	return res, nil
}

// startDelete checks ownership and starts the checked deletion of id.
func (r *Reconciler) startDelete(ctx context.Context, api tencentcloud.API, run *run, id string, slot *string, res *deletion) error {
	owned, found, err := r.owned(ctx, api, run, id)
	switch {
	case err != nil:
		return err
	case !found:
		res.deleted = append(res.deleted, id)
		run.events.Add(false, sslv1alpha1.ReasonOldCertificateDeleted, "Certificate %s no longer exists in Tencent Cloud", id)
		return nil
	case !owned:
		// Not this object's: uploaded by another object, cluster or person.
		res.kept = append(res.kept, id)
		run.events.Add(false, sslv1alpha1.ReasonOldCertificateKept, "Kept certificate %s: it was uploaded by someone else", id)
		return nil
	}
	if err := reconcile.Fresh(r.APIReader, run.obj)(ctx); err != nil {
		return err
	}
	taskID, err := api.Delete(ctx, id)
	switch {
	case err == nil:
		*slot = taskID
		res.pending = append(res.pending, id)
	case tencentcloud.IsNotFound(err):
		res.deleted = append(res.deleted, id)
		run.events.Add(false, sslv1alpha1.ReasonOldCertificateDeleted, "Certificate %s no longer exists in Tencent Cloud", id)
	case tencentcloud.IsStillBound(err):
		res.bound = append(res.bound, id)
	default:
		return reconcile.Cloud("delete certificate "+id, err, 0)
	}
	return nil
}

// pollDelete reads the delete task of id and acts on every documented outcome.
func (r *Reconciler) pollDelete(ctx context.Context, api tencentcloud.API, run *run, id string, slot *string, res *deletion) error {
	result, err := api.DeleteResult(ctx, *slot)
	if err != nil {
		if tencentcloud.Code(err) == "FailedOperation" {
			// The action's only documented error, also its answer for a task it does not know.
			// A new checked deletion is as safe as the old one: start over.
			*slot = ""
			res.pending = append(res.pending, id)
			return nil
		}
		return reconcile.Cloud("read the delete task of certificate "+id, err, 0)
	}
	task := *slot
	if result.Status != tencentcloud.DeleteRunning {
		*slot = ""
	}
	switch result.Status {
	case tencentcloud.DeleteRunning:
		res.pending = append(res.pending, id)
	case tencentcloud.DeleteDone:
		res.deleted = append(res.deleted, id)
		run.events.Add(false, sslv1alpha1.ReasonOldCertificateDeleted, "Deleted certificate %s (delete task %s)", id, task)
	case tencentcloud.DeleteStillBound, tencentcloud.DeleteCheckTimedOut:
		// Tencent kept it: still bound, or it could not tell. Either way, ask again later.
		res.bound = append(res.bound, id)
	case tencentcloud.DeleteRoleMissing:
		res.bound = append(res.bound, id)
		// Authorising the role changes nothing in the cluster, so look again later by ourselves.
		return reconcile.NewWaiting(sslv1alpha1.ReasonCredentialsInvalid, fmt.Sprintf(
			"Tencent Cloud cannot check which resources use certificate %s before deleting it: authorise the service role "+
				"SSL_QCSLinkedRoleInReplaceLoadCertificate (delete task %s: %s)", id, task, result.Message), r.Options.OldCertificateRecheck)
	case tencentcloud.DeleteFailed:
		// Failed for another reason, such as a certificate already deleted.
		_, found, err := api.Tags(ctx, id)
		switch {
		case err != nil:
			return reconcile.Cloud("look up certificate "+id, err, 0)
		case !found:
			res.deleted = append(res.deleted, id)
			run.events.Add(false, sslv1alpha1.ReasonOldCertificateDeleted, "Certificate %s no longer exists in Tencent Cloud", id)
		default:
			res.bound = append(res.bound, id)
			run.events.Add(true, sslv1alpha1.ReasonCleanupBlocked, "Tencent Cloud did not delete certificate %s (delete task %s): %s", id, task, result.Message)
		}
	default:
		// A state this operator does not know yet: keep polling rather than act on it.
		*slot = task
		res.pending = append(res.pending, id)
	}
	return nil
}
