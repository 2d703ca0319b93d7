// Package fake is a hand-written tencentcloud.API for step-level unit tests. Each verb answers
// from its programmed function; a verb nobody programmed fails with ErrNotProgrammed, so that
// a step calling the cloud unexpectedly shows up in its test. Every call is recorded. Client
// and Factory are safe for concurrent use.
package fake

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"

	"github.com/certsync/tencent-cert-operator/internal/tencentcloud"
)

// ErrNotProgrammed is returned by verbs that have no programmed answer.
var ErrNotProgrammed = errors.New("fake: verb not programmed")

// Verb names, as recorded in Call.Verb.
const (
	VerbUpload        = "Upload"
	VerbDescribe      = "Describe"
	VerbTags          = "Tags"
	VerbTagged        = "Tagged"
	VerbMuteExpiry    = "MuteExpiry"
	VerbModifyAlias   = "ModifyAlias"
	VerbModifyProject = "ModifyProject"
	VerbDelete        = "Delete"
	VerbDeleteResult  = "DeleteResult"
	VerbBindings      = "Bindings"
	VerbStartDeploy   = "StartDeploy"
	VerbStartUpdate   = "StartUpdate"
	VerbRecord        = "Record"
	VerbRetry         = "Retry"
	VerbRollback      = "Rollback"
)

// Call is one recorded call: the verb and its arguments after the context.
type Call struct {
	Verb string
	Args []any
}

// Client is a programmable tencentcloud.API. Program it with the Fn fields or the With
// helpers before the code under test runs, or through the helpers while it runs.
type Client struct {
	UploadFn        func(ctx context.Context, in tencentcloud.UploadInput) (tencentcloud.Uploaded, error)
	DescribeFn      func(ctx context.Context, certificateID string) (tencentcloud.Certificate, error)
	TagsFn          func(ctx context.Context, certificateID string) (map[string]string, bool, error)
	TaggedFn        func(ctx context.Context, tags []tencentcloud.Tag) ([]string, error)
	MuteExpiryFn    func(ctx context.Context, certificateIDs []string) error
	ModifyAliasFn   func(ctx context.Context, certificateID, alias string) error
	ModifyProjectFn func(ctx context.Context, certificateID string, projectID int64) error
	DeleteFn        func(ctx context.Context, certificateID string) (string, error)
	DeleteResultFn  func(ctx context.Context, taskID string) (tencentcloud.DeleteResult, error)
	BindingsFn      func(ctx context.Context, q tencentcloud.BindingsQuery) (tencentcloud.Bindings, error)
	StartDeployFn   func(ctx context.Context, in tencentcloud.DeployInput) (tencentcloud.Task, error)
	StartUpdateFn   func(ctx context.Context, in tencentcloud.UpdateInput) (tencentcloud.Task, error)
	RecordFn        func(ctx context.Context, ref tencentcloud.RecordRef) (tencentcloud.Record, error)
	RetryFn         func(ctx context.Context, ref tencentcloud.RecordRef) (string, error)
	RollbackFn      func(ctx context.Context, ref tencentcloud.RecordRef) (tencentcloud.Task, error)

	mu    sync.Mutex
	calls []Call
}

var _ tencentcloud.API = (*Client)(nil)

// New returns a Client with no verb programmed.
func New() *Client { return &Client{} }

// record notes a call and returns the verb's function, read under the lock so that
// programming and calling may overlap.
func record[F any](c *Client, fn *F, verb string, args ...any) F {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.calls = append(c.calls, Call{Verb: verb, Args: args})
	return *fn
}

// set programs a verb under the lock.
func set[F any](c *Client, fn *F, v F) *Client {
	c.mu.Lock()
	defer c.mu.Unlock()
	*fn = v
	return c
}

func notProgrammed(verb string) error { return fmt.Errorf("%w: %s", ErrNotProgrammed, verb) }

// Calls returns the recorded calls of the given verbs, or of all verbs when none is given, in
// order.
func (c *Client) Calls(verbs ...string) []Call {
	c.mu.Lock()
	defer c.mu.Unlock()
	var out []Call
	for _, call := range c.calls {
		if len(verbs) == 0 || slices.Contains(verbs, call.Verb) {
			out = append(out, call)
		}
	}
	return out
}

