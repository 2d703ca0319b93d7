package sslsim

import (
	"slices"
	"strings"
)

type deployCertificateInstanceParams struct {
	CertificateId  string   `json:"CertificateId" required:"true"`
	InstanceIdList []string `json:"InstanceIdList" required:"true"`
	ResourceType   string   `json:"ResourceType"`
	// Status (live only, purpose unclear) is accepted and ignored.
	Status flexInt `json:"Status"`
	// IsCache 0 validates the targets against live instance data; by
	// default the cached data is used (see cache.go).
	IsCache flexInt `json:"IsCache"`
}

// deployable checks that a certificate can be deployed at all.
func (s *Simulator) deployable(id string, c *call) (*certificate, *apiError) {
	cert := s.st.certificate(id)
	if cert == nil {
		return nil, certificateNotFound(id)
	}
	if cert.Type != "SVR" {
		return nil, errorf(CodeCertificateNotAvailable, "The certificate %q is a CA certificate and cannot be deployed.", id)
	}
	if cert.status(c.now) != 1 {
		return nil, errorf(CodeCertificateNotAvailable, "The certificate %q has expired and cannot be deployed.", id)
	}
	return cert, nil
}

// deployCertificateInstance creates a deploy task after the documented
// validation. Every refusal of a target (missing, already bound, domain
// mismatch, CLB rule restrictions) answers CertificateNotDeployInstance,
// "the certificate cannot be deployed to the given instance list". Unless
// IsCache is 0, existence and the bound certificate are judged on cached
// instance data: a unit created within the cache age is missing, and a
// recent binding change is not seen.
func deployCertificateInstance(s *Simulator, c *call, p *deployCertificateInstanceParams) (any, *apiError) {
	rt := orDefault(p.ResourceType, "clb")
	if !slices.Contains(deployResourceTypes, rt) {
		return nil, errorf(CodeHostResourceTypeInvalid, "The resource type %q is not supported.", rt)
	}
	if c.region == "" && slices.Contains(deployRegionRequired, rt) {
		return nil, errorf(CodeRegionNotEmpty, "Region must not be empty for resource type %s.", rt)
	}
	cert, aerr := s.deployable(p.CertificateId, c)
	if aerr != nil {
		return nil, aerr
	}
	if len(p.InstanceIdList) == 0 {
		return nil, errorf(CodeDeployInstanceFormatError, "InstanceIdList must not be empty.")
	}
	targets := make([]target, 0, len(p.InstanceIdList))
	for _, entry := range p.InstanceIdList {
		t, aerr := parseTarget(rt, entry)
		if aerr != nil {
			return nil, aerr
		}
		if slices.ContainsFunc(targets, func(o target) bool { return o.Key == t.Key }) {
			return nil, errorf(CodeDeployInstanceFormatError, "The instance %q is listed twice.", entry)
		}
		targets = append(targets, t)
	}
	// One task per certificate and resource type: a second request succeeds
	// with DeployStatus 0 and the running task's ID, as the output is
	// documented, instead of CertificateDeployHasPendingRecord.
	if running := s.inFlight(kindDeploy, cert.ID, []string{rt}); running != nil {
		return map[string]any{"DeployRecordId": running.ID, "DeployStatus": 0}, nil
	}
	v := s.instanceView(p.IsCache, c.now)
	units := make([]*unit, 0, len(targets))
	for i, t := range targets {
		u, aerr := s.deployTarget(v, rt, t, p.InstanceIdList[i], cert, c.region)
		if aerr != nil {
			return nil, aerr
		}
		units = append(units, u)
	}
	r := &record{Kind: kindDeploy, CertID: cert.ID, ResourceType: rt, Region: c.region}
	for i, u := range units {
		it := s.newItem(u, cert.ID, u.get(), 0)
		it.Switch = targets[i].Switch
		r.Items = append(r.Items, it)
	}
	s.newRecord(r, c.now)
	return map[string]any{"DeployRecordId": r.ID, "DeployStatus": 1}, nil
}

// deployTarget resolves one target and applies the task-creation rules.
func (s *Simulator) deployTarget(v view, rt string, t target, entry string, cert *certificate, region string) (*unit, *apiError) {
	refuse := func(format string, args ...any) (*unit, *apiError) {
		e := errorf(CodeCertificateNotDeployInstance, format, args...)
		e.Message = "The certificate cannot be deployed to " + entry + ": " + e.Message
		return nil, e
	}
	u := s.st.Inventory.findUnit(rt, t.Key)
	if u == nil {
		if rt == "clb" {
			return refuse("%s", s.explainCLB(t.Key))
		}
		return refuse("the instance does not exist")
	}
	if !v.visible(u) {
		return refuse("the instance is not in the cached instance data")
	}
	if u.Region != "" && slices.Contains(deployRegionRequired, rt) && u.Region != region {
		return refuse("the instance is not in region %s", region)
	}
	if v.cert(u) == cert.ID {
		return refuse("the certificate is already deployed there")
	}
	if u.noRules {
		return refuse("the layer-7 listener has no rules")
	}
	if u.regexRule {
		return refuse("the listener has a regular-expression rule")
	}
	if missing := uncovered(cert.Info.DNSNames, u.Domains); len(missing) > 0 {
		return refuse("the certificate does not match %s", strings.Join(missing, ", "))
	}
	return u, nil
}

