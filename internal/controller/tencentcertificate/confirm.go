package tencentcertificate

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	sslv1alpha1 "github.com/certsync/tencent-cert-operator/api/v1alpha1"
	"github.com/certsync/tencent-cert-operator/internal/reconcile"
	"github.com/certsync/tencent-cert-operator/internal/tencentcloud"
)

// confirmNothingBound decides an update that Tencent Cloud answered with nothing to switch
// (CertificateDeployInstanceEmpty). Tencent reads its own view of the bindings, which may lag
// behind the resources, so the answer counts as success only once a fresh look at every
// requested type and region finds nothing serving the old certificate. tse and tcb are seen
// through the bound-resource query, a task whose ID waits in update.bindingsQuery. While
// something still serves the old certificate, the update is asked for again later.
func (r *Reconciler) confirmNothingBound(ctx context.Context, run *run, api tencentcloud.API, u *sslv1alpha1.RecordStatus) error {
	old := u.OldCertificateID
	taskID := ""
	if q := u.BindingsQuery; q != nil && q.CertificateID == old {
		taskID = q.TaskID
	}
	var still []string
	pending := false
	for _, b := range run.obj.Spec.Rotation.UpdateBoundResources {
		regions := []string{""}
		if len(b.Regions) > 0 {
			regions = regions[:0]
			for _, region := range b.Regions {
				regions = append(regions, string(region))
			}
		}
		for _, region := range regions {
			res, err := api.Bindings(ctx, tencentcloud.BindingsQuery{ResourceType: string(b.ResourceType), CertificateID: old, Region: region, TaskID: taskID})
			switch {
			case errors.Is(err, tencentcloud.ErrUnobservable):
				continue
			case err != nil:
				if taskID != "" && (tencentcloud.IsNotFound(err) || tencentcloud.Code(err) == "FailedOperation") {
					u.BindingsQuery = nil
				}
				return reconcile.Cloud("check which resources serve certificate "+old, err, 0)
			case res.Pending:
				taskID, pending = res.TaskID, true
				continue
			}
			for key, cert := range res.Serving {
				if cert == old {
					still = append(still, string(b.ResourceType)+" "+key)
				}
			}
		}
	}
	if pending {
		if q := u.BindingsQuery; q == nil || q.CertificateID != old || q.TaskID != taskID {
			u.BindingsQuery = &sslv1alpha1.BindingsQueryStatus{CertificateID: old, TaskID: taskID, StartTime: reconcile.Now(r.Clock)}
		}
		return reconcile.NewProgressing(sslv1alpha1.ReasonUpdateInProgress, fmt.Sprintf(
			"Tencent Cloud found nothing to switch from %s; confirming with bound-resource query %s", old, taskID),
			reconcile.PollDelay(r.Clock, u.BindingsQuery.StartTime, r.Options.PollInterval, r.Options.MaxPollInterval))
	}
	u.BindingsQuery = nil
	if len(still) > 0 {
		slices.Sort(still)
		return reconcile.NewProgressing(sslv1alpha1.ReasonUpdateInProgress, fmt.Sprintf(
			"Tencent Cloud found nothing to switch from %s, but these still serve it: %s; asking again", old, strings.Join(still, ", ")),
			r.Options.MaxPollInterval)
	}
	u.Phase, u.CompletionTime = sslv1alpha1.RecordSucceeded, reconcile.Now(r.Clock)
	run.events.Add(false, sslv1alpha1.ReasonUpdateInProgress, "No resource of the requested types and regions serves certificate %s; nothing to switch", old)
	return nil
}
