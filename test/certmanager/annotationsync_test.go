package certmanager_test

import (
	"strings"
	"testing"

	cmapi "github.com/cert-manager/cert-manager/pkg/apis/certmanager/v1"
	. "github.com/onsi/gomega"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"

	sslv1alpha1 "github.com/certsync/tencent-cert-operator/api/v1alpha1"
)

// TestAnnotationSyncFollowsCertManager drives annotation sync through cert-manager's
// secretTemplate: the annotated Secret is uploaded and deployed through a template, renewed,
// and released when the annotation goes, while only cert-manager ever writes the Secret.
func TestAnnotationSyncFollowsCertManager(t *testing.T) {
	f := newFixtureWith(t, true)
	g := NewWithT(t)
	f.create(&sslv1alpha1.CertificateDeployment{
		ObjectMeta: metav1.ObjectMeta{Name: "clb", Labels: map[string]string{sslv1alpha1.TemplateLabel: "true"}},
		Spec: sslv1alpha1.CertificateDeploymentSpec{
			CertificateRef: &sslv1alpha1.LocalObjectReference{Name: "template"},
			ResourceType:   sslv1alpha1.ResourceTypeCLB, Region: "ap-guangzhou", Targets: clbTargets, Suspend: true,
		},
	})
	f.createRootCA("root-ca")
	f.createCAIssuer("ca", "root-ca")
	f.createCertificate("web", "web-tls", "ca", func(s *cmapi.CertificateSpec) {
		s.SecretTemplate = &cmapi.CertificateSecretTemplate{Annotations: map[string]string{
			sslv1alpha1.SyncAnnotation:                "true",
			sslv1alpha1.DeploymentTemplatesAnnotation: "clb",
		}}
	})
	f.waitIssued("web", 1)
	tc := &sslv1alpha1.TencentCertificate{ObjectMeta: metav1.ObjectMeta{Namespace: f.ns, Name: "web-tls"}}
	cd := &sslv1alpha1.CertificateDeployment{ObjectMeta: metav1.ObjectMeta{Namespace: f.ns, Name: "web-tls-clb"}}
	f.waitCurrent(tc, "")
	first := tc.Status.CertificateID
	f.waitCurrent(cd, first)
	g.Expect(f.bound()).To(Equal([]string{first, first}))

	f.renew("web")
	f.waitIssued("web", 2)
	g.Eventually(func() string {
		g.Expect(k8s.Get(f.ctx, client.ObjectKeyFromObject(tc), tc)).To(Succeed())
		return tc.Status.CertificateID
	}).WithTimeout(timeout).ShouldNot(Equal(first))
	second := tc.Status.CertificateID
	f.waitCurrent(tc, second)
	f.waitCurrent(cd, second)
	calls := f.sim.Calls()
	g.Expect(calls.Count("UploadCertificate", "Success")).To(Equal(2))
	g.Expect(calls.Count("DeployCertificateInstance", "Success")).To(Equal(2))

	// Removing the annotation from the secretTemplate makes cert-manager remove it from the
	// Secret; the generated objects go, and the TencentCertificate's default deletion policy
	// deletes the superseded certificate that nothing uses any more.
	crt := &cmapi.Certificate{}
	f.get(crt, "web")
	delete(crt.Spec.SecretTemplate.Annotations, sslv1alpha1.SyncAnnotation)
	g.Expect(k8s.Update(f.ctx, crt)).To(Succeed())
	g.Eventually(func() bool {
		return apierrors.IsNotFound(k8s.Get(f.ctx, client.ObjectKeyFromObject(tc), tc)) &&
			apierrors.IsNotFound(k8s.Get(f.ctx, client.ObjectKeyFromObject(cd), cd))
	}).WithTimeout(timeout).Should(BeTrue())
	g.Expect(f.exists(first)).To(BeFalse(), "the superseded certificate was deleted")
	g.Expect(f.exists(second)).To(BeTrue(), "the certificate the CLB still serves was kept")

	secret := f.secret("web-tls")
	g.Expect(secret.Annotations).NotTo(HaveKey(sslv1alpha1.SyncAnnotation))
	for k := range secret.Annotations {
		g.Expect(k).To(Or(HavePrefix("cert-manager.io/"), Equal(sslv1alpha1.DeploymentTemplatesAnnotation)))
	}
	g.Expect(secret.Finalizers).To(BeEmpty())
	for _, m := range secret.ManagedFields {
		g.Expect(strings.HasPrefix(m.Manager, "cert-manager")).To(BeTrue(), "Secret written by %s", m.Manager)
	}
	g.Expect(secret.Type).To(Equal(corev1.SecretTypeTLS))
	f.assertNoKeyMaterial(secret.Data[corev1.TLSPrivateKeyKey])
}
