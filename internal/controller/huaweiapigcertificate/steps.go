package huaweiapigcertificate

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/controller/controllerutil"
	"sigs.k8s.io/controller-runtime/pkg/log"

	sslv1alpha1 "github.com/certsync/tencent-cert-operator/api/v1alpha1"
	"github.com/certsync/tencent-cert-operator/internal/certs"
	"github.com/certsync/tencent-cert-operator/internal/huaweicloud"
	"github.com/certsync/tencent-cert-operator/internal/reconcile"
)

// reconcileSource reads and validates the Secret, directly or through the TencentCertificate
// of spec.certificateRef. It owns SecretNotFound and CertificateRefInvalid, and the validation
// reasons of internal/certs (KeyMismatch, CertificateExpired, ...), which stall with no call.
func (r *Reconciler) reconcileSource(ctx context.Context, run *reconcileRun) error {
	spec := run.obj.Spec
	name := ""
	switch {
	case spec.SecretRef != nil:
		name = spec.SecretRef.Name
	case spec.CertificateRef != nil:
		tc := &sslv1alpha1.TencentCertificate{}
		err := r.Get(ctx, client.ObjectKey{Namespace: run.obj.Namespace, Name: spec.CertificateRef.Name}, tc)
		if apierrors.IsNotFound(err) {
			return reconcile.NewWaiting(sslv1alpha1.ReasonCertificateRefInvalid, fmt.Sprintf("TencentCertificate %q not found", spec.CertificateRef.Name), r.opts.SourceWait)
		}
		if err != nil {
			return err
		}
		if tc.Spec.SecretRef == nil {
			return reconcile.NewTerminal(sslv1alpha1.ReasonCertificateRefInvalid, fmt.Sprintf("TencentCertificate %q adopts an existing certificate and has no Secret to follow; use secretRef", tc.Name))
		}
		name = tc.Spec.SecretRef.Name
	}
	secret := &corev1.Secret{}
	if err := r.apiReader.Get(ctx, client.ObjectKey{Namespace: run.obj.Namespace, Name: name}, secret); err != nil {
		if apierrors.IsNotFound(err) {
			return reconcile.NewWaiting(sslv1alpha1.ReasonSecretNotFound, fmt.Sprintf("Secret %q not found", name), r.opts.SourceWait)
		}
		return err
	}
	bundle, err := certs.Parse(certs.Input{SecretType: string(secret.Type), Data: secret.Data, CertType: certs.TypeSVR, Now: r.opts.Clock.Now()})
	if err != nil {
		var invalid *certs.Error
		if errors.As(err, &invalid) {
			return reconcile.NewTerminal(invalid.Reason, fmt.Sprintf("Secret %q: %s", name, invalid.Message))
		}
		return err
	}
	run.bundle = bundle
	return nil
}

// reconcileCoverage checks, before any call, that the certificate's names cover every domain
// the spec names by urlDomain, and every domain named by ID whose name an earlier reconcile
// learned. It owns DomainNotCovered.
func (r *Reconciler) reconcileCoverage(_ context.Context, run *reconcileRun) error {
	names := run.bundle.DNSNames()
	for _, ref := range run.obj.Spec.Domains {
		host := ref.URLDomain
		if st := domainStatus(run.obj, ref); host == "" && st != nil {
			host = st.URLDomain
		}
		if host != "" && !certs.Covers(names, host) {
			return notCovered(host, names)
		}
	}
	return nil
}

func notCovered(host string, names []string) error {
	return reconcile.NewTerminal(sslv1alpha1.ReasonDomainNotCovered, fmt.Sprintf("Domain %s is not covered by the certificate's names %v", host, names))
}

// reconcileFinalizer keeps the finalizer exactly while deletion has work to do: with
// deletionPolicy Delete.
func (r *Reconciler) reconcileFinalizer(ctx context.Context, run *reconcileRun) error {
	obj := run.obj
	want := obj.Spec.DeletionPolicy == sslv1alpha1.DeletionPolicyDelete
	if want == controllerutil.ContainsFinalizer(obj, sslv1alpha1.Finalizer) {
		return nil
	}
	return r.patchFinalizer(ctx, obj, want)
}

// patchFinalizer adds or removes the finalizer, keeping the in-memory spec and status this
// reconcile works on.
func (r *Reconciler) patchFinalizer(ctx context.Context, obj *sslv1alpha1.HuaweiAPIGCertificate, add bool) error {
	return reconcile.PatchMetadata(ctx, r.Client, obj, func(o client.Object) {
		if add {
			controllerutil.AddFinalizer(o, sslv1alpha1.Finalizer)
		} else {
			controllerutil.RemoveFinalizer(o, sslv1alpha1.Finalizer)
		}
	})
}

