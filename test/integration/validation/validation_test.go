package validation_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/utils/ptr"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/yaml"

	. "github.com/certsync/tencent-cert-operator/api/v1alpha1"
	"github.com/certsync/tencent-cert-operator/internal/testenv"
)

var k8s client.Client

const ns = "validation"

func TestMain(m *testing.M) {
	env, err := testenv.Start()
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	k8s = env.Client
	err = k8s.Create(context.Background(), &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: ns}})
	code := 1
	if err == nil {
		code = m.Run()
	} else {
		fmt.Fprintln(os.Stderr, err)
	}
	_ = env.Stop()
	os.Exit(code)
}

func ref(name string) *LocalObjectReference { return &LocalObjectReference{Name: name} }

func deployment(rt ResourceType, region Region, targets ...Target) *CertificateDeployment {
	return &CertificateDeployment{
		ObjectMeta: metav1.ObjectMeta{GenerateName: "cd-", Namespace: ns},
		Spec: CertificateDeploymentSpec{
			CertificateRef: ref("web"),
			ResourceType:   rt,
			Region:         region,
			Targets:        targets,
		},
	}
}

func certificate(mutate func(*TencentCertificateSpec)) *TencentCertificate {
	tc := &TencentCertificate{
		ObjectMeta: metav1.ObjectMeta{GenerateName: "tc-", Namespace: ns},
		Spec:       TencentCertificateSpec{SecretRef: ref("web-tls")},
	}
	mutate(&tc.Spec)
	return tc
}

// validTargets has one valid target per resource type, with the region the type needs.
var validTargets = map[ResourceType]struct {
	region Region
	target Target
}{
	ResourceTypeCLB:        {"ap-guangzhou", Target{LoadBalancerID: "lb-abc123", ListenerID: "lbl-def456", Domain: "www.example.com"}},
	ResourceTypeCDN:        {"", Target{Domain: "cdn.example.com", HTTPSBilling: "on"}},
	ResourceTypeDDoS:       {"", Target{InstanceID: "bgpip-000001ms", Domain: "www.example.com", Port: 443}},
	ResourceTypeLive:       {"", Target{Domain: "live.example.com"}},
	ResourceTypeVOD:        {"", Target{Domain: "vod.example.com"}},
	ResourceTypeWAF:        {"ap-guangzhou", Target{Domain: "waf.example.com"}},
	ResourceTypeAPIGateway: {"ap-guangzhou", Target{ServiceID: "service-8sk7cqmd", Domain: "api.example.com"}},
	ResourceTypeTEO:        {"", Target{Domain: "edge.example.com"}},
	ResourceTypeTKE:        {"ap-guangzhou", Target{ClusterID: "cls-42sa0ae0", Namespace: "default", SecretName: "web-tls"}},
	ResourceTypeCOS:        {"ap-hongkong", Target{Bucket: "assets-1251810746", Domain: "static.example.com", Region: "ap-hongkong"}},
	ResourceTypeLighthouse: {"ap-shanghai", Target{InstanceID: "lhins-nh7lql34", Domain: "blog.example.com"}},
	ResourceTypeTSE:        {"ap-guangzhou", Target{GatewayID: "gateway-s1da9151", CertificateID: "fa61bc05-cc54-4eea-c932-24de52577372"}},
	ResourceTypeTCB:        {"ap-shanghai", Target{Type: "AccessService", EnvID: "env-4s5h0ymg", Domain: "app.example.com"}},
}

