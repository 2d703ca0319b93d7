// Package records is the one state machine for Tencent Cloud tasks: deployments, updates,
// their retries and rollbacks. It creates a task, has its ID persisted before polling it,
// adopts a task that a lost response left running, polls with backoff, counts items in every
// state, retries and rolls back by policy, and ends. Every creating call is safe to repeat.
package records

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"k8s.io/utils/clock"

	sslv1alpha1 "github.com/certsync/tencent-cert-operator/api/v1alpha1"
	"github.com/certsync/tencent-cert-operator/internal/reconcile"
	"github.com/certsync/tencent-cert-operator/internal/tencentcloud"
)

// Task is what the machine needs from the caller to create a task and recognise it.
type Task interface {
	// Create makes the creating call.
	Create(ctx context.Context, api tencentcloud.API) (tencentcloud.Task, error)
	// Owns reports whether a task Tencent Cloud answered with as already running is this one,
	// as after a lost response, judged by its items.
	Owns(items []tencentcloud.RecordItem) bool
}

// Policy is how failures are handled.
type Policy struct {
	// RetryLimit bounds the retries of failed items.
	RetryLimit int32
	// RetryNow retries once more regardless of the limit, on the user's request.
	RetryNow bool
	// Rollback rolls back the successful items once retries are exhausted.
	Rollback bool
}

// Machine advances records.
type Machine struct {
	Clock clock.PassiveClock
	// PollInterval is the first delay between polls; it grows to MaxPollInterval with the
	// record's age. Retries back off from PollInterval, doubling with each.
	PollInterval, MaxPollInterval time.Duration
	// Fresh is called before every creating call; it fails when the object the record lives
	// in is older than the last status written, so that no call is built on a stale read.
	Fresh func(context.Context) error
}

// Step is what one call of Advance did.
type Step struct {
	// Items are the record's items when they were read.
	Items []tencentcloud.RecordItem
	// Read says whether Items were read in this step.
	Read bool
	// Notes describe creating calls and endings, for events.
	Notes reconcile.Events
}

// Vanished is returned when Tencent Cloud no longer knows the record: a fact to reconcile, not
// an error. The caller drops the record and plans again from what the resources serve.
type Vanished struct{ ID int64 }

func (v *Vanished) Error() string { return fmt.Sprintf("record %d no longer exists", v.ID) }

// Advance moves rec on by at most one creating call and returns an outcome that says how the
// reconcile goes on: nil once rec ended (see rec.Phase), a Progressing outcome while it runs,
// a *Vanished when the record is gone, or a classified API error.
func (m Machine) Advance(ctx context.Context, api tencentcloud.API, rec *sslv1alpha1.RecordStatus, ref tencentcloud.RecordRef, task Task, p Policy) (Step, error) {
	var step Step
	switch rec.Phase {
	case sslv1alpha1.RecordCreating:
		return step, m.create(ctx, api, rec, ref, task, &step)
	case sslv1alpha1.RecordRunning, sslv1alpha1.RecordRollingBack:
		return step, m.poll(ctx, api, rec, ref, p, &step)
	}
	return step, nil
}

func (m Machine) progressing(rec *sslv1alpha1.RecordStatus, msg string, after time.Duration) error {
	reason := sslv1alpha1.ReasonDeployInProgress
	switch {
	case rec.Phase == sslv1alpha1.RecordRollingBack:
		reason = sslv1alpha1.ReasonRollingBack
	case rec.Kind == sslv1alpha1.RecordUpdate:
		reason = sslv1alpha1.ReasonUpdateInProgress
	}
	return reconcile.NewProgressing(reason, msg, after)
}

func (m Machine) fresh(ctx context.Context) error {
	if m.Fresh == nil {
		return nil
	}
	return m.Fresh(ctx)
}

// create makes the creating call. Its answer is persisted before anything polls it: the
// returned outcome ends the reconcile, whose status write carries the ID.
func (m Machine) create(ctx context.Context, api tencentcloud.API, rec *sslv1alpha1.RecordStatus, ref tencentcloud.RecordRef, task Task, step *Step) error {
	if err := m.fresh(ctx); err != nil {
		return err
	}
	t, err := task.Create(ctx, api)
	if err != nil {
		return reconcile.InFlight(reconcile.Cloud("create the "+kindName(rec)+" task", err, m.PollInterval))
	}
	if t.RecordID == 0 {
		// Tencent Cloud is still creating the task: the same call is repeated.
		return m.progressing(rec, "Tencent Cloud is creating the "+kindName(rec)+" task", m.PollInterval)
	}
	if t.Existing {
		ref.ID = t.RecordID
		r, err := api.Record(ctx, ref)
		if err != nil {
			return reconcile.InFlight(reconcile.Cloud("read the running task", err, m.PollInterval))
		}
		if !task.Owns(r.Items) {
			return reconcile.NewProgressing(sslv1alpha1.ReasonDeployWaiting,
				fmt.Sprintf("Waiting for another task of certificate %s (record %d) to finish", rec.CertificateID, t.RecordID), m.PollInterval)
		}
	}
	rec.ID, rec.Phase, rec.StartTime = t.RecordID, sslv1alpha1.RecordRunning, reconcile.Now(m.Clock)
	verb := "Started"
	if t.Existing {
		verb = "Resumed"
	}
	step.Notes = append(step.Notes, reconcile.Event{Reason: reasonFor(rec), Message: fmt.Sprintf("%s %s record %d%s (RequestId %s)",
		verb, kindName(rec), rec.ID, moveText(rec), t.RequestID)})
	return m.progressing(rec, runningMessage(rec), m.PollInterval)
}

