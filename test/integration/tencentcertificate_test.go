package integration_test

import (
	"context"
	"strings"
	"testing"
	"time"

	. "github.com/onsi/gomega"
	"github.com/prometheus/client_golang/prometheus"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	apimeta "k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"

	sslv1alpha1 "github.com/certsync/tencent-cert-operator/api/v1alpha1"
	"github.com/certsync/tencent-cert-operator/internal/certs"
	"github.com/certsync/tencent-cert-operator/internal/tencentcloud"
	"github.com/certsync/tencent-cert-operator/internal/testcerts"
	"github.com/certsync/tencent-cert-operator/internal/testenv"
	"github.com/certsync/tencent-cert-operator/test/sslsim"
)

// updateCLB switches CLB resources in ap-guangzhou to each renewed certificate.
func updateCLB() *sslv1alpha1.RotationSpec {
	return &sslv1alpha1.RotationSpec{UpdateBoundResources: []sslv1alpha1.BoundResourceUpdate{
		{ResourceType: "clb", Regions: []sslv1alpha1.Region{"ap-guangzhou"}},
	}}
}

// clbInventory has one SNI listener domain and one plain HTTPS listener for www.example.com.
func clbInventory() *sslsim.Inventory {
	return &sslsim.Inventory{CLB: []sslsim.LoadBalancer{{
		ID: "lb-web", Region: "ap-guangzhou",
		Listeners: []sslsim.Listener{
			{ID: "lbl-sni", Protocol: "HTTPS", SNI: true, Rules: []sslsim.Rule{{Domain: "www.example.com"}}},
			{ID: "lbl-plain", Protocol: "HTTPS", Rules: []sslsim.Rule{{Domain: "www.example.com"}}},
		},
	}}}
}

func TestNewSecretIsUploadedOnce(t *testing.T) {
	h := newHarness(t)
	g := NewWithT(t)
	cert := issue(t, "www.example.com", "example.com")
	h.createTLSSecret("web-tls", cert)
	tc := h.createCertificate("web", "web-tls", func(s *sslv1alpha1.TencentCertificateSpec) {
		s.Tags = map[string]string{"team": "platform"}
	})
	h.waitCurrent(tc)

	// One lookup by the ownership tags, then the upload: ownership costs one call per upload.
	g.Expect(h.sim.Calls().Total("UploadCertificate")).To(Equal(1))
	g.Expect(h.sim.Calls().Total("DescribeCertificates")).To(Equal(1))
	g.Expect(totalCalls(h.sim.Calls())).To(Equal(2))
	st := tc.Status
	g.Expect(st.CertificateID).NotTo(BeEmpty())
	g.Expect(st.Fingerprint).To(Equal(certs.Fingerprint(cert.Cert.Raw)))
	g.Expect(st.SerialNumber).To(Equal(certs.SerialNumber(cert.Cert)))
	g.Expect(st.DNSNames).To(ConsistOf("www.example.com", "example.com"))
	g.Expect(st.NotAfter.Time.Unix()).To(Equal(cert.Cert.NotAfter.Unix()))
	g.Expect(tc.Finalizers).To(ContainElement(sslv1alpha1.Finalizer))

	uploaded := h.sim.Certificates()
	g.Expect(uploaded).To(HaveLen(1))
	g.Expect(uploaded[0].ID).To(Equal(st.CertificateID))
	g.Expect(uploaded[0].Alias).To(Equal(h.ns + "/web"))
	g.Expect(uploaded[0].Tags).To(ContainElements(
		sslsim.Tag{TagKey: "team", TagValue: "platform"},
		sslsim.Tag{TagKey: sslv1alpha1.TagNamespace, TagValue: h.ns},
		sslsim.Tag{TagKey: sslv1alpha1.TagName, TagValue: "web"},
		sslsim.Tag{TagKey: sslv1alpha1.TagFingerprint, TagValue: st.Fingerprint}))
	g.Expect(uploaded[0].Tags).To(ContainElement(HaveField("TagKey", sslv1alpha1.TagCluster)))
	h.waitEvent(sslv1alpha1.ReasonUploaded, st.CertificateID)
	h.assertNoSecrets(cert.KeyPEM)
}

