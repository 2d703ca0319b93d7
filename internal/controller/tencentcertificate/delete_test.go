package tencentcertificate

import (
	"context"
	"testing"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	clocktesting "k8s.io/utils/clock/testing"
	"sigs.k8s.io/controller-runtime/pkg/client"
	clientfake "sigs.k8s.io/controller-runtime/pkg/client/fake"

	sslv1alpha1 "github.com/certsync/tencent-cert-operator/api/v1alpha1"
	"github.com/certsync/tencent-cert-operator/internal/reconcile"
	"github.com/certsync/tencent-cert-operator/internal/tencentcloud"
	"github.com/certsync/tencent-cert-operator/internal/tencentcloud/fake"
)

// stepRun returns a reconciler and a run for an object stored in a fake API server, so that
// the freshness check before creating calls passes.
func stepRun(t *testing.T) (*Reconciler, *run) {
	t.Helper()
	scheme := runtime.NewScheme()
	if err := sslv1alpha1.AddToScheme(scheme); err != nil {
		t.Fatal(err)
	}
	obj := &sslv1alpha1.TencentCertificate{ObjectMeta: metav1.ObjectMeta{Namespace: "ns", Name: "web"}}
	c := clientfake.NewClientBuilder().WithScheme(scheme).WithObjects(obj).Build()
	if err := c.Get(context.Background(), client.ObjectKeyFromObject(obj), obj); err != nil {
		t.Fatal(err)
	}
	r := &Reconciler{Client: c, APIReader: c, Accounts: &reconcile.Accounts{Cluster: "c1"}, Clock: clocktesting.NewFakeClock(time.Now())}
	r.Options.defaults()
	return r, &run{obj: obj}
}

var owned = map[string]string{sslv1alpha1.TagCluster: "c1", sslv1alpha1.TagNamespace: "ns", sslv1alpha1.TagName: "web"}

func TestDeleteUnboundFollowsTheCheckedDeletion(t *testing.T) {
	cases := []struct {
		name     string
		task     string
		tags     map[string]map[string]string
		result   *tencentcloud.DeleteResult
		want     deletion
		wantTask string
		wantErr  string
		deletes  int
	}{
		{name: "an owned certificate gets a delete task, kept in status before it is polled",
			tags: map[string]map[string]string{"c1": owned}, want: deletion{pending: []string{"c1"}}, wantTask: "task-c1", deletes: 1},
		{name: "a certificate another uploader owns is kept without a call",
			tags: map[string]map[string]string{"c1": {sslv1alpha1.TagName: "other"}}, want: deletion{kept: []string{"c1"}}},
		{name: "a certificate that is gone counts as deleted",
			tags: map[string]map[string]string{}, want: deletion{deleted: []string{"c1"}}},
		{name: "a running task is polled again", task: "t1",
			result: &tencentcloud.DeleteResult{Status: tencentcloud.DeleteRunning}, want: deletion{pending: []string{"c1"}}, wantTask: "t1"},
		{name: "a finished task deleted the certificate", task: "t1",
			result: &tencentcloud.DeleteResult{Status: tencentcloud.DeleteDone}, want: deletion{deleted: []string{"c1"}}},
		{name: "a certificate still bound is kept for later", task: "t1",
			result: &tencentcloud.DeleteResult{Status: tencentcloud.DeleteStillBound}, want: deletion{bound: []string{"c1"}}},
		{name: "a check that timed out is tried again later", task: "t1",
			result: &tencentcloud.DeleteResult{Status: tencentcloud.DeleteCheckTimedOut}, want: deletion{bound: []string{"c1"}}},
		{name: "a missing service role stalls with what to do", task: "t1",
			result:  &tencentcloud.DeleteResult{Status: tencentcloud.DeleteRoleMissing},
			want:    deletion{bound: []string{"c1"}},
			wantErr: sslv1alpha1.ReasonCredentialsInvalid},
		{name: "a failed task on a certificate already gone counts as deleted", task: "t1", tags: map[string]map[string]string{},
			result: &tencentcloud.DeleteResult{Status: tencentcloud.DeleteFailed, Message: "当前的证书状态不支持此操作"}, want: deletion{deleted: []string{"c1"}}},
		{name: "a failed task on a certificate that exists is tried again later", task: "t1", tags: map[string]map[string]string{"c1": owned},
			result: &tencentcloud.DeleteResult{Status: tencentcloud.DeleteFailed}, want: deletion{bound: []string{"c1"}}},
		{name: "a task Tencent does not know is started over", task: "t1", want: deletion{pending: []string{"c1"}}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r, rn := stepRun(t)
			api := fake.New().WithTags(tc.tags, nil).WithDelete(nil)
			results := map[string]tencentcloud.DeleteResult{}
			if tc.result != nil {
				results[tc.task] = *tc.result
			}
			api.WithDeleteResult(results)
			slot := tc.task
			res, err := r.deleteUnbound(context.Background(), api, rn, []string{"c1"}, func(string) *string { return &slot })
			if got := reconcile.As(err); (err == nil) != (tc.wantErr == "") || (err != nil && got.Reason != tc.wantErr) {
				t.Fatalf("error %v, want reason %q", err, tc.wantErr)
			}
			if !equalDeletion(res, tc.want) {
				t.Errorf("got %+v, want %+v", res, tc.want)
			}
			if slot != tc.wantTask {
				t.Errorf("task %q, want %q", slot, tc.wantTask)
			}
			if n := api.Count(fake.VerbDelete); n != tc.deletes {
				t.Errorf("%d Delete calls, want %d", n, tc.deletes)
			}
		})
	}
}

