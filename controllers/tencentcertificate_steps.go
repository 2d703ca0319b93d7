package controllers

import (
	"context"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"
	"slices"
	"sort"
	"time"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/utils/ptr"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/controller/controllerutil"
	"sigs.k8s.io/controller-runtime/pkg/log"

	sslv1alpha1 "github.com/certsync/tencent-cert-operator/api/v1alpha1"
	"github.com/certsync/tencent-cert-operator/internal/certs"
	"github.com/certsync/tencent-cert-operator/internal/tencentcloud"
)

// ingressSecretKey is the key TKE's CLB Ingress and Service controllers read a certificate ID from.
const ingressSecretKey = "qcloud_cert_id"

// historyLimit bounds status.history.
const historyLimit = 10

// reconcileSource reads and validates the source Secret. It owns the Secret-related reasons:
// SecretNotFound while the Secret is missing, and a validation reason from internal/certs when
// its content is unusable. Adopted certificates have no Secret and skip this step.
func (r *TencentCertificateReconciler) reconcileSource(ctx context.Context, run *tcRun) error {
	spec := run.obj.Spec
	if spec.SecretRef == nil {
		return nil
	}
	secret := &corev1.Secret{}
	if err := r.Get(ctx, client.ObjectKey{Namespace: run.obj.Namespace, Name: spec.SecretRef.Name}, secret); err != nil {
		if apierrors.IsNotFound(err) {
			return waiting(sslv1alpha1.ReasonSecretNotFound, fmt.Sprintf("Secret %q not found", spec.SecretRef.Name), r.Options.ResyncInterval)
		}
		return err
	}
	bundle, err := certs.Parse(certs.Input{
		SecretType: string(secret.Type),
		Data:       secret.Data,
		CertType:   string(spec.Type),
		Now:        r.Clock.Now(),
	})
	if err != nil {
		var invalid *certs.Error
		if errors.As(err, &invalid) {
			return terminal(invalid.Reason, fmt.Sprintf("Secret %q: %s", spec.SecretRef.Name, invalid.Message))
		}
		return err
	}
	run.bundle = bundle
	return nil
}

// reconcileFinalizer adds the finalizer before anything is uploaded that deletion must clean
// up, and removes it when nothing will be cleaned up.
func (r *TencentCertificateReconciler) reconcileFinalizer(ctx context.Context, run *tcRun) error {
	obj := run.obj
	want := obj.Spec.CertificateID == "" && obj.Spec.DeletionPolicy != sslv1alpha1.DeletionPolicyRetain
	if want == controllerutil.ContainsFinalizer(obj, sslv1alpha1.Finalizer) {
		return nil
	}
	return patchMetadata(ctx, r.Client, obj, func() {
		if want {
			controllerutil.AddFinalizer(obj, sslv1alpha1.Finalizer)
		} else {
			controllerutil.RemoveFinalizer(obj, sslv1alpha1.Finalizer)
		}
	})
}

