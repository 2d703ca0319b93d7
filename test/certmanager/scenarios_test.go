package certmanager_test

import (
	"testing"

	cmapi "github.com/cert-manager/cert-manager/pkg/apis/certmanager/v1"
	. "github.com/onsi/gomega"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"

	sslv1alpha1 "github.com/certsync/tencent-cert-operator/api/v1alpha1"
	"github.com/certsync/tencent-cert-operator/internal/certs"
)

// deployed issues Certificate web into Secret web-tls from a CA Issuer, uploads it with
// TencentCertificate web and deploys it to the example CLB with CertificateDeployment web-clb.
func (f *fixture) deployed(rotation *sslv1alpha1.RotationSpec, mutate ...func(*cmapi.CertificateSpec)) (*sslv1alpha1.TencentCertificate, *sslv1alpha1.CertificateDeployment) {
	f.t.Helper()
	f.createRootCA("root-ca")
	f.createCAIssuer("ca", "root-ca")
	f.createCertificate("web", "web-tls", "ca", mutate...)
	tc := f.createTencentCertificate("web", "web-tls", rotation)
	cd := f.createDeployment("web-clb", "web")
	f.waitIssued("web", 1)
	f.waitCurrent(tc, "")
	f.waitCurrent(cd, tc.Status.CertificateID)
	return tc, cd
}

func TestCertificateIssuedByCAIssuerIsUploadedAndDeployed(t *testing.T) {
	f := newFixture(t)
	g := NewWithT(t)
	tc, cd := f.deployed(nil)
	id := tc.Status.CertificateID

	secret := f.secret("web-tls")
	g.Expect(secret.Type).To(Equal(corev1.SecretTypeTLS))
	g.Expect(secret.Annotations).To(HaveKeyWithValue(cmapi.CertificateNameKey, "web"), "the Secret is cert-manager's")
	g.Expect(ders(t, []byte(f.uploaded(id).CertificatePEM))).To(Equal(ders(t, secret.Data[corev1.TLSCertKey])))
	g.Expect(f.uploaded(id).HasPrivateKey).To(BeTrue())
	g.Expect(tc.Status.DNSNames).To(ConsistOf("www.example.com", "api.example.com"))

	calls := f.sim.Calls()
	g.Expect(calls.Count("UploadCertificate", "Success")).To(Equal(1))
	g.Expect(calls.Count("DeployCertificateInstance", "Success")).To(Equal(1))
	g.Expect(cd.Status.Summary).To(Equal("2/2"))
	g.Expect(f.bound()).To(Equal([]string{id, id}))
	f.assertNoKeyMaterial(secret.Data[corev1.TLSPrivateKeyKey])
}

