package targets

import (
	"strings"
	"testing"

	v1 "github.com/certsync/tencent-cert-operator/api/v1alpha1"
)

func TestRender(t *testing.T) {
	cases := []struct {
		name   string
		rt     v1.ResourceType
		region v1.Region
		target v1.Target
		want   string
	}{
		{"a clb SNI domain renders as balancer, listener and domain", v1.ResourceTypeCLB, "ap-guangzhou",
			v1.Target{LoadBalancerID: "lb-bid2fs4g", ListenerID: "lbl-a8af11gs", Domain: "tencent.com"}, "lb-bid2fs4g|lbl-a8af11gs|tencent.com"},
		{"a clb listener without SNI renders as balancer and listener", v1.ResourceTypeCLB, "ap-guangzhou",
			v1.Target{LoadBalancerID: "lb-bid2fs4g", ListenerID: "lbl-1c6rp5eo"}, "lb-bid2fs4g|lbl-1c6rp5eo"},
		{"a cdn domain carries its billing switch", v1.ResourceTypeCDN, "",
			v1.Target{Domain: "cdn2.tencent.com", HTTPSBilling: "off"}, "cdn2.tencent.com|off"},
		{"a ddos rule renders instance, domain and port", v1.ResourceTypeDDoS, "",
			v1.Target{InstanceID: "bgpip-000001ms", Domain: "tencent.com", Port: 443}, "bgpip-000001ms|tencent.com|443"},
		{"a live domain renders alone", v1.ResourceTypeLive, "", v1.Target{Domain: "live1.tencent.com"}, "live1.tencent.com"},
		{"a vod domain renders alone", v1.ResourceTypeVOD, "", v1.Target{Domain: "vod1.tencent.com"}, "vod1.tencent.com"},
		{"a waf domain renders alone", v1.ResourceTypeWAF, "ap-guangzhou", v1.Target{Domain: "waf1.tencent.com"}, "waf1.tencent.com"},
		{"a teo domain renders alone", v1.ResourceTypeTEO, "", v1.Target{Domain: "edgeone1.tencent.com"}, "edgeone1.tencent.com"},
		{"an api gateway domain renders with its service", v1.ResourceTypeAPIGateway, "ap-guangzhou",
			v1.Target{ServiceID: "service-8sk7cqmd", Domain: "apigw1.tencent.com"}, "service-8sk7cqmd|apigw1.tencent.com"},
		{"a tke secret renders cluster, namespace and name", v1.ResourceTypeTKE, "ap-guangzhou",
			v1.Target{ClusterID: "cls-42sa0ae0", Namespace: "default", SecretName: "test-tencent"}, "cls-42sa0ae0|default|test-tencent"},
		{"a cos bucket takes the deployment's region", v1.ResourceTypeCOS, "ap-hongkong",
			v1.Target{Bucket: "ssl-server-1251810746", Domain: "tencent.com"}, "ap-hongkong|ssl-server-1251810746|tencent.com"},
		{"a lighthouse instance keeps its own matching region", v1.ResourceTypeLighthouse, "ap-shanghai",
			v1.Target{Region: "ap-shanghai", InstanceID: "lhins-nh7lql34", Domain: "tencent.com"}, "ap-shanghai|lhins-nh7lql34|tencent.com"},
		{"a tse gateway renders with the gateway's certificate ID", v1.ResourceTypeTSE, "ap-guangzhou",
			v1.Target{GatewayID: "gateway-s1da9151", CertificateID: "fa61bc05-cc54-4eea-c932-24de52577372"}, "gateway-s1da9151|fa61bc05-cc54-4eea-c932-24de52577372"},
		{"a tcb entry renders type, region, environment and domain", v1.ResourceTypeTCB, "ap-shanghai",
			v1.Target{Type: "AccessService", EnvID: "ceshi-4s5h0ymg11c839c7", Domain: "tencent.com"}, "AccessService|ap-shanghai|ceshi-4s5h0ymg11c839c7|tencent.com"},
	}
	covered := map[v1.ResourceType]bool{}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, err := Render(tc.rt, tc.region, tc.target)
			if err != nil {
				t.Fatalf("Render: %v", err)
			}
			if got != tc.want {
				t.Fatalf("got %q, want %q", got, tc.want)
			}
		})
		covered[tc.rt] = true
	}
	for _, rt := range v1.ResourceTypes {
		if !covered[rt] {
			t.Errorf("resource type %s has no rendering case", rt)
		}
	}
}

