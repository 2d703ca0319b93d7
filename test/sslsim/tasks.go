package sslsim

import (
	"slices"
	"time"
)

// running reports whether any item of the record is still in progress.
func (r *record) running() bool {
	return slices.ContainsFunc(r.Items, func(it *item) bool {
		return it.Status == statusDeploying || it.Status == statusPending
	})
}

// counts returns the success, failed and running item counts of items.
// Rollback outcomes count as success (4) and failure (5); an item with
// nothing to deploy (6) counts in none of them, only in the total.
func counts(items []*item) (success, failed, running int) {
	for _, it := range items {
		switch it.Status {
		case statusSuccess, statusRollbackSuccess:
			success++
		case statusFailed, statusRollbackFailed:
			failed++
		case statusPending, statusDeploying:
			running++
		}
	}
	return success, failed, running
}

// listStatus is the record status reported by DescribeHostDeployRecord and
// DescribeHostUpdateRecord. Their enumeration (0 not started, 1 success,
// 2 failed) has no "running" value, so a running record reports 0; clients
// must use the detail counts (RunningTotalCount) to tell when it finished.
// A record whose items all had nothing to deploy (6) also reports 0.
func (r *record) listStatus() int {
	success, failed, running := counts(r.Items)
	switch {
	case running > 0:
		return 0
	case failed > 0:
		return 2
	case success > 0:
		return 1
	default:
		return 0
	}
}

// pass returns the items of one pass of an in-place update record.
func (r *record) pass(n int) []*item {
	var out []*item
	for _, it := range r.Items {
		if it.Pass == n {
			out = append(out, it)
		}
	}
	return out
}

// passStatus is DeployRecord.Status: 3 deploying, then 1/2 for the update
// pass and 4/5 for the rollback pass.
func passStatus(items []*item, rollback bool) int {
	_, failed, running := counts(items)
	switch {
	case running > 0:
		return statusDeploying
	case rollback && failed > 0:
		return statusRollbackFailed
	case rollback:
		return statusRollbackSuccess
	case failed > 0:
		return statusFailed
	default:
		return statusSuccess
	}
}

// newRecord registers a record whose items start deploying now.
func (s *Simulator) newRecord(r *record, now time.Time) *record {
	r.ID = s.st.NextRecordID
	s.st.NextRecordID++
	r.CreateTime, r.UpdateTime = now, now
	for _, it := range r.Items {
		s.startItem(it, now)
		it.CreateTime = now
	}
	s.st.Records = append(s.st.Records, r)
	return r
}

// newItem returns an item for unit u moving it from oldCert to cert.
func (s *Simulator) newItem(u *unit, cert, oldCert string, pass int) *item {
	it := &item{
		ID:           s.st.NextItemID,
		Pass:         pass,
		ResourceType: u.ResourceType,
		Key:          u.Key,
		Region:       u.Region,
		CertID:       cert,
		OldCertID:    oldCert,
		Info:         u.info,
	}
	s.st.NextItemID++
	return it
}

// startItem (re)starts an item: it waits in the queue (0) and then deploys
// (3), each for a duration drawn by Simulator.duration.
func (s *Simulator) startItem(it *item, now time.Time) {
	it.ErrorMsg = ""
	it.UpdateTime = now
	it.StartAt = now.Add(s.duration(durQueue))
	it.DueAt = it.StartAt.Add(s.duration(deployKind(it.ResourceType)))
	it.Status = statusDeploying
	if it.StartAt.After(now) {
		it.Status = statusPending
	}
}

// advance runs, in time order, everything due by now: items leaving the
// queue, items completing, delete tasks and bound-resource queries.
// Progress is evaluated lazily on each request instead of in the
// background, so a fake clock fully controls it.
func (s *Simulator) advance(now time.Time) {
	type event struct {
		at  time.Time
		run func()
	}
	var due []event
	for _, r := range s.st.Records {
		for _, it := range r.Items {
			if it.Status == statusPending && !it.StartAt.After(now) {
				it.Status = statusDeploying
				it.UpdateTime = it.StartAt
			}
			if it.Status == statusDeploying && !it.DueAt.After(now) {
				due = append(due, event{it.DueAt, func() { s.complete(r, it) }})
			}
		}
	}
	for _, t := range s.st.DeleteTasks {
		if t.Status == deleteRunning && !t.DueAt.After(now) {
			due = append(due, event{t.DueAt, func() { s.finishDelete(t) }})
		}
	}
	for _, t := range s.st.BindTasks {
		if !t.Done && !t.DueAt.After(now) {
			due = append(due, event{t.DueAt, func() { s.finishBindTask(t) }})
		}
	}
	slices.SortStableFunc(due, func(a, b event) int { return a.at.Compare(b.at) })
	for _, e := range due {
		e.run()
	}
	s.pruneCache(now)
}

