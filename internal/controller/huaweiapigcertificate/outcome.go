package huaweiapigcertificate

import (
	"errors"
	"fmt"
	"time"

	sslv1alpha1 "github.com/certsync/tencent-cert-operator/api/v1alpha1"
	"github.com/certsync/tencent-cert-operator/internal/huaweicloud"
	"github.com/certsync/tencent-cert-operator/internal/reconcile"
)

// apiWait is how long to wait when APIG reports a busy resource.
const apiWait = 30 * time.Second

// cloudOutcome decides how the reconciler reacts to an APIG error, through
// huaweicloud.Classify, the one place that reads APIG codes. what names the attempted work.
func cloudOutcome(what string, err error) *reconcile.Outcome {
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
		return &reconcile.Outcome{Severity: reconcile.Terminal, Reason: reason, Message: msg, Cause: err}
	case huaweicloud.ClassWaiting:
		return &reconcile.Outcome{Severity: reconcile.Waiting, Reason: sslv1alpha1.ReasonProgressing, Message: msg, After: reconcile.Jitter(apiWait), Cause: err}
	}
	return &reconcile.Outcome{Severity: reconcile.Transient, Reason: sslv1alpha1.ReasonAPIError, Message: msg, Cause: err}
}
