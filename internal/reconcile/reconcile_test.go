package reconcile

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"k8s.io/apimachinery/pkg/api/equality"
	apimeta "k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	clocktesting "k8s.io/utils/clock/testing"

	sslv1alpha1 "github.com/certsync/tencent-cert-operator/api/v1alpha1"
	"github.com/certsync/tencent-cert-operator/internal/huaweicloud"
	"github.com/certsync/tencent-cert-operator/internal/tencentcloud"
)

func TestApplyOutcomeFollowsKstatus(t *testing.T) {
	cases := []struct {
		name        string
		err         error
		ready       metav1.ConditionStatus
		reconciling bool
		stalled     bool
		degraded    bool
		observed    bool
		requeue     time.Duration
		returnsErr  bool
	}{
		{"success is Ready and observed", nil, metav1.ConditionTrue, false, false, false, true, 0, false},
		{"a terminal error stalls and is observed", NewTerminal("KeyMismatch", "bad key"), metav1.ConditionFalse, false, true, false, true, 0, false},
		{"waiting is Ready=False with Reconciling and a requeue", NewWaiting("SecretNotFound", "no secret", time.Minute), metav1.ConditionFalse, true, false, false, false, time.Minute, false},
		{"progress is Ready=Unknown with Reconciling", NewProgressing("DeployInProgress", "deploying", 2*time.Second), metav1.ConditionUnknown, true, false, false, false, 2 * time.Second, false},
		{"degraded is Ready=False with Degraded and Stalled, and observed", NewDegraded("DeployFailed", "2 failed", 0), metav1.ConditionFalse, false, true, true, true, 0, false},
		{"an unknown error is retried by the workqueue with Ready Unknown", errors.New("boom"), metav1.ConditionUnknown, true, false, false, false, 0, true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var list []metav1.Condition
			conds := Conditions{List: &list, Generation: 3}
			// A previous Degraded condition must not survive any other outcome.
			conds.Set(sslv1alpha1.DegradedCondition, metav1.ConditionTrue, "DeployFailed", "old")
			result, err, observed := conds.Apply(c.err, "Succeeded", "ok")
			ready := apimeta.FindStatusCondition(list, sslv1alpha1.ReadyCondition)
			if ready == nil || ready.Status != c.ready || ready.ObservedGeneration != 3 {
				t.Fatalf("Ready = %+v, want %s", ready, c.ready)
			}
			for cond, want := range map[string]bool{
				sslv1alpha1.ReconcilingCondition: c.reconciling,
				sslv1alpha1.StalledCondition:     c.stalled,
				sslv1alpha1.DegradedCondition:    c.degraded,
			} {
				if got := apimeta.IsStatusConditionTrue(list, cond); got != want {
					t.Errorf("%s = %v, want %v", cond, got, want)
				}
				if !want && apimeta.FindStatusCondition(list, cond) != nil {
					t.Errorf("%s must be absent unless True", cond)
				}
			}
			if observed != c.observed || result.RequeueAfter != c.requeue || (err != nil) != c.returnsErr {
				t.Errorf("observed=%v requeue=%s err=%v", observed, result.RequeueAfter, err)
			}
		})
	}
}

func TestThrottlingLeavesConditionsAsTheyAre(t *testing.T) {
	var list []metav1.Condition
	conds := Conditions{List: &list, Generation: 2}
	conds.MarkProgressing("DeployInProgress", "Deploying certificate c1: 1 of 3 targets done")
	before := append([]metav1.Condition(nil), list...)
	throttled := Cloud("read record 7", &tencentcloud.Error{Code: tencentcloud.CodeRateLimitExceeded, RequestID: "r"}, 0)
	result, err, observed := conds.Apply(throttled, "Deployed", "ok")
	if err != nil || observed || result.RequeueAfter < ThrottledWait || result.RequeueAfter > 2*ThrottledWait {
		t.Fatalf("result=%+v err=%v observed=%v, want a quiet requeue after about %s", result, err, observed, ThrottledWait)
	}
	if !equality.Semantic.DeepEqual(list, before) {
		t.Errorf("conditions changed on throttling: %+v", list)
	}
	// An object with no status yet gets none from throttling either.
	var empty []metav1.Condition
	Conditions{List: &empty}.Apply(throttled, "Deployed", "ok")
	if len(empty) != 0 {
		t.Errorf("throttling wrote conditions %+v", empty)
	}
}