func TestValidObjectsAreAccepted(t *testing.T) {
	ctx := context.Background()
	for _, rt := range ResourceTypes {
		t.Run(fmt.Sprintf("a %s deployment with a valid target is accepted", rt), func(t *testing.T) {
			v := validTargets[rt]
			if err := k8s.Create(ctx, deployment(rt, v.region, v.target), client.DryRunAll); err != nil {
				t.Fatalf("create: %v", err)
			}
		})
	}
	t.Run("a clb listener target without a domain is accepted", func(t *testing.T) {
		cd := deployment(ResourceTypeCLB, "ap-guangzhou", Target{LoadBalancerID: "lb-abc123", ListenerID: "lbl-def456"})
		if err := k8s.Create(ctx, cd, client.DryRunAll); err != nil {
			t.Fatalf("create: %v", err)
		}
	})
	t.Run("a deployment of a fixed certificate ID is accepted and defaulted", func(t *testing.T) {
		cd := deployment(ResourceTypeCDN, "", validTargets[ResourceTypeCDN].target)
		cd.Spec.CertificateRef, cd.Spec.CertificateID = nil, "vyRlKIeI"
		if err := k8s.Create(ctx, cd, client.DryRunAll); err != nil {
			t.Fatalf("create: %v", err)
		}
		if cd.Spec.FailurePolicy != FailurePolicyRetry || ptr.Deref(cd.Spec.RetryLimit, -1) != 3 ||
			cd.Spec.DriftCheckInterval == nil || cd.Spec.DriftCheckInterval.Duration.String() != "1h0m0s" {
			t.Fatalf("defaults not applied: %+v", cd.Spec)
		}
	})
	t.Run("a certificate from a Secret is accepted and defaulted", func(t *testing.T) {
		tc := certificate(func(s *TencentCertificateSpec) {
			s.Rotation = &RotationSpec{UpdateBoundResources: []BoundResourceUpdate{
				{ResourceType: "clb", Regions: []Region{"ap-guangzhou"}},
				{ResourceType: "cdn"},
			}}
		})
		if err := k8s.Create(ctx, tc, client.DryRunAll); err != nil {
			t.Fatalf("create: %v", err)
		}
		if tc.Spec.Type != CertificateTypeSVR || tc.Spec.Rotation.OldCertificates != OldCertificatesRetain ||
			!ptr.Deref(tc.Spec.Rotation.MuteExpiryNotifications, false) {
			t.Fatalf("defaults not applied: %+v", tc.Spec)
		}
	})
	t.Run("an adopted certificate is accepted", func(t *testing.T) {
		tc := certificate(func(s *TencentCertificateSpec) { s.SecretRef, s.CertificateID = nil, "LtIaSxlb" })
		if err := k8s.Create(ctx, tc, client.DryRunAll); err != nil {
			t.Fatalf("create: %v", err)
		}
	})
}

