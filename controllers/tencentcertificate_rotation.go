package controllers

import (
	"context"
	"fmt"
	"slices"
	"strings"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/utils/ptr"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/controller/controllerutil"
	"sigs.k8s.io/controller-runtime/pkg/log"

	sslv1alpha1 "github.com/certsync/tencent-cert-operator/api/v1alpha1"
	"github.com/certsync/tencent-cert-operator/internal/targets"
	"github.com/certsync/tencent-cert-operator/internal/tencentcloud"
)

// deployedResourceTypes are the types DescribeDeployedResources answers for; note antiddos,
// not ddos. It takes up to 50 certificates per call.
var deployedResourceTypes = []string{"clb", "cdn", "live", "waf", "antiddos", "teo"}

// listedResourceTypes are the other types whose bindings the DescribeHost*InstanceList calls
// report, one certificate per call. tse, tcb and lighthouse report none; a certificate bound
// only there is not seen, which is why deletion also checks ownership and is bounded.
var listedResourceTypes = []sslv1alpha1.ResourceType{
	sslv1alpha1.ResourceTypeTKE, sslv1alpha1.ResourceTypeAPIGateway, sslv1alpha1.ResourceTypeCOS, sslv1alpha1.ResourceTypeVOD,
}

// maxFailuresNamed bounds how many failed items a condition message lists.
const maxFailuresNamed = 3

// reconcileUpdate switches the resources bound to a superseded certificate to the new one with
// UpdateCertificateInstance, as a sequence that resumes after a restart at any point: the
// record ID is in status before it is polled. It owns UpdateInProgress and UpdateFailed.
func (r *TencentCertificateReconciler) reconcileUpdate(ctx context.Context, run *tcRun) error {
	u := run.obj.Status.Update
	if u == nil || u.CertificateID != run.obj.Status.CertificateID || u.Phase == sslv1alpha1.UpdateSucceeded {
		return nil
	}
	if u.Phase == sslv1alpha1.UpdateFailed {
		if !reconcileRequested(run.obj, run.obj.Status.LastHandledReconcileAt) && run.obj.Generation == run.obj.Status.ObservedGeneration {
			return terminal(sslv1alpha1.ReasonUpdateFailed, updateFailedMessage(u, nil))
		}
		// A reconcile request or a changed spec re-runs the failed items with a fresh budget.
		u.Phase, u.Retries, u.CompletionTime = sslv1alpha1.UpdateRunning, 0, nil
		run.retryNow = true
	}
	api, err := r.cloud(ctx, run)
	if err != nil {
		return err
	}
	if u.Phase == sslv1alpha1.UpdateCreating {
		return r.createUpdate(ctx, run, api, u)
	}
	return r.pollUpdate(ctx, run, api, u)
}