// counts of a record's items by what they mean for the machine.
type counts struct {
	running, succeeded, retryable, failed, rolledBack, noResource int32
}

func count(items []tencentcloud.RecordItem) counts {
	var c counts
	for _, it := range items {
		switch it.Status {
		case tencentcloud.ItemPending, tencentcloud.ItemRunning:
			c.running++
		case tencentcloud.ItemSucceeded:
			c.succeeded++
		case tencentcloud.ItemFailed:
			c.retryable++
		case tencentcloud.ItemRolledBack:
			c.rolledBack++
		case tencentcloud.ItemRollbackFailed:
			c.failed++
		case tencentcloud.ItemNoResource:
			c.noResource++
		default:
			// A state this operator does not know yet: keep polling rather than act on it.
			c.running++
		}
	}
	return c
}

func (m Machine) poll(ctx context.Context, api tencentcloud.API, rec *sslv1alpha1.RecordStatus, ref tencentcloud.RecordRef, p Policy, step *Step) error {
	ref.ID = rec.ID
	if rec.Phase == sslv1alpha1.RecordRollingBack && rec.RollbackID != 0 {
		ref.ID = rec.RollbackID
	}
	r, err := api.Record(ctx, ref)
	if tencentcloud.IsNotFound(err) {
		return &Vanished{ID: ref.ID}
	}
	if err != nil {
		return reconcile.InFlight(reconcile.Cloud("read record "+fmt.Sprint(ref.ID), err, m.PollInterval))
	}
	step.Items, step.Read = r.Items, true
	c := count(r.Items)
	rec.Total, rec.Succeeded, rec.Running = int32(len(r.Items)), c.succeeded+c.rolledBack, c.running
	rec.Failed = c.retryable + c.failed
	if rec.Kind == sslv1alpha1.RecordDeploy {
		// A deploy target that does not exist failed from the user's point of view.
		rec.Failed += c.noResource
	}
	if c.running > 0 || len(r.Items) == 0 {
		return m.progressing(rec, runningMessage(rec), reconcile.PollDelay(m.Clock, rec.StartTime, m.PollInterval, m.MaxPollInterval))
	}
	if rec.Phase == sslv1alpha1.RecordRollingBack {
		if rec.RollbackID == 0 && c.succeeded > 0 {
			// The rollback's answer was lost and the original record has not flipped yet:
			// asking again is safe, Tencent Cloud refuses a second rollback while one runs.
			return m.rollback(ctx, api, rec, ref, r.Items, step)
		}
		return m.end(rec, sslv1alpha1.RecordRolledBack, step, r.RequestID)
	}
	if c.rolledBack > 0 && c.succeeded == 0 {
		// A rollback whose answer was lost, before a crash say, has already run.
		return m.end(rec, sslv1alpha1.RecordRolledBack, step, r.RequestID)
	}
	if c.retryable > 0 && (rec.Retries < p.RetryLimit || p.RetryNow) {
		return m.retry(ctx, api, rec, ref, r.Items, step)
	}
	if rec.Failed == 0 {
		return m.end(rec, sslv1alpha1.RecordSucceeded, step, r.RequestID)
	}
	if p.Rollback && c.succeeded > 0 {
		rec.Phase = sslv1alpha1.RecordRollingBack
		return m.rollback(ctx, api, rec, ref, r.Items, step)
	}
	return m.end(rec, sslv1alpha1.RecordFailed, step, r.RequestID)
}

// retry retries the failed items after a backoff that doubles with every attempt.
func (m Machine) retry(ctx context.Context, api tencentcloud.API, rec *sslv1alpha1.RecordStatus, ref tencentcloud.RecordRef, items []tencentcloud.RecordItem, step *Step) error {
	if rec.FailureTime == nil {
		rec.FailureTime = reconcile.Now(m.Clock)
	}
	if wait := (m.PollInterval << min(rec.Retries, 10)) - m.Clock.Since(rec.FailureTime.Time); wait > 0 {
		return m.progressing(rec, fmt.Sprintf("Retrying %d failed items", rec.Failed), wait)
	}
	if err := m.fresh(ctx); err != nil {
		return err
	}
	ref.ID = rec.ID
	requestID, err := api.Retry(ctx, ref)
	if tencentcloud.IsNotFound(err) {
		return &Vanished{ID: rec.ID}
	}
	if err != nil {
		return reconcile.InFlight(reconcile.Cloud("retry the failed items of record "+fmt.Sprint(rec.ID), err, m.PollInterval))
	}
	rec.Retries++
	rec.FailureTime = nil
	step.Notes = append(step.Notes, reconcile.Event{Warning: true, Reason: reasonFor(rec), Message: fmt.Sprintf(
		"Retrying %d failed items of %s record %d (attempt %d): %s (RequestId %s)", rec.Failed, kindName(rec), rec.ID, rec.Retries, FailedItems(items), requestID)})
	return m.progressing(rec, fmt.Sprintf("Retrying %d failed items", rec.Failed), m.PollInterval)
}