func TestRotationSwitchesBoundResources(t *testing.T) {
	h := newHarness(t, func(c *harnessConfig) { c.sim.Inventory = clbInventory() })
	g := NewWithT(t)
	first := issue(t, "www.example.com")
	h.createTLSSecret("web-tls", first)
	tc := h.createCertificate("web", "web-tls", func(s *sslv1alpha1.TencentCertificateSpec) {
		s.Rotation = updateCLB()
		s.IngressSecret = &sslv1alpha1.LocalObjectReference{Name: "web-qcloud"}
	})
	h.waitCurrent(tc)
	oldID := tc.Status.CertificateID
	g.Expect(h.sim.Bind("clb", "lb-web|lbl-sni|www.example.com", oldID)).To(Succeed())
	g.Expect(h.sim.Bind("clb", "lb-web|lbl-plain", oldID)).To(Succeed())
	h.waitIngressSecret("web-qcloud", oldID)

	second := issue(t, "www.example.com")
	h.rotateSecret("web-tls", second)
	NewWithT(h.t).Eventually(func(g Gomega) {
		tc = h.getCertificate("web")
		g.Expect(tc.Status.CertificateID).NotTo(Equal(oldID))
		g.Expect(tc.Status.Update).NotTo(BeNil())
		g.Expect(tc.Status.Update.Phase).To(Equal(sslv1alpha1.RecordSucceeded))
	}).WithTimeout(30 * time.Second).Should(Succeed())
	h.waitCurrent(tc)
	newID := tc.Status.CertificateID

	g.Expect(tc.Status.Fingerprint).To(Equal(certs.Fingerprint(second.Cert.Raw)))
	g.Expect(tc.Status.Update.ID).To(BeNumerically(">", 0))
	g.Expect(tc.Status.Update.OldCertificateID).To(Equal(oldID))
	g.Expect(tc.Status.Update.Succeeded).To(Equal(int32(2)))
	g.Expect(tc.Status.History).To(HaveLen(1))
	g.Expect(tc.Status.History[0].CertificateID).To(Equal(oldID))
	g.Expect(tc.Status.History[0].State).To(Equal(sslv1alpha1.HistorySuperseded))
	g.Expect(tc.Status.History[0].NotificationsMuted).To(BeTrue())
	state := h.sim.State()
	g.Expect(state.BoundTo(newID)).To(HaveLen(2))
	g.Expect(state.BoundTo(oldID)).To(BeEmpty())
	for _, c := range state.Certificates {
		if c.ID == oldID {
			g.Expect(c.IgnoreExpiryNotification).To(BeTrue(), "the superseded certificate's reminders are muted")
		}
	}
	calls := h.sim.Calls()
	g.Expect(calls.Total("UploadCertificate")).To(Equal(2))
	// The first call answers 0 while the task is created. A reconcile from a stale cache may ask
	// once more and is answered with the running task, so exactly one record exists.
	g.Expect(calls.Count("UpdateCertificateInstance", "Success")).To(BeNumerically(">=", 2))
	updates := 0
	for _, rec := range state.Records {
		if rec.Kind == "update" {
			updates++
		}
	}
	g.Expect(updates).To(Equal(1))
	g.Expect(calls.Total("DescribeHostUpdateRecordDetail")).To(BeNumerically(">=", 1))
	t.Logf("SSL API calls for upload, rotation and update: %v", calls)
	h.waitIngressSecret("web-qcloud", newID)
	h.assertNoSecrets(first.KeyPEM, second.KeyPEM)
}

func (h *harness) waitIngressSecret(name, id string) {
	h.t.Helper()
	NewWithT(h.t).Eventually(func(g Gomega) {
		s := &corev1.Secret{}
		g.Expect(h.k8s.Get(h.ctx, client.ObjectKey{Namespace: h.ns, Name: name}, s)).To(Succeed())
		g.Expect(string(s.Data["qcloud_cert_id"])).To(Equal(id))
		g.Expect(s.Type).To(Equal(corev1.SecretTypeOpaque))
		g.Expect(s.OwnerReferences).To(HaveLen(1))
	}).WithTimeout(30 * time.Second).Should(Succeed())
}

func TestPartialUpdateFailureIsReportedThenRetried(t *testing.T) {
	h := newHarness(t, func(c *harnessConfig) {
		c.sim.Inventory = clbInventory()
		c.sim.Faults = sslsim.Faults{Targets: []sslsim.TargetFault{{
			ResourceType: "clb", Target: "lb-web|lbl-plain", Message: "listener is being modified", Attempts: 1,
		}}}
		c.options.TencentCertificate.UpdateRetryLimit = -1
	})
	g := NewWithT(t)
	h.createTLSSecret("web-tls", issue(t, "www.example.com"))
	tc := h.createCertificate("web", "web-tls", func(s *sslv1alpha1.TencentCertificateSpec) {
		s.Rotation = updateCLB()
	})
	h.waitCurrent(tc)
	oldID := tc.Status.CertificateID
	g.Expect(h.sim.Bind("clb", "lb-web|lbl-sni|www.example.com", oldID)).To(Succeed())
	g.Expect(h.sim.Bind("clb", "lb-web|lbl-plain", oldID)).To(Succeed())

	h.rotateSecret("web-tls", issue(t, "www.example.com"))
	h.waitCondition(tc, sslv1alpha1.StalledCondition, metav1.ConditionTrue, sslv1alpha1.ReasonUpdateFailed)
	ready := conditionsOf(tc)
	g.Expect(tc.Status.Update.Failed).To(Equal(int32(1)))
	g.Expect(tc.Status.Update.Succeeded).To(Equal(int32(1)))
	msg := ""
	for _, c := range ready {
		if c.Type == sslv1alpha1.ReadyCondition {
			g.Expect(c.Status).To(Equal(metav1.ConditionFalse))
			msg = c.Message
		}
	}
	g.Expect(msg).To(ContainSubstring("1 of 2 bound resources failed to switch"))
	g.Expect(msg).To(ContainSubstring("lbl-plain"))
	g.Expect(msg).To(ContainSubstring("listener is being modified"))

	// A reconcile request retries the failed item, which now succeeds.
	patch := client.MergeFrom(tc.DeepCopy())
	tc.Annotations = map[string]string{sslv1alpha1.ReconcileRequestAnnotation: "retry-1"}
	g.Expect(h.k8s.Patch(h.ctx, tc, patch)).To(Succeed())
	h.waitCurrent(tc)
	g.Expect(tc.Status.Update.Phase).To(Equal(sslv1alpha1.RecordSucceeded))
	g.Expect(tc.Status.LastHandledReconcileAt).To(Equal("retry-1"))
	g.Expect(h.sim.State().BoundTo(tc.Status.CertificateID)).To(HaveLen(2))
	g.Expect(h.sim.Calls().Total("UpdateCertificateRecordRetry")).To(Equal(1))
}