// Verbs returns the verbs of all recorded calls, in order.
func (c *Client) Verbs() []string {
	var out []string
	for _, call := range c.Calls() {
		out = append(out, call.Verb)
	}
	return out
}

// Error returns a service error with code, as the client would return it.
func Error(code string) *tencentcloud.Error {
	return &tencentcloud.Error{Action: "Fake", Code: code, Message: "m", RequestID: "req-err"}
}

// Count returns how many times verb was called.
func (c *Client) Count(verb string) int { return len(c.Calls(verb)) }

// Reset forgets the recorded calls; the programming stays.
func (c *Client) Reset() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.calls = nil
}

func (c *Client) Upload(ctx context.Context, in tencentcloud.UploadInput) (tencentcloud.Uploaded, error) {
	if fn := record(c, &c.UploadFn, VerbUpload, in); fn != nil {
		return fn(ctx, in)
	}
	return tencentcloud.Uploaded{}, notProgrammed(VerbUpload)
}

func (c *Client) Describe(ctx context.Context, certificateID string) (tencentcloud.Certificate, error) {
	if fn := record(c, &c.DescribeFn, VerbDescribe, certificateID); fn != nil {
		return fn(ctx, certificateID)
	}
	return tencentcloud.Certificate{}, notProgrammed(VerbDescribe)
}

func (c *Client) Tags(ctx context.Context, certificateID string) (map[string]string, bool, error) {
	if fn := record(c, &c.TagsFn, VerbTags, certificateID); fn != nil {
		return fn(ctx, certificateID)
	}
	return nil, false, notProgrammed(VerbTags)
}

func (c *Client) Tagged(ctx context.Context, tags []tencentcloud.Tag) ([]string, error) {
	if fn := record(c, &c.TaggedFn, VerbTagged, tags); fn != nil {
		return fn(ctx, tags)
	}
	return nil, notProgrammed(VerbTagged)
}

func (c *Client) MuteExpiry(ctx context.Context, certificateIDs []string) error {
	if fn := record(c, &c.MuteExpiryFn, VerbMuteExpiry, slices.Clone(certificateIDs)); fn != nil {
		return fn(ctx, certificateIDs)
	}
	return notProgrammed(VerbMuteExpiry)
}

func (c *Client) ModifyAlias(ctx context.Context, certificateID, alias string) error {
	if fn := record(c, &c.ModifyAliasFn, VerbModifyAlias, certificateID, alias); fn != nil {
		return fn(ctx, certificateID, alias)
	}
	return notProgrammed(VerbModifyAlias)
}

func (c *Client) ModifyProject(ctx context.Context, certificateID string, projectID int64) error {
	if fn := record(c, &c.ModifyProjectFn, VerbModifyProject, certificateID, projectID); fn != nil {
		return fn(ctx, certificateID, projectID)
	}
	return notProgrammed(VerbModifyProject)
}

func (c *Client) Delete(ctx context.Context, certificateID string) (string, error) {
	if fn := record(c, &c.DeleteFn, VerbDelete, certificateID); fn != nil {
		return fn(ctx, certificateID)
	}
	return "", notProgrammed(VerbDelete)
}

func (c *Client) DeleteResult(ctx context.Context, taskID string) (tencentcloud.DeleteResult, error) {
	if fn := record(c, &c.DeleteResultFn, VerbDeleteResult, taskID); fn != nil {
		return fn(ctx, taskID)
	}
	return tencentcloud.DeleteResult{}, notProgrammed(VerbDeleteResult)
}

func (c *Client) Bindings(ctx context.Context, q tencentcloud.BindingsQuery) (tencentcloud.Bindings, error) {
	if fn := record(c, &c.BindingsFn, VerbBindings, q); fn != nil {
		return fn(ctx, q)
	}
	return tencentcloud.Bindings{}, notProgrammed(VerbBindings)
}