// reconcileUpload uploads the Secret's certificate when its fingerprint differs from the one in
// status, and moves a replaced certificate into status.history. With the fingerprint unchanged
// it makes no API call. Repeatable=false makes the upload idempotent: if a crash lost the
// status write after an earlier upload, Tencent answers with the existing certificate's ID.
func (r *TencentCertificateReconciler) reconcileUpload(ctx context.Context, run *tcRun) error {
	if run.obj.Spec.CertificateID != "" {
		return r.reconcileAdopt(ctx, run)
	}
	st := &run.obj.Status
	b := run.bundle
	if st.CertificateID != "" && st.Fingerprint == b.Fingerprint {
		return nil
	}
	if liveStatusCaughtUp(ctx, r.APIReader, run.obj, &sslv1alpha1.TencentCertificate{}, func(live *sslv1alpha1.TencentCertificate) bool {
		return live.Status.CertificateID != "" && live.Status.Fingerprint == b.Fingerprint
	}) {
		return nil
	}
	api, err := r.cloud(ctx, run)
	if err != nil {
		return err
	}
	req := &tencentcloud.UploadCertificateRequest{
		CertificatePublicKey:  b.CertificatePEM,
		CertificatePrivateKey: string(b.PrivateKeyPEM),
		CertificateType:       string(run.obj.Spec.Type),
		Alias:                 alias(run.obj),
		Tags:                  uploadTags(run.obj),
		Repeatable:            ptr.To(false),
	}
	if p := run.obj.Spec.ProjectID; p != nil {
		req.ProjectId = tencentcloud.FlexInt(*p)
	}
	resp, err := api.UploadCertificate(ctx, req)
	id := ""
	switch {
	case err == nil:
		id = resp.CertificateId
		if resp.RepeatCertId != "" {
			id = resp.RepeatCertId
		}
	case tencentcloud.IsAlreadyExists(err):
		// One reading of the reference fails a duplicate instead of returning its ID.
		existing, cerr := api.CheckCertificateExist(ctx, &tencentcloud.CheckCertificateExistRequest{CertificatePublicKey: b.CertificatePEM})
		if cerr != nil {
			return cloudOutcome("look up the existing certificate", cerr, 0)
		}
		id = existing.RepeatCertId
	default:
		return cloudOutcome("upload the certificate", err, 0)
	}
	if id == "" {
		return fmt.Errorf("UploadCertificate returned no certificate ID")
	}

	previous := st.CertificateID
	// A Secret reverted to an earlier certificate gets that certificate's ID back; it is
	// current again, not superseded.
	st.History = slices.DeleteFunc(st.History, func(h sslv1alpha1.CertificateHistoryEntry) bool { return h.CertificateID == id })
	if previous != "" && previous != id {
		pushHistory(st, sslv1alpha1.CertificateHistoryEntry{
			CertificateID: previous, Fingerprint: st.Fingerprint, NotAfter: st.NotAfter,
			Time: *now(r.Clock), State: sslv1alpha1.HistorySuperseded,
		})
		if rot := run.obj.Spec.Rotation; rot != nil && len(rot.UpdateBoundResources) > 0 {
			st.Update = &sslv1alpha1.UpdateStatus{
				OldCertificateID: previous, CertificateID: id,
				Phase: sslv1alpha1.UpdateCreating, StartTime: now(r.Clock),
			}
		}
	}
	st.CertificateID = id
	st.Fingerprint = b.Fingerprint
	st.SerialNumber = b.SerialNumber()
	st.NotBefore = &metav1.Time{Time: b.NotBefore()}
	st.NotAfter = &metav1.Time{Time: b.NotAfter()}
	st.DNSNames = b.DNSNames()
	st.LastUploadTime = now(r.Clock)
	note := fmt.Sprintf("Uploaded certificate %s for %v", id, st.DNSNames)
	if previous != "" && previous != id {
		note = fmt.Sprintf("Uploaded certificate %s, replacing %s", id, previous)
	}
	requestID := ""
	if resp != nil {
		requestID = resp.RequestId
	}
	r.Recorder.Eventf(run.obj, nil, corev1.EventTypeNormal, sslv1alpha1.ReasonUploaded, "Upload", "%s (RequestId %s)", note, requestID)
	log.FromContext(ctx).Info("Uploaded certificate", "certificateID", id, "previous", previous, "requestID", requestID)
	return nil
}

// reconcileAdopt checks that an adopted certificate exists and copies its details into status,
// once per generation. It never uploads or deletes.
func (r *TencentCertificateReconciler) reconcileAdopt(ctx context.Context, run *tcRun) error {
	obj := run.obj
	st := &obj.Status
	if st.CertificateID == obj.Spec.CertificateID && st.ObservedGeneration == obj.Generation &&
		st.LastHandledReconcileAt == obj.Annotations[sslv1alpha1.ReconcileRequestAnnotation] {
		return nil
	}
	api, err := r.cloud(ctx, run)
	if err != nil {
		return err
	}
	d, err := api.DescribeCertificateDetail(ctx, &tencentcloud.DescribeCertificateDetailRequest{CertificateId: obj.Spec.CertificateID})
	if err != nil {
		if tencentcloud.IsNotFound(err) {
			return terminal(sslv1alpha1.ReasonCertificateNotFound, fmt.Sprintf("Certificate %s does not exist in Tencent Cloud", obj.Spec.CertificateID))
		}
		return cloudOutcome("describe the adopted certificate", err, 0)
	}
	st.CertificateID = obj.Spec.CertificateID
	st.NotBefore, st.NotAfter = parseTencentTime(d.CertBeginTime), parseTencentTime(d.CertEndTime)
	// SubjectAltName may leave out the main domain; take the union.
	st.DNSNames = append([]string(nil), d.SubjectAltName...)
	if d.Domain != "" && !slices.Contains(st.DNSNames, d.Domain) {
		st.DNSNames = append([]string{d.Domain}, st.DNSNames...)
	}
	if d.CertificatePublicKey != nil {
		if leaf := firstCertificate(*d.CertificatePublicKey); leaf != nil {
			st.Fingerprint = certs.Fingerprint(leaf.Raw)
			st.SerialNumber = certs.SerialNumber(leaf)
			st.DNSNames = certs.DNSNames(leaf)
			st.NotBefore, st.NotAfter = &metav1.Time{Time: leaf.NotBefore}, &metav1.Time{Time: leaf.NotAfter}
		}
	}
	return nil
}

