package secretsync_test

import (
	"context"
	"testing"
	"time"

	. "github.com/onsi/gomega"
	corev1 "k8s.io/api/core/v1"
	eventsv1 "k8s.io/api/events/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/utils/ptr"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/cache"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/config"
	metricsserver "sigs.k8s.io/controller-runtime/pkg/metrics/server"

	sslv1alpha1 "github.com/certsync/tencent-cert-operator/api/v1alpha1"
	"github.com/certsync/tencent-cert-operator/internal/controller/secretsync"
	"github.com/certsync/tencent-cert-operator/internal/testcerts"
	"github.com/certsync/tencent-cert-operator/internal/testenv"
)

// testManager is the field manager of every write the tests make, so that a write by the
// operator would show up in a Secret's managedFields under another name.
const testManager = "secretsync-test"

var (
	env *testenv.Env
	k8s client.Client
)

func TestMain(m *testing.M) {
	testenv.Main(m, func(e *testenv.Env) error {
		env, k8s = e, client.WithFieldOwner(e.Client, testManager)
		return nil
	})
}

type fixture struct {
	t   *testing.T
	g   *WithT
	ctx context.Context
	ns  string
}

// newFixture starts a manager running only annotation sync, for a namespace of its own.
func newFixture(t *testing.T) *fixture {
	t.Helper()
	g := NewWithT(t)
	ns := &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{GenerateName: "sync-"}}
	g.Expect(k8s.Create(context.Background(), ns)).To(Succeed())
	mgr, err := ctrl.NewManager(env.Config, ctrl.Options{
		Scheme:                 env.Scheme,
		Cache:                  cache.Options{DefaultNamespaces: map[string]cache.Config{ns.Name: {}}},
		Metrics:                metricsserver.Options{BindAddress: "0"},
		HealthProbeBindAddress: "0",
		Controller:             config.Controller{SkipNameValidation: ptr.To(true)},
	})
	g.Expect(err).NotTo(HaveOccurred())
	g.Expect(secretsync.Setup(mgr, secretsync.Options{Namespace: ns.Name})).To(Succeed())
	testenv.StartManager(t, mgr)
	return &fixture{t: t, g: g, ctx: context.Background(), ns: ns.Name}
}

func (f *fixture) createSecret(name string, typ corev1.SecretType, annotations map[string]string) *corev1.Secret {
	f.t.Helper()
	ca := testcerts.Must(testcerts.NewCA())
	leaf := testcerts.Must(ca.Issue(testcerts.Leaf{DNSNames: []string{"www.example.com"}, ECDSA: true}))
	s := &corev1.Secret{
		ObjectMeta: metav1.ObjectMeta{Namespace: f.ns, Name: name, Annotations: annotations,
			Labels: map[string]string{"app.kubernetes.io/name": "web"}},
		Type: typ,
		Data: leaf.SecretData(),
	}
	s.Annotations["cert-manager.io/certificate-name"] = name
	f.g.Expect(k8s.Create(f.ctx, s)).To(Succeed())
	return s
}

// annotate sets (or, for an empty value, removes) annotations on the Secret, as a user or
// cert-manager's secretTemplate would, and returns the Secret as written.
func (f *fixture) annotate(name string, set map[string]string) *corev1.Secret {
	f.t.Helper()
	s := &corev1.Secret{}
	f.g.Expect(k8s.Get(f.ctx, client.ObjectKey{Namespace: f.ns, Name: name}, s)).To(Succeed())
	for k, v := range set {
		if v == "" {
			delete(s.Annotations, k)
		} else {
			s.Annotations[k] = v
		}
	}
	f.g.Expect(k8s.Update(f.ctx, s)).To(Succeed())
	return s
}

// createTemplate creates a suspended clb CertificateDeployment labelled as a template.
func (f *fixture) createTemplate(name, listener string) *sslv1alpha1.CertificateDeployment {
	f.t.Helper()
	cd := &sslv1alpha1.CertificateDeployment{
		ObjectMeta: metav1.ObjectMeta{Namespace: f.ns, Name: name, Labels: map[string]string{sslv1alpha1.TemplateLabel: "true"}},
		Spec: sslv1alpha1.CertificateDeploymentSpec{
			CertificateRef: &sslv1alpha1.LocalObjectReference{Name: "template"},
			ResourceType:   sslv1alpha1.ResourceTypeCLB, Region: "ap-guangzhou",
			Targets:       []sslv1alpha1.Target{{LoadBalancerID: "lb-demo0001", ListenerID: listener}},
			FailurePolicy: sslv1alpha1.FailurePolicyRollback,
			Suspend:       true,
		},
	}
	f.g.Expect(k8s.Create(f.ctx, cd)).To(Succeed())
	return cd
}

