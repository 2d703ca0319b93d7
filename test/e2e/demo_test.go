package e2e

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/certsync/tencent-cert-operator/argocd"
	"github.com/certsync/tencent-cert-operator/internal/testenv"
)

// toUnstructured converts a typed object, setting its kind as the API server would.
func toUnstructured(obj client.Object) (*unstructured.Unstructured, error) {
	gvks, _, err := testenv.NewScheme().ObjectKinds(obj)
	if err != nil {
		return nil, err
	}
	m, err := runtime.DefaultUnstructuredConverter.ToUnstructured(obj)
	if err != nil {
		return nil, err
	}
	u := &unstructured.Unstructured{Object: m}
	u.SetGroupVersionKind(gvks[0])
	return u, nil
}

// TestDemo runs `make demo`'s scenario, so that the demo cannot rot.
func TestDemo(t *testing.T) {
	var out bytes.Buffer
	captured := map[string][]client.Object{}
	err := Run(context.Background(), &out, Options{
		WorkDir: t.TempDir(),
		Capture: func(stage string, objs []client.Object) { captured[stage] = objs },
	})
	t.Log(out.String())
	if err != nil {
		t.Fatalf("demo failed: %v", err)
	}
	for _, want := range []string{
		"tencentcertificate/shop  True",
		"certificatedeployment/shop-clb  True   clb",
		"certificatedeployment/shop-cdn  True   cdn",
		"certificatedeployment/shop-tke  True   tke",
		"the simulator reports 3 resources bound to it",
		"huaweiapigcertificate/shop-apig  True   cn-north-4",
		"The APIG domain shop.example.com serves the renewed certificate too",
	} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("the demo output lacks %q", want)
		}
	}
	for _, stage := range []string{"ready", "rolling", "rotated"} {
		if len(captured[stage]) != 4 {
			t.Errorf("stage %s captured %d objects, want 4", stage, len(captured[stage]))
		}
		// The Argo CD health checks judge the real objects as Healthy.
		for _, obj := range captured[stage] {
			u, err := toUnstructured(obj)
			if err != nil {
				t.Fatal(err)
			}
			h, err := argocd.EvaluateHealth(u)
			if err != nil {
				t.Fatalf("%s %s: %v", stage, obj.GetName(), err)
			}
			switch {
			case stage == "rolling" && h.Status == argocd.StatusDegraded:
				t.Errorf("a normal rollout must never look Degraded: %s is %s (%s)", obj.GetName(), h.Status, h.Message)
			case stage != "rolling" && h.Status != argocd.StatusHealthy:
				t.Errorf("%s: Argo CD health of %s is %s (%s), want Healthy", stage, obj.GetName(), h.Status, h.Message)
			}
		}
	}
	if strings.Contains(out.String(), demoSecretKey) {
		t.Error("the demo printed the secret key")
	}
}
