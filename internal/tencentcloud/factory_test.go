package tencentcloud

import (
	"context"
	"errors"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	tccommon "github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/common"
)

func TestCredentialsFromSecretData(t *testing.T) {
	cases := []struct {
		name        string
		data        map[string][]byte
		want        Credentials
		wantErrPart string
	}{
		{
			name: "A key pair is read",
			data: map[string][]byte{"secretId": []byte("AKIDa"), "secretKey": []byte(testSecretKey)},
			want: Credentials{SecretID: "AKIDa", SecretKey: testSecretKey},
		},
		{
			name: "A session token is read and whitespace trimmed",
			data: map[string][]byte{"secretId": []byte(" AKIDa\n"), "secretKey": []byte(testSecretKey + "\n"), "token": []byte(testToken + "\n")},
			want: Credentials{SecretID: "AKIDa", SecretKey: testSecretKey, Token: testToken},
		},
		{
			name:        "A missing secretKey is named",
			data:        map[string][]byte{"secretId": []byte("AKIDa"), "token": []byte(testToken)},
			wantErrPart: "missing or has empty secretKey",
		},
		{
			name:        "Both missing keys are named",
			data:        map[string][]byte{"other": []byte(testSecretKey)},
			wantErrPart: "secretId and secretKey",
		},
		{
			name:        "An empty secretId is named without printing the key",
			data:        map[string][]byte{"secretId": []byte("  "), "secretKey": []byte(testSecretKey)},
			wantErrPart: "empty secretId",
		},
		{
			name:        "No data at all is an error",
			data:        nil,
			wantErrPart: "secretId and secretKey",
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, err := CredentialsFromSecretData(tc.data)
			if tc.wantErrPart != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErrPart) {
					t.Fatalf("error %v, want one containing %q", err, tc.wantErrPart)
				}
				assertNoSecrets(t, "error", err.Error())
				return
			}
			if err != nil || got != tc.want {
				t.Fatalf("got %v, %v; want %v", got, err, tc.want)
			}
		})
	}
}

func TestCredentialIdentity(t *testing.T) {
	base := Credentials{SecretID: "AKIDa", SecretKey: testSecretKey}
	cases := []struct {
		name     string
		other    Credentials
		wantSame bool
	}{
		{name: "Equal credentials share an identity", other: base, wantSame: true},
		{name: "A changed key changes the identity", other: Credentials{SecretID: "AKIDa", SecretKey: testSecretKey + "x"}},
		{name: "An added token changes the identity", other: Credentials{SecretID: "AKIDa", SecretKey: testSecretKey, Token: "t"}},
		{name: "Moving characters between fields changes the identity", other: Credentials{SecretID: "AKIDa" + testSecretKey[:1], SecretKey: testSecretKey[1:]}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if same := base.Identity() == tc.other.Identity(); same != tc.wantSame {
				t.Errorf("same identity = %v, want %v", same, tc.wantSame)
			}
			assertNoSecrets(t, "identity", base.Identity())
		})
	}
}

func TestFactoryCachesClientsPerCredentialIdentity(t *testing.T) {
	ctx := context.Background()
	f := NewFactory(FactoryOptions{Endpoint: "http://127.0.0.1:1"})
	a := &Credentials{SecretID: "AKIDa", SecretKey: "key-1"}
	first, err := f.For(ctx, a)
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name     string
		creds    *Credentials
		wantSame bool
	}{
		{name: "The same credentials get the cached client", creds: &Credentials{SecretID: "AKIDa", SecretKey: "key-1"}, wantSame: true},
		{name: "A changed key gets a new client", creds: &Credentials{SecretID: "AKIDa", SecretKey: "key-2"}},
		{name: "A different SecretID gets a new client", creds: &Credentials{SecretID: "AKIDb", SecretKey: "key-1"}},
		{name: "A token gets a new client", creds: &Credentials{SecretID: "AKIDa", SecretKey: "key-1", Token: "t"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, err := f.For(ctx, tc.creds)
			if err != nil {
				t.Fatal(err)
			}
			if same := got == first; same != tc.wantSame {
				t.Errorf("same client = %v, want %v", same, tc.wantSame)
			}
			if _, key, token := got.(*client).cred.GetCredential(); key != tc.creds.SecretKey || token != tc.creds.Token {
				t.Errorf("client signs with other credentials")
			}
		})
	}
}

