package sslsim

import (
	"crypto/sha256"
	"encoding/hex"
	"slices"
	"strings"
	"time"
)

// ResourceTypeRegions is an input structure of the update actions.
type resourceTypeRegions struct {
	ResourceType string   `json:"ResourceType"`
	Regions      []string `json:"Regions"`
}

type updateCertificateInstanceParams struct {
	CertificateId    string   `json:"CertificateId"`
	OldCertificateId string   `json:"OldCertificateId" required:"true"`
	ResourceTypes    []string `json:"ResourceTypes" required:"true"`
	// Regions is deprecated; it is accepted, as Tencent still accepts it,
	// but ignored so that only ResourceTypesRegions selects regions.
	Regions                    []string              `json:"Regions"`
	ResourceTypesRegions       []resourceTypeRegions `json:"ResourceTypesRegions"`
	CertificatePublicKey       string                `json:"CertificatePublicKey"`
	CertificatePrivateKey      string                `json:"CertificatePrivateKey"`
	ExpiringNotificationSwitch flexInt               `json:"ExpiringNotificationSwitch"`
	Repeatable                 *bool                 `json:"Repeatable"`
	AllowDownload              *bool                 `json:"AllowDownload"`
	Tags                       []Tag                 `json:"Tags"`
	ProjectId                  flexInt               `json:"ProjectId"`
}

// updateScope is the resource types and, for region-scoped types, the
// regions an update acts on.
type updateScope struct {
	types   []string
	regions map[string][]string
}

func (sc updateScope) key() string {
	var b strings.Builder
	for _, rt := range sc.types {
		b.WriteString(rt + "=" + strings.Join(sc.regions[rt], ",") + ";")
	}
	return b.String()
}

func (sc updateScope) allRegions() []string {
	out := []string{}
	for _, rt := range sc.types {
		for _, r := range sc.regions[rt] {
			if !slices.Contains(out, r) {
				out = append(out, r)
			}
		}
	}
	return out
}

// parseScope validates ResourceTypes and ResourceTypesRegions. Regions are
// required for the region-scoped types; missing or unknown ones answer
// InvalidParameter.WithDetailReason.
func parseScope(types []string, allowed []string, regions []resourceTypeRegions) (updateScope, *apiError) {
	sc := updateScope{regions: map[string][]string{}}
	if len(types) == 0 {
		return sc, errorf(CodeInvalidParam, "ResourceTypes must not be empty.")
	}
	for _, rt := range types {
		if !slices.Contains(allowed, rt) {
			return sc, errorf(CodeHostResourceTypeInvalid, "The resource type %q is not supported.", rt)
		}
		if !slices.Contains(sc.types, rt) {
			sc.types = append(sc.types, rt)
		}
	}
	slices.Sort(sc.types)
	for _, rt := range sc.types {
		if !slices.Contains(updateRegionScoped, rt) {
			continue
		}
		var rs []string
		for _, e := range regions {
			if e.ResourceType == rt {
				rs = append(rs, e.Regions...)
			}
		}
		for _, r := range rs {
			if !slices.Contains(bodyRegions, r) {
				return sc, errorf(CodeWithDetailReason, "ResourceTypesRegions names the unknown region %q.", r)
			}
		}
		slices.Sort(rs)
		rs = slices.Compact(rs)
		if len(rs) == 0 {
			return sc, errorf(CodeWithDetailReason, "ResourceTypesRegions must list the regions to update for %s.", rt)
		}
		sc.regions[rt] = rs
	}
	return sc, nil
}

// scopedUnits returns the units bound to cert within the scope.
func (s *Simulator) scopedUnits(cert string, sc updateScope) []*unit {
	var out []*unit
	for _, u := range s.boundUnits(cert) {
		if !slices.Contains(sc.types, u.ResourceType) {
			continue
		}
		if rs, scoped := sc.regions[u.ResourceType]; scoped && !slices.Contains(rs, u.Region) {
			continue
		}
		out = append(out, u)
	}
	return out
}

