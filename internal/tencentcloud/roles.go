package tencentcloud

import (
	"context"
	"errors"
	"os"
	"strconv"
	"sync"
	"time"

	tccommon "github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/common"
)

// Role is a CAM role that a TencentCloudAccount assumes: exactly one of OIDCRoleARN and CVM.
type Role struct {
	// OIDCRoleARN is assumed with the pod's TKE OIDC token (AssumeRoleWithWebIdentity).
	OIDCRoleARN string
	// CVM reads the node's CVM role from the instance metadata service: CVMRoleName, or the
	// role bound to the node when empty.
	CVM         bool
	CVMRoleName string
}

// TKE pod identity variables, set by TKE's pod-identity-webhook or the chart.
const (
	EnvTKERegion     = "TKE_REGION"
	EnvTKEProviderID = "TKE_PROVIDER_ID"
	EnvTKETokenFile  = "TKE_WEB_IDENTITY_TOKEN_FILE"
)

// roleRefresh is how often a role's temporary credentials are fetched anew through its
// provider, so that a rotated OIDC token file is read again; the SDK's credential refreshes
// itself in between, with the token it was created with.
const roleRefresh = 30 * time.Minute

// ForRole returns the cached client of a role, assuming it on first use.
func (f *ClientFactory) ForRole(_ context.Context, role Role) (API, error) {
	if f.endpointErr != nil {
		return nil, f.endpointErr
	}
	var caller, what string
	var provider tccommon.Provider
	switch {
	case role.OIDCRoleARN != "":
		caller, what, provider = "oidc:"+role.OIDCRoleARN, "TKE OIDC role", oidcRoleProvider{roleARN: role.OIDCRoleARN}
	case role.CVM:
		caller, what, provider = "cvm:"+role.CVMRoleName, "CVM role", tccommon.NewCvmRoleProvider(role.CVMRoleName)
	default:
		return nil, &Error{Code: CodeClientCredential, Message: "the role names neither an OIDC role ARN nor the CVM role"}
	}
	return f.forProvider(caller, what, &refreshingProvider{provider: provider, clock: f.clock})
}

// oidcRoleProvider assumes roleARN with the pod's TKE OIDC token, reading the token file on
// every call because TKE rotates it.
type oidcRoleProvider struct{ roleARN string }

func (p oidcRoleProvider) GetCredential() (tccommon.CredentialIface, error) {
	region, providerID, tokenFile := os.Getenv(EnvTKERegion), os.Getenv(EnvTKEProviderID), os.Getenv(EnvTKETokenFile)
	if region == "" || providerID == "" || tokenFile == "" {
		return nil, errors.New("TKE OIDC pod identity is not configured: " + EnvTKERegion + ", " + EnvTKEProviderID +
			" and " + EnvTKETokenFile + " must be set in the operator's pod")
	}
	token, err := os.ReadFile(tokenFile)
	if err != nil {
		return nil, errors.New("the TKE OIDC token file cannot be read")
	}
	session := "tencent-cert-operator-" + strconv.FormatInt(time.Now().Unix(), 10)
	return tccommon.NewOIDCRoleArnProvider(region, providerID, string(token), p.roleARN, session, 7200).GetCredential()
}

// refreshingProvider hands out a credential that fetches new credentials through provider
// every roleRefresh.
type refreshingProvider struct {
	provider tccommon.Provider
	clock    Clock
}

func (p *refreshingProvider) GetCredential() (tccommon.CredentialIface, error) {
	cur, err := p.provider.GetCredential()
	if err != nil {
		return nil, err
	}
	return &refreshingCredential{provider: p.provider, clock: p.clock, cur: cur, fetched: p.clock.Now()}, nil
}

type refreshingCredential struct {
	provider tccommon.Provider
	clock    Clock

	mu      sync.Mutex
	cur     tccommon.CredentialIface
	fetched time.Time
}

func (c *refreshingCredential) current() tccommon.CredentialIface {
	c.mu.Lock()
	defer c.mu.Unlock()
	if now := c.clock.Now(); now.Sub(c.fetched) >= roleRefresh {
		// On failure the old credential is kept: it refreshes itself, and the next call
		// tries again.
		if next, err := c.provider.GetCredential(); err == nil && next != nil {
			c.cur, c.fetched = next, now
		}
	}
	return c.cur
}

func (c *refreshingCredential) GetSecretId() string  { return c.current().GetSecretId() }
func (c *refreshingCredential) GetSecretKey() string { return c.current().GetSecretKey() }
func (c *refreshingCredential) GetToken() string     { return c.current().GetToken() }
func (c *refreshingCredential) GetCredential() (string, string, string) {
	return c.current().GetCredential()
}