func equalDeletion(a, b deletion) bool {
	eq := func(x, y []string) bool { return len(x) == len(y) && (len(x) == 0 || x[0] == y[0]) }
	return eq(a.deleted, b.deleted) && eq(a.kept, b.kept) && eq(a.bound, b.bound) && eq(a.pending, b.pending)
}

func TestUpdateTaskOwnsOnlyTheSameMove(t *testing.T) {
	task := updateTask{in: tencentcloud.UpdateInput{OldCertificateID: "old", CertificateID: "new"}}
	item := func(old, cert string) tencentcloud.RecordItem {
		return tencentcloud.RecordItem{OldCertificateID: old, CertificateID: cert}
	}
	cases := []struct {
		name  string
		items []tencentcloud.RecordItem
		want  bool
	}{
		{"the same old and new certificate", []tencentcloud.RecordItem{item("old", "new"), item("old", "new")}, true},
		{"the same old certificate to another new one", []tencentcloud.RecordItem{item("old", "other")}, false},
		{"one item of another move", []tencentcloud.RecordItem{item("old", "new"), item("x", "new")}, false},
		{"no items to judge by", nil, false},
	}
	for _, c := range cases {
		if got := task.Owns(c.items); got != c.want {
			t.Errorf("%s: Owns = %v, want %v", c.name, got, c.want)
		}
	}
}

func TestAdoptableNeedsAnIssuedValidCertificate(t *testing.T) {
	r, _ := stepRun(t)
	now := r.Clock.Now()
	past, future := now.Add(-time.Hour), now.Add(time.Hour)
	cases := []struct {
		name   string
		cert   tencentcloud.Certificate
		reason string
		sev    reconcile.Severity
	}{
		{"issued and valid", tencentcloud.Certificate{Status: 1, NotAfter: &future}, "", 0},
		{"issued but past its end", tencentcloud.Certificate{Status: 1, NotAfter: &past}, sslv1alpha1.ReasonCertificateExpired, reconcile.Terminal},
		{"expired", tencentcloud.Certificate{Status: 3}, sslv1alpha1.ReasonCertificateExpired, reconcile.Terminal},
		{"under review is waited for", tencentcloud.Certificate{Status: 0}, sslv1alpha1.ReasonCertificateNotIssued, reconcile.Waiting},
		{"awaiting validation is waited for", tencentcloud.Certificate{Status: 4}, sslv1alpha1.ReasonCertificateNotIssued, reconcile.Waiting},
		{"revoked never serves", tencentcloud.Certificate{Status: 10}, sslv1alpha1.ReasonCertificateNotIssued, reconcile.Terminal},
		{"an unknown status is waited for", tencentcloud.Certificate{Status: 42}, sslv1alpha1.ReasonCertificateNotIssued, reconcile.Waiting},
	}
	for _, c := range cases {
		err := r.adoptable(c.cert)
		if c.reason == "" {
			if err != nil {
				t.Errorf("%s: %v", c.name, err)
			}
			continue
		}
		if o := reconcile.As(err); err == nil || o.Reason != c.reason || o.Severity != c.sev {
			t.Errorf("%s: got %v, want %s (%v)", c.name, err, c.reason, c.sev)
		}
	}
}
