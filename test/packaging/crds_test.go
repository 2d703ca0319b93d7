package packaging

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"k8s.io/apimachinery/pkg/api/equality"

	"github.com/certsync/tencent-cert-operator/internal/testenv"
)

// crdObjects returns the CRDs controller-gen generated into config/crd/bases.
func crdObjects(t *testing.T) manifests {
	t.Helper()
	paths, err := filepath.Glob(filepath.Join(testenv.RepoRoot(), "config", "crd", "bases", "*.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	var all manifests
	for _, p := range paths {
		data, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		all = append(all, parse(t, string(data))...)
	}
	if len(all) == 0 {
		t.Fatal("no CRDs in config/crd/bases")
	}
	return all
}

func TestChartCRDTemplatesAreCurrent(t *testing.T) {
	dir := t.TempDir()
	cmd := exec.CommandContext(t.Context(), filepath.Join(testenv.RepoRoot(), "hack", "sync-chart-crds.sh"), dir)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("hack/sync-chart-crds.sh: %v\n%s", err, out)
	}
	fresh, err := filepath.Glob(filepath.Join(dir, "*.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	chartCRDs := filepath.Join(chartDir, "templates", "crds")
	committed, err := filepath.Glob(filepath.Join(chartCRDs, "*.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	if len(fresh) != len(committed) {
		t.Errorf("the chart has %d CRD templates, config/crd/bases %d: run 'make manifests'", len(committed), len(fresh))
	}
	for _, f := range fresh {
		want, _ := os.ReadFile(f)
		got, err := os.ReadFile(filepath.Join(chartCRDs, filepath.Base(f)))
		if err != nil || string(got) != string(want) {
			t.Errorf("templates/crds/%s is stale: run 'make manifests'", filepath.Base(f))
		}
	}
}

func TestChartCRDsEqualTheGeneratedCRDs(t *testing.T) {
	rendered := map[string]map[string]any{}
	for _, crd := range mustRender(t).all("CustomResourceDefinition") {
		rendered[crd.GetName()] = crd.Object["spec"].(map[string]any)
		if !strings.HasPrefix(crd.GetLabels()["helm.sh/chart"], "tencent-cert-operator-") {
			t.Errorf("CRD %s lacks the chart's labels", crd.GetName())
		}
	}
	for _, crd := range crdObjects(t) {
		spec, ok := rendered[crd.GetName()]
		if !ok {
			t.Errorf("the chart does not install %s", crd.GetName())
			continue
		}
		if !equality.Semantic.DeepEqual(spec, crd.Object["spec"]) {
			t.Errorf("the chart's %s differs from config/crd/bases", crd.GetName())
		}
	}
}
