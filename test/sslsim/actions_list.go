package sslsim

import (
	"slices"
	"strconv"
	"strings"
)

type listFilter struct {
	FilterKey   string `json:"FilterKey"`
	FilterValue string `json:"FilterValue"`
}

// Parameter groups shared by the DescribeHost*InstanceList actions; each
// action embeds the groups its page documents.
type (
	certFilterParams struct {
		CertificateId string       `json:"CertificateId"`
		IsCache       flexInt      `json:"IsCache"`
		Filters       []listFilter `json:"Filters"`
	}
	oldCertParam struct {
		OldCertificateId string `json:"OldCertificateId"`
	}
	pagingParams struct {
		Offset flexInt `json:"Offset"`
		Limit  flexInt `json:"Limit"`
	}
	asyncCacheParam struct {
		AsyncCache flexInt `json:"AsyncCache"`
	}
	// resourceTypeParam is deprecated (or redundant) on the list actions
	// that take it; it is accepted and ignored.
	resourceTypeParam struct {
		ResourceType string `json:"ResourceType"`
	}
)

// listQuery is the instance selection of a DescribeHost*InstanceList call.
type listQuery struct {
	names   []string
	hasCert bool
	// want selects matching (true) or non-matching (false) instances; nil
	// selects all, which is what a call without CertificateId gets.
	want    *bool
	oldCert string
	// view is the instance data the call reads (cached unless IsCache is 0).
	view view
	// region, when set, limits regional products to one region.
	region string
}

// newListQuery validates the certificates and the domainMatch filter. The
// filter key is matched case-insensitively: the documentation spells it both
// "domainMatch" and "DomainMatch". Without a filter, matching instances are
// listed, the documented default. The call reads cached instance data
// unless IsCache is 0, and with regional lists only sees regional products
// in the request's region (the Region header, else the endpoint's).
func (s *Simulator) newListQuery(c *call, f certFilterParams, oldCert string) (listQuery, *apiError) {
	q := listQuery{view: s.instanceView(f.IsCache, c.now)}
	if s.regionalLists() {
		q.region = orDefault(c.region, c.access)
	}
	if f.CertificateId != "" {
		cert := s.st.certificate(f.CertificateId)
		if cert == nil {
			return q, certificateNotFound(f.CertificateId)
		}
		q.names, q.hasCert = cert.Info.DNSNames, true
		match := true
		q.want = &match
	}
	if oldCert != "" {
		if s.st.certificate(oldCert) == nil {
			return q, certificateNotFound(oldCert)
		}
		q.oldCert = oldCert
	}
	for _, flt := range f.Filters {
		if !strings.EqualFold(flt.FilterKey, "domainMatch") {
			return q, errorf(CodeInvalidParam, "The filter key %q is not supported; use domainMatch.", flt.FilterKey)
		}
		if flt.FilterValue != "0" && flt.FilterValue != "1" {
			return q, errorf(CodeInvalidParam, "The domainMatch filter value must be 0 or 1.")
		}
		if q.hasCert {
			match := flt.FilterValue == "1"
			q.want = &match
		}
	}
	return q, nil
}

// matches reports whether the query's certificate can serve the unit.
func (q listQuery) matches(u *unit) bool {
	return !u.regexRule && !u.noRules && len(uncovered(q.names, u.listDomains())) == 0
}

// keep reports whether an instance made of units is selected. Only the
// units the query sees count; an instance with none is not listed.
func (q listQuery) keep(units []*unit) bool {
	if len(units) > 0 {
		if units = q.units(units); len(units) == 0 {
			return false
		}
	}
	if q.oldCert != "" && !slices.ContainsFunc(units, func(u *unit) bool { return q.view.cert(u) == q.oldCert }) {
		return false
	}
	if q.want == nil {
		return true
	}
	return slices.ContainsFunc(units, func(u *unit) bool { return q.matches(u) == *q.want })
}

// units returns the units the query sees.
func (q listQuery) units(units []*unit) []*unit { return q.view.filter(units, q.region) }

// noMatch lists the domains the query's certificate does not cover.
func (q listQuery) noMatch(domains []string) []string {
	if !q.hasCert {
		return []string{}
	}
	return uncovered(q.names, domains)
}

func (q listQuery) isMatch(domain string, regex bool) bool {
	return q.hasCert && !regex && coversDomain(q.names, domain)
}

