package packaging

import (
	"strings"
	"testing"
)

func TestValuesSchemaRejectsBadValues(t *testing.T) {
	cases := []struct {
		name    string
		args    []string
		wantErr string
	}{
		{"a replica count that is not a number", []string{"--set-string", "replicaCount=two"}, "/replicaCount': got string, want integer"},
		{"a negative replica count", []string{"--set", "replicaCount=-1"}, "/replicaCount': minimum"},
		{"an unknown credentials mode", []string{"--set", "credentials.mode=vault"}, "/credentials/mode': value must be one of 'secret', 'tkeOIDC', 'cvmRole'"},
		{"a negative CPU request", []string{"--set", "resources.requests.cpu=-100m"}, "/resources/requests/cpu'"},
		{"a negative memory limit", []string{"--set", "resources.limits.memory=-1"}, "/resources/limits/memory'"},
		{"secret mode without a Secret", []string{"--set", "credentials.mode=secret"}, "/credentials/existingSecret': minLength"},
		{"TKE OIDC without a role", []string{"--set", "credentials.mode=tkeOIDC"}, "/credentials/tkeOIDC/roleArn': minLength"},
		{"TKE OIDC variables without a region", []string{"--set", "credentials.mode=tkeOIDC", "--set", "credentials.tkeOIDC.roleArn=qcs::cam::uin/1:roleName/r",
			"--set", "credentials.tkeOIDC.injectEnv=true", "--set", "credentials.tkeOIDC.providerId=p"}, "/credentials/tkeOIDC/region': minLength"},
		{"a role ARN that is not a CAM ARN", []string{"--set", "credentials.mode=tkeOIDC", "--set", "credentials.tkeOIDC.roleArn=arn:aws:iam::1:role/r"}, "/credentials/tkeOIDC/roleArn'"},
		{"a ServiceMonitor without metrics", []string{"--set", "serviceMonitor.enabled=true", "--set", "metrics.enabled=false"}, "/metrics/enabled': value must be true"},
		{"a watch namespace that is not a namespace name", []string{"--set", "watchNamespace=Team_A"}, "/watchNamespace'"},
		{"a misspelt top-level value", []string{"--set", "replicas=2"}, "additional properties 'replicas' not allowed"},
		{"a misspelt nested value", []string{"--set", "crds.enable=false"}, "additional properties 'enable' not allowed"},
		{"an unknown image pull policy", []string{"--set", "image.pullPolicy=Sometimes"}, "/image/pullPolicy'"},
		{"a port out of range", []string{"--set", "metrics.port=70000"}, "/metrics/port': maximum"},
		{"a rate share above the whole budget", []string{"--set", "tencentcloud.rateShare=1.5"}, "/tencentcloud/rateShare'"},
		{"a rate share of nothing", []string{"--set", "tencentcloud.rateShare=0"}, "/tencentcloud/rateShare'"},
		{"a rate share above the whole budget in a values file", []string{"--set-json", "tencentcloud.rateShare=1.5"}, "/tencentcloud/rateShare'"},
		{"no workers", []string{"--set", "concurrency.certificateDeployment=0"}, "/concurrency/certificateDeployment': minimum"},
		{"a timeout that is not a duration", []string{"--set", "tencentcloud.timeout=long"}, "/tencentcloud/timeout'"},
		{"a scrape interval that is not a duration", []string{"--set", "serviceMonitor.interval=often"}, "/serviceMonitor/interval'"},
	}
	for _, tc := range cases {
		t.Run(tc.name+" fails helm template", func(t *testing.T) {
			out, err := helmTemplate(t, tc.args...)
			if err == nil {
				t.Fatalf("helm template %v succeeded, want a schema error; output:\n%.400s", tc.args, out)
			}
			if !strings.Contains(err.Error(), "values don't meet the specifications of the schema") || !strings.Contains(err.Error(), tc.wantErr) {
				t.Errorf("error = %v, want a schema error containing %q", err, tc.wantErr)
			}
		})
	}
}

func TestCredentialValuesAreRefusedWithoutEchoingThem(t *testing.T) {
	// The chart never takes API keys as values; a key passed anyway must not end up in the
	// error (and so in CI logs).
	const key = "Gu5t9xGARNpq86cd98joQYCN3EXAMPLE"
	for _, value := range []string{"credentials.secretKey", "credentials.secretId", "tencentcloud.secretKey"} {
		t.Run(value+" is not a value", func(t *testing.T) {
			out, err := helmTemplate(t, "--set", value+"="+key)
			if err == nil {
				t.Fatal("helm template accepted an API key as a value")
			}
			if strings.Contains(err.Error(), key) || strings.Contains(out, key) {
				t.Errorf("the key appears in the output or error: %v", err)
			}
		})
	}
}
