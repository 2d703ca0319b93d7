package huaweicloud

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"testing"
)

func TestClassify(t *testing.T) {
	terminal := Classification{Class: ClassTerminal}
	creds := Classification{Class: ClassTerminal, Credentials: true}
	notFound := Classification{Class: ClassTerminal, NotFound: true}
	transient := Classification{Class: ClassTransient}
	waiting := Classification{Class: ClassWaiting}
	cases := []struct {
		name string
		err  error
		want Classification
	}{
		{"an invalid parameter is terminal", &Error{Code: CodeInvalidParameter, HTTPStatus: 400}, terminal},
		{"a wrong token or key is a credentials error", &Error{Code: CodeInvalidToken, HTTPStatus: 401}, creds},
		{"a missing permission is a credentials error", &Error{Code: CodeNoPermission, HTTPStatus: 403}, creds},
		{"a missing group is not found", &Error{Code: CodeGroupNotFound, HTTPStatus: 404}, notFound},
		{"a missing domain is not found", &Error{Code: CodeDomainNotFound, HTTPStatus: 404}, notFound},
		{"a missing instance is not found", &Error{Code: CodeInstanceNotFound, HTTPStatus: 404}, notFound},
		{"a system error is transient", &Error{Code: CodeSystemError, HTTPStatus: 500}, transient},
		{"the gateway's signature refusal is a credentials error", &Error{Code: CodeGatewayAuthFailed, HTTPStatus: 401}, creds},
		{"the gateway's throttling is transient", &Error{Code: CodeGatewayThrottled, HTTPStatus: 429}, transient},
		{"a dropped connection is transient", &Error{Code: CodeClientConnection}, transient},
		{"unusable credentials are a credentials error", &Error{Code: CodeClientCredential}, creds},
		{"an unreadable answer is transient", &Error{Code: CodeClientBadResponse, HTTPStatus: 200}, transient},
		{"invalid client input is terminal", &Error{Code: CodeClientInvalidInput}, terminal},
		{"an unknown 401 is a credentials error", &Error{Code: "APIG.1099", HTTPStatus: 401}, creds},
		{"an unknown 403 is a credentials error", &Error{Code: "APIG.1098", HTTPStatus: 403}, creds},
		{"an unknown 404 is not found", &Error{Code: "APIG.3021", HTTPStatus: 404}, notFound},
		{"a conflict is waiting", &Error{Code: "APIG.3999", HTTPStatus: 409}, waiting},
		{"a locked resource is waiting", &Error{Code: "APIG.4999", HTTPStatus: 423}, waiting},
		{"an unknown 429 is transient", &Error{Code: "X", HTTPStatus: 429}, transient},
		{"an unknown 5xx is transient", &Error{Code: "APIG.9998", HTTPStatus: 503}, transient},
		{"an unknown 400 is terminal", &Error{Code: "APIG.2999", HTTPStatus: 400}, terminal},
		{"a wrapped error is classified by its code", fmt.Errorf("bind: %w", &Error{Code: CodeDomainNotFound, HTTPStatus: 404}), notFound},
		{"a cancelled context is transient", context.Canceled, transient},
		{"any other error is transient", errors.New("boom"), transient},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if got := Classify(tc.err); got != tc.want {
				t.Fatalf("Classify(%v) = %+v, want %+v", tc.err, got, tc.want)
			}
		})
	}
	// Every code this package names is in the table.
	for _, code := range []string{CodeInvalidParameter, CodeInvalidToken, CodeNoPermission, CodeGroupNotFound, CodeDomainNotFound,
		CodeInstanceNotFound, CodeSystemError, CodeGatewayAuthFailed, CodeGatewayThrottled, CodeClientConnection,
		CodeClientCredential, CodeClientBadResponse, CodeClientInvalidInput} {
		if _, ok := codes[code]; !ok {
			t.Errorf("code %s is not classified", code)
		}
	}
	if len(codes) != 13 {
		t.Errorf("the table has %d codes; the list above names 13", len(codes))
	}
}

func TestErrorTextAndAccessors(t *testing.T) {
	err := fmt.Errorf("x: %w", &Error{Code: CodeDomainNotFound, Message: "The URL domain does not exist", HTTPStatus: http.StatusNotFound, RequestID: "r-1"})
	if got := err.Error(); got != "x: huaweicloud: APIG.3020 (HTTP Not Found): The URL domain does not exist" {
		t.Fatalf("Error() = %q", got)
	}
	if Code(err) != CodeDomainNotFound || !IsNotFound(err) {
		t.Fatalf("accessors: %q %v", Code(err), IsNotFound(err))
	}
	if Code(errors.New("plain")) != "" || IsNotFound(nil) {
		t.Fatal("accessors of other errors must be empty")
	}
}