// rollback starts the rollback of the successful items. A refusal because the items are no
// longer rollback-able means an earlier call, whose answer was lost, already rolled them back:
// the original record is polled until its items show it.
func (m Machine) rollback(ctx context.Context, api tencentcloud.API, rec *sslv1alpha1.RecordStatus, ref tencentcloud.RecordRef, items []tencentcloud.RecordItem, step *Step) error {
	if err := m.fresh(ctx); err != nil {
		return err
	}
	ref.ID = rec.ID
	t, err := api.Rollback(ctx, ref)
	switch {
	case tencentcloud.IsNotFound(err):
		return &Vanished{ID: rec.ID}
	case err != nil:
		o := reconcile.InFlight(reconcile.Cloud("roll back record "+fmt.Sprint(rec.ID), err, m.PollInterval))
		if o.Severity == reconcile.Progressing {
			o.After = reconcile.PollDelay(m.Clock, rec.StartTime, m.PollInterval, m.MaxPollInterval)
		}
		return o
	}
	rec.RollbackID = t.RecordID
	step.Notes = append(step.Notes, reconcile.Event{Warning: true, Reason: sslv1alpha1.ReasonRollingBack, Message: fmt.Sprintf(
		"Rolling back %d items of %s record %d with record %d after failures: %s (RequestId %s)", rec.Succeeded, kindName(rec), rec.ID, rec.RollbackID, FailedItems(items), t.RequestID)})
	return m.progressing(rec, "Rolling back to the previous certificate", m.PollInterval)
}

func (m Machine) end(rec *sslv1alpha1.RecordStatus, phase sslv1alpha1.RecordPhase, step *Step, requestID string) error {
	rec.Phase, rec.CompletionTime, rec.FailureTime = phase, reconcile.Now(m.Clock), nil
	note := reconcile.Event{Reason: reasonFor(rec), Message: fmt.Sprintf("%s record %d%s ended %s: %d of %d items succeeded (RequestId %s)",
		kindName(rec), rec.ID, moveText(rec), phase, rec.Succeeded, rec.Total, requestID)}
	note.Warning = phase != sslv1alpha1.RecordSucceeded
	step.Notes = append(step.Notes, note)
	return nil
}

func kindName(rec *sslv1alpha1.RecordStatus) string {
	if rec.Kind == sslv1alpha1.RecordUpdate {
		return "update"
	}
	return "deployment"
}

func reasonFor(rec *sslv1alpha1.RecordStatus) string {
	if rec.Kind == sslv1alpha1.RecordUpdate {
		return sslv1alpha1.ReasonUpdateInProgress
	}
	return sslv1alpha1.ReasonDeployInProgress
}

func moveText(rec *sslv1alpha1.RecordStatus) string {
	if rec.OldCertificateID != "" {
		return fmt.Sprintf(" (%s to %s)", rec.OldCertificateID, rec.CertificateID)
	}
	return " (certificate " + rec.CertificateID + ")"
}

func runningMessage(rec *sslv1alpha1.RecordStatus) string {
	if rec.Kind == sslv1alpha1.RecordUpdate {
		return fmt.Sprintf("Switching resources from %s to %s: %d of %d done", rec.OldCertificateID, rec.CertificateID, rec.Succeeded+rec.Failed, rec.Total)
	}
	return fmt.Sprintf("Deploying certificate %s: %d of %d targets done", rec.CertificateID, rec.Succeeded+rec.Failed, rec.Total)
}

// maxFailuresNamed bounds how many failed items a message lists.
const maxFailuresNamed = 3

// FailedItems names the first few failed items of a record with Tencent's message.
func FailedItems(items []tencentcloud.RecordItem) string {
	var names []string
	for _, it := range items {
		switch it.Status {
		case tencentcloud.ItemFailed, tencentcloud.ItemRollbackFailed, tencentcloud.ItemNoResource:
		default:
			continue
		}
		name := it.Name
		if it.Message != "" {
			name += " (" + it.Message + ")"
		}
		names = append(names, name)
	}
	if len(names) > maxFailuresNamed {
		names = append(slices.Clip(names[:maxFailuresNamed]), "...")
	}
	return strings.Join(names, "; ")
}
