package reconcile

import (
	"context"
	"errors"
	"testing"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes/scheme"
	"sigs.k8s.io/controller-runtime/pkg/client/fake"

	sslv1alpha1 "github.com/certsync/tencent-cert-operator/api/v1alpha1"
	tcfake "github.com/certsync/tencent-cert-operator/internal/tencentcloud/fake"
)

func TestClientClassifiesEveryCredentialsOutcome(t *testing.T) {
	secret := func(data map[string][]byte) *corev1.Secret {
		return &corev1.Secret{ObjectMeta: metav1.ObjectMeta{Namespace: "ns", Name: "creds"}, Data: data}
	}
	ref := &sslv1alpha1.LocalObjectReference{Name: "creds"}
	cases := []struct {
		name     string
		ref      *sslv1alpha1.LocalObjectReference
		secret   *corev1.Secret
		chainErr error
		severity Severity
		reason   string
		ok       bool
	}{
		{name: "the default chain works", ok: true},
		{name: "a failing default chain (metadata service or STS timeout) is retried, never stalled",
			chainErr: errors.New("metadata service timeout"), severity: Transient, reason: sslv1alpha1.ReasonCredentialsInvalid},
		{name: "a missing Secret is waited for", ref: ref, severity: Waiting, reason: sslv1alpha1.ReasonCredentialsNotFound},
		{name: "a Secret without keys stalls", ref: ref, secret: secret(map[string][]byte{"other": []byte("x")}),
			severity: Terminal, reason: sslv1alpha1.ReasonCredentialsInvalid},
		{name: "a complete Secret works", ref: ref, secret: secret(map[string][]byte{"secretId": []byte("AKIDx"), "secretKey": []byte("k")}), ok: true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			b := fake.NewClientBuilder().WithScheme(scheme.Scheme)
			if c.secret != nil {
				b = b.WithObjects(c.secret)
			}
			f := &tcfake.Factory{API: tcfake.New(), Err: c.chainErr}
			api, err := Client(context.Background(), b.Build(), f, "ns", c.ref)
			if c.ok {
				if err != nil || api == nil {
					t.Fatalf("Client() = %v, %v", api, err)
				}
				return
			}
			o := As(err)
			if err == nil || o.Severity != c.severity || o.Reason != c.reason {
				t.Fatalf("err = %v (severity %d, reason %s), want severity %d reason %s", err, o.Severity, o.Reason, c.severity, c.reason)
			}
		})
	}
}
