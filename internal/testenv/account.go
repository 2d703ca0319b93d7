package testenv

import (
	"context"
	"os"
	"path/filepath"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/yaml"

	sslv1alpha1 "github.com/certsync/tencent-cert-operator/api/v1alpha1"
)

// DefaultAccountSample is the default TencentCloudAccount that the chart, kustomize and the demo
// install.
const DefaultAccountSample = "config/samples/ssl_v1alpha1_tencentcloudaccount_default.yaml"

// CreateDefaultAccount creates the default account from its sample, unless it exists.
func CreateDefaultAccount(ctx context.Context, c client.Client) error {
	data, err := os.ReadFile(filepath.Join(RepoRoot(), DefaultAccountSample))
	if err != nil {
		return err
	}
	account := &sslv1alpha1.TencentCloudAccount{}
	if err := yaml.UnmarshalStrict(data, account); err != nil {
		return err
	}
	if err := c.Create(ctx, account); err != nil && !apierrors.IsAlreadyExists(err) {
		return err
	}
	return nil
}
