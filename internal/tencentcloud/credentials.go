package tencentcloud

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"os"
	"strings"

	tccommon "github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/common"
)

// Keys read from a Kubernetes Secret by CredentialsFromSecretData.
const (
	SecretKeySecretID  = "secretId"
	SecretKeySecretKey = "secretKey"
	SecretKeyToken     = "token"
)

// Environment variables of the operator's default credential chain.
const (
	EnvSecretID     = "TENCENTCLOUD_SECRET_ID"
	EnvSecretKey    = "TENCENTCLOUD_SECRET_KEY"
	EnvSessionToken = "TENCENTCLOUD_SESSION_TOKEN"
)

const redacted = "[REDACTED]"

// Credentials are a Tencent Cloud API key pair with an optional STS session
// token. Every formatted or logged form shows only the SecretID.
type Credentials struct {
	SecretID  string
	SecretKey string
	Token     string
}

// String shows the SecretID and hides the key and token.
func (c Credentials) String() string {
	token := ""
	if c.Token != "" {
		token = ", Token: " + redacted
	}
	return fmt.Sprintf("Credentials{SecretID: %q, SecretKey: %s%s}", c.SecretID, redacted, token)
}

// GoString is String, so %#v does not print the key either.
func (c Credentials) GoString() string { return c.String() }

// Format makes every fmt verb print String.
func (c Credentials) Format(f fmt.State, _ rune) { _, _ = f.Write([]byte(c.String())) }

// MarshalLog keeps structured loggers from serializing the key.
func (c Credentials) MarshalLog() any {
	return map[string]string{"secretID": c.SecretID, "secretKey": redacted}
}

// Identity is a stable digest of all three fields. It changes whenever any
// of them changes and does not reveal the key.
func (c Credentials) Identity() string {
	h := sha256.New()
	for _, s := range []string{c.SecretID, c.SecretKey, c.Token} {
		// Length-prefix each field so ("ab","c") and ("a","bc") differ.
		fmt.Fprintf(h, "%d:%s;", len(s), s)
	}
	return hex.EncodeToString(h.Sum(nil))
}

// CredentialsFromSecretData reads secretId, secretKey and the optional token
// from a Secret's data. Values are trimmed of surrounding whitespace, which
// Secrets created from files often carry. Errors name the missing keys and
// never include values.
func CredentialsFromSecretData(data map[string][]byte) (Credentials, error) {
	c := Credentials{
		SecretID:  strings.TrimSpace(string(data[SecretKeySecretID])),
		SecretKey: strings.TrimSpace(string(data[SecretKeySecretKey])),
		Token:     strings.TrimSpace(string(data[SecretKeyToken])),
	}
	var missing []string
	if c.SecretID == "" {
		missing = append(missing, SecretKeySecretID)
	}
	if c.SecretKey == "" {
		missing = append(missing, SecretKeySecretKey)
	}
	if len(missing) > 0 {
		return Credentials{}, fmt.Errorf("tencentcloud: credentials secret is missing or has empty %s", strings.Join(missing, " and "))
	}
	return c, nil
}

// envProvider reads the key pair and optional session token from the
// environment. The SDK's own environment provider ignores the token.
type envProvider struct{}

func (envProvider) GetCredential() (tccommon.CredentialIface, error) {
	// Delegating keeps the SDK's "not set" error, which its provider chain
	// treats as "try the next provider".
	cred, err := tccommon.NewEnvProvider(EnvSecretID, EnvSecretKey).GetCredential()
	if err != nil {
		return nil, err
	}
	id, key, _ := cred.GetCredential()
	return tccommon.NewTokenCredential(id, key, os.Getenv(EnvSessionToken)), nil
}

// DefaultProvider returns the operator's default credential chain:
// environment variables, then TKE OIDC pod identity (when the TKE_* variables
// are set), then the CVM role from the instance metadata service.
func DefaultProvider() tccommon.Provider {
	providers := []tccommon.Provider{envProvider{}}
	// The OIDC provider reports missing TKE_* variables at construction;
	// the chain would stop at that error, so an unconfigured one is left out.
	if oidc, err := tccommon.DefaultTkeOIDCRoleArnProvider(); err == nil {
		providers = append(providers, oidc)
	}
	providers = append(providers, tccommon.DefaultCvmRoleProvider())
	return tccommon.NewProviderChain(providers)
}