func TestLostStatusWriteDoesNotDuplicateUpload(t *testing.T) {
	h := newHarness(t, func(c *harnessConfig) { c.interceptors = failOnce() })
	g := NewWithT(t)
	h.createTLSSecret("web-tls", issue(t, "www.example.com"))
	tc := h.createCertificate("web", "web-tls")
	h.waitCurrent(tc)
	g.Expect(h.sim.Certificates()).To(HaveLen(1))
	g.Expect(h.sim.Certificates()[0].ID).To(Equal(tc.Status.CertificateID))
	calls := h.sim.Calls()
	g.Expect(calls.Total("UploadCertificate")).To(Equal(1), "the lookup by ownership tags finds the first upload")
	g.Expect(calls.Total("DescribeCertificates")).To(Equal(2))
}

func TestInvalidInputsAreStalledWithoutAPICalls(t *testing.T) {
	h := newHarness(t)
	g := NewWithT(t)
	good := issue(t, "www.example.com")
	other := issue(t, "www.example.com")
	expired := testcerts.Must(rootCA.Issue(testcerts.Leaf{DNSNames: []string{"old.example.com"},
		NotBefore: time.Now().Add(-48 * time.Hour), NotAfter: time.Now().Add(-24 * time.Hour)}))
	future := testcerts.Must(rootCA.Issue(testcerts.Leaf{DNSNames: []string{"new.example.com"},
		NotBefore: time.Now().Add(24 * time.Hour), NotAfter: time.Now().Add(48 * time.Hour)}))
	caLeaf := testcerts.Must(rootCA.Issue(testcerts.Leaf{CommonName: "Issuing CA", IsCA: true,
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(24 * time.Hour)}))
	stranger := issue(t, "stranger.example.com")

	cases := []struct {
		name       string
		secretType corev1.SecretType
		data       map[string][]byte
		certType   sslv1alpha1.CertificateType
		reason     string
	}{
		{"wrong-type", corev1.SecretTypeDockerConfigJson, map[string][]byte{".dockerconfigjson": []byte("{}")}, "", certs.SecretTypeInvalid},
		{"no-crt", corev1.SecretTypeOpaque, map[string][]byte{"tls.key": good.KeyPEM}, "", certs.SecretKeyMissing},
		{"no-key", corev1.SecretTypeOpaque, map[string][]byte{"tls.crt": good.CertPEM}, "", certs.SecretKeyMissing},
		{"empty-crt", corev1.SecretTypeTLS, map[string][]byte{"tls.crt": {}, "tls.key": good.KeyPEM}, "", certs.SecretKeyMissing},
		{"garbage", corev1.SecretTypeTLS, map[string][]byte{"tls.crt": []byte("not a certificate"), "tls.key": good.KeyPEM}, "", certs.CertificateParseFailed},
		{"key-in-crt", corev1.SecretTypeTLS, map[string][]byte{"tls.crt": good.KeyPEM, "tls.key": good.KeyPEM}, "", certs.CertificateParseFailed},
		{"broken-key", corev1.SecretTypeTLS, map[string][]byte{"tls.crt": good.CertPEM, "tls.key": []byte("-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n")}, "", certs.PrivateKeyParseFailed},
		{"mismatch", corev1.SecretTypeTLS, map[string][]byte{"tls.crt": good.CertPEM, "tls.key": other.KeyPEM}, "", certs.KeyMismatch},
		{"expired", corev1.SecretTypeTLS, expired.SecretData(), "", certs.CertificateExpired},
		{"stray-chain", corev1.SecretTypeTLS, map[string][]byte{"tls.crt": append(append([]byte{}, good.CertPEM...), stranger.CertPEM...), "tls.key": good.KeyPEM}, "", certs.ChainInvalid},
		{"svr-with-ca-leaf", corev1.SecretTypeTLS, caLeaf.SecretData(), "", certs.CertificateTypeMismatch},
		{"ca-with-server-leaf", corev1.SecretTypeTLS, good.SecretData(), sslv1alpha1.CertificateTypeCA, certs.CertificateTypeMismatch},
	}
	for _, c := range cases {
		s := &corev1.Secret{ObjectMeta: metav1.ObjectMeta{Namespace: h.ns, Name: c.name}, Type: c.secretType, Data: c.data}
		g.Expect(h.k8s.Create(h.ctx, s)).To(Succeed(), c.name)
		h.createCertificate(c.name, c.name, func(s *sslv1alpha1.TencentCertificateSpec) { s.Type = c.certType })
	}
	for _, c := range cases {
		tc := &sslv1alpha1.TencentCertificate{ObjectMeta: metav1.ObjectMeta{Namespace: h.ns, Name: c.name}}
		h.waitCondition(tc, sslv1alpha1.StalledCondition, metav1.ConditionTrue, c.reason)
		h.waitCondition(tc, sslv1alpha1.ReadyCondition, metav1.ConditionFalse, c.reason)
		g.Expect(tc.Status.ObservedGeneration).To(Equal(tc.Generation), c.name)
	}
	// A certificate that is not valid yet is waited for, not given up on.
	g.Expect(h.k8s.Create(h.ctx, &corev1.Secret{ObjectMeta: metav1.ObjectMeta{Namespace: h.ns, Name: "future"}, Type: corev1.SecretTypeTLS, Data: future.SecretData()})).To(Succeed())
	notYet := h.createCertificate("future", "future")
	h.waitCondition(notYet, sslv1alpha1.ReadyCondition, metav1.ConditionFalse, certs.CertificateNotYetValid)
	h.waitCondition(notYet, sslv1alpha1.ReconcilingCondition, metav1.ConditionTrue, certs.CertificateNotYetValid)
	g.Expect(apimeta.FindStatusCondition(notYet.Status.Conditions, sslv1alpha1.StalledCondition)).To(BeNil())

	h.waitEvent(certs.KeyMismatch, "does not belong to certificate")
	g.Expect(totalCalls(h.sim.Calls())).To(BeZero(), "no SSL API call for invalid input")
	h.assertNoSecrets(good.KeyPEM, other.KeyPEM, expired.KeyPEM)

	// Fixing the Secret recovers without other changes.
	fixed := &corev1.Secret{}
	g.Expect(h.k8s.Get(h.ctx, client.ObjectKey{Namespace: h.ns, Name: "mismatch"}, fixed)).To(Succeed())
	fixed.Data["tls.key"] = good.KeyPEM
	g.Expect(h.k8s.Update(h.ctx, fixed)).To(Succeed())
	h.waitCurrent(&sslv1alpha1.TencentCertificate{ObjectMeta: metav1.ObjectMeta{Namespace: h.ns, Name: "mismatch"}})
	g.Expect(h.sim.Calls().Total("UploadCertificate")).To(Equal(1))
}