// createUpdate calls UpdateCertificateInstance until Tencent answers a record ID; 0 means the
// task is still being created and the same call must be repeated.
func (r *TencentCertificateReconciler) createUpdate(ctx context.Context, run *tcRun, api tencentcloud.API, u *sslv1alpha1.UpdateStatus) error {
	if liveStatusCaughtUp(ctx, r.APIReader, run.obj, &sslv1alpha1.TencentCertificate{}, func(live *sslv1alpha1.TencentCertificate) bool {
		return live.Status.Update != nil && live.Status.Update.CertificateID == u.CertificateID && live.Status.Update.RecordID != 0
	}) {
		return progressing(sslv1alpha1.ReasonUpdateInProgress, updateRunningMessage(run.obj.Status.Update), r.Options.PollInterval)
	}
	req := &tencentcloud.UpdateCertificateInstanceRequest{
		OldCertificateId: u.OldCertificateID,
		CertificateId:    u.CertificateID,
	}
	for _, b := range run.obj.Spec.Rotation.UpdateBoundResources {
		req.ResourceTypes = append(req.ResourceTypes, string(b.ResourceType))
		if len(b.Regions) > 0 {
			rr := tencentcloud.ResourceTypeRegions{ResourceType: string(b.ResourceType)}
			for _, region := range b.Regions {
				rr.Regions = append(rr.Regions, string(region))
			}
			req.ResourceTypesRegions = append(req.ResourceTypesRegions, rr)
		}
	}
	resp, err := api.UpdateCertificateInstance(ctx, req)
	switch {
	case tencentcloud.IsNothingToUpdate(err):
		// Nothing is bound to the old certificate in these types and regions.
		u.Phase, u.CompletionTime = sslv1alpha1.UpdateSucceeded, now(r.Clock)
		return nil
	case err != nil:
		return cloudOutcome("switch bound resources to the new certificate", err, r.Options.PollInterval)
	case resp.DeployRecordId == 0:
		return progressing(sslv1alpha1.ReasonUpdateInProgress,
			fmt.Sprintf("Tencent Cloud is creating the task that switches resources from %s to %s", u.OldCertificateID, u.CertificateID),
			r.Options.PollInterval)
	}
	u.RecordID = int64(resp.DeployRecordId)
	u.Phase = sslv1alpha1.UpdateRunning
	r.Recorder.Eventf(run.obj, nil, corev1.EventTypeNormal, sslv1alpha1.ReasonUpdateInProgress, "Update",
		"Started update record %d switching resources from %s to %s (RequestId %s)", u.RecordID, u.OldCertificateID, u.CertificateID, resp.RequestId)
	// Return so that the record ID is written before the first poll.
	return progressing(sslv1alpha1.ReasonUpdateInProgress, updateRunningMessage(u), r.Options.PollInterval)
}

// pollUpdate reads the record's counts, retries failed items within the limit and reports the
// result truthfully.
func (r *TencentCertificateReconciler) pollUpdate(ctx context.Context, run *tcRun, api tencentcloud.API, u *sslv1alpha1.UpdateStatus) error {
	items, counts, err := updateRecordItems(ctx, api, u.RecordID)
	if err != nil {
		return cloudOutcome("read the update record", err, r.Options.PollInterval)
	}
	u.Total, u.Succeeded, u.Failed, u.Running = counts[0], counts[1], counts[2], counts[3]
	if u.Running > 0 {
		return progressing(sslv1alpha1.ReasonUpdateInProgress, updateRunningMessage(u),
			pollDelay(r.Clock, u.StartTime, r.Options.PollInterval, r.Options.MaxPollInterval))
	}
	if u.Failed == 0 {
		u.Phase, u.CompletionTime = sslv1alpha1.UpdateSucceeded, now(r.Clock)
		r.Recorder.Eventf(run.obj, nil, corev1.EventTypeNormal, sslv1alpha1.ReasonSucceeded, "Update",
			"Switched %d bound resources from %s to %s", u.Succeeded, u.OldCertificateID, u.CertificateID)
		return nil
	}
	if u.Retries < r.Options.UpdateRetryLimit || run.retryNow {
		if _, err := api.UpdateCertificateRecordRetry(ctx, &tencentcloud.UpdateCertificateRecordRetryRequest{DeployRecordId: tencentcloud.FlexInt(u.RecordID)}); err != nil {
			return cloudOutcome("retry the failed items of the update record", err, r.Options.PollInterval)
		}
		u.Retries++
		r.Recorder.Eventf(run.obj, nil, corev1.EventTypeWarning, sslv1alpha1.ReasonUpdateInProgress, "Retry",
			"Retrying %d failed items of update record %d (attempt %d of %d): %s", u.Failed, u.RecordID, u.Retries, max(r.Options.UpdateRetryLimit, u.Retries), failedItems(items))
		return progressing(sslv1alpha1.ReasonUpdateInProgress, updateRunningMessage(u), r.Options.PollInterval)
	}
	u.Phase, u.CompletionTime = sslv1alpha1.UpdateFailed, now(r.Clock)
	return terminal(sslv1alpha1.ReasonUpdateFailed, updateFailedMessage(u, items))
}