// TestRenewalRollsOutToTargets renews as `cmctl renew` does, with both private key rotation
// policies: one new upload, one deployment, and the superseded certificate deleted or kept as
// spec.rotation.oldCertificates says.
func TestRenewalRollsOutToTargets(t *testing.T) {
	cases := []struct {
		name   string
		policy cmapi.PrivateKeyRotationPolicy
		old    sslv1alpha1.OldCertificatePolicy
	}{
		{"a new key each issuance, superseded certificates deleted", cmapi.RotationPolicyAlways, sslv1alpha1.OldCertificatesDelete},
		{"the key kept across issuances, superseded certificates retained", cmapi.RotationPolicyNever, sslv1alpha1.OldCertificatesRetain},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			f := newFixture(t)
			g := NewWithT(t)
			tc, cd := f.deployed(&sslv1alpha1.RotationSpec{OldCertificates: c.old}, func(s *cmapi.CertificateSpec) {
				s.PrivateKey.RotationPolicy = c.policy
			})
			old := tc.Status.CertificateID
			before := f.secret("web-tls")
			f.sim.ResetCalls()

			f.renew("web")
			f.waitIssued("web", 2)
			after := f.secret("web-tls")
			g.Expect(after.Data[corev1.TLSCertKey]).NotTo(Equal(before.Data[corev1.TLSCertKey]))
			if c.policy == cmapi.RotationPolicyNever {
				g.Expect(after.Data[corev1.TLSPrivateKeyKey]).To(Equal(before.Data[corev1.TLSPrivateKeyKey]))
			} else {
				g.Expect(after.Data[corev1.TLSPrivateKeyKey]).NotTo(Equal(before.Data[corev1.TLSPrivateKeyKey]))
			}

			var id string
			g.Eventually(func() string {
				g.Expect(k8s.Get(f.ctx, client.ObjectKeyFromObject(tc), tc)).To(Succeed())
				return tc.Status.CertificateID
			}).WithTimeout(timeout).ShouldNot(Equal(old))
			id = tc.Status.CertificateID
			f.waitCurrent(tc, id)
			f.waitCurrent(cd, id)
			g.Expect(ders(t, []byte(f.uploaded(id).CertificatePEM))).To(Equal(ders(t, after.Data[corev1.TLSCertKey])))
			g.Expect(f.bound()).To(Equal([]string{id, id}))
			g.Expect(tc.Status.History).To(HaveLen(1))
			g.Expect(tc.Status.History[0].CertificateID).To(Equal(old))

			if c.old == sslv1alpha1.OldCertificatesDelete {
				g.Eventually(func() sslv1alpha1.HistoryState {
					g.Expect(k8s.Get(f.ctx, client.ObjectKeyFromObject(tc), tc)).To(Succeed())
					return tc.Status.History[0].State
				}).WithTimeout(timeout).Should(Equal(sslv1alpha1.HistoryDeleted))
				g.Expect(f.exists(old)).To(BeFalse())
				// Each attempt is a checked deletion: one started while the targets still served the
				// old certificate was refused by Tencent, not by the operator.
				g.Expect(f.sim.Calls().Count("DeleteCertificate", "Success")).To(BeNumerically(">=", 1))
			} else {
				// Muting the reminders is the last thing done to a retained certificate.
				g.Eventually(func() bool { return f.uploaded(old).IgnoreExpiryNotification }).WithTimeout(timeout).Should(BeTrue())
				g.Expect(f.sim.Calls().Total("DeleteCertificate")).To(BeZero())
				f.get(tc, "web")
				g.Expect(tc.Status.History[0].State).To(Equal(sslv1alpha1.HistorySuperseded))
			}
			calls := f.sim.Calls()
			g.Expect(calls.Count("UploadCertificate", "Success")).To(Equal(1))
			g.Expect(calls.Count("DeployCertificateInstance", "Success")).To(Equal(1))
			f.assertNoKeyMaterial(before.Data[corev1.TLSPrivateKeyKey])
			f.assertNoKeyMaterial(after.Data[corev1.TLSPrivateKeyKey])
		})
	}
}

// TestAdditionalOutputFormatsAndCADoNotConfuseValidation issues from an intermediate CA with
// every extra key cert-manager can write, and checks that exactly tls.crt is uploaded.
func TestAdditionalOutputFormatsAndCADoNotConfuseValidation(t *testing.T) {
	f := newFixture(t)
	g := NewWithT(t)
	f.createRootCA("root-ca")
	f.createCAIssuer("root", "root-ca")
	f.createIntermediateCA("intermediate-ca", "root")
	f.createCAIssuer("intermediate", "intermediate-ca")
	f.createCertificate("web", "web-tls", "intermediate", func(s *cmapi.CertificateSpec) {
		s.AdditionalOutputFormats = []cmapi.CertificateAdditionalOutputFormat{
			{Type: cmapi.CertificateOutputFormatDER}, {Type: cmapi.CertificateOutputFormatCombinedPEM},
		}
		s.SecretTemplate = &cmapi.CertificateSecretTemplate{
			Labels:      map[string]string{"app.kubernetes.io/name": "web"},
			Annotations: map[string]string{"example.com/owner": "team-web"},
		}
	})
	tc := f.createTencentCertificate("web", "web-tls", nil)
	f.waitIssued("web", 1)
	f.waitCurrent(tc, "")

	secret := f.secret("web-tls")
	g.Expect(secret.Data).To(HaveLen(5))
	g.Expect(secret.Data).To(HaveKey(corev1.TLSCertKey))
	g.Expect(secret.Data).To(HaveKey(corev1.TLSPrivateKeyKey))
	g.Expect(secret.Data).To(HaveKey(cmapi.CertificateOutputFormatDERKey))
	g.Expect(secret.Data).To(HaveKey(cmapi.CertificateOutputFormatCombinedPEMKey))
	g.Expect(secret.Data).To(HaveKey("ca.crt"))
	g.Expect(secret.Labels).To(HaveKeyWithValue("app.kubernetes.io/name", "web"))
	g.Expect(secret.Annotations).To(HaveKeyWithValue("example.com/owner", "team-web"))

	chain := ders(t, secret.Data[corev1.TLSCertKey])
	g.Expect(chain).To(HaveLen(2), "the leaf and the intermediate")
	root := ders(t, f.secret("root-ca").Data[corev1.TLSCertKey])
	g.Expect(ders(t, secret.Data["ca.crt"])).NotTo(ContainElement(chain[0]))
	uploaded := ders(t, []byte(f.uploaded(tc.Status.CertificateID).CertificatePEM))
	g.Expect(uploaded).To(Equal(chain), "the chain uploaded is the one cert-manager wrote")
	g.Expect(uploaded).NotTo(ContainElement(root[0]))
	g.Expect(tc.Status.Fingerprint).To(Equal(certs.Fingerprint(chain[0])))
	g.Expect(f.sim.Calls().Count("UploadCertificate", "Success")).To(Equal(1))
}

