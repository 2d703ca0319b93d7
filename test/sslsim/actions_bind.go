package sslsim

import (
	"slices"
	"strconv"
	"strings"
	"time"
)

// Resource types the bound-resource query finds: those of
// CreateCertificateBindResourceSyncTask plus TSE, which its detail reports
// (§2.5). Lighthouse is not among them: no call reports which certificate
// a Lighthouse instance serves.
var bindQueryTypes = []string{"clb", "cdn", "waf", "live", "vod", "ddos", "tke", "apigateway", "tcb", "teo", "cos", "tse"}

// bindResultTypes are the types DescribeCertificateBindResourceTaskResult
// totals (BindResourceResult.ResourceType): no cos, no tse.
var bindResultTypes = []string{"clb", "cdn", "waf", "live", "vod", "ddos", "tke", "apigateway", "tcb", "teo"}

// bindRegionalTypes are the detail types that are listed per region and
// take the Regions filter.
var bindRegionalTypes = []string{"clb", "tke", "waf", "apigateway", "tcb", "cos", "tse"}

// queryBindings returns the live bindings of certificate id that the
// bound-resource query can see.
func (s *Simulator) queryBindings(id string) []Binding {
	var out []Binding
	for _, u := range s.boundUnits(id) {
		if slices.Contains(bindQueryTypes, u.ResourceType) {
			out = append(out, Binding{ResourceType: u.ResourceType, Target: u.Key, Region: u.Region, CertificateID: id})
		}
	}
	return out
}

// finishBindTask completes a bound-resource query with the bindings found
// when it ends.
func (s *Simulator) finishBindTask(t *bindTask) {
	t.Done = true
	t.Found = s.queryBindings(t.CertID)
}

type createBindTaskParams struct {
	CertificateIds []string `json:"CertificateIds" required:"true"`
	// IsCache is marked required and also given a default (§9.15); the
	// simulator requires it.
	IsCache flexInt `json:"IsCache" required:"true"`
}

// createCertificateBindResourceSyncTask starts one query per certificate.
// A certificate whose query still runs gets that task again, as does one
// whose query finished within the cache age when IsCache is not 0.
func createCertificateBindResourceSyncTask(s *Simulator, c *call, p *createBindTaskParams) (any, *apiError) {
	if len(p.CertificateIds) == 0 {
		return nil, errorf(CodeInvalidParameter, "CertificateIds must not be empty.")
	}
	if len(p.CertificateIds) > 100 {
		return nil, errorf(CodeSyncTaskCertificateIDCountInvalid, "At most 100 certificate IDs may be passed.")
	}
	if p.IsCache.Value != 0 && p.IsCache.Value != 1 {
		return nil, errorf(CodeInvalidParameterValue, "IsCache must be 0 or 1.")
	}
	for _, id := range p.CertificateIds {
		if s.st.certificate(id) == nil {
			return nil, certificateNotFound(id)
		}
	}
	out := []map[string]any{}
	for _, id := range p.CertificateIds {
		t := s.bindTaskFor(id, p.IsCache.Value == 1, c.now)
		out = append(out, map[string]any{"CertId": id, "TaskId": t.ID})
	}
	return map[string]any{"CertTaskIds": out}, nil
}

func (s *Simulator) bindTaskFor(cert string, useCache bool, now time.Time) *bindTask {
	for i := len(s.st.BindTasks) - 1; i >= 0; i-- {
		t := s.st.BindTasks[i]
		if t.CertID != cert {
			continue
		}
		if !t.Done || (useCache && t.DueAt.After(now.Add(-s.cacheTTL()))) {
			return t
		}
		break
	}
	t := &bindTask{
		ID:      strconv.FormatInt(s.st.NextTaskID, 10),
		CertID:  cert,
		Created: now,
		DueAt:   now.Add(s.duration(durBindQuery)),
	}
	s.st.NextTaskID++
	s.st.BindTasks = append(s.st.BindTasks, t)
	return t
}

func (s *Simulator) bindTask(id string) (*bindTask, *apiError) {
	for _, t := range s.st.BindTasks {
		if t.ID == id {
			return t, nil
		}
	}
	return nil, errorf(CodeSyncTaskIDInvalid, "The bound-resource query task %q does not exist.", id)
}

func (t *bindTask) status() int {
	if t.Done {
		return 1
	}
	return 0
}

