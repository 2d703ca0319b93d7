package reconcile

import (
	"context"
	"errors"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/equality"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	apimeta "k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/client-go/tools/events"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/log"

	sslv1alpha1 "github.com/certsync/tencent-cert-operator/api/v1alpha1"
)

// WriteStatus patches obj's status against base when it differs. The patch carries obj's
// resourceVersion as a precondition, so a status computed from an object that someone changed
// meanwhile is never written over the newer one: the conflict requeues the reconcile. An object
// already gone is ignored. A failure the workqueue will retry is logged once, here, with its
// Tencent code and RequestId.
func WriteStatus(ctx context.Context, c client.Client, base, obj client.Object, status func(client.Object) any, retErr error) error {
	if !equality.Semantic.DeepEqual(status(base), status(obj)) {
		base = base.DeepCopyObject().(client.Object)
		base.SetResourceVersion(obj.GetResourceVersion())
		patch := client.MergeFromWithOptions(base, client.MergeFromWithOptimisticLock{})
		if err := c.Status().Patch(ctx, obj, patch); err != nil && !apierrors.IsNotFound(err) {
			return err
		}
	}
	if retErr != nil {
		code, id := cloudDetails(retErr)
		log.FromContext(ctx).Info("Reconciliation failed; retrying", "reason", As(retErr).Reason,
			"code", code, "requestID", id)
	}
	return nil
}

// Finish is the one deferred exit of a reconcile: it writes the status and turns a write
// conflict into an immediate requeue, since the reconcile ran on an outdated object.
func Finish(ctx context.Context, c client.Client, base, obj client.Object, status func(client.Object) any, result ctrl.Result, retErr error) (ctrl.Result, error) {
	if err := WriteStatus(ctx, c, base, obj, status, retErr); err != nil {
		if apierrors.IsConflict(err) {
			log.FromContext(ctx).V(1).Info("Status changed meanwhile; reconciling again")
			return ctrl.Result{Requeue: true}, nil
		}
		return ctrl.Result{}, err
	}
	return result, retErr
}

// PatchMetadata applies mutate to a copy of obj and patches its metadata, then copies the new
// finalizers and resourceVersion back. obj keeps the spec and status this reconcile works on.
func PatchMetadata(ctx context.Context, c client.Client, obj client.Object, mutate func(client.Object)) error {
	cp := obj.DeepCopyObject().(client.Object)
	patch := client.MergeFromWithOptions(obj.DeepCopyObject().(client.Object), client.MergeFromWithOptimisticLock{})
	mutate(cp)
	if err := c.Patch(ctx, cp, patch); err != nil {
		return err
	}
	obj.SetFinalizers(cp.GetFinalizers())
	obj.SetResourceVersion(cp.GetResourceVersion())
	return nil
}

// Current re-reads obj from the API server, bypassing the cache, and reports whether obj is
// the latest version. A reconcile calls it before a call that creates something in Tencent
// Cloud: a reconcile that started from a stale cache must not repeat a call whose result a
// newer status already holds.
func Current(ctx context.Context, reader client.Reader, obj client.Object) (bool, error) {
	live := obj.DeepCopyObject().(client.Object)
	if err := reader.Get(ctx, client.ObjectKeyFromObject(obj), live); err != nil {
		return false, err
	}
	return live.GetResourceVersion() == obj.GetResourceVersion(), nil
}

// Requested reports a value of the reconcile-at annotation newer than handled.
func Requested(obj client.Object, handled string) bool {
	v, ok := obj.GetAnnotations()[sslv1alpha1.ReconcileRequestAnnotation]
	return ok && v != handled
}

// EmitReadyTransition emits one event when the Ready condition's status or reason changes. The
// event reason equals the condition reason; the note adds the cloud's error code and request ID
// of cause, which condition messages leave out.
func EmitReadyTransition(rec events.EventRecorder, obj runtime.Object, before, after []metav1.Condition, cause error) {
	was := apimeta.FindStatusCondition(before, sslv1alpha1.ReadyCondition)
	is := apimeta.FindStatusCondition(after, sslv1alpha1.ReadyCondition)
	if rec == nil || is == nil || (was != nil && was.Status == is.Status && was.Reason == is.Reason) {
		return
	}
	eventType := corev1.EventTypeNormal
	if is.Status == metav1.ConditionFalse || (cause != nil && As(cause).Severity == Transient) {
		eventType = corev1.EventTypeWarning
	}
	rec.Eventf(obj, nil, eventType, is.Reason, "Reconcile", "%s%s", is.Message, CloudDetails(cause))
}

// CloudError is an error answered by a cloud API; the error types of the cloud clients
// implement it. Its code and request ID, which the cloud's support asks for, go to events and
// logs only.
type CloudError interface {
	error
	// Details returns the error code and the request ID; either may be empty.
	Details() (code, requestID string)
	// DetailNames are what the cloud calls them, for event notes.
	DetailNames() (code, requestID string)
}

func cloudDetails(err error) (code, requestID string) {
	var e CloudError
	if errors.As(err, &e) {
		return e.Details()
	}
	return "", ""
}

// CloudDetails formats the cloud's error code and request ID of err for an event note.
func CloudDetails(err error) string {
	var e CloudError
	if !errors.As(err, &e) {
		return ""
	}
	code, id := e.Details()
	codeName, idName := e.DetailNames()
	switch {
	case code != "" && id != "":
		return " (" + codeName + " " + code + ", " + idName + " " + id + ")"
	case code != "":
		return " (" + codeName + " " + code + ")"
	}
	return ""
}