// syncProgress renders UpdateSyncProgress: per type and region, the number
// of resources found and processed so far.
func syncProgress(sc updateScope, units []*unit, done bool) []map[string]any {
	status := 3 // processing
	if done {
		status = 1
	}
	out := []map[string]any{}
	for _, rt := range sc.types {
		regions := sc.regions[rt]
		if regions == nil {
			regions = []string{""}
		}
		var entries []map[string]any
		for _, region := range regions {
			total := 0
			for _, u := range units {
				if u.ResourceType == rt && (region == "" || u.Region == region) {
					total++
				}
			}
			offset := 0
			if done {
				offset = total
			}
			entries = append(entries, map[string]any{"Region": region, "TotalCount": total, "OffsetCount": offset, "Status": status})
		}
		out = append(out, map[string]any{"ResourceType": rt, "UpdateSyncProgressRegions": entries, "Status": status})
	}
	return out
}

func contentHash(parts ...string) string {
	h := sha256.New()
	for _, p := range parts {
		h.Write([]byte(p))
		h.Write([]byte{0})
	}
	return hex.EncodeToString(h.Sum(nil))
}

// pendingFor returns the creation state for key, starting it if needed.
func (s *Simulator) pendingFor(key string) *pendingUpdate {
	for _, p := range s.st.Pending {
		if p.Key == key {
			return p
		}
	}
	polls := s.opts.UpdateCreationPolls
	if polls == 0 {
		polls = 1
	}
	p := &pendingUpdate{Key: key, Remaining: max(polls, 0)}
	s.st.Pending = append(s.st.Pending, p)
	return p
}

func (s *Simulator) dropPending(key string) {
	s.st.Pending = slices.DeleteFunc(s.st.Pending, func(p *pendingUpdate) bool { return p.Key == key })
}

// updateCertificateInstance replaces OldCertificateId by the new
// certificate on every resource bound to it within the requested types and
// regions. Creation is asynchronous: the first UpdateCreationPolls identical
// calls answer DeployRecordId 0 and must be repeated.
func updateCertificateInstance(s *Simulator, c *call, p *updateCertificateInstanceParams) (any, *apiError) {
	old := s.st.certificate(p.OldCertificateId)
	if old == nil {
		return nil, certificateNotFound(p.OldCertificateId)
	}
	sc, aerr := parseScope(p.ResourceTypes, updateResourceTypes, p.ResourceTypesRegions)
	if aerr != nil {
		return nil, aerr
	}
	withPEM := p.CertificatePublicKey != "" || p.CertificatePrivateKey != ""
	var newKey string
	switch {
	case p.CertificateId != "" && withPEM:
		return nil, errorf(CodeInvalidParam, "Pass either CertificateId or a certificate and key, not both.")
	case p.CertificateId != "":
		if p.CertificateId == old.ID {
			return nil, errorf(CodeInvalidParam, "The new certificate must differ from the old one.")
		}
		if _, aerr := s.deployable(p.CertificateId, c); aerr != nil {
			return nil, aerr
		}
		newKey = "id:" + p.CertificateId
	case p.CertificatePublicKey == "" || p.CertificatePrivateKey == "":
		return nil, errorf(CodeMissingParameter, "Pass CertificateId, or both CertificatePublicKey and CertificatePrivateKey.")
	default:
		newKey = "pem:" + contentHash(p.CertificatePublicKey, p.CertificatePrivateKey)
	}
	if running := s.inFlight(kindUpdate, old.ID, sc.types); running != nil {
		return map[string]any{"DeployRecordId": running.ID, "DeployStatus": 0,
			"UpdateSyncProgress": syncProgress(sc, s.scopedUnits(old.ID, sc), true)}, nil
	}
	key := "update|" + old.ID + "|" + newKey + "|" + sc.key()
	units := s.scopedUnits(old.ID, sc)
	if len(units) == 0 {
		s.dropPending(key)
		return nil, errorf(CodeDeployInstanceEmpty, "No resource of the selected types and regions uses the certificate %q.", old.ID)
	}
	pending := s.pendingFor(key)
	newID := p.CertificateId
	if withPEM {
		if pending.NewCertID == "" || s.st.certificate(pending.NewCertID) == nil {
			content, aerr := parseUpload(p.CertificatePublicKey, p.CertificatePrivateKey, "SVR")
			if aerr != nil {
				s.dropPending(key)
				return nil, aerr
			}
			// "If an identical certificate already exists, the update
			// task fails" applies when duplicates are not allowed.
			if p.Repeatable != nil && !*p.Repeatable && s.st.identical(content.Info.Fingerprint) != nil {
				s.dropPending(key)
				return nil, errorf(CodeCertificateExists, "An identical certificate already exists.")
			}
			cert := s.addCertificate(content, "SVR", c.now)
			cert.Tags, cert.ProjectID = p.Tags, p.ProjectId.or(0)
			cert.AllowDownload = p.AllowDownload != nil && *p.AllowDownload
			pending.NewCertID = cert.ID
		}
		newID = pending.NewCertID
	}
	if pending.Remaining > 0 {
		pending.Remaining--
		return map[string]any{"DeployRecordId": 0, "DeployStatus": 0, "UpdateSyncProgress": syncProgress(sc, units, false)}, nil
	}
	s.dropPending(key)
	if p.ExpiringNotificationSwitch.Value == 1 {
		old.IgnoreExpiry = true
	}
	r := &record{Kind: kindUpdate, CertID: newID, OldCertID: old.ID, ResourceTypes: sc.types, Regions: sc.allRegions()}
	for _, u := range units {
		r.Items = append(r.Items, s.newItem(u, newID, old.ID, 0))
	}
	s.newRecord(r, c.now)
	return map[string]any{"DeployRecordId": r.ID, "DeployStatus": 1, "UpdateSyncProgress": syncProgress(sc, units, true)}, nil
}

