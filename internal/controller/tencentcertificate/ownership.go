package tencentcertificate

import (
	"context"
	"slices"
	"sort"
	"strings"

	sslv1alpha1 "github.com/certsync/tencent-cert-operator/api/v1alpha1"
	"github.com/certsync/tencent-cert-operator/internal/reconcile"
	"github.com/certsync/tencent-cert-operator/internal/tencentcloud"
)

// +kubebuilder:rbac:groups=ssl.certsync.io,resources=tencentcloudaccounts,verbs=get;list;watch
// +kubebuilder:rbac:groups="",resources=namespaces,verbs=get;list;watch

// reconcileAccount resolves the identity the object may use under its account's rules: its
// namespace, the resource types and regions of spec.rotation, and adoption. A refusal stalls
// the object before any API call.
func (r *Reconciler) reconcileAccount(ctx context.Context, run *run) error {
	obj := run.obj
	use := reconcile.Use{Namespace: obj.Namespace, AccountRef: obj.Spec.AccountRef, CredentialsRef: obj.Spec.CredentialsRef}
	if obj.DeletionTimestamp.IsZero() {
		use.Adopts = obj.Spec.CertificateID
		if rot := obj.Spec.Rotation; rot != nil {
			for _, b := range rot.UpdateBoundResources {
				use.ResourceTypes = append(use.ResourceTypes, sslv1alpha1.ResourceType(b.ResourceType))
				use.Regions = append(use.Regions, b.Regions...)
			}
		}
	}
	g, err := r.Accounts.Resolve(ctx, use)
	if err != nil {
		return err
	}
	run.grant = g
	obj.Status.CredentialsRef = obj.Spec.CredentialsRef
	obj.Status.AccountRef = obj.Spec.AccountRef
	return nil
}

// isReserved reports whether a tag key belongs to the operator's ownership tags, which users
// cannot set.
func isReserved(key string) bool { return strings.HasPrefix(key, "certsync.io/") }

// uploadTags returns the user's tags, sorted for stable requests, then the ownership tags and
// the fingerprint.
func (r *Reconciler) uploadTags(obj *sslv1alpha1.TencentCertificate, fingerprint string) []tencentcloud.Tag {
	keys := make([]string, 0, len(obj.Spec.Tags))
	for k := range obj.Spec.Tags {
		if !isReserved(k) {
			keys = append(keys, k)
		}
	}
	sort.Strings(keys)
	tags := make([]tencentcloud.Tag, 0, len(keys)+4)
	for _, k := range keys {
		tags = append(tags, tencentcloud.Tag{Key: k, Value: obj.Spec.Tags[k]})
	}
	return append(append(tags, r.Accounts.OwnerTags(obj.Namespace, obj.Name)...),
		tencentcloud.Tag{Key: sslv1alpha1.TagFingerprint, Value: fingerprint})
}

// findUploaded looks for a certificate this object already uploaded with the fingerprint, for
// example one whose status write a crash lost. Uploads are Repeatable, so the service no longer
// answers a second upload with the first one's ID; the ownership tags do.
func (r *Reconciler) findUploaded(ctx context.Context, api tencentcloud.API, obj *sslv1alpha1.TencentCertificate, fingerprint string) (string, error) {
	ids, err := api.Tagged(ctx, append(r.Accounts.OwnerTags(obj.Namespace, obj.Name),
		tencentcloud.Tag{Key: sslv1alpha1.TagFingerprint, Value: fingerprint}))
	if err != nil || len(ids) == 0 {
		return "", err
	}
	return ids[0], nil
}

// owned reports whether the certificate carries this object's ownership tags, reading them at
// most once per reconcile; found is false when it no longer exists.
func (r *Reconciler) owned(ctx context.Context, api tencentcloud.API, run *run, id string) (owned, found bool, err error) {
	if o, ok := run.owners[id]; ok {
		return o.owned, o.found, nil
	}
	tags, found, err := api.Tags(ctx, id)
	if err != nil {
		return false, false, reconcile.Cloud("look up certificate "+id, err, 0)
	}
	o := ownership{owned: found && r.Accounts.Owned(tags, run.obj.Namespace, run.obj.Name), found: found}
	if run.owners == nil {
		run.owners = map[string]ownership{}
	}
	run.owners[id] = o
	return o.owned, o.found, nil
}

type ownership struct{ owned, found bool }

// keepOwned returns those of ids that this object owns. The others are marked Retained in the
// history, so that they are never muted or deleted, and named in an event.
func (r *Reconciler) keepOwned(ctx context.Context, api tencentcloud.API, run *run, ids []string) ([]string, error) {
	var out []string
	for _, id := range ids {
		owned, found, err := r.owned(ctx, api, run, id)
		if err != nil {
			return out, err
		}
		if owned || !found {
			out = append(out, id)
			continue
		}
		r.retain(run, id)
	}
	return out, nil
}

// retain stops tracking a certificate that is not this object's.
func (r *Reconciler) retain(run *run, id string) {
	h := run.obj.Status.History
	i := slices.IndexFunc(h, func(e sslv1alpha1.CertificateHistoryEntry) bool { return e.CertificateID == id })
	if i >= 0 && h[i].State == sslv1alpha1.HistorySuperseded {
		h[i].State, h[i].Time = sslv1alpha1.HistoryRetained, *reconcile.Now(r.Clock)
	}
	run.events.Add(true, sslv1alpha1.ReasonCertificateNotOwned,
		"Left certificate %s alone: its ownership tags do not name this object, so it is never muted, switched from or deleted", id)
}

// updateFromOwned clears a pending switch of bound resources whose old certificate is not this
// object's, before the task is created: resources bound to someone else's certificate are
// never moved.
func (r *Reconciler) updateFromOwned(ctx context.Context, run *run) (bool, error) {
	u := run.obj.Status.Update
	if u == nil || u.ID != 0 || u.Phase != sslv1alpha1.RecordCreating {
		return true, nil
	}
	api, err := r.cloud(ctx, run)
	if err != nil {
		return false, err
	}
	owned, _, err := r.owned(ctx, api, run, u.OldCertificateID)
	if err != nil || owned {
		return owned, err
	}
	r.retain(run, u.OldCertificateID)
	run.obj.Status.Update = nil
	return false, nil
}