func TestMissingSecretIsWaiting(t *testing.T) {
	h := newHarness(t)
	tc := h.createCertificate("web", "later-tls")
	h.waitCondition(tc, sslv1alpha1.ReadyCondition, metav1.ConditionFalse, sslv1alpha1.ReasonSecretNotFound)
	h.waitCondition(tc, sslv1alpha1.ReconcilingCondition, metav1.ConditionTrue, sslv1alpha1.ReasonSecretNotFound)
	h.createTLSSecret("later-tls", issue(t, "www.example.com"))
	h.waitCurrent(tc)
}

func TestAdoptedCertificateIsDescribedNeverUploadedOrDeleted(t *testing.T) {
	h := newHarness(t)
	g := NewWithT(t)
	cert := issue(t, "legacy.example.com")
	api, err := tencentcloud.NewFactory(tencentcloud.FactoryOptions{Endpoint: h.simURL}).
		For(context.Background(), &tencentcloud.Credentials{SecretID: testSecretID, SecretKey: testSecretKey})
	g.Expect(err).NotTo(HaveOccurred())
	up, err := api.Upload(context.Background(), tencentcloud.UploadInput{
		CertificatePEM: string(cert.FullChainPEM), PrivateKeyPEM: string(cert.KeyPEM)})
	g.Expect(err).NotTo(HaveOccurred())
	h.sim.ResetCalls()
	adopters := h.createAccount("adopters", sslv1alpha1.TencentCloudAccountSpec{NamespaceSelector: &metav1.LabelSelector{}, AllowAdoption: true})

	tc := &sslv1alpha1.TencentCertificate{
		ObjectMeta: metav1.ObjectMeta{Namespace: h.ns, Name: "legacy"},
		Spec: sslv1alpha1.TencentCertificateSpec{CertificateID: up.CertificateID,
			AccountRef: &sslv1alpha1.AccountReference{Name: adopters.Name}},
	}
	g.Expect(h.k8s.Create(h.ctx, tc)).To(Succeed())
	h.waitCurrent(tc)
	g.Expect(tc.Status.CertificateID).To(Equal(up.CertificateID))
	g.Expect(tc.Status.Fingerprint).To(Equal(certs.Fingerprint(cert.Cert.Raw)))
	g.Expect(tc.Status.DNSNames).To(ConsistOf("legacy.example.com"))
	g.Expect(tc.Status.NotAfter).NotTo(BeNil())
	g.Expect(tc.Finalizers).To(BeEmpty())

	g.Expect(h.k8s.Delete(h.ctx, tc)).To(Succeed())
	h.waitGone(tc)
	calls := h.sim.Calls()
	g.Expect(calls.Total("DescribeCertificateDetail")).To(Equal(1))
	g.Expect(totalCalls(calls)).To(Equal(1), "adoption only describes")
	g.Expect(h.sim.Certificates()).To(HaveLen(1))

	missing := &sslv1alpha1.TencentCertificate{
		ObjectMeta: metav1.ObjectMeta{Namespace: h.ns, Name: "missing"},
		Spec: sslv1alpha1.TencentCertificateSpec{CertificateID: "NoSuchId",
			AccountRef: &sslv1alpha1.AccountReference{Name: adopters.Name}},
	}
	g.Expect(h.k8s.Create(h.ctx, missing)).To(Succeed())
	h.waitCondition(missing, sslv1alpha1.StalledCondition, metav1.ConditionTrue, sslv1alpha1.ReasonCertificateNotFound)
}