// certObject renders the CLB Certificate structure of a bound certificate.
func (s *Simulator) certObject(id string) any {
	if id == "" {
		return nil
	}
	names := []string{}
	if cert := s.st.certificate(id); cert != nil {
		names = nonNil(cert.Info.DNSNames)
	}
	return map[string]any{"CertId": id, "DnsNames": names, "CertCaId": "", "SSLMode": "UNIDIRECTIONAL"}
}

// asyncFields are the cache-refresh outputs: the cache is never refreshed
// asynchronously, and AsyncCacheTime is when the data read was taken.
func asyncFields(out map[string]any, c *call, q listQuery) map[string]any {
	out["AsyncTotalNum"] = 0
	out["AsyncOffset"] = 0
	out["AsyncCacheTime"] = plainTime(c.now)
	if q.view.cached() {
		out["AsyncCacheTime"] = plainTime(q.view.asOf)
	}
	return out
}

type describeHostClbInstanceListParams struct {
	certFilterParams
	oldCertParam
	pagingParams
	asyncCacheParam
}

func describeHostClbInstanceList(s *Simulator, c *call, p *describeHostClbInstanceListParams) (any, *apiError) {
	q, aerr := s.newListQuery(c, p.certFilterParams, p.OldCertificateId)
	if aerr != nil {
		return nil, aerr
	}
	var selected []*LoadBalancer
	for i := range s.st.Inventory.CLB {
		lb := &s.st.Inventory.CLB[i]
		if q.keep(clbUnits(lb)) {
			selected = append(selected, lb)
		}
	}
	list := []map[string]any{}
	for _, lb := range page(selected, p.Offset, p.Limit, 10, 200) {
		list = append(list, s.clbInstance(lb, q))
	}
	return asyncFields(map[string]any{"TotalCount": len(selected), "InstanceList": list}, c, q), nil
}

// clbInstance renders a ClbInstanceDetail with the listeners and SNI rules
// the query sees and the certificates they serve in its view.
func (s *Simulator) clbInstance(lb *LoadBalancer, q listQuery) map[string]any {
	units := clbUnits(lb)
	seen := q.units(units)
	listeners := []map[string]any{}
	for _, l := range lb.Listeners {
		if !takesCertificate(l.Protocol) {
			continue
		}
		var own, visible []*unit
		for _, u := range units {
			if u.info.ListenerID == l.ID {
				own = append(own, u)
			}
		}
		for _, u := range seen {
			if u.info.ListenerID == l.ID {
				visible = append(visible, u)
			}
		}
		if len(own) > 0 && len(visible) == 0 {
			continue
		}
		sni := l.SNI && isLayer7(l.Protocol)
		rules := []map[string]any{}
		for _, r := range l.Rules {
			rule := map[string]any{
				"LocationId": r.LocationID, "Domain": r.Domain, "Url": r.URL,
				"IsMatch": q.isMatch(r.Domain, r.isRegex()), "Certificate": nil,
				"NoMatchDomains": q.noMatch([]string{r.Domain}),
			}
			if sni {
				i := slices.IndexFunc(visible, func(u *unit) bool { return strings.EqualFold(u.info.Domains[0], r.Domain) })
				if i < 0 {
					continue
				}
				rule["Certificate"] = s.certObject(q.view.cert(visible[i]))
			}
			rules = append(rules, rule)
		}
		listener := map[string]any{
			"ListenerId": l.ID, "ListenerName": l.Name, "SniSwitch": sniSwitch(sni),
			"Protocol": strings.ToUpper(l.Protocol), "Certificate": nil, "Rules": rules,
			"NoMatchDomains": q.noMatch(ruleDomains(l.Rules)),
		}
		if !sni && len(visible) > 0 {
			listener["Certificate"] = s.certObject(q.view.cert(visible[0]))
		}
		listeners = append(listeners, listener)
	}
	return map[string]any{
		"LoadBalancerId": lb.ID, "LoadBalancerName": lb.Name, "Forward": lb.Forward, "Listeners": listeners,
	}
}

type describeHostTkeInstanceListParams struct {
	certFilterParams
	oldCertParam
	pagingParams
	asyncCacheParam
}

