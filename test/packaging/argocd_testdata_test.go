package packaging

import (
	"os"
	"path/filepath"
	"testing"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/certsync/tencent-cert-operator/internal/testenv"
)

func TestArgoCDHealthTestObjectsAreValidForTheCRDs(t *testing.T) {
	// The health checks are only as good as their test objects: each must be accepted by the
	// CRD's schema and CEL rules, status included.
	paths, err := filepath.Glob(filepath.Join(testenv.RepoRoot(), "argocd", "resource_customizations", "*", "*", "testdata", "*.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	if len(paths) == 0 {
		t.Fatal("no Argo CD health test objects")
	}
	ctx := t.Context()
	created := map[string]bool{}
	for _, path := range paths {
		rel, _ := filepath.Rel(testenv.RepoRoot(), path)
		t.Run(rel+" is a valid object", func(t *testing.T) {
			data, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			objs := parse(t, string(data))
			if len(objs) != 1 {
				t.Fatalf("%d objects, want 1", len(objs))
			}
			want := objs[0]
			if ns := want.GetNamespace(); !created[ns] {
				err := env.Client.Create(ctx, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: ns}})
				if err != nil && !apierrors.IsAlreadyExists(err) {
					t.Fatal(err)
				}
				created[ns] = true
			}

			obj := &unstructured.Unstructured{Object: map[string]any{
				"apiVersion": want.GetAPIVersion(), "kind": want.GetKind(), "spec": want.Object["spec"],
			}}
			obj.SetNamespace(want.GetNamespace())
			obj.SetName(want.GetName())
			strict := client.FieldValidation("Strict")
			if err := env.Client.Create(ctx, obj, strict); err != nil {
				t.Fatalf("creating the object: %v", err)
			}
			t.Cleanup(func() { _ = env.Client.Delete(ctx, obj) })
			if status, ok := want.Object["status"]; ok {
				obj.Object["status"] = status
				if err := env.Client.Status().Update(ctx, obj, client.DryRunAll, strict); err != nil {
					t.Errorf("writing the status: %v", err)
				}
			}
		})
	}
}
