package reconcile

import (
	apimeta "k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	ctrl "sigs.k8s.io/controller-runtime"

	sslv1alpha1 "github.com/certsync/tencent-cert-operator/api/v1alpha1"
)

// Conditions sets kstatus conditions on a status: Ready is always present, Reconciling and
// Stalled only while True. Each Mark call states the whole picture, so a reconcile ends with
// exactly one of them deciding the summary.
type Conditions struct {
	List       *[]metav1.Condition
	Generation int64
}

// Set sets one condition.
func (c Conditions) Set(t string, s metav1.ConditionStatus, reason, msg string) {
	apimeta.SetStatusCondition(c.List, metav1.Condition{
		Type: t, Status: s, Reason: reason, Message: msg, ObservedGeneration: c.Generation,
	})
}

// Remove removes one condition.
func (c Conditions) Remove(t string) { apimeta.RemoveStatusCondition(c.List, t) }

// MarkReady records success.
func (c Conditions) MarkReady(reason, msg string) {
	c.Set(sslv1alpha1.ReadyCondition, metav1.ConditionTrue, reason, msg)
	c.Remove(sslv1alpha1.ReconcilingCondition)
	c.Remove(sslv1alpha1.StalledCondition)
}

// MarkProgressing records work underway, whose outcome is not known yet: Ready=Unknown.
func (c Conditions) MarkProgressing(reason, msg string) {
	c.Set(sslv1alpha1.ReadyCondition, metav1.ConditionUnknown, reason, msg)
	c.Set(sslv1alpha1.ReconcilingCondition, metav1.ConditionTrue, reason, msg)
	c.Remove(sslv1alpha1.StalledCondition)
}

// MarkWaiting records that the controller waits for something outside it, such as a missing
// Secret, and will try again: Ready=False with Reconciling=True.
func (c Conditions) MarkWaiting(reason, msg string) {
	c.Set(sslv1alpha1.ReadyCondition, metav1.ConditionFalse, reason, msg)
	c.Set(sslv1alpha1.ReconcilingCondition, metav1.ConditionTrue, reason, msg)
	c.Remove(sslv1alpha1.StalledCondition)
}

// MarkStalled records that no progress is possible until the user changes something.
func (c Conditions) MarkStalled(reason, msg string) {
	c.Set(sslv1alpha1.ReadyCondition, metav1.ConditionFalse, reason, msg)
	c.Set(sslv1alpha1.StalledCondition, metav1.ConditionTrue, reason, msg)
	c.Remove(sslv1alpha1.ReconcilingCondition)
}

// Apply records how a reconcile ended (err nil is success) in the kstatus conditions and
// returns the result, the error for the workqueue's backoff, and whether the generation reached
// an outcome, which is when observedGeneration advances.
func (c Conditions) Apply(err error, readyReason, readyMessage string) (ctrl.Result, error, bool) {
	if err == nil {
		c.MarkReady(readyReason, readyMessage)
		c.Remove(sslv1alpha1.DegradedCondition)
		return ctrl.Result{}, nil, true
	}
	o := As(err)
	if o.Severity == Throttled {
		// Throttling says nothing about the object: no condition changes, a quiet requeue.
		return ctrl.Result{RequeueAfter: o.After}, nil, false
	}
	if o.Severity != Degraded {
		c.Remove(sslv1alpha1.DegradedCondition)
	}
	switch o.Severity {
	case Terminal:
		c.MarkStalled(o.Reason, o.Message)
		return ctrl.Result{}, nil, true
	case Degraded:
		// Failed targets are not retried until the user acts, so the object is stalled too.
		c.MarkStalled(o.Reason, o.Message)
		c.Set(sslv1alpha1.DegradedCondition, metav1.ConditionTrue, o.Reason, o.Message)
		return ctrl.Result{RequeueAfter: o.After}, nil, true
	case Waiting:
		c.MarkWaiting(o.Reason, o.Message)
		return ctrl.Result{RequeueAfter: o.After}, nil, false
	case Progressing:
		c.MarkProgressing(o.Reason, o.Message)
		return ctrl.Result{RequeueAfter: o.After}, nil, false
	}
	// A transient failure interrupts work whose outcome is still open: Ready is Unknown.
	c.MarkProgressing(o.Reason, o.Message)
	return ctrl.Result{}, o, false
}