func TestFactoryDropsReplacedClientsOfTheSameSecretID(t *testing.T) {
	ctx := context.Background()
	f := NewFactory(FactoryOptions{})
	for _, key := range []string{"key-1", "key-2", "key-3"} {
		if _, err := f.For(ctx, &Credentials{SecretID: "AKIDa", SecretKey: key}); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := f.For(ctx, &Credentials{SecretID: "AKIDb", SecretKey: "key-1"}); err != nil {
		t.Fatal(err)
	}
	if n := f.clients.len(time.Now()); n != 2 {
		t.Errorf("%d cached clients, want 2 (one per SecretID)", n)
	}
}

func TestFactoryIsSafeForConcurrentUse(t *testing.T) {
	ctx := context.Background()
	f := NewFactory(FactoryOptions{})
	var wg sync.WaitGroup
	results := make([]API, 32)
	for i := range results {
		wg.Go(func() {
			api, err := f.For(ctx, &Credentials{SecretID: "AKIDa", SecretKey: "key"})
			if err != nil {
				t.Error(err)
			}
			results[i] = api
		})
	}
	wg.Wait()
	for _, r := range results[1:] {
		if r != results[0] {
			t.Fatal("concurrent For calls built different clients for the same credentials")
		}
	}
}

func TestFactoryRejectsUnusableInput(t *testing.T) {
	cases := []struct {
		name     string
		endpoint string
		creds    *Credentials
		wantCode string
	}{
		{name: "An empty SecretKey is a credential error", creds: &Credentials{SecretID: "AKIDa"}, wantCode: CodeClientCredential},
		{name: "An empty SecretID is a credential error", creds: &Credentials{SecretKey: "k"}, wantCode: CodeClientCredential},
		{name: "An endpoint with another scheme is rejected", endpoint: "ftp://example.com", creds: &Credentials{SecretID: "a", SecretKey: "k"}, wantCode: CodeClientInvalidRequest},
		{name: "An endpoint without a host is rejected", endpoint: "http://", creds: &Credentials{SecretID: "a", SecretKey: "k"}, wantCode: CodeClientInvalidRequest},
		{name: "An endpoint with user information is rejected", endpoint: "http://user:pass@host", creds: &Credentials{SecretID: "a", SecretKey: "k"}, wantCode: CodeClientInvalidRequest},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := NewFactory(FactoryOptions{Endpoint: tc.endpoint}).For(context.Background(), tc.creds)
			if Code(err) != tc.wantCode || Classify(err) != ClassTerminal {
				t.Fatalf("got %v (code %q, class %s), want code %q and Terminal", err, Code(err), Classify(err), tc.wantCode)
			}
			if strings.Contains(err.Error(), "pass") {
				t.Errorf("error %q repeats the endpoint's password", err)
			}
		})
	}
}

func TestParseEndpoint(t *testing.T) {
	cases := []struct {
		name string
		in   string
		want endpoint
	}{
		{name: "Empty means the public HTTPS endpoint", in: "", want: endpoint{scheme: "https", host: DefaultEndpoint}},
		{name: "A bare host means HTTPS", in: "ssl.ap-guangzhou.tencentcloudapi.com", want: endpoint{scheme: "https", host: "ssl.ap-guangzhou.tencentcloudapi.com"}},
		{name: "An http URL keeps its scheme and port", in: "http://127.0.0.1:8080", want: endpoint{scheme: "http", host: "127.0.0.1:8080"}},
		{name: "A trailing slash is dropped", in: "HTTPS://sim.local:9443/", want: endpoint{scheme: "https", host: "sim.local:9443"}},
		{name: "A path is kept", in: "http://proxy.local/ssl", want: endpoint{scheme: "http", host: "proxy.local/ssl"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, err := parseEndpoint(tc.in)
			if err != nil || got != tc.want {
				t.Errorf("parseEndpoint(%q) = %+v, %v; want %+v", tc.in, got, err, tc.want)
			}
		})
	}
}