// updateRecordItems pages through an update record and returns its items and the counts
// total, succeeded, failed, running.
func updateRecordItems(ctx context.Context, api tencentcloud.API, recordID int64) ([]tencentcloud.UpdateRecordDetail, [4]int32, error) {
	var items []tencentcloud.UpdateRecordDetail
	var counts [4]int32
	const page = 200
	for offset := 0; ; offset += page {
		resp, err := api.DescribeHostUpdateRecordDetail(ctx, &tencentcloud.DescribeHostUpdateRecordDetailRequest{
			DeployRecordId: tencentcloud.FlexString(fmt.Sprint(recordID)),
			Limit:          tencentcloud.FlexString(fmt.Sprint(page)),
			Offset:         tencentcloud.FlexString(fmt.Sprint(offset)),
		})
		if err != nil {
			return nil, counts, err
		}
		n := 0
		for _, group := range resp.RecordDetailList {
			items = append(items, group.List...)
			n += len(group.List)
		}
		counts = [4]int32{int32(resp.TotalCount), int32(resp.SuccessTotalCount), int32(resp.FailedTotalCount), int32(resp.RunningTotalCount)}
		if n < page || len(items) >= int(resp.TotalCount) {
			return items, counts, nil
		}
	}
}

func updateRunningMessage(u *sslv1alpha1.UpdateStatus) string {
	return fmt.Sprintf("Switching resources from %s to %s: %d of %d done", u.OldCertificateID, u.CertificateID, u.Succeeded, u.Total)
}

func updateFailedMessage(u *sslv1alpha1.UpdateStatus, items []tencentcloud.UpdateRecordDetail) string {
	msg := fmt.Sprintf("%d of %d bound resources failed to switch from %s to %s after %d retries",
		u.Failed, u.Total, u.OldCertificateID, u.CertificateID, u.Retries)
	if f := failedItems(items); f != "" {
		msg += ": " + f
	}
	return msg + "; annotate the object with " + sslv1alpha1.ReconcileRequestAnnotation + " to retry"
}

// failedItems names the first few failed items of a record.
func failedItems(items []tencentcloud.UpdateRecordDetail) string {
	var names []string
	for _, it := range items {
		if it.Status != tencentcloud.DetailStatusFailed {
			continue
		}
		name := it.ResourceType + " " + strings.Join(slices.DeleteFunc([]string{it.InstanceId, it.ListenerId, strings.Join(it.Domains, ",")}, func(s string) bool { return s == "" }), "/")
		if msg := itemMessage(it.ErrorMsg); msg != "" {
			name += " (" + msg + ")"
		}
		names = append(names, name)
	}
	return listFew(names)
}

// listFew joins the first few names, so that messages stay short.
func listFew(names []string) string {
	if len(names) > maxFailuresNamed {
		names = append(names[:maxFailuresNamed:maxFailuresNamed], "...")
	}
	return strings.Join(names, "; ")
}

