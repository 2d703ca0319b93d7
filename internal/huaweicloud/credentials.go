package huaweicloud

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"strings"
)

// Keys read from a Kubernetes Secret by CredentialsFromSecretData.
const (
	SecretKeyAccessKey     = "accessKey"
	SecretKeySecretKey     = "secretKey"
	SecretKeySecurityToken = "securityToken"
)

// Environment variables of the operator's default credentials, as the SDK names them.
const (
	EnvAccessKey     = "HUAWEICLOUD_SDK_AK"
	EnvSecretKey     = "HUAWEICLOUD_SDK_SK"
	EnvSecurityToken = "HUAWEICLOUD_SDK_SECURITY_TOKEN"
)

const redacted = "[REDACTED]"

// Credentials are a Huawei Cloud AK/SK pair with the security token of temporary credentials.
// Every formatted or logged form shows only the access key.
type Credentials struct {
	AccessKey     string
	SecretKey     string
	SecurityToken string
}

// String shows the access key and hides the secret key and token.
func (c Credentials) String() string {
	token := ""
	if c.SecurityToken != "" {
		token = ", SecurityToken: " + redacted
	}
	return fmt.Sprintf("Credentials{AccessKey: %q, SecretKey: %s%s}", c.AccessKey, redacted, token)
}

// GoString is String, so %#v does not print the key either.
func (c Credentials) GoString() string { return c.String() }

// Format makes every fmt verb print String.
func (c Credentials) Format(f fmt.State, _ rune) { _, _ = f.Write([]byte(c.String())) }

// MarshalLog keeps structured loggers from serializing the key.
func (c Credentials) MarshalLog() any {
	return map[string]string{"accessKey": c.AccessKey, "secretKey": redacted}
}

// identity is a digest of all three fields: it changes whenever any of them does and reveals
// none of them.
func (c Credentials) identity() string {
	h := sha256.New()
	for _, s := range []string{c.AccessKey, c.SecretKey, c.SecurityToken} {
		fmt.Fprintf(h, "%d:%s;", len(s), s)
	}
	return hex.EncodeToString(h.Sum(nil))
}

// CredentialsFromSecretData reads accessKey, secretKey and the optional securityToken from a
// Secret's data, trimmed of surrounding whitespace. Errors name the missing keys and never
// include values.
func CredentialsFromSecretData(data map[string][]byte) (Credentials, error) {
	return credentials(
		strings.TrimSpace(string(data[SecretKeyAccessKey])),
		strings.TrimSpace(string(data[SecretKeySecretKey])),
		strings.TrimSpace(string(data[SecretKeySecurityToken])),
		SecretKeyAccessKey, SecretKeySecretKey)
}

// CredentialsFromEnv reads the operator's default credentials from the environment.
func CredentialsFromEnv() (Credentials, error) {
	return credentials(os.Getenv(EnvAccessKey), os.Getenv(EnvSecretKey), os.Getenv(EnvSecurityToken), EnvAccessKey, EnvSecretKey)
}

func credentials(ak, sk, token, akName, skName string) (Credentials, error) {
	var missing []string
	if ak == "" {
		missing = append(missing, akName)
	}
	if sk == "" {
		missing = append(missing, skName)
	}
	if len(missing) > 0 {
		return Credentials{}, errors.New("missing or empty " + strings.Join(missing, " and "))
	}
	return Credentials{AccessKey: ak, SecretKey: sk, SecurityToken: token}, nil
}
