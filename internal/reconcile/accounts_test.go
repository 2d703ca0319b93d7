package reconcile

import (
	"context"
	"testing"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	clientgoscheme "k8s.io/client-go/kubernetes/scheme"
	"sigs.k8s.io/controller-runtime/pkg/client/fake"

	sslv1alpha1 "github.com/certsync/tencent-cert-operator/api/v1alpha1"
	tcfake "github.com/certsync/tencent-cert-operator/internal/tencentcloud/fake"
)

func TestResolveNamesTheRuleThatRefused(t *testing.T) {
	scheme := runtime.NewScheme()
	_ = clientgoscheme.AddToScheme(scheme)
	_ = sslv1alpha1.AddToScheme(scheme)
	account := func(name string, mutate func(*sslv1alpha1.TencentCloudAccountSpec)) *sslv1alpha1.TencentCloudAccount {
		a := &sslv1alpha1.TencentCloudAccount{ObjectMeta: metav1.ObjectMeta{Name: name}, Spec: sslv1alpha1.TencentCloudAccountSpec{
			Identity:          sslv1alpha1.AccountIdentity{Type: sslv1alpha1.AccountIdentityAmbient},
			NamespaceSelector: &metav1.LabelSelector{MatchLabels: map[string]string{"team": "a"}},
		}}
		if mutate != nil {
			mutate(&a.Spec)
		}
		return a
	}
	c := fake.NewClientBuilder().WithScheme(scheme).WithObjects(
		&corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: "team-a", Labels: map[string]string{"team": "a"}}},
		&corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: "team-b", Labels: map[string]string{"team": "b"}}},
		account("default", nil),
		account("no-selector", func(s *sslv1alpha1.TencentCloudAccountSpec) { s.NamespaceSelector = nil }),
		account("bad-selector", func(s *sslv1alpha1.TencentCloudAccountSpec) {
			s.NamespaceSelector = &metav1.LabelSelector{MatchExpressions: []metav1.LabelSelectorRequirement{{Key: "team", Operator: "Near"}}}
		}),
		account("limited", func(s *sslv1alpha1.TencentCloudAccountSpec) {
			s.AllowedResourceTypes = []sslv1alpha1.ResourceType{"cdn"}
			s.AllowedRegions = []sslv1alpha1.Region{"ap-shanghai"}
		}),
	).Build()
	cloud := &tcfake.Factory{API: tcfake.New()}
	a := &Accounts{Reader: c, Secrets: c, Cloud: cloud, Cluster: "cluster-1"}
	ref := func(name string) *sslv1alpha1.AccountReference { return &sslv1alpha1.AccountReference{Name: name} }

	cases := []struct {
		name   string
		use    Use
		reason string
	}{
		{"the default account in a selected namespace", Use{Namespace: "team-a"}, ""},
		{"the default account elsewhere", Use{Namespace: "team-b"}, sslv1alpha1.ReasonNamespaceNotAllowed},
		{"a missing account", Use{Namespace: "team-a", AccountRef: ref("nope")}, sslv1alpha1.ReasonAccountNotFound},
		{"an account without a selector", Use{Namespace: "team-a", AccountRef: ref("no-selector")}, sslv1alpha1.ReasonNamespaceNotAllowed},
		{"an invalid selector", Use{Namespace: "team-a", AccountRef: ref("bad-selector")}, sslv1alpha1.ReasonAccountInvalid},
		{"an allowed type and region", Use{Namespace: "team-a", AccountRef: ref("limited"), ResourceTypes: []sslv1alpha1.ResourceType{"cdn"}, Regions: []sslv1alpha1.Region{"ap-shanghai"}}, ""},
		{"a type not allowed", Use{Namespace: "team-a", AccountRef: ref("limited"), ResourceTypes: []sslv1alpha1.ResourceType{"clb"}}, sslv1alpha1.ReasonResourceTypeNotAllowed},
		{"a region not allowed", Use{Namespace: "team-a", AccountRef: ref("limited"), Regions: []sslv1alpha1.Region{"ap-guangzhou"}}, sslv1alpha1.ReasonRegionNotAllowed},
		{"adoption not allowed", Use{Namespace: "team-a", Adopts: "X"}, sslv1alpha1.ReasonAdoptionNotAllowed},
		{"a team's own credentials need no account", Use{Namespace: "team-b", Adopts: "X", CredentialsRef: &sslv1alpha1.LocalObjectReference{Name: "keys"}}, ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			g, err := a.Resolve(context.Background(), tc.use)
			if tc.reason == "" {
				if err != nil || g == nil {
					t.Fatalf("refused: %v", err)
				}
				return
			}
			o := As(err)
			if o.Reason != tc.reason || o.Severity != Terminal {
				t.Errorf("outcome = %v %v: %s, want Terminal %s", o.Severity, o.Reason, o.Message, tc.reason)
			}
		})
	}
	if n := len(cloud.Asked()) + len(cloud.Roles()); n != 0 {
		t.Errorf("resolving built %d clients, want none: the rules need no API call", n)
	}
}

func TestOwnedNeedsTheClusterAndTheObject(t *testing.T) {
	a := &Accounts{Cluster: "c1"}
	tags := map[string]string{sslv1alpha1.TagCluster: "c1", sslv1alpha1.TagNamespace: "ns", sslv1alpha1.TagName: "web"}
	if !a.Owned(tags, "ns", "web") || !a.Owned(tags, "ns", "") {
		t.Errorf("the object's own certificate is not owned")
	}
	if a.Owned(tags, "ns", "other") || a.Owned(tags, "other", "") || (&Accounts{Cluster: "c2"}).Owned(tags, "ns", "web") {
		t.Errorf("another object's, namespace's or cluster's certificate is owned")
	}
	legacy := map[string]string{sslv1alpha1.TagNamespace: "ns", sslv1alpha1.TagName: "web"}
	if a.Owned(legacy, "ns", "web") {
		t.Errorf("a certificate without the cluster tag is owned")
	}
}