// TestNothingReachesTencentBeforeIssuance holds issuance back while the Issuer's CA is missing:
// cert-manager has written its temporary private key and a pending CertificateRequest, and the
// target Secret is a placeholder without a certificate. The operator makes no API call until
// cert-manager writes a matching certificate and key.
func TestNothingReachesTencentBeforeIssuance(t *testing.T) {
	f := newFixture(t)
	g := NewWithT(t)
	tc := f.createTencentCertificate("web", "web-tls", nil)
	f.waitReason(tc, sslv1alpha1.ReasonSecretNotFound)

	f.createCAIssuer("ca", "root-ca")
	f.createCertificate("web", "web-tls", "ca")
	// The key manager stores the next private key in a temporary Secret of its own.
	g.Eventually(func(g Gomega) {
		list := &corev1.SecretList{}
		g.Expect(k8s.List(f.ctx, list, client.InNamespace(f.ns),
			client.MatchingLabels{cmapi.IsNextPrivateKeySecretLabelKey: "true"})).To(Succeed())
		g.Expect(list.Items).To(HaveLen(1))
	}).WithTimeout(timeout).Should(Succeed())
	g.Eventually(func(g Gomega) {
		list := &cmapi.CertificateRequestList{}
		g.Expect(k8s.List(f.ctx, list, client.InNamespace(f.ns))).To(Succeed())
		g.Expect(list.Items).To(HaveLen(1))
		g.Expect(list.Items[0].Status.Certificate).To(BeEmpty())
	}).WithTimeout(timeout).Should(Succeed())

	// A placeholder, as charts create so that a Deployment can mount the Secret before
	// issuance; cert-manager fills it in.
	f.create(&corev1.Secret{
		ObjectMeta: metav1.ObjectMeta{Name: "web-tls"},
		Type:       corev1.SecretTypeTLS,
		Data:       map[string][]byte{corev1.TLSCertKey: nil, corev1.TLSPrivateKeyKey: nil},
	})
	f.waitReason(tc, certs.SecretKeyMissing)
	g.Expect(totalCalls(f)).To(BeZero(), "no API call before issuance")

	f.createRootCA("root-ca")
	f.waitIssued("web", 1)
	f.waitCurrent(tc, "")
	secret := f.secret("web-tls")
	g.Expect(ders(t, []byte(f.uploaded(tc.Status.CertificateID).CertificatePEM))).To(Equal(ders(t, secret.Data[corev1.TLSCertKey])))
	calls := f.sim.Calls()
	g.Expect(calls.Total("UploadCertificate")).To(Equal(1))
	g.Expect(f.sim.Certificates()).To(HaveLen(1))
}

func totalCalls(f *fixture) int {
	n := 0
	for action := range f.sim.Calls() {
		n += f.sim.Calls().Total(action)
	}
	return n
}
