package e2e

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"sigs.k8s.io/controller-runtime/pkg/client"
)

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
	} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("the demo output lacks %q", want)
		}
	}
	for _, stage := range []string{"ready", "rotated"} {
		if len(captured[stage]) != 4 {
			t.Errorf("stage %s captured %d objects, want 4", stage, len(captured[stage]))
		}
	}
	if strings.Contains(out.String(), demoSecretKey) {
		t.Error("the demo printed the secret key")
	}
}
