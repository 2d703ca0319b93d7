package packaging

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"testing"

	appsv1 "k8s.io/api/apps/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"sigs.k8s.io/yaml"

	"github.com/certsync/tencent-cert-operator/internal/testenv"
)

// grants reports whether rules allow verb on group/resource.
func grants(rules []rbacv1.PolicyRule, group, resource, verb string) bool {
	for _, r := range rules {
		if len(r.ResourceNames) > 0 || len(r.NonResourceURLs) > 0 {
			continue
		}
		if matches(r.APIGroups, group) && matches(r.Resources, resource) && matches(r.Verbs, verb) {
			return true
		}
	}
	return false
}

func matches(list []string, v string) bool {
	return slices.Contains(list, v) || slices.Contains(list, "*")
}

// missing lists what want grants and have does not, as "verb group/resource".
func missing(have, want []rbacv1.PolicyRule) []string {
	var out []string
	for _, r := range want {
		for _, g := range r.APIGroups {
			for _, res := range r.Resources {
				for _, v := range r.Verbs {
					if !grants(have, g, res, v) {
						out = append(out, fmt.Sprintf("%s %s/%s", v, g, res))
					}
				}
			}
		}
	}
	return out
}

// generatedRole reads config/rbac/role.yaml, which controller-gen writes from the
// controllers' RBAC markers.
func generatedRole(t *testing.T) *rbacv1.ClusterRole {
	t.Helper()
	return roleFile(t, "role.yaml")
}

// roleFile reads a ClusterRole that controller-gen wrote under config/rbac.
func roleFile(t *testing.T, path ...string) *rbacv1.ClusterRole {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(append([]string{testenv.RepoRoot(), "config", "rbac"}, path...)...))
	if err != nil {
		t.Fatal(err)
	}
	role := &rbacv1.ClusterRole{}
	if err := yaml.UnmarshalStrict(data, role); err != nil {
		t.Fatal(err)
	}
	if len(role.Rules) == 0 {
		t.Fatalf("config/rbac/%s has no rules", filepath.Join(path...))
	}
	return role
}

func TestMissingFindsEveryPermissionARoleLacks(t *testing.T) {
	have := []rbacv1.PolicyRule{
		{APIGroups: []string{""}, Resources: []string{"secrets"}, Verbs: []string{"get", "list"}},
		{APIGroups: []string{"apps"}, Resources: []string{"*"}, Verbs: []string{"get"}},
		{APIGroups: []string{"x"}, Resources: []string{"things"}, Verbs: []string{"get"}, ResourceNames: []string{"one"}},
	}
	cases := []struct {
		name string
		want []rbacv1.PolicyRule
		gap  []string
	}{
		{"a subset is covered", []rbacv1.PolicyRule{{APIGroups: []string{""}, Resources: []string{"secrets"}, Verbs: []string{"list"}}}, nil},
		{"a wildcard resource covers any resource of its group", []rbacv1.PolicyRule{{APIGroups: []string{"apps"}, Resources: []string{"deployments"}, Verbs: []string{"get"}}}, nil},
		{"a missing verb is reported", []rbacv1.PolicyRule{{APIGroups: []string{""}, Resources: []string{"secrets"}, Verbs: []string{"get", "patch"}}}, []string{"patch /secrets"}},
		{"a missing subresource is reported", []rbacv1.PolicyRule{{APIGroups: []string{""}, Resources: []string{"secrets/status"}, Verbs: []string{"get"}}}, []string{"get /secrets/status"}},
		{"a rule limited to resource names covers nothing in general", []rbacv1.PolicyRule{{APIGroups: []string{"x"}, Resources: []string{"things"}, Verbs: []string{"get"}}}, []string{"get x/things"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if got := missing(have, tc.want); !slices.Equal(got, tc.gap) {
				t.Errorf("missing = %v, want %v", got, tc.gap)
			}
		})
	}
}

