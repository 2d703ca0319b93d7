package certmanager_test

import (
	"bytes"
	"context"
	"crypto/x509"
	"encoding/pem"
	"fmt"
	"strings"
	"testing"
	"time"

	apiutil "github.com/cert-manager/cert-manager/pkg/api/util"
	cmapi "github.com/cert-manager/cert-manager/pkg/apis/certmanager/v1"
	cmmeta "github.com/cert-manager/cert-manager/pkg/apis/meta/v1"
	. "github.com/onsi/gomega"
	corev1 "k8s.io/api/core/v1"
	eventsv1 "k8s.io/api/events/v1"
	apimeta "k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"

	sslv1alpha1 "github.com/certsync/tencent-cert-operator/api/v1alpha1"
	"github.com/certsync/tencent-cert-operator/test/sslsim"
)

// timeout bounds every wait: issuance, upload and deployment each take well under a second.
const timeout = 60 * time.Second

// fixture is one test's namespace, with cert-manager running for all namespaces and the
// operator for this one.
type fixture struct {
	t   *testing.T
	ctx context.Context
	ns  string
	sim *sslsim.Simulator
	log *logBuffer
}

func newFixture(t *testing.T) *fixture {
	t.Helper()
	return newFixtureWith(t, false)
}

// newFixtureWith starts the operator with annotation sync when annotationSync is true.
func newFixtureWith(t *testing.T, annotationSync bool) *fixture {
	t.Helper()
	ns := &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{GenerateName: "cm-"}}
	NewWithT(t).Expect(k8s.Create(context.Background(), ns)).To(Succeed())
	f := &fixture{t: t, ctx: context.Background(), ns: ns.Name}
	f.sim, f.log = startOperator(t, ns.Name, annotationSync)
	t.Cleanup(func() { t.Logf("SSL API calls in %s: %v", t.Name(), f.sim.Calls()) })
	return f
}

func (f *fixture) create(obj client.Object) {
	f.t.Helper()
	obj.SetNamespace(f.ns)
	NewWithT(f.t).Expect(k8s.Create(f.ctx, obj)).To(Succeed())
}

func (f *fixture) get(obj client.Object, name string) {
	f.t.Helper()
	NewWithT(f.t).Expect(k8s.Get(f.ctx, client.ObjectKey{Namespace: f.ns, Name: name}, obj)).To(Succeed())
}

func issuerRef(name string) cmmeta.IssuerReference {
	return cmmeta.IssuerReference{Name: name, Kind: cmapi.IssuerKind, Group: "cert-manager.io"}
}

// createCAIssuer creates the Issuer name, signing with the CA in Secret caSecret.
func (f *fixture) createCAIssuer(name, caSecret string) {
	f.t.Helper()
	f.create(&cmapi.Issuer{
		ObjectMeta: metav1.ObjectMeta{Name: name},
		Spec:       cmapi.IssuerSpec{IssuerConfig: cmapi.IssuerConfig{CA: &cmapi.CAIssuer{SecretName: caSecret}}},
	})
}

// createRootCA bootstraps a CA the way cert-manager's documentation does: a self-signed
// Issuer signs a CA Certificate into Secret caSecret.
func (f *fixture) createRootCA(caSecret string) {
	f.t.Helper()
	f.create(&cmapi.Issuer{
		ObjectMeta: metav1.ObjectMeta{Name: "selfsigned"},
		Spec:       cmapi.IssuerSpec{IssuerConfig: cmapi.IssuerConfig{SelfSigned: &cmapi.SelfSignedIssuer{}}},
	})
	f.create(&cmapi.Certificate{
		ObjectMeta: metav1.ObjectMeta{Name: caSecret},
		Spec: cmapi.CertificateSpec{
			IsCA: true, CommonName: "Example Root CA", SecretName: caSecret,
			PrivateKey: &cmapi.CertificatePrivateKey{Algorithm: cmapi.ECDSAKeyAlgorithm},
			IssuerRef:  issuerRef("selfsigned"),
		},
	})
}

// createIntermediateCA has issuer sign an intermediate CA Certificate into Secret caSecret.
func (f *fixture) createIntermediateCA(caSecret, issuer string) {
	f.t.Helper()
	f.create(&cmapi.Certificate{
		ObjectMeta: metav1.ObjectMeta{Name: caSecret},
		Spec: cmapi.CertificateSpec{
			IsCA: true, CommonName: "Example Intermediate CA", SecretName: caSecret,
			PrivateKey: &cmapi.CertificatePrivateKey{Algorithm: cmapi.ECDSAKeyAlgorithm},
			IssuerRef:  issuerRef(issuer),
		},
	})
}

