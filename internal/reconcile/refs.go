package reconcile

import (
	"context"
	"fmt"
	"time"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	apimeta "k8s.io/apimachinery/pkg/api/meta"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/types"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/handler"
	"sigs.k8s.io/controller-runtime/pkg/log"
	ctrlreconcile "sigs.k8s.io/controller-runtime/pkg/reconcile"

	sslv1alpha1 "github.com/certsync/tencent-cert-operator/api/v1alpha1"
	"github.com/certsync/tencent-cert-operator/internal/tencentcloud"
)

// credentialsWait is how long to wait before looking for a missing credentials Secret again;
// the Secret watch usually triggers a reconcile sooner.
const credentialsWait = time.Minute

// Client returns an SSL API client for the credentials Secret ref in namespace, or for the
// operator's default credentials when ref is nil.
func Client(ctx context.Context, c client.Reader, f tencentcloud.Factory, namespace string, ref *sslv1alpha1.LocalObjectReference) (tencentcloud.API, error) {
	if ref == nil {
		api, err := f.For(ctx, nil)
		if err != nil {
			// The default chain reads the environment, the pod identity token or the metadata
			// service; a failure there may pass, so it is retried with backoff.
			return nil, &Outcome{Severity: Transient, Reason: sslv1alpha1.ReasonCredentialsInvalid,
				Message: "The operator's default Tencent Cloud credentials are not usable", Cause: err}
		}
		return api, nil
	}
	secret := &corev1.Secret{}
	if err := c.Get(ctx, client.ObjectKey{Namespace: namespace, Name: ref.Name}, secret); err != nil {
		if apierrors.IsNotFound(err) {
			return nil, NewWaiting(sslv1alpha1.ReasonCredentialsNotFound,
				fmt.Sprintf("Credentials Secret %q not found", ref.Name), credentialsWait)
		}
		return nil, err
	}
	creds, err := tencentcloud.CredentialsFromSecretData(secret.Data)
	if err != nil {
		return nil, NewTerminal(sslv1alpha1.ReasonCredentialsInvalid,
			fmt.Sprintf("Credentials Secret %q is invalid: %v", ref.Name, err))
	}
	return f.For(ctx, &creds)
}

// IndexReference indexes objects like obj under field by the name their reference points to,
// so that an event on the referenced object finds them without a scan.
func IndexReference[T client.Object](mgr ctrl.Manager, obj T, field string, ref func(T) *sslv1alpha1.LocalObjectReference) error {
	return mgr.GetFieldIndexer().IndexField(context.Background(), obj, field, func(o client.Object) []string {
		if r := ref(o.(T)); r != nil {
			return []string{r.Name}
		}
		return nil
	})
}

// EnqueueByIndex maps an object to the objects of list's kind in its namespace whose index
// field names it.
func EnqueueByIndex(c client.Reader, newList func() client.ObjectList, fields ...string) handler.MapFunc {
	return func(ctx context.Context, o client.Object) []ctrlreconcile.Request {
		var reqs []ctrlreconcile.Request
		for _, field := range fields {
			reqs = append(reqs, listRequests(ctx, c, newList(), client.InNamespace(o.GetNamespace()), client.MatchingFields{field: o.GetName()})...)
		}
		return reqs
	}
}

// listRequests lists objects into list and returns a request for each.
func listRequests(ctx context.Context, c client.Reader, list client.ObjectList, opts ...client.ListOption) []ctrlreconcile.Request {
	if err := c.List(ctx, list, opts...); err != nil {
		log.FromContext(ctx).Error(err, "Failed to list the objects to reconcile")
		return nil
	}
	var reqs []ctrlreconcile.Request
	_ = apimeta.EachListItem(list, func(item runtime.Object) error {
		if m, err := apimeta.Accessor(item); err == nil {
			reqs = append(reqs, ctrlreconcile.Request{NamespacedName: types.NamespacedName{Namespace: m.GetNamespace(), Name: m.GetName()}})
		}
		return nil
	})
	return reqs
}
