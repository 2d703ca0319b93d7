package fake

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"sync"
	"testing"

	"github.com/certsync/tencent-cert-operator/internal/tencentcloud"
)

func TestUnprogrammedVerbsFail(t *testing.T) {
	ctx := context.Background()
	c := New()
	ref := tencentcloud.RecordRef{Kind: tencentcloud.RecordDeploy, ID: 1}
	calls := map[string]func() error{
		VerbUpload:        func() error { _, err := c.Upload(ctx, tencentcloud.UploadInput{}); return err },
		VerbDescribe:      func() error { _, err := c.Describe(ctx, "c"); return err },
		VerbTags:          func() error { _, _, err := c.Tags(ctx, "c"); return err },
		VerbMuteExpiry:    func() error { return c.MuteExpiry(ctx, []string{"c"}) },
		VerbModifyAlias:   func() error { return c.ModifyAlias(ctx, "c", "a") },
		VerbModifyProject: func() error { return c.ModifyProject(ctx, "c", 1) },
		VerbDelete:        func() error { _, err := c.Delete(ctx, "c"); return err },
		VerbDeleteResult:  func() error { _, err := c.DeleteResult(ctx, "t"); return err },
		VerbBindings:      func() error { _, err := c.Bindings(ctx, tencentcloud.BindingsQuery{ResourceType: "clb"}); return err },
		VerbStartDeploy:   func() error { _, err := c.StartDeploy(ctx, tencentcloud.DeployInput{}); return err },
		VerbStartUpdate:   func() error { _, err := c.StartUpdate(ctx, tencentcloud.UpdateInput{}); return err },
		VerbRecord:        func() error { _, err := c.Record(ctx, ref); return err },
		VerbRetry:         func() error { _, err := c.Retry(ctx, ref); return err },
		VerbRollback:      func() error { _, err := c.Rollback(ctx, ref); return err },
	}
	for verb, call := range calls {
		if err := call(); !errors.Is(err, ErrNotProgrammed) {
			t.Errorf("%s: got %v, want ErrNotProgrammed", verb, err)
		}
		if c.Count(verb) != 1 {
			t.Errorf("%s was recorded %d times, want 1", verb, c.Count(verb))
		}
	}
	if n := len(c.Calls()); n != len(calls) {
		t.Errorf("%d calls recorded, want %d", n, len(calls))
	}
}