// explainCLB says why a CLB target matched no unit.
func (s *Simulator) explainCLB(key string) string {
	parts := strings.Split(key, "|")
	for _, lb := range s.st.Inventory.CLB {
		if lb.ID != parts[0] {
			continue
		}
		for _, l := range lb.Listeners {
			if l.ID != parts[1] {
				continue
			}
			switch {
			case !takesCertificate(l.Protocol):
				return "the " + l.Protocol + " listener does not use certificates"
			case len(parts) == 2 && l.SNI && isLayer7(l.Protocol):
				return "the listener has SNI enabled, so target one of its domains (LoadBalancerId|ListenerId|Domain)"
			case len(parts) == 3 && !(l.SNI && isLayer7(l.Protocol)):
				return "the listener does not have SNI enabled, so target the listener (LoadBalancerId|ListenerId)"
			default:
				return "the listener has no rule for that domain"
			}
		}
		return "the listener does not exist"
	}
	return "the load balancer does not exist"
}

type describeHostDeployRecordParams struct {
	CertificateId string  `json:"CertificateId" required:"true"`
	Offset        flexInt `json:"Offset"`
	Limit         flexInt `json:"Limit"`
	ResourceType  string  `json:"ResourceType"`
}

func describeHostDeployRecord(s *Simulator, _ *call, p *describeHostDeployRecordParams) (any, *apiError) {
	if s.st.certificate(p.CertificateId) == nil {
		return nil, certificateNotFound(p.CertificateId)
	}
	if p.ResourceType != "" && !slices.Contains(deployResourceTypes, p.ResourceType) {
		return nil, errorf(CodeHostResourceTypeInvalid, "The resource type %q is not supported.", p.ResourceType)
	}
	var matched []*record
	for i := len(s.st.Records) - 1; i >= 0; i-- {
		r := s.st.Records[i]
		if r.Kind == kindDeploy && r.CertID == p.CertificateId && (p.ResourceType == "" || r.ResourceType == p.ResourceType) {
			matched = append(matched, r)
		}
	}
	list := []map[string]any{}
	for _, r := range page(matched, p.Offset, p.Limit, 10, 1000) {
		list = append(list, map[string]any{
			"Id": r.ID, "CertId": r.CertID, "ResourceType": r.ResourceType, "Region": r.Region,
			"Status": r.listStatus(), "CreateTime": plainTime(r.CreateTime), "UpdateTime": plainTime(r.UpdateTime),
		})
	}
	return map[string]any{"TotalCount": len(matched), "DeployRecordList": list}, nil
}

type recordDetailParams struct {
	DeployRecordId flexInt `json:"DeployRecordId" required:"true"`
	Offset         flexInt `json:"Offset"`
	Limit          flexInt `json:"Limit"`
}

func describeHostDeployRecordDetail(s *Simulator, _ *call, p *recordDetailParams) (any, *apiError) {
	r := s.st.record(kindDeploy, p.DeployRecordId.Value)
	if r == nil {
		return nil, errorf(CodeDeployNotExist, "The deployment record %d does not exist.", p.DeployRecordId.Value)
	}
	list := []map[string]any{}
	for _, it := range page(r.Items, p.Offset, p.Limit, 10, 200) {
		list = append(list, deployDetail(it))
	}
	success, failed, running := counts(r.Items)
	return map[string]any{
		"TotalCount":             len(r.Items),
		"DeployRecordDetailList": list,
		"SuccessTotalCount":      success,
		"FailedTotalCount":       failed,
		"RunningTotalCount":      running,
	}, nil
}

// itemFields renders the fields shared by the detail item structures.
// Unused strings are "" and unused integers 0, as in the examples.
func itemFields(it *item) map[string]any {
	domains := nonNil(it.Info.Domains)
	if it.ResourceType == "cdn" {
		domains = []string{it.Key + "|" + orDefault(it.Switch, "on")}
	}
	region := ""
	if it.ResourceType == "tcb" {
		region = it.Region
	}
	return map[string]any{
		"Id":           it.ID,
		"OldCertId":    it.OldCertID,
		"InstanceId":   it.Info.InstanceID,
		"InstanceName": it.Info.InstanceName,
		"ListenerId":   it.Info.ListenerID,
		"ListenerName": it.Info.ListenerName,
		"Domains":      domains,
		"Protocol":     it.Info.Protocol,
		"Status":       it.Status,
		"ErrorMsg":     it.ErrorMsg,
		"CreateTime":   isoTime(it.CreateTime),
		"UpdateTime":   isoTime(it.UpdateTime),
		"SniSwitch":    it.Info.SniSwitch,
		"Bucket":       it.Info.Bucket,
		"Namespace":    it.Info.Namespace,
		"SecretName":   it.Info.SecretName,
		"Port":         it.Info.Port,
		"EnvId":        it.Info.EnvID,
		"TCBType":      it.Info.TCBType,
		"Region":       region,
	}
}

// deployDetail renders a DeployRecordDetail.
func deployDetail(it *item) map[string]any {
	m := itemFields(it)
	m["CertId"] = it.CertID
	if it.ResourceType == "clb" {
		m["Url"] = nonNil(it.Info.URLs)
	}
	return m
}

func deployCertificateRecordRetry(s *Simulator, c *call, p *retryParams) (any, *apiError) {
	return s.retry(kindDeploy, p, c.now)
}

type rollbackParams struct {
	DeployRecordId flexInt `json:"DeployRecordId"`
}

func deployCertificateRecordRollback(s *Simulator, c *call, p *rollbackParams) (any, *apiError) {
	r, aerr := s.rollback(kindDeploy, p.DeployRecordId, c.now)
	if aerr != nil {
		return nil, aerr
	}
	return map[string]any{"DeployRecordId": r.ID}, nil
}