func (c *Client) StartDeploy(ctx context.Context, in tencentcloud.DeployInput) (tencentcloud.Task, error) {
	if fn := record(c, &c.StartDeployFn, VerbStartDeploy, in); fn != nil {
		return fn(ctx, in)
	}
	return tencentcloud.Task{}, notProgrammed(VerbStartDeploy)
}

func (c *Client) StartUpdate(ctx context.Context, in tencentcloud.UpdateInput) (tencentcloud.Task, error) {
	if fn := record(c, &c.StartUpdateFn, VerbStartUpdate, in); fn != nil {
		return fn(ctx, in)
	}
	return tencentcloud.Task{}, notProgrammed(VerbStartUpdate)
}

func (c *Client) Record(ctx context.Context, ref tencentcloud.RecordRef) (tencentcloud.Record, error) {
	if fn := record(c, &c.RecordFn, VerbRecord, ref); fn != nil {
		return fn(ctx, ref)
	}
	return tencentcloud.Record{}, notProgrammed(VerbRecord)
}

func (c *Client) Retry(ctx context.Context, ref tencentcloud.RecordRef) (string, error) {
	if fn := record(c, &c.RetryFn, VerbRetry, ref); fn != nil {
		return fn(ctx, ref)
	}
	return "", notProgrammed(VerbRetry)
}

func (c *Client) Rollback(ctx context.Context, ref tencentcloud.RecordRef) (tencentcloud.Task, error) {
	if fn := record(c, &c.RollbackFn, VerbRollback, ref); fn != nil {
		return fn(ctx, ref)
	}
	return tencentcloud.Task{}, notProgrammed(VerbRollback)
}

// WithUpload answers every Upload with out and err.
func (c *Client) WithUpload(out tencentcloud.Uploaded, err error) *Client {
	return set(c, &c.UploadFn, func(context.Context, tencentcloud.UploadInput) (tencentcloud.Uploaded, error) { return out, err })
}

// WithDescribe answers every Describe with out and err.
func (c *Client) WithDescribe(out tencentcloud.Certificate, err error) *Client {
	return set(c, &c.DescribeFn, func(context.Context, string) (tencentcloud.Certificate, error) { return out, err })
}

// WithTags answers Tags from tags by certificate ID: a missing ID is not found. err, when set,
// is returned instead.
func (c *Client) WithTags(tags map[string]map[string]string, err error) *Client {
	return set(c, &c.TagsFn, func(_ context.Context, id string) (map[string]string, bool, error) {
		t, ok := tags[id]
		return t, ok && err == nil, err
	})
}

// WithTagged answers every Tagged lookup with ids and err.
func (c *Client) WithTagged(ids []string, err error) *Client {
	return set(c, &c.TaggedFn, func(context.Context, []tencentcloud.Tag) ([]string, error) { return slices.Clone(ids), err })
}

// WithMuteExpiry answers every MuteExpiry with err.
func (c *Client) WithMuteExpiry(err error) *Client {
	return set(c, &c.MuteExpiryFn, func(context.Context, []string) error { return err })
}

// WithModify answers every ModifyAlias and ModifyProject with err.
func (c *Client) WithModify(err error) *Client {
	set(c, &c.ModifyAliasFn, func(context.Context, string, string) error { return err })
	return set(c, &c.ModifyProjectFn, func(context.Context, string, int64) error { return err })
}

// WithDelete answers Delete with the task "task-<certificate ID>", or the error in errs for
// the certificate ID.
func (c *Client) WithDelete(errs map[string]error) *Client {
	return set(c, &c.DeleteFn, func(_ context.Context, id string) (string, error) {
		if err := errs[id]; err != nil {
			return "", err
		}
		return "task-" + id, nil
	})
}

// WithDeleteResult answers DeleteResult from results by task ID; an unknown task is the
// service's FailedOperation.
func (c *Client) WithDeleteResult(results map[string]tencentcloud.DeleteResult) *Client {
	return set(c, &c.DeleteResultFn, func(_ context.Context, task string) (tencentcloud.DeleteResult, error) {
		r, ok := results[task]
		if !ok {
			return tencentcloud.DeleteResult{}, &tencentcloud.Error{Code: "FailedOperation", Message: "fake: no such task"}
		}
		return r, nil
	})
}

