package controllers

import (
	"context"
	"fmt"
	"time"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/runtime"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/log"

	sslv1alpha1 "github.com/certsync/tencent-cert-operator/api/v1alpha1"
	"github.com/certsync/tencent-cert-operator/internal/tencentcloud"
)

// credentialsWait is how long to wait before looking for a missing credentials Secret again;
// the Secret watch usually triggers a reconcile sooner.
const credentialsWait = time.Minute

// cloudFor returns an SSL API client for the credentials Secret ref in namespace, or for the
// operator's default credentials when ref is nil.
func cloudFor(ctx context.Context, c client.Reader, f tencentcloud.Factory, namespace string, ref *sslv1alpha1.LocalObjectReference) (tencentcloud.API, error) {
	if ref == nil {
		api, err := f.For(ctx, nil)
		if err != nil {
			return nil, terminal(sslv1alpha1.ReasonCredentialsInvalid, "The operator's default Tencent Cloud credentials are not usable: "+err.Error())
		}
		return api, nil
	}
	secret := &corev1.Secret{}
	if err := c.Get(ctx, client.ObjectKey{Namespace: namespace, Name: ref.Name}, secret); err != nil {
		if apierrors.IsNotFound(err) {
			return nil, waiting(sslv1alpha1.ReasonCredentialsNotFound,
				fmt.Sprintf("Credentials Secret %q not found", ref.Name), credentialsWait)
		}
		return nil, err
	}
	creds, err := tencentcloud.CredentialsFromSecretData(secret.Data)
	if err != nil {
		return nil, terminal(sslv1alpha1.ReasonCredentialsInvalid,
			fmt.Sprintf("Credentials Secret %q is invalid: %v", ref.Name, err))
	}
	return f.For(ctx, &creds)
}

// patchMetadata applies mutate to obj's metadata and patches it. It keeps the spec and
// generation this reconcile works on, and the in-memory status, which the reconciler writes
// separately at the end, even when the server holds a newer spec.
func patchMetadata(ctx context.Context, c client.Client, obj client.Object, mutate func()) error {
	saved := obj.DeepCopyObject().(client.Object)
	patch := client.MergeFrom(saved.DeepCopyObject().(client.Object))
	mutate()
	if err := c.Patch(ctx, obj, patch); err != nil {
		return err
	}
	obj.SetGeneration(saved.GetGeneration())
	switch o := obj.(type) {
	case *sslv1alpha1.TencentCertificate:
		o.Spec = saved.(*sslv1alpha1.TencentCertificate).Spec
	case *sslv1alpha1.CertificateDeployment:
		o.Spec = saved.(*sslv1alpha1.CertificateDeployment).Spec
	}
	restoreStatus(obj, saved)
	return nil
}

// restoreStatus copies the status of saved back into obj.
func restoreStatus(obj client.Object, saved runtime.Object) {
	switch o := obj.(type) {
	case *sslv1alpha1.TencentCertificate:
		o.Status = saved.(*sslv1alpha1.TencentCertificate).Status
	case *sslv1alpha1.CertificateDeployment:
		o.Status = saved.(*sslv1alpha1.CertificateDeployment).Status
	}
}

// liveStatusCaughtUp re-reads obj from the API server, bypassing the cache, and reports whether
// caught says the live status already holds a remote change that the cached copy lacks. Called
// before a call that creates something in Tencent Cloud, it keeps a reconcile that started from
// a stale cache from repeating the call; the live status then replaces the stale one.
func liveStatusCaughtUp[T client.Object](ctx context.Context, reader client.Reader, obj T, fresh T, caught func(T) bool) bool {
	if reader == nil || reader.Get(ctx, client.ObjectKeyFromObject(obj), fresh) != nil || !caught(fresh) {
		return false
	}
	restoreStatus(obj, fresh)
	return true
}

// indexReference indexes objects like obj by the name their reference ref points to, so that
// an event on the referenced object finds them without a scan.
func indexReference[T client.Object](mgr ctrl.Manager, obj T, field string, ref func(T) *sslv1alpha1.LocalObjectReference) error {
	return mgr.GetFieldIndexer().IndexField(context.Background(), obj, field, func(o client.Object) []string {
		if r := ref(o.(T)); r != nil {
			return []string{r.Name}
		}
		return nil
	})
}

// writeStatus patches obj's status against base when it changed, ignoring an object that is
// already gone, and logs a failure the workqueue will retry, with its Tencent code and RequestId.
func writeStatus(ctx context.Context, c client.Client, base, obj client.Object, changed bool, retErr error) error {
	if changed {
		if err := c.Status().Patch(ctx, obj, client.MergeFrom(base)); err != nil && !apierrors.IsNotFound(err) {
			return err
		}
	}
	if retErr != nil {
		log.FromContext(ctx).Info("Reconciliation failed; retrying", "reason", asOutcome(retErr).reason,
			"code", tencentcloud.Code(retErr), "requestID", tencentcloud.RequestID(retErr))
	}
	return nil
}
