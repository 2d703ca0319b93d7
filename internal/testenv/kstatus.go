package testenv

import (
	"context"
	"testing"

	apimeta "k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
	"sigs.k8s.io/cli-utils/pkg/kstatus/status"
	"sigs.k8s.io/controller-runtime/pkg/client"

	sslv1alpha1 "github.com/certsync/tencent-cert-operator/api/v1alpha1"
)

// Kstatus computes an object's status the way kstatus-based tools (Flux, kpt, Argo CD's
// kstatus mode) do.
func Kstatus(obj client.Object) (*status.Result, error) {
	u, err := runtime.DefaultUnstructuredConverter.ToUnstructured(obj)
	if err != nil {
		return nil, err
	}
	return status.Compute(&unstructured.Unstructured{Object: u})
}

// AssertKstatusAgrees checks, for every object of the kinds in namespace, that kstatus reads
// its conditions as they mean: Ready=True is Current, Stalled is Failed, work in progress is
// InProgress. Scenarios run it when they end.
func AssertKstatusAgrees(t testing.TB, c client.Reader, namespace string, kinds ...string) {
	t.Helper()
	for _, kind := range kinds {
		list := &unstructured.UnstructuredList{}
		list.SetGroupVersionKind(sslv1alpha1.GroupVersion.WithKind(kind + "List"))
		if err := c.List(context.Background(), list, client.InNamespace(namespace)); err != nil {
			t.Fatalf("list %s: %v", kind, err)
		}
		for i := range list.Items {
			obj := &list.Items[i]
			if obj.GetDeletionTimestamp() != nil {
				continue
			}
			want, judged := meaning(obj)
			if !judged {
				// Never reconciled: there are no conditions for kstatus to read.
				continue
			}
			res, err := status.Compute(obj)
			if err != nil {
				t.Fatalf("kstatus of %s %s: %v", kind, obj.GetName(), err)
			}
			if res.Status != want {
				t.Errorf("kstatus reads %s %s as %s (%s); its conditions mean %s", kind, obj.GetName(), res.Status, res.Message, want)
			}
		}
	}
}

// meaning is what an object's conditions say, in kstatus terms; judged is false for an object
// without a Ready condition yet.
func meaning(obj *unstructured.Unstructured) (_ status.Status, judged bool) {
	var conds []metav1.Condition
	raw, _, _ := unstructured.NestedSlice(obj.Object, "status", "conditions")
	for _, r := range raw {
		var c metav1.Condition
		if m, ok := r.(map[string]any); ok && runtime.DefaultUnstructuredConverter.FromUnstructured(m, &c) == nil {
			conds = append(conds, c)
		}
	}
	observed, _, _ := unstructured.NestedInt64(obj.Object, "status", "observedGeneration")
	ready := apimeta.FindStatusCondition(conds, sslv1alpha1.ReadyCondition)
	switch {
	case ready == nil:
		return "", false
	case apimeta.IsStatusConditionTrue(conds, sslv1alpha1.StalledCondition):
		return status.FailedStatus, true
	case apimeta.IsStatusConditionTrue(conds, sslv1alpha1.ReconcilingCondition) || observed != obj.GetGeneration():
		return status.InProgressStatus, true
	case ready.Status == metav1.ConditionTrue:
		return status.CurrentStatus, true
	}
	// Ready False or Unknown without Reconciling or Stalled, such as a suspended object: not
	// failed, and not done either.
	return status.InProgressStatus, true
}