func (t *bindTask) cacheTime() string {
	if !t.Done {
		return ""
	}
	return plainTime(t.DueAt)
}

// describeCertificateBindResourceTaskResult reports, per task, the number
// of bound instances per resource type and region once the query is done.
func describeCertificateBindResourceTaskResult(s *Simulator, _ *call, p *taskIDsParams) (any, *apiError) {
	if len(p.TaskIds) > 100 {
		return nil, errorf(CodeFailedOperation, "At most 100 task IDs may be passed.")
	}
	out := []map[string]any{}
	for _, id := range p.TaskIds {
		t, aerr := s.bindTask(id)
		if aerr != nil {
			return nil, aerr
		}
		results := []map[string]any{}
		if t.Done {
			for _, rt := range bindResultTypes {
				byRegion := []map[string]any{}
				for _, region := range foundRegions(t.Found, rt) {
					n := len(s.boundInstances(rt, ofRegion(t.Found, rt, region), t.CertID))
					byRegion = append(byRegion, map[string]any{"Region": region, "TotalCount": n, "Error": ""})
				}
				results = append(results, map[string]any{"ResourceType": rt, "BindResourceRegionResult": byRegion})
			}
		}
		out = append(out, map[string]any{
			"TaskId": t.ID, "BindResourceResult": results, "Status": t.status(), "Error": nil, "CacheTime": t.cacheTime(),
		})
	}
	return map[string]any{"SyncTaskBindResourceResult": out}, nil
}

// foundRegions lists the regions of the bindings of one type, in order.
func foundRegions(found []Binding, rt string) []string {
	out := []string{}
	for _, b := range found {
		if b.ResourceType == rt && !slices.Contains(out, b.Region) {
			out = append(out, b.Region)
		}
	}
	return out
}

func ofRegion(found []Binding, rt, region string) []Binding {
	var out []Binding
	for _, b := range found {
		if b.ResourceType == rt && b.Region == region {
			out = append(out, b)
		}
	}
	return out
}

type describeBindTaskDetailParams struct {
	TaskId        string   `json:"TaskId" required:"true"`
	Limit         flexInt  `json:"Limit"`
	Offset        flexInt  `json:"Offset"`
	ResourceTypes []string `json:"ResourceTypes"`
	Regions       []string `json:"Regions"`
}

// describeCertificateBindResourceTaskDetail lists the bound instances of a
// finished query. Offset and Limit page each resource type's region on its
// own (at most 100 per page); the Regions filter applies to the regional
// types only.
func describeCertificateBindResourceTaskDetail(s *Simulator, _ *call, p *describeBindTaskDetailParams) (any, *apiError) {
	t, aerr := s.bindTask(p.TaskId)
	if aerr != nil {
		return nil, aerr
	}
	for _, rt := range p.ResourceTypes {
		if !slices.Contains(bindQueryTypes, rt) {
			return nil, errorf(CodeInvalidParameterValue, "The resource type %q is not supported.", rt)
		}
	}
	for _, r := range p.Regions {
		if !slices.Contains(bodyRegions, r) {
			return nil, errorf(CodeInvalidParameterValue, "The region %q is not supported.", r)
		}
	}
	out := map[string]any{"Status": t.status(), "CacheTime": t.cacheTime()}
	for _, rt := range bindQueryTypes {
		wrappers := []map[string]any{}
		if t.Done && (len(p.ResourceTypes) == 0 || slices.Contains(p.ResourceTypes, rt)) {
			wrappers = s.bindWrappers(t, rt, p)
		}
		out[strings.ToUpper(rt)] = wrappers
	}
	return out, nil
}

// bindWrappers renders the *InstanceList wrappers of one resource type.
func (s *Simulator) bindWrappers(t *bindTask, rt string, p *describeBindTaskDetailParams) []map[string]any {
	regional := slices.Contains(bindRegionalTypes, rt)
	regions := []string{""}
	if regional {
		regions = foundRegions(t.Found, rt)
		if len(p.Regions) > 0 {
			regions = p.Regions
		}
	}
	out := []map[string]any{}
	for _, region := range regions {
		found := ofRegion(t.Found, rt, region)
		if !regional {
			found = ofRegion(t.Found, rt, "")
		}
		instances := s.boundInstances(rt, found, t.CertID)
		list := page(instances, p.Offset, p.Limit, 10, 100)
		w := map[string]any{"InstanceList": list, "TotalCount": len(instances), "Error": nil}
		if rt == "tcb" {
			w = map[string]any{"Environments": list, "Error": nil}
		}
		if regional {
			w["Region"] = region
		}
		out = append(out, w)
	}
	return out
}

