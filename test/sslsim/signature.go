package sslsim

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"sort"
	"strconv"
	"strings"
	"time"
)

const (
	signatureAlgorithm = "TC3-HMAC-SHA256"
	serviceName        = "ssl"
	apiVersion         = "2019-12-05"
	scopeTerminator    = "tc3_request"
	maxClockSkew       = 5 * time.Minute
)

// authorization is a parsed TC3-HMAC-SHA256 Authorization header.
type authorization struct {
	SecretID      string
	Date          string
	Service       string
	Terminator    string
	SignedHeaders []string
	Signature     string
}

// parseAuthorization parses
// "TC3-HMAC-SHA256 Credential=ID/DATE/SERVICE/tc3_request, SignedHeaders=a;b, Signature=HEX".
func parseAuthorization(header string) (authorization, *apiError) {
	var a authorization
	bad := func(reason string) (authorization, *apiError) {
		return authorization{}, errorf(CodeInvalidAuthorization, "The Authorization header is malformed: %s.", reason)
	}
	algo, rest, ok := strings.Cut(header, " ")
	if !ok || algo != signatureAlgorithm {
		return bad("the algorithm must be " + signatureAlgorithm)
	}
	parts := strings.Split(rest, ", ")
	if len(parts) != 3 {
		return bad("expected Credential, SignedHeaders and Signature separated by \", \"")
	}
	values := map[string]string{}
	for _, p := range parts {
		k, v, ok := strings.Cut(p, "=")
		if !ok {
			return bad("component without '='")
		}
		values[k] = v
	}
	cred, okCred := values["Credential"]
	signed, okSigned := values["SignedHeaders"]
	sig, okSig := values["Signature"]
	if !okCred || !okSigned || !okSig {
		return bad("expected Credential, SignedHeaders and Signature")
	}
	scope := strings.Split(cred, "/")
	if len(scope) != 4 || scope[0] == "" {
		return bad("the credential must be SecretId/Date/Service/tc3_request")
	}
	a.SecretID, a.Date, a.Service, a.Terminator = scope[0], scope[1], scope[2], scope[3]
	if signed == "" {
		return bad("SignedHeaders is empty")
	}
	a.SignedHeaders = strings.Split(signed, ";")
	if !sort.StringsAreSorted(a.SignedHeaders) {
		return bad("SignedHeaders must be sorted")
	}
	hasContentType, hasHost := false, false
	for _, h := range a.SignedHeaders {
		if h == "" || h != strings.ToLower(h) {
			return bad("SignedHeaders must be lowercase header names")
		}
		hasContentType = hasContentType || h == "content-type"
		hasHost = hasHost || h == "host"
	}
	if !hasContentType || !hasHost {
		return bad("SignedHeaders must include content-type and host")
	}
	if len(sig) != sha256.Size*2 {
		return bad("the signature must be 64 hex characters")
	}
	a.Signature = sig
	return a, nil
}

// canonicalHeaders renders the signed headers as "name:value\n" lines with
// values lowercased and trimmed, as the signing rules require.
func canonicalHeaders(r *http.Request, signed []string) string {
	var b strings.Builder
	for _, name := range signed {
		value := r.Header.Get(name)
		if name == "host" {
			value = r.Host
		}
		b.WriteString(name)
		b.WriteByte(':')
		b.WriteString(strings.ToLower(strings.TrimSpace(value)))
		b.WriteByte('\n')
	}
	return b.String()
}

// canonicalRequest builds step 1 of the signature.
func canonicalRequest(method, uri, query, headers, signedHeaders string, payload []byte) string {
	return method + "\n" + uri + "\n" + query + "\n" + headers + "\n" + signedHeaders + "\n" + sha256Hex(payload)
}

// stringToSign builds step 2 of the signature.
func stringToSign(timestamp, scope, canonical string) string {
	return signatureAlgorithm + "\n" + timestamp + "\n" + scope + "\n" + sha256Hex([]byte(canonical))
}

// signingKey derives SecretSigning from the SecretKey (step 3).
func signingKey(secretKey, date, service string) []byte {
	secretDate := hmacSHA256([]byte("TC3"+secretKey), date)
	return signingKeyFromDate(secretDate, service)
}

