package sslsim

import (
	"bytes"
	"encoding/hex"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

// The worked example of the signature page (reference §1.6), value by value.
const (
	exampleBody          = `{"Limit": 1, "Filters": [{"Values": ["\u672a\u547d\u540d"], "Name": "instance-name"}]}`
	exampleTimestamp     = "1551113065"
	examplePayloadHash   = "35e9c5b0e3ae67532d3c9f17ead6c90222632e5b1ff7f6e89887f1398934f064"
	exampleCanonicalHash = "7019a55be8395899b900fb5564e4200d984910f34794a27cb3fb7d10ff6a1e84"
	exampleSecretDate    = "da98fb70dcf6b112dc21038d1eeeb3a95c74b4dcb12c1131f864f6066bd02be0"
	exampleSecretService = "8d70cbefb03939f929db64d32dc2ba89b1095620119fe3e050e2b18c5bd2752f"
	exampleSecretSigning = "b596b923aad85185e2d1f6659d2a062e0a86731226e021e61bfe06f7ed05f5af"
	exampleSignature     = "10b1a37a7301a02ca19a647ad722d5e43b4b3cff309d421d85b46093f6ab6c4f"
	exampleAuthorization = "TC3-HMAC-SHA256 Credential=AKID********************************/2019-02-25/cvm/tc3_request, " +
		"SignedHeaders=content-type;host;x-tc-action, Signature=" + exampleSignature
	exampleCanonicalRequest = "POST\n/\n\ncontent-type:application/json; charset=utf-8\nhost:cvm.tencentcloudapi.com\n" +
		"x-tc-action:describeinstances\n\ncontent-type;host;x-tc-action\n" + examplePayloadHash
	exampleStringToSign = "TC3-HMAC-SHA256\n1551113065\n2019-02-25/cvm/tc3_request\n" + exampleCanonicalHash
)

// exampleRequest is the documented curl request.
func exampleRequest(body string) *http.Request {
	r := httptest.NewRequest(http.MethodPost, "https://cvm.tencentcloudapi.com/", strings.NewReader(body))
	r.Host = "cvm.tencentcloudapi.com"
	r.Header.Set("Authorization", exampleAuthorization)
	r.Header.Set("Content-Type", "application/json; charset=utf-8")
	r.Header.Set("X-TC-Action", "DescribeInstances")
	r.Header.Set("X-TC-Timestamp", exampleTimestamp)
	r.Header.Set("X-TC-Version", "2017-03-12")
	r.Header.Set("X-TC-Region", "ap-guangzhou")
	return r
}

func TestSignatureReproducesTheWorkedExample(t *testing.T) {
	r := exampleRequest(exampleBody)
	auth, aerr := parseAuthorization(r.Header.Get("Authorization"))
	if aerr != nil {
		t.Fatal(aerr)
	}
	if got := sha256Hex([]byte(exampleBody)); got != examplePayloadHash {
		t.Errorf("HashedRequestPayload = %s, want %s", got, examplePayloadHash)
	}
	canonical := canonicalRequest(r.Method, "/", "", canonicalHeaders(r, auth.SignedHeaders),
		strings.Join(auth.SignedHeaders, ";"), []byte(exampleBody))
	if canonical != exampleCanonicalRequest {
		t.Errorf("CanonicalRequest =\n%q\nwant\n%q", canonical, exampleCanonicalRequest)
	}
	if got := sha256Hex([]byte(canonical)); got != exampleCanonicalHash {
		t.Errorf("HashedCanonicalRequest = %s, want %s", got, exampleCanonicalHash)
	}
	scope := auth.Date + "/" + auth.Service + "/" + auth.Terminator
	if scope != "2019-02-25/cvm/tc3_request" {
		t.Errorf("CredentialScope = %s", scope)
	}
	toSign := stringToSign(exampleTimestamp, scope, canonical)
	if toSign != exampleStringToSign {
		t.Errorf("StringToSign =\n%q\nwant\n%q", toSign, exampleStringToSign)
	}
	secretDate, _ := hex.DecodeString(exampleSecretDate)
	if got := hex.EncodeToString(hmacSHA256(secretDate, "cvm")); got != exampleSecretService {
		t.Errorf("SecretService = %s, want %s", got, exampleSecretService)
	}
	signing := signingKeyFromDate(secretDate, "cvm")
	if got := hex.EncodeToString(signing); got != exampleSecretSigning {
		t.Errorf("SecretSigning = %s, want %s", got, exampleSecretSigning)
	}
	if got := signatureHex(signing, toSign); got != exampleSignature {
		t.Errorf("Signature = %s, want %s", got, exampleSignature)
	}
}

func TestVerifierAcceptsTheWorkedExampleAtItsTimestamp(t *testing.T) {
	secretDate, _ := hex.DecodeString(exampleSecretDate)
	key := signingKeyFromDate(secretDate, "cvm")
	signedAt := time.Unix(1551113065, 0)
	tests := []struct {
		name     string
		body     string
		now      time.Time
		accepted bool
		code     string
	}{
		{name: "the exact request is accepted at its timestamp", body: exampleBody, now: signedAt, accepted: true},
		{name: "the exact request is accepted 5 minutes later", body: exampleBody, now: signedAt.Add(5 * time.Minute), accepted: true},
		{name: "the exact request has expired 5 minutes and 1 second later", body: exampleBody, now: signedAt.Add(5*time.Minute + time.Second), code: CodeSignatureExpire},
		{name: "a request from more than 5 minutes in the future has expired", body: exampleBody, now: signedAt.Add(-6 * time.Minute), code: CodeSignatureExpire},
		{name: "a body changed by one byte is rejected", body: strings.Replace(exampleBody, "1", "2", 1), now: signedAt, code: CodeSignatureFailure},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := exampleRequest(tt.body)
			auth, aerr := parseAuthorization(r.Header.Get("Authorization"))
			if aerr != nil {
				t.Fatal(aerr)
			}
			_, aerr = checkTimestamp(r.Header.Get("X-TC-Timestamp"), tt.now)
			ok := aerr == nil && verifySignature(r, []byte(tt.body), auth, key)
			if ok != tt.accepted {
				t.Fatalf("accepted = %v, want %v (%v)", ok, tt.accepted, aerr)
			}
			if aerr != nil && aerr.Code != tt.code {
				t.Fatalf("code = %s, want %s", aerr.Code, tt.code)
			}
			if !ok && aerr == nil && tt.code != CodeSignatureFailure {
				t.Fatalf("signature rejected, want %s", tt.code)
			}
		})
	}
}