type describeHostUpdateRecordParams struct {
	Offset           flexInt `json:"Offset"`
	Limit            flexInt `json:"Limit"`
	CertificateId    string  `json:"CertificateId"`
	OldCertificateId string  `json:"OldCertificateId"`
}

func describeHostUpdateRecord(s *Simulator, _ *call, p *describeHostUpdateRecordParams) (any, *apiError) {
	var matched []*record
	for i := len(s.st.Records) - 1; i >= 0; i-- {
		r := s.st.Records[i]
		if r.Kind != kindUpdate ||
			(p.CertificateId != "" && r.CertID != p.CertificateId) ||
			(p.OldCertificateId != "" && r.OldCertID != p.OldCertificateId) {
			continue
		}
		matched = append(matched, r)
	}
	list := []map[string]any{}
	for _, r := range page(matched, p.Offset, p.Limit, 10, 1000) {
		list = append(list, map[string]any{
			"Id": r.ID, "CertId": r.CertID, "OldCertId": r.OldCertID, "ResourceTypes": r.ResourceTypes,
			"Regions": nonNil(r.Regions), "Status": r.listStatus(),
			"CreateTime": plainTime(r.CreateTime), "UpdateTime": plainTime(r.UpdateTime),
		})
	}
	return map[string]any{"TotalCount": len(matched), "DeployRecordList": list}, nil
}

// describeHostUpdateRecordDetail groups items by resource type. Limit and
// Offset page each group (the example shows a one-item page per group);
// each group's TotalCount tells how many it has.
func describeHostUpdateRecordDetail(s *Simulator, _ *call, p *recordDetailParams) (any, *apiError) {
	r := s.st.record(kindUpdate, p.DeployRecordId.Value)
	if r == nil {
		return nil, errorf(CodeDeployNotExist, "The update record %d does not exist.", p.DeployRecordId.Value)
	}
	groups := []map[string]any{}
	for _, rt := range r.ResourceTypes {
		var items []*item
		for _, it := range r.Items {
			if it.ResourceType == rt {
				items = append(items, it)
			}
		}
		if len(items) == 0 {
			continue
		}
		list := []map[string]any{}
		for _, it := range page(items, p.Offset, p.Limit, 10, 200) {
			list = append(list, updateDetail(it))
		}
		groups = append(groups, map[string]any{"ResourceType": rt, "List": list, "TotalCount": len(items)})
	}
	success, failed, running := counts(r.Items)
	return map[string]any{
		"TotalCount":        len(r.Items),
		"RecordDetailList":  groups,
		"SuccessTotalCount": success,
		"FailedTotalCount":  failed,
		"RunningTotalCount": running,
	}, nil
}

