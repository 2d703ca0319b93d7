package controllers

import (
	"errors"
	"fmt"
	"strings"
	"time"

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
	switch tencentcloud.Classify(err) {
	case tencentcloud.ClassTerminal, tencentcloud.ClassNotFound, tencentcloud.ClassAlreadyExists:
		reason := sslv1alpha1.ReasonAPIRejected
		if strings.HasPrefix(code, "AuthFailure") || strings.Contains(code, "AuthError") ||
			strings.Contains(code, "UnauthorizedOperation") || strings.Contains(code, "RoleNotFound") {
			reason = sslv1alpha1.ReasonCredentialsInvalid
		}
		return &outcome{kind: kindTerminal, reason: reason, message: msg + messageSuffix(err), cause: err}
	case tencentcloud.ClassWaiting:
		return &outcome{kind: kindWaiting, reason: sslv1alpha1.ReasonProgressing, message: msg, after: retryAfter, cause: err}
	default:
		return &outcome{kind: kindTransient, reason: sslv1alpha1.ReasonAPIError, message: msg, cause: err}
	}
}

// messageSuffix adds Tencent's explanation to terminal messages, where it tells the user what
// to fix. It is sanitized by the client and carries no RequestId.
func messageSuffix(err error) string {
	var e *tencentcloud.Error
	if errors.As(err, &e) && e.Message != "" {
		return " (" + e.Message + ")"
	}
	return ""
}
