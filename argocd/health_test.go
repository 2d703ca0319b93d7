package argocd

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"sigs.k8s.io/yaml"
)

// healthTests is the format of Argo CD's health_test.yaml.
type healthTests struct {
	Tests []struct {
		HealthStatus Health `json:"healthStatus"`
		InputPath    string `json:"inputPath"`
	} `json:"tests"`
}

// checkDirs returns the directories holding a health.lua, as Argo CD's TestLuaHealthScript
// finds them.
func checkDirs(t *testing.T) []string {
	t.Helper()
	scripts, err := filepath.Glob(filepath.Join("resource_customizations", "*", "*", "health.lua"))
	if err != nil {
		t.Fatal(err)
	}
	if len(scripts) == 0 {
		t.Fatal("no health.lua under resource_customizations")
	}
	dirs := make([]string, 0, len(scripts))
	for _, s := range scripts {
		dirs = append(dirs, filepath.Dir(s))
	}
	return dirs
}

// readObject reads a manifest as the API server's client returns it, with int64 numbers.
func readObject(t *testing.T, path string) *unstructured.Unstructured {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	js, err := yaml.YAMLToJSON(data)
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	obj := &unstructured.Unstructured{}
	if err := obj.UnmarshalJSON(js); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return obj
}

func readHealthTests(t *testing.T, dir string) healthTests {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(dir, "health_test.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	var tests healthTests
	if err := yaml.UnmarshalStrict(data, &tests); err != nil {
		t.Fatalf("%s/health_test.yaml: %v", dir, err)
	}
	if len(tests.Tests) == 0 {
		t.Fatalf("%s/health_test.yaml lists no tests", dir)
	}
	return tests
}

func TestHealthChecksReturnTheExpectedHealthForEveryListedObject(t *testing.T) {
	for _, dir := range checkDirs(t) {
		group, kind := filepath.Base(filepath.Dir(dir)), filepath.Base(dir)
		script, err := os.ReadFile(filepath.Join(dir, "health.lua"))
		if err != nil {
			t.Fatal(err)
		}
		for _, tc := range readHealthTests(t, dir).Tests {
			name := kind + " " + tc.InputPath + " is " + tc.HealthStatus.Status
			t.Run(name, func(t *testing.T) {
				obj := readObject(t, filepath.Join(dir, tc.InputPath))
				if gvk := obj.GroupVersionKind(); gvk.Group != group || gvk.Kind != kind {
					t.Fatalf("object is a %s, want %s/%s", gvk, group, kind)
				}
				// argocd-cm checks run without the standard libraries unless useOpenLibs is
				// set; Argo CD's own test runner opens them. The result must not differ.
				got, err := EvaluateHealth(obj)
				if err != nil {
					t.Fatalf("without open libraries: %v", err)
				}
				if got != tc.HealthStatus {
					t.Errorf("without open libraries: health = %+v, want %+v", got, tc.HealthStatus)
				}
				got, err = Evaluate(string(script), obj.Object, true)
				if err != nil {
					t.Fatalf("with open libraries: %v", err)
				}
				if got != tc.HealthStatus {
					t.Errorf("with open libraries: health = %+v, want %+v", got, tc.HealthStatus)
				}
			})
		}
	}
}

func TestEveryTestdataFileIsListedInHealthTests(t *testing.T) {
	for _, dir := range checkDirs(t) {
		listed := map[string]bool{}
		for _, tc := range readHealthTests(t, dir).Tests {
			listed[filepath.Clean(tc.InputPath)] = true
		}
		files, err := filepath.Glob(filepath.Join(dir, "testdata", "*.yaml"))
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range files {
			rel, _ := filepath.Rel(dir, f)
			if !listed[rel] {
				t.Errorf("%s is not listed in %s/health_test.yaml", rel, dir)
			}
		}
	}
}

func TestHealthTestsCoverHealthyProgressingAndDegraded(t *testing.T) {
	for _, dir := range checkDirs(t) {
		seen := map[string]bool{}
		for _, tc := range readHealthTests(t, dir).Tests {
			seen[tc.HealthStatus.Status] = true
		}
		for _, want := range []string{StatusHealthy, StatusProgressing, StatusDegraded} {
			if !seen[want] {
				t.Errorf("%s/health_test.yaml has no %s case", dir, want)
			}
		}
	}
}

func TestEveryCustomResourceDefinitionWithStatusHasAHealthCheck(t *testing.T) {
	crds, err := filepath.Glob(filepath.Join("..", "config", "crd", "bases", "*.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	if len(crds) == 0 {
		t.Fatal("no CRDs under config/crd/bases")
	}
	for _, path := range crds {
		crd := readObject(t, path)
		group, _, _ := unstructured.NestedString(crd.Object, "spec", "group")
		kind, _, _ := unstructured.NestedString(crd.Object, "spec", "names", "kind")
		versions, _, _ := unstructured.NestedSlice(crd.Object, "spec", "versions")
		if len(versions) == 0 {
			t.Fatalf("%s has no versions", path)
		}
		if _, hasStatus, _ := unstructured.NestedMap(versions[0].(map[string]any), "subresources", "status"); !hasStatus {
			// A kind without status, such as TencentCloudAccount, is configuration: Argo CD
			// reports no health for it, and there is nothing for a check to read.
			if _, err := Script(group, kind); err == nil {
				t.Errorf("%s/%s has a health check but no status", group, kind)
			}
			continue
		}
		if _, err := Script(group, kind); err != nil {
			t.Errorf("%s/%s has no embedded health check: %v", group, kind, err)
		}
	}
}

func TestEvaluateRejectsScriptsThatBreakArgoCDsContract(t *testing.T) {
	obj := map[string]any{"metadata": map[string]any{"name": "web"}}
	cases := []struct {
		name, script, wantErr string
	}{
		{"a status Argo CD does not know is an error", `return {status = "Fine"}`, `invalid status "Fine"`},
		{"a result that is not a table is an error", `return "Healthy"`, "not a table"},
		{"a script that never returns is stopped", `while true do end`, "context deadline exceeded"},
		{"the string library is unavailable without open libraries", `return {status = string.upper("healthy")}`, "string"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Evaluate(tc.script, obj, false)
			if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
				t.Fatalf("error = %v, want one containing %q", err, tc.wantErr)
			}
		})
	}
}

