package packaging

import (
	"os"
	"path/filepath"
	"testing"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	"k8s.io/apimachinery/pkg/api/equality"

	sslv1alpha1 "github.com/certsync/tencent-cert-operator/api/v1alpha1"
	"github.com/certsync/tencent-cert-operator/internal/testenv"
)

func kustomizeBuild(t *testing.T) manifests {
	t.Helper()
	out, err := run(t, tool(t, "KUSTOMIZE", "kustomize"), "build", filepath.Join(testenv.RepoRoot(), "config", "default"))
	if err != nil {
		t.Fatalf("kustomize build config/default: %v", err)
	}
	return parse(t, out)
}

func TestKustomizeDefaultInstallsTheOperator(t *testing.T) {
	m := kustomizeBuild(t)

	ns := one[corev1.Namespace](t, m, "Namespace")
	if ns.Name != kustomizeNamespace {
		t.Errorf("namespace = %s, want %s", ns.Name, kustomizeNamespace)
	}
	if ns.Labels["pod-security.kubernetes.io/enforce"] != "restricted" {
		t.Errorf("namespace labels = %v, want the restricted Pod Security Standard enforced", ns.Labels)
	}
	for _, o := range m {
		if !clusterScoped[o.GetKind()] && o.GetNamespace() != kustomizeNamespace {
			t.Errorf("%s %s is in namespace %q, want %s", o.GetKind(), o.GetName(), o.GetNamespace(), kustomizeNamespace)
		}
	}
	if got, want := len(m.all("CustomResourceDefinition")), len(crdObjects(t)); got != want {
		t.Errorf("installs %d CRDs, want all %d of config/crd/bases", got, want)
	}

	dep := one[appsv1.Deployment](t, m, "Deployment")
	checkRestricted(t, dep)
	c := manager(t, dep)
	wantArgs(t, c, "--health-probe-bind-address=:8081", "--metrics-bind-address=:8443", "--leader-elect")
	if want := "ghcr.io/certsync/tencent-cert-operator:" + appVersion(t); c.Image != want {
		t.Errorf("image = %s, want %s, the chart's default", c.Image, want)
	}
	for _, name := range []string{"TENCENTCLOUD_SECRET_ID", "TENCENTCLOUD_SECRET_KEY", "TENCENTCLOUD_SESSION_TOKEN"} {
		e := envVar(c, name)
		if e == nil || e.ValueFrom == nil || e.ValueFrom.SecretKeyRef == nil || e.ValueFrom.SecretKeyRef.Optional == nil || !*e.ValueFrom.SecretKeyRef.Optional {
			t.Errorf("env %s = %+v, want an optional secretKeyRef so the pod starts without the Secret", name, e)
		}
	}

	// The same security posture as the chart.
	chartDep := one[appsv1.Deployment](t, mustRender(t), "Deployment")
	if !equality.Semantic.DeepEqual(dep.Spec.Template.Spec.SecurityContext, chartDep.Spec.Template.Spec.SecurityContext) {
		t.Errorf("pod securityContext differs from the chart's: %+v vs %+v", dep.Spec.Template.Spec.SecurityContext, chartDep.Spec.Template.Spec.SecurityContext)
	}
	if chartC := manager(t, chartDep); !equality.Semantic.DeepEqual(c.SecurityContext, chartC.SecurityContext) {
		t.Errorf("container securityContext differs from the chart's: %+v vs %+v", c.SecurityContext, chartC.SecurityContext)
	}

	sa := one[corev1.ServiceAccount](t, m, "ServiceAccount")
	if dep.Spec.Template.Spec.ServiceAccountName != sa.Name {
		t.Errorf("Deployment runs as %q, want %q", dep.Spec.Template.Spec.ServiceAccountName, sa.Name)
	}
	role := convert[rbacv1.ClusterRole](t, named(t, m, "ClusterRole", "-manager-role"))
	if !equality.Semantic.DeepEqual(role.Rules, generatedRole(t).Rules) {
		t.Errorf("the ClusterRole's rules differ from config/rbac/role.yaml")
	}
	writer := convert[rbacv1.ClusterRole](t, named(t, m, "ClusterRole", "-ingress-secret-writer-role"))
	if !equality.Semantic.DeepEqual(writer.Rules, roleFile(t, "ingresssecrets", "role.yaml").Rules) {
		t.Errorf("the ingress Secret writer's rules differ from config/rbac/ingresssecrets/role.yaml")
	}
	checkCoversKinds(t, "the kustomize RBAC", clusterWide(t, m))
	if gap := missing(clusterWide(t, m), append(generatedRole(t).Rules, writer.Rules...)); len(gap) > 0 {
		t.Errorf("the kustomize RBAC lacks %v", gap)
	}
	for _, o := range m.all("ClusterRoleBinding") {
		binding := convert[rbacv1.ClusterRoleBinding](t, o)
		if len(binding.Subjects) != 1 || binding.Subjects[0].Name != sa.Name || binding.Subjects[0].Namespace != kustomizeNamespace {
			t.Errorf("ClusterRoleBinding %s subjects = %+v, want %s/%s", binding.Name, binding.Subjects, kustomizeNamespace, sa.Name)
		}
	}
	named(t, m, "ClusterRole", "-metrics-reader")
	if envVar(c, "POD_NAMESPACE") == nil {
		t.Errorf("the manager does not know its namespace, where account Secrets live")
	}

	// The default account, unprefixed and cluster-scoped, as in config/samples.
	account := one[sslv1alpha1.TencentCloudAccount](t, m, "TencentCloudAccount")
	sample, err := os.ReadFile(filepath.Join(testenv.RepoRoot(), testenv.DefaultAccountSample))
	if err != nil {
		t.Fatal(err)
	}
	copied, err := os.ReadFile(filepath.Join(testenv.RepoRoot(), "config", "default", "default_account.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	if string(copied) != string(sample) {
		t.Errorf("config/default/default_account.yaml differs from %s; copy it again", testenv.DefaultAccountSample)
	}
	if account.Name != sslv1alpha1.DefaultAccountName || account.Namespace != "" || account.Spec.NamespaceSelector == nil {
		t.Errorf("default account = %s/%s %+v, want cluster-scoped %q selecting every namespace", account.Namespace, account.Name, account.Spec, sslv1alpha1.DefaultAccountName)
	}
	lease := one[rbacv1.Role](t, m, "Role")
	if !grants(lease.Rules, "coordination.k8s.io", "leases", "update") {
		t.Errorf("leader election Role rules = %+v, want leases", lease.Rules)
	}
	leaseBinding := one[rbacv1.RoleBinding](t, m, "RoleBinding")
	if leaseBinding.RoleRef.Name != lease.Name || len(leaseBinding.Subjects) != 1 || leaseBinding.Subjects[0].Name != sa.Name {
		t.Errorf("RoleBinding = %+v, want %s bound to %s", leaseBinding, lease.Name, sa.Name)
	}
	svc := one[corev1.Service](t, m, "Service")
	wantSelects(t, "metrics Service", svc.Spec.Selector, dep.Spec.Template.Labels)
	if svc.Spec.Ports[0].Name != "https" || svc.Spec.Ports[0].Port != 8443 {
		t.Errorf("metrics Service ports = %v, want https on 8443", svc.Spec.Ports)
	}

	dryRun(t, m)
}