// updateDetail renders an UpdateRecordDetail.
func updateDetail(it *item) map[string]any {
	m := itemFields(it)
	m["CertId"] = it.CertID
	m["ResourceType"] = it.ResourceType
	if slices.Contains(updateRegionScoped, it.ResourceType) {
		m["Region"] = it.Region
	}
	if it.ResourceType == "clb" {
		url := ""
		if len(it.Info.URLs) > 0 {
			url = it.Info.URLs[0]
		}
		m["Url"] = url
	}
	return m
}

func updateCertificateRecordRetry(s *Simulator, c *call, p *retryParams) (any, *apiError) {
	return s.retry(kindUpdate, p, c.now)
}

func updateCertificateRecordRollback(s *Simulator, c *call, p *rollbackParams) (any, *apiError) {
	r, aerr := s.rollback(kindUpdate, p.DeployRecordId, c.now)
	if aerr != nil {
		return nil, aerr
	}
	return map[string]any{"DeployRecordId": r.ID}, nil
}

type uploadUpdateCertificateInstanceParams struct {
	OldCertificateId      string                `json:"OldCertificateId" required:"true"`
	ResourceTypes         []string              `json:"ResourceTypes" required:"true"`
	CertificatePublicKey  string                `json:"CertificatePublicKey" required:"true"`
	CertificatePrivateKey string                `json:"CertificatePrivateKey" required:"true"`
	ResourceTypesRegions  []resourceTypeRegions `json:"ResourceTypesRegions"`
}

// uploadUpdateCertificateInstance replaces the content of a certificate in
// place (its ID is kept) and redeploys it to its CLB listeners. Creation is
// asynchronous like UpdateCertificateInstance.
func uploadUpdateCertificateInstance(s *Simulator, c *call, p *uploadUpdateCertificateInstanceParams) (any, *apiError) {
	cert := s.st.certificate(p.OldCertificateId)
	if cert == nil {
		return nil, certificateNotFound(p.OldCertificateId)
	}
	sc, aerr := parseScope(p.ResourceTypes, []string{"clb"}, p.ResourceTypesRegions)
	if aerr != nil {
		return nil, aerr
	}
	content, aerr := parseUpload(p.CertificatePublicKey, p.CertificatePrivateKey, "SVR")
	if aerr != nil {
		return nil, aerr
	}
	if running := s.inFlight(kindUploadUpdate, cert.ID, sc.types); running != nil {
		return map[string]any{"DeployRecordId": running.ID, "DeployStatus": 0,
			"UpdateSyncProgress": syncProgress(sc, s.scopedUnits(cert.ID, sc), true)}, nil
	}
	key := "uploadUpdate|" + cert.ID + "|" + contentHash(p.CertificatePublicKey, p.CertificatePrivateKey) + "|" + sc.key()
	units := s.scopedUnits(cert.ID, sc)
	if len(units) == 0 {
		s.dropPending(key)
		return nil, errorf(CodeDeployInstanceEmpty, "No CLB listener in the selected regions uses the certificate %q.", cert.ID)
	}
	pending := s.pendingFor(key)
	if pending.Remaining > 0 {
		pending.Remaining--
		return map[string]any{"DeployRecordId": 0, "DeployStatus": 0, "UpdateSyncProgress": syncProgress(sc, units, false)}, nil
	}
	s.dropPending(key)
	r := &record{
		Kind: kindUploadUpdate, CertID: cert.ID, OldCertID: cert.ID, ResourceTypes: sc.types,
		Regions: sc.allRegions(), PassTimes: []time.Time{c.now},
		Previous: &certContent{CertificatePEM: cert.CertificatePEM, PrivateKeyPEM: cert.PrivateKeyPEM, Info: cert.Info},
	}
	cert.CertificatePEM, cert.PrivateKeyPEM, cert.Info = content.CertificatePEM, content.PrivateKeyPEM, content.Info
	for _, u := range units {
		r.Items = append(r.Items, s.newItem(u, cert.ID, cert.ID, 0))
	}
	s.newRecord(r, c.now)
	return map[string]any{"DeployRecordId": r.ID, "DeployStatus": 1, "UpdateSyncProgress": syncProgress(sc, units, true)}, nil
}

