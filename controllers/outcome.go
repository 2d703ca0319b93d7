package controllers

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/utils/clock"
	ctrl "sigs.k8s.io/controller-runtime"

	"github.com/certsync/tencent-cert-operator/internal/tencentcloud"

	sslv1alpha1 "github.com/certsync/tencent-cert-operator/api/v1alpha1"
)

// kind says how a reconciler reacts to a step that did not finish.
type kind int

const (
	// kindTransient: retry through the workqueue's backoff (throttling, 5xx, network).
	kindTransient kind = iota
	// kindWaiting: something outside the operator must change first; check again later.
	kindWaiting
	// kindProgressing: work started and is being polled; Ready is Unknown meanwhile.
	kindProgressing
	// kindTerminal: the spec, the Secret or the credentials are wrong; do not retry until they change.
	kindTerminal
	// kindDegraded: the work finished with some targets failed; it is not retried until the
	// user changes something or asks for it.
	kindDegraded
)

// outcome is a step's reason for stopping the reconcile early. Its message is stable, so that
// condition writes do not churn; the Tencent code and RequestId go to events and logs only.
type outcome struct {
	kind    kind
	reason  string
	message string
	after   time.Duration
	cause   error
}

func (o *outcome) Error() string {
	if o.cause != nil {
		return o.message + ": " + o.cause.Error()
	}
	return o.message
}

func (o *outcome) Unwrap() error { return o.cause }

func terminal(reason, message string) *outcome {
	return &outcome{kind: kindTerminal, reason: reason, message: message}
}

func waiting(reason, message string, after time.Duration) *outcome {
	return &outcome{kind: kindWaiting, reason: reason, message: message, after: after}
}

func degraded(reason, message string, after time.Duration) *outcome {
	return &outcome{kind: kindDegraded, reason: reason, message: message, after: after}
}

func progressing(reason, message string, after time.Duration) *outcome {
	return &outcome{kind: kindProgressing, reason: reason, message: message, after: after}
}

// asOutcome turns any step error into an outcome; unknown errors are transient.
func asOutcome(err error) *outcome {
	var o *outcome
	if errors.As(err, &o) {
		return o
	}
	return &outcome{kind: kindTransient, reason: sslv1alpha1.ReasonAPIError, message: "Reconciliation failed and will be retried", cause: err}
}

// cloudOutcome classifies an SSL API error with tencentcloud.Classify, the one place that reads
// Tencent codes, and decides how the reconciler reacts. what describes the attempted work, for
// example "upload the certificate".
func cloudOutcome(what string, err error, retryAfter time.Duration) *outcome {
	code := tencentcloud.Code(err)
	msg := fmt.Sprintf("Failed to %s: %s", what, code)
	if retryAfter <= 0 {
		retryAfter = jitter(defaultWait)
	}
	switch tencentcloud.Classify(err) {
	case tencentcloud.ClassTerminal, tencentcloud.ClassNotFound, tencentcloud.ClassAlreadyExists:
		reason := sslv1alpha1.ReasonAPIRejected
		if tencentcloud.IsCredentialsError(err) {
			reason = sslv1alpha1.ReasonCredentialsInvalid
		}
		return &outcome{kind: kindTerminal, reason: reason, message: msg + messageSuffix(err), cause: err}
	case tencentcloud.ClassWaiting:
		return &outcome{kind: kindWaiting, reason: sslv1alpha1.ReasonProgressing, message: msg, after: retryAfter, cause: err}
	default:
		return &outcome{kind: kindTransient, reason: sslv1alpha1.ReasonAPIError, message: msg, cause: err}
	}
}

// defaultWait is how long a step waits for Tencent Cloud when the caller names no delay.
const defaultWait = 30 * time.Second

// messageSuffix adds Tencent's explanation to terminal messages, where it tells the user what
// to fix. It is sanitized by the client and carries no RequestId.
func messageSuffix(err error) string {
	var e *tencentcloud.Error
	if errors.As(err, &e) && e.Message != "" {
		return " (" + e.Message + ")"
	}
	return ""
}

// applyOutcome records how a reconcile ended (err nil is success) in the kstatus conditions and
// returns the result, the error for the workqueue's backoff, and whether the generation reached
// an outcome, which is when observedGeneration advances.
func applyOutcome(c conditions, err error, readyReason, readyMessage string) (ctrl.Result, error, bool) {
	if err == nil {
		c.markReady(readyReason, readyMessage)
		c.remove(sslv1alpha1.DegradedCondition)
		return ctrl.Result{}, nil, true
	}
	o := asOutcome(err)
	if o.kind != kindDegraded {
		c.remove(sslv1alpha1.DegradedCondition)
	}
	switch o.kind {
	case kindTerminal:
		c.markStalled(o.reason, o.message)
		return ctrl.Result{}, nil, true
	case kindDegraded:
		// Failed targets are not retried until the user acts, so the object is stalled too.
		c.markStalled(o.reason, o.message)
		c.set(sslv1alpha1.DegradedCondition, metav1.ConditionTrue, o.reason, o.message)
		return ctrl.Result{RequeueAfter: o.after}, nil, true
	case kindWaiting:
		c.markWaiting(o.reason, o.message)
		return ctrl.Result{RequeueAfter: o.after}, nil, false
	case kindProgressing:
		c.markProgressing(o.reason, o.message)
		return ctrl.Result{RequeueAfter: o.after}, nil, false
	}
	// A transient failure interrupts work whose outcome is still open: Ready is Unknown.
	c.markProgressing(o.reason, o.message)
	return ctrl.Result{}, o, false
}

// pollDelay backs off with the age of a task: half the time since it started, between lo and
// hi, plus jitter. It needs no state across restarts.
func pollDelay(c clock.PassiveClock, start *metav1.Time, lo, hi time.Duration) time.Duration {
	d := lo
	if start != nil {
		d = c.Since(start.Time) / 2
	}
	return jitter(min(max(d, lo), hi))
}

// jitter spreads periodic work: d plus up to 10%.
func jitter(d time.Duration) time.Duration {
	if d <= 0 {
		return d
	}
	return d + time.Duration(rand.Int64N(int64(d)/10+1))
}