// roleModes are the chart's two install modes, with the values that select each and a
// namespace whose objects the operator manages in that mode.
var roleModes = []struct {
	name, namespace string
	args            []string
}{
	{"the cluster-wide install", "any-namespace", nil},
	{"the namespaced install of watchNamespace", watchedNamespace, []string{"--set", "watchNamespace=" + watchedNamespace, "--set", "leaderElection.enabled=false"}},
}

func TestChartGrantsEveryPermissionOfTheGeneratedRole(t *testing.T) {
	generated := append(generatedRole(t).Rules, roleFile(t, "ingresssecrets", "role.yaml").Rules...)
	for _, tc := range roleModes {
		t.Run(tc.name+" covers config/rbac/role.yaml and config/rbac/ingresssecrets/role.yaml", func(t *testing.T) {
			rules := grantedIn(t, mustRender(t, tc.args...), tc.namespace)
			if gap := missing(rules, generated); len(gap) > 0 {
				t.Errorf("the chart grants %s less than the controllers declare: %v; add it to templates/rbac.yaml", tc.namespace, gap)
			}
		})
	}
}

// grantedIn returns the rules the operator's ServiceAccount holds in namespace: those of roles
// bound cluster-wide, and those bound by RoleBindings in the namespace.
func grantedIn(t *testing.T, m manifests, namespace string) []rbacv1.PolicyRule {
	t.Helper()
	roles := map[string][]rbacv1.PolicyRule{}
	for _, o := range m.all("ClusterRole") {
		roles["ClusterRole/"+o.GetName()] = convert[rbacv1.ClusterRole](t, o).Rules
	}
	for _, o := range m.all("Role") {
		roles[o.GetNamespace()+"/Role/"+o.GetName()] = convert[rbacv1.Role](t, o).Rules
	}
	var rules []rbacv1.PolicyRule
	for _, o := range m.all("ClusterRoleBinding") {
		rules = append(rules, roles["ClusterRole/"+convert[rbacv1.ClusterRoleBinding](t, o).RoleRef.Name]...)
	}
	for _, o := range m.all("RoleBinding") {
		b := convert[rbacv1.RoleBinding](t, o)
		if b.Namespace != namespace {
			continue
		}
		key := "ClusterRole/" + b.RoleRef.Name
		if b.RoleRef.Kind == "Role" {
			key = b.Namespace + "/Role/" + b.RoleRef.Name
		}
		rules = append(rules, roles[key]...)
	}
	return rules
}

// clusterWide returns the rules of the roles bound by ClusterRoleBindings.
func clusterWide(t *testing.T, m manifests) []rbacv1.PolicyRule {
	return grantedIn(t, m, "")
}

func TestChartCoversBothKindsFully(t *testing.T) {
	checkCoversKinds(t, "the chart's cluster-wide RBAC", grantedIn(t, mustRender(t), "any-namespace"))
}