// WithBindings answers Bindings from bindings by resource type; a type without an entry is
// unobservable. err, when set, is returned instead.
func (c *Client) WithBindings(bindings map[string]tencentcloud.Bindings, err error) *Client {
	return set(c, &c.BindingsFn, func(_ context.Context, q tencentcloud.BindingsQuery) (tencentcloud.Bindings, error) {
		if err != nil {
			return tencentcloud.Bindings{}, err
		}
		b, ok := bindings[q.ResourceType]
		if !ok {
			return tencentcloud.Bindings{}, tencentcloud.ErrUnobservable
		}
		return b, nil
	})
}

// WithStartDeploy answers every StartDeploy with out and err.
func (c *Client) WithStartDeploy(out tencentcloud.Task, err error) *Client {
	return set(c, &c.StartDeployFn, func(context.Context, tencentcloud.DeployInput) (tencentcloud.Task, error) { return out, err })
}

// WithStartUpdate answers StartUpdate with the tasks in turn, repeating the last one; err,
// when set, is returned instead.
func (c *Client) WithStartUpdate(err error, tasks ...tencentcloud.Task) *Client {
	var mu sync.Mutex
	return set(c, &c.StartUpdateFn, func(context.Context, tencentcloud.UpdateInput) (tencentcloud.Task, error) {
		if err != nil || len(tasks) == 0 {
			return tencentcloud.Task{}, err
		}
		mu.Lock()
		defer mu.Unlock()
		t := tasks[0]
		if len(tasks) > 1 {
			tasks = tasks[1:]
		}
		return t, nil
	})
}

// WithRecord answers Record from records by record ID; an unknown ID is the service's
// not-found error. err, when set, is returned instead.
func (c *Client) WithRecord(records map[int64]tencentcloud.Record, err error) *Client {
	return set(c, &c.RecordFn, func(_ context.Context, ref tencentcloud.RecordRef) (tencentcloud.Record, error) {
		if err != nil {
			return tencentcloud.Record{}, err
		}
		r, ok := records[ref.ID]
		if !ok {
			return tencentcloud.Record{}, &tencentcloud.Error{Code: tencentcloud.CodeCertificateDeployNotExist, Message: "fake: no such record"}
		}
		return r, nil
	})
}

// WithRetry answers every Retry with requestID and err.
func (c *Client) WithRetry(requestID string, err error) *Client {
	return set(c, &c.RetryFn, func(context.Context, tencentcloud.RecordRef) (string, error) { return requestID, err })
}

// WithRollback answers every Rollback with out and err.
func (c *Client) WithRollback(out tencentcloud.Task, err error) *Client {
	return set(c, &c.RollbackFn, func(context.Context, tencentcloud.RecordRef) (tencentcloud.Task, error) { return out, err })
}

// Factory hands out one API for any credentials and records the credentials it was asked
// for. With Err set, For fails with it.
type Factory struct {
	API tencentcloud.API
	Err error

	mu    sync.Mutex
	asked []*tencentcloud.Credentials
	roles []tencentcloud.Role
}

var _ tencentcloud.Factory = (*Factory)(nil)

// For returns f.API, or f.Err.
func (f *Factory) For(_ context.Context, creds *tencentcloud.Credentials) (tencentcloud.API, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.asked = append(f.asked, creds)
	if f.Err != nil {
		return nil, f.Err
	}
	return f.API, nil
}

// ForRole returns f.API, or f.Err, and records the role.
func (f *Factory) ForRole(_ context.Context, role tencentcloud.Role) (tencentcloud.API, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.roles = append(f.roles, role)
	if f.Err != nil {
		return nil, f.Err
	}
	return f.API, nil
}

// Roles returns the role of every ForRole call.
func (f *Factory) Roles() []tencentcloud.Role {
	f.mu.Lock()
	defer f.mu.Unlock()
	return slices.Clone(f.roles)
}

// Asked returns the credentials of every For call, nil for the default chain.
func (f *Factory) Asked() []*tencentcloud.Credentials {
	f.mu.Lock()
	defer f.mu.Unlock()
	return slices.Clone(f.asked)
}
