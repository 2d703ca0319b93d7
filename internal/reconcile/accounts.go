package reconcile

import (
	"context"
	"fmt"
	"slices"
	"strings"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/builder"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/handler"
	"sigs.k8s.io/controller-runtime/pkg/predicate"
	ctrlreconcile "sigs.k8s.io/controller-runtime/pkg/reconcile"

	sslv1alpha1 "github.com/certsync/tencent-cert-operator/api/v1alpha1"
	"github.com/certsync/tencent-cert-operator/internal/tencentcloud"
)

// Accounts decides which Tencent Cloud identity an object may use, by the TencentCloudAccount
// rules, before any API call. Both Tencent kinds resolve their identity through it.
type Accounts struct {
	// Reader reads TencentCloudAccounts and Namespaces, normally from the cache.
	Reader client.Reader
	// Secrets reads credentials Secrets; the manager's client reads them from the API server.
	Secrets client.Reader
	// Cloud builds the SSL API clients.
	Cloud tencentcloud.Factory
	// Namespace is the operator's namespace, which holds the Secrets of accounts.
	Namespace string
	// Default is the account of objects that name no identity; empty means "default".
	Default string
	// Cluster identifies this cluster in ownership tags.
	Cluster string
}

// Use is what an object wants an identity for.
type Use struct {
	// Namespace of the object.
	Namespace string
	// AccountRef and CredentialsRef are the identity the object names; neither means the
	// default account.
	AccountRef     *sslv1alpha1.AccountReference
	CredentialsRef *sslv1alpha1.LocalObjectReference
	// ResourceTypes and Regions the object deploys to or switches.
	ResourceTypes []sslv1alpha1.ResourceType
	Regions       []sslv1alpha1.Region
	// Adopts is a certificate ID the object uses without its namespace having uploaded it.
	Adopts string
}

// Grant is an identity an object may use.
type Grant struct {
	// Account is the account that allowed the use; nil for a credentials Secret of the
	// object's namespace, which CAM confines instead.
	Account *sslv1alpha1.TencentCloudAccount

	accounts *Accounts
	use      Use
	api      tencentcloud.API
}

// AccountName is the name of the account an object naming ref uses.
func (a *Accounts) AccountName(ref *sslv1alpha1.AccountReference) string {
	if ref != nil {
		return ref.Name
	}
	if a.Default != "" {
		return a.Default
	}
	return sslv1alpha1.DefaultAccountName
}

// Resolve checks use against the account it names and returns the grant, or a Terminal
// outcome whose reason names the rule that refused. It makes no API call.
func (a *Accounts) Resolve(ctx context.Context, use Use) (*Grant, error) {
	g := &Grant{accounts: a, use: use}
	if use.CredentialsRef != nil && use.AccountRef == nil {
		return g, nil
	}
	name := a.AccountName(use.AccountRef)
	account := &sslv1alpha1.TencentCloudAccount{}
	if err := a.Reader.Get(ctx, client.ObjectKey{Name: name}, account); err != nil {
		if apierrors.IsNotFound(err) {
			return nil, NewTerminal(sslv1alpha1.ReasonAccountNotFound, fmt.Sprintf(
				"TencentCloudAccount %q does not exist; ask the cluster admin for an account that selects namespace %q, or set spec.credentialsRef",
				name, use.Namespace))
		}
		return nil, err
	}
	if err := a.allows(ctx, account, use); err != nil {
		return nil, err
	}
	g.Account = account
	return g, nil
}

func (a *Accounts) allows(ctx context.Context, account *sslv1alpha1.TencentCloudAccount, use Use) error {
	refuse := func(reason, format string, args ...any) error {
		return NewTerminal(reason, fmt.Sprintf("TencentCloudAccount %q ", account.Name)+fmt.Sprintf(format, args...))
	}
	spec := account.Spec
	if spec.NamespaceSelector == nil {
		return refuse(sslv1alpha1.ReasonNamespaceNotAllowed, "has no namespaceSelector, so it selects no namespace")
	}
	selector, err := metav1.LabelSelectorAsSelector(spec.NamespaceSelector)
	if err != nil {
		return refuse(sslv1alpha1.ReasonAccountInvalid, "has an invalid namespaceSelector: %v", err)
	}
	if !selector.Empty() {
		ns := &metav1.PartialObjectMetadata{}
		ns.SetGroupVersionKind(corev1.SchemeGroupVersion.WithKind("Namespace"))
		if err := a.Reader.Get(ctx, client.ObjectKey{Name: use.Namespace}, ns); err != nil {
			return err
		}
		if !selector.Matches(labels.Set(ns.Labels)) {
			return refuse(sslv1alpha1.ReasonNamespaceNotAllowed, "does not select namespace %q (spec.namespaceSelector %s)", use.Namespace, selector)
		}
	}
	if len(spec.AllowedResourceTypes) > 0 {
		for _, rt := range use.ResourceTypes {
			if !slices.Contains(spec.AllowedResourceTypes, rt) {
				return refuse(sslv1alpha1.ReasonResourceTypeNotAllowed, "does not allow resource type %s (spec.allowedResourceTypes %s)", rt, list(spec.AllowedResourceTypes))
			}
		}
	}
	if len(spec.AllowedRegions) > 0 {
		for _, region := range use.Regions {
			if !slices.Contains(spec.AllowedRegions, region) {
				return refuse(sslv1alpha1.ReasonRegionNotAllowed, "does not allow region %s (spec.allowedRegions %s)", region, list(spec.AllowedRegions))
			}
		}
	}
	if use.Adopts != "" && !spec.AllowAdoption {
		return refuse(sslv1alpha1.ReasonAdoptionNotAllowed, "does not allow adopting certificate %s, which no object of namespace %q uploaded (spec.allowAdoption is false)", use.Adopts, use.Namespace)
	}
	return nil
}

