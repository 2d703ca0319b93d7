package certificatedeployment

import (
	"context"
	"fmt"

	sslv1alpha1 "github.com/certsync/tencent-cert-operator/api/v1alpha1"
	"github.com/certsync/tencent-cert-operator/internal/reconcile"
)

// +kubebuilder:rbac:groups=ssl.certsync.io,resources=tencentcloudaccounts,verbs=get;list;watch
// +kubebuilder:rbac:groups="",resources=namespaces,verbs=get;list;watch

// reconcileAccount resolves the identity that deploys, under its account's rules: the
// namespace, spec.resourceType and spec.region, and the certificate. A refusal stalls the
// object before any API call. A certificate the namespace did not upload needs an account
// that allows adoption: a TencentCertificate's adopted certificate is known from its status;
// a spec.certificateId is checked against its ownership tags once, before it is first deployed.
func (r *Reconciler) reconcileAccount(ctx context.Context, run *run) error {
	spec := run.obj.Spec
	use := reconcile.Use{
		Namespace: run.obj.Namespace, AccountRef: spec.AccountRef, CredentialsRef: spec.CredentialsRef,
		ResourceTypes: []sslv1alpha1.ResourceType{spec.ResourceType},
	}
	if use.AccountRef == nil && use.CredentialsRef == nil {
		use.AccountRef, use.CredentialsRef = run.sourceAccount, run.creds
	}
	if spec.Region != "" {
		use.Regions = []sslv1alpha1.Region{spec.Region}
	}
	if run.adopted {
		use.Adopts = run.certID
	}
	g, err := r.Accounts.Resolve(ctx, use)
	if err != nil {
		return err
	}
	run.grant = g
	id := spec.CertificateID
	if spec.CertificateRef != nil || g.MayAdopt() || id == "" || id == run.obj.Status.CertificateID {
		return nil
	}
	api, err := g.Client(ctx)
	if err != nil {
		return err
	}
	tags, found, err := api.Tags(ctx, id)
	switch {
	case err != nil:
		return reconcile.Cloud("look up certificate "+id, err, 0)
	case !found:
		return reconcile.NewTerminal(sslv1alpha1.ReasonCertificateNotFound, fmt.Sprintf("Certificate %s does not exist in Tencent Cloud", id))
	case !r.Accounts.Owned(tags, run.obj.Namespace, ""):
		return reconcile.NewTerminal(sslv1alpha1.ReasonCertificateNotOwned, fmt.Sprintf(
			"Certificate %s was not uploaded by an object of namespace %q, and TencentCloudAccount %q does not allow adoption",
			id, run.obj.Namespace, g.Account.Name))
	}
	return nil
}
