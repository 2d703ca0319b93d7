package controllers

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	apimeta "k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	clocktesting "k8s.io/utils/clock/testing"

	sslv1alpha1 "github.com/certsync/tencent-cert-operator/api/v1alpha1"
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
		{"a terminal error stalls and is observed", terminal("KeyMismatch", "bad key"), metav1.ConditionFalse, false, true, false, true, 0, false},
		{"waiting is Ready=False with Reconciling and a requeue", waiting("SecretNotFound", "no secret", time.Minute), metav1.ConditionFalse, true, false, false, false, time.Minute, false},
		{"progress is Ready=Unknown with Reconciling", progressing("DeployInProgress", "deploying", 2*time.Second), metav1.ConditionUnknown, true, false, false, false, 2 * time.Second, false},
		{"degraded is Ready=False with Degraded and Stalled, and observed", degraded("DeployFailed", "2 failed", 0), metav1.ConditionFalse, false, true, true, true, 0, false},
		{"an unknown error is retried by the workqueue with Ready Unknown", errors.New("boom"), metav1.ConditionUnknown, true, false, false, false, 0, true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var list []metav1.Condition
			conds := conditions{list: &list, generation: 3}
			// A previous Degraded condition must not survive any other outcome.
			conds.set(sslv1alpha1.DegradedCondition, metav1.ConditionTrue, "DeployFailed", "old")
			result, err, observed := applyOutcome(conds, c.err, "Succeeded", "ok")
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

func TestCloudOutcomeClassifiesTencentErrors(t *testing.T) {
	cases := []struct {
		name   string
		code   string
		kind   kind
		reason string
	}{
		{"a bad signature is a credentials problem", "AuthFailure.SignatureFailure", kindTerminal, sslv1alpha1.ReasonCredentialsInvalid},
		{"a missing service role is a credentials problem", "FailedOperation.RoleNotFoundAuthorization", kindTerminal, sslv1alpha1.ReasonCredentialsInvalid},
		{"a refused deployment is rejected", "FailedOperation.CertificateNotDeployInstance", kindTerminal, sslv1alpha1.ReasonAPIRejected},
		{"a running task means waiting", "FailedOperation.CertificateDeployHasPendingRecord", kindWaiting, sslv1alpha1.ReasonProgressing},
		{"a retry the record's state does not allow yet means waiting", "FailedOperation.CertificateDeployRetryStatusInvalid", kindWaiting, sslv1alpha1.ReasonProgressing},
		{"throttling is transient", "LimitExceeded.RateLimitExceeded", kindTransient, sslv1alpha1.ReasonAPIError},
		{"an internal error is transient", "InternalError", kindTransient, sslv1alpha1.ReasonAPIError},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			err := &tencentcloud.Error{Action: "DeployCertificateInstance", Code: c.code, Message: "details", RequestID: "req-1"}
			o := cloudOutcome("deploy", err, time.Second)
			if o.kind != c.kind || o.reason != c.reason {
				t.Fatalf("kind=%d reason=%s, want %d %s", o.kind, o.reason, c.kind, c.reason)
			}
			if want := "Failed to deploy: " + c.code; !strings.HasPrefix(o.message, want) {
				t.Errorf("message %q", o.message)
			}
			if strings.Contains(o.message, "req-1") {
				t.Errorf("condition messages must not carry the RequestId: %q", o.message)
			}
		})
	}
}

func TestPushHistoryKeepsSupersededCertificates(t *testing.T) {
	st := &sslv1alpha1.TencentCertificateStatus{}
	for i := 0; i < historyLimit; i++ {
		state := sslv1alpha1.HistoryDeleted
		if i == 0 {
			state = sslv1alpha1.HistorySuperseded
		}
		pushHistory(st, sslv1alpha1.CertificateHistoryEntry{CertificateID: fmt.Sprint("old-", i), State: state})
	}
	pushHistory(st, sslv1alpha1.CertificateHistoryEntry{CertificateID: "new", State: sslv1alpha1.HistorySuperseded})
	if len(st.History) != historyLimit {
		t.Fatalf("history has %d entries, want %d", len(st.History), historyLimit)
	}
	if st.History[0].CertificateID != "new" || st.History[historyLimit-1].CertificateID != "old-0" {
		t.Fatalf("the oldest superseded entry must be kept and a deleted one dropped: %+v", st.History)
	}
}

func TestTaskLocksSerializeOneCertificateAndType(t *testing.T) {
	var l taskLocks
	a, b := types.NamespacedName{Name: "a"}, types.NamespacedName{Name: "b"}
	key := lockKey("cert", sslv1alpha1.ResourceTypeCLB)
	if _, ok := l.acquire(key, a); !ok {
		t.Fatal("a free lock must be taken")
	}
	if _, ok := l.acquire(key, a); !ok {
		t.Fatal("the owner takes its lock again after a restart of its reconcile")
	}
	if holder, ok := l.acquire(key, b); ok || holder != a {
		t.Fatalf("b must wait for a, got holder=%v ok=%v", holder, ok)
	}
	if _, ok := l.acquire(lockKey("cert", sslv1alpha1.ResourceTypeCDN), b); !ok {
		t.Fatal("another resource type is independent")
	}
	l.release(key, b)
	if _, ok := l.acquire(key, b); ok {
		t.Fatal("only the owner releases a lock")
	}
	l.releaseAll(a)
	if _, ok := l.acquire(key, b); !ok {
		t.Fatal("a deleted owner's locks are released")
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
			d := pollDelay(clock, &start, 2*time.Second, time.Minute)
			if d < c.lo || d > c.hi {
				t.Fatalf("delay %s, want between %s and %s", d, c.lo, c.hi)
			}
		})
	}
}

