package tencentcloud

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/go-logr/logr/funcr"
)

// TestNoKeyMaterialLeaks drives calls that carry a private key and a token
// against endpoints that echo secrets back in every way they could, and
// checks errors, logs and metrics.
func TestNoKeyMaterialLeaks(t *testing.T) {
	echoed := fmt.Sprintf("bad key %s for SecretKey=%s token %s", strings.ReplaceAll(testPEMKey, "\n", "\\n"), testSecretKey, testToken)
	cases := []struct {
		name   string
		status int
		body   string
	}{
		{name: "An error message echoing the request's secrets", status: http.StatusOK, body: errEnvelope("FailedOperation.CertificateParseError", echoed, "r1")},
		{name: "A non-JSON 500 page echoing the secrets", status: http.StatusInternalServerError, body: "<pre>" + testPEMKey + testSecretKey + "</pre>"},
		{name: "A 200 that is not JSON and echoes the secrets", status: http.StatusOK, body: "oops " + testPEMKey + testSecretKey},
		{name: "A response field of the wrong type next to a private key", status: http.StatusOK, body: `{"Response":{"CertificateId":1,"Secret":"` + testSecretKey + `","RequestId":"r2"}}`},
		{name: "A successful response", status: http.StatusOK, body: okEnvelope(`"CertificateId":"new1"`)},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			env := newTestEnv(t, always(tc.status, tc.body), nil)
			api, err := env.factory.For(context.Background(), &Credentials{SecretID: testSecretID, SecretKey: testSecretKey, Token: testToken})
			if err != nil {
				t.Fatal(err)
			}
			in := UploadInput{CertificatePEM: "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n", PrivateKeyPEM: testPEMKey}
			_, callErr := api.Upload(context.Background(), in)
			if callErr != nil {
				assertNoSecrets(t, "error string", callErr.Error())
				assertNoSecrets(t, "formatted error", fmt.Sprintf("%+v", callErr))
			}
			assertNoSecrets(t, "logs", env.logs.String())
			families, err := env.reg.Gather()
			if err != nil {
				t.Fatal(err)
			}
			var labels strings.Builder
			for _, mf := range families {
				for _, m := range mf.GetMetric() {
					for _, l := range m.GetLabel() {
						labels.WriteString(l.GetName() + "=" + l.GetValue() + "\n")
					}
				}
			}
			if labels.Len() == 0 {
				t.Fatal("no metrics were recorded")
			}
			assertNoSecrets(t, "metric labels", labels.String())
		})
	}
}

// TestDescribeNeverReturnsThePrivateKey reads a detail answer that carries the private keys
// and checks that nothing of them reaches the result.
func TestDescribeNeverReturnsThePrivateKey(t *testing.T) {
	key := strings.ReplaceAll(testPEMKey, "\n", "\\n")
	env := newTestEnv(t, always(http.StatusOK, okEnvelope(`"CertificateId":"c1","CertificatePrivateKey":"`+key+`","EncryptPrivateKey":"`+key+`","SubmittedData":{"KeyPassword":"`+testSecretKey+`"}`)), nil)
	c, err := env.api(t).Describe(context.Background(), "c1")
	if err != nil {
		t.Fatal(err)
	}
	if c.ID != "c1" {
		t.Fatalf("certificate %+v", c)
	}
	assertNoSecrets(t, "certificate", fmt.Sprintf("%#v", c))
	assertNoSecrets(t, "logs", env.logs.String())
}

func TestSecretBearingTypesRedactWhenFormattedOrLogged(t *testing.T) {
	key := testPEMKey
	cases := []struct {
		name     string
		value    any
		wantSeen string
	}{
		{name: "UploadInput", value: UploadInput{CertificatePEM: "PUBLIC", PrivateKeyPEM: key, Alias: "alias-1"}, wantSeen: "alias-1"},
		{name: "A pointer to UploadInput", value: &UploadInput{PrivateKeyPEM: key, Alias: "alias-2", ProjectID: new(int64(3))}, wantSeen: "alias-2"},
		{name: "The upload request", value: uploadCertificateRequest{CertificatePublicKey: "PUBLIC", CertificatePrivateKey: key, Alias: "alias-3"}, wantSeen: "alias-3"},
		{name: "Credentials", value: Credentials{SecretID: "AKIDvisible", SecretKey: testSecretKey, Token: testToken}, wantSeen: "AKIDvisible"},
	}
	for _, tc := range cases {
		t.Run(tc.name+" hides its secrets in every form", func(t *testing.T) {
			forms := map[string]string{
				"%v": fmt.Sprintf("%v", tc.value), "%+v": fmt.Sprintf("%+v", tc.value), "%#v": fmt.Sprintf("%#v", tc.value),
				"%s": fmt.Sprintf("%s", tc.value), "%q": fmt.Sprintf("%q", tc.value), "%x": fmt.Sprintf("%x", tc.value),
			}
			if s, ok := tc.value.(fmt.Stringer); ok {
				forms["String"] = s.String()
			}
			if g, ok := tc.value.(fmt.GoStringer); ok {
				forms["GoString"] = g.GoString()
			}
			var logged strings.Builder
			log := funcr.New(func(_, args string) { logged.WriteString(args) }, funcr.Options{})
			log.Info("Value", "value", tc.value)
			forms["logr"] = logged.String()
			for form, s := range forms {
				assertNoSecrets(t, form, s)
			}
			for _, form := range []string{"%v", "%+v", "logr"} {
				if !strings.Contains(forms[form], tc.wantSeen) {
					t.Errorf("%s form %q lacks the non-secret %q", form, forms[form], tc.wantSeen)
				}
			}
			if !strings.Contains(forms["%v"], redacted) {
				t.Errorf("%%v form %q does not mark the redaction", forms["%v"])
			}
		})
	}
}
