package certificatedeployment

import (
	"fmt"
	"testing"

	sslv1alpha1 "github.com/certsync/tencent-cert-operator/api/v1alpha1"
	"github.com/certsync/tencent-cert-operator/internal/tencentcloud"
)

func TestItemStateMapsTencentStatuses(t *testing.T) {
	cases := []struct {
		name     string
		status   tencentcloud.ItemStatus
		rollback bool
		want     sslv1alpha1.TargetState
	}{
		{"pending is deploying", tencentcloud.ItemPending, false, sslv1alpha1.TargetDeploying},
		{"deploying is deploying", tencentcloud.ItemRunning, false, sslv1alpha1.TargetDeploying},
		{"success is succeeded", tencentcloud.ItemSucceeded, false, sslv1alpha1.TargetSucceeded},
		{"failure is failed", tencentcloud.ItemFailed, false, sslv1alpha1.TargetFailed},
		{"no resource is failed", tencentcloud.ItemNoResource, false, sslv1alpha1.TargetFailed},
		{"success of a rollback record is rolled back", tencentcloud.ItemSucceeded, true, sslv1alpha1.TargetRolledBack},
		{"a failed rollback is failed", tencentcloud.ItemRollbackFailed, true, sslv1alpha1.TargetFailed},
		{"a rolled back item is rolled back", tencentcloud.ItemRolledBack, false, sslv1alpha1.TargetRolledBack},
		{"an unknown status keeps the target deploying", tencentcloud.ItemStatus(9), false, sslv1alpha1.TargetDeploying},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, _ := itemState(tencentcloud.RecordItem{Status: c.status}, c.rollback)
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

func TestPlanDeploysOnlyWhatNeedsIt(t *testing.T) {
	const rt = string(sslv1alpha1.ResourceTypeTEO)
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
