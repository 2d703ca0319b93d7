package certificatedeployment

import (
	"context"
	"fmt"
	"sort"
	"strings"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"sigs.k8s.io/controller-runtime/pkg/client"

	sslv1alpha1 "github.com/certsync/tencent-cert-operator/api/v1alpha1"
	"github.com/certsync/tencent-cert-operator/internal/reconcile"
	"github.com/certsync/tencent-cert-operator/internal/targets"
)

// reconcileSource decides which certificate the targets should serve and whose credentials to
// use. It reads only what a TencentCertificate publishes in its status: the certificate ID, its
// validity and its credentials. Housekeeping on the certificate (updates, old certificates)
// never holds a deployment back. While no certificate is published it records why in
// certWait, so that a running record is still polled before the reconcile waits.
func (r *Reconciler) reconcileSource(ctx context.Context, run *run) error {
	spec := run.obj.Spec
	run.creds = spec.CredentialsRef
	if spec.CertificateRef == nil {
		run.certID = spec.CertificateID
		return nil
	}
	name := spec.CertificateRef.Name
	tc := &sslv1alpha1.TencentCertificate{}
	err := r.Get(ctx, client.ObjectKey{Namespace: run.obj.Namespace, Name: name}, tc)
	switch {
	case apierrors.IsNotFound(err):
		run.certWait = reconcile.NewWaiting(sslv1alpha1.ReasonCertificateNotReady,
			fmt.Sprintf("TencentCertificate %q not found", name), r.Options.ResyncInterval)
		return nil
	case err != nil:
		return err
	}
	if run.creds == nil && spec.AccountRef == nil {
		run.creds, run.sourceAccount = tc.Status.CredentialsRef, tc.Status.AccountRef
	}
	st := tc.Status
	run.adopted = st.Adopted
	switch {
	case st.CertificateID == "":
		run.certWait = reconcile.NewProgressing(sslv1alpha1.ReasonCertificateNotReady,
			fmt.Sprintf("Waiting for TencentCertificate %q to publish a certificate", name), r.Options.ResyncInterval)
	case st.NotAfter != nil && !r.Clock.Now().Before(st.NotAfter.Time):
		run.certWait = reconcile.NewWaiting(sslv1alpha1.ReasonCertificateNotReady,
			fmt.Sprintf("The certificate %s of TencentCertificate %q has expired", st.CertificateID, name), r.Options.ResyncInterval)
	default:
		run.certID, run.dnsNames = st.CertificateID, st.DNSNames
	}
	return nil
}

// reconcileTargets renders the targets and lines status.targets up with them. Targets removed
// from the spec keep their certificate: the operator never unbinds cloud resources.
func (r *Reconciler) reconcileTargets(_ context.Context, run *run) error {
	ids, err := targets.RenderAll(&run.obj.Spec)
	if err != nil {
		return reconcile.NewTerminal(sslv1alpha1.ReasonInvalidTargets, "Invalid targets: "+err.Error())
	}
	run.ids = ids
	st := &run.obj.Status
	if run.obj.Generation != st.ObservedGeneration {
		// A changed spec deserves a new attempt.
		st.FailedCertificateID = ""
	}
	previous := map[string]sslv1alpha1.TargetStatus{}
	for _, t := range st.Targets {
		previous[t.ID] = t
	}
	next := make([]sslv1alpha1.TargetStatus, 0, len(ids))
	for _, id := range ids {
		t, ok := previous[id]
		if !ok {
			t = sslv1alpha1.TargetStatus{ID: id, State: sslv1alpha1.TargetPending, LastTransitionTime: reconcile.Now(r.Clock)}
		}
		delete(previous, id)
		next = append(next, t)
	}
	if len(previous) > 0 {
		removed := make([]string, 0, len(previous))
		for id := range previous {
			removed = append(removed, id)
		}
		sort.Strings(removed)
		run.events.Add(false, sslv1alpha1.ReasonTargetsRemoved, "Targets removed from the spec keep their current certificate: %s", strings.Join(removed, ", "))
	}
	st.Targets = next
	return nil
}