func TestEvaluateHealthFailsForKindsWithoutACheck(t *testing.T) {
	obj := &unstructured.Unstructured{}
	obj.SetAPIVersion("apps/v1")
	obj.SetKind("Deployment")
	if _, err := EvaluateHealth(obj); err == nil || !strings.Contains(err.Error(), "no health check for apps/Deployment") {
		t.Fatalf("error = %v, want no health check", err)
	}
}

func TestArgoCDDocsCarryTheCurrentHealthChecks(t *testing.T) {
	doc, err := os.ReadFile(filepath.Join("..", "docs", "argocd.md"))
	if err != nil {
		t.Fatal(err)
	}
	const start = "```yaml\napiVersion: v1\nkind: ConfigMap\n"
	i := strings.Index(string(doc), start)
	if i < 0 {
		t.Fatal("docs/argocd.md has no argocd-cm ConfigMap")
	}
	block := string(doc)[i+len("```yaml\n"):]
	block = block[:strings.Index(block, "```")]
	var cm struct {
		Data map[string]string `json:"data"`
	}
	if err := yaml.Unmarshal([]byte(block), &cm); err != nil {
		t.Fatalf("the argocd-cm snippet is not valid YAML: %v", err)
	}
	for _, dir := range checkDirs(t) {
		group, kind := filepath.Base(filepath.Dir(dir)), filepath.Base(dir)
		key := "resource.customizations.health." + group + "_" + kind
		script, err := Script(group, kind)
		if err != nil {
			t.Fatal(err)
		}
		if cm.Data[key] != script {
			t.Errorf("docs/argocd.md: %s differs from %s/health.lua", key, dir)
		}
	}
}
