package reconcile

import (
	"context"
	"fmt"
	"time"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/client-go/tools/events"
	"sigs.k8s.io/controller-runtime/pkg/client"

	sslv1alpha1 "github.com/certsync/tencent-cert-operator/api/v1alpha1"
)

// Event is something a step did that the user should hear of. Steps collect events, and the
// reconcile emits them once, when it ends.
type Event struct {
	Warning bool
	Reason  string
	Message string
}

// Events collects a reconcile's events.
type Events []Event

// Add collects one event.
func (e *Events) Add(warning bool, reason, format string, args ...any) {
	*e = append(*e, Event{Warning: warning, Reason: reason, Message: fmt.Sprintf(format, args...)})
}

// Emit records the events on obj.
func (e Events) Emit(rec events.EventRecorder, obj runtime.Object) {
	for _, ev := range e {
		eventType := corev1.EventTypeNormal
		if ev.Warning {
			eventType = corev1.EventTypeWarning
		}
		rec.Eventf(obj, nil, eventType, ev.Reason, "Reconcile", "%s", ev.Message)
	}
}

// errStale ends a reconcile that started from an outdated object; its status write then fails
// its precondition and the object is looked at again at once.
var errStale = NewProgressing(sslv1alpha1.ReasonProgressing, "Reading the latest version of the object", 200*time.Millisecond)

// Fresh returns a check, to run before every call that creates something in Tencent Cloud, that
// fails when obj is not the latest version: no creating call is built on a status older than
// the last one written.
func Fresh(reader client.Reader, obj client.Object) func(context.Context) error {
	return func(ctx context.Context) error {
		current, err := Current(ctx, reader, obj)
		if err != nil {
			return err
		}
		if !current {
			return errStale
		}
		return nil
	}
}