func (h *harness) waitGone(obj client.Object) {
	h.t.Helper()
	NewWithT(h.t).Eventually(func() bool {
		return apierrors.IsNotFound(h.k8s.Get(h.ctx, client.ObjectKeyFromObject(obj), obj))
	}).WithTimeout(30*time.Second).Should(BeTrue(), "%s still exists", obj.GetName())
}

func TestDeletionHonoursThePolicy(t *testing.T) {
	h := newHarness(t, func(c *harnessConfig) {
		c.sim.Inventory = clbInventory()
		c.options.TencentCertificate.CleanupAttempts = 3
	})
	g := NewWithT(t)
	for _, name := range []string{"delete", "retain", "bound"} {
		h.createTLSSecret(name, issue(t, "www.example.com"))
		h.createCertificate(name, name, func(s *sslv1alpha1.TencentCertificateSpec) {
			if name == "retain" {
				s.DeletionPolicy = sslv1alpha1.DeletionPolicyRetain
			}
		})
	}
	ids := map[string]string{}
	for _, name := range []string{"delete", "retain", "bound"} {
		tc := &sslv1alpha1.TencentCertificate{ObjectMeta: metav1.ObjectMeta{Namespace: h.ns, Name: name}}
		h.waitCurrent(tc)
		ids[name] = tc.Status.CertificateID
		g.Expect(tc.Finalizers).To(Equal(map[bool][]string{true: nil, false: {sslv1alpha1.Finalizer}}[name == "retain"]))
	}
	g.Expect(h.sim.Bind("clb", "lb-web|lbl-plain", ids["bound"])).To(Succeed())

	for _, name := range []string{"delete", "retain", "bound"} {
		g.Expect(h.k8s.Delete(h.ctx, &sslv1alpha1.TencentCertificate{ObjectMeta: metav1.ObjectMeta{Namespace: h.ns, Name: name}})).To(Succeed())
	}
	bound := &sslv1alpha1.TencentCertificate{ObjectMeta: metav1.ObjectMeta{Namespace: h.ns, Name: "bound"}}
	h.waitCondition(bound, sslv1alpha1.ReadyCondition, metav1.ConditionFalse, sslv1alpha1.ReasonCleanupBlocked)
	for _, name := range []string{"delete", "retain", "bound"} {
		h.waitGone(&sslv1alpha1.TencentCertificate{ObjectMeta: metav1.ObjectMeta{Namespace: h.ns, Name: name}})
	}
	h.waitEvent(sslv1alpha1.ReasonCleanupAbandoned, ids["bound"])

	remaining := map[string]bool{}
	for _, c := range h.sim.Certificates() {
		remaining[c.ID] = true
	}
	g.Expect(remaining).To(Equal(map[string]bool{ids["retain"]: true, ids["bound"]: true}))
}

func TestSteadyStateMakesNoAPICalls(t *testing.T) {
	h := newHarness(t, func(c *harnessConfig) { c.options.TencentCertificate.ResyncInterval = 100 * time.Millisecond })
	g := NewWithT(t)
	h.createTLSSecret("web-tls", issue(t, "www.example.com"))
	tc := h.createCertificate("web", "web-tls")
	h.waitCurrent(tc)
	h.sim.ResetCalls()
	before := testenv.ReconcileCount(t, "tencentcertificate")
	NewWithT(h.t).Eventually(func() float64 { return testenv.ReconcileCount(t, "tencentcertificate") - before }).
		WithTimeout(30*time.Second).Should(BeNumerically(">=", 10), "resyncs happen")
	g.Expect(totalCalls(h.sim.Calls())).To(BeZero())
}

