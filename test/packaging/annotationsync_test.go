package packaging

import (
	"slices"
	"testing"

	appsv1 "k8s.io/api/apps/v1"
)

const annotationSyncFlag = "--secret-annotation-sync"

func TestChartEnablesAnnotationSyncWithItsPermissions(t *testing.T) {
	want := roleFile(t, "secretsync", "role.yaml").Rules
	for _, tc := range roleModes {
		t.Run(tc.name+" covers config/rbac/secretsync/role.yaml", func(t *testing.T) {
			objs := mustRender(t, append(tc.args, "--set", "annotationSync.enabled=true")...)
			if gap := missing(grantedIn(t, objs, tc.namespace), want); len(gap) > 0 {
				t.Errorf("the chart grants %s less than annotation sync declares: %v; add it to templates/rbac.yaml", tc.namespace, gap)
			}
			if args := managerArgs(t, objs); !slices.Contains(args, annotationSyncFlag) {
				t.Errorf("manager args %v lack %s", args, annotationSyncFlag)
			}
		})
	}
}

func TestChartLeavesAnnotationSyncOffByDefault(t *testing.T) {
	objs := mustRender(t)
	if args := managerArgs(t, objs); slices.Contains(args, annotationSyncFlag) {
		t.Errorf("manager args %v enable annotation sync by default", args)
	}
	rules := grantedIn(t, objs, "any-namespace")
	for _, res := range []string{"tencentcertificates", "certificatedeployments"} {
		if grants(rules, "ssl.certsync.io", res, "create") {
			t.Errorf("the default RBAC may create %s", res)
		}
	}
}

func managerArgs(t *testing.T, objs manifests) []string {
	t.Helper()
	d := one[appsv1.Deployment](t, objs, "Deployment")
	return d.Spec.Template.Spec.Containers[0].Args
}