// eventually waits until get finds the object and check passes on it.
func eventually[T client.Object](f *fixture, obj T, name string, check func(Gomega, T)) T {
	f.t.Helper()
	f.g.Eventually(func(g Gomega) {
		g.Expect(k8s.Get(f.ctx, client.ObjectKey{Namespace: f.ns, Name: name}, obj)).To(Succeed())
		check(g, obj)
	}).WithTimeout(30 * time.Second).WithPolling(50 * time.Millisecond).Should(Succeed())
	return obj
}

func (f *fixture) waitGone(obj client.Object, name string) {
	f.t.Helper()
	f.g.Eventually(func() bool {
		return apierrors.IsNotFound(k8s.Get(f.ctx, client.ObjectKey{Namespace: f.ns, Name: name}, obj))
	}).WithTimeout(30*time.Second).WithPolling(50*time.Millisecond).Should(BeTrue(), name)
}

func (f *fixture) waitEvent(secret, reason, substr string) {
	f.t.Helper()
	f.g.Eventually(func(g Gomega) []string {
		list := &eventsv1.EventList{}
		g.Expect(k8s.List(f.ctx, list, client.InNamespace(f.ns))).To(Succeed())
		var notes []string
		for _, e := range list.Items {
			if e.Regarding.Kind == "Secret" && e.Regarding.Name == secret && e.Reason == reason {
				notes = append(notes, e.Note)
			}
		}
		return notes
	}).WithTimeout(30*time.Second).Should(ContainElement(ContainSubstring(substr)), "event %s", reason)
}

// assertUntouched checks that the Secret is exactly as the test last wrote it: same
// resourceVersion, data, labels and annotations, and no field manager but the test's.
func (f *fixture) assertUntouched(written *corev1.Secret) {
	f.t.Helper()
	live := &corev1.Secret{}
	f.g.Expect(k8s.Get(f.ctx, client.ObjectKeyFromObject(written), live)).To(Succeed())
	f.g.Expect(live.ResourceVersion).To(Equal(written.ResourceVersion))
	f.g.Expect(live.Data).To(Equal(written.Data))
	f.g.Expect(live.Labels).To(Equal(written.Labels))
	f.g.Expect(live.Annotations).To(Equal(written.Annotations))
	f.g.Expect(live.Finalizers).To(BeEmpty())
	for _, m := range live.ManagedFields {
		f.g.Expect(m.Manager).To(Equal(testManager))
	}
}

func controlledBy(g Gomega, obj client.Object, secret *corev1.Secret) {
	ref := metav1.GetControllerOf(obj)
	g.Expect(ref).NotTo(BeNil())
	g.Expect(ref.Kind).To(Equal("Secret"))
	g.Expect(ref.UID).To(Equal(secret.UID))
}

