package packaging

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	utilyaml "k8s.io/apimachinery/pkg/util/yaml"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/yaml"

	"github.com/certsync/tencent-cert-operator/internal/testenv"
)

// chartDir is the chart under test.
var chartDir = filepath.Join(testenv.RepoRoot(), "charts", "tencent-cert-operator")

// tool returns the path of a pinned tool from its environment variable (the Makefile exports
// HELM and KUSTOMIZE), defaulting to bin/<name> in the checkout. A missing tool fails the test:
// these checks must never be skipped silently.
func tool(t *testing.T, envVar, name string) string {
	t.Helper()
	path := os.Getenv(envVar)
	if path == "" {
		path = filepath.Join(testenv.RepoRoot(), "bin", name)
	}
	if _, err := os.Stat(path); err != nil {
		t.Fatalf("%s not found at %s (%v): run 'make test', which builds it into bin/, or 'make %s'", name, path, err, name)
	}
	return path
}

// run runs a tool and returns its stdout, or an error that carries its stderr.
func run(t *testing.T, path string, args ...string) (string, error) {
	t.Helper()
	cmd := exec.CommandContext(t.Context(), path, args...)
	// Keep helm away from the user's configuration and caches.
	home := t.TempDir()
	cmd.Env = append(os.Environ(),
		"XDG_CACHE_HOME="+filepath.Join(home, "cache"),
		"XDG_CONFIG_HOME="+filepath.Join(home, "config"),
		"XDG_DATA_HOME="+filepath.Join(home, "data"),
		"HELM_NO_PLUGINS=1",
	)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		return stdout.String(), errors.New(strings.TrimSpace(stderr.String()) + ": " + err.Error())
	}
	return stdout.String(), nil
}

// helmTemplate renders the chart as release "tco" in the release namespace, as Argo CD does.
func helmTemplate(t *testing.T, args ...string) (string, error) {
	t.Helper()
	base := []string{"template", "tco", chartDir, "--namespace", releaseNamespace}
	return run(t, tool(t, "HELM", "helm"), append(base, args...)...)
}

// mustRender renders the chart and parses the manifests.
func mustRender(t *testing.T, args ...string) manifests {
	t.Helper()
	out, err := helmTemplate(t, args...)
	if err != nil {
		t.Fatalf("helm template %s: %v", strings.Join(args, " "), err)
	}
	return parse(t, out)
}

// manifests are rendered objects.
type manifests []*unstructured.Unstructured

// parse splits a multi-document YAML stream into objects. It decodes strictly, so a template
// that emits a key twice fails here instead of silently losing one value.
func parse(t *testing.T, stream string) manifests {
	t.Helper()
	var objs manifests
	r := utilyaml.NewYAMLReader(bufio.NewReader(strings.NewReader(stream)))
	for {
		doc, err := r.Read()
		if errors.Is(err, io.EOF) {
			return objs
		}
		if err != nil {
			t.Fatal(err)
		}
		js, err := yaml.YAMLToJSONStrict(doc)
		if err != nil {
			t.Fatalf("invalid YAML document: %v\n%s", err, doc)
		}
		if string(bytes.TrimSpace(js)) == "null" {
			continue
		}
		obj := &unstructured.Unstructured{}
		if err := obj.UnmarshalJSON(js); err != nil {
			t.Fatalf("invalid object: %v\n%s", err, doc)
		}
		objs = append(objs, obj)
	}
}

// all returns the objects of a kind.
func (m manifests) all(kind string) manifests {
	var out manifests
	for _, o := range m {
		if o.GetKind() == kind {
			out = append(out, o)
		}
	}
	return out
}

// one returns the only object of a kind, converted into a typed object.
func one[T any](t *testing.T, m manifests, kind string) *T {
	t.Helper()
	objs := m.all(kind)
	if len(objs) != 1 {
		t.Fatalf("rendered %d %s objects, want 1", len(objs), kind)
	}
	return convert[T](t, objs[0])
}

// applyOrder puts cluster-level definitions first, as kubectl and Argo CD sync them.
func applyOrder(kind string) int {
	switch kind {
	case "CustomResourceDefinition":
		return 0
	case "Namespace":
		return 1
	default:
		return 2
	}
}

// dryRun sends every object to the API server with dryRun=All and strict field validation, so
// the server's schema, admission and CRD validation run without persisting anything. Objects
// that already exist (the CRDs testenv installed, the namespaces setup created) are sent as
// updates.
func dryRun(t *testing.T, objs manifests) {
	t.Helper()
	if len(objs) == 0 {
		t.Fatal("nothing to apply")
	}
	sorted := append(manifests(nil), objs...)
	sort.SliceStable(sorted, func(i, j int) bool {
		return applyOrder(sorted[i].GetKind()) < applyOrder(sorted[j].GetKind())
	})
	ctx := t.Context()
	for _, obj := range sorted {
		if err := dryRunOne(ctx, obj.DeepCopy()); err != nil {
			t.Errorf("server-side dry-run of %s %s/%s: %v", obj.GetKind(), obj.GetNamespace(), obj.GetName(), err)
		}
	}
}

func dryRunOne(ctx context.Context, obj *unstructured.Unstructured) error {
	strict := client.FieldValidation("Strict")
	err := env.Client.Create(ctx, obj, client.DryRunAll, strict)
	if !apierrors.IsAlreadyExists(err) {
		return err
	}
	current := &unstructured.Unstructured{}
	current.SetGroupVersionKind(obj.GroupVersionKind())
	if err := env.Client.Get(ctx, client.ObjectKeyFromObject(obj), current); err != nil {
		return err
	}
	obj.SetResourceVersion(current.GetResourceVersion())
	return env.Client.Update(ctx, obj, client.DryRunAll, strict)
}
