package huaweiapigcertificate

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"time"

	apimeta "k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	sslv1alpha1 "github.com/certsync/tencent-cert-operator/api/v1alpha1"
	"github.com/certsync/tencent-cert-operator/internal/huaweicloud"
)

// class says how a reconcile that stopped early reacts: the three classes of the style guide.
type class int

const (
	// transient: throttling, 5xx, network; the workqueue retries with backoff.
	transient class = iota
	// waiting: something outside the operator must change or finish; look again later.
	waiting
	// terminal: the spec, the Secret or the credentials are wrong; Stalled until they change.
	terminal
)

// stop is a step's reason for ending the reconcile. Its message is stable, so that conditions
// do not churn; APIG's code and request ID go to events and logs only.
type stop struct {
	class   class
	reason  string
	message string
	after   time.Duration
	cause   error
}

func (s *stop) Error() string {
	if s.cause != nil {
		return s.message + ": " + s.cause.Error()
	}
	return s.message
}

func (s *stop) Unwrap() error { return s.cause }

func stalled(reason, format string, args ...any) *stop {
	return &stop{class: terminal, reason: reason, message: fmt.Sprintf(format, args...)}
}

func waitFor(after time.Duration, reason, format string, args ...any) *stop {
	return &stop{class: waiting, reason: reason, message: fmt.Sprintf(format, args...), after: after}
}

// asStop turns any step error into a stop; errors that are not one are transient.
func asStop(err error) *stop {
	var s *stop
	if errors.As(err, &s) {
		return s
	}
	return &stop{class: transient, reason: sslv1alpha1.ReasonAPIError, message: "Reconciliation failed and will be retried", cause: err}
}

// apiWait is how long to wait when APIG reports a busy resource.
const apiWait = 30 * time.Second

// cloudStop decides how the reconciler reacts to an APIG error, through huaweicloud.Classify,
// the one place that reads APIG codes. what names the attempted work.
func cloudStop(what string, err error) *stop {
	c := huaweicloud.Classify(err)
	msg := fmt.Sprintf("Failed to %s: %s", what, huaweicloud.Code(err))
	switch c.Class {
	case huaweicloud.ClassTerminal:
		reason := sslv1alpha1.ReasonAPIRejected
		switch {
		case c.Credentials:
			reason = sslv1alpha1.ReasonCredentialsInvalid
		case c.NotFound:
			reason = sslv1alpha1.ReasonDomainNotFound
		}
		var e *huaweicloud.Error
		if errors.As(err, &e) && e.Message != "" {
			msg += " (" + e.Message + ")"
		}
		return &stop{class: terminal, reason: reason, message: msg, cause: err}
	case huaweicloud.ClassWaiting:
		return &stop{class: waiting, reason: sslv1alpha1.ReasonProgressing, message: msg, after: jitter(apiWait), cause: err}
	}
	return &stop{class: transient, reason: sslv1alpha1.ReasonAPIError, message: msg, cause: err}
}

// setConditions records how a reconcile ended (err nil is success) as kstatus conditions:
// Ready always, Reconciling and Stalled only while True. It reports whether the generation
// reached an outcome, which is when observedGeneration advances.
func setConditions(list *[]metav1.Condition, generation int64, err error, readyMessage string) bool {
	set := func(t string, s metav1.ConditionStatus, reason, msg string) {
		apimeta.SetStatusCondition(list, metav1.Condition{Type: t, Status: s, Reason: reason, Message: msg, ObservedGeneration: generation})
	}
	if err == nil {
		set(sslv1alpha1.ReadyCondition, metav1.ConditionTrue, sslv1alpha1.ReasonSucceeded, readyMessage)
		apimeta.RemoveStatusCondition(list, sslv1alpha1.ReconcilingCondition)
		apimeta.RemoveStatusCondition(list, sslv1alpha1.StalledCondition)
		return true
	}
	s := asStop(err)
	switch s.class {
	case terminal:
		set(sslv1alpha1.ReadyCondition, metav1.ConditionFalse, s.reason, s.message)
		set(sslv1alpha1.StalledCondition, metav1.ConditionTrue, s.reason, s.message)
		apimeta.RemoveStatusCondition(list, sslv1alpha1.ReconcilingCondition)
		return true
	case waiting:
		set(sslv1alpha1.ReadyCondition, metav1.ConditionFalse, s.reason, s.message)
	default:
		// Work whose outcome is still open: Ready is Unknown.
		set(sslv1alpha1.ReadyCondition, metav1.ConditionUnknown, s.reason, s.message)
	}
	set(sslv1alpha1.ReconcilingCondition, metav1.ConditionTrue, s.reason, s.message)
	apimeta.RemoveStatusCondition(list, sslv1alpha1.StalledCondition)
	return false
}

// jitter spreads periodic work: d plus up to 10%.
func jitter(d time.Duration) time.Duration {
	if d <= 0 {
		return d
	}
	return d + time.Duration(rand.Int64N(int64(d)/10+1))
}