// createCertificate creates a Certificate for www and api.example.com, the names the example
// inventory's CLB listeners serve.
func (f *fixture) createCertificate(name, secret, issuer string, mutate ...func(*cmapi.CertificateSpec)) {
	f.t.Helper()
	crt := &cmapi.Certificate{
		ObjectMeta: metav1.ObjectMeta{Name: name},
		Spec: cmapi.CertificateSpec{
			SecretName: secret,
			DNSNames:   []string{"www.example.com", "api.example.com"},
			PrivateKey: &cmapi.CertificatePrivateKey{Algorithm: cmapi.ECDSAKeyAlgorithm},
			IssuerRef:  issuerRef(issuer),
		},
	}
	for _, m := range mutate {
		m(&crt.Spec)
	}
	f.create(crt)
}

// waitIssued waits until the Certificate is Ready at revision and returns it.
func (f *fixture) waitIssued(name string, revision int) *cmapi.Certificate {
	f.t.Helper()
	crt := &cmapi.Certificate{}
	NewWithT(f.t).Eventually(func(g Gomega) {
		g.Expect(k8s.Get(f.ctx, client.ObjectKey{Namespace: f.ns, Name: name}, crt)).To(Succeed())
		g.Expect(crt.Status.Revision).To(HaveValue(Equal(revision)), "Certificate %s: %+v", name, crt.Status.Conditions)
		g.Expect(apiutil.CertificateHasCondition(crt, cmapi.CertificateCondition{
			Type: cmapi.CertificateConditionReady, Status: cmmeta.ConditionTrue,
		})).To(BeTrue(), "Certificate %s: %+v", name, crt.Status.Conditions)
	}).WithTimeout(timeout).WithPolling(50 * time.Millisecond).Should(Succeed())
	return crt
}

// renew does what `cmctl renew` does: it sets the Issuing condition on the Certificate.
func (f *fixture) renew(name string) {
	f.t.Helper()
	crt := &cmapi.Certificate{}
	f.get(crt, name)
	apiutil.SetCertificateCondition(crt, crt.Generation, cmapi.CertificateConditionIssuing, cmmeta.ConditionTrue,
		"ManuallyTriggered", "Certificate re-issuance manually triggered")
	NewWithT(f.t).Expect(k8s.Status().Update(f.ctx, crt)).To(Succeed())
}

func (f *fixture) secret(name string) *corev1.Secret {
	f.t.Helper()
	s := &corev1.Secret{}
	f.get(s, name)
	return s
}

func (f *fixture) createTencentCertificate(name, secret string, rotation *sslv1alpha1.RotationSpec) *sslv1alpha1.TencentCertificate {
	f.t.Helper()
	tc := &sslv1alpha1.TencentCertificate{
		ObjectMeta: metav1.ObjectMeta{Name: name},
		Spec:       sslv1alpha1.TencentCertificateSpec{SecretRef: &sslv1alpha1.LocalObjectReference{Name: secret}, Rotation: rotation},
	}
	f.create(tc)
	return tc
}

// clbTargets are the example inventory's HTTPS listener and the SNI listener's api domain.
var clbTargets = []sslv1alpha1.Target{
	{LoadBalancerID: "lb-demo0001", ListenerID: "lbl-https001"},
	{LoadBalancerID: "lb-demo0001", ListenerID: "lbl-sni00001", Domain: "api.example.com"},
}

func (f *fixture) createDeployment(name, certificate string) *sslv1alpha1.CertificateDeployment {
	f.t.Helper()
	cd := &sslv1alpha1.CertificateDeployment{
		ObjectMeta: metav1.ObjectMeta{Name: name},
		Spec: sslv1alpha1.CertificateDeploymentSpec{
			CertificateRef: &sslv1alpha1.LocalObjectReference{Name: certificate},
			ResourceType:   sslv1alpha1.ResourceTypeCLB, Region: "ap-guangzhou", Targets: clbTargets,
		},
	}
	f.create(cd)
	return cd
}

