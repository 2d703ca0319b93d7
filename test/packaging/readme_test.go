package packaging

import (
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"sigs.k8s.io/yaml"
)

// valueKeys lists the dotted paths of values.yaml down to scalars, lists and empty maps, and
// stops at maps the README documents as a whole (security contexts and resources).
func valueKeys(prefix string, v any, whole map[string]bool) []string {
	m, ok := v.(map[string]any)
	if !ok || len(m) == 0 || whole[prefix] {
		return []string{prefix}
	}
	var keys []string
	for k, child := range m {
		path := k
		if prefix != "" {
			path = prefix + "." + k
		}
		keys = append(keys, valueKeys(path, child, whole)...)
	}
	sort.Strings(keys)
	return keys
}

func TestChartReadmeDocumentsEveryValue(t *testing.T) {
	data, err := os.ReadFile(filepath.Join(chartDir, "values.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	var values map[string]any
	if err := yaml.Unmarshal(data, &values); err != nil {
		t.Fatal(err)
	}
	readme, err := os.ReadFile(filepath.Join(chartDir, "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	whole := map[string]bool{"podSecurityContext": true, "securityContext": true, "resources": true}
	keys := valueKeys("", values, whole)
	if len(keys) < 10 {
		t.Fatalf("found only %d values: %v", len(keys), keys)
	}
	for _, k := range keys {
		if !strings.Contains(string(readme), "| `"+k+"` |") {
			t.Errorf("README.md has no row for %s", k)
		}
	}
}
