package argocd

import (
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"testing"
)

// Argo CD loads each kind's health.lua on its own, so the scripts cannot share a Lua helper.
// This test proves instead that they agree on every case they share: the kstatus conditions
// Ready, Reconciling and Stalled with observedGeneration, without the CertificateDeployment's
// own Degraded condition and suspend switch.

// fallbacks are each kind's own words for a message no condition supplies; they stand for the
// same thing in every script.
var fallbacks = map[string]map[string]string{
	"TencentCertificate": {
		"Waiting for the controller to observe the certificate": "<unobserved>",
		"Waiting for the certificate to be uploaded":            "<waiting>",
		"Certificate is uploaded":                               "<done>",
	},
	"HuaweiAPIGCertificate": {
		"Waiting for the controller to observe the bindings": "<unobserved>",
		"Waiting for the certificate to be bound":            "<waiting>",
		"Certificate is bound":                               "<done>",
	},
	"CertificateDeployment": {
		"Waiting for the controller to observe the deployment": "<unobserved>",
		"Waiting for the certificate to be deployed":           "<waiting>",
		"Certificate is deployed":                              "<done>",
	},
}

// sharedCases returns every combination of the shared conditions, with a name each.
func sharedCases() map[string]map[string]any {
	const generation = 3
	cases := map[string]map[string]any{"no status": {"metadata": map[string]any{"generation": int64(generation)}}}
	cond := func(typ, status, msg string, observed int64) map[string]any {
		c := map[string]any{"type": typ, "status": status, "reason": typ + status, "observedGeneration": observed}
		if msg != "" {
			c["message"] = msg
		}
		return c
	}
	type variant struct {
		name string
		c    map[string]any
	}
	options := func(typ string, statuses ...string) []variant {
		out := []variant{{typ + " absent", nil}}
		for _, s := range statuses {
			out = append(out,
				variant{typ + "=" + s + " with a message", cond(typ, s, typ+" says "+s, generation)},
				variant{typ + "=" + s + " without a message", cond(typ, s, "", generation)})
		}
		return out
	}
	for _, observed := range []any{nil, int64(generation), int64(generation - 1)} {
		for _, ready := range options("Ready", "True", "False", "Unknown") {
			for _, readyGen := range []int64{generation, generation - 1} {
				// False is the same as absent to every script; one False variant shows it.
				for _, reconciling := range options("Reconciling", "True", "False")[:4] {
					for _, stalled := range options("Stalled", "True", "False")[:4] {
						var conditions []any
						for _, v := range []variant{ready, reconciling, stalled} {
							if v.c != nil {
								c := map[string]any{}
								for k, val := range v.c {
									c[k] = val
								}
								if v.c["type"] == "Ready" {
									c["observedGeneration"] = readyGen
								}
								conditions = append(conditions, c)
							}
						}
						status := map[string]any{"conditions": conditions}
						if observed != nil {
							status["observedGeneration"] = observed
						}
						name := fmt.Sprintf("observedGeneration %v, %s of generation %d, %s, %s", observed, ready.name, readyGen, reconciling.name, stalled.name)
						cases[name] = map[string]any{
							"metadata": map[string]any{"generation": int64(generation)},
							"spec":     map[string]any{"suspend": false},
							"status":   status,
						}
					}
				}
			}
		}
	}
	return cases
}

func TestHealthChecksAgreeOnEverySharedCase(t *testing.T) {
	kinds := map[string]string{}
	for _, dir := range checkDirs(t) {
		script, err := os.ReadFile(filepath.Join(dir, "health.lua"))
		if err != nil {
			t.Fatal(err)
		}
		kinds[filepath.Base(dir)] = string(script)
	}
	for kind := range kinds {
		if fallbacks[kind] == nil {
			t.Fatalf("%s has a health check but no fallback messages here: add them to fallbacks", kind)
		}
	}
	// Each kind evaluates every case on its own goroutine; the answers are compared after.
	cases := sharedCases()
	answers := map[string]map[string]string{}
	errs := make(chan error, len(kinds))
	var mu sync.Mutex
	var wg sync.WaitGroup
	for kind, script := range kinds {
		wg.Add(1)
		go func() {
			defer wg.Done()
			got := map[string]string{}
			for name, obj := range cases {
				h, err := Evaluate(script, obj, false)
				if err != nil {
					errs <- fmt.Errorf("%s, %s: %w", kind, name, err)
					return
				}
				if canonical, ok := fallbacks[kind][h.Message]; ok {
					h.Message = canonical
				}
				got[name] = h.Status + ": " + h.Message
			}
			mu.Lock()
			defer mu.Unlock()
			answers[kind] = got
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	for name := range cases {
		var first, firstKind string
		for kind := range answers {
			got := answers[kind][name]
			seen[strings.SplitN(got, ":", 2)[0]] = true
			if first == "" {
				first, firstKind = got, kind
			} else if got != first {
				t.Errorf("%s: %s says %q, %s says %q", name, firstKind, first, kind, got)
			}
		}
	}
	// The cases reach every health the shared logic can give.
	if want := "Degraded Healthy Progressing"; strings.Join(sortedKeys(seen), " ") != want {
		t.Errorf("the shared cases reach %v, want %s", sortedKeys(seen), want)
	}
}

func sortedKeys(m map[string]bool) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
