// Package secretsync is annotation-driven sync: for every kubernetes.io/tls Secret annotated
// ssl.certsync.io/sync: "true" it keeps a TencentCertificate, and copies of the
// CertificateDeployment templates the Secret names, in the Secret's namespace and owned by it.
// Everything remote stays in the status of those objects: the controller never writes into a
// Secret, so Secrets managed by cert-manager and by GitOps tools stay exactly as they were
// written. It is off unless the manager runs with --secret-annotation-sync.
package secretsync

import (
	"context"
	"errors"
	"slices"
	"strings"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/fields"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/client-go/tools/events"
	"k8s.io/utils/ptr"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/builder"
	"sigs.k8s.io/controller-runtime/pkg/cache"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/event"
	"sigs.k8s.io/controller-runtime/pkg/handler"
	"sigs.k8s.io/controller-runtime/pkg/log"
	"sigs.k8s.io/controller-runtime/pkg/predicate"
	"sigs.k8s.io/controller-runtime/pkg/reconcile"
	"sigs.k8s.io/controller-runtime/pkg/source"

	sslv1alpha1 "github.com/certsync/tencent-cert-operator/api/v1alpha1"
)

// fieldOwner is the server-side apply field manager of the generated objects.
const fieldOwner = "tencent-cert-operator-secretsync"

// Event reasons, on the Secret.
const (
	// ReasonInvalidAnnotation means an annotation's value cannot be used; nothing is created or
	// changed until it is fixed.
	ReasonInvalidAnnotation = "InvalidAnnotation"
	// ReasonNameConflict means an object the controller would generate exists and is not owned
	// by the Secret; it is left alone.
	ReasonNameConflict = "NameConflict"
	// ReasonTemplateNotFound means a template the Secret names does not exist.
	ReasonTemplateNotFound = "TemplateNotFound"
	// ReasonTemplateInvalid means a named CertificateDeployment is not a usable template: it
	// lacks the template label or is not suspended.
	ReasonTemplateInvalid = "TemplateInvalid"
	// ReasonApplyRejected means the API server rejected a generated object, for example a
	// template whose spec fails validation once copied.
	ReasonApplyRejected = "ApplyRejected"
)

// Options configure the controller.
type Options struct {
	// Namespace restricts the controller to one namespace; empty means all namespaces.
	Namespace string
}

// +kubebuilder:rbac:groups="",resources=secrets,verbs=get;list;watch
// +kubebuilder:rbac:groups=ssl.certsync.io,resources=tencentcertificates;certificatedeployments,verbs=get;list;watch;create;update;patch;delete
// +kubebuilder:rbac:groups=events.k8s.io,resources=events,verbs=create;patch

// Reconciler keeps the objects generated for one annotated Secret.
type Reconciler struct {
	client.Client
	// Secrets caches the metadata of kubernetes.io/tls Secrets, with only the operator's own
	// annotations kept.
	Secrets  cache.Cache
	Recorder events.EventRecorder
}

// Setup registers the controller with mgr. Secrets are watched through a cache of their own:
// metadata only, restricted by the API server to kubernetes.io/tls Secrets, and keeping no
// annotation but the operator's, so that neither Secret data nor a last-applied copy of it is
// ever held in memory.
func Setup(mgr ctrl.Manager, opts Options) error {
	cacheOpts := cache.Options{
		HTTPClient:           mgr.GetHTTPClient(),
		Scheme:               mgr.GetScheme(),
		Mapper:               mgr.GetRESTMapper(),
		DefaultFieldSelector: fields.OneTermEqualSelector("type", string(corev1.SecretTypeTLS)),
		DefaultTransform:     keepOwnAnnotations,
	}
	if opts.Namespace != "" {
		cacheOpts.DefaultNamespaces = map[string]cache.Config{opts.Namespace: {}}
	}
	secrets, err := cache.New(mgr.GetConfig(), cacheOpts)
	if err != nil {
		return err
	}
	if err := mgr.Add(secrets); err != nil {
		return err
	}
	r := &Reconciler{Client: mgr.GetClient(), Secrets: secrets, Recorder: mgr.GetEventRecorder("tencent-cert-operator")}
	owner := handler.EnqueueRequestForOwner(mgr.GetScheme(), mgr.GetRESTMapper(), &corev1.Secret{}, handler.OnlyControllerOwner())
	isTemplate := predicate.NewPredicateFuncs(func(o client.Object) bool { return o.GetLabels()[sslv1alpha1.TemplateLabel] == "true" })
	return ctrl.NewControllerManagedBy(mgr).
		Named("secretsync").
		WatchesRawSource(source.Kind(secrets, secretMetadata(), &handler.TypedEnqueueRequestForObject[*metav1.PartialObjectMetadata]{}, annotationsMatter{})).
		Watches(&sslv1alpha1.TencentCertificate{}, owner).
		Watches(&sslv1alpha1.CertificateDeployment{}, owner).
		Watches(&sslv1alpha1.CertificateDeployment{}, handler.EnqueueRequestsFromMapFunc(r.secretsForTemplate), builder.WithPredicates(isTemplate)).
		Complete(r)
}

