package tencentcertificate

import (
	"context"
	"fmt"
	"slices"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/utils/ptr"
	"sigs.k8s.io/controller-runtime/pkg/log"

	sslv1alpha1 "github.com/certsync/tencent-cert-operator/api/v1alpha1"
	"github.com/certsync/tencent-cert-operator/internal/certs"
	"github.com/certsync/tencent-cert-operator/internal/reconcile"
	"github.com/certsync/tencent-cert-operator/internal/tencentcloud"
)

// historyLimit bounds status.history.
const historyLimit = 10

// reconcileUpload uploads the Secret's certificate when its fingerprint differs from the one in
// status, and moves a replaced certificate into status.history. With the fingerprint unchanged
// it makes no API call. Every object gets a certificate of its own (Repeatable=true), so that
// two objects with the same content never share one; the upload stays idempotent because a
// lookup by this object's ownership tags and the fingerprint comes first, and finds an upload
// whose status write a crash lost. An adopted certificate never becomes the previous one.
func (r *Reconciler) reconcileUpload(ctx context.Context, run *run) error {
	if run.obj.Spec.CertificateID != "" {
		return r.reconcileAdopt(ctx, run)
	}
	st := &run.obj.Status
	b := run.bundle
	if st.CertificateID != "" && st.Fingerprint == b.Fingerprint && !st.Adopted {
		return nil
	}
	if err := reconcile.Fresh(r.APIReader, run.obj)(ctx); err != nil {
		return err
	}
	api, err := r.cloud(ctx, run)
	if err != nil {
		return err
	}
	id, err := r.findUploaded(ctx, api, run.obj, b.Fingerprint)
	if err != nil {
		return reconcile.Cloud("look up an earlier upload of the certificate", err, 0)
	}
	up := tencentcloud.Uploaded{CertificateID: id, Existing: true}
	if id == "" {
		up, err = api.Upload(ctx, tencentcloud.UploadInput{
			CertificatePEM: b.CertificatePEM,
			PrivateKeyPEM:  string(b.PrivateKeyPEM),
			Type:           string(run.obj.Spec.Type),
			Alias:          alias(run.obj),
			ProjectID:      run.obj.Spec.ProjectID,
			Tags:           r.uploadTags(run.obj, b.Fingerprint),
			Repeatable:     true,
		})
		if tencentcloud.IsAlreadyExists(err) {
			// Not expected of a repeatable upload; if the call created this object's certificate,
			// the next lookup by its tags finds it.
			return &reconcile.Outcome{Severity: reconcile.Transient, Reason: sslv1alpha1.ReasonAPIError,
				Message: "Tencent Cloud reported the certificate as already uploaded; looking it up again", Cause: err}
		}
		if err != nil {
			return reconcile.Cloud("upload the certificate", err, 0)
		}
		id = up.CertificateID
	}
	previous := st.CertificateID
	if st.Adopted {
		// Someone else's certificate: never superseded, muted, switched from or deleted.
		previous = ""
	}
	st.Adopted = false
	// A Secret reverted to an earlier certificate gets that certificate's ID back; it is
	// current again, not superseded.
	st.History = slices.DeleteFunc(st.History, func(h sslv1alpha1.CertificateHistoryEntry) bool { return h.CertificateID == id })
	if previous != "" && previous != id {
		pushHistory(st, sslv1alpha1.CertificateHistoryEntry{
			CertificateID: previous, Fingerprint: st.Fingerprint, NotAfter: st.NotAfter,
			Time: *reconcile.Now(r.Clock), State: sslv1alpha1.HistorySuperseded,
		})
		if rot := run.obj.Spec.Rotation; rot != nil && len(rot.UpdateBoundResources) > 0 {
			st.Update = &sslv1alpha1.RecordStatus{
				Kind: sslv1alpha1.RecordUpdate, Phase: sslv1alpha1.RecordCreating,
				OldCertificateID: previous, CertificateID: id,
			}
		}
	}
	st.CertificateID = id
	st.Fingerprint = b.Fingerprint
	st.SerialNumber = b.SerialNumber()
	st.NotBefore = &metav1.Time{Time: b.NotBefore()}
	st.NotAfter = &metav1.Time{Time: b.NotAfter()}
	st.DNSNames = b.DNSNames()
	st.LastUploadTime = reconcile.Now(r.Clock)
	// The certificate is this object's own upload, found or made now, with its alias and project.
	st.Alias, st.ProjectID = alias(run.obj), new(ptr.Deref(run.obj.Spec.ProjectID, 0))
	note := fmt.Sprintf("Uploaded certificate %s for %v", id, st.DNSNames)
	if previous != "" && previous != id {
		note = fmt.Sprintf("Uploaded certificate %s, replacing %s", id, previous)
	}
	if up.Existing {
		run.events.Add(false, sslv1alpha1.ReasonUploaded, "%s (found by its ownership tags: an earlier upload whose status was not written)", note)
	} else {
		run.events.Add(false, sslv1alpha1.ReasonUploaded, "%s (RequestId %s)", note, up.RequestID)
	}
	log.FromContext(ctx).Info("Uploaded certificate", "certificateID", id, "previous", previous, "requestID", up.RequestID)
	return nil
}