// reconcileBindings makes every listed domain serve the Secret's certificate. A domain whose
// status already shows the certificate's fingerprint makes no call, so the steady state costs
// nothing; a renewal changes the fingerprint and so reaches every domain. For the others the
// group is read, then the certificate the domain serves, and the certificate is bound only
// when the serial number differs. It owns status.domains, fingerprint, serialNumber,
// notAfter, dnsNames and certificateName, and the APIG reasons (DomainNotFound,
// CredentialsInvalid, APIRejected, APIError).
func (r *Reconciler) reconcileBindings(ctx context.Context, run *reconcileRun) error {
	obj, b := run.obj, run.bundle
	st := &obj.Status
	name := certificateName(obj)
	recheck := st.LastHandledReconcileAt != obj.Annotations[sslv1alpha1.ReconcileRequestAnnotation]

	var domains []sslv1alpha1.APIGDomainStatus
	var firstTerminal error
	for _, ref := range obj.Spec.Domains {
		prev := domainStatus(obj, ref)
		if prev != nil && prev.Fingerprint == b.Fingerprint && !recheck {
			domains = append(domains, *prev)
			continue
		}
		ds, err := r.bindDomain(ctx, run, ref, name)
		if ds != nil {
			domains = append(domains, *ds)
		} else if prev != nil {
			domains = append(domains, *prev)
		}
		if err == nil {
			continue
		}
		// A failure of one domain does not hold up the others; any other failure (credentials,
		// throttling, network) would fail them all.
		if o := reconcile.As(err); o.Severity != reconcile.Terminal || !domainSpecific(o.Reason) {
			st.Domains = mergeDomains(st.Domains, domains)
			return err
		}
		if firstTerminal == nil {
			firstTerminal = err
		}
	}
	st.Domains = domains
	if firstTerminal != nil {
		return firstTerminal
	}
	st.CertificateName = name
	st.Fingerprint = b.Fingerprint
	st.SerialNumber = b.SerialNumber()
	st.NotAfter = &metav1.Time{Time: b.NotAfter()}
	st.DNSNames = b.DNSNames()
	return nil
}

func domainSpecific(reason string) bool {
	return reason == sslv1alpha1.ReasonDomainNotFound || reason == sslv1alpha1.ReasonDomainNotCovered || reason == sslv1alpha1.ReasonAPIRejected
}

// bindDomain brings one domain to the certificate and returns its new status entry, which is
// nil when the domain could not be read.
func (r *Reconciler) bindDomain(ctx context.Context, run *reconcileRun, ref sslv1alpha1.APIGDomain, name string) (*sslv1alpha1.APIGDomainStatus, error) {
	api, err := r.cloud(ctx, run)
	if err != nil {
		return nil, err
	}
	spec, b := run.obj.Spec, run.bundle
	what := ref.DomainID
	if what == "" {
		what = ref.URLDomain
	}
	d, err := api.ResolveDomain(ctx, huaweicloud.DomainRef{InstanceID: spec.InstanceID, GroupID: ref.GroupID, DomainID: ref.DomainID, URLDomain: ref.URLDomain})
	if err != nil {
		return nil, cloudOutcome("read domain "+what+" of group "+ref.GroupID, err)
	}
	ds := &sslv1alpha1.APIGDomainStatus{GroupID: ref.GroupID, DomainID: d.ID, URLDomain: d.URLDomain,
		SSLID: d.SSLID, SSLName: d.SSLName, CNAMEStatus: cnameStatus(d.CNAMEStatus)}
	if prev := domainStatus(run.obj, ref); prev != nil && prev.SSLID == d.SSLID {
		ds.Fingerprint, ds.LastBindTime = prev.Fingerprint, prev.LastBindTime
	}
	// A domain named by ID is checked once its name is known, still before any bind.
	if names := b.DNSNames(); !certs.Covers(names, d.URLDomain) {
		return ds, notCovered(d.URLDomain, names)
	}
	served, err := api.DomainCertificate(ctx, d)
	if err != nil && !huaweicloud.IsNotFound(err) {
		return ds, cloudOutcome("read the certificate of domain "+d.URLDomain, err)
	}
	if served != nil && sameSerial(served.SerialNumber, b.SerialNumber()) {
		ds.Fingerprint = b.Fingerprint
		return ds, nil
	}
	bound, err := api.Bind(ctx, d, huaweicloud.BindRequest{Name: name, CertificatePEM: b.CertificatePEM, PrivateKeyPEM: b.PrivateKeyPEM})
	if err != nil {
		return ds, cloudOutcome("bind the certificate to domain "+d.URLDomain, err)
	}
	ds.SSLID, ds.SSLName, ds.Fingerprint = bound.SSLID, bound.SSLName, b.Fingerprint
	ds.CNAMEStatus, ds.LastBindTime = cnameStatus(bound.CNAMEStatus), reconcile.Now(r.opts.Clock)
	r.recorder.Eventf(run.obj, nil, corev1.EventTypeNormal, sslv1alpha1.ReasonBound, "Bind",
		"Bound certificate %s (serial %s) to domain %s as %s (request ID %s)", name, b.SerialNumber(), d.URLDomain, bound.SSLID, bound.RequestID)
	log.FromContext(ctx).Info("Bound certificate to APIG domain", "domain", d.URLDomain, "domainID", d.ID,
		"sslID", bound.SSLID, "serial", b.SerialNumber(), "requestID", bound.RequestID)
	return ds, nil
}

