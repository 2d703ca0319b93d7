package packaging

import (
	"slices"
	"strings"
	"testing"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	policyv1 "k8s.io/api/policy/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/util/intstr"
)

func TestChartRendersValidManifestsForEachInstallMode(t *testing.T) {
	cases := []struct {
		name  string
		args  []string
		check func(t *testing.T, m manifests)
	}{
		{
			name: "the default values install CRDs, cluster-wide RBAC and a restricted manager using the CVM role",
			check: func(t *testing.T, m manifests) {
				dep := one[appsv1.Deployment](t, m, "Deployment")
				checkRestricted(t, dep)
				c := manager(t, dep)
				wantArgs(t, c, "--health-probe-bind-address=:8081", "--metrics-bind-address=:8443", "--leader-elect", "--zap-log-level=info",
					"--api-rate-share=1", "--tencentcloud-timeout=30s", "--tencentcertificate-concurrency=4", "--certificatedeployment-concurrency=16")
				noArgPrefix(t, c, "--watch-namespace", "--tencentcloud-endpoint", "--tencentcloud-region", "--metrics-secure", "--cluster-name", "--default-account")
				wantOnlyPodNamespace(t, c)
				if c.Image != "ghcr.io/certsync/tencent-cert-operator:"+appVersion(t) {
					t.Errorf("image = %s, want the appVersion tag", c.Image)
				}
				if got, want := len(m.all("CustomResourceDefinition")), len(crdObjects(t)); got != want {
					t.Errorf("rendered %d CRDs, want the %d of config/crd/bases", got, want)
				}
				for _, crd := range m.all("CustomResourceDefinition") {
					if crd.GetAnnotations()["helm.sh/resource-policy"] != "keep" {
						t.Errorf("CRD %s lacks helm.sh/resource-policy: keep", crd.GetName())
					}
				}
				sa := one[corev1.ServiceAccount](t, m, "ServiceAccount")
				for _, o := range m.all("ClusterRoleBinding") {
					wantSubject(t, convert[rbacv1.ClusterRoleBinding](t, o).Subjects, sa.Name)
				}
				if !grants(clusterWide(t, m), "", "secrets", "list") || !grants(clusterWide(t, m), "", "secrets", "create") {
					t.Errorf("the cluster-wide install does not read and write Secrets everywhere")
				}
				account := m.all("TencentCloudAccount")
				if len(account) != 1 || account[0].GetName() != "default" {
					t.Fatalf("want the TencentCloudAccount default, got %d accounts", len(account))
				}
				spec := account[0].Object["spec"].(map[string]any)
				if sel, ok := spec["namespaceSelector"].(map[string]any); !ok || len(sel) != 0 ||
					spec["identity"].(map[string]any)["type"] != "Ambient" || spec["allowAdoption"] != false {
					t.Errorf("default account spec = %v, want every namespace, the ambient identity and no adoption", spec)
				}
				if account[0].GetAnnotations()["helm.sh/hook"] != "post-install,post-upgrade" {
					t.Errorf("the default account is not installed after its CRD")
				}
				if dep.Spec.Template.Spec.ServiceAccountName != sa.Name {
					t.Errorf("Deployment runs as %q, want ServiceAccount %q", dep.Spec.Template.Spec.ServiceAccountName, sa.Name)
				}
				lease := one[rbacv1.Role](t, m, "Role")
				if lease.Namespace != releaseNamespace || !grants(lease.Rules, "coordination.k8s.io", "leases", "update") {
					t.Errorf("leader election Role %s/%s does not grant leases in the release namespace", lease.Namespace, lease.Name)
				}
				svc := one[corev1.Service](t, m, "Service")
				if len(svc.Spec.Ports) != 1 || svc.Spec.Ports[0].TargetPort != intstr.FromString("metrics") || svc.Spec.Ports[0].Name != "https" {
					t.Errorf("metrics Service ports = %v, want the metrics port over HTTPS", svc.Spec.Ports)
				}
				reader := convert[rbacv1.ClusterRole](t, named(t, m, "ClusterRole", "-metrics-reader"))
				if len(reader.Rules) != 1 || !slices.Equal(reader.Rules[0].NonResourceURLs, []string{"/metrics"}) {
					t.Errorf("metrics-reader rules = %v, want get /metrics", reader.Rules)
				}
				if !grants(clusterWide(t, m), "authentication.k8s.io", "tokenreviews", "create") ||
					!grants(clusterWide(t, m), "authorization.k8s.io", "subjectaccessreviews", "create") {
					t.Errorf("the operator cannot review the tokens of metrics requests")
				}
				for _, kind := range []string{"PodDisruptionBudget", "ServiceMonitor", "NetworkPolicy", "Secret"} {
					if n := len(m.all(kind)); n != 0 {
						t.Errorf("rendered %d %s objects by default, want none", n, kind)
					}
				}
			},
		},
		{
			name: "a watched namespace gets RoleBindings there instead of cluster-wide RBAC on namespaced objects",
			args: []string{"--set", "watchNamespace=" + watchedNamespace},
			check: func(t *testing.T, m manifests) {
				wantArgs(t, manager(t, one[appsv1.Deployment](t, m, "Deployment")), "--watch-namespace="+watchedNamespace)
				global := clusterWide(t, m)
				for _, res := range []string{"tencentcertificates", "secrets"} {
					for _, group := range []string{"", "ssl.certsync.io"} {
						if grants(global, group, res, "get") {
							t.Errorf("a ClusterRoleBinding grants %s", res)
						}
					}
				}
				if !grants(global, "ssl.certsync.io", "tencentcloudaccounts", "watch") || !grants(global, "", "namespaces", "watch") {
					t.Errorf("the accounts and namespace labels are not readable cluster-wide")
				}
				if !grants(grantedIn(t, m, watchedNamespace), "ssl.certsync.io", "tencentcertificates", "watch") {
					t.Fatalf("nothing in %s grants the operator its kinds", watchedNamespace)
				}
				sa := one[corev1.ServiceAccount](t, m, "ServiceAccount").Name
				for _, rb := range m.all("RoleBinding") {
					wantSubject(t, convert[rbacv1.RoleBinding](t, rb).Subjects, sa)
				}
			},
		},
		{
			name: "credentials from an existing Secret become environment variables that reference it",
			args: []string{"--set", "credentials.mode=secret", "--set", "credentials.existingSecret=tencentcloud-api",
				"--set", "credentials.secretIdKey=id", "--set", "credentials.secretKeyKey=key"},
			check: func(t *testing.T, m manifests) {
				c := manager(t, one[appsv1.Deployment](t, m, "Deployment"))
				wantSecretEnv(t, c, "TENCENTCLOUD_SECRET_ID", "tencentcloud-api", "id", false)
				wantSecretEnv(t, c, "TENCENTCLOUD_SECRET_KEY", "tencentcloud-api", "key", false)
				wantSecretEnv(t, c, "TENCENTCLOUD_SESSION_TOKEN", "tencentcloud-api", "token", true)
				if n := len(m.all("Secret")); n != 0 {
					t.Errorf("rendered %d Secrets, want none: keys never pass through values", n)
				}
			},
		},
		{
			name: "TKE OIDC through the pod-identity webhook annotates the ServiceAccount only",
			args: []string{"--set", "credentials.mode=tkeOIDC", "--set", "credentials.tkeOIDC.roleArn=qcs::cam::uin/100000000001:roleName/tencent-cert-operator",
				"--set", "serviceAccount.annotations.team=platform"},
			check: func(t *testing.T, m manifests) {
				sa := one[corev1.ServiceAccount](t, m, "ServiceAccount")
				want := map[string]string{
					"tke.cloud.tencent.com/role-arn":         "qcs::cam::uin/100000000001:roleName/tencent-cert-operator",
					"tke.cloud.tencent.com/audience":         "sts.cloud.tencent.com",
					"tke.cloud.tencent.com/token-expiration": "86400",
					"team":                                   "platform",
				}
				for k, v := range want {
					if sa.Annotations[k] != v {
						t.Errorf("ServiceAccount annotation %s = %q, want %q", k, sa.Annotations[k], v)
					}
				}
				wantOnlyPodNamespace(t, manager(t, one[appsv1.Deployment](t, m, "Deployment")))
			},
		},
		{
			name: "TKE OIDC without the webhook sets the SDK's TKE variables and mounts a projected token",
			args: []string{"--set", "credentials.mode=tkeOIDC", "--set", "credentials.tkeOIDC.roleArn=qcs::cam::uin/100000000001:roleName/tencent-cert-operator",
				"--set", "credentials.tkeOIDC.injectEnv=true", "--set", "credentials.tkeOIDC.region=ap-guangzhou",
				"--set", "credentials.tkeOIDC.providerId=cls-oidc-provider"},
			check: func(t *testing.T, m manifests) {
				for k := range one[corev1.ServiceAccount](t, m, "ServiceAccount").Annotations {
					if strings.HasPrefix(k, "tke.cloud.tencent.com/") {
						t.Errorf("ServiceAccount annotation %s would make a webhook inject the variables again", k)
					}
				}
				dep := one[appsv1.Deployment](t, m, "Deployment")
				c := manager(t, dep)
				// The variables common.DefaultTkeOIDCRoleArnProvider reads.
				wantEnv(t, c, "TKE_REGION", "ap-guangzhou")
				wantEnv(t, c, "TKE_PROVIDER_ID", "cls-oidc-provider")
				wantEnv(t, c, "TKE_ROLE_ARN", "qcs::cam::uin/100000000001:roleName/tencent-cert-operator")
				file := envValue(c, "TKE_WEB_IDENTITY_TOKEN_FILE")
				var mountedAt string
				for _, vm := range c.VolumeMounts {
					if strings.HasPrefix(file, vm.MountPath+"/") {
						mountedAt = vm.Name
					}
				}
				if mountedAt == "" {
					t.Fatalf("TKE_WEB_IDENTITY_TOKEN_FILE %q is not under a volume mount", file)
				}
				for _, v := range dep.Spec.Template.Spec.Volumes {
					if v.Name != mountedAt {
						continue
					}
					if v.Projected == nil || len(v.Projected.Sources) != 1 || v.Projected.Sources[0].ServiceAccountToken == nil {
						t.Fatalf("volume %s is not a projected ServiceAccount token", v.Name)
					}
					tok := v.Projected.Sources[0].ServiceAccountToken
					if tok.Audience != "sts.cloud.tencent.com" || file != "/var/run/secrets/tke.cloud.tencent.com/serviceaccount/"+tok.Path {
						t.Errorf("token audience %q path %q, want sts.cloud.tencent.com at %s", tok.Audience, tok.Path, file)
					}
				}
			},
		},
		{
			name: "a PodDisruptionBudget, ServiceMonitor and NetworkPolicy render when enabled",
			args: []string{"--set", "replicaCount=2", "--set", "podDisruptionBudget.enabled=true",
				"--set", "serviceMonitor.enabled=true", "--set", "serviceMonitor.labels.release=prometheus",
				"--set", "networkPolicy.enabled=true"},
			check: func(t *testing.T, m manifests) {
				dep := one[appsv1.Deployment](t, m, "Deployment")
				pdb := one[policyv1.PodDisruptionBudget](t, m, "PodDisruptionBudget")
				if pdb.Spec.MinAvailable == nil || pdb.Spec.MinAvailable.IntValue() != 1 {
					t.Errorf("PDB minAvailable = %v, want 1", pdb.Spec.MinAvailable)
				}
				wantSelects(t, "PodDisruptionBudget", pdb.Spec.Selector.MatchLabels, dep.Spec.Template.Labels)
				np := one[networkingv1.NetworkPolicy](t, m, "NetworkPolicy")
				wantSelects(t, "NetworkPolicy", np.Spec.PodSelector.MatchLabels, dep.Spec.Template.Labels)
				if !slices.Contains(np.Spec.PolicyTypes, networkingv1.PolicyTypeEgress) || len(np.Spec.Egress) != 3 {
					t.Errorf("NetworkPolicy egress = %v, want DNS, the API ports and the metadata service", np.Spec.Egress)
				}
				// The default credentials come from the CVM role, served by the metadata service.
				metadata := np.Spec.Egress[len(np.Spec.Egress)-1]
				if len(metadata.To) != 1 || metadata.To[0].IPBlock == nil || metadata.To[0].IPBlock.CIDR != "169.254.0.23/32" ||
					len(metadata.Ports) != 1 || metadata.Ports[0].Port.IntValue() != 80 {
					t.Errorf("last egress rule = %+v, want the instance metadata service on port 80", metadata)
				}
				sm := m.all("ServiceMonitor")
				if len(sm) != 1 || sm[0].GetLabels()["release"] != "prometheus" {
					t.Fatalf("want one ServiceMonitor labelled release=prometheus, got %d", len(sm))
				}
				svc := one[corev1.Service](t, m, "Service")
				ep := sm[0].Object["spec"].(map[string]any)["endpoints"].([]any)[0].(map[string]any)
				if ep["scheme"] != "https" || ep["bearerTokenFile"] == nil || ep["port"] != svc.Spec.Ports[0].Name {
					t.Errorf("ServiceMonitor endpoint = %v, want HTTPS with the scraper's token on port %s", ep, svc.Spec.Ports[0].Name)
				}
				sel := sm[0].Object["spec"].(map[string]any)["selector"].(map[string]any)["matchLabels"].(map[string]any)
				for k, v := range sel {
					if svc.Labels[k] != v {
						t.Errorf("ServiceMonitor selects %s=%v, which the metrics Service lacks", k, v)
					}
				}
			},
		},
		{
			name: "CRDs are left out when crds.enabled is false",
			args: []string{"--set", "crds.enabled=false"},
			check: func(t *testing.T, m manifests) {
				if n := len(m.all("CustomResourceDefinition")); n != 0 {
					t.Errorf("rendered %d CRDs, want none", n)
				}
				one[appsv1.Deployment](t, m, "Deployment")
			},
		},
		{
			name: "CRDs lose the keep policy when crds.keep is false",
			args: []string{"--set", "crds.keep=false"},
			check: func(t *testing.T, m manifests) {
				for _, crd := range m.all("CustomResourceDefinition") {
					if _, ok := crd.GetAnnotations()["helm.sh/resource-policy"]; ok {
						t.Errorf("CRD %s keeps helm.sh/resource-policy", crd.GetName())
					}
				}
			},
		},
		{
			name: "two replicas turn leader election on even when it is disabled",
			args: []string{"--set", "replicaCount=2", "--set", "leaderElection.enabled=false"},
			check: func(t *testing.T, m manifests) {
				dep := one[appsv1.Deployment](t, m, "Deployment")
				if *dep.Spec.Replicas != 2 {
					t.Errorf("replicas = %d, want 2", *dep.Spec.Replicas)
				}
				wantArgs(t, manager(t, dep), "--leader-elect")
				named(t, m, "Role", "-leader-election")
			},
		},
		{
			name: "one replica without leader election has no lease permissions",
			args: []string{"--set", "leaderElection.enabled=false"},
			check: func(t *testing.T, m manifests) {
				noArgPrefix(t, manager(t, one[appsv1.Deployment](t, m, "Deployment")), "--leader-elect")
				for _, r := range m.all("Role") {
					if grants(convert[rbacv1.Role](t, r).Rules, "coordination.k8s.io", "leases", "get") {
						t.Errorf("Role %s grants leases", r.GetName())
					}
				}
			},
		},
		{
			name: "an existing ServiceAccount and RBAC managed elsewhere are used as they are",
			args: []string{"--set", "serviceAccount.create=false", "--set", "serviceAccount.name=platform-operator", "--set", "rbac.create=false"},
			check: func(t *testing.T, m manifests) {
				for _, kind := range []string{"ServiceAccount", "ClusterRole", "ClusterRoleBinding", "Role", "RoleBinding"} {
					if n := len(m.all(kind)); n != 0 {
						t.Errorf("rendered %d %s objects, want none", n, kind)
					}
				}
				if sa := one[appsv1.Deployment](t, m, "Deployment").Spec.Template.Spec.ServiceAccountName; sa != "platform-operator" {
					t.Errorf("Deployment runs as %q, want platform-operator", sa)
				}
			},
		},
		{
			name: "endpoint, region, rate, concurrency and scheduling values reach the Deployment",
			args: []string{"--set", "tencentcloud.endpoint=ssl.ap-shanghai.tencentcloudapi.com", "--set", "tencentcloud.region=ap-shanghai",
				"--set", "tencentcloud.rateShare=0.25", "--set", "tencentcloud.timeout=10s",
				"--set", "concurrency.tencentCertificate=16", "--set", "concurrency.certificateDeployment=32",
				"--set", "extraArgs[0]=--zap-encoder=console", "--set", "extraEnv[0].name=HTTPS_PROXY", "--set", "extraEnv[0].value=http://proxy:3128",
				"--set", "priorityClassName=" + priorityClass, "--set", "nodeSelector.kubernetes\\.io/os=linux",
				"--set", "tolerations[0].key=dedicated", "--set", "tolerations[0].operator=Exists",
				"--set", "podAnnotations.team=platform", "--set", "podLabels.tier=control",
				"--set", "image.digest=sha256:" + strings.Repeat("ab", 32), "--set", "metrics.enabled=false"},
			check: func(t *testing.T, m manifests) {
				dep := one[appsv1.Deployment](t, m, "Deployment")
				c := manager(t, dep)
				wantArgs(t, c, "--tencentcloud-endpoint=ssl.ap-shanghai.tencentcloudapi.com", "--tencentcloud-region=ap-shanghai",
					"--zap-encoder=console", "--metrics-bind-address=0", "--api-rate-share=0.25", "--tencentcloud-timeout=10s",
					"--tencentcertificate-concurrency=16", "--certificatedeployment-concurrency=32")
				wantEnv(t, c, "HTTPS_PROXY", "http://proxy:3128")
				spec := dep.Spec.Template.Spec
				if spec.PriorityClassName != priorityClass || spec.NodeSelector["kubernetes.io/os"] != "linux" ||
					len(spec.Tolerations) != 1 || spec.Tolerations[0].Key != "dedicated" {
					t.Errorf("scheduling = %q %v %v, want the values", spec.PriorityClassName, spec.NodeSelector, spec.Tolerations)
				}
				if dep.Spec.Template.Annotations["team"] != "platform" || dep.Spec.Template.Labels["tier"] != "control" {
					t.Errorf("pod metadata = %v %v, want the values", dep.Spec.Template.Annotations, dep.Spec.Template.Labels)
				}
				if !strings.HasSuffix(c.Image, "@sha256:"+strings.Repeat("ab", 32)) {
					t.Errorf("image = %s, want the digest", c.Image)
				}
				if n := len(m.all("Service")); n != 0 {
					t.Errorf("rendered %d Services with metrics disabled, want none", n)
				}
			},
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			m := mustRender(t, tc.args...)
			for _, o := range m {
				if o.GetNamespace() == "" && !clusterScoped[o.GetKind()] {
					t.Errorf("%s %s has no namespace: helm template output must carry it", o.GetKind(), o.GetName())
				}
			}
			tc.check(t, m)
			dryRun(t, m)
		})
	}
}