// boundInstances renders the instances holding the found bindings, in the
// detail structure of the resource type. Units removed since the query are
// left out.
func (s *Simulator) boundInstances(rt string, found []Binding, cert string) []map[string]any {
	var units []*unit
	for _, b := range found {
		if u := s.st.Inventory.findUnit(rt, b.Target); u != nil {
			units = append(units, u)
		}
	}
	switch rt {
	case "clb":
		return s.boundCLB(units, cert)
	case "tke":
		return s.boundTKE(units, cert)
	case "tse":
		return s.boundTSE(units, cert)
	case "tcb":
		return s.boundTCB(units, cert)
	}
	out := []map[string]any{}
	for _, u := range units {
		domain := ""
		if len(u.info.Domains) > 0 {
			domain = u.info.Domains[0]
		}
		var m map[string]any
		switch rt {
		case "cdn":
			m = map[string]any{"Domain": domain, "CertId": cert, "Status": "online", "HttpsBillingSwitch": s.cdnSwitch(u.Key)}
		case "waf":
			m = map[string]any{"Domain": domain, "CertId": cert, "Keepalive": 0}
		case "ddos":
			m = map[string]any{"Domain": domain, "InstanceId": u.info.InstanceID, "Protocol": u.info.Protocol,
				"CertId": cert, "VirtualPort": strconv.Itoa(u.info.Port)}
		case "live":
			m = map[string]any{"Domain": domain, "CertId": cert, "Status": 1}
		case "vod":
			m = map[string]any{"Domain": domain, "CertId": cert}
		case "teo":
			m = map[string]any{"Host": domain, "CertId": cert, "ZoneId": s.teoZone(u.Key), "Status": "deployed"}
		case "apigateway":
			m = map[string]any{"ServiceId": u.info.InstanceID, "ServiceName": u.info.InstanceName, "Domain": domain,
				"CertId": cert, "Protocol": u.info.Protocol}
		case "cos":
			m = map[string]any{"Domain": domain, "CertId": cert, "Status": "ENABLED", "Bucket": u.info.Bucket, "Region": u.Region}
		}
		out = append(out, m)
	}
	return out
}

func (s *Simulator) cdnSwitch(key string) string {
	for _, d := range s.st.Inventory.CDN {
		if strings.EqualFold(d.Domain, key) {
			return orDefault(d.HTTPSBillingSwitch, "off")
		}
	}
	return "off"
}

func (s *Simulator) teoZone(key string) string {
	for _, d := range s.st.Inventory.Teo {
		if strings.EqualFold(d.Domain, key) {
			return d.ZoneID
		}
	}
	return ""
}

// groupBy groups units by an instance key, keeping first-seen order.
func groupBy(units []*unit, key func(*unit) string) ([]string, map[string][]*unit) {
	var order []string
	groups := map[string][]*unit{}
	for _, u := range units {
		k := key(u)
		if _, ok := groups[k]; !ok {
			order = append(order, k)
		}
		groups[k] = append(groups[k], u)
	}
	return order, groups
}

// boundCLB renders ClbInstanceDetail per load balancer, with only the
// listeners and SNI rules that serve the certificate.
func (s *Simulator) boundCLB(units []*unit, cert string) []map[string]any {
	out := []map[string]any{}
	order, groups := groupBy(units, func(u *unit) string { return u.info.InstanceID })
	for _, lbID := range order {
		us := groups[lbID]
		listenerOrder, byListener := groupBy(us, func(u *unit) string { return u.info.ListenerID })
		listeners := []map[string]any{}
		for _, lid := range listenerOrder {
			lu := byListener[lid]
			first := lu[0]
			listener := map[string]any{
				"ListenerId": lid, "ListenerName": first.info.ListenerName, "SniSwitch": first.info.SniSwitch,
				"Protocol": first.info.Protocol, "Certificate": nil, "Rules": []map[string]any{}, "NoMatchDomains": []string{},
			}
			if first.sniDomain {
				rules := []map[string]any{}
				for _, u := range lu {
					url := ""
					if len(u.info.URLs) > 0 {
						url = u.info.URLs[0]
					}
					rules = append(rules, map[string]any{
						"LocationId": "", "Domain": u.info.Domains[0], "IsMatch": true, "Url": url,
						"Certificate": s.certObject(cert), "NoMatchDomains": []string{},
					})
				}
				listener["Rules"] = rules
			} else {
				listener["Certificate"] = s.certObject(cert)
			}
			listeners = append(listeners, listener)
		}
		out = append(out, map[string]any{
			"LoadBalancerId": lbID, "LoadBalancerName": us[0].info.InstanceName, "Listeners": listeners, "Forward": us[0].info.Forward,
		})
	}
	return out
}

