package tencentcertificate

import (
	"fmt"

	sslv1alpha1 "github.com/certsync/tencent-cert-operator/api/v1alpha1"
	"github.com/certsync/tencent-cert-operator/internal/reconcile"
	"github.com/certsync/tencent-cert-operator/internal/tencentcloud"
)

// Certificate statuses of DescribeCertificateDetail (§4.1) that adoption acts on.
const (
	statusIssued  tencentcloud.CertificateStatus = 1
	statusExpired tencentcloud.CertificateStatus = 3
)

// certificateStatusNames name the statuses of §4.1 for messages.
var certificateStatusNames = map[tencentcloud.CertificateStatus]string{
	0: "under review", 1: "issued", 2: "review failed", 3: "expired", 4: "awaiting validation",
	5: "awaiting information", 6: "being cancelled", 7: "cancelled", 8: "awaiting a confirmation letter",
	9: "being revoked", 10: "revoked", 11: "being reissued", 12: "awaiting a revocation letter",
	13: "awaiting information", 14: "refunded", 15: "being migrated",
}

// finalStatuses never become issued again.
var finalStatuses = map[tencentcloud.CertificateStatus]bool{2: true, 7: true, 10: true, 14: true}

// adoptable says whether an adopted certificate may be published: issued and not expired. A
// certificate on its way to issuance is waited for; one that will never serve is stalled.
func (r *Reconciler) adoptable(d tencentcloud.Certificate) error {
	name := certificateStatusNames[d.Status]
	if name == "" {
		name = fmt.Sprintf("status %d", d.Status)
	}
	switch {
	case d.Status == statusExpired || (d.Status == statusIssued && d.NotAfter != nil && !r.Clock.Now().Before(*d.NotAfter)):
		return expired(d.ID)
	case d.Status == statusIssued:
		return nil
	case finalStatuses[d.Status]:
		return reconcile.NewTerminal(sslv1alpha1.ReasonCertificateNotIssued,
			fmt.Sprintf("Certificate %s is %s in Tencent Cloud and cannot be deployed", d.ID, name))
	}
	return reconcile.NewWaiting(sslv1alpha1.ReasonCertificateNotIssued,
		fmt.Sprintf("Certificate %s is %s in Tencent Cloud; waiting for it to be issued", d.ID, name), r.Options.ResyncInterval)
}

// adoptedExpired reports, without an API call, an adopted certificate whose published validity
// has ended since it was adopted.
func (r *Reconciler) adoptedExpired(st *sslv1alpha1.TencentCertificateStatus) error {
	if st.NotAfter != nil && !r.Clock.Now().Before(st.NotAfter.Time) {
		return expired(st.CertificateID)
	}
	return nil
}

func expired(id string) error {
	return reconcile.NewTerminal(sslv1alpha1.ReasonCertificateExpired, fmt.Sprintf("Certificate %s has expired", id))
}
