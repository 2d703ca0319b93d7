package huaweiapigcertificate

import (
	"errors"
	"testing"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	sslv1alpha1 "github.com/certsync/tencent-cert-operator/api/v1alpha1"
	"github.com/certsync/tencent-cert-operator/internal/huaweicloud"
	"github.com/certsync/tencent-cert-operator/internal/reconcile"
)

func TestSameSerial(t *testing.T) {
	cases := []struct {
		a, b string
		want bool
	}{
		{"0A1B", "a1b", true},
		{"0a:1b", "a1b", true},
		{"0x0A1B", "a1b", true},
		{"A1C", "a1b", false},
		{"", "", false},
	}
	for _, tc := range cases {
		if got := sameSerial(tc.a, tc.b); got != tc.want {
			t.Errorf("sameSerial(%q, %q) = %v", tc.a, tc.b, got)
		}
	}
}

func TestCertificateName(t *testing.T) {
	cases := map[string]string{
		"web":                 "cert_web",
		"api-gateway.example": "api_gateway_example",
		"9lives":              "cert_9lives",
		"abcd":                "abcd",
		"a-very-long-name-that-goes-on-and-on-and-on-beyond":                  "a_very_long_name_that_goes_on_and_on_and_on_beyond",
		"x-very-long-name-that-goes-on-and-on-and-on-beyond-fifty-characters": "x_very_long_name_that_goes_on_and_on_and_on_beyond",
	}
	for in, want := range cases {
		obj := &sslv1alpha1.HuaweiAPIGCertificate{ObjectMeta: metav1.ObjectMeta{Name: in}}
		if got := certificateName(obj); got != want {
			t.Errorf("certificateName(%q) = %q, want %q", in, got, want)
		}
	}
	obj := &sslv1alpha1.HuaweiAPIGCertificate{ObjectMeta: metav1.ObjectMeta{Name: "web"}, Spec: sslv1alpha1.HuaweiAPIGCertificateSpec{CertificateName: "证书_web"}}
	if got := certificateName(obj); got != "证书_web" {
		t.Errorf("an explicit name is kept, got %q", got)
	}
}

func TestCloudOutcome(t *testing.T) {
	cases := []struct {
		name     string
		err      error
		severity reconcile.Severity
		reason   string
	}{
		{"a wrong key stalls as invalid credentials", &huaweicloud.Error{Code: "APIG.1002", HTTPStatus: 401}, reconcile.Terminal, sslv1alpha1.ReasonCredentialsInvalid},
		{"a missing domain stalls as not found", &huaweicloud.Error{Code: "APIG.3020", HTTPStatus: 404}, reconcile.Terminal, sslv1alpha1.ReasonDomainNotFound},
		{"an invalid parameter stalls as rejected", &huaweicloud.Error{Code: "APIG.2012", HTTPStatus: 400}, reconcile.Terminal, sslv1alpha1.ReasonAPIRejected},
		{"a conflict waits", &huaweicloud.Error{Code: "APIG.4000", HTTPStatus: 409}, reconcile.Waiting, sslv1alpha1.ReasonProgressing},
		{"a system error is retried", &huaweicloud.Error{Code: "APIG.9999", HTTPStatus: 500}, reconcile.Transient, sslv1alpha1.ReasonAPIError},
		{"a network error is retried", errors.New("connection reset"), reconcile.Transient, sslv1alpha1.ReasonAPIError},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			o := cloudOutcome("bind", tc.err)
			if o.Severity != tc.severity || o.Reason != tc.reason || !errors.Is(o, tc.err) {
				t.Fatalf("cloudOutcome = %+v", o)
			}
		})
	}
}