func TestProgrammedAnswers(t *testing.T) {
	ctx := context.Background()
	boom := errors.New("boom")
	c := New().
		WithUpload(tencentcloud.Uploaded{CertificateID: "c1", Existing: true}, nil).
		WithDescribe(tencentcloud.Certificate{ID: "c1"}, nil).
		WithTags(map[string]map[string]string{"c1": {"k": "v"}}, nil).
		WithMuteExpiry(boom).
		WithDelete(map[string]error{"bound": boom}).
		WithModify(boom).
		WithDeleteResult(map[string]tencentcloud.DeleteResult{"task-free": {CertificateID: "free", Status: tencentcloud.DeleteDone}}).
		WithBindings(map[string]tencentcloud.Bindings{"clb": {Serving: map[string]string{"lb-1|lbl-1": "c1"}}}, nil).
		WithStartDeploy(tencentcloud.Task{RecordID: 7}, nil).
		WithStartUpdate(nil, tencentcloud.Task{}, tencentcloud.Task{RecordID: 9}).
		WithRecord(map[int64]tencentcloud.Record{7: {Items: []tencentcloud.RecordItem{{Target: "t"}}}}, nil).
		WithRetry("req-1", nil).
		WithRollback(tencentcloud.Task{RecordID: 8}, nil)

	if up, err := c.Upload(ctx, tencentcloud.UploadInput{}); err != nil || up.CertificateID != "c1" || !up.Existing {
		t.Errorf("Upload = %+v, %v", up, err)
	}
	if d, err := c.Describe(ctx, "c1"); err != nil || d.ID != "c1" {
		t.Errorf("Describe = %+v, %v", d, err)
	}
	if tags, found, err := c.Tags(ctx, "c1"); err != nil || !found || tags["k"] != "v" {
		t.Errorf("Tags(c1) = %v, %v, %v", tags, found, err)
	}
	if _, found, _ := c.Tags(ctx, "gone"); found {
		t.Error("Tags(gone) found")
	}
	if err := c.MuteExpiry(ctx, []string{"c1"}); err != boom {
		t.Errorf("MuteExpiry = %v", err)
	}
	if err := c.ModifyAlias(ctx, "c1", "a"); err != boom {
		t.Errorf("ModifyAlias = %v", err)
	}
	if err := c.ModifyProject(ctx, "c1", 1); err != boom {
		t.Errorf("ModifyProject = %v", err)
	}
	task, err := c.Delete(ctx, "free")
	if err != nil || task != "task-free" {
		t.Errorf("Delete(free) = %q, %v", task, err)
	}
	if r, err := c.DeleteResult(ctx, task); err != nil || r.Status != tencentcloud.DeleteDone {
		t.Errorf("DeleteResult(%s) = %+v, %v", task, r, err)
	}
	if _, err := c.DeleteResult(ctx, "other"); tencentcloud.Code(err) != "FailedOperation" {
		t.Errorf("DeleteResult(other) = %v", err)
	}
	if _, err := c.Delete(ctx, "bound"); err != boom {
		t.Errorf("Delete(bound) = %v", err)
	}
	if b, err := c.Bindings(ctx, tencentcloud.BindingsQuery{ResourceType: "clb", CertificateID: "c1"}); err != nil || b.Serving["lb-1|lbl-1"] != "c1" {
		t.Errorf("Bindings(clb) = %v, %v", b, err)
	}
	if _, err := c.Bindings(ctx, tencentcloud.BindingsQuery{ResourceType: "lighthouse", CertificateID: "c1"}); !errors.Is(err, tencentcloud.ErrUnobservable) {
		t.Errorf("Bindings(lighthouse) = %v", err)
	}
	if task, err := c.StartDeploy(ctx, tencentcloud.DeployInput{}); err != nil || task.RecordID != 7 {
		t.Errorf("StartDeploy = %+v, %v", task, err)
	}
	for i, want := range []int64{0, 9, 9} {
		if task, err := c.StartUpdate(ctx, tencentcloud.UpdateInput{}); err != nil || task.RecordID != want {
			t.Errorf("StartUpdate #%d = %+v, %v; want record %d", i, task, err, want)
		}
	}
	if rec, err := c.Record(ctx, tencentcloud.RecordRef{ID: 7}); err != nil || len(rec.Items) != 1 {
		t.Errorf("Record(7) = %+v, %v", rec, err)
	}
	if _, err := c.Record(ctx, tencentcloud.RecordRef{ID: 8}); !tencentcloud.IsNotFound(err) {
		t.Errorf("Record(8) = %v, want not found", err)
	}
	if id, err := c.Retry(ctx, tencentcloud.RecordRef{ID: 7}); err != nil || id != "req-1" {
		t.Errorf("Retry = %q, %v", id, err)
	}
	if task, err := c.Rollback(ctx, tencentcloud.RecordRef{ID: 7}); err != nil || task.RecordID != 8 {
		t.Errorf("Rollback = %+v, %v", task, err)
	}
	want := []Call{{Verb: VerbDelete, Args: []any{"free"}}, {Verb: VerbDelete, Args: []any{"bound"}}}
	if got := c.Calls(VerbDelete); !reflect.DeepEqual(got, want) {
		t.Errorf("Delete calls %v, want %v", got, want)
	}
	c.Reset()
	if n := len(c.Calls()); n != 0 {
		t.Errorf("%d calls after Reset", n)
	}
}

func TestRecordedArgumentsAreCopies(t *testing.T) {
	c := New().WithMuteExpiry(nil)
	ids := []string{"a"}
	_ = c.MuteExpiry(context.Background(), ids)
	ids[0] = "changed"
	if got := c.Calls(VerbMuteExpiry)[0].Args[0].([]string)[0]; got != "a" {
		t.Errorf("recorded %q, want the IDs as called", got)
	}
}

// TestConcurrentUse is meant for go test -race: calls, programming and reading the record
// overlap.
func TestConcurrentUse(t *testing.T) {
	ctx := context.Background()
	c := New().WithDescribe(tencentcloud.Certificate{ID: "c"}, nil)
	var wg sync.WaitGroup
	for i := range 8 {
		wg.Go(func() {
			for j := range 20 {
				_, _ = c.Describe(ctx, fmt.Sprint(i, j))
				c.WithRetry("r", nil)
				_ = c.Calls(VerbDescribe)
			}
		})
	}
	wg.Wait()
	if n := c.Count(VerbDescribe); n != 160 {
		t.Errorf("%d calls recorded, want 160", n)
	}
}

func TestFactory(t *testing.T) {
	c := New()
	f := &Factory{API: c}
	creds := &tencentcloud.Credentials{SecretID: "AKID"}
	if api, err := f.For(context.Background(), creds); err != nil || api != c {
		t.Errorf("For = %v, %v", api, err)
	}
	if _, err := f.For(context.Background(), nil); err != nil {
		t.Fatal(err)
	}
	if got := f.Asked(); len(got) != 2 || got[0] != creds || got[1] != nil {
		t.Errorf("asked %v", got)
	}
	f.Err = errors.New("no credentials")
	if _, err := f.For(context.Background(), nil); err != f.Err {
		t.Errorf("For = %v, want the programmed error", err)
	}
}