func signingKeyFromDate(secretDate []byte, service string) []byte {
	secretService := hmacSHA256(secretDate, service)
	return hmacSHA256(secretService, scopeTerminator)
}

func signatureHex(key []byte, toSign string) string {
	return hex.EncodeToString(hmacSHA256(key, toSign))
}

func hmacSHA256(key []byte, msg string) []byte {
	m := hmac.New(sha256.New, key)
	m.Write([]byte(msg))
	return m.Sum(nil)
}

func sha256Hex(b []byte) string {
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}

// checkTimestamp rejects a request timestamp more than 5 minutes from now.
func checkTimestamp(header string, now time.Time) (time.Time, *apiError) {
	if header == "" {
		return time.Time{}, errorf(CodeMissingParameter, "The request is missing a required parameter `Timestamp`.")
	}
	ts, err := strconv.ParseInt(header, 10, 64)
	if err != nil {
		return time.Time{}, errorf(CodeInvalidParameter, "The parameter `Timestamp` must be an integer.")
	}
	signedAt := time.Unix(ts, 0)
	if skew := now.Sub(signedAt); skew > maxClockSkew || skew < -maxClockSkew {
		return time.Time{}, errorf(CodeSignatureExpire, "The signature expired: the request timestamp %d differs from the server time by more than 5 minutes.", ts)
	}
	return signedAt, nil
}

// verifySignature recomputes the signature of r with the derived signing
// key and compares it in constant time.
func verifySignature(r *http.Request, body []byte, auth authorization, key []byte) bool {
	scope := auth.Date + "/" + auth.Service + "/" + auth.Terminator
	canonical := canonicalRequest(r.Method, "/", r.URL.RawQuery,
		canonicalHeaders(r, auth.SignedHeaders), strings.Join(auth.SignedHeaders, ";"), body)
	want := signatureHex(key, stringToSign(r.Header.Get("X-TC-Timestamp"), scope, canonical))
	return hmac.Equal([]byte(want), []byte(auth.Signature))
}

// authenticate verifies the TC3-HMAC-SHA256 signature of an API request and
// returns the caller's SecretId.
func (s *Simulator) authenticate(r *http.Request, body []byte, now time.Time) (string, *apiError) {
	header := r.Header.Get("Authorization")
	if header == "" {
		return "", errorf(CodeInvalidAuthorization, "The Authorization header is missing.")
	}
	auth, aerr := parseAuthorization(header)
	if aerr != nil {
		return "", aerr
	}
	signedAt, aerr := checkTimestamp(r.Header.Get("X-TC-Timestamp"), now)
	if aerr != nil {
		return "", aerr
	}
	secretKey, known := s.opts.Credentials[auth.SecretID]
	if !known {
		if !strings.HasPrefix(auth.SecretID, "AKID") {
			return "", errorf(CodeInvalidSecretID, "The SecretId is not a cloud API key.")
		}
		return "", errorf(CodeSecretIDNotFound, "The SecretId was not found; check that it is correct and enabled.")
	}
	if token, ok := s.opts.Tokens[auth.SecretID]; ok || r.Header.Get("X-TC-Token") != "" {
		if !ok || !hmac.Equal([]byte(token), []byte(r.Header.Get("X-TC-Token"))) {
			return "", errorf(CodeTokenFailure, "The temporary credential token is invalid.")
		}
	}
	if auth.Service != serviceName || auth.Terminator != scopeTerminator {
		return "", errorf(CodeSignatureFailure, "The credential scope must name the service %q and end with %q.", serviceName, scopeTerminator)
	}
	if auth.Date != signedAt.UTC().Format("2006-01-02") {
		return "", errorf(CodeSignatureFailure, "The credential date must be the UTC date of the timestamp.")
	}
	if !verifySignature(r, body, auth, signingKey(secretKey, auth.Date, auth.Service)) {
		return "", errorf(CodeSignatureFailure, "The provided credentials could not be validated. Please check your signature is correct.")
	}
	return auth.SecretID, nil
}
