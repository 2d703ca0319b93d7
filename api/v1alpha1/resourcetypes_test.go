package v1alpha1_test

import (
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"slices"
	"strings"
	"testing"

	apiextensionsv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"
	"sigs.k8s.io/yaml"

	. "github.com/certsync/tencent-cert-operator/api/v1alpha1"
)

// typesWith returns the resource types whose traits satisfy has, sorted.
func typesWith(has func(ResourceTypeTraits) bool) []string {
	var out []string
	for _, rt := range ResourceTypes {
		if has(rt.Traits()) {
			out = append(out, string(rt))
		}
	}
	slices.Sort(out)
	return out
}

func crd(t *testing.T, name string) *apiextensionsv1.CustomResourceDefinition {
	t.Helper()
	_, file, _, _ := runtime.Caller(0)
	data, err := os.ReadFile(filepath.Join(filepath.Dir(file), "..", "..", "config", "crd", "bases", name))
	if err != nil {
		t.Fatal(err)
	}
	out := &apiextensionsv1.CustomResourceDefinition{}
	if err := yaml.Unmarshal(data, out); err != nil {
		t.Fatal(err)
	}
	return out
}

func enum(p apiextensionsv1.JSONSchemaProps) []string {
	var out []string
	for _, v := range p.Enum {
		out = append(out, strings.Trim(string(v.Raw), `"`))
	}
	slices.Sort(out)
	return out
}

// ruleTypes returns the types listed in the `self.resourceType in [...]` rule whose message
// mentions needle.
func ruleTypes(t *testing.T, p apiextensionsv1.JSONSchemaProps, needle string) []string {
	t.Helper()
	list := regexp.MustCompile(`self\.resourceType in \[([^\]]*)\]`)
	for _, r := range p.XValidations {
		if !strings.Contains(r.Message+r.MessageExpression, needle) {
			continue
		}
		m := list.FindStringSubmatch(r.Rule)
		if m == nil {
			t.Fatalf("rule %q lists no types", r.Rule)
		}
		var out []string
		for _, v := range strings.Split(m[1], ",") {
			out = append(out, strings.Trim(strings.TrimSpace(v), "'"))
		}
		slices.Sort(out)
		return out
	}
	t.Fatalf("no rule mentions %q", needle)
	return nil
}

func TestResourceTypeMarkersMatchTheTraits(t *testing.T) {
	if len(ResourceTypes) != 13 {
		t.Fatalf("ResourceTypes lists %d types", len(ResourceTypes))
	}
	for _, rt := range ResourceTypes {
		if rt.Traits() == (ResourceTypeTraits{}) && rt != ResourceTypeLighthouse {
			t.Errorf("%s has no traits", rt)
		}
	}
	deploy := crd(t, "ssl.certsync.io_certificatedeployments.yaml").Spec.Versions[0].Schema.OpenAPIV3Schema.Properties["spec"]
	rotation := crd(t, "ssl.certsync.io_tencentcertificates.yaml").Spec.Versions[0].Schema.OpenAPIV3Schema.
		Properties["spec"].Properties["rotation"].Properties["updateBoundResources"].Items.Schema

	all := typesWith(func(ResourceTypeTraits) bool { return true })
	checks := []struct {
		name      string
		got, want []string
	}{
		{"the resourceType enum", enum(deploy.Properties["resourceType"]), all},
		{"the region rule of CertificateDeployment", ruleTypes(t, deploy, "region is required"),
			typesWith(func(tr ResourceTypeTraits) bool { return tr.DeployRegion })},
		{"the updateBoundResources enum", enum(rotation.Properties["resourceType"]),
			typesWith(func(tr ResourceTypeTraits) bool { return tr.Updatable })},
		{"the regions rule of updateBoundResources", ruleTypes(t, *rotation, "regions is required"),
			typesWith(func(tr ResourceTypeTraits) bool { return tr.UpdateRegion })},
	}
	// Only Lighthouse is reported by no call; tse and tcb only by the bound-resource query.
	checks = append(checks,
		struct {
			name      string
			got, want []string
		}{"the unobservable types", typesWith(func(tr ResourceTypeTraits) bool { return !tr.Observable }), []string{"lighthouse"}},
		struct {
			name      string
			got, want []string
		}{"the types observed by the bound-resource query", typesWith(func(tr ResourceTypeTraits) bool { return tr.ObservedByTask }), []string{"tcb", "tse"}},
	)
	drift := deploy.Properties["driftCheckInterval"].Description
	for _, rt := range ResourceTypes {
		if mentioned := strings.Contains(drift, string(rt)); mentioned == rt.Traits().Observable {
			t.Errorf("the driftCheckInterval description mentions %s: %v; it must name exactly the unobservable types", rt, mentioned)
		}
	}
	for _, c := range checks {
		if !slices.Equal(c.got, c.want) {
			t.Errorf("%s lists %v; the traits say %v", c.name, c.got, c.want)
		}
	}
}