func TestSanitizeRemovesKeyMaterialAndBoundsLength(t *testing.T) {
	msg := "bad key -----BEGIN PRIVATE KEY-----\nMIIEvQ\n-----END PRIVATE KEY----- and secret sk-123 then -----BEGIN CERTIFICATE-----\nMIIB"
	got := sanitize(msg, "sk-123", "")
	for _, leak := range []string{"MIIEvQ", "MIIB", "sk-123", "PRIVATE KEY"} {
		if strings.Contains(got, leak) {
			t.Fatalf("sanitize left %q in %q", leak, got)
		}
	}
	if long := sanitize(strings.Repeat("a", 1000)); len(long) != maxMessage+3 {
		t.Fatalf("sanitize kept %d characters", len(long))
	}
}

func TestCredentialsNeverPrintTheirSecrets(t *testing.T) {
	c := Credentials{AccessKey: "AK1", SecretKey: "very-secret", SecurityToken: "tok-secret"}
	for _, s := range []string{c.String(), fmt.Sprintf("%v %+v %#v %s %q", c, c, c, c, c), fmt.Sprint(c.MarshalLog())} {
		if strings.Contains(s, "very-secret") || strings.Contains(s, "tok-secret") || !strings.Contains(s, "AK1") {
			t.Fatalf("credentials printed as %q", s)
		}
	}
	if c.identity() == (Credentials{AccessKey: "AK1", SecretKey: "very-secret"}).identity() {
		t.Fatal("the identity must change with the token")
	}
}

func TestCredentialsFromSecretData(t *testing.T) {
	c, err := CredentialsFromSecretData(map[string][]byte{"accessKey": []byte(" AK \n"), "secretKey": []byte("SK\n"), "securityToken": []byte("T")})
	if err != nil || c != (Credentials{AccessKey: "AK", SecretKey: "SK", SecurityToken: "T"}) {
		t.Fatalf("got %v, %v", c, err)
	}
	_, err = CredentialsFromSecretData(map[string][]byte{"secretKey": []byte("hidden-value")})
	if err == nil || err.Error() != "missing or empty accessKey" {
		t.Fatalf("got %v", err)
	}
	t.Setenv(EnvAccessKey, "ENVAK")
	t.Setenv(EnvSecretKey, "")
	if _, err := CredentialsFromEnv(); err == nil || !strings.Contains(err.Error(), EnvSecretKey) {
		t.Fatalf("got %v", err)
	}
}

func TestFactoryRefusesBadInput(t *testing.T) {
	ctx := context.Background()
	creds := &Credentials{AccessKey: "AK", SecretKey: "SK"}
	scope := Scope{Region: "cn-north-4", ProjectID: "p1"}
	for name, tc := range map[string]struct {
		f     *ClientFactory
		creds *Credentials
		scope Scope
		code  string
	}{
		"an endpoint with user information": {NewFactory(FactoryOptions{Endpoint: "http://u:p@host"}), creds, scope, CodeClientInvalidInput},
		"an endpoint without a scheme":      {NewFactory(FactoryOptions{Endpoint: "ftp://host"}), creds, scope, CodeClientInvalidInput},
		"no project":                        {NewFactory(FactoryOptions{}), creds, Scope{Region: "cn-north-4"}, CodeClientInvalidInput},
		"an empty secret key":               {NewFactory(FactoryOptions{}), &Credentials{AccessKey: "AK"}, scope, CodeClientCredential},
	} {
		if _, err := tc.f.For(ctx, tc.creds, tc.scope); Code(err) != tc.code {
			t.Errorf("%s: got %v, want code %s", name, err, tc.code)
		}
	}
	f := NewFactory(FactoryOptions{})
	a, _ := f.For(ctx, creds, scope)
	b, _ := f.For(ctx, &Credentials{AccessKey: "AK", SecretKey: "SK"}, scope)
	c, _ := f.For(ctx, &Credentials{AccessKey: "AK", SecretKey: "SK2"}, scope)
	if a != b || a == c {
		t.Fatal("clients are cached per credentials and replaced when the key changes")
	}
	if len(f.clients) != 1 {
		t.Fatalf("the replaced client must be dropped; %d cached", len(f.clients))
	}
}

func TestEndpointsComeFromTheSDKsRegionTable(t *testing.T) {
	f := NewFactory(FactoryOptions{})
	for region, want := range map[string]string{
		"cn-north-4":     "https://apig.cn-north-4.myhuaweicloud.com",
		"ap-southeast-1": "https://apig.ap-southeast-1.myhuaweicloud.com",
		"xx-newregion-9": "https://apig.xx-newregion-9.myhuaweicloud.com",
	} {
		if got, err := f.endpoint(region); err != nil || got != want {
			t.Errorf("endpoint(%s) = %q, %v", region, got, err)
		}
	}
	got, err := NewFactory(FactoryOptions{Endpoint: "http://127.0.0.1:9100/"}).endpoint("cn-north-4")
	if err != nil || got != "http://127.0.0.1:9100" {
		t.Errorf("an override applies to every region, got %q, %v", got, err)
	}
}