// reconcileIngressSecret keeps the Opaque Secret that TKE Ingresses read the certificate ID
// from. It never writes a Secret this object does not own.
func (r *TencentCertificateReconciler) reconcileIngressSecret(ctx context.Context, run *tcRun) error {
	ref := run.obj.Spec.IngressSecret
	id := run.obj.Status.CertificateID
	if ref == nil || id == "" {
		return nil
	}
	secret := &corev1.Secret{}
	err := r.Get(ctx, client.ObjectKey{Namespace: run.obj.Namespace, Name: ref.Name}, secret)
	if apierrors.IsNotFound(err) {
		secret = &corev1.Secret{
			ObjectMeta: metav1.ObjectMeta{Namespace: run.obj.Namespace, Name: ref.Name},
			Type:       corev1.SecretTypeOpaque,
			Data:       map[string][]byte{ingressSecretKey: []byte(id)},
		}
		if err := controllerutil.SetControllerReference(run.obj, secret, r.Scheme()); err != nil {
			return err
		}
		return r.Create(ctx, secret)
	}
	if err != nil {
		return err
	}
	if !metav1.IsControlledBy(secret, run.obj) {
		return terminal(sslv1alpha1.ReasonIngressSecretConflict,
			fmt.Sprintf("Secret %q exists and is not owned by this TencentCertificate; choose another spec.ingressSecret.name", ref.Name))
	}
	if string(secret.Data[ingressSecretKey]) == id {
		return nil
	}
	patch := client.MergeFrom(secret.DeepCopy())
	if secret.Data == nil {
		secret.Data = map[string][]byte{}
	}
	secret.Data[ingressSecretKey] = []byte(id)
	return r.Patch(ctx, secret, patch)
}

func alias(obj *sslv1alpha1.TencentCertificate) string {
	if obj.Spec.Alias != "" {
		return obj.Spec.Alias
	}
	return obj.Namespace + "/" + obj.Name
}

// uploadTags returns the user's tags, sorted for stable requests, plus the ownership tags.
func uploadTags(obj *sslv1alpha1.TencentCertificate) []tencentcloud.Tag {
	keys := make([]string, 0, len(obj.Spec.Tags))
	for k := range obj.Spec.Tags {
		if k != sslv1alpha1.TagNamespace && k != sslv1alpha1.TagName {
			keys = append(keys, k)
		}
	}
	sort.Strings(keys)
	tags := make([]tencentcloud.Tag, 0, len(keys)+2)
	for _, k := range keys {
		tags = append(tags, tencentcloud.Tag{TagKey: k, TagValue: obj.Spec.Tags[k]})
	}
	return append(tags,
		tencentcloud.Tag{TagKey: sslv1alpha1.TagNamespace, TagValue: obj.Namespace},
		tencentcloud.Tag{TagKey: sslv1alpha1.TagName, TagValue: obj.Name})
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

// parseTencentTime reads Tencent's "2006-01-02 15:04:05" times, which are Beijing time.
func parseTencentTime(s *string) *metav1.Time {
	if s == nil || *s == "" {
		return nil
	}
	t, err := time.ParseInLocation(time.DateTime, *s, time.FixedZone("CST", 8*3600))
	if err != nil {
		return nil
	}
	return &metav1.Time{Time: t}
}

func firstCertificate(pemText string) *x509.Certificate {
	block, _ := pem.Decode([]byte(pemText))
	if block == nil {
		return nil
	}
	c, err := x509.ParseCertificate(block.Bytes)
	if err != nil {
		return nil
	}
	return c
}
