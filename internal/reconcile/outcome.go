// Package reconcile holds what the operator's reconcilers share: how a step reports that it
// stopped (an Outcome), how outcomes become kstatus conditions, events and a requeue, and how
// status is written once per reconcile.
package reconcile

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/utils/clock"

	sslv1alpha1 "github.com/certsync/tencent-cert-operator/api/v1alpha1"
	"github.com/certsync/tencent-cert-operator/internal/tencentcloud"
)

// Severity says how a reconciler reacts to a step that did not finish.
type Severity int

const (
	// Transient: retry through the workqueue's backoff (throttling, 5xx, network).
	Transient Severity = iota
	// Waiting: something outside the operator must change first; check again later.
	Waiting
	// Progressing: work started and is being polled; Ready is Unknown meanwhile.
	Progressing
	// Terminal: the spec, the Secret or the credentials are wrong; do not retry until they change.
	Terminal
	// Degraded: the work finished with some targets failed; it is not retried until the user
	// changes something or asks for it.
	Degraded
	// Throttled: the account's rate budget is spent even after the client's bounded retries.
	// Nothing is wrong with the object, so its conditions stay as they are and it is looked at
	// again shortly.
	Throttled
)

// String names the severity, for logs and tests.
func (s Severity) String() string {
	names := [...]string{"Transient", "Waiting", "Progressing", "Terminal", "Degraded", "Throttled"}
	if s < 0 || int(s) >= len(names) {
		return fmt.Sprintf("Severity(%d)", int(s))
	}
	return names[s]
}

// Outcome is a step's reason for stopping the reconcile early. Its message is stable, so that
// condition writes do not churn; the Tencent code and RequestId go to events and logs only.
type Outcome struct {
	Severity Severity
	Reason   string
	Message  string
	// After is when to look again; zero leaves it to the workqueue or the resync.
	After time.Duration
	Cause error
}

func (o *Outcome) Error() string {
	if o.Cause != nil {
		return o.Message + ": " + o.Cause.Error()
	}
	return o.Message
}

func (o *Outcome) Unwrap() error { return o.Cause }

// NewTerminal reports input that must change before a retry can help.
func NewTerminal(reason, message string) *Outcome {
	return &Outcome{Severity: Terminal, Reason: reason, Message: message}
}

// NewWaiting reports a wait for something outside the operator.
func NewWaiting(reason, message string, after time.Duration) *Outcome {
	return &Outcome{Severity: Waiting, Reason: reason, Message: message, After: after}
}

// NewDegraded reports finished work with failures that stay until the user acts.
func NewDegraded(reason, message string, after time.Duration) *Outcome {
	return &Outcome{Severity: Degraded, Reason: reason, Message: message, After: after}
}

// NewProgressing reports work underway that is looked at again after a delay.
func NewProgressing(reason, message string, after time.Duration) *Outcome {
	return &Outcome{Severity: Progressing, Reason: reason, Message: message, After: after}
}

// As turns any step error into an outcome; unknown errors are transient.
func As(err error) *Outcome {
	var o *Outcome
	if errors.As(err, &o) {
		return o
	}
	return &Outcome{Severity: Transient, Reason: sslv1alpha1.ReasonAPIError, Message: "Reconciliation failed and will be retried", Cause: err}
}

// InFlight keeps an object progressing while Tencent asks it to wait during work it already
// started: part of the rollout, not a reason to report the object as not Ready.
func InFlight(o *Outcome) *Outcome {
	if o.Severity == Waiting {
		o.Severity = Progressing
	}
	return o
}

// ThrottledWait is how long an object whose call stayed throttled waits before it is looked
// at again: long enough for the account's budget to refill, short next to a resync.
const ThrottledWait = 2 * time.Second

// DefaultWait is how long a step waits for Tencent Cloud when the caller names no delay.
const DefaultWait = 30 * time.Second

// Cloud classifies an SSL API error with tencentcloud.Classify, the one place that reads
// Tencent codes, and decides how the reconciler reacts. what describes the attempted work, for
// example "upload the certificate".
func Cloud(what string, err error, retryAfter time.Duration) *Outcome {
	code := tencentcloud.Code(err)
	msg := fmt.Sprintf("Failed to %s: %s", what, code)
	if retryAfter <= 0 {
		retryAfter = Jitter(DefaultWait)
	}
	switch tencentcloud.Classify(err) {
	case tencentcloud.ClassTerminal, tencentcloud.ClassNotFound, tencentcloud.ClassAlreadyExists:
		reason := sslv1alpha1.ReasonAPIRejected
		if tencentcloud.IsCredentialsError(err) {
			reason = sslv1alpha1.ReasonCredentialsInvalid
		}
		return &Outcome{Severity: Terminal, Reason: reason, Message: msg + messageSuffix(err), Cause: err}
	case tencentcloud.ClassWaiting:
		return &Outcome{Severity: Waiting, Reason: sslv1alpha1.ReasonProgressing, Message: msg, After: retryAfter, Cause: err}
	case tencentcloud.ClassThrottled:
		return &Outcome{Severity: Throttled, Reason: sslv1alpha1.ReasonAPIError, Message: msg, After: Jitter(ThrottledWait), Cause: err}
	default:
		return &Outcome{Severity: Transient, Reason: sslv1alpha1.ReasonAPIError, Message: msg, Cause: err}
	}
}

// messageSuffix adds Tencent's explanation to terminal messages, where it tells the user what
// to fix. The client sanitizes it and it carries no RequestId.
func messageSuffix(err error) string {
	var e *tencentcloud.Error
	if errors.As(err, &e) && e.Message != "" {
		return " (" + e.Message + ")"
	}
	return ""
}

// PollDelay backs off with the age of a task: half the time since it started, between lo and
// hi, plus jitter. It needs no state across restarts.
func PollDelay(c clock.PassiveClock, start *metav1.Time, lo, hi time.Duration) time.Duration {
	d := lo
	if start != nil {
		d = c.Since(start.Time) / 2
	}
	return Jitter(min(max(d, lo), hi))
}

// Jitter spreads periodic work: d plus up to 10%.
func Jitter(d time.Duration) time.Duration {
	if d <= 0 {
		return d
	}
	return d + time.Duration(rand.Int64N(int64(d)/10+1))
}

// Now is the clock's time in the precision status fields keep.
func Now(c clock.PassiveClock) *metav1.Time {
	t := metav1.NewTime(c.Now().Truncate(time.Second))
	return &t
}

// Steps runs a reconcile's steps in order and stops at the first that does not finish.
func Steps[R any](ctx context.Context, run R, steps ...func(context.Context, R) error) error {
	for _, step := range steps {
		if err := step(ctx, run); err != nil {
			return err
		}
	}
	return nil
}