func TestAnnotationCreatesChangesAndRemovesGeneratedObjects(t *testing.T) {
	f := newFixture(t)
	f.createTemplate("clb-https", "lbl-https001")
	f.createTemplate("clb-tls", "lbl-tls00001")
	secret := f.createSecret("web-tls", corev1.SecretTypeTLS, map[string]string{
		sslv1alpha1.SyncAnnotation:                    "true",
		sslv1alpha1.AliasAnnotation:                   "web production",
		sslv1alpha1.ProjectIDAnnotation:               "1029",
		sslv1alpha1.OldCertificatesAnnotation:         "Delete",
		sslv1alpha1.MuteExpiryNotificationsAnnotation: "false",
		sslv1alpha1.DeletionPolicyAnnotation:          "Retain",
		sslv1alpha1.CredentialsAnnotation:             "tencent-credentials",
		sslv1alpha1.DeploymentTemplatesAnnotation:     "clb-https, clb-tls",
	})

	// Create: a TencentCertificate with the Secret's name and every setting, and a copy of
	// each template pointing at it.
	eventually(f, &sslv1alpha1.TencentCertificate{}, "web-tls", func(g Gomega, tc *sslv1alpha1.TencentCertificate) {
		controlledBy(g, tc, secret)
		g.Expect(tc.Spec.SecretRef).To(Equal(&sslv1alpha1.LocalObjectReference{Name: "web-tls"}))
		g.Expect(tc.Spec.Alias).To(Equal("web production"))
		g.Expect(tc.Spec.ProjectID).To(Equal(ptr.To[int64](1029)))
		g.Expect(tc.Spec.CredentialsRef).To(Equal(&sslv1alpha1.LocalObjectReference{Name: "tencent-credentials"}))
		g.Expect(tc.Spec.DeletionPolicy).To(Equal(sslv1alpha1.DeletionPolicyRetain))
		g.Expect(tc.Spec.Rotation).To(Equal(&sslv1alpha1.RotationSpec{
			OldCertificates: sslv1alpha1.OldCertificatesDelete, MuteExpiryNotifications: ptr.To(false),
		}))
	})
	for name, listener := range map[string]string{"web-tls-clb-https": "lbl-https001", "web-tls-clb-tls": "lbl-tls00001"} {
		eventually(f, &sslv1alpha1.CertificateDeployment{}, name, func(g Gomega, cd *sslv1alpha1.CertificateDeployment) {
			controlledBy(g, cd, secret)
			g.Expect(cd.Spec.CertificateRef).To(Equal(&sslv1alpha1.LocalObjectReference{Name: "web-tls"}))
			g.Expect(cd.Spec.Suspend).To(BeFalse())
			g.Expect(cd.Spec.Targets).To(Equal([]sslv1alpha1.Target{{LoadBalancerID: "lb-demo0001", ListenerID: listener}}))
			g.Expect(cd.Spec.FailurePolicy).To(Equal(sslv1alpha1.FailurePolicyRollback))
			g.Expect(cd.Labels).NotTo(HaveKey(sslv1alpha1.TemplateLabel), "a copy is not a template")
		})
	}
	f.assertUntouched(secret)

	// Change: settings follow the annotations, a removed setting returns to its default, and
	// the copy of a template no longer named is deleted.
	secret = f.annotate("web-tls", map[string]string{
		sslv1alpha1.AliasAnnotation:               "web",
		sslv1alpha1.ProjectIDAnnotation:           "",
		sslv1alpha1.DeploymentTemplatesAnnotation: "clb-tls",
	})
	eventually(f, &sslv1alpha1.TencentCertificate{}, "web-tls", func(g Gomega, tc *sslv1alpha1.TencentCertificate) {
		g.Expect(tc.Spec.Alias).To(Equal("web"))
		g.Expect(tc.Spec.ProjectID).To(BeNil())
	})
	f.waitGone(&sslv1alpha1.CertificateDeployment{}, "web-tls-clb-https")
	f.assertUntouched(secret)

	// A changed template is copied again.
	tmpl := &sslv1alpha1.CertificateDeployment{}
	f.g.Expect(k8s.Get(f.ctx, client.ObjectKey{Namespace: f.ns, Name: "clb-tls"}, tmpl)).To(Succeed())
	tmpl.Spec.FailurePolicy = sslv1alpha1.FailurePolicyRetry
	f.g.Expect(k8s.Update(f.ctx, tmpl)).To(Succeed())
	eventually(f, &sslv1alpha1.CertificateDeployment{}, "web-tls-clb-tls", func(g Gomega, cd *sslv1alpha1.CertificateDeployment) {
		g.Expect(cd.Spec.FailurePolicy).To(Equal(sslv1alpha1.FailurePolicyRetry))
	})

	// Remove: every generated object is deleted.
	secret = f.annotate("web-tls", map[string]string{sslv1alpha1.SyncAnnotation: ""})
	f.waitGone(&sslv1alpha1.TencentCertificate{}, "web-tls")
	f.waitGone(&sslv1alpha1.CertificateDeployment{}, "web-tls-clb-tls")
	f.assertUntouched(secret)
}

func TestGeneratedObjectsAreRepairedWhenChangedOrDeleted(t *testing.T) {
	f := newFixture(t)
	secret := f.createSecret("web-tls", corev1.SecretTypeTLS, map[string]string{
		sslv1alpha1.SyncAnnotation: "true", sslv1alpha1.AliasAnnotation: "web",
	})
	tc := eventually(f, &sslv1alpha1.TencentCertificate{}, "web-tls", func(g Gomega, tc *sslv1alpha1.TencentCertificate) {
		g.Expect(tc.Spec.Alias).To(Equal("web"))
	})
	tc.Spec.Alias = "edited by hand"
	f.g.Expect(k8s.Update(f.ctx, tc)).To(Succeed())
	eventually(f, &sslv1alpha1.TencentCertificate{}, "web-tls", func(g Gomega, tc *sslv1alpha1.TencentCertificate) {
		g.Expect(tc.Spec.Alias).To(Equal("web"))
	})
	uid := tc.UID
	f.g.Expect(k8s.Delete(f.ctx, tc)).To(Succeed())
	eventually(f, &sslv1alpha1.TencentCertificate{}, "web-tls", func(g Gomega, tc *sslv1alpha1.TencentCertificate) {
		g.Expect(tc.UID).NotTo(Equal(uid))
	})
	f.assertUntouched(secret)
}