func describeHostTkeInstanceList(s *Simulator, c *call, p *describeHostTkeInstanceListParams) (any, *apiError) {
	q, aerr := s.newListQuery(c, p.certFilterParams, p.OldCertificateId)
	if aerr != nil {
		return nil, aerr
	}
	var selected []*Cluster
	clusterUnits := map[string][]*unit{}
	for _, u := range s.st.Inventory.units() {
		if u.ResourceType == "tke" {
			clusterUnits[u.info.InstanceID] = append(clusterUnits[u.info.InstanceID], u)
		}
	}
	for i := range s.st.Inventory.TKE {
		cl := &s.st.Inventory.TKE[i]
		if q.keep(clusterUnits[cl.ID]) {
			selected = append(selected, cl)
		}
	}
	list := []map[string]any{}
	for _, cl := range page(selected, p.Offset, p.Limit, 10, 200) {
		seen := map[string]*unit{}
		for _, u := range q.units(clusterUnits[cl.ID]) {
			seen[u.info.Namespace+"/"+u.info.SecretName] = u
		}
		namespaces := []map[string]any{}
		for _, ns := range cl.Namespaces {
			secrets := []map[string]any{}
			for _, sec := range ns.Secrets {
				u := seen[ns.Name+"/"+sec.Name]
				if u == nil {
					continue
				}
				secrets = append(secrets, map[string]any{
					"Name": sec.Name, "CertId": q.view.cert(u), "IngressList": ingressList(sec),
					"NoMatchDomains": q.noMatch(secretTLSDomains(sec)),
				})
			}
			if len(secrets) == 0 && len(ns.Secrets) > 0 {
				continue
			}
			namespaces = append(namespaces, map[string]any{"Name": ns.Name, "SecretList": secrets})
		}
		list = append(list, map[string]any{
			"ClusterId": cl.ID, "ClusterName": cl.Name, "ClusterType": orDefault(cl.Type, "MANAGED_CLUSTER"),
			"ClusterVersion": cl.Version, "NamespaceList": namespaces,
		})
	}
	return asyncFields(map[string]any{"TotalCount": len(selected), "InstanceList": list}, c, q), nil
}

// ingressList renders the TkeIngressDetail list of a secret.
func ingressList(sec TKESecret) []map[string]any {
	out := []map[string]any{}
	for _, ing := range sec.Ingresses {
		out = append(out, map[string]any{"IngressName": ing.Name, "TlsDomains": nonNil(ing.TLSDomains), "Domains": nonNil(ing.Domains)})
	}
	return out
}

func secretTLSDomains(sec TKESecret) []string {
	out := []string{}
	for _, ing := range sec.Ingresses {
		for _, d := range ing.TLSDomains {
			if !slices.Contains(out, d) {
				out = append(out, d)
			}
		}
	}
	return out
}

// selectUnits returns the selected units of one resource type, each unit
// being one listed instance.
func (s *Simulator) selectUnits(rt string, q listQuery) []*unit {
	var out []*unit
	for _, u := range s.st.Inventory.units() {
		if u.ResourceType == rt && q.keep([]*unit{u}) {
			out = append(out, u)
		}
	}
	return out
}

type describeHostCdnInstanceListParams struct {
	certFilterParams
	oldCertParam
	pagingParams
	asyncCacheParam
	resourceTypeParam
}

func describeHostCdnInstanceList(s *Simulator, c *call, p *describeHostCdnInstanceListParams) (any, *apiError) {
	q, aerr := s.newListQuery(c, p.certFilterParams, p.OldCertificateId)
	if aerr != nil {
		return nil, aerr
	}
	units := s.selectUnits("cdn", q)
	list := []map[string]any{}
	for _, u := range page(units, p.Offset, p.Limit, 10, 200) {
		list = append(list, map[string]any{
			"Domain": u.info.Domains[0], "CertId": q.view.cert(u), "Status": "online",
			"HttpsBillingSwitch": s.cdnSwitch(u.Key),
		})
	}
	return asyncFields(map[string]any{"TotalCount": len(units), "InstanceList": list}, c, q), nil
}

type describeHostCosInstanceListParams struct {
	certFilterParams
	oldCertParam
	pagingParams
	asyncCacheParam
	resourceTypeParam
}