var clusterScoped = map[string]bool{
	"CustomResourceDefinition": true, "ClusterRole": true, "ClusterRoleBinding": true, "Namespace": true,
	"TencentCloudAccount": true,
}

// named returns the one object of kind whose name ends with suffix.
func named(t *testing.T, m manifests, kind, suffix string) *unstructured.Unstructured {
	t.Helper()
	var found []*unstructured.Unstructured
	for _, o := range m.all(kind) {
		if strings.HasSuffix(o.GetName(), suffix) {
			found = append(found, o)
		}
	}
	if len(found) != 1 {
		t.Fatalf("rendered %d %s objects named *%s, want 1", len(found), kind, suffix)
	}
	return found[0]
}

// wantOnlyPodNamespace checks that the container's only variable is POD_NAMESPACE, from the
// downward API: the credentials need no configuration.
// wantOnlyPodNamespace checks that the manager gets only the namespace it runs in, from the
// downward API, and GOMEMLIMIT from its memory request: the CVM role needs no configuration.
func wantOnlyPodNamespace(t *testing.T, c corev1.Container) {
	t.Helper()
	if len(c.Env) != 2 || c.Env[0].Name != "POD_NAMESPACE" || c.Env[0].ValueFrom == nil || c.Env[0].ValueFrom.FieldRef == nil ||
		c.Env[1].Name != "GOMEMLIMIT" || c.Env[1].ValueFrom == nil || c.Env[1].ValueFrom.ResourceFieldRef == nil ||
		c.Env[1].ValueFrom.ResourceFieldRef.Resource != "requests.memory" {
		t.Errorf("env = %v, want only POD_NAMESPACE from the downward API and GOMEMLIMIT from the memory request", c.Env)
	}
}

