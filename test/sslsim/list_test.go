package sslsim

import (
	"encoding/json"
	"slices"
	"testing"
)

func TestDescribeDeployedResourcesReflectsBindings(t *testing.T) {
	e := newEnv(t, nil)
	cert := e.upload(exampleCert(t))
	unused := e.upload(exampleCert(t))
	for _, b := range [][2]string{
		{"clb", "lb-web1|lbl-https"}, {"clb", "lb-web1|lbl-sni|a.example.com"}, {"clb", "lb-sh|lbl-sh"},
		{"cdn", "cdn.example.com"}, {"ddos", "bgpip-1|ddos.example.com|443"}, {"teo", "teo.example.com"},
	} {
		if err := e.sim.Bind(b[0], b[1], cert); err != nil {
			t.Fatal(err)
		}
	}
	tests := []struct {
		resourceType string
		want         []string
	}{
		{resourceType: "clb", want: []string{"lb-web1", "lb-sh"}},
		{resourceType: "cdn", want: []string{"cdn.example.com"}},
		{resourceType: "antiddos", want: []string{"bgpip-1"}},
		{resourceType: "teo", want: []string{"teo.example.com"}},
		{resourceType: "waf", want: []string{}},
	}
	for _, tt := range tests {
		t.Run("resource type "+tt.resourceType+" lists the bound resources", func(t *testing.T) {
			var out struct {
				DeployedResources []struct {
					CertificateId string
					Count         int
					Type          string
					Resources     []string
					ResourceIds   []string
				}
			}
			e.mustCall("", "DescribeDeployedResources", map[string]any{"CertificateIds": []string{cert, unused}, "ResourceType": tt.resourceType}, &out)
			if len(out.DeployedResources) != 2 {
				t.Fatalf("got %+v, want one entry per certificate", out)
			}
			got := out.DeployedResources[0]
			if got.CertificateId != cert || got.Type != tt.resourceType || got.Count != len(tt.want) || !slices.Equal(got.Resources, tt.want) || !slices.Equal(got.ResourceIds, tt.want) {
				t.Fatalf("got %+v, want resources %v", got, tt.want)
			}
			if out.DeployedResources[1].Count != 0 {
				t.Fatalf("the unused certificate has resources: %+v", out.DeployedResources[1])
			}
		})
	}
	wantCode(t, e.call("DescribeDeployedResources", map[string]any{"CertificateIds": []string{"missing1"}, "ResourceType": "clb"}), CodeContainsInvalidCertificateID)
	wantCode(t, e.call("DescribeDeployedResources", map[string]any{"CertificateIds": []string{cert}, "ResourceType": "ddos"}), CodeWithDetailReason)
	tooMany := make([]string, 51)
	for i := range tooMany {
		tooMany[i] = cert
	}
	wantCode(t, e.call("DescribeDeployedResources", map[string]any{"CertificateIds": tooMany, "ResourceType": "clb"}), CodeCertificateIDNumberLimit)
}

type clbList struct {
	TotalCount   int
	InstanceList []struct {
		LoadBalancerId string
		Listeners      []struct {
			ListenerId  string
			SniSwitch   int
			Certificate *struct {
				CertId   string
				DnsNames []string
			}
			NoMatchDomains []string
			Rules          []struct {
				Domain      string
				IsMatch     bool
				Certificate *struct{ CertId string }
			}
		}
	}
}

func TestDescribeHostClbInstanceListShowsBindingsAndMatches(t *testing.T) {
	e := newEnv(t, globalLists)
	cert := e.upload(exampleCert(t))
	orgCert := e.upload(leaf(t, "www.example.org"))
	if err := e.sim.Bind("clb", "lb-web1|lbl-https", cert); err != nil {
		t.Fatal(err)
	}
	if err := e.sim.Bind("clb", "lb-web1|lbl-sni|b.example.com", cert); err != nil {
		t.Fatal(err)
	}
	var all clbList
	e.mustCall("", "DescribeHostClbInstanceList", fresh(map[string]any{"CertificateId": cert}), &all)
	if all.TotalCount != 2 {
		t.Fatalf("TotalCount = %d, want both load balancers matching", all.TotalCount)
	}
	lb := all.InstanceList[0]
	listeners := map[string]int{}
	for i, l := range lb.Listeners {
		listeners[l.ListenerId] = i
	}
	if _, ok := listeners["lbl-http"]; ok {
		t.Error("an HTTP listener is listed")
	}
	https := lb.Listeners[listeners["lbl-https"]]
	if https.Certificate == nil || https.Certificate.CertId != cert || len(https.Certificate.DnsNames) != 2 {
		t.Errorf("the non-SNI listener certificate = %+v, want %s", https.Certificate, cert)
	}
	sni := lb.Listeners[listeners["lbl-sni"]]
	if sni.SniSwitch != 1 || sni.Certificate != nil {
		t.Errorf("the SNI listener = %+v, want SniSwitch 1 and per-rule certificates", sni)
	}
	for _, r := range sni.Rules {
		bound := r.Certificate != nil && r.Certificate.CertId == cert
		if bound != (r.Domain == "b.example.com") {
			t.Errorf("rule %s certificate = %+v", r.Domain, r.Certificate)
		}
		if r.IsMatch != (r.Domain == "a.example.com" || r.Domain == "b.example.com") {
			t.Errorf("rule %s IsMatch = %v", r.Domain, r.IsMatch)
		}
	}
	mixed := lb.Listeners[listeners["lbl-mixed"]]
	if !slices.Equal(mixed.NoMatchDomains, []string{"www.example.org"}) {
		t.Errorf("NoMatchDomains = %v, want the uncovered www.example.org", mixed.NoMatchDomains)
	}

	tests := []struct {
		name   string
		params map[string]any
		want   []string
	}{
		{name: "no certificate lists every load balancer", params: map[string]any{}, want: []string{"lb-web1", "lb-sh"}},
		{name: "the default filter lists matching instances", params: map[string]any{"CertificateId": orgCert}, want: []string{"lb-web1"}},
		{name: "domainMatch 0 lists instances that do not match", params: map[string]any{"CertificateId": orgCert,
			"Filters": []map[string]string{{"FilterKey": "domainMatch", "FilterValue": "0"}}}, want: []string{"lb-web1", "lb-sh"}},
		{name: "the capitalized filter key works too", params: map[string]any{"CertificateId": orgCert,
			"Filters": []map[string]string{{"FilterKey": "DomainMatch", "FilterValue": "1"}}}, want: []string{"lb-web1"}},
		{name: "OldCertificateId lists instances serving it", params: map[string]any{"CertificateId": cert, "OldCertificateId": cert}, want: []string{"lb-web1"}},
		{name: "paging takes a numeric string", params: map[string]any{"Offset": "1", "Limit": "1"}, want: []string{"lb-sh"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got clbList
			e.mustCall("", "DescribeHostClbInstanceList", fresh(tt.params), &got)
			var ids []string
			for _, lb := range got.InstanceList {
				ids = append(ids, lb.LoadBalancerId)
			}
			if !slices.Equal(ids, tt.want) {
				t.Fatalf("listed %v, want %v", ids, tt.want)
			}
		})
	}
	wantCode(t, e.call("DescribeHostClbInstanceList", map[string]any{"CertificateId": "missing1"}), CodeCertificateNotFound)
	wantCode(t, e.call("DescribeHostClbInstanceList", map[string]any{"Filters": []map[string]string{{"FilterKey": "region", "FilterValue": "1"}}}), CodeInvalidParam)
}

