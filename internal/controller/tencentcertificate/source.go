package tencentcertificate

import (
	"context"
	"errors"
	"fmt"
	"time"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/controller/controllerutil"

	sslv1alpha1 "github.com/certsync/tencent-cert-operator/api/v1alpha1"
	"github.com/certsync/tencent-cert-operator/internal/certs"
	"github.com/certsync/tencent-cert-operator/internal/reconcile"
)

// reconcileSource reads and validates the source Secret. It owns the Secret-related reasons:
// SecretNotFound while the Secret is missing, and a validation reason from internal/certs when
// its content is unusable. Adopted certificates have no Secret and skip this step.
func (r *Reconciler) reconcileSource(ctx context.Context, run *run) error {
	spec := run.obj.Spec
	if spec.SecretRef == nil {
		return nil
	}
	secret := &corev1.Secret{}
	if err := r.Get(ctx, client.ObjectKey{Namespace: run.obj.Namespace, Name: spec.SecretRef.Name}, secret); err != nil {
		if apierrors.IsNotFound(err) {
			return reconcile.NewWaiting(sslv1alpha1.ReasonSecretNotFound, fmt.Sprintf("Secret %q not found", spec.SecretRef.Name), r.Options.ResyncInterval)
		}
		return err
	}
	now := r.Clock.Now()
	bundle, err := certs.Parse(certs.Input{
		SecretType: string(secret.Type),
		Data:       secret.Data,
		CertType:   string(spec.Type),
		Now:        now,
	})
	var invalid *certs.Error
	switch {
	case errors.As(err, &invalid) && invalid.Reason == certs.CertificateNotYetValid:
		// An issuer's clock a few seconds ahead is no reason to give up: wait until then.
		return reconcile.NewWaiting(invalid.Reason, fmt.Sprintf("Secret %q: %s", spec.SecretRef.Name, invalid.Message),
			max(invalid.ValidFrom.Sub(now), 0)+time.Second)
	case errors.As(err, &invalid):
		return reconcile.NewTerminal(invalid.Reason, fmt.Sprintf("Secret %q: %s", spec.SecretRef.Name, invalid.Message))
	case err != nil:
		return err
	}
	run.bundle = bundle
	return nil
}

// reconcileFinalizer adds the finalizer before anything is uploaded that deletion must clean
// up, and removes it when nothing will be cleaned up.
func (r *Reconciler) reconcileFinalizer(ctx context.Context, run *run) error {
	obj := run.obj
	want := obj.Spec.CertificateID == "" && obj.Spec.DeletionPolicy != sslv1alpha1.DeletionPolicyRetain
	if want == controllerutil.ContainsFinalizer(obj, sslv1alpha1.Finalizer) {
		return nil
	}
	return reconcile.PatchMetadata(ctx, r.Client, obj, func(o client.Object) {
		if want {
			controllerutil.AddFinalizer(o, sslv1alpha1.Finalizer)
		} else {
			controllerutil.RemoveFinalizer(o, sslv1alpha1.Finalizer)
		}
	})
}