func TestChartRendersTheSameManifestsEveryTime(t *testing.T) {
	// Argo CD renders with helm template on every refresh: anything random or looked up in
	// the cluster would keep the application OutOfSync.
	first, err := helmTemplate(t)
	if err != nil {
		t.Fatal(err)
	}
	second, err := helmTemplate(t)
	if err != nil {
		t.Fatal(err)
	}
	if first != second {
		t.Error("two renders of the default values differ")
	}
	templates, err := readTemplates()
	if err != nil {
		t.Fatal(err)
	}
	for name, text := range templates {
		for _, fn := range []string{"lookup", "randAlphaNum", "randAlpha", "randNumeric", "randAscii", "uuidv4", "genCA", "genSelfSignedCert", "genPrivateKey", "now"} {
			if strings.Contains(text, fn+" ") || strings.Contains(text, "("+fn+")") {
				t.Errorf("%s uses %s", name, fn)
			}
		}
	}
}

func TestChartLintPasses(t *testing.T) {
	out, err := run(t, tool(t, "HELM", "helm"), "lint", chartDir, "--strict", "--namespace", releaseNamespace)
	if err != nil {
		t.Fatalf("helm lint: %v\n%s", err, out)
	}
	if !strings.Contains(out, "1 chart(s) linted, 0 chart(s) failed") {
		t.Errorf("helm lint output:\n%s", out)
	}
}