// complete ends an item. Deploy and update items end in success (1),
// failure (2) or, when their instance is gone or an update's instance no
// longer uses the old certificate, nothing to deploy (6). Items of rollback
// records end in rollback success (4) or failure (5). In-place update items
// use 1 and 2 in both passes, as that action's example shows.
func (s *Simulator) complete(r *record, it *item) {
	it.UpdateTime = it.DueAt
	if it.UpdateTime.After(r.UpdateTime) {
		r.UpdateTime = it.UpdateTime
	}
	success, failed := statusSuccess, statusFailed
	if r.RollbackOf != 0 {
		success, failed = statusRollbackSuccess, statusRollbackFailed
	}
	end := func(status int, msg string) {
		it.Status = status
		it.ErrorMsg = msg
		s.markRolledBack(r, it)
	}
	u := s.st.Inventory.findUnit(it.ResourceType, it.Key)
	if u == nil {
		if r.RollbackOf == 0 && r.Kind != kindUploadUpdate {
			end(statusNoResource, "The instance no longer exists.")
		} else {
			end(failed, "The instance no longer exists.")
		}
		return
	}
	if r.Kind == kindUpdate && r.RollbackOf == 0 && u.get() != it.OldCertID {
		end(statusNoResource, "The instance no longer uses the old certificate.")
		return
	}
	if it.CertID != "" {
		cert := s.st.certificate(it.CertID)
		if cert == nil {
			end(failed, "The certificate no longer exists.")
			return
		}
		if r.RollbackOf == 0 && it.Pass == 0 {
			if missing := uncovered(cert.Info.DNSNames, u.Domains); len(missing) > 0 {
				end(failed, "The certificate does not match the domains "+joinDomains(missing)+".")
				return
			}
		}
	}
	if msg, fault := s.targetFailure(it.ResourceType, it.Key); fault {
		end(failed, msg)
		return
	}
	if r.Kind != kindUploadUpdate {
		it.OldCertID = u.get()
		s.setBinding(u, it.CertID, it.DueAt)
	}
	end(success, "")
}

// markRolledBack shows a finished rollback item on the item of the original record it rolled
// back: that item is no longer a success that could be rolled back again.
func (s *Simulator) markRolledBack(r *record, it *item) {
	if r.RollbackOf == 0 || r.Kind == kindUploadUpdate {
		return
	}
	orig := s.st.record(r.Kind, r.RollbackOf)
	if orig == nil {
		return
	}
	for _, o := range orig.Items {
		if o.Key == it.Key && o.ResourceType == it.ResourceType && o.Status == statusSuccess {
			o.Status = it.Status
			return
		}
	}
}

func joinDomains(domains []string) string {
	out := ""
	for i, d := range domains {
		if i > 0 {
			out += ", "
		}
		out += d
	}
	return out
}

// inFlight returns a running record of kind that conflicts with the scope:
// the same certificate and any of the resource types.
func (s *Simulator) inFlight(kind, cert string, resourceTypes []string) *record {
	for _, r := range s.st.Records {
		if r.Kind != kind || !r.running() || r.scopeCert() != cert {
			continue
		}
		for _, rt := range r.types() {
			if slices.Contains(resourceTypes, rt) {
				return r
			}
		}
	}
	return nil
}

// scopeCert is the certificate whose task this record is: the deployed
// certificate for deploys, the certificate being replaced for updates.
func (r *record) scopeCert() string {
	if r.Kind == kindDeploy {
		return r.CertID
	}
	return r.OldCertID
}

func (r *record) types() []string {
	if r.ResourceType != "" {
		return []string{r.ResourceType}
	}
	return r.ResourceTypes
}

type retryParams struct {
	DeployRecordId       flexInt `json:"DeployRecordId"`
	DeployRecordDetailId flexInt `json:"DeployRecordDetailId"`
}