// reconcileDelete unbinds the certificate from every domain that still serves it, when the
// policy is Delete, then releases the object. Failures are retried with backoff; after
// CleanupAttempts the object is released anyway and a Warning event names what was left bound.
func (r *Reconciler) reconcileDelete(ctx context.Context, run *reconcileRun) error {
	obj := run.obj
	if !controllerutil.ContainsFinalizer(obj, sslv1alpha1.Finalizer) {
		return nil
	}
	var left []string
	var lastErr error
	if obj.Spec.DeletionPolicy == sslv1alpha1.DeletionPolicyDelete {
		left, lastErr = r.unbindAll(ctx, run)
	}
	if len(left) == 0 {
		return r.patchFinalizer(ctx, obj, false)
	}
	st := &obj.Status
	st.CleanupAttempts++
	if st.CleanupAttempts >= r.opts.CleanupAttempts {
		r.recorder.Eventf(obj, nil, corev1.EventTypeWarning, sslv1alpha1.ReasonCleanupAbandoned, "Delete",
			"Released after %d attempts; still bound: %s%s", st.CleanupAttempts, strings.Join(left, ", "), reconcile.CloudDetails(lastErr))
		return r.patchFinalizer(ctx, obj, false)
	}
	delay := r.opts.CleanupBackoff << min(st.CleanupAttempts-1, 10)
	o := reconcile.NewWaiting(sslv1alpha1.ReasonCleanupBlocked, fmt.Sprintf("Unbinding failed for %s; attempt %d of %d",
		strings.Join(left, ", "), st.CleanupAttempts, r.opts.CleanupAttempts), reconcile.Jitter(delay))
	o.Cause = lastErr
	return o
}

// unbindAll unbinds every domain in status that still serves the certificate this object
// bound or confirmed, and returns the domains left bound with the last error.
func (r *Reconciler) unbindAll(ctx context.Context, run *reconcileRun) ([]string, error) {
	st := &run.obj.Status
	var left []string
	var lastErr error
	for i := range st.Domains {
		ds := &st.Domains[i]
		if ds.SSLID == "" || ds.Fingerprint == "" {
			// Nothing bound, or a certificate this object never bound nor confirmed.
			continue
		}
		err := r.unbind(ctx, run, ds)
		if err != nil {
			left, lastErr = append(left, ds.URLDomain), err
		}
	}
	return left, lastErr
}

func (r *Reconciler) unbind(ctx context.Context, run *reconcileRun, ds *sslv1alpha1.APIGDomainStatus) error {
	api, err := r.cloud(ctx, run)
	if err != nil {
		return err
	}
	d, err := api.ResolveDomain(ctx, huaweicloud.DomainRef{InstanceID: run.obj.Spec.InstanceID, GroupID: ds.GroupID, DomainID: ds.DomainID})
	switch {
	case huaweicloud.IsNotFound(err):
		ds.SSLID = ""
		return nil
	case err != nil:
		return err
	case d.SSLID != ds.SSLID:
		// Someone bound another certificate since; it is not ours to remove.
		ds.SSLID = ""
		return nil
	}
	if err := api.Unbind(ctx, d, d.SSLID); err != nil && !huaweicloud.IsNotFound(err) {
		return err
	}
	r.recorder.Eventf(run.obj, nil, corev1.EventTypeNormal, sslv1alpha1.ReasonUnbound, "Delete",
		"Unbound certificate %s from domain %s", ds.SSLID, ds.URLDomain)
	log.FromContext(ctx).Info("Unbound certificate from APIG domain", "domain", ds.URLDomain, "sslID", ds.SSLID)
	ds.SSLID = ""
	return nil
}