func secretMetadata() *metav1.PartialObjectMetadata {
	m := &metav1.PartialObjectMetadata{}
	m.SetGroupVersionKind(corev1.SchemeGroupVersion.WithKind("Secret"))
	return m
}

// keepOwnAnnotations drops managed fields and every annotation outside ssl.certsync.io/ before
// a Secret enters the cache.
func keepOwnAnnotations(in any) (any, error) {
	obj, ok := in.(client.Object)
	if !ok {
		return in, nil
	}
	obj.SetManagedFields(nil)
	var kept map[string]string
	for k, v := range obj.GetAnnotations() {
		if strings.HasPrefix(k, "ssl.certsync.io/") {
			if kept == nil {
				kept = map[string]string{}
			}
			kept[k] = v
		}
	}
	obj.SetAnnotations(kept)
	return obj, nil
}

// annotationsMatter passes the Secret events that can change what is generated: a Secret
// that carries the sync annotation, or loses it. Content changes pass only through the
// TencentCertificate controller; deletions are left to garbage collection.
type annotationsMatter struct {
	predicate.TypedFuncs[*metav1.PartialObjectMetadata]
}

func (annotationsMatter) Create(e event.TypedCreateEvent[*metav1.PartialObjectMetadata]) bool {
	_, ok := e.Object.GetAnnotations()[sslv1alpha1.SyncAnnotation]
	return ok
}

func (annotationsMatter) Update(e event.TypedUpdateEvent[*metav1.PartialObjectMetadata]) bool {
	_, before := e.ObjectOld.GetAnnotations()[sslv1alpha1.SyncAnnotation]
	_, after := e.ObjectNew.GetAnnotations()[sslv1alpha1.SyncAnnotation]
	return (before || after) && !equalMaps(e.ObjectOld.GetAnnotations(), e.ObjectNew.GetAnnotations())
}

func (annotationsMatter) Delete(event.TypedDeleteEvent[*metav1.PartialObjectMetadata]) bool {
	return false
}

func (annotationsMatter) Generic(e event.TypedGenericEvent[*metav1.PartialObjectMetadata]) bool {
	_, ok := e.Object.GetAnnotations()[sslv1alpha1.SyncAnnotation]
	return ok
}

func equalMaps(a, b map[string]string) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if w, ok := b[k]; !ok || w != v {
			return false
		}
	}
	return true
}

// secretsForTemplate maps a template to the Secrets of its namespace that name it.
func (r *Reconciler) secretsForTemplate(ctx context.Context, tmpl client.Object) []reconcile.Request {
	list := &metav1.PartialObjectMetadataList{}
	list.SetGroupVersionKind(corev1.SchemeGroupVersion.WithKind("SecretList"))
	if err := r.Secrets.List(ctx, list, client.InNamespace(tmpl.GetNamespace())); err != nil {
		log.FromContext(ctx).Error(err, "Failed to list Secrets for a CertificateDeployment template")
		return nil
	}
	var reqs []reconcile.Request
	for _, s := range list.Items {
		for _, name := range strings.Split(s.Annotations[sslv1alpha1.DeploymentTemplatesAnnotation], ",") {
			if strings.TrimSpace(name) == tmpl.GetName() {
				reqs = append(reqs, reconcile.Request{NamespacedName: types.NamespacedName{Namespace: s.Namespace, Name: s.Name}})
				break
			}
		}
	}
	return reqs
}

