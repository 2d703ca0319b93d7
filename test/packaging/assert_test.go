package packaging

import (
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
	"sigs.k8s.io/yaml"
)

// convert turns an unstructured object into a typed one, rejecting unknown fields.
func convert[T any](t *testing.T, obj *unstructured.Unstructured) *T {
	t.Helper()
	typed := new(T)
	if err := runtime.DefaultUnstructuredConverter.FromUnstructuredWithValidation(obj.Object, typed, true); err != nil {
		t.Fatalf("%s %s: %v", obj.GetKind(), obj.GetName(), err)
	}
	return typed
}

// appVersion is the chart's appVersion, the default image tag.
func appVersion(t *testing.T) string {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(chartDir, "Chart.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	var chart struct {
		AppVersion string `json:"appVersion"`
	}
	if err := yaml.Unmarshal(data, &chart); err != nil || chart.AppVersion == "" {
		t.Fatalf("Chart.yaml has no appVersion: %v", err)
	}
	return chart.AppVersion
}

// readTemplates returns the chart's templates by path.
func readTemplates() (map[string]string, error) {
	out := map[string]string{}
	root := filepath.Join(chartDir, "templates")
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := os.ReadFile(path)
		out[path] = string(data)
		return err
	})
	return out, err
}

// manager returns the Deployment's manager container.
func manager(t *testing.T, dep *appsv1.Deployment) corev1.Container {
	t.Helper()
	for _, c := range dep.Spec.Template.Spec.Containers {
		if c.Name == "manager" {
			return c
		}
	}
	t.Fatalf("Deployment %s has no manager container", dep.Name)
	return corev1.Container{}
}

// checkRestricted checks the restricted Pod Security Standard and the manager's probes and
// resources.
func checkRestricted(t *testing.T, dep *appsv1.Deployment) {
	t.Helper()
	pod := dep.Spec.Template.Spec
	if psc := pod.SecurityContext; psc == nil || psc.RunAsNonRoot == nil || !*psc.RunAsNonRoot ||
		psc.SeccompProfile == nil || psc.SeccompProfile.Type != corev1.SeccompProfileTypeRuntimeDefault {
		t.Errorf("pod securityContext = %+v, want runAsNonRoot and the RuntimeDefault seccomp profile", psc)
	}
	if len(pod.Containers) != 1 || len(pod.InitContainers) != 0 {
		t.Errorf("pod has %d containers and %d init containers, want only the manager", len(pod.Containers), len(pod.InitContainers))
	}
	c := manager(t, dep)
	sc := c.SecurityContext
	switch {
	case sc == nil:
		t.Fatal("manager has no securityContext")
	case sc.AllowPrivilegeEscalation == nil || *sc.AllowPrivilegeEscalation:
		t.Error("manager allows privilege escalation")
	case sc.ReadOnlyRootFilesystem == nil || !*sc.ReadOnlyRootFilesystem:
		t.Error("manager's root filesystem is writable")
	case sc.Capabilities == nil || !slices.Equal(sc.Capabilities.Drop, []corev1.Capability{"ALL"}) || len(sc.Capabilities.Add) != 0:
		t.Errorf("manager capabilities = %+v, want drop ALL", sc.Capabilities)
	case sc.Privileged != nil && *sc.Privileged:
		t.Error("manager is privileged")
	}
	health := -1
	for _, p := range c.Ports {
		if p.Name == "health" {
			health = int(p.ContainerPort)
		}
	}
	if health != 8081 {
		t.Errorf("health port = %d, want 8081", health)
	}
	for name, probe := range map[string]*corev1.Probe{"/healthz": c.LivenessProbe, "/readyz": c.ReadinessProbe} {
		if probe == nil || probe.HTTPGet == nil || probe.HTTPGet.Path != name || probe.HTTPGet.Port.String() != "health" {
			t.Errorf("probe for %s = %+v, want an HTTP GET on the health port", name, probe)
		}
	}
	if c.Resources.Requests.Cpu().IsZero() || c.Resources.Requests.Memory().IsZero() || c.Resources.Limits.Memory().IsZero() {
		t.Errorf("resources = %+v, want CPU and memory requests and a memory limit", c.Resources)
	}
}

func wantArgs(t *testing.T, c corev1.Container, args ...string) {
	t.Helper()
	for _, a := range args {
		if !slices.Contains(c.Args, a) {
			t.Errorf("args %v lack %s", c.Args, a)
		}
	}
}

func noArgPrefix(t *testing.T, c corev1.Container, prefixes ...string) {
	t.Helper()
	for _, a := range c.Args {
		for _, p := range prefixes {
			if strings.HasPrefix(a, p) {
				t.Errorf("args contain %s", a)
			}
		}
	}
}

func envVar(c corev1.Container, name string) *corev1.EnvVar {
	for i := range c.Env {
		if c.Env[i].Name == name {
			return &c.Env[i]
		}
	}
	return nil
}

func envValue(c corev1.Container, name string) string {
	if e := envVar(c, name); e != nil {
		return e.Value
	}
	return ""
}

func wantEnv(t *testing.T, c corev1.Container, name, value string) {
	t.Helper()
	e := envVar(c, name)
	if e == nil || e.Value != value || e.ValueFrom != nil {
		t.Errorf("env %s = %+v, want %q", name, e, value)
	}
}

// wantSecretEnv checks that a variable comes from a Secret key and carries no literal value.
func wantSecretEnv(t *testing.T, c corev1.Container, name, secret, key string, optional bool) {
	t.Helper()
	e := envVar(c, name)
	if e == nil || e.Value != "" || e.ValueFrom == nil || e.ValueFrom.SecretKeyRef == nil {
		t.Fatalf("env %s = %+v, want a secretKeyRef", name, e)
	}
	ref := e.ValueFrom.SecretKeyRef
	gotOptional := ref.Optional != nil && *ref.Optional
	if ref.Name != secret || ref.Key != key || gotOptional != optional {
		t.Errorf("env %s reads %s/%s (optional %v), want %s/%s (optional %v)", name, ref.Name, ref.Key, gotOptional, secret, key, optional)
	}
}

func wantSubject(t *testing.T, subjects []rbacv1.Subject, serviceAccount string) {
	t.Helper()
	if len(subjects) != 1 || subjects[0].Kind != "ServiceAccount" || subjects[0].Name != serviceAccount || subjects[0].Namespace != releaseNamespace {
		t.Errorf("subjects = %+v, want ServiceAccount %s/%s", subjects, releaseNamespace, serviceAccount)
	}
}

// wantSelects checks that a selector matches the pod template's labels.
func wantSelects(t *testing.T, what string, selector, labels map[string]string) {
	t.Helper()
	if len(selector) == 0 {
		t.Errorf("%s selects every pod", what)
	}
	for k, v := range selector {
		if labels[k] != v {
			t.Errorf("%s selects %s=%s, which the manager pods lack", what, k, v)
		}
	}
}
