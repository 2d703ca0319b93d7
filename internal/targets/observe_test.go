package targets

import (
	"context"
	"errors"
	"strconv"
	"strings"
	"testing"

	v1 "github.com/certsync/tencent-cert-operator/api/v1alpha1"
	"github.com/certsync/tencent-cert-operator/internal/tencentcloud"
)

// TestItemKeyMatchesKey checks, for every resource type, that a deploy record item reporting on
// a target has the same key as the target itself, as the items of the reference's examples show.
func TestItemKeyMatchesKey(t *testing.T) {
	cases := []struct {
		name   string
		rt     v1.ResourceType
		target v1.Target
		item   tencentcloud.DeployRecordDetail
	}{
		{"a clb SNI domain item names the balancer, listener and domain", v1.ResourceTypeCLB,
			v1.Target{LoadBalancerID: "lb-1", ListenerID: "lbl-1", Domain: "WWW.example.com"},
			tencentcloud.DeployRecordDetail{InstanceId: "lb-1", ListenerId: "lbl-1", SniSwitch: 1, Domains: []string{"www.example.com"}}},
		{"a clb listener item ignores the listener's domains", v1.ResourceTypeCLB,
			v1.Target{LoadBalancerID: "lb-1", ListenerID: "lbl-2"},
			tencentcloud.DeployRecordDetail{InstanceId: "lb-1", ListenerId: "lbl-2", Domains: []string{"a.example.com", "b.example.com"}}},
		{"a cdn item carries the billing switch in its domain", v1.ResourceTypeCDN,
			v1.Target{Domain: "cdn.example.com", HTTPSBilling: "off"},
			tencentcloud.DeployRecordDetail{Domains: []string{"cdn.example.com|on"}}},
		{"a ddos item reports its port", v1.ResourceTypeDDoS,
			v1.Target{InstanceID: "bgpip-1", Domain: "www.example.com", Port: 443},
			tencentcloud.DeployRecordDetail{InstanceId: "bgpip-1", Domains: []string{"www.example.com"}, Port: 443}},
		{"a live item is its domain", v1.ResourceTypeLive, v1.Target{Domain: "live.example.com"},
			tencentcloud.DeployRecordDetail{Domains: []string{"live.example.com"}}},
		{"a vod item is its domain", v1.ResourceTypeVOD, v1.Target{Domain: "vod.example.com"},
			tencentcloud.DeployRecordDetail{Domains: []string{"vod.example.com"}}},
		{"a waf item is its domain", v1.ResourceTypeWAF, v1.Target{Domain: "waf.example.com"},
			tencentcloud.DeployRecordDetail{Domains: []string{"waf.example.com"}}},
		{"a teo item is its domain", v1.ResourceTypeTEO, v1.Target{Domain: "edge.example.com"},
			tencentcloud.DeployRecordDetail{Domains: []string{"edge.example.com"}}},
		{"an api gateway item names the service", v1.ResourceTypeAPIGateway, v1.Target{ServiceID: "service-1", Domain: "api.example.com"},
			tencentcloud.DeployRecordDetail{InstanceId: "service-1", Domains: []string{"api.example.com"}}},
		{"a tke item names cluster, namespace and secret", v1.ResourceTypeTKE, v1.Target{ClusterID: "cls-1", Namespace: "default", SecretName: "web"},
			tencentcloud.DeployRecordDetail{InstanceId: "cls-1", Namespace: "default", SecretName: "web"}},
		{"a cos item takes the deployment's region", v1.ResourceTypeCOS, v1.Target{Bucket: "b-125", Domain: "cos.example.com"},
			tencentcloud.DeployRecordDetail{Bucket: "b-125", Domains: []string{"cos.example.com"}}},
		{"a lighthouse item takes the deployment's region", v1.ResourceTypeLighthouse, v1.Target{InstanceID: "lhins-1", Domain: "blog.example.com"},
			tencentcloud.DeployRecordDetail{InstanceId: "lhins-1", Domains: []string{"blog.example.com"}}},
		{"a tse item names the gateway certificate", v1.ResourceTypeTSE, v1.Target{GatewayID: "gateway-1", CertificateID: "uuid-1"},
			tencentcloud.DeployRecordDetail{InstanceId: "gateway-1", ListenerId: "uuid-1"}},
		{"a tcb item reports its own region", v1.ResourceTypeTCB, v1.Target{Type: "AccessService", EnvID: "env-1", Domain: "app.example.com"},
			tencentcloud.DeployRecordDetail{TCBType: "AccessService", Region: "ap-shanghai", EnvId: "env-1", Domains: []string{"app.example.com"}}},
	}
	covered := map[v1.ResourceType]bool{}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			region := v1.Region("ap-shanghai")
			id, err := Render(c.rt, region, c.target)
			if err != nil {
				t.Fatal(err)
			}
			if got, want := ItemKey(c.rt, string(region), c.item), Key(c.rt, id); got != want {
				t.Fatalf("item key %q, target key %q", got, want)
			}
		})
		covered[c.rt] = true
	}
	for _, rt := range v1.ResourceTypes {
		if !covered[rt] {
			t.Errorf("resource type %s has no case", rt)
		}
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

// pagedCDN answers DescribeHostCdnInstanceList in pages of at most 200 out of total domains.
type pagedCDN struct {
	tencentcloud.API
	total, calls int
}

func (p *pagedCDN) DescribeHostCdnInstanceList(_ context.Context, req *tencentcloud.DescribeHostCdnInstanceListRequest) (*tencentcloud.DescribeHostCdnInstanceListResponse, error) {
	p.calls++
	resp := &tencentcloud.DescribeHostCdnInstanceListResponse{TotalCount: tencentcloud.FlexInt(p.total), RequestId: "req-" + strconv.Itoa(p.calls)}
	for i := int(req.Offset); i < p.total && i < int(req.Offset)+int(req.Limit); i++ {
		resp.InstanceList = append(resp.InstanceList, tencentcloud.CdnInstanceDetail{Domain: "d" + string(rune('a'+i%26)) + strings.Repeat("x", i/26) + ".example.com", CertId: "cert"})
	}
	return resp, nil
}

func TestBoundPagesThroughLargeAccounts(t *testing.T) {
	api := &pagedCDN{total: 450}
	got, requestID, err := Bound(context.Background(), api, v1.ResourceTypeCDN, "cert")
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 450 || api.calls != 3 || requestID != "req-3" {
		t.Fatalf("got %d domains in %d calls (RequestId %q), want 450 in 3 (req-3)", len(got), api.calls, requestID)
	}
}

func TestBoundSaysWhichTypesItCannotSee(t *testing.T) {
	for _, rt := range []v1.ResourceType{v1.ResourceTypeLighthouse, v1.ResourceTypeTSE, v1.ResourceTypeTCB} {
		if _, _, err := Bound(context.Background(), nil, rt, "cert"); !errors.Is(err, ErrUnobservable) {
			t.Errorf("%s: got %v, want ErrUnobservable", rt, err)
		}
	}
}
