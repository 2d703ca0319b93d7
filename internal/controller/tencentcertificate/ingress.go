package tencentcertificate

import (
	"context"
	"fmt"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/controller/controllerutil"

	sslv1alpha1 "github.com/certsync/tencent-cert-operator/api/v1alpha1"
	"github.com/certsync/tencent-cert-operator/internal/reconcile"
)

// ingressSecretKey is the key TKE's CLB Ingress and Service controllers read a certificate ID from.
const ingressSecretKey = "qcloud_cert_id"

// reconcileIngressSecret needs the writes declared in internal/rbac/ingresssecrets.
//
// reconcileIngressSecret keeps the Opaque Secret that TKE Ingresses read the certificate ID
// from. It never writes a Secret this object does not own. It owns the IngressSecretSynced
// condition.
func (r *Reconciler) reconcileIngressSecret(ctx context.Context, run *run) error {
	ref := run.obj.Spec.IngressSecret
	if ref == nil || run.obj.Status.CertificateID == "" {
		return nil
	}
	err := r.syncIngressSecret(ctx, run, ref.Name)
	if err == nil {
		// Present whenever the Secret is configured, so that its state is always visible.
		reconcile.Conditions{List: &run.obj.Status.Conditions, Generation: run.obj.Generation}.
			Set(sslv1alpha1.IngressSecretSyncedCondition, metav1.ConditionTrue, sslv1alpha1.ReasonSucceeded, "Secret "+ref.Name+" holds the certificate ID")
	}
	return run.housekeeping(sslv1alpha1.IngressSecretSyncedCondition, err)
}

func (r *Reconciler) syncIngressSecret(ctx context.Context, run *run, name string) error {
	id := run.obj.Status.CertificateID
	secret := &corev1.Secret{}
	err := r.Get(ctx, client.ObjectKey{Namespace: run.obj.Namespace, Name: name}, secret)
	if apierrors.IsNotFound(err) {
		secret = &corev1.Secret{
			ObjectMeta: metav1.ObjectMeta{Namespace: run.obj.Namespace, Name: name},
			Type:       corev1.SecretTypeOpaque,
			Data:       map[string][]byte{ingressSecretKey: []byte(id)},
		}
		if err := controllerutil.SetControllerReference(run.obj, secret, r.Scheme()); err != nil {
			return err
		}
		return r.Create(ctx, secret)
	}
	if err != nil {
		return err
	}
	if !metav1.IsControlledBy(secret, run.obj) {
		return reconcile.NewTerminal(sslv1alpha1.ReasonIngressSecretConflict,
			fmt.Sprintf("Secret %q exists and is not owned by this TencentCertificate; choose another spec.ingressSecret.name", name))
	}
	if string(secret.Data[ingressSecretKey]) == id {
		return nil
	}
	patch := client.MergeFrom(secret.DeepCopy())
	if secret.Data == nil {
		secret.Data = map[string][]byte{}
	}
	secret.Data[ingressSecretKey] = []byte(id)
	return r.Patch(ctx, secret, patch)
}