type describeHostUploadUpdateRecordParams struct {
	Offset           flexInt `json:"Offset"`
	Limit            flexInt `json:"Limit"`
	OldCertificateId string  `json:"OldCertificateId"`
}

func describeHostUploadUpdateRecord(s *Simulator, _ *call, p *describeHostUploadUpdateRecordParams) (any, *apiError) {
	var matched []*record
	for i := len(s.st.Records) - 1; i >= 0; i-- {
		r := s.st.Records[i]
		if r.Kind == kindUploadUpdate && (p.OldCertificateId == "" || r.OldCertID == p.OldCertificateId) {
			matched = append(matched, r)
		}
	}
	list := []map[string]any{}
	for _, r := range page(matched, p.Offset, p.Limit, 10, 1000) {
		last := len(r.PassTimes) - 1
		list = append(list, map[string]any{
			"Id": r.ID, "OldCertId": r.OldCertID, "ResourceTypes": r.ResourceTypes,
			"Status":     passStatus(r.pass(last), last == 1),
			"CreateTime": plainTime(r.CreateTime), "UpdateTime": plainTime(r.UpdateTime),
		})
	}
	return map[string]any{"TotalCount": len(matched), "DeployRecordList": list}, nil
}

// describeHostUploadUpdateRecordDetail lists one entry per pass over the
// task: the update (Type 0) and its rollback (Type 1).
func describeHostUploadUpdateRecordDetail(s *Simulator, _ *call, p *recordDetailParams) (any, *apiError) {
	r := s.st.record(kindUploadUpdate, p.DeployRecordId.Value)
	if r == nil {
		return nil, errorf(CodeInvalidParam, "The record %d does not exist.", p.DeployRecordId.Value)
	}
	passes := []map[string]any{}
	for n, created := range r.PassTimes {
		items := r.pass(n)
		list := []map[string]any{}
		for _, it := range page(items, p.Offset, p.Limit, 10, 200) {
			m := itemFields(it)
			delete(m, "EnvId")
			delete(m, "TCBType")
			m["Region"] = it.Region
			m["Forward"] = it.Info.Forward
			m["SSLMode"] = "UNIDIRECTIONAL"
			m["ResourceType"] = it.ResourceType
			list = append(list, m)
		}
		success, failed, running := counts(items)
		passes = append(passes, map[string]any{
			"TotalCount":        len(items),
			"SuccessTotalCount": success,
			"FailedTotalCount":  failed,
			"RunningTotalCount": running,
			"Type":              n,
			"RecordDetailList":  []map[string]any{{"ResourceType": "clb", "List": list, "TotalCount": len(items)}},
			"Status":            passStatus(items, n == 1),
			"CreateTime":        plainTime(created),
		})
	}
	return map[string]any{"DeployRecordDetail": passes}, nil
}

func uploadUpdateCertificateRecordRetry(s *Simulator, c *call, p *retryParams) (any, *apiError) {
	return s.retry(kindUploadUpdate, p, c.now)
}

type uploadUpdateRollbackParams struct {
	DeployRecordId flexInt `json:"DeployRecordId" required:"true"`
}

// uploadUpdateCertificateRecordRollback restores the replaced content and
// adds a rollback pass to the same record; it returns no new record ID.
func uploadUpdateCertificateRecordRollback(s *Simulator, c *call, p *uploadUpdateRollbackParams) (any, *apiError) {
	r, successes, aerr := s.rollbackCheck(kindUploadUpdate, p.DeployRecordId)
	if aerr != nil {
		return nil, aerr
	}
	if cert := s.st.certificate(r.CertID); cert != nil && r.Previous != nil {
		cert.CertificatePEM, cert.PrivateKeyPEM, cert.Info = r.Previous.CertificatePEM, r.Previous.PrivateKeyPEM, r.Previous.Info
	}
	r.PassTimes = append(r.PassTimes, c.now)
	for _, it := range successes {
		n := *it
		n.ID = s.st.NextItemID
		s.st.NextItemID++
		n.Pass = 1
		n.CreateTime = c.now
		s.startItem(&n, c.now)
		r.Items = append(r.Items, &n)
	}
	r.UpdateTime = c.now
	return map[string]any{}, nil
}
