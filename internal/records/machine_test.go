package records_test

import (
	"context"
	"errors"
	"testing"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	clocktesting "k8s.io/utils/clock/testing"

	sslv1alpha1 "github.com/certsync/tencent-cert-operator/api/v1alpha1"
	"github.com/certsync/tencent-cert-operator/internal/reconcile"
	"github.com/certsync/tencent-cert-operator/internal/records"
	"github.com/certsync/tencent-cert-operator/internal/tencentcloud"
	"github.com/certsync/tencent-cert-operator/internal/tencentcloud/fake"
)

var start = time.Date(2026, 6, 1, 12, 0, 0, 0, time.UTC)

// task deploys to targets a and b; it owns a running record covering exactly those.
type task struct {
	deploy func(context.Context, tencentcloud.API) (tencentcloud.Task, error)
}

func (t task) Create(ctx context.Context, api tencentcloud.API) (tencentcloud.Task, error) {
	return t.deploy(ctx, api)
}

func (task) Owns(items []tencentcloud.RecordItem) bool {
	return len(items) == 2 && items[0].Target == "a" && items[1].Target == "b"
}

func deployTask() task {
	return task{deploy: func(ctx context.Context, api tencentcloud.API) (tencentcloud.Task, error) {
		return api.StartDeploy(ctx, tencentcloud.DeployInput{CertificateID: "new", ResourceType: "clb", Targets: []string{"a", "b"}})
	}}
}

func items(statuses ...tencentcloud.ItemStatus) tencentcloud.Record {
	var r tencentcloud.Record
	for i, s := range statuses {
		r.Items = append(r.Items, tencentcloud.RecordItem{Target: string(rune('a' + i)), Status: s, Message: "boom"})
	}
	return r
}

func tcErr(code string) error {
	return &tencentcloud.Error{Action: "X", Code: code, Message: "m", RequestID: "r"}
}

func running(kind sslv1alpha1.RecordKind, phase sslv1alpha1.RecordPhase) sslv1alpha1.RecordStatus {
	t := metav1.NewTime(start)
	return sslv1alpha1.RecordStatus{Kind: kind, ID: 7, CertificateID: "new", Phase: phase, StartTime: &t}
}

