package tencentcloud

import (
	"context"
	"strings"
	"testing"
)

func TestOIDCRoleWithoutPodIdentityIsACredentialError(t *testing.T) {
	t.Setenv(EnvTKERegion, "")
	t.Setenv(EnvTKEProviderID, "")
	t.Setenv(EnvTKETokenFile, "")
	_, err := NewFactory(FactoryOptions{}).ForRole(context.Background(), Role{OIDCRoleARN: "qcs::cam::uin/100000000001:roleName/team-a"})
	if Code(err) != CodeClientCredential {
		t.Fatalf("err = %v, want %s", err, CodeClientCredential)
	}
	if !strings.Contains(err.Error(), EnvTKETokenFile) {
		t.Errorf("error %q does not say what is missing", err)
	}
	if _, err := NewFactory(FactoryOptions{}).ForRole(context.Background(), Role{}); Code(err) != CodeClientCredential {
		t.Errorf("an empty role: err = %v, want %s", err, CodeClientCredential)
	}
}