func TestAPIFaultsConvergeWithoutDuplicates(t *testing.T) {
	h := newHarness(t, func(c *harnessConfig) {
		c.sim.Faults = sslsim.Faults{Rules: []sslsim.FaultRule{
			{Action: "UploadCertificate", Code: "LimitExceeded.RateLimitExceeded", Times: 2},
			{Action: "UploadCertificate", Code: "InternalError", Times: 2, AfterHandling: true},
		}}
	})
	g := NewWithT(t)
	h.createTLSSecret("web-tls", issue(t, "www.example.com"))
	tc := h.createCertificate("web", "web-tls")
	h.waitCurrent(tc)
	g.Expect(h.sim.Certificates()).To(HaveLen(1))
	calls := h.sim.Calls()
	// The throttled attempts are retried; the upload whose answer was lost is found by its tags.
	g.Expect(calls.Count("UploadCertificate", "LimitExceeded.RateLimitExceeded")).To(Equal(2))
	g.Expect(calls.Count("UploadCertificate", "InternalError")).To(Equal(1))
	g.Expect(calls.Total("UploadCertificate")).To(Equal(3))
	g.Expect(tc.Status.CertificateID).To(Equal(h.sim.Certificates()[0].ID))
	t.Logf("SSL API calls under faults: %v", calls)
	h.waitEvent(sslv1alpha1.ReasonAPIError, "RequestId")
}

func TestIngressSecretIsNotTakenOver(t *testing.T) {
	h := newHarness(t)
	g := NewWithT(t)
	h.createTLSSecret("web-tls", issue(t, "www.example.com"))
	foreign := &corev1.Secret{ObjectMeta: metav1.ObjectMeta{Namespace: h.ns, Name: "taken"}, StringData: map[string]string{"qcloud_cert_id": "keep"}}
	g.Expect(h.k8s.Create(h.ctx, foreign)).To(Succeed())
	tc := h.createCertificate("web", "web-tls", func(s *sslv1alpha1.TencentCertificateSpec) {
		s.IngressSecret = &sslv1alpha1.LocalObjectReference{Name: "taken"}
	})
	h.waitCondition(tc, sslv1alpha1.StalledCondition, metav1.ConditionTrue, sslv1alpha1.ReasonIngressSecretConflict)
	g.Expect(h.k8s.Get(h.ctx, client.ObjectKeyFromObject(foreign), foreign)).To(Succeed())
	g.Expect(string(foreign.Data["qcloud_cert_id"])).To(Equal("keep"))

	// Deleting the other Secret frees the name; the operator notices without a reconcile request.
	g.Expect(h.k8s.Delete(h.ctx, foreign)).To(Succeed())
	h.waitCurrent(tc)
	h.waitIngressSecret("taken", tc.Status.CertificateID)
}

func TestCredentialsSecretIsUsed(t *testing.T) {
	h := newHarness(t)
	g := NewWithT(t)
	h.createTLSSecret("web-tls", issue(t, "www.example.com"))
	tc := h.createCertificate("web", "web-tls", func(s *sslv1alpha1.TencentCertificateSpec) {
		s.CredentialsRef = &sslv1alpha1.LocalObjectReference{Name: "tencent"}
	})
	h.waitCondition(tc, sslv1alpha1.ReadyCondition, metav1.ConditionFalse, sslv1alpha1.ReasonCredentialsNotFound)
	creds := &corev1.Secret{ObjectMeta: metav1.ObjectMeta{Namespace: h.ns, Name: "tencent"},
		StringData: map[string]string{"secretId": testSecretID, "secretKey": "wrong-key"}}
	g.Expect(h.k8s.Create(h.ctx, creds)).To(Succeed())
	h.waitCondition(tc, sslv1alpha1.StalledCondition, metav1.ConditionTrue, sslv1alpha1.ReasonCredentialsInvalid)
	g.Expect(h.sim.Certificates()).To(BeEmpty())
	creds.StringData = map[string]string{"secretKey": testSecretKey}
	g.Expect(h.k8s.Update(h.ctx, creds)).To(Succeed())
	h.waitCurrent(tc)
	h.assertNoSecrets()
	g.Expect(strings.Contains(h.log.String(), "wrong-key")).To(BeFalse())
}