func TestParseAuthorizationRejectsMalformedHeaders(t *testing.T) {
	valid := "TC3-HMAC-SHA256 Credential=AKIDx/2026-03-01/ssl/tc3_request, SignedHeaders=content-type;host, Signature=" + strings.Repeat("a", 64)
	tests := []struct {
		name   string
		header string
		ok     bool
	}{
		{name: "a well-formed header parses", header: valid, ok: true},
		{name: "another algorithm is rejected", header: strings.Replace(valid, "TC3-HMAC-SHA256", "HMAC-SHA1", 1)},
		{name: "commas without spaces are rejected", header: strings.ReplaceAll(valid, ", ", ",")},
		{name: "a credential without scope is rejected", header: strings.Replace(valid, "/2026-03-01/ssl/tc3_request", "", 1)},
		{name: "signed headers without host are rejected", header: strings.Replace(valid, "content-type;host", "content-type", 1)},
		{name: "unsorted signed headers are rejected", header: strings.Replace(valid, "content-type;host", "host;content-type", 1)},
		{name: "uppercase signed headers are rejected", header: strings.Replace(valid, "content-type;host", "Content-Type;host", 1)},
		{name: "a short signature is rejected", header: strings.Replace(valid, strings.Repeat("a", 64), "abc", 1)},
		{name: "an empty header is rejected", header: ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, aerr := parseAuthorization(tt.header)
			if (aerr == nil) != tt.ok {
				t.Fatalf("parse error = %v, want ok=%v", aerr, tt.ok)
			}
			if aerr != nil && aerr.Code != CodeInvalidAuthorization {
				t.Fatalf("code = %s, want %s", aerr.Code, CodeInvalidAuthorization)
			}
		})
	}
}