func describeHostCosInstanceList(s *Simulator, c *call, p *describeHostCosInstanceListParams) (any, *apiError) {
	q, aerr := s.newListQuery(c, p.certFilterParams, p.OldCertificateId)
	if aerr != nil {
		return nil, aerr
	}
	units := s.selectUnits("cos", q)
	list := []map[string]any{}
	for _, u := range page(units, p.Offset, p.Limit, 10, 200) {
		list = append(list, map[string]any{
			"Domain": u.info.Domains[0], "CertId": q.view.cert(u), "Status": "ENABLED", "Bucket": u.info.Bucket, "Region": u.Region,
		})
	}
	return asyncFields(map[string]any{"TotalCount": len(units), "InstanceList": list}, c, q), nil
}

type describeHostApiGatewayInstanceListParams struct {
	certFilterParams
	oldCertParam
	pagingParams
	resourceTypeParam
}

func describeHostApiGatewayInstanceList(s *Simulator, c *call, p *describeHostApiGatewayInstanceListParams) (any, *apiError) {
	q, aerr := s.newListQuery(c, p.certFilterParams, p.OldCertificateId)
	if aerr != nil {
		return nil, aerr
	}
	units := s.selectUnits("apigateway", q)
	list := []map[string]any{}
	for _, u := range page(units, p.Offset, p.Limit, 10, 200) {
		list = append(list, map[string]any{
			"ServiceId": u.info.InstanceID, "ServiceName": u.info.InstanceName, "Domain": u.info.Domains[0],
			"CertId": q.view.cert(u), "Protocol": u.info.Protocol,
		})
	}
	return map[string]any{"TotalCount": len(units), "InstanceList": list}, nil
}

type describeHostDdosInstanceListParams struct {
	certFilterParams
	oldCertParam
	pagingParams
	resourceTypeParam
}

func describeHostDdosInstanceList(s *Simulator, c *call, p *describeHostDdosInstanceListParams) (any, *apiError) {
	q, aerr := s.newListQuery(c, p.certFilterParams, p.OldCertificateId)
	if aerr != nil {
		return nil, aerr
	}
	units := s.selectUnits("ddos", q)
	list := []map[string]any{}
	for _, u := range page(units, p.Offset, p.Limit, 10, 200) {
		list = append(list, map[string]any{
			"Domain": u.info.Domains[0], "InstanceId": u.info.InstanceID, "Protocol": u.info.Protocol,
			"CertId": q.view.cert(u), "VirtualPort": strconv.Itoa(u.info.Port),
		})
	}
	return map[string]any{"TotalCount": len(units), "InstanceList": list}, nil
}

type describeHostLighthouseInstanceListParams struct {
	certFilterParams
	resourceTypeParam
}

// describeHostLighthouseInstanceList lists instances with their domains;
// the documented structure has no CertId, so bindings are not visible here.
func describeHostLighthouseInstanceList(s *Simulator, c *call, p *describeHostLighthouseInstanceListParams) (any, *apiError) {
	q, aerr := s.newListQuery(c, p.certFilterParams, "")
	if aerr != nil {
		return nil, aerr
	}
	list := []map[string]any{}
	for _, ins := range s.st.Inventory.Lighthouse {
		var units []*unit
		for _, u := range s.st.Inventory.units() {
			if u.ResourceType == "lighthouse" && u.info.InstanceID == ins.ID && u.Region == ins.Region {
				units = append(units, u)
			}
		}
		if !q.keep(units) {
			continue
		}
		domains := []string{}
		for _, d := range ins.Domains {
			domains = append(domains, d.Domain)
		}
		list = append(list, map[string]any{
			"InstanceId": ins.ID, "InstanceName": ins.Name, "IP": nonNil(ins.IPs), "Domain": domains,
		})
	}
	return map[string]any{"TotalCount": len(list), "InstanceList": list}, nil
}

type domainListParams struct {
	certFilterParams
	oldCertParam
	resourceTypeParam
}

// describeHostLiveInstanceList has no paging and no TotalCount.
func describeHostLiveInstanceList(s *Simulator, c *call, p *domainListParams) (any, *apiError) {
	q, aerr := s.newListQuery(c, p.certFilterParams, p.OldCertificateId)
	if aerr != nil {
		return nil, aerr
	}
	list := []map[string]any{}
	for _, u := range s.selectUnits("live", q) {
		cert := q.view.cert(u)
		status := -1
		if cert != "" {
			status = 1
		}
		list = append(list, map[string]any{"Domain": u.info.Domains[0], "CertId": cert, "Status": status})
	}
	return map[string]any{"InstanceList": list}, nil
}

