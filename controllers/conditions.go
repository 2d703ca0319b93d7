package controllers

import (
	apimeta "k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	sslv1alpha1 "github.com/certsync/tencent-cert-operator/api/v1alpha1"
)

// conditions sets kstatus conditions on a status: Ready is always present, Reconciling and
// Stalled only while True. Each mark* call states the whole picture, so a reconcile ends with
// exactly one of them deciding the summary.
type conditions struct {
	list       *[]metav1.Condition
	generation int64
}

func (c conditions) set(t string, s metav1.ConditionStatus, reason, msg string) {
	apimeta.SetStatusCondition(c.list, metav1.Condition{
		Type: t, Status: s, Reason: reason, Message: msg, ObservedGeneration: c.generation,
	})
}

func (c conditions) remove(t string) { apimeta.RemoveStatusCondition(c.list, t) }

// markReady records success.
func (c conditions) markReady(reason, msg string) {
	c.set(sslv1alpha1.ReadyCondition, metav1.ConditionTrue, reason, msg)
	c.remove(sslv1alpha1.ReconcilingCondition)
	c.remove(sslv1alpha1.StalledCondition)
}

// markProgressing records work underway, whose outcome is not known yet: Ready=Unknown.
func (c conditions) markProgressing(reason, msg string) {
	c.set(sslv1alpha1.ReadyCondition, metav1.ConditionUnknown, reason, msg)
	c.set(sslv1alpha1.ReconcilingCondition, metav1.ConditionTrue, reason, msg)
	c.remove(sslv1alpha1.StalledCondition)
}

// markWaiting records that the controller waits for something outside it, such as a missing
// Secret or a resource still bound, and will try again: Ready=False with Reconciling=True.
func (c conditions) markWaiting(reason, msg string) {
	c.set(sslv1alpha1.ReadyCondition, metav1.ConditionFalse, reason, msg)
	c.set(sslv1alpha1.ReconcilingCondition, metav1.ConditionTrue, reason, msg)
	c.remove(sslv1alpha1.StalledCondition)
}

// markStalled records that no progress is possible until the user changes something.
func (c conditions) markStalled(reason, msg string) {
	c.set(sslv1alpha1.ReadyCondition, metav1.ConditionFalse, reason, msg)
	c.set(sslv1alpha1.StalledCondition, metav1.ConditionTrue, reason, msg)
	c.remove(sslv1alpha1.ReconcilingCondition)
}

// ready returns the Ready condition, or nil.
func (c conditions) ready() *metav1.Condition {
	return apimeta.FindStatusCondition(*c.list, sslv1alpha1.ReadyCondition)
}