func TestRenderRejectsMalformedTargets(t *testing.T) {
	cases := []struct {
		name   string
		rt     v1.ResourceType
		region v1.Region
		target v1.Target
		want   string
	}{
		{"a clb target without a listener", v1.ResourceTypeCLB, "ap-guangzhou", v1.Target{LoadBalancerID: "lb-1"}, "clb targets need listenerId"},
		{"a cdn target without a billing switch", v1.ResourceTypeCDN, "", v1.Target{Domain: "a.example.com"}, "cdn targets need httpsBilling"},
		{"a field that belongs to another type", v1.ResourceTypeLive, "", v1.Target{Domain: "a.example.com", Port: 443}, "field port does not apply to live targets"},
		{"a value with a pipe", v1.ResourceTypeWAF, "", v1.Target{Domain: "a.example.com|x"}, "must not contain '|'"},
		{"a target region unlike the deployment's", v1.ResourceTypeCOS, "ap-guangzhou", v1.Target{Region: "ap-hongkong", Bucket: "b-1", Domain: "a.example.com"}, "differs from the deployment's region"},
		{"a cos target with no region at all", v1.ResourceTypeCOS, "", v1.Target{Bucket: "b-1", Domain: "a.example.com"}, "cos targets need region"},
		{"an unknown resource type", "elb", "", v1.Target{Domain: "a.example.com"}, "unknown resource type"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Render(tc.rt, tc.region, tc.target)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("got %v, want an error containing %q", err, tc.want)
			}
		})
	}
}

func TestRenderAllRejectsDuplicates(t *testing.T) {
	spec := &v1.CertificateDeploymentSpec{ResourceType: v1.ResourceTypeTEO, Targets: []v1.Target{
		{Domain: "a.example.com"}, {Domain: "b.example.com"}, {Domain: "a.example.com"},
	}}
	_, err := RenderAll(spec)
	if err == nil || err.Error() != "targets[2] repeats targets[0] (a.example.com)" {
		t.Fatalf("got %v", err)
	}
	spec.Targets = spec.Targets[:2]
	ids, err := RenderAll(spec)
	if err != nil || strings.Join(ids, ",") != "a.example.com,b.example.com" {
		t.Fatalf("got %v, %v", ids, err)
	}
}

func TestRenderAllComparesTargetsByKey(t *testing.T) {
	spec := &v1.CertificateDeploymentSpec{ResourceType: v1.ResourceTypeCDN, Targets: []v1.Target{
		{Domain: "a.example.com", HTTPSBilling: "on"}, {Domain: "A.example.com", HTTPSBilling: "off"},
	}}
	if _, err := RenderAll(spec); err == nil || !strings.Contains(err.Error(), "repeats") {
		t.Fatalf("one CDN domain with two billing switches must be rejected, got %v", err)
	}
}

func FuzzRender(f *testing.F) {
	f.Add("clb", "ap-guangzhou", "lb-1", "lbl-1", "a.example.com", "", int32(0))
	f.Add("cdn", "", "", "", "a.example.com", "on", int32(0))
	f.Add("ddos", "", "bgpip-1", "", "a|b", "", int32(443))
	f.Fuzz(func(t *testing.T, rt, region, a, b, domain, billing string, port int32) {
		target := v1.Target{LoadBalancerID: a, ListenerID: b, InstanceID: a, Domain: domain, HTTPSBilling: billing, Port: port}
		got, err := Render(v1.ResourceType(rt), v1.Region(region), target)
		if err != nil {
			return
		}
		want := len(layout[v1.ResourceType(rt)].order)
		if n := strings.Count(got, "|") + 1; n > want {
			t.Fatalf("entry %q has %d fields, the layout of %s has %d", got, n, rt, want)
		}
	})
}