// reconcileAdopt checks that an adopted certificate exists and copies its details into status,
// once per generation. It never uploads or deletes.
func (r *Reconciler) reconcileAdopt(ctx context.Context, run *run) error {
	obj := run.obj
	st := &obj.Status
	if st.CertificateID == obj.Spec.CertificateID && st.ObservedGeneration == obj.Generation &&
		st.LastHandledReconcileAt == obj.Annotations[sslv1alpha1.ReconcileRequestAnnotation] {
		return r.adoptedExpired(st)
	}
	api, err := r.cloud(ctx, run)
	if err != nil {
		return err
	}
	d, err := api.Describe(ctx, obj.Spec.CertificateID)
	if err != nil {
		if tencentcloud.IsNotFound(err) {
			return reconcile.NewTerminal(sslv1alpha1.ReasonCertificateNotFound, fmt.Sprintf("Certificate %s does not exist in Tencent Cloud", obj.Spec.CertificateID))
		}
		return reconcile.Cloud("describe the adopted certificate", err, 0)
	}
	if err := r.adoptable(d); err != nil {
		return err
	}
	st.CertificateID = obj.Spec.CertificateID
	st.Adopted = true
	st.NotBefore, st.NotAfter = metaTime(d.NotBefore), metaTime(d.NotAfter)
	// SubjectAltNames may leave out the main domain; take the union.
	st.DNSNames = append([]string(nil), d.SubjectAltNames...)
	if d.Domain != "" && !slices.Contains(st.DNSNames, d.Domain) {
		st.DNSNames = append([]string{d.Domain}, st.DNSNames...)
	}
	if leaf := certs.Leaf(d.CertificatePEM); leaf != nil {
		st.Fingerprint = certs.Fingerprint(leaf.Raw)
		st.SerialNumber = certs.SerialNumber(leaf)
		st.DNSNames = certs.DNSNames(leaf)
		st.NotBefore, st.NotAfter = &metav1.Time{Time: leaf.NotBefore}, &metav1.Time{Time: leaf.NotAfter}
	}
	return nil
}

func alias(obj *sslv1alpha1.TencentCertificate) string {
	if obj.Spec.Alias != "" {
		return obj.Spec.Alias
	}
	return obj.Namespace + "/" + obj.Name
}

// pushHistory adds an entry at the front and trims the list, dropping entries that need no
// more work before superseded ones.
func pushHistory(st *sslv1alpha1.TencentCertificateStatus, e sslv1alpha1.CertificateHistoryEntry) {
	h := append([]sslv1alpha1.CertificateHistoryEntry{e}, st.History...)
	for len(h) > historyLimit {
		drop := len(h) - 1
		for i := len(h) - 1; i >= 0; i-- {
			if h[i].State != sslv1alpha1.HistorySuperseded {
				drop = i
				break
			}
		}
		h = append(h[:drop], h[drop+1:]...)
	}
	st.History = h
}

func metaTime(t *time.Time) *metav1.Time {
	if t == nil {
		return nil
	}
	return &metav1.Time{Time: *t}
}
