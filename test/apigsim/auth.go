package apigsim

import (
	"crypto/hmac"
	"net/http"
	"strings"
	"time"

	"github.com/huaweicloud/huaweicloud-sdk-go-v3/core/auth/signer"
	"github.com/huaweicloud/huaweicloud-sdk-go-v3/core/request"
)

// maxSkew is how far X-Sdk-Date may be from the simulator's clock.
const maxSkew = 15 * time.Minute

// authenticate verifies the SDK-HMAC-SHA256 signature by rebuilding the signed request from
// the headers it names and signing it again with the SDK's own signer. Every failure answers
// 401 APIG.1002, as APIG does for a bad token; the reason is logged, never the key.
func (s *Simulator) authenticate(r *http.Request, body []byte) *apiError {
	fail := func(why string) *apiError {
		s.log.Info("Rejected APIG call", "reason", why)
		return &apiError{http.StatusUnauthorized, codeInvalidToken, "Incorrect token or token resolution failed"}
	}
	alg, params, ok := strings.Cut(r.Header.Get("Authorization"), " ")
	if !ok || alg != "SDK-HMAC-SHA256" {
		return fail("no SDK-HMAC-SHA256 Authorization header")
	}
	fields := map[string]string{}
	for _, p := range strings.Split(params, ",") {
		if k, v, ok := strings.Cut(strings.TrimSpace(p), "="); ok {
			fields[k] = v
		}
	}
	ak, signed, sig := fields["Access"], fields["SignedHeaders"], fields["Signature"]
	sk, known := s.opts.Credentials[ak]
	if !known || signed == "" || sig == "" {
		return fail("unknown access key or incomplete Authorization header")
	}
	date, err := time.Parse(signer.BasicDateFormat, r.Header.Get(signer.HeaderXDate))
	if err != nil {
		return fail("missing or malformed X-Sdk-Date")
	}
	if d := s.now().Sub(date); d > maxSkew || d < -maxSkew {
		return fail("X-Sdk-Date too far from the server's clock")
	}
	if want, temporary := s.opts.SecurityTokens[ak]; temporary && !hmac.Equal([]byte(want), []byte(r.Header.Get("X-Security-Token"))) {
		return fail("wrong or missing X-Security-Token")
	}
	headers := strings.Split(signed, ";")
	if !contains(headers, strings.ToLower(signer.HeaderXDate)) {
		return fail("X-Sdk-Date is not signed")
	}
	b := request.NewHttpRequestBuilder().WithEndpoint("http://"+r.Host).WithMethod(r.Method).WithPath(r.URL.Path).
		WithBody("", string(body))
	for name, values := range r.URL.Query() {
		for _, v := range values {
			b.AddQueryParam(name, v)
		}
	}
	if ct := r.Header.Get("Content-Type"); ct != "" {
		b.AddHeaderParam("Content-Type", ct)
	}
	for _, h := range headers {
		if h == "host" {
			continue
		}
		b.AddHeaderParam(http.CanonicalHeaderKey(h), r.Header.Get(h))
	}
	out, err := signer.Signer{}.Sign(b.Build(), ak, sk)
	if err != nil {
		return fail("request cannot be signed")
	}
	_, recomputed, _ := strings.Cut(out[signer.HeaderAuthorization], "Signature=")
	if !hmac.Equal([]byte(recomputed), []byte(sig)) {
		return fail("signature mismatch")
	}
	return nil
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}
