package packaging

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"testing"

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

// roleModes are the chart's two kinds of manager role, with the values that select each.
var roleModes = []struct {
	name, kind string
	args       []string
}{
	{"the cluster-wide ClusterRole", "ClusterRole", nil},
	{"the namespaced Role of watchNamespace", "Role", []string{"--set", "watchNamespace=" + watchedNamespace, "--set", "leaderElection.enabled=false"}},
}

func TestChartGrantsEveryPermissionOfTheGeneratedRole(t *testing.T) {
	generated := generatedRole(t).Rules
	for _, tc := range roleModes {
		t.Run(tc.name+" covers config/rbac/role.yaml", func(t *testing.T) {
			rules := one[rbacv1.ClusterRole](t, retag(mustRender(t, tc.args...).all(tc.kind)), "ClusterRole").Rules
			if gap := missing(rules, generated); len(gap) > 0 {
				t.Errorf("the chart's %s lacks permissions the controllers declare: %v; add them to templates/rbac.yaml", tc.kind, gap)
			}
		})
	}
}

// retag lets a Role be read as a ClusterRole; their rules have the same type.
func retag(objs manifests) manifests {
	out := make(manifests, 0, len(objs))
	for _, o := range objs {
		c := o.DeepCopy()
		c.SetKind("ClusterRole")
		c.SetNamespace("")
		out = append(out, c)
	}
	return out
}

func TestChartCoversBothKindsFully(t *testing.T) {
	checkCoversKinds(t, "the chart's ClusterRole", one[rbacv1.ClusterRole](t, mustRender(t), "ClusterRole").Rules)
}

// checkCoversKinds checks that rules give the operator everything it needs on each of its
// kinds (the CRDs of config/crd/bases) and nothing beyond least privilege.
func checkCoversKinds(t *testing.T, what string, rules []rbacv1.PolicyRule) {
	t.Helper()
	for _, crd := range crdObjects(t) {
		plural, _, _ := unstructured.NestedString(crd.Object, "spec", "names", "plural")
		group, _, _ := unstructured.NestedString(crd.Object, "spec", "group")
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