func TestSupersededCertificateIsDeletedOnceUnbound(t *testing.T) {
	h := newHarness(t, func(c *harnessConfig) { c.sim.Inventory = clbInventory() })
	g := NewWithT(t)
	// Something outside the operator still uses the old certificate.
	oldID := h.renewDeletingOld("www.example.com", func(oldID string) { g.Expect(h.sim.Bind("clb", "lb-web|lbl-plain", oldID)).To(Succeed()) })
	tc := h.getCertificate("web")
	g.Eventually(func() string { return h.getCertificate("web").Status.CertificateID }).
		WithTimeout(30 * time.Second).ShouldNot(Equal(oldID))
	h.waitCurrent(tc)
	g.Expect(tc.Status.History[0].State).To(Equal(sslv1alpha1.HistorySuperseded), "a bound certificate is kept")
	// Every attempt is a checked deletion that Tencent Cloud refuses; it is repeated later.
	g.Eventually(func() int { return h.sim.Calls().Total("DeleteCertificate") }).
		WithTimeout(30*time.Second).Should(BeNumerically(">=", 2), "the check is repeated")
	g.Expect(h.sim.Certificates()).To(HaveLen(2))
	g.Expect(h.getCertificate("web").Status.History[0].State).To(Equal(sslv1alpha1.HistorySuperseded))

	g.Expect(h.sim.Bind("clb", "lb-web|lbl-plain", "")).To(Succeed())
	g.Eventually(func() sslv1alpha1.HistoryState { return h.getCertificate("web").Status.History[0].State }).
		WithTimeout(30 * time.Second).Should(Equal(sslv1alpha1.HistoryDeleted))
	g.Expect(h.sim.Certificates()).To(HaveLen(1))
	h.waitEvent(sslv1alpha1.ReasonOldCertificateDeleted, oldID)
}

func TestRestartDuringUpdateResumesTheSameRecord(t *testing.T) {
	h := newHarness(t, func(c *harnessConfig) {
		c.sim.Inventory = clbInventory()
		c.sim.DeployDuration = 3 * time.Second
	})
	g := NewWithT(t)
	h.createTLSSecret("web-tls", issue(t, "www.example.com"))
	tc := h.createCertificate("web", "web-tls", func(s *sslv1alpha1.TencentCertificateSpec) {
		s.Rotation = updateCLB()
	})
	h.waitCurrent(tc)
	g.Expect(h.sim.Bind("clb", "lb-web|lbl-plain", tc.Status.CertificateID)).To(Succeed())
	h.rotateSecret("web-tls", issue(t, "www.example.com"))
	g.Eventually(func(g Gomega) {
		u := h.getCertificate("web").Status.Update
		g.Expect(u).NotTo(BeNil())
		g.Expect(u.ID).NotTo(BeZero())
		g.Expect(u.Phase).To(Equal(sslv1alpha1.RecordRunning))
	}).WithTimeout(30 * time.Second).Should(Succeed())
	record := h.getCertificate("web").Status.Update.ID

	h.stopManager()
	h.startManager()
	h.waitCurrent(tc)
	g.Expect(tc.Status.Update.ID).To(Equal(record))
	g.Expect(tc.Status.Update.Phase).To(Equal(sslv1alpha1.RecordSucceeded))
	updates := 0
	for _, rec := range h.sim.State().Records {
		if rec.Kind == "update" {
			updates++
		}
	}
	g.Expect(updates).To(Equal(1))
	g.Expect(h.sim.Calls().Total("UploadCertificate")).To(Equal(2))
}

func TestCertificateGaugesAreComputedAtScrapeTime(t *testing.T) {
	reg := prometheus.NewRegistry()
	h := newHarness(t, func(c *harnessConfig) { c.options.Metrics = reg })
	g := NewWithT(t)
	cert := issue(t, "www.example.com")
	h.createTLSSecret("web-tls", cert)
	tc := h.createCertificate("web", "web-tls")
	h.waitCurrent(tc)
	g.Eventually(func() float64 {
		return gauge(t, reg, "tencentcertificate_expiration_timestamp_seconds", map[string]string{"namespace": h.ns, "name": "web"})
	}).Should(Equal(float64(cert.Cert.NotAfter.Unix())))
	g.Expect(gauge(t, reg, "tencentcertificate_ready_status", map[string]string{"namespace": h.ns, "name": "web", "condition": "True"})).To(Equal(1.0))
	g.Expect(gauge(t, reg, "tencentcertificate_ready_status", map[string]string{"namespace": h.ns, "name": "web", "condition": "False"})).To(Equal(0.0))
}

// gauge returns the value of the first series of a gauge whose labels include labels, or -1.
func gauge(t testing.TB, reg prometheus.Gatherer, name string, labels map[string]string) float64 {
	v, n := testenv.Sum(t, reg, name, labels)
	if n == 0 {
		return -1
	}
	return v
}

func TestDuplicateUploadReportedAsAnErrorFindsTheExistingCertificate(t *testing.T) {
	h := newHarness(t, func(c *harnessConfig) {
		// The other reading of the reference: a duplicate fails with CertificateExists.
		c.sim.Faults = sslsim.Faults{Rules: []sslsim.FaultRule{{Action: "UploadCertificate", Code: "FailedOperation.CertificateExists", Times: 1, AfterHandling: true}}}
	})
	g := NewWithT(t)
	h.createTLSSecret("web-tls", issue(t, "www.example.com"))
	tc := h.createCertificate("web", "web-tls")
	h.waitCurrent(tc)
	g.Expect(h.sim.Certificates()).To(HaveLen(1))
	g.Expect(tc.Status.CertificateID).To(Equal(h.sim.Certificates()[0].ID))
	// Uploads are Repeatable, so the service's answer names no other owner's certificate: the
	// next lookup by ownership tags finds the one the failed call created.
	g.Expect(h.sim.Calls().Total("CheckCertificateExist")).To(BeZero())
	g.Expect(h.sim.Calls().Total("UploadCertificate")).To(Equal(1))
}