// reconcileOldCertificates mutes the expiry reminders of superseded certificates and, with
// oldCertificates: Delete, deletes those nothing is bound to any more. A certificate still bound
// is looked at again later without affecting Ready; API errors are reported as usual.
func (r *TencentCertificateReconciler) reconcileOldCertificates(ctx context.Context, run *tcRun) error {
	rot := run.obj.Spec.Rotation
	mute := rot == nil || ptr.Deref(rot.MuteExpiryNotifications, true)
	del := rot != nil && rot.OldCertificates == sslv1alpha1.OldCertificatesDelete
	var toMute, toDelete []string
	for _, h := range run.obj.Status.History {
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
	if del && hasSuperseded(run.obj.Status.History) {
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
		_, err := api.ModifyCertificatesExpiringNotificationSwitch(ctx, &tencentcloud.ModifyCertificatesExpiringNotificationSwitchRequest{
			CertificateIds: toMute, SwitchStatus: 1,
		})
		if err != nil && !tencentcloud.IsNotFound(err) {
			return cloudOutcome("mute expiry notifications of superseded certificates", err, 0)
		}
		for i := range run.obj.Status.History {
			if slices.Contains(toMute, run.obj.Status.History[i].CertificateID) {
				run.obj.Status.History[i].NotificationsMuted = true
			}
		}
	}
	if len(toDelete) == 0 {
		return nil
	}
	deleted, released, bound, err := r.deleteUnbound(ctx, run, api, toDelete)
	for i := range run.obj.Status.History {
		h := &run.obj.Status.History[i]
		switch {
		case slices.Contains(deleted, h.CertificateID):
			h.State, h.Time = sslv1alpha1.HistoryDeleted, *now(r.Clock)
			r.Recorder.Eventf(run.obj, nil, corev1.EventTypeNormal, sslv1alpha1.ReasonOldCertificateDeleted, "Delete",
				"Deleted superseded certificate %s", h.CertificateID)
		case slices.Contains(released, h.CertificateID):
			h.State, h.Time = sslv1alpha1.HistoryRetained, *now(r.Clock)
			r.Recorder.Eventf(run.obj, nil, corev1.EventTypeNormal, sslv1alpha1.ReasonOldCertificateDeleted, "Delete",
				"Kept superseded certificate %s: it was uploaded by someone else", h.CertificateID)
		}
	}
	if err != nil {
		return err
	}
	if len(bound) > 0 {
		log.FromContext(ctx).Info("Superseded certificates are still bound; deletion will be retried", "certificateIDs", bound)
		for i := range run.obj.Status.History {
			if slices.Contains(bound, run.obj.Status.History[i].CertificateID) {
				run.obj.Status.History[i].LastDeleteAttempt = now(r.Clock)
			}
		}
	}

	return nil
}

func hasSuperseded(history []sslv1alpha1.CertificateHistoryEntry) bool {
	for _, h := range history {
		if h.State == sslv1alpha1.HistorySuperseded {
			return true
		}
	}
	return false
}

// deleteUnbound deletes those of ids that no resource is bound to and that this object owns.
// It returns what it deleted (a certificate already gone counts), what it released because
// another uploader owns it, and what is still bound.
func (r *TencentCertificateReconciler) deleteUnbound(ctx context.Context, run *tcRun, api tencentcloud.API, ids []string) (deleted, released, bound []string, _ error) {
	inUse := map[string]bool{}
	for _, rt := range deployedResourceTypes {
		resp, err := api.DescribeDeployedResources(ctx, &tencentcloud.DescribeDeployedResourcesRequest{CertificateIds: ids, ResourceType: rt})
		if err != nil {
			return nil, nil, nil, cloudOutcome("check which resources use the certificates", err, 0)
		}
		for _, d := range resp.DeployedResources {
			if d.Count > 0 || len(d.Resources) > 0 {
				inUse[d.CertificateId] = true
			}
		}
	}
	for _, id := range ids {
		for _, rt := range listedResourceTypes {
			if inUse[id] {
				break
			}
			bound, _, err := targets.Bound(ctx, api, rt, id)
			if err != nil {
				return nil, nil, nil, cloudOutcome("check which "+string(rt)+" resources use certificate "+id, err, 0)
			}
			for _, cert := range bound {
				inUse[id] = inUse[id] || cert == id
			}
		}
	}
	for _, id := range ids {
		if inUse[id] {
			bound = append(bound, id)
			continue
		}
		owned, err := r.ownsCertificate(ctx, api, run.obj, id)
		if err != nil {
			return deleted, released, bound, err
		}
		if !owned {
			// Uploaded by someone else, and only shared with us through Repeatable=false.
			released = append(released, id)
			continue
		}
		_, err = api.DeleteCertificate(ctx, &tencentcloud.DeleteCertificateRequest{CertificateId: id})
		switch {
		case err == nil, tencentcloud.IsNotFound(err):
			deleted = append(deleted, id)
		case tencentcloud.IsStillBound(err):
			bound = append(bound, id)
		default:
			return deleted, released, bound, cloudOutcome("delete certificate "+id, err, 0)
		}
	}
	return deleted, released, bound, nil
}

// ownsCertificate reports whether the certificate carries this object's ownership tags. It
// lists the certificate rather than describing it, so that no private key is downloaded. A
// certificate that no longer exists is reported as owned, so that callers treat it as deleted.
func (r *TencentCertificateReconciler) ownsCertificate(ctx context.Context, api tencentcloud.API, obj *sslv1alpha1.TencentCertificate, id string) (bool, error) {
	resp, err := api.DescribeCertificates(ctx, &tencentcloud.DescribeCertificatesRequest{CertIds: []string{id}, Limit: 1})
	if err != nil {
		return false, cloudOutcome("look up certificate "+id, err, 0)
	}
	for _, c := range resp.Certificates {
		if c.CertificateId != id {
			continue
		}
		ns, name := false, false
		for _, t := range c.Tags {
			ns = ns || (t.TagKey == sslv1alpha1.TagNamespace && t.TagValue == obj.Namespace)
			name = name || (t.TagKey == sslv1alpha1.TagName && t.TagValue == obj.Name)
		}
		return ns && name, nil
	}
	return true, nil
}

// reconcileDelete deletes the uploaded certificates under deletionPolicy Delete, then releases
// the object. Certificates still bound are retried with backoff a bounded number of times; then
// the object is released with a Warning event naming what was left behind, so that a namespace
// deletion never hangs.
func (r *TencentCertificateReconciler) reconcileDelete(ctx context.Context, run *tcRun) error {
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
	remaining, cause := ids, error(nil)
	if len(ids) > 0 {
		remaining, cause = r.cleanup(ctx, run, ids)
	}
	if len(remaining) > 0 {
		obj.Status.CleanupAttempts++
		if obj.Status.CleanupAttempts < r.Options.CleanupAttempts {
			backoff := r.Options.CleanupBackoff << (obj.Status.CleanupAttempts - 1)
			return waiting(sslv1alpha1.ReasonCleanupBlocked,
				fmt.Sprintf("Waiting to delete certificates %s: %v", strings.Join(remaining, ", "), reasonOf(cause)), backoff)
		}
		r.Recorder.Eventf(obj, nil, corev1.EventTypeWarning, sslv1alpha1.ReasonCleanupAbandoned, "Delete",
			"Released after %d attempts; certificates left in Tencent Cloud: %s (%v)", obj.Status.CleanupAttempts, strings.Join(remaining, ", "), reasonOf(cause))
	}
	return patchMetadata(ctx, r.Client, obj, func() { controllerutil.RemoveFinalizer(obj, sslv1alpha1.Finalizer) })
}

// cleanup deletes what it can of ids and returns the rest with the reason.
func (r *TencentCertificateReconciler) cleanup(ctx context.Context, run *tcRun, ids []string) ([]string, error) {
	api, err := r.cloud(ctx, run)
	if err != nil {
		return ids, err
	}
	deleted, released, bound, err := r.deleteUnbound(ctx, run, api, ids)
	for _, id := range deleted {
		r.Recorder.Eventf(run.obj, nil, corev1.EventTypeNormal, sslv1alpha1.ReasonOldCertificateDeleted, "Delete", "Deleted certificate %s", id)
	}
	for _, id := range released {
		r.Recorder.Eventf(run.obj, nil, corev1.EventTypeNormal, sslv1alpha1.ReasonOldCertificateDeleted, "Delete", "Kept certificate %s: it was uploaded by someone else", id)
	}
	if err != nil {
		done := append(deleted, released...)
		return slices.DeleteFunc(slices.Clone(ids), func(id string) bool { return slices.Contains(done, id) }), err
	}
	if len(bound) > 0 {
		return bound, fmt.Errorf("still bound to cloud resources")
	}
	return nil, nil
}

func reasonOf(err error) string {
	if err == nil {
		return "unknown reason"
	}
	if o, ok := err.(*outcome); ok {
		return o.message
	}
	return err.Error()
}

// reconcileRequested reports a value of the reconcile-at annotation newer than handled.
func reconcileRequested(obj client.Object, handled string) bool {
	v, ok := obj.GetAnnotations()[sslv1alpha1.ReconcileRequestAnnotation]
	return ok && v != handled
}
