package tencentcertificate

import (
	"fmt"
	"testing"

	sslv1alpha1 "github.com/certsync/tencent-cert-operator/api/v1alpha1"
)

func TestPushHistoryKeepsSupersededCertificates(t *testing.T) {
	st := &sslv1alpha1.TencentCertificateStatus{}
	for i := 0; i < historyLimit; i++ {
		state := sslv1alpha1.HistoryDeleted
		if i == 0 {
			state = sslv1alpha1.HistorySuperseded
		}
		pushHistory(st, sslv1alpha1.CertificateHistoryEntry{CertificateID: fmt.Sprint("old-", i), State: state})
	}
	pushHistory(st, sslv1alpha1.CertificateHistoryEntry{CertificateID: "new", State: sslv1alpha1.HistorySuperseded})
	if len(st.History) != historyLimit {
		t.Fatalf("history has %d entries, want %d", len(st.History), historyLimit)
	}
	if st.History[0].CertificateID != "new" || st.History[historyLimit-1].CertificateID != "old-0" {
		t.Fatalf("the oldest superseded entry must be kept and a deleted one dropped: %+v", st.History)
	}
}