// Reconcile brings the objects generated for one Secret in line with its annotations.
func (r *Reconciler) Reconcile(ctx context.Context, req ctrl.Request) (ctrl.Result, error) {
	secret := secretMetadata()
	if err := r.Secrets.Get(ctx, req.NamespacedName, secret); err != nil {
		// A deleted Secret takes the generated objects with it through their owner references.
		return ctrl.Result{}, client.IgnoreNotFound(err)
	}
	if !secret.DeletionTimestamp.IsZero() {
		return ctrl.Result{}, nil
	}
	if !enabled(secret.Annotations) {
		return ctrl.Result{}, r.prune(ctx, secret, false, nil)
	}
	want, err := desiredFor(secret.Name, secret.Annotations)
	if err != nil {
		r.warn(secret, ReasonInvalidAnnotation, "%s; nothing was created or changed", err)
		return ctrl.Result{}, nil
	}
	if ok, err := r.applyCertificate(ctx, secret, want); !ok || err != nil {
		return ctrl.Result{}, err
	}
	for _, name := range want.templates {
		if err := r.applyDeployment(ctx, secret, name); err != nil {
			return ctrl.Result{}, err
		}
	}
	return ctrl.Result{}, r.prune(ctx, secret, true, want.templates)
}

// applyCertificate creates or updates the TencentCertificate named after the Secret. It
// reports false when the name is taken by an object the Secret does not own.
func (r *Reconciler) applyCertificate(ctx context.Context, secret *metav1.PartialObjectMetadata, want *desired) (bool, error) {
	name := secret.Name
	if owned, err := r.ownedOrAbsent(ctx, secret, &sslv1alpha1.TencentCertificate{}, name); err != nil || !owned {
		return false, err
	}
	u, err := generated(secret, "TencentCertificate", name, &want.certificate)
	if err != nil {
		return false, err
	}
	return true, r.apply(ctx, secret, u)
}

// applyDeployment creates or updates the copy of one template. A missing or unusable template
// is reported on the Secret and leaves an existing copy as it is.
func (r *Reconciler) applyDeployment(ctx context.Context, secret *metav1.PartialObjectMetadata, template string) error {
	tmpl := &sslv1alpha1.CertificateDeployment{}
	if err := r.Get(ctx, client.ObjectKey{Namespace: secret.Namespace, Name: template}, tmpl); err != nil {
		if apierrors.IsNotFound(err) {
			r.warn(secret, ReasonTemplateNotFound, "CertificateDeployment template %q not found", template)
			return nil
		}
		return err
	}
	if tmpl.Labels[sslv1alpha1.TemplateLabel] != "true" || !tmpl.Spec.Suspend {
		r.warn(secret, ReasonTemplateInvalid, "CertificateDeployment %q is not a template: it needs the label %s=true and spec.suspend: true",
			template, sslv1alpha1.TemplateLabel)
		return nil
	}
	name := deploymentName(secret.Name, template)
	if owned, err := r.ownedOrAbsent(ctx, secret, &sslv1alpha1.CertificateDeployment{}, name); err != nil || !owned {
		return err
	}
	spec := tmpl.Spec.DeepCopy()
	spec.CertificateRef = &sslv1alpha1.LocalObjectReference{Name: secret.Name}
	spec.CertificateID = ""
	spec.Suspend = false
	u, err := generated(secret, "CertificateDeployment", name, spec)
	if err != nil {
		return err
	}
	u.SetAnnotations(map[string]string{sslv1alpha1.TemplateAnnotation: template})
	return r.apply(ctx, secret, u)
}

// ownedOrAbsent reports whether the object name is absent or controlled by the Secret, and
// reports a conflict on the Secret otherwise.
func (r *Reconciler) ownedOrAbsent(ctx context.Context, secret *metav1.PartialObjectMetadata, obj client.Object, name string) (bool, error) {
	err := r.Get(ctx, client.ObjectKey{Namespace: secret.Namespace, Name: name}, obj)
	if apierrors.IsNotFound(err) {
		return true, nil
	}
	if err != nil {
		return false, err
	}
	if !metav1.IsControlledBy(obj, secret) {
		r.warn(secret, ReasonNameConflict, "%s %q exists and is not owned by this Secret; it is left alone", kindOf(obj), name)
		return false, nil
	}
	return true, nil
}