func TestInvalidObjectsAreRejected(t *testing.T) {
	clb := validTargets[ResourceTypeCLB].target
	cases := []struct {
		name string
		obj  client.Object
		want string
	}{
		{
			"a certificate with neither secretRef nor certificateId",
			certificate(func(s *TencentCertificateSpec) { s.SecretRef = nil }),
			"spec: Invalid value: exactly one of secretRef and certificateId must be set",
		},
		{
			"a certificate with both secretRef and certificateId",
			certificate(func(s *TencentCertificateSpec) { s.CertificateID = "LtIaSxlb" }),
			"spec: Invalid value: exactly one of secretRef and certificateId must be set",
		},
		{
			"a certificate whose ingress Secret is its source Secret",
			certificate(func(s *TencentCertificateSpec) { s.IngressSecret = ref("web-tls") }),
			"spec: Invalid value: ingressSecret must not name the source Secret",
		},
		{
			"an adopted certificate with a rotation policy",
			certificate(func(s *TencentCertificateSpec) {
				s.SecretRef, s.CertificateID, s.Rotation = nil, "LtIaSxlb", &RotationSpec{}
			}),
			"spec: Invalid value: rotation applies only to certificates uploaded from secretRef",
		},
		{
			"a certificate naming both an account and a credentials Secret",
			certificate(func(s *TencentCertificateSpec) {
				s.AccountRef, s.CredentialsRef = &AccountReference{Name: "team-a"}, ref("keys")
			}),
			"spec: Invalid value: at most one of accountRef and credentialsRef may be set",
		},
		{
			"a deployment naming both an account and a credentials Secret",
			func() client.Object {
				cd := deployment(ResourceTypeCLB, "ap-guangzhou", clb)
				cd.Spec.AccountRef, cd.Spec.CredentialsRef = &AccountReference{Name: "team-a"}, ref("keys")
				return cd
			}(),
			"spec: Invalid value: at most one of accountRef and credentialsRef may be set",
		},
		{
			"an account whose Secret identity names no Secret",
			&TencentCloudAccount{ObjectMeta: metav1.ObjectMeta{Name: "no-secret"}, Spec: TencentCloudAccountSpec{
				Identity: AccountIdentity{Type: AccountIdentitySecret}, NamespaceSelector: &metav1.LabelSelector{}}},
			"spec.identity: Invalid value: secretRef is required for type Secret and allowed only there",
		},
		{
			"an account assuming an OIDC role without its ARN",
			&TencentCloudAccount{ObjectMeta: metav1.ObjectMeta{Name: "no-arn"}, Spec: TencentCloudAccountSpec{
				Identity: AccountIdentity{Type: AccountIdentityTKEOIDC}}},
			"spec.identity: Invalid value: roleArn is required for type TKEOIDC and allowed only there",
		},
		{
			"a certificate of an unknown type",
			certificate(func(s *TencentCertificateSpec) { s.Type = "PEM" }),
			"spec.type: Unsupported value: \"PEM\": supported values: \"SVR\", \"CA\"",
		},
		{
			"a certificate with an unknown deletion policy",
			certificate(func(s *TencentCertificateSpec) { s.DeletionPolicy = "Orphan" }),
			"spec.deletionPolicy: Unsupported value: \"Orphan\": supported values: \"Delete\", \"Retain\"",
		},
		{
			"a bound-resource update of clb without regions",
			certificate(func(s *TencentCertificateSpec) {
				s.Rotation = &RotationSpec{UpdateBoundResources: []BoundResourceUpdate{{ResourceType: "clb"}}}
			}),
			"spec.rotation.updateBoundResources[0]: Invalid value: regions is required for resourceType clb",
		},
		{
			"a bound-resource update of lighthouse, which the update API lacks",
			certificate(func(s *TencentCertificateSpec) {
				s.Rotation = &RotationSpec{UpdateBoundResources: []BoundResourceUpdate{{ResourceType: "lighthouse", Regions: []Region{"ap-shanghai"}}}}
			}),
			"spec.rotation.updateBoundResources[0].resourceType: Unsupported value: \"lighthouse\"",
		},
		{
			"a deployment with neither certificateRef nor certificateId",
			func() client.Object {
				cd := deployment(ResourceTypeCLB, "ap-guangzhou", clb)
				cd.Spec.CertificateRef = nil
				return cd
			}(),
			"spec: Invalid value: exactly one of certificateRef and certificateId must be set",
		},
		{
			"a deployment with both certificateRef and certificateId",
			func() client.Object {
				cd := deployment(ResourceTypeCLB, "ap-guangzhou", clb)
				cd.Spec.CertificateID = "vyRlKIeI"
				return cd
			}(),
			"spec: Invalid value: exactly one of certificateRef and certificateId must be set",
		},
		{
			"a deployment of an unknown resource type",
			deployment("elb", "ap-guangzhou", clb),
			"spec.resourceType: Unsupported value: \"elb\"",
		},
		{
			"a deployment with an empty target list",
			func() client.Object {
				cd := deployment(ResourceTypeCDN, "")
				cd.Spec.Targets = []Target{}
				return cd
			}(),
			"spec.targets: Invalid value: 0: spec.targets in body should have at least 1 items",
		},
		{
			"a deployment without targets",
			deployment(ResourceTypeCDN, ""),
			"spec.targets: Required value",
		},
		{
			"a deployment with an unknown failure policy",
			func() client.Object {
				cd := deployment(ResourceTypeCDN, "", validTargets[ResourceTypeCDN].target)
				cd.Spec.FailurePolicy = "Ignore"
				return cd
			}(),
			"spec.failurePolicy: Unsupported value: \"Ignore\": supported values: \"Retry\", \"Rollback\"",
		},
		{
			"a deployment with a retry limit above ten",
			func() client.Object {
				cd := deployment(ResourceTypeCDN, "", validTargets[ResourceTypeCDN].target)
				cd.Spec.RetryLimit = ptr.To[int32](11)
				return cd
			}(),
			"spec.retryLimit: Invalid value: 11: spec.retryLimit in body should be less than or equal to 10",
		},
		{
			"a cdn target with an unknown billing switch",
			deployment(ResourceTypeCDN, "", Target{Domain: "cdn.example.com", HTTPSBilling: "maybe"}),
			"spec.targets[0].httpsBilling: Unsupported value: \"maybe\": supported values: \"on\", \"off\"",
		},
		{
			"a tcb target of an unknown type",
			deployment(ResourceTypeTCB, "ap-shanghai", Target{Type: "Static", EnvID: "env-1", Domain: "app.example.com"}),
			"spec.targets[0].type: Unsupported value: \"Static\": supported values: \"AccessService\", \"HostService\"",
		},
		{
			"a ddos target with port zero",
			deployment(ResourceTypeDDoS, "", Target{InstanceID: "bgpip-1", Domain: "www.example.com", Port: 70000}),
			"spec.targets[0].port: Invalid value: 70000: spec.targets[0].port in body should be less than or equal to 65535",
		},
		{
			"a clb target with a malformed load balancer ID",
			deployment(ResourceTypeCLB, "ap-guangzhou", Target{LoadBalancerID: "LB_1", ListenerID: "lbl-def456"}),
			"spec.targets[0].loadBalancerId: Invalid value: \"LB_1\": spec.targets[0].loadBalancerId in body should match '^lb-[a-z0-9]+$'",
		},
		{
			"a target whose region differs from spec.region",
			deployment(ResourceTypeCOS, "ap-guangzhou", validTargets[ResourceTypeCOS].target),
			"spec: Invalid value: a target's region must equal spec.region",
		},
		{
			"a region that is not a Tencent region",
			deployment(ResourceTypeCLB, "Guangzhou", clb),
			"spec.region: Invalid value: \"Guangzhou\": spec.region in body should match",
		},
	}
	for _, rt := range ResourceTypes {
		if rt.Traits().DeployRegion {
			v := validTargets[rt]
			v.target.Region = ""
			cases = append(cases, struct {
				name string
				obj  client.Object
				want string
			}{
				fmt.Sprintf("a %s deployment without a region", rt),
				deployment(rt, "", v.target),
				fmt.Sprintf("spec: Invalid value: region is required for resourceType %s", rt),
			})
		}
	}
	wrongField := map[ResourceType]struct {
		target Target
		msg    string
	}{
		ResourceTypeCLB:        {Target{LoadBalancerID: "lb-abc123", ListenerID: "lbl-def456", Port: 443}, "clb targets need loadBalancerId and listenerId, optionally domain for an SNI listener, and no other fields"},
		ResourceTypeCDN:        {Target{Domain: "cdn.example.com"}, "cdn targets need domain and httpsBilling, and no other fields"},
		ResourceTypeDDoS:       {Target{InstanceID: "bgpip-1", Domain: "www.example.com"}, "ddos targets need instanceId, domain and port, and no other fields"},
		ResourceTypeLive:       {Target{Domain: "live.example.com", HTTPSBilling: "on"}, "live targets need domain, and no other fields"},
		ResourceTypeVOD:        {Target{ServiceID: "service-1", Domain: "vod.example.com"}, "vod targets need domain, and no other fields"},
		ResourceTypeWAF:        {Target{InstanceID: "waf-1"}, "waf targets need domain, and no other fields"},
		ResourceTypeAPIGateway: {Target{Domain: "api.example.com"}, "apigateway targets need serviceId and domain, and no other fields"},
		ResourceTypeTEO:        {Target{Domain: "edge.example.com", Bucket: "b-1251810746"}, "teo targets need domain, and no other fields"},
		ResourceTypeTKE:        {Target{ClusterID: "cls-1", Namespace: "default"}, "tke targets need clusterId, namespace and secretName, and no other fields"},
		ResourceTypeCOS:        {Target{Domain: "static.example.com"}, "cos targets need bucket and domain, optionally region, and no other fields"},
		ResourceTypeLighthouse: {Target{InstanceID: "lhins-1", Domain: "blog.example.com", Port: 443}, "lighthouse targets need instanceId and domain, optionally region, and no other fields"},
		ResourceTypeTSE:        {Target{GatewayID: "gateway-1"}, "tse targets need gatewayId and certificateId, and no other fields"},
		ResourceTypeTCB:        {Target{Type: "AccessService", Domain: "app.example.com"}, "tcb targets need type, envId and domain, optionally region, and no other fields"},
	}
	for _, rt := range ResourceTypes {
		w := wrongField[rt]
		cases = append(cases, struct {
			name string
			obj  client.Object
			want string
		}{
			fmt.Sprintf("a %s target with the wrong fields", rt),
			deployment(rt, validTargets[rt].region, validTargets[rt].target, w.target),
			"spec: Invalid value: " + w.msg,
		})
	}

	ctx := context.Background()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			err := k8s.Create(ctx, tc.obj, client.DryRunAll)
			if err == nil {
				t.Fatalf("the API server accepted the object; want rejection with %q", tc.want)
			}
			if !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("rejection message\n got: %s\nwant: %s", err, tc.want)
			}
		})
	}
}

