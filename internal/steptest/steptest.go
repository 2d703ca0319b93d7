// Package steptest is what step-level tests of the controllers share: the small Kubernetes side
// on controller-runtime's fake client, a fake clock and a recorder whose events can be read.
// The cloud side is each cloud's own fake. Nothing here needs a control plane.
package steptest

import (
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	utilruntime "k8s.io/apimachinery/pkg/util/runtime"
	clientgoscheme "k8s.io/client-go/kubernetes/scheme"
	"k8s.io/client-go/tools/events"
	clocktesting "k8s.io/utils/clock/testing"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/client/fake"

	sslv1alpha1 "github.com/certsync/tencent-cert-operator/api/v1alpha1"
	"github.com/certsync/tencent-cert-operator/internal/certs"
	"github.com/certsync/tencent-cert-operator/internal/reconcile"
	"github.com/certsync/tencent-cert-operator/internal/tencentcloud"
	"github.com/certsync/tencent-cert-operator/internal/testcerts"
)

// Start is the fake clock's time when a test begins.
var Start = time.Date(2026, 6, 1, 12, 0, 0, 0, time.UTC)

// ca issues the certificates of step tests.
var ca = testcerts.Must(testcerts.NewCA())

// Leaf issues a certificate for names, valid from an hour before Start for 90 days.
func Leaf(names ...string) *testcerts.Cert {
	return testcerts.Must(ca.Issue(testcerts.Leaf{DNSNames: names,
		NotBefore: Start.Add(-time.Hour), NotAfter: Start.Add(90 * 24 * time.Hour), ECDSA: true}))
}

// Bundle parses c as a server certificate at Start, as the source steps do.
func Bundle(t testing.TB, c *testcerts.Cert) *certs.Bundle {
	t.Helper()
	b, err := certs.Parse(certs.Input{SecretType: string(corev1.SecretTypeTLS), Data: c.SecretData(), CertType: certs.TypeSVR, Now: Start})
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// Clock returns a fake clock at Start.
func Clock() *clocktesting.FakeClock { return clocktesting.NewFakeClock(Start) }

// Client returns a fake client that holds objs, with the project's kinds and their status
// subresources. indexes are field indexes the step lists by.
func Client(objs []client.Object, indexes ...Index) client.Client {
	s := runtime.NewScheme()
	utilruntime.Must(clientgoscheme.AddToScheme(s))
	utilruntime.Must(sslv1alpha1.AddToScheme(s))
	b := fake.NewClientBuilder().WithScheme(s).WithObjects(objs...).WithStatusSubresource(
		&sslv1alpha1.TencentCertificate{}, &sslv1alpha1.CertificateDeployment{}, &sslv1alpha1.HuaweiAPIGCertificate{})
	for _, i := range indexes {
		b = b.WithIndex(i.Object, i.Field, i.Extract)
	}
	return b.Build()
}

// Cluster is the cluster that the ownership tags of step tests name.
const Cluster = "cluster-1"

// Account returns a TencentCloudAccount like the default one the chart installs: the ambient
// identity, every namespace, no adoption. mutate changes its spec.
func Account(name string, mutate ...func(*sslv1alpha1.TencentCloudAccountSpec)) *sslv1alpha1.TencentCloudAccount {
	a := &sslv1alpha1.TencentCloudAccount{ObjectMeta: metav1.ObjectMeta{Name: name}, Spec: sslv1alpha1.TencentCloudAccountSpec{
		Identity:          sslv1alpha1.AccountIdentity{Type: sslv1alpha1.AccountIdentityAmbient},
		NamespaceSelector: &metav1.LabelSelector{},
	}}
	for _, m := range mutate {
		m(&a.Spec)
	}
	return a
}

// Accounts returns the account rules as controller.Setup builds them, reading accounts and
// Secrets from c, with clients from cloud, for Cluster.
func Accounts(c client.Reader, cloud tencentcloud.Factory) *reconcile.Accounts {
	return &reconcile.Accounts{Reader: c, Secrets: c, Cloud: cloud, Cluster: Cluster}
}

// OwnerTags are the tags of a certificate that namespace/name of Cluster uploaded.
func OwnerTags(namespace, name string) map[string]string {
	return map[string]string{sslv1alpha1.TagCluster: Cluster, sslv1alpha1.TagNamespace: namespace, sslv1alpha1.TagName: name}
}

// Index is a field index of the fake client.
type Index struct {
	Object  client.Object
	Field   string
	Extract client.IndexerFunc
}

// Outcome describes how a step ended: "ok", or the outcome's severity and reason, such as
// "Terminal APIRejected".
func Outcome(err error) string {
	if err == nil {
		return "ok"
	}
	o := reconcile.As(err)
	return o.Severity.String() + " " + o.Reason
}

// Notes formats the notes a run collected for events, as "Reason: message".
func Notes(notes reconcile.Events) []string {
	var out []string
	for _, n := range notes {
		out = append(out, n.Reason+": "+n.Message)
	}
	return out
}

// Recorder returns an event recorder that keeps up to 100 events.
func Recorder() *events.FakeRecorder { return events.NewFakeRecorder(100) }

// Events drains the recorded events, each as "Type Reason Note".
func Events(rec *events.FakeRecorder) []string {
	var out []string
	for {
		select {
		case e := <-rec.Events:
			out = append(out, e)
		default:
			return out
		}
	}
}