// generated returns the object to apply: its name, the Secret as controlling owner, and spec.
func generated(secret *metav1.PartialObjectMetadata, kind, name string, spec any) (*unstructured.Unstructured, error) {
	content, err := runtime.DefaultUnstructuredConverter.ToUnstructured(spec)
	if err != nil {
		return nil, err
	}
	u := &unstructured.Unstructured{Object: map[string]any{"spec": content}}
	u.SetAPIVersion(sslv1alpha1.GroupVersion.String())
	u.SetKind(kind)
	u.SetNamespace(secret.Namespace)
	u.SetName(name)
	// No blockOwnerDeletion: deleting the Secret never waits for Tencent, and setting it
	// would need a permission on Secrets.
	u.SetOwnerReferences([]metav1.OwnerReference{{
		APIVersion: "v1", Kind: "Secret", Name: secret.Name, UID: secret.UID, Controller: ptr.To(true),
	}})
	return u, nil
}

// apply server-side applies u. Fields the annotations no longer set are removed, and fields
// defaulted by the API server never cause a change. A rejection is reported on the Secret.
func (r *Reconciler) apply(ctx context.Context, secret *metav1.PartialObjectMetadata, u *unstructured.Unstructured) error {
	err := r.Apply(ctx, client.ApplyConfigurationFromUnstructured(u), client.FieldOwner(fieldOwner), client.ForceOwnership)
	if apierrors.IsInvalid(err) || apierrors.IsBadRequest(err) {
		r.warn(secret, ReasonApplyRejected, "%s %q was rejected: %s", u.GetKind(), u.GetName(), apiMessage(err))
		return nil
	}
	return err
}

func apiMessage(err error) string {
	var status apierrors.APIStatus
	if errors.As(err, &status) {
		return status.Status().Message
	}
	return err.Error()
}

// prune deletes the generated objects the Secret no longer asks for: all of them when sync is
// off, else the copies of templates not listed. Deletion runs each object's finalizer, so a
// TencentCertificate's deletion policy applies.
func (r *Reconciler) prune(ctx context.Context, secret *metav1.PartialObjectMetadata, syncing bool, templates []string) error {
	var doomed []client.Object
	if !syncing {
		tcs := &sslv1alpha1.TencentCertificateList{}
		if err := r.List(ctx, tcs, client.InNamespace(secret.Namespace)); err != nil {
			return err
		}
		for i := range tcs.Items {
			if metav1.IsControlledBy(&tcs.Items[i], secret) {
				doomed = append(doomed, &tcs.Items[i])
			}
		}
	}
	cds := &sslv1alpha1.CertificateDeploymentList{}
	if err := r.List(ctx, cds, client.InNamespace(secret.Namespace)); err != nil {
		return err
	}
	for i := range cds.Items {
		cd := &cds.Items[i]
		if metav1.IsControlledBy(cd, secret) && !slices.Contains(templates, cd.Annotations[sslv1alpha1.TemplateAnnotation]) {
			doomed = append(doomed, cd)
		}
	}
	for _, obj := range doomed {
		if !obj.GetDeletionTimestamp().IsZero() {
			continue
		}
		if err := r.Delete(ctx, obj, client.PropagationPolicy(metav1.DeletePropagationBackground)); client.IgnoreNotFound(err) != nil {
			return err
		}
		log.FromContext(ctx).Info("Deleted generated object", "kind", kindOf(obj), "name", obj.GetName())
	}
	return nil
}

func kindOf(obj client.Object) string {
	if _, ok := obj.(*sslv1alpha1.TencentCertificate); ok {
		return "TencentCertificate"
	}
	return "CertificateDeployment"
}

// warn records a Warning event on the Secret. Events are objects of their own; the Secret is
// not written.
func (r *Reconciler) warn(secret *metav1.PartialObjectMetadata, reason, format string, args ...any) {
	ref := &corev1.Secret{ObjectMeta: metav1.ObjectMeta{Namespace: secret.Namespace, Name: secret.Name, UID: secret.UID, ResourceVersion: secret.ResourceVersion}}
	ref.SetGroupVersionKind(corev1.SchemeGroupVersion.WithKind("Secret"))
	r.Recorder.Eventf(ref, nil, corev1.EventTypeWarning, reason, "Sync", format, args...)
}