// The namespaced install mode grants nothing on Secrets cluster-wide: reads and ingress Secret
// writes only in the watched namespaces, and gets of account Secrets in the release namespace.
func TestNamespacedInstallGrantsNoClusterWideSecretAccess(t *testing.T) {
	m := mustRender(t, "--set", "watchNamespaces={"+watchedNamespace+",team-b}")
	for _, verb := range []string{"get", "list", "watch", "create", "update", "patch", "delete"} {
		if grants(clusterWide(t, m), "", "secrets", verb) {
			t.Errorf("a ClusterRoleBinding grants %s on Secrets", verb)
		}
		if grants(grantedIn(t, m, "elsewhere"), "", "secrets", verb) {
			t.Errorf("an unwatched namespace grants %s on Secrets", verb)
		}
	}
	for _, ns := range []string{watchedNamespace, "team-b"} {
		for _, verb := range []string{"get", "list", "watch", "create", "update", "patch"} {
			if !grants(grantedIn(t, m, ns), "", "secrets", verb) {
				t.Errorf("watched namespace %s lacks %s on Secrets", ns, verb)
			}
		}
	}
	release := grantedIn(t, m, releaseNamespace)
	if !grants(release, "", "secrets", "get") || grants(release, "", "secrets", "list") || grants(release, "", "secrets", "create") {
		t.Errorf("the release namespace grants %v, want only get on Secrets (the accounts' Secrets)", release)
	}
	wantArgs(t, manager(t, one[appsv1.Deployment](t, m, "Deployment")), "--watch-namespace="+watchedNamespace+",team-b")

	// Ingress Secret writes can be narrowed further, or turned off.
	narrowed := mustRender(t, "--set", "watchNamespaces={"+watchedNamespace+",team-b}", "--set", "ingressSecrets.namespaces={team-b}")
	if grants(grantedIn(t, narrowed, watchedNamespace), "", "secrets", "create") || !grants(grantedIn(t, narrowed, "team-b"), "", "secrets", "create") {
		t.Errorf("ingressSecrets.namespaces does not limit Secret writes to team-b")
	}
	off := mustRender(t, "--set", "ingressSecrets.enabled=false")
	if grants(grantedIn(t, off, "any-namespace"), "", "secrets", "create") {
		t.Errorf("ingressSecrets.enabled=false still grants Secret writes")
	}
	// The cluster-wide install splits reads from writes, in separate roles.
	for _, o := range mustRender(t).all("ClusterRole") {
		rules := convert[rbacv1.ClusterRole](t, o).Rules
		if grants(rules, "", "secrets", "get") && grants(rules, "", "secrets", "create") {
			t.Errorf("ClusterRole %s both reads and writes Secrets", o.GetName())
		}
	}
}

// checkCoversKinds checks that rules give the operator everything it needs on each of its
// kinds (the CRDs of config/crd/bases) and nothing beyond least privilege.
func checkCoversKinds(t *testing.T, what string, rules []rbacv1.PolicyRule) {
	t.Helper()
	for _, crd := range crdObjects(t) {
		plural, _, _ := unstructured.NestedString(crd.Object, "spec", "names", "plural")
		group, _, _ := unstructured.NestedString(crd.Object, "spec", "group")
		if scope, _, _ := unstructured.NestedString(crd.Object, "spec", "scope"); scope == "Cluster" {
			// TencentCloudAccounts are the admin's: the operator only reads them.
			read := []rbacv1.PolicyRule{{APIGroups: []string{group}, Resources: []string{plural}, Verbs: []string{"get", "list", "watch"}}}
			if gap := missing(rules, read); len(gap) > 0 {
				t.Errorf("%s lacks %v", what, gap)
			}
			for _, verb := range []string{"create", "update", "patch"} {
				if grants(rules, group, plural, verb) {
					t.Errorf("%s may %s %s, which only the cluster admin writes", what, verb, plural)
				}
			}
			continue
		}
		want := []rbacv1.PolicyRule{
			{APIGroups: []string{group}, Resources: []string{plural}, Verbs: []string{"get", "list", "watch", "update", "patch"}},
			{APIGroups: []string{group}, Resources: []string{plural + "/status"}, Verbs: []string{"get", "update", "patch"}},
			{APIGroups: []string{group}, Resources: []string{plural + "/finalizers"}, Verbs: []string{"update"}},
		}
		if gap := missing(rules, want); len(gap) > 0 {
			t.Errorf("%s lacks %v", what, gap)
		}
	}
	for _, r := range rules {
		for _, list := range [][]string{r.APIGroups, r.Resources, r.Verbs} {
			if slices.Contains(list, "*") {
				t.Errorf("%s: rule %+v uses a wildcard", what, r)
			}
		}
		if slices.Contains(r.Verbs, "delete") || slices.Contains(r.Verbs, "deletecollection") {
			t.Errorf("%s: rule %+v allows deletion", what, r)
		}
	}
}