func TestCloudOutcomeClassifiesTencentErrors(t *testing.T) {
	cases := []struct {
		name   string
		code   string
		kind   Severity
		reason string
	}{
		{"a bad signature is a credentials problem", "AuthFailure.SignatureFailure", Terminal, sslv1alpha1.ReasonCredentialsInvalid},
		{"a missing service role is a credentials problem", "FailedOperation.RoleNotFoundAuthorization", Terminal, sslv1alpha1.ReasonCredentialsInvalid},
		{"a refused deployment is rejected", "FailedOperation.CertificateNotDeployInstance", Terminal, sslv1alpha1.ReasonAPIRejected},
		{"a running task means waiting", "FailedOperation.CertificateDeployHasPendingRecord", Waiting, sslv1alpha1.ReasonProgressing},
		{"a retry the record's state does not allow yet means waiting", "FailedOperation.CertificateDeployRetryStatusInvalid", Waiting, sslv1alpha1.ReasonProgressing},
		{"throttling is quiet", "LimitExceeded.RateLimitExceeded", Throttled, sslv1alpha1.ReasonAPIError},
		{"account-wide throttling is quiet", "RequestLimitExceeded.UinLimitExceeded", Throttled, sslv1alpha1.ReasonAPIError},
		{"an internal error is transient", "InternalError", Transient, sslv1alpha1.ReasonAPIError},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			err := &tencentcloud.Error{Action: "DeployCertificateInstance", Code: c.code, Message: "details", RequestID: "req-1"}
			o := Cloud("deploy", err, time.Second)
			if o.Severity != c.kind || o.Reason != c.reason {
				t.Fatalf("kind=%d reason=%s, want %d %s", o.Severity, o.Reason, c.kind, c.reason)
			}
			if want := "Failed to deploy: " + c.code; !strings.HasPrefix(o.Message, want) {
				t.Errorf("message %q", o.Message)
			}
			if strings.Contains(o.Message, "req-1") {
				t.Errorf("condition messages must not carry the RequestId: %q", o.Message)
			}
		})
	}
}

func TestPollDelayDoublesWithTheTaskAge(t *testing.T) {
	clock := clocktesting.NewFakePassiveClock(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC))
	start := metav1.NewTime(clock.Now())
	cases := []struct {
		name   string
		age    time.Duration
		lo, hi time.Duration
	}{
		{"a new task is polled after the minimum", 0, 2 * time.Second, 2200 * time.Millisecond},
		{"a 20s old task waits about 10s", 20 * time.Second, 10 * time.Second, 11 * time.Second},
		{"an old task waits at most the maximum", time.Hour, time.Minute, 66 * time.Second},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			clock.SetTime(start.Add(c.age))
			d := PollDelay(clock, &start, 2*time.Second, time.Minute)
			if d < c.lo || d > c.hi {
				t.Fatalf("delay %s, want between %s and %s", d, c.lo, c.hi)
			}
		})
	}
}

func TestCloudOutcomeNeverWaitsWithoutADelay(t *testing.T) {
	o := Cloud("delete", &tencentcloud.Error{Code: "FailedOperation.CannotBeDeletedWithinHour"}, 0)
	if o.Severity != Waiting || o.After < DefaultWait {
		t.Fatalf("kind=%d after=%s: a wait without a delay would never be retried", o.Severity, o.After)
	}
}

func TestCloudDetailsNameTheCodeInTheCloudsWords(t *testing.T) {
	cases := []struct {
		name string
		err  error
		want string
	}{
		{"a Tencent error inside an outcome", &Outcome{Cause: fmt.Errorf("upload: %w", &tencentcloud.Error{Code: "InternalError", RequestID: "req-1"})},
			" (code InternalError, RequestId req-1)"},
		{"a Tencent error that never reached the service", &tencentcloud.Error{Code: tencentcloud.CodeClientNetwork}, " (code ClientError.NetworkError)"},
		{"an APIG error", &huaweicloud.Error{Code: "APIG.3020", RequestID: "5e1"}, " (error_code APIG.3020, request ID 5e1)"},
		{"an error of no cloud", errors.New("boom"), ""},
		{"no error", nil, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := CloudDetails(c.err); got != c.want {
				t.Fatalf("CloudDetails = %q, want %q", got, c.want)
			}
		})
	}
}
