package controllers

import (
	corev1 "k8s.io/api/core/v1"
	apimeta "k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/client-go/tools/events"

	sslv1alpha1 "github.com/certsync/tencent-cert-operator/api/v1alpha1"
	"github.com/certsync/tencent-cert-operator/internal/tencentcloud"
)

// emitReadyTransition emits one event when the Ready condition's status or reason changes. The
// event reason equals the condition reason; the note adds the Tencent code and RequestId of
// cause, which condition messages leave out.
func emitReadyTransition(rec events.EventRecorder, obj runtime.Object, before, after []metav1.Condition, cause error) {
	was := apimeta.FindStatusCondition(before, sslv1alpha1.ReadyCondition)
	is := apimeta.FindStatusCondition(after, sslv1alpha1.ReadyCondition)
	if rec == nil || is == nil || (was != nil && was.Status == is.Status && was.Reason == is.Reason) {
		return
	}
	eventType := corev1.EventTypeNormal
	if is.Status == metav1.ConditionFalse || (cause != nil && asOutcome(cause).kind == kindTransient) {
		eventType = corev1.EventTypeWarning
	}
	rec.Eventf(obj, nil, eventType, is.Reason, "Reconcile", "%s%s", is.Message, cloudDetails(cause))
}

// cloudDetails formats the Tencent error code and RequestId of err for an event note.
func cloudDetails(err error) string {
	code, id := tencentcloud.Code(err), tencentcloud.RequestID(err)
	switch {
	case code != "" && id != "":
		return " (code " + code + ", RequestId " + id + ")"
	case code != "":
		return " (code " + code + ")"
	}
	return ""
}