func describeHostVodInstanceList(s *Simulator, c *call, p *domainListParams) (any, *apiError) {
	q, aerr := s.newListQuery(c, p.certFilterParams, p.OldCertificateId)
	if aerr != nil {
		return nil, aerr
	}
	list := []map[string]any{}
	for _, u := range s.selectUnits("vod", q) {
		list = append(list, map[string]any{"Domain": u.info.Domains[0], "CertId": q.view.cert(u)})
	}
	return map[string]any{"TotalCount": len(list), "InstanceList": list}, nil
}

// describeHostWafInstanceList has no paging and no TotalCount.
func describeHostWafInstanceList(s *Simulator, c *call, p *domainListParams) (any, *apiError) {
	q, aerr := s.newListQuery(c, p.certFilterParams, p.OldCertificateId)
	if aerr != nil {
		return nil, aerr
	}
	list := []map[string]any{}
	for _, u := range s.selectUnits("waf", q) {
		list = append(list, map[string]any{"Domain": u.info.Domains[0], "CertId": q.view.cert(u), "Keepalive": 0})
	}
	return map[string]any{"InstanceList": list}, nil
}

type describeHostTeoInstanceListParams struct {
	certFilterParams
	oldCertParam
	pagingParams
	asyncCacheParam
	resourceTypeParam
}

func describeHostTeoInstanceList(s *Simulator, c *call, p *describeHostTeoInstanceListParams) (any, *apiError) {
	if p.CertificateId == "" {
		return nil, errorf(CodeMissingParameter, "The request is missing a required parameter `CertificateId`.")
	}
	q, aerr := s.newListQuery(c, p.certFilterParams, p.OldCertificateId)
	if aerr != nil {
		return nil, aerr
	}
	units := s.selectUnits("teo", q)
	list := []map[string]any{}
	for _, u := range page(units, p.Offset, p.Limit, 10, 200) {
		list = append(list, map[string]any{"Host": u.info.Domains[0], "CertId": q.view.cert(u), "ZoneId": s.teoZone(u.Key), "Status": "deployed"})
	}
	return map[string]any{"TotalCount": len(units), "InstanceList": list}, nil
}

type describeDeployedResourcesParams struct {
	CertificateIds []string `json:"CertificateIds" required:"true"`
	ResourceType   string   `json:"ResourceType" required:"true"`
}

// deployedResourceTypes maps DescribeDeployedResources types to inventory
// types; Anti-DDoS is "antiddos" here.
var deployedResourceTypes = map[string]string{
	"clb": "clb", "cdn": "cdn", "live": "live", "waf": "waf", "antiddos": "ddos", "teo": "teo",
}

// describeDeployedResources reports, per certificate, the resources using
// it: load balancer IDs for clb, instance IDs for antiddos, domains otherwise.
func describeDeployedResources(s *Simulator, _ *call, p *describeDeployedResourcesParams) (any, *apiError) {
	if len(p.CertificateIds) > 50 {
		return nil, errorf(CodeCertificateIDNumberLimit, "At most 50 certificate IDs may be queried.")
	}
	rt, ok := deployedResourceTypes[p.ResourceType]
	if !ok {
		return nil, errorf(CodeWithDetailReason, "ResourceType must be one of clb, cdn, live, waf, antiddos, teo.")
	}
	for _, id := range p.CertificateIds {
		if s.st.certificate(id) == nil {
			return nil, errorf(CodeContainsInvalidCertificateID, "The certificate ID %q is invalid.", id)
		}
	}
	out := []map[string]any{}
	for _, id := range p.CertificateIds {
		resources := []string{}
		for _, u := range s.boundUnits(id) {
			if u.ResourceType != rt {
				continue
			}
			res := u.info.InstanceID
			if rt != "clb" && rt != "ddos" {
				res = u.info.Domains[0]
			}
			if !slices.Contains(resources, res) {
				resources = append(resources, res)
			}
		}
		out = append(out, map[string]any{
			"CertificateId": id, "Count": len(resources), "Type": p.ResourceType,
			"ResourceIds": resources, "Resources": resources,
		})
	}
	return map[string]any{"DeployedResources": out}, nil
}