// cloud returns the APIG client for the object's credentials, resolving them on first use so
// that a reconcile with nothing to do never reads them.
func (r *Reconciler) cloud(ctx context.Context, run *reconcileRun) (huaweicloud.API, error) {
	if run.api != nil {
		return run.api, nil
	}
	obj := run.obj
	var creds *huaweicloud.Credentials
	if obj.Spec.CredentialsRef == nil && !r.opts.OperatorCredentials {
		return nil, reconcile.NewTerminal(sslv1alpha1.ReasonCredentialsNotFound,
			"spec.credentialsRef is required: this operator lends its own Huawei Cloud credentials to no namespace")
	}
	if ref := obj.Spec.CredentialsRef; ref != nil {
		secret := &corev1.Secret{}
		if err := r.apiReader.Get(ctx, client.ObjectKey{Namespace: obj.Namespace, Name: ref.Name}, secret); err != nil {
			if apierrors.IsNotFound(err) {
				return nil, reconcile.NewWaiting(sslv1alpha1.ReasonCredentialsNotFound, fmt.Sprintf("Credentials Secret %q not found", ref.Name), r.opts.SourceWait)
			}
			return nil, err
		}
		c, err := huaweicloud.CredentialsFromSecretData(secret.Data)
		if err != nil {
			return nil, reconcile.NewTerminal(sslv1alpha1.ReasonCredentialsInvalid, fmt.Sprintf("Credentials Secret %q is invalid: %v", ref.Name, err))
		}
		creds = &c
	}
	api, err := r.opts.Cloud.For(ctx, creds, huaweicloud.Scope{Region: obj.Spec.Region, ProjectID: obj.Spec.ProjectID})
	if err != nil {
		return nil, cloudOutcome("build the APIG client", err)
	}
	run.api = api
	return api, nil
}

// domainStatus returns the status entry of a spec domain, or nil.
func domainStatus(obj *sslv1alpha1.HuaweiAPIGCertificate, ref sslv1alpha1.APIGDomain) *sslv1alpha1.APIGDomainStatus {
	for i, ds := range obj.Status.Domains {
		if ds.GroupID == ref.GroupID && ((ref.DomainID != "" && ds.DomainID == ref.DomainID) ||
			(ref.URLDomain != "" && strings.EqualFold(ds.URLDomain, ref.URLDomain))) {
			return &obj.Status.Domains[i]
		}
	}
	return nil
}

// mergeDomains keeps the entries of old that updated does not replace, so that an interrupted
// reconcile keeps what it learned.
func mergeDomains(old, updated []sslv1alpha1.APIGDomainStatus) []sslv1alpha1.APIGDomainStatus {
	out := slices.Clone(updated)
	for _, o := range old {
		if !slices.ContainsFunc(updated, func(u sslv1alpha1.APIGDomainStatus) bool {
			return u.GroupID == o.GroupID && u.DomainID == o.DomainID
		}) {
			out = append(out, o)
		}
	}
	return out
}

// sameSerial compares serial numbers in any hex notation: case, colons and leading zeros
// differ between tools.
func sameSerial(a, b string) bool {
	norm := func(s string) string {
		s = strings.ToLower(strings.ReplaceAll(strings.TrimSpace(s), ":", ""))
		return strings.TrimLeft(strings.TrimPrefix(s, "0x"), "0")
	}
	return a != "" && norm(a) == norm(b)
}

// certificateName is spec.certificateName, or else the object's name made valid for APIG:
// other characters become underscores, a leading non-letter gets the prefix "cert_", and the
// result is 4 to 50 characters long.
func certificateName(obj *sslv1alpha1.HuaweiAPIGCertificate) string {
	if obj.Spec.CertificateName != "" {
		return obj.Spec.CertificateName
	}
	name := []rune(strings.Map(func(c rune) rune {
		if c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' {
			return c
		}
		return '_'
	}, obj.Name))
	if len(name) == 0 || !(name[0] >= 'a' && name[0] <= 'z' || name[0] >= 'A' && name[0] <= 'Z') || len(name) < 4 {
		name = append([]rune("cert_"), name...)
	}
	if len(name) > 50 {
		name = name[:50]
	}
	return string(name)
}

func cnameStatus(s int32) sslv1alpha1.CNAMEStatus {
	switch s {
	case 1:
		return sslv1alpha1.CNAMEUnresolved
	case 2:
		return sslv1alpha1.CNAMEResolving
	case 3:
		return sslv1alpha1.CNAMEResolved
	case 4:
		return sslv1alpha1.CNAMEFailed
	}
	return sslv1alpha1.CNAMEUnknown
}