func TestMachineAdvance(t *testing.T) {
	const (
		ok     = tencentcloud.ItemSucceeded
		failed = tencentcloud.ItemFailed
		run    = tencentcloud.ItemRunning
	)
	cases := []struct {
		name    string
		rec     sslv1alpha1.RecordStatus
		policy  records.Policy
		fresh   error
		program func(*fake.Client)
		// want
		phase      sslv1alpha1.RecordPhase
		id, rbID   int64
		retries    int32
		severity   *reconcile.Severity
		vanished   bool
		calls      map[string]int
		notes      int
		wantReason string
	}{
		{
			name: "a created task is persisted before it is polled",
			rec:  sslv1alpha1.RecordStatus{Kind: sslv1alpha1.RecordDeploy, CertificateID: "new", Phase: sslv1alpha1.RecordCreating},
			program: func(c *fake.Client) {
				c.WithStartDeploy(tencentcloud.Task{RecordID: 42, RequestID: "req"}, nil)
			},
			phase: sslv1alpha1.RecordRunning, id: 42, severity: ptr(reconcile.Progressing),
			calls: map[string]int{fake.VerbStartDeploy: 1, fake.VerbRecord: 0}, notes: 1,
		},
		{
			name: "a task still being created is asked for again later",
			rec:  sslv1alpha1.RecordStatus{Kind: sslv1alpha1.RecordUpdate, CertificateID: "new", OldCertificateID: "old", Phase: sslv1alpha1.RecordCreating},
			program: func(c *fake.Client) {
				c.WithStartDeploy(tencentcloud.Task{}, nil)
			},
			phase: sslv1alpha1.RecordCreating, severity: ptr(reconcile.Progressing), calls: map[string]int{fake.VerbStartDeploy: 1},
		},
		{
			name: "a running task of our own after a lost response is adopted",
			rec:  sslv1alpha1.RecordStatus{Kind: sslv1alpha1.RecordDeploy, CertificateID: "new", Phase: sslv1alpha1.RecordCreating},
			program: func(c *fake.Client) {
				c.WithStartDeploy(tencentcloud.Task{RecordID: 42, Existing: true}, nil)
				c.WithRecord(map[int64]tencentcloud.Record{42: items(run, run)}, nil)
			},
			phase: sslv1alpha1.RecordRunning, id: 42, severity: ptr(reconcile.Progressing), calls: map[string]int{fake.VerbStartDeploy: 1, fake.VerbRecord: 1}, notes: 1,
		},
		{
			name: "someone else's running task is waited for, not adopted",
			rec:  sslv1alpha1.RecordStatus{Kind: sslv1alpha1.RecordDeploy, CertificateID: "new", Phase: sslv1alpha1.RecordCreating},
			program: func(c *fake.Client) {
				c.WithStartDeploy(tencentcloud.Task{RecordID: 42, Existing: true}, nil)
				c.WithRecord(map[int64]tencentcloud.Record{42: items(run)}, nil)
			},
			phase: sslv1alpha1.RecordCreating, severity: ptr(reconcile.Progressing), wantReason: sslv1alpha1.ReasonDeployWaiting,
			calls: map[string]int{fake.VerbStartDeploy: 1},
		},
		{
			name:  "a stale object makes no creating call",
			rec:   sslv1alpha1.RecordStatus{Kind: sslv1alpha1.RecordDeploy, CertificateID: "new", Phase: sslv1alpha1.RecordCreating},
			fresh: reconcile.NewProgressing("Stale", "stale", time.Second),
			phase: sslv1alpha1.RecordCreating, severity: ptr(reconcile.Progressing), calls: map[string]int{fake.VerbStartDeploy: 0},
		},
		{
			name: "items still running are polled again",
			rec:  running(sslv1alpha1.RecordDeploy, sslv1alpha1.RecordRunning),
			program: func(c *fake.Client) {
				c.WithRecord(map[int64]tencentcloud.Record{7: items(ok, tencentcloud.ItemPending)}, nil)
			},
			phase: sslv1alpha1.RecordRunning, id: 7, severity: ptr(reconcile.Progressing), calls: map[string]int{fake.VerbRecord: 1},
		},
		{
			name:    "all items done ends the record",
			rec:     running(sslv1alpha1.RecordDeploy, sslv1alpha1.RecordRunning),
			program: func(c *fake.Client) { c.WithRecord(map[int64]tencentcloud.Record{7: items(ok, ok)}, nil) },
			phase:   sslv1alpha1.RecordSucceeded, id: 7, notes: 1,
		},
		{
			name: "failed items are retried after the backoff",
			rec: func() sslv1alpha1.RecordStatus {
				r := running(sslv1alpha1.RecordDeploy, sslv1alpha1.RecordRunning)
				r.FailureTime = &metav1.Time{Time: start.Add(-time.Minute)}
				return r
			}(),
			policy: records.Policy{RetryLimit: 2},
			program: func(c *fake.Client) {
				c.WithRecord(map[int64]tencentcloud.Record{7: items(ok, failed)}, nil)
				c.WithRetry("req", nil)
			},
			phase: sslv1alpha1.RecordRunning, id: 7, retries: 1, severity: ptr(reconcile.Progressing),
			calls: map[string]int{fake.VerbRetry: 1}, notes: 1,
		},
		{
			name:   "a first failure waits out the backoff before retrying",
			rec:    running(sslv1alpha1.RecordDeploy, sslv1alpha1.RecordRunning),
			policy: records.Policy{RetryLimit: 2},
			program: func(c *fake.Client) {
				c.WithRecord(map[int64]tencentcloud.Record{7: items(ok, failed)}, nil)
			},
			phase: sslv1alpha1.RecordRunning, id: 7, severity: ptr(reconcile.Progressing), calls: map[string]int{fake.VerbRetry: 0},
		},
		{
			name:   "exhausted retries roll back the successful items",
			rec:    running(sslv1alpha1.RecordDeploy, sslv1alpha1.RecordRunning),
			policy: records.Policy{RetryLimit: 0, Rollback: true},
			program: func(c *fake.Client) {
				c.WithRecord(map[int64]tencentcloud.Record{7: items(ok, failed)}, nil)
				c.WithRollback(tencentcloud.Task{RecordID: 9}, nil)
			},
			phase: sslv1alpha1.RecordRollingBack, id: 7, rbID: 9, severity: ptr(reconcile.Progressing),
			calls: map[string]int{fake.VerbRollback: 1}, notes: 1,
		},
		{
			name:   "exhausted retries without rollback fail the record",
			rec:    running(sslv1alpha1.RecordDeploy, sslv1alpha1.RecordRunning),
			policy: records.Policy{RetryLimit: 0},
			program: func(c *fake.Client) {
				c.WithRecord(map[int64]tencentcloud.Record{7: items(ok, failed)}, nil)
			},
			phase: sslv1alpha1.RecordFailed, id: 7, calls: map[string]int{fake.VerbRollback: 0, fake.VerbRetry: 0}, notes: 1,
		},
		{
			name: "a lost rollback answer is found running: asking again only waits",
			rec:  running(sslv1alpha1.RecordDeploy, sslv1alpha1.RecordRollingBack),
			program: func(c *fake.Client) {
				c.WithRecord(map[int64]tencentcloud.Record{7: items(ok, failed)}, nil)
				c.WithRollback(tencentcloud.Task{}, tcErr(tencentcloud.CodeCertificateDeployPending))
			},
			phase: sslv1alpha1.RecordRollingBack, id: 7, severity: ptr(reconcile.Progressing), calls: map[string]int{fake.VerbRollback: 1},
		},
		{
			name: "a lost rollback answer is found finished in the original record's items",
			rec:  running(sslv1alpha1.RecordDeploy, sslv1alpha1.RecordRollingBack),
			program: func(c *fake.Client) {
				c.WithRecord(map[int64]tencentcloud.Record{7: items(tencentcloud.ItemRolledBack, failed)}, nil)
			},
			phase: sslv1alpha1.RecordRolledBack, id: 7, calls: map[string]int{fake.VerbRollback: 0}, notes: 1,
		},
		{
			name:   "a rollback that ran while its answer was lost ends the record rolled back",
			rec:    running(sslv1alpha1.RecordDeploy, sslv1alpha1.RecordRunning),
			policy: records.Policy{Rollback: true},
			program: func(c *fake.Client) {
				c.WithRecord(map[int64]tencentcloud.Record{7: items(tencentcloud.ItemRolledBack, failed)}, nil)
			},
			phase: sslv1alpha1.RecordRolledBack, id: 7, calls: map[string]int{fake.VerbRollback: 0, fake.VerbRetry: 0}, notes: 1,
		},
		{
			name: "a finished rollback record ends the record rolled back",
			rec: func() sslv1alpha1.RecordStatus {
				r := running(sslv1alpha1.RecordDeploy, sslv1alpha1.RecordRollingBack)
				r.RollbackID = 9
				return r
			}(),
			program: func(c *fake.Client) {
				c.WithRecord(map[int64]tencentcloud.Record{9: items(tencentcloud.ItemRolledBack)}, nil)
			},
			phase: sslv1alpha1.RecordRolledBack, id: 7, rbID: 9, notes: 1,
		},
		{
			name:    "a record Tencent no longer knows is a fact to reconcile",
			rec:     running(sslv1alpha1.RecordDeploy, sslv1alpha1.RecordRunning),
			program: func(c *fake.Client) { c.WithRecord(nil, tcErr(tencentcloud.CodeCertificateDeployNotExist)) },
			phase:   sslv1alpha1.RecordRunning, id: 7, vanished: true,
		},
		{
			name:   "a deploy target with no resource is a failure that no retry can fix",
			rec:    running(sslv1alpha1.RecordDeploy, sslv1alpha1.RecordRunning),
			policy: records.Policy{RetryLimit: 3},
			program: func(c *fake.Client) {
				c.WithRecord(map[int64]tencentcloud.Record{7: items(ok, tencentcloud.ItemNoResource)}, nil)
			},
			phase: sslv1alpha1.RecordFailed, id: 7, calls: map[string]int{fake.VerbRetry: 0}, notes: 1,
		},
		{
			name: "an update item with no resource had nothing to switch",
			rec:  running(sslv1alpha1.RecordUpdate, sslv1alpha1.RecordRunning),
			program: func(c *fake.Client) {
				c.WithRecord(map[int64]tencentcloud.Record{7: items(ok, tencentcloud.ItemNoResource)}, nil)
			},
			phase: sslv1alpha1.RecordSucceeded, id: 7, notes: 1,
		},
		{
			name:   "a failed rollback of an item is not retried",
			rec:    running(sslv1alpha1.RecordDeploy, sslv1alpha1.RecordRunning),
			policy: records.Policy{RetryLimit: 3},
			program: func(c *fake.Client) {
				c.WithRecord(map[int64]tencentcloud.Record{7: items(ok, tencentcloud.ItemRollbackFailed)}, nil)
			},
			phase: sslv1alpha1.RecordFailed, id: 7, calls: map[string]int{fake.VerbRetry: 0}, notes: 1,
		},
		{
			name:    "an unknown item status keeps the record polled",
			rec:     running(sslv1alpha1.RecordDeploy, sslv1alpha1.RecordRunning),
			program: func(c *fake.Client) { c.WithRecord(map[int64]tencentcloud.Record{7: items(ok, 9)}, nil) },
			phase:   sslv1alpha1.RecordRunning, id: 7, severity: ptr(reconcile.Progressing),
		},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			api := fake.New()
			if c.program != nil {
				c.program(api)
			}
			m := records.Machine{
				Clock: clocktesting.NewFakePassiveClock(start), PollInterval: 2 * time.Second, MaxPollInterval: time.Minute,
				Fresh: func(context.Context) error { return c.fresh },
			}
			rec := c.rec
			var tk records.Task = deployTask()
			step, err := m.Advance(context.Background(), api, &rec, tencentcloud.RecordRef{}, tk, c.policy)
			var vanished *records.Vanished
			if got := errors.As(err, &vanished); got != c.vanished {
				t.Fatalf("vanished = %v, want %v (err %v)", got, c.vanished, err)
			}
			if !c.vanished {
				switch {
				case c.severity == nil && err != nil:
					t.Fatalf("err = %v, want none", err)
				case c.severity != nil && (err == nil || reconcile.As(err).Severity != *c.severity):
					t.Fatalf("err = %v, want severity %v", err, *c.severity)
				}
			}
			if c.wantReason != "" && reconcile.As(err).Reason != c.wantReason {
				t.Errorf("reason = %s, want %s", reconcile.As(err).Reason, c.wantReason)
			}
			if rec.Phase != c.phase || rec.ID != c.id || rec.RollbackID != c.rbID || rec.Retries != c.retries {
				t.Errorf("record = %+v, want phase %s id %d rollback %d retries %d", rec, c.phase, c.id, c.rbID, c.retries)
			}
			for verb, n := range c.calls {
				if got := api.Count(verb); got != n {
					t.Errorf("%s calls = %d, want %d", verb, got, n)
				}
			}
			if len(step.Notes) != c.notes {
				t.Errorf("notes = %v, want %d", step.Notes, c.notes)
			}
			if rec.Ended() && rec.CompletionTime == nil {
				t.Error("an ended record has a completion time")
			}
		})
	}
}

func ptr[T any](v T) *T { return &v }