func TestBadInputIsReportedOnTheSecretAndCreatesNothing(t *testing.T) {
	f := newFixture(t)
	invalid := f.createSecret("invalid", corev1.SecretTypeTLS, map[string]string{
		sslv1alpha1.SyncAnnotation: "true", sslv1alpha1.ProjectIDAnnotation: "default",
	})
	f.waitEvent("invalid", secretsync.ReasonInvalidAnnotation, `annotation ssl.certsync.io/project-id value "default" is not a non-negative integer`)
	f.g.Expect(apierrors.IsNotFound(k8s.Get(f.ctx, client.ObjectKey{Namespace: f.ns, Name: "invalid"}, &sslv1alpha1.TencentCertificate{}))).To(BeTrue())

	// A TencentCertificate of the same name that the Secret does not own is left alone.
	mine := &sslv1alpha1.TencentCertificate{
		ObjectMeta: metav1.ObjectMeta{Namespace: f.ns, Name: "taken"},
		Spec:       sslv1alpha1.TencentCertificateSpec{SecretRef: &sslv1alpha1.LocalObjectReference{Name: "other"}, Alias: "mine"},
	}
	f.g.Expect(k8s.Create(f.ctx, mine)).To(Succeed())
	taken := f.createSecret("taken", corev1.SecretTypeTLS, map[string]string{sslv1alpha1.SyncAnnotation: "true"})
	f.waitEvent("taken", secretsync.ReasonNameConflict, `TencentCertificate "taken" exists and is not owned by this Secret`)
	f.g.Expect(k8s.Get(f.ctx, client.ObjectKeyFromObject(mine), mine)).To(Succeed())
	f.g.Expect(mine.Spec.Alias).To(Equal("mine"))
	f.g.Expect(mine.OwnerReferences).To(BeEmpty())

	// Named templates that are missing or not templates are reported; the certificate is
	// still generated.
	f.g.Expect(k8s.Create(f.ctx, &sslv1alpha1.CertificateDeployment{
		ObjectMeta: metav1.ObjectMeta{Namespace: f.ns, Name: "live"},
		Spec: sslv1alpha1.CertificateDeploymentSpec{
			CertificateRef: &sslv1alpha1.LocalObjectReference{Name: "other"}, ResourceType: sslv1alpha1.ResourceTypeCDN,
			Targets: []sslv1alpha1.Target{{Domain: "static.example.com", HTTPSBilling: "on"}},
		},
	})).To(Succeed())
	templated := f.createSecret("templated", corev1.SecretTypeTLS, map[string]string{
		sslv1alpha1.SyncAnnotation: "true", sslv1alpha1.DeploymentTemplatesAnnotation: "missing,live",
	})
	f.waitEvent("templated", secretsync.ReasonTemplateNotFound, `template "missing" not found`)
	f.waitEvent("templated", secretsync.ReasonTemplateInvalid, `CertificateDeployment "live" is not a template`)
	eventually(f, &sslv1alpha1.TencentCertificate{}, "templated", func(g Gomega, tc *sslv1alpha1.TencentCertificate) {})
	list := &sslv1alpha1.CertificateDeploymentList{}
	f.g.Expect(k8s.List(f.ctx, list, client.InNamespace(f.ns))).To(Succeed())
	f.g.Expect(list.Items).To(HaveLen(1), "only the user's own CertificateDeployment")

	// A missing template that appears later is stamped out.
	f.createTemplate("missing", "lbl-https001")
	eventually(f, &sslv1alpha1.CertificateDeployment{}, "templated-missing", func(g Gomega, cd *sslv1alpha1.CertificateDeployment) {
		controlledBy(g, cd, templated)
	})

	// An annotated Secret of another type is never seen: the watch asks the API server for
	// kubernetes.io/tls Secrets only. The TLS Secret created after it is handled, the other not.
	opaque := f.createSecret("opaque", corev1.SecretTypeOpaque, map[string]string{sslv1alpha1.SyncAnnotation: "true"})
	after := f.createSecret("after", corev1.SecretTypeTLS, map[string]string{sslv1alpha1.SyncAnnotation: "true"})
	eventually(f, &sslv1alpha1.TencentCertificate{}, "after", func(g Gomega, tc *sslv1alpha1.TencentCertificate) {})
	f.g.Expect(apierrors.IsNotFound(k8s.Get(f.ctx, client.ObjectKey{Namespace: f.ns, Name: "opaque"}, &sslv1alpha1.TencentCertificate{}))).To(BeTrue())

	for _, s := range []*corev1.Secret{invalid, taken, templated, opaque, after} {
		f.assertUntouched(s)
	}
}
