package integration_test

import (
	. "github.com/onsi/gomega"
	apimeta "k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
	"sigs.k8s.io/cli-utils/pkg/kstatus/status"
	"sigs.k8s.io/controller-runtime/pkg/client"

	sslv1alpha1 "github.com/certsync/tencent-cert-operator/api/v1alpha1"
)

// kstatus computes the object's status the way kstatus-based tools (Flux, Argo CD's kstatus
// mode, kpt) do.
func kstatus(obj client.Object) (*status.Result, error) {
	u, err := runtime.DefaultUnstructuredConverter.ToUnstructured(obj)
	if err != nil {
		return nil, err
	}
	return status.Compute(&unstructured.Unstructured{Object: u})
}

// assertKstatusAgrees checks, for every object of the test's namespace, that kstatus reads
// its conditions as they mean: Ready=True is Current, Stalled is Failed, work in progress is
// InProgress. It runs at the end of every scenario.
func (h *harness) assertKstatusAgrees() {
	h.t.Helper()
	g := NewWithT(h.t)
	var objs []client.Object
	tcs := &sslv1alpha1.TencentCertificateList{}
	cds := &sslv1alpha1.CertificateDeploymentList{}
	g.Expect(h.k8s.List(h.ctx, tcs, client.InNamespace(h.ns))).To(Succeed())
	g.Expect(h.k8s.List(h.ctx, cds, client.InNamespace(h.ns))).To(Succeed())
	for i := range tcs.Items {
		tcs.Items[i].SetGroupVersionKind(sslv1alpha1.GroupVersion.WithKind("TencentCertificate"))
		objs = append(objs, &tcs.Items[i])
	}
	for i := range cds.Items {
		cds.Items[i].SetGroupVersionKind(sslv1alpha1.GroupVersion.WithKind("CertificateDeployment"))
		objs = append(objs, &cds.Items[i])
	}
	for _, obj := range objs {
		if !obj.GetDeletionTimestamp().IsZero() {
			continue
		}
		res, err := kstatus(obj)
		g.Expect(err).NotTo(HaveOccurred())
		conds := conditionsOf(obj)
		ready := apimeta.FindStatusCondition(conds, sslv1alpha1.ReadyCondition)
		switch {
		case ready == nil:
			g.Expect(res.Status).To(Equal(status.InProgressStatus), "%s without Ready", obj.GetName())
		case apimeta.IsStatusConditionTrue(conds, sslv1alpha1.StalledCondition):
			g.Expect(res.Status).To(Equal(status.FailedStatus), "%s is Stalled: %s", obj.GetName(), res.Message)
		case apimeta.IsStatusConditionTrue(conds, sslv1alpha1.ReconcilingCondition) || observedGeneration(obj) != obj.GetGeneration():
			g.Expect(res.Status).To(Equal(status.InProgressStatus), "%s is reconciling: %s", obj.GetName(), res.Message)
		case ready.Status == metav1.ConditionTrue:
			g.Expect(res.Status).To(Equal(status.CurrentStatus), "%s is Ready: %s", obj.GetName(), res.Message)
		}
	}
}