// waitCurrent waits until kstatus would call the object Current and, when certificateID is
// set, until it reports that certificate.
func (f *fixture) waitCurrent(obj client.Object, certificateID string) {
	f.t.Helper()
	NewWithT(f.t).Eventually(func(g Gomega) {
		g.Expect(k8s.Get(f.ctx, client.ObjectKeyFromObject(obj), obj)).To(Succeed())
		var conds []metav1.Condition
		var generation int64
		var id string
		switch o := obj.(type) {
		case *sslv1alpha1.TencentCertificate:
			conds, generation, id = o.Status.Conditions, o.Status.ObservedGeneration, o.Status.CertificateID
		case *sslv1alpha1.CertificateDeployment:
			conds, generation, id = o.Status.Conditions, o.Status.ObservedGeneration, o.Status.CertificateID
		}
		ready := apimeta.FindStatusCondition(conds, sslv1alpha1.ReadyCondition)
		g.Expect(ready).NotTo(BeNil())
		g.Expect(ready.Status).To(Equal(metav1.ConditionTrue), "Ready: %s %s", ready.Reason, ready.Message)
		g.Expect(generation).To(Equal(obj.GetGeneration()))
		g.Expect(apimeta.FindStatusCondition(conds, sslv1alpha1.ReconcilingCondition)).To(BeNil())
		g.Expect(apimeta.FindStatusCondition(conds, sslv1alpha1.StalledCondition)).To(BeNil())
		if certificateID != "" {
			g.Expect(id).To(Equal(certificateID))
		}
	}).WithTimeout(timeout).WithPolling(50 * time.Millisecond).Should(Succeed())
}

// waitReason waits until the TencentCertificate's Ready condition has the reason.
func (f *fixture) waitReason(tc *sslv1alpha1.TencentCertificate, reason string) {
	f.t.Helper()
	NewWithT(f.t).Eventually(func(g Gomega) {
		g.Expect(k8s.Get(f.ctx, client.ObjectKeyFromObject(tc), tc)).To(Succeed())
		ready := apimeta.FindStatusCondition(tc.Status.Conditions, sslv1alpha1.ReadyCondition)
		g.Expect(ready).NotTo(BeNil())
		g.Expect(ready.Reason).To(Equal(reason), ready.Message)
		g.Expect(ready.ObservedGeneration).To(Equal(tc.Generation))
	}).WithTimeout(timeout).WithPolling(50 * time.Millisecond).Should(Succeed())
}

// uploaded returns the certificate the simulator stores under id.
func (f *fixture) uploaded(id string) sslsim.Certificate {
	f.t.Helper()
	for _, c := range f.sim.Certificates() {
		if c.ID == id {
			return c
		}
	}
	f.t.Fatalf("certificate %s is not in the simulator", id)
	return sslsim.Certificate{}
}

// exists reports whether the simulator still stores the certificate.
func (f *fixture) exists(id string) bool {
	for _, c := range f.sim.Certificates() {
		if c.ID == id {
			return true
		}
	}
	return false
}

// ders returns the DER of every certificate in a PEM bundle, in order, and fails on anything
// else in it.
func ders(t *testing.T, data []byte) [][]byte {
	t.Helper()
	var out [][]byte
	for {
		var block *pem.Block
		block, data = pem.Decode(data)
		if block == nil {
			break
		}
		if block.Type != "CERTIFICATE" {
			t.Fatalf("unexpected PEM block %q", block.Type)
		}
		if _, err := x509.ParseCertificate(block.Bytes); err != nil {
			t.Fatal(err)
		}
		out = append(out, block.Bytes)
	}
	return out
}

// assertNoKeyMaterial checks that no line of the private key, nor the operator's secret key,
// appears in the operator's logs, the namespace's events or the status of its objects.
func (f *fixture) assertNoKeyMaterial(key []byte) {
	f.t.Helper()
	var haystack strings.Builder
	haystack.WriteString(f.log.String())
	lists := []client.ObjectList{&eventsv1.EventList{}, &sslv1alpha1.TencentCertificateList{}, &sslv1alpha1.CertificateDeploymentList{}}
	for _, list := range lists {
		NewWithT(f.t).Expect(k8s.List(f.ctx, list, client.InNamespace(f.ns))).To(Succeed())
		fmt.Fprintf(&haystack, "%+v", list)
	}
	text := haystack.String()
	NewWithT(f.t).Expect(text).NotTo(BeEmpty())
	if strings.Contains(text, testSecretKey) {
		f.t.Fatal("the secret key appeared in logs, events or status")
	}
	for _, line := range bytes.Split(key, []byte("\n")) {
		if len(line) >= 16 && !bytes.HasPrefix(line, []byte("-----")) && strings.Contains(text, string(line)) {
			f.t.Fatal("private key material appeared in logs, events or status")
		}
	}
}

// bound returns the certificate each clb target serves in the simulator.
func (f *fixture) bound() []string {
	f.t.Helper()
	st := f.sim.State()
	var ids []string
	for _, target := range []string{"lb-demo0001|lbl-https001", "lb-demo0001|lbl-sni00001|api.example.com"} {
		b, ok := st.Binding("clb", target)
		NewWithT(f.t).Expect(ok).To(BeTrue(), target)
		ids = append(ids, b.CertificateID)
	}
	return ids
}
