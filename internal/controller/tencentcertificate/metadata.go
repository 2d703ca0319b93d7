package tencentcertificate

import (
	"context"
	"fmt"
	"strings"

	"k8s.io/utils/ptr"

	sslv1alpha1 "github.com/certsync/tencent-cert-operator/api/v1alpha1"
	"github.com/certsync/tencent-cert-operator/internal/reconcile"
)

// reconcileMetadata gives the current certificate the spec's alias and project
// (ModifyCertificateAlias, ModifyCertificateProject), so that a change to either takes effect
// at once rather than at the next renewal. Status records what was set; with nothing to
// change it makes no call. A certificate another uploader owns, shared with us because its
// content is the same, is left as it is. Adopted certificates are never changed.
func (r *Reconciler) reconcileMetadata(ctx context.Context, run *run) error {
	obj := run.obj
	st := &obj.Status
	if obj.Spec.CertificateID != "" || st.CertificateID == "" {
		return nil
	}
	alias, project := alias(obj), ptr.Deref(obj.Spec.ProjectID, 0)
	aliasDue, projectDue := st.Alias != alias, st.ProjectID == nil || *st.ProjectID != project
	if !aliasDue && !projectDue {
		return nil
	}
	api, err := r.cloud(ctx, run)
	if err != nil {
		return err
	}
	owned, found, err := r.owned(ctx, api, run, st.CertificateID)
	switch {
	case err != nil:
		return err
	case !found:
		// Gone from Tencent Cloud: nothing to rename; the next upload starts over.
		return nil
	case !owned:
		run.events.Add(false, sslv1alpha1.ReasonOldCertificateKept,
			"Left the alias and project of certificate %s as they are: it was uploaded by someone else", st.CertificateID)
		st.Alias, st.ProjectID = alias, &project
		return nil
	}
	// One event: the recorder folds events of the same reason into one series.
	var done []string
	if aliasDue {
		if err := api.ModifyAlias(ctx, st.CertificateID, alias); err != nil {
			return reconcile.Cloud("set the alias of certificate "+st.CertificateID, err, 0)
		}
		st.Alias = alias
		done = append(done, fmt.Sprintf("set its alias to %q", alias))
	}
	if projectDue {
		if err := api.ModifyProject(ctx, st.CertificateID, project); err != nil {
			return reconcile.Cloud("move certificate "+st.CertificateID+" to its project", err, 0)
		}
		st.ProjectID = &project
		done = append(done, fmt.Sprintf("moved it to project %d", project))
	}
	run.events.Add(false, sslv1alpha1.ReasonMetadataUpdated, "Certificate %s: %s", st.CertificateID, strings.Join(done, " and "))
	return nil
}