func TestItemStateMapsTencentStatuses(t *testing.T) {
	cases := []struct {
		name     string
		status   tencentcloud.DetailStatus
		rollback bool
		want     sslv1alpha1.TargetState
	}{
		{"pending is deploying", tencentcloud.DetailStatusPending, false, sslv1alpha1.TargetDeploying},
		{"deploying is deploying", tencentcloud.DetailStatusDeploying, false, sslv1alpha1.TargetDeploying},
		{"success is succeeded", tencentcloud.DetailStatusSuccess, false, sslv1alpha1.TargetSucceeded},
		{"failure is failed", tencentcloud.DetailStatusFailed, false, sslv1alpha1.TargetFailed},
		{"no resource is failed", tencentcloud.DetailStatusNoResource, false, sslv1alpha1.TargetFailed},
		{"success of a rollback record is rolled back", tencentcloud.DetailStatusSuccess, true, sslv1alpha1.TargetRolledBack},
		{"a failed rollback is failed", tencentcloud.DetailStatusRollbackFailed, true, sslv1alpha1.TargetFailed},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, _ := itemState(tencentcloud.DeployRecordDetail{Status: c.status}, c.rollback)
			if got != c.want {
				t.Fatalf("got %s, want %s", got, c.want)
			}
		})
	}
}

func TestCountTargets(t *testing.T) {
	got := countTargets([]sslv1alpha1.TargetStatus{
		{State: sslv1alpha1.TargetSucceeded}, {State: sslv1alpha1.TargetAlreadyBound},
		{State: sslv1alpha1.TargetFailed}, {State: sslv1alpha1.TargetRolledBack},
		{State: sslv1alpha1.TargetDeploying}, {State: sslv1alpha1.TargetPending},
	})
	want := sslv1alpha1.TargetCounts{Total: 6, Succeeded: 2, Failed: 2, Pending: 2}
	if got != want {
		t.Fatalf("got %+v, want %+v", got, want)
	}
}

func TestCloudOutcomeNeverWaitsWithoutADelay(t *testing.T) {
	o := cloudOutcome("delete", &tencentcloud.Error{Code: "FailedOperation.CannotBeDeletedWithinHour"}, 0)
	if o.kind != kindWaiting || o.after < defaultWait {
		t.Fatalf("kind=%d after=%s: a wait without a delay would never be retried", o.kind, o.after)
	}
}

func TestPlanDeploysOnlyWhatNeedsIt(t *testing.T) {
	const rt = sslv1alpha1.ResourceTypeTEO
	ids := []string{"a.example.com", "b.example.com", "c.example.com"}
	status := func(states ...sslv1alpha1.TargetState) []sslv1alpha1.TargetStatus {
		out := make([]sslv1alpha1.TargetStatus, len(states))
		for i, s := range states {
			out[i] = sslv1alpha1.TargetStatus{ID: ids[i], State: s}
		}
		return out
	}
	ok, pending := sslv1alpha1.TargetSucceeded, sslv1alpha1.TargetPending
	cases := []struct {
		name     string
		ts       []sslv1alpha1.TargetStatus
		deployed string
		bound    map[string]string
		want     []sslv1alpha1.TargetState
		pending  []string
		drifted  []string
	}{
		{"new targets already serving the certificate are AlreadyBound", status(pending, pending, pending), "", map[string]string{"a.example.com": "new", "b.example.com": "old"},
			[]sslv1alpha1.TargetState{sslv1alpha1.TargetAlreadyBound, pending, pending}, []string{"b.example.com", "c.example.com"}, nil},
		{"a renewal deploys every target still on the old certificate", status(ok, ok, ok), "old", map[string]string{"a.example.com": "old", "b.example.com": "old", "c.example.com": "new"},
			[]sslv1alpha1.TargetState{pending, pending, sslv1alpha1.TargetAlreadyBound}, []string{"a.example.com", "b.example.com"}, nil},
		{"a target rebound out of band has drifted", status(ok, ok, ok), "new", map[string]string{"a.example.com": "new", "b.example.com": "other", "c.example.com": "new"},
			[]sslv1alpha1.TargetState{ok, pending, ok}, []string{"b.example.com"}, []string{"b.example.com"}},
		{"in the steady state nothing is deployed", status(ok, ok, ok), "new", map[string]string{"a.example.com": "new", "b.example.com": "new", "c.example.com": "new"},
			[]sslv1alpha1.TargetState{ok, ok, ok}, nil, nil},
		{"an unreported type trusts the status", status(ok, pending, ok), "new", nil,
			[]sslv1alpha1.TargetState{ok, pending, ok}, []string{"b.example.com"}, nil},
		{"an unreported type redeploys everything on renewal", status(ok, ok, ok), "old", nil,
			[]sslv1alpha1.TargetState{pending, pending, pending}, ids, nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			p := plan(rt, ids, c.ts, c.deployed, "new", c.bound)
			if fmt.Sprint(p.states) != fmt.Sprint(c.want) || fmt.Sprint(p.pending) != fmt.Sprint(c.pending) || fmt.Sprint(p.drifted) != fmt.Sprint(c.drifted) {
				t.Fatalf("states=%v pending=%v drifted=%v\nwant states=%v pending=%v drifted=%v", p.states, p.pending, p.drifted, c.want, c.pending, c.drifted)
			}
		})
	}
}