func TestDurationAndNamesAreValidated(t *testing.T) {
	ctx := context.Background()
	cd := deployment(ResourceTypeCDN, "", validTargets[ResourceTypeCDN].target)
	cd.Spec.DriftCheckInterval = &metav1.Duration{}
	if err := k8s.Create(ctx, cd, client.DryRunAll); err != nil {
		t.Fatalf("a zero drift interval turns drift checks off and must be accepted: %v", err)
	}
	tc := certificate(func(s *TencentCertificateSpec) { s.CredentialsRef = ref("") })
	err := k8s.Create(ctx, tc, client.DryRunAll)
	if err == nil || !strings.Contains(err.Error(), "spec.credentialsRef.name: Invalid value: \"\": spec.credentialsRef.name in body should be at least 1 chars long") {
		t.Fatalf("an empty credentials Secret name must be rejected, got %v", err)
	}
}

func TestSamplesAreValid(t *testing.T) {
	files, err := filepath.Glob(filepath.Join(testenv.RepoRoot(), "config", "samples", "ssl_*.yaml"))
	if err != nil || len(files) < 5 {
		t.Fatalf("want at least 5 samples, found %d (%v)", len(files), err)
	}
	kinds := map[string]bool{}
	for _, f := range files {
		t.Run(filepath.Base(f), func(t *testing.T) {
			data, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			u := &unstructured.Unstructured{}
			if err := yaml.Unmarshal(data, &u.Object); err != nil {
				t.Fatal(err)
			}
			if u.GetKind() != "TencentCloudAccount" { // cluster-scoped
				u.SetNamespace(ns)
			}
			if err := k8s.Create(context.Background(), u, client.DryRunAll); err != nil {
				t.Fatalf("sample rejected: %v", err)
			}
			kinds[u.GetKind()] = true
		})
	}
	if !kinds["TencentCertificate"] || !kinds["CertificateDeployment"] {
		t.Fatalf("samples must cover both kinds, got %v", kinds)
	}
}