// boundTKE renders TkeInstanceDetail per cluster, with only the secrets
// holding the certificate.
func (s *Simulator) boundTKE(units []*unit, cert string) []map[string]any {
	out := []map[string]any{}
	order, groups := groupBy(units, func(u *unit) string { return u.info.InstanceID })
	for _, clusterID := range order {
		var cluster Cluster
		for _, c := range s.st.Inventory.TKE {
			if c.ID == clusterID {
				cluster = c
			}
		}
		nsOrder, byNS := groupBy(groups[clusterID], func(u *unit) string { return u.info.Namespace })
		namespaces := []map[string]any{}
		for _, ns := range nsOrder {
			secrets := []map[string]any{}
			for _, u := range byNS[ns] {
				secrets = append(secrets, map[string]any{
					"Name": u.info.SecretName, "CertId": cert, "IngressList": s.tkeIngresses(cluster, ns, u.info.SecretName),
					"NoMatchDomains": []string{},
				})
			}
			namespaces = append(namespaces, map[string]any{"Name": ns, "SecretList": secrets})
		}
		out = append(out, map[string]any{
			"ClusterId": clusterID, "ClusterName": cluster.Name, "NamespaceList": namespaces,
			"ClusterType": orDefault(cluster.Type, "MANAGED_CLUSTER"), "ClusterVersion": cluster.Version,
		})
	}
	return out
}

func (s *Simulator) tkeIngresses(cluster Cluster, namespace, secret string) []map[string]any {
	for _, ns := range cluster.Namespaces {
		for _, sec := range ns.Secrets {
			if ns.Name == namespace && sec.Name == secret {
				return ingressList(sec)
			}
		}
	}
	return []map[string]any{}
}

// boundTSE renders TSEInstanceDetail per gateway, with only the gateway
// certificates holding the SSL certificate.
func (s *Simulator) boundTSE(units []*unit, cert string) []map[string]any {
	out := []map[string]any{}
	order, groups := groupBy(units, func(u *unit) string { return u.info.InstanceID })
	for _, gwID := range order {
		certs := []map[string]any{}
		for _, u := range groups[gwID] {
			certs = append(certs, map[string]any{
				"Id": u.info.ListenerID, "Name": u.info.ListenerName, "BindDomains": nonNil(u.info.Domains),
				"CertSource": "ssl", "CertId": cert,
			})
		}
		out = append(out, map[string]any{"GatewayId": gwID, "GatewayName": groups[gwID][0].info.InstanceName, "CertificateList": certs})
	}
	return out
}

// boundTCB renders TCBEnvironments per environment. The domains' bound
// certificate is in OldCertificateId, the only place a TCB binding shows.
func (s *Simulator) boundTCB(units []*unit, cert string) []map[string]any {
	out := []map[string]any{}
	order, groups := groupBy(units, func(u *unit) string { return u.info.EnvID })
	for _, envID := range order {
		access, host := []map[string]any{}, []map[string]any{}
		for _, u := range groups[envID] {
			if u.info.TCBType == "HostService" {
				host = append(host, map[string]any{"Domain": u.info.Domains[0], "Status": "online", "DNSStatus": "ok", "OldCertificateId": cert})
			} else {
				access = append(access, map[string]any{"Domain": u.info.Domains[0], "Status": 1, "UnionStatus": 1,
					"IsPreempted": false, "ICPStatus": 0, "OldCertificateId": cert})
			}
		}
		out = append(out, map[string]any{
			"Environment":   map[string]any{"ID": envID, "Source": "qcloud", "Name": groups[envID][0].info.InstanceName, "Status": "NORMAL"},
			"AccessService": map[string]any{"InstanceList": access, "TotalCount": len(access)},
			"HostService":   map[string]any{"InstanceList": host, "TotalCount": len(host)},
		})
	}
	return out
}