func list[T ~string](items []T) string {
	s := make([]string, len(items))
	for i, it := range items {
		s[i] = string(it)
	}
	return "[" + strings.Join(s, ", ") + "]"
}

// MayAdopt reports whether the grant lets the object use certificates its namespace did not
// upload: a credentials Secret of the namespace always may, CAM decides; an account only with
// allowAdoption.
func (g *Grant) MayAdopt() bool {
	return g.Account == nil || g.Account.Spec.AllowAdoption
}

// Client returns the SSL API client of the grant, building it on first use.
func (g *Grant) Client(ctx context.Context) (tencentcloud.API, error) {
	if g.api != nil {
		return g.api, nil
	}
	a := g.accounts
	var api tencentcloud.API
	var err error
	if g.Account == nil {
		api, err = Client(ctx, a.Secrets, a.Cloud, g.use.Namespace, g.use.CredentialsRef)
	} else {
		api, err = a.client(ctx, g.Account)
	}
	if err != nil {
		return nil, err
	}
	g.api = api
	return api, nil
}

func (a *Accounts) client(ctx context.Context, account *sslv1alpha1.TencentCloudAccount) (tencentcloud.API, error) {
	id := account.Spec.Identity
	var api tencentcloud.API
	var err error
	switch id.Type {
	case sslv1alpha1.AccountIdentitySecret:
		if id.SecretRef == nil {
			return nil, NewTerminal(sslv1alpha1.ReasonAccountInvalid, fmt.Sprintf("TencentCloudAccount %q has no identity.secretRef", account.Name))
		}
		// The Secret lives in the operator's namespace, which tenants cannot name.
		return Client(ctx, a.Secrets, a.Cloud, a.Namespace, &sslv1alpha1.LocalObjectReference{Name: id.SecretRef.Name})
	case sslv1alpha1.AccountIdentityTKEOIDC:
		api, err = a.Cloud.ForRole(ctx, tencentcloud.Role{OIDCRoleARN: id.RoleARN})
	case sslv1alpha1.AccountIdentityCVMRole:
		api, err = a.Cloud.ForRole(ctx, tencentcloud.Role{CVM: true, CVMRoleName: id.RoleName})
	default:
		return Client(ctx, a.Secrets, a.Cloud, "", nil)
	}
	if err != nil {
		// A role is assumed through STS or the metadata service; a failure there may pass.
		return nil, &Outcome{Severity: Transient, Reason: sslv1alpha1.ReasonCredentialsInvalid,
			Message: fmt.Sprintf("The identity of TencentCloudAccount %q is not usable", account.Name), Cause: err}
	}
	return api, nil
}

// Owned reports whether tags name this cluster, namespace and, when name is not empty, object
// as the owner of a certificate.
func (a *Accounts) Owned(tags map[string]string, namespace, name string) bool {
	return a.Cluster != "" && tags[sslv1alpha1.TagCluster] == a.Cluster &&
		tags[sslv1alpha1.TagNamespace] == namespace && (name == "" || tags[sslv1alpha1.TagName] == name)
}

// OwnerTags are the ownership tags of an object.
func (a *Accounts) OwnerTags(namespace, name string) []tencentcloud.Tag {
	return []tencentcloud.Tag{
		{Key: sslv1alpha1.TagCluster, Value: a.Cluster},
		{Key: sslv1alpha1.TagNamespace, Value: namespace},
		{Key: sslv1alpha1.TagName, Value: name},
	}
}

// Watch indexes the controller's objects (of list's kind) by the account they use, under
// field, and makes bld reconcile them when their account changes or their namespace's labels
// do, so that an admin's change to the rules takes effect without touching the objects.
func (a *Accounts) Watch(mgr ctrl.Manager, bld *builder.Builder, obj client.Object, newList func() client.ObjectList, field string,
	refs func(client.Object) (*sslv1alpha1.AccountReference, *sslv1alpha1.LocalObjectReference)) (*builder.Builder, error) {
	err := mgr.GetFieldIndexer().IndexField(context.Background(), obj, field, func(o client.Object) []string {
		account, creds := refs(o)
		if account == nil && creds != nil {
			return nil
		}
		return []string{a.AccountName(account)}
	})
	if err != nil {
		return nil, err
	}
	c := mgr.GetClient()
	byAccount := func(ctx context.Context, o client.Object) []ctrlreconcile.Request {
		return listRequests(ctx, c, newList(), client.MatchingFields{field: o.GetName()})
	}
	inNamespace := func(ctx context.Context, o client.Object) []ctrlreconcile.Request {
		return listRequests(ctx, c, newList(), client.InNamespace(o.GetName()))
	}
	return bld.
		Watches(&sslv1alpha1.TencentCloudAccount{}, handler.EnqueueRequestsFromMapFunc(byAccount),
			builder.WithPredicates(predicate.GenerationChangedPredicate{})).
		WatchesMetadata(&corev1.Namespace{}, handler.EnqueueRequestsFromMapFunc(inNamespace),
			builder.WithPredicates(predicate.LabelChangedPredicate{})), nil
}