func TestDefaultChainReadsTheEnvironmentFirst(t *testing.T) {
	t.Setenv(EnvSecretID, "AKIDfromenv")
	t.Setenv(EnvSecretKey, testSecretKey)
	t.Setenv(EnvSessionToken, testToken)
	for _, v := range []string{"TKE_REGION", "TKE_PROVIDER_ID", "TKE_WEB_IDENTITY_TOKEN_FILE", "TKE_ROLE_ARN"} {
		t.Setenv(v, "")
	}

	env := newTestEnv(t, always(http.StatusOK, okEnvelope("")), nil)
	api, err := env.factory.For(context.Background(), nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := api.Tags(context.Background(), "c"); err != nil {
		t.Fatal(err)
	}
	h := env.cloud.recorded()[0].Header
	if !strings.HasPrefix(h.Get("Authorization"), "TC3-HMAC-SHA256 Credential=AKIDfromenv/") {
		t.Errorf("Authorization %q is not signed with the environment's key", h.Get("Authorization"))
	}
	if h.Get("X-TC-Token") != testToken {
		t.Errorf("X-TC-Token %q, want the environment's session token", h.Get("X-TC-Token"))
	}
	again, err := env.factory.For(context.Background(), nil)
	if err != nil || again != api {
		t.Errorf("the default client is not cached")
	}
}

func TestDefaultChainOrder(t *testing.T) {
	typesOf := func(p tccommon.Provider) []string {
		var names []string
		for _, p := range p.(*tccommon.ProviderChain).Providers {
			switch p.(type) {
			case envProvider:
				names = append(names, "env")
			case *tccommon.OIDCRoleArnProvider:
				names = append(names, "tke-oidc")
			case *tccommon.CvmRoleProvider:
				names = append(names, "cvm-role")
			default:
				names = append(names, "unknown")
			}
		}
		return names
	}
	t.Run("Without TKE pod identity the chain is environment then CVM role", func(t *testing.T) {
		t.Setenv("TKE_ROLE_ARN", "")
		if got := strings.Join(typesOf(DefaultProvider()), ","); got != "env,cvm-role" {
			t.Errorf("chain %s", got)
		}
	})
	t.Run("With TKE pod identity the chain is environment, TKE OIDC, CVM role", func(t *testing.T) {
		tokenFile := filepath.Join(t.TempDir(), "token")
		if err := os.WriteFile(tokenFile, []byte("jwt"), 0o600); err != nil {
			t.Fatal(err)
		}
		t.Setenv("TKE_REGION", "ap-guangzhou")
		t.Setenv("TKE_PROVIDER_ID", "provider")
		t.Setenv("TKE_WEB_IDENTITY_TOKEN_FILE", tokenFile)
		t.Setenv("TKE_ROLE_ARN", "qcs::cam::uin/1:roleName/operator")
		if got := strings.Join(typesOf(DefaultProvider()), ","); got != "env,tke-oidc,cvm-role" {
			t.Errorf("chain %s", got)
		}
	})
}

func TestEnvironmentProviderDefersWhenUnset(t *testing.T) {
	// t.Setenv restores the variables; Unsetenv makes them absent, not empty.
	for _, v := range []string{EnvSecretID, EnvSecretKey} {
		t.Setenv(v, "")
		if err := os.Unsetenv(v); err != nil {
			t.Fatal(err)
		}
	}
	_, err := envProvider{}.GetCredential()
	if err == nil {
		t.Fatal("no error without environment variables")
	}
	// The SDK chain moves on only for its own "not set" error; a chain of
	// the environment and a working provider must reach the latter.
	chain := tccommon.NewProviderChain([]tccommon.Provider{envProvider{}, staticProvider{}})
	cred, err := chain.GetCredential()
	if err != nil || cred.GetSecretId() != "AKIDstatic" {
		t.Fatalf("chain did not fall through: %v", err)
	}
}

func TestDefaultChainFailureIsATerminalCredentialError(t *testing.T) {
	f := NewFactory(FactoryOptions{DefaultCredentials: failingProvider{}})
	_, err := f.For(context.Background(), nil)
	if Code(err) != CodeClientCredential || Classify(err) != ClassTerminal {
		t.Fatalf("got %v", err)
	}
	assertNoSecrets(t, "error", err.Error())
	if !errors.Is(err, errProviderFailed) {
		t.Errorf("the provider's error is not wrapped")
	}
}

type staticProvider struct{}

func (staticProvider) GetCredential() (tccommon.CredentialIface, error) {
	return tccommon.NewCredential("AKIDstatic", "key"), nil
}

var errProviderFailed = errors.New("metadata said SecretKey=" + testSecretKey)

type failingProvider struct{}

func (failingProvider) GetCredential() (tccommon.CredentialIface, error) {
	return nil, errProviderFailed
}