func TestDescribeHostInstanceListsReportTheBoundCertificate(t *testing.T) {
	e := newEnv(t, nil)
	cert := e.upload(exampleCert(t))
	bindings := [][2]string{
		{"cdn", "cdn.example.com"}, {"waf", "waf.example.com"}, {"teo", "teo.example.com"}, {"live", "live.example.com"},
		{"vod", "vod.example.com"}, {"tke", "cls-1|default|tls-web"}, {"cos", "ap-guangzhou|assets-1250000000|cos.example.com"},
		{"apigateway", "service-1|gw.example.com"}, {"ddos", "bgpip-1|ddos.example.com|443"},
	}
	for _, b := range bindings {
		if err := e.sim.Bind(b[0], b[1], cert); err != nil {
			t.Fatal(err)
		}
	}
	tests := []struct {
		action  string
		path    []string // path to the certificate ID in the first instance
		noTotal bool
	}{
		{action: "DescribeHostCdnInstanceList", path: []string{"CertId"}},
		{action: "DescribeHostWafInstanceList", path: []string{"CertId"}, noTotal: true},
		{action: "DescribeHostTeoInstanceList", path: []string{"CertId"}},
		{action: "DescribeHostLiveInstanceList", path: []string{"CertId"}, noTotal: true},
		{action: "DescribeHostVodInstanceList", path: []string{"CertId"}},
		{action: "DescribeHostCosInstanceList", path: []string{"CertId"}},
		{action: "DescribeHostApiGatewayInstanceList", path: []string{"CertId"}},
		{action: "DescribeHostDdosInstanceList", path: []string{"CertId"}},
		{action: "DescribeHostTkeInstanceList", path: []string{"NamespaceList", "0", "SecretList", "0", "CertId"}},
	}
	for _, tt := range tests {
		t.Run(tt.action+" reports the bound certificate", func(t *testing.T) {
			resp := e.mustCall("", tt.action, fresh(map[string]any{"CertificateId": cert}), nil)
			if _, ok := resp.Fields["TotalCount"]; ok == tt.noTotal {
				t.Errorf("TotalCount present = %v, documented present = %v", ok, !tt.noTotal)
			}
			var list []any
			if err := json.Unmarshal(resp.Fields["InstanceList"], &list); err != nil || len(list) != 1 {
				t.Fatalf("InstanceList = %s, want one instance", resp.Fields["InstanceList"])
			}
			var v any = list[0]
			for _, p := range tt.path {
				switch x := v.(type) {
				case map[string]any:
					v = x[p]
				case []any:
					v = x[0]
				}
			}
			if v != cert {
				t.Fatalf("certificate = %v, want %s", v, cert)
			}
		})
	}
	var tke struct {
		InstanceList []struct {
			NamespaceList []struct {
				SecretList []struct{ NoMatchDomains []string }
			}
		}
	}
	e.mustCall("", "DescribeHostTkeInstanceList", map[string]any{"CertificateId": e.upload(leaf(t, "www.example.org")),
		"Filters": []map[string]string{{"FilterKey": "domainMatch", "FilterValue": "0"}}}, &tke)
	if got := tke.InstanceList[0].NamespaceList[0].SecretList[0].NoMatchDomains; !slices.Equal(got, []string{"www.example.com"}) {
		t.Fatalf("NoMatchDomains = %v, want the ingress TLS domain", got)
	}
	wantCode(t, e.call("DescribeHostTeoInstanceList", map[string]any{}), CodeMissingParameter)
	wantCode(t, e.call("DescribeHostLighthouseInstanceList", map[string]any{"OldCertificateId": cert}), CodeUnknownParameter)
}