func TestFailedUpdateItemsAreRetriedAutomatically(t *testing.T) {
	h := newHarness(t, func(c *harnessConfig) {
		c.sim.Inventory = clbInventory()
		c.sim.Faults = sslsim.Faults{Targets: []sslsim.TargetFault{{ResourceType: "clb", Target: "lb-web|lbl-plain", Message: "busy", Attempts: 1}}}
	})
	g := NewWithT(t)
	h.createTLSSecret("web-tls", issue(t, "www.example.com"))
	tc := h.createCertificate("web", "web-tls", func(s *sslv1alpha1.TencentCertificateSpec) {
		s.Rotation = updateCLB()
	})
	h.waitCurrent(tc)
	g.Expect(h.sim.Bind("clb", "lb-web|lbl-plain", tc.Status.CertificateID)).To(Succeed())
	h.rotateSecret("web-tls", issue(t, "www.example.com"))
	g.Eventually(func() sslv1alpha1.RecordPhase {
		if u := h.getCertificate("web").Status.Update; u != nil {
			return u.Phase
		}
		return ""
	}).WithTimeout(30 * time.Second).Should(Equal(sslv1alpha1.RecordSucceeded))
	tc = h.getCertificate("web")
	g.Expect(tc.Status.Update.Retries).To(Equal(int32(1)))
	h.waitEvent(sslv1alpha1.ReasonUpdateInProgress, "busy")
}

func TestCertificateNotYetValidIsUploadedOnceValid(t *testing.T) {
	h := newHarness(t)
	g := NewWithT(t)
	// An issuer whose clock runs a few seconds ahead.
	soon := testcerts.Must(rootCA.Issue(testcerts.Leaf{DNSNames: []string{"soon.example.com"},
		NotBefore: time.Now().Add(3 * time.Second), NotAfter: time.Now().Add(48 * time.Hour)}))
	h.createTLSSecret("soon-tls", soon)
	tc := h.createCertificate("soon", "soon-tls")
	h.waitCondition(tc, sslv1alpha1.ReadyCondition, metav1.ConditionFalse, certs.CertificateNotYetValid)
	g.Expect(h.sim.Calls().Total("UploadCertificate")).To(BeZero())
	h.waitCurrent(tc)
	g.Expect(tc.Status.CertificateID).NotTo(BeEmpty())
	g.Expect(h.sim.Calls().Total("UploadCertificate")).To(Equal(1))
}

func TestFailedUpdateIsRolledBackOnRequest(t *testing.T) {
	h := newHarness(t, func(c *harnessConfig) {
		c.sim.Inventory = exampleInventory(t)
		c.sim.Faults = sslsim.Faults{Targets: []sslsim.TargetFault{{ResourceType: "clb", Target: "lb-demo0001|lbl-https001", Message: "listener busy"}}}
		c.options.TencentCertificate.UpdateRetryLimit = 1
	})
	g := NewWithT(t)
	h.createTLSSecret("web-tls", issue(t, "*.example.com"))
	tc := h.createCertificate("web", "web-tls", func(s *sslv1alpha1.TencentCertificateSpec) {
		s.Rotation = &sslv1alpha1.RotationSpec{
			UpdateFailurePolicy:  sslv1alpha1.FailurePolicyRollback,
			UpdateBoundResources: []sslv1alpha1.BoundResourceUpdate{{ResourceType: "clb", Regions: []sslv1alpha1.Region{"ap-guangzhou"}}},
		}
	})
	h.waitCurrent(tc)
	old := tc.Status.CertificateID
	for _, target := range []string{"lb-demo0001|lbl-https001", "lb-demo0001|lbl-tls00001"} {
		g.Expect(h.sim.Bind("clb", target, old)).To(Succeed())
	}
	h.rotateSecret("web-tls", issue(t, "*.example.com"))
	h.waitCondition(tc, sslv1alpha1.BoundResourcesUpdatedCondition, metav1.ConditionFalse, sslv1alpha1.ReasonUpdateFailed)
	g.Expect(tc.Status.Update.Phase).To(Equal(sslv1alpha1.RecordRolledBack))
	g.Expect(tc.Status.Update.Retries).To(Equal(int32(1)))
	g.Expect(h.sim.State().BoundTo(old)).To(HaveLen(2), "both listeners are back on the superseded certificate")
	_, rollbacks := records(h.sim, "update", tc.Status.CertificateID)
	g.Expect(rollbacks).To(Equal(1))
	h.waitCondition(tc, sslv1alpha1.ReadyCondition, metav1.ConditionFalse, sslv1alpha1.ReasonUpdateFailed)
	g.Expect(apimeta.FindStatusCondition(tc.Status.Conditions, sslv1alpha1.ReadyCondition).Message).To(ContainSubstring("moved back to " + old))
}