func TestAuthenticationAndEnvelopeErrors(t *testing.T) {
	e := newEnv(t, func(o *Options) {
		o.Tokens = map[string]string{"AKIDtemporary": "good-token"}
		o.Credentials["AKIDtemporary"] = "tmpkey"
	})
	listBody := []byte(`{"Limit":1}`)
	tests := []struct {
		name string
		rq   request
		code string
	}{
		{name: "a correctly signed request succeeds", rq: request{action: "DescribeCertificates", body: listBody}},
		{name: "a wrong SecretKey is a signature failure", rq: request{action: "DescribeCertificates", body: listBody, secretKey: "wrong"}, code: CodeSignatureFailure},
		{name: "a timestamp 6 minutes old has expired", rq: request{action: "DescribeCertificates", body: listBody, timestamp: e.clock.Now().Add(-6 * time.Minute).Unix()}, code: CodeSignatureExpire},
		{name: "a timestamp 6 minutes ahead has expired", rq: request{action: "DescribeCertificates", body: listBody, timestamp: e.clock.Now().Add(6 * time.Minute).Unix()}, code: CodeSignatureExpire},
		{name: "an unknown SecretId is not found", rq: request{action: "DescribeCertificates", body: listBody, secretID: "AKIDunknown"}, code: CodeSecretIDNotFound},
		{name: "a SecretId that is not a cloud API key is invalid", rq: request{action: "DescribeCertificates", body: listBody, secretID: "nope"}, code: CodeInvalidSecretID},
		{name: "a scope for another service is a signature failure", rq: request{action: "DescribeCertificates", body: listBody, service: "cvm"}, code: CodeSignatureFailure},
		{name: "a missing Authorization header is invalid", rq: request{action: "DescribeCertificates", body: listBody, headers: map[string]string{"Authorization": ""}}, code: CodeInvalidAuthorization},
		{name: "a malformed Authorization header is invalid", rq: request{action: "DescribeCertificates", body: listBody, headers: map[string]string{"Authorization": "Bearer abc"}}, code: CodeInvalidAuthorization},
		{name: "a missing timestamp is a missing parameter", rq: request{action: "DescribeCertificates", body: listBody, headers: map[string]string{"X-TC-Timestamp": ""}}, code: CodeMissingParameter},
		{name: "an unknown action is invalid", rq: request{action: "DescribeInstances", body: listBody}, code: CodeInvalidAction},
		{name: "a missing action is a missing parameter", rq: request{action: "", body: listBody}, code: CodeMissingParameter},
		{name: "another API version does not exist", rq: request{action: "DescribeCertificates", body: listBody, version: "2017-03-12"}, code: CodeNoSuchVersion},
		{name: "a missing version is a missing parameter", rq: request{action: "DescribeCertificates", body: listBody, headers: map[string]string{"X-TC-Version": ""}}, code: CodeMissingParameter},
		{name: "an unknown parameter is rejected", rq: request{action: "DescribeCertificates", body: []byte(`{"Limit":1,"Bogus":true}`)}, code: CodeUnknownParameter},
		{name: "a parameter in the wrong case is unknown", rq: request{action: "DescribeCertificates", body: []byte(`{"limit":1}`)}, code: CodeUnknownParameter},
		{name: "a missing required parameter is reported", rq: request{action: "DescribeCertificateDetail", body: []byte(`{}`)}, code: CodeMissingParameter},
		{name: "a form-encoded body is not supported", rq: request{action: "DescribeCertificates", body: listBody, headers: map[string]string{"Content-Type": "application/x-www-form-urlencoded"}}, code: CodeUnsupportedOperation},
		{name: "a temporary key with its token succeeds", rq: request{action: "DescribeCertificates", body: listBody, secretID: "AKIDtemporary", secretKey: "tmpkey", token: "good-token"}},
		{name: "a temporary key with a wrong token fails", rq: request{action: "DescribeCertificates", body: listBody, secretID: "AKIDtemporary", secretKey: "tmpkey", token: "bad"}, code: CodeTokenFailure},
		{name: "a permanent key with a token fails", rq: request{action: "DescribeCertificates", body: listBody, token: "unexpected"}, code: CodeTokenFailure},
		{name: "a body larger than 10 MB is refused", rq: request{action: "DescribeCertificates", body: bytes.Repeat([]byte(" "), maxBodyBytes+1)}, code: CodeRequestSizeLimitExceeded},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp := e.do(tt.rq)
			wantCode(t, resp, tt.code)
			if strings.Contains(string(resp.Raw), testSecretKey) {
				t.Fatal("the response contains the SecretKey")
			}
		})
	}
}

func TestNonPostRequestsAreUnsupported(t *testing.T) {
	e := newEnv(t, nil)
	req, err := http.NewRequest(http.MethodGet, e.url+"/?Action=DescribeCertificates", nil)
	if err != nil {
		t.Fatal(err)
	}
	wantCode(t, e.send(req), CodeUnsupportedProtocol)
}