// retry restarts the failed items of a record, or one failed item. Only
// failed items (2) can be retried, not rollback failures (5) or items with
// nothing to deploy (6), and not while the record (or another task in its
// scope) is still running. No retry page lists CertificateDeployNotExist,
// so an unknown ID answers FailedOperation.InvalidParam.
func (s *Simulator) retry(kind string, p *retryParams, now time.Time) (any, *apiError) {
	var (
		r       *record
		targets []*item
	)
	switch {
	case p.DeployRecordDetailId.Set:
		var it *item
		r, it = s.st.recordOfItem(kind, p.DeployRecordDetailId.Value)
		if r == nil {
			return nil, errorf(CodeInvalidParam, "The deployment record detail %d does not exist.", p.DeployRecordDetailId.Value)
		}
		if p.DeployRecordId.Set && p.DeployRecordId.Value != r.ID {
			return nil, errorf(CodeInvalidParam, "The detail %d does not belong to record %d.", it.ID, p.DeployRecordId.Value)
		}
		if it.Status == statusFailed {
			targets = []*item{it}
		}
	case p.DeployRecordId.Set:
		r = s.st.record(kind, p.DeployRecordId.Value)
		if r == nil {
			return nil, errorf(CodeInvalidParam, "The deployment record %d does not exist.", p.DeployRecordId.Value)
		}
		for _, it := range r.Items {
			if it.Status == statusFailed {
				targets = append(targets, it)
			}
		}
	default:
		return nil, errorf(CodeMissingParameter, "Pass DeployRecordId or DeployRecordDetailId.")
	}
	if r.running() || s.inFlight(kind, r.scopeCert(), r.types()) != nil {
		return nil, errorf(CodeDeployHasPendingRecord, "A deployment task for this certificate is still running; retry after it completes.")
	}
	if len(targets) == 0 {
		return nil, errorf(CodeDeployRetryStatusInvalid, "Only failed deployments can be retried.")
	}
	for _, it := range targets {
		if it.CertID != "" && s.st.certificate(it.CertID) == nil {
			return nil, certificateNotFound(it.CertID)
		}
	}
	for _, it := range targets {
		s.startItem(it, now)
	}
	r.UpdateTime = now
	return map[string]any{}, nil
}

// rollbackCheck applies the rollback preconditions: the record exists, has
// finished, was not rolled back already and has at least one success.
func (s *Simulator) rollbackCheck(kind string, id flexInt) (*record, []*item, *apiError) {
	if !id.Set {
		return nil, nil, errorf(CodeMissingParameter, "The request is missing a required parameter `DeployRecordId`.")
	}
	r := s.st.record(kind, id.Value)
	if r == nil {
		// Only DeployCertificateRecordRollback lists CertificateDeployNotExist.
		code := CodeInvalidParam
		if kind == kindDeploy {
			code = CodeDeployNotExist
		}
		return nil, nil, errorf(code, "The deployment record %d does not exist.", id.Value)
	}
	if r.running() {
		return nil, nil, errorf(CodeDeployDetailRollbackStatusInvalid, "The record must finish before it can be rolled back.")
	}
	// A record is rolled back at most once, and rollbacks are not rolled back.
	if r.RolledBackBy != 0 || r.RollbackOf != 0 || len(r.pass(1)) > 0 {
		return nil, nil, errorf(CodeDeployRollbackStatusInvalid, "The record was already rolled back or is a rollback.")
	}
	if s.inFlight(kind, r.scopeCert(), r.types()) != nil {
		return nil, nil, errorf(CodeDeployHasPendingRecord, "A deployment task for this certificate is still running; retry after it completes.")
	}
	var successes []*item
	for _, it := range r.pass(0) {
		if it.Status == statusSuccess {
			successes = append(successes, it)
		}
	}
	if len(successes) == 0 {
		return nil, nil, errorf(CodeDeployRollbackStatusInvalid, "A rollback needs at least one successful deployment.")
	}
	return r, successes, nil
}

// rollback creates a new record moving every successful target of record
// id back to its previous certificate.
func (s *Simulator) rollback(kind string, id flexInt, now time.Time) (*record, *apiError) {
	r, successes, aerr := s.rollbackCheck(kind, id)
	if aerr != nil {
		return nil, aerr
	}
	back := &record{
		Kind:          kind,
		CertID:        r.CertID,
		OldCertID:     r.OldCertID,
		ResourceType:  r.ResourceType,
		ResourceTypes: r.ResourceTypes,
		Region:        r.Region,
		Regions:       r.Regions,
		RollbackOf:    r.ID,
	}
	if kind == kindUpdate {
		back.CertID, back.OldCertID = r.OldCertID, r.CertID
	}
	for _, it := range successes {
		n := *it
		n.ID = s.st.NextItemID
		s.st.NextItemID++
		n.CertID, n.OldCertID = it.OldCertID, it.CertID
		back.Items = append(back.Items, &n)
	}
	s.newRecord(back, now)
	r.RolledBackBy = back.ID
	return back, nil
}
