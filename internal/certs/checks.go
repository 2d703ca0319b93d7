package certs

import (
	"bytes"
	"crypto"
	"crypto/ecdsa"
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"fmt"
	"strings"
	"time"
)

// A check inspects one aspect of the Secret. It records what later checks
// need in s and reports a reason and a message when it fails, in the style of
// cert-manager's policy chains.
type check func(s *state) (reason, message string, failed bool)

// checks run in this order; the first failure ends Parse.
var checks = []check{
	certTypeKnown,
	secretTypeAccepted,
	secretHasData,
	certificatesParse,
	privateKeyParses,
	chainOrdered,
	algorithmSupported,
	keyMatchesLeaf,
	certTypeMatchesLeaf,
	leafValidNow,
}

// state is what the checks of one Parse call have learned so far.
type state struct {
	in Input
	// certs is tls.crt in file order.
	certs []*x509.Certificate
	// key and keyPEM are the parsed tls.key, for TypeSVR only.
	key    crypto.Signer
	keyPEM []byte
	// ordered is certs with the leaf first, each followed by its issuer.
	ordered   []*x509.Certificate
	reordered bool
}

func (s *state) svr() bool { return s.in.CertType != TypeCA }

func (s *state) leaf() *x509.Certificate { return s.ordered[0] }

func (s *state) bundle() *Bundle {
	var out strings.Builder
	for _, c := range s.ordered {
		out.Write(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: c.Raw}))
	}
	b := &Bundle{
		Leaf:           s.leaf(),
		CertificatePEM: out.String(),
		PrivateKeyPEM:  Redacted(s.keyPEM),
		Fingerprint:    Fingerprint(s.leaf().Raw),
		Reordered:      s.reordered,
	}
	if len(s.ordered) > 1 {
		b.Chain = append([]*x509.Certificate(nil), s.ordered[1:]...)
	}
	return b
}

func passed() (string, string, bool) { return "", "", false }

func fail(e *Error) (string, string, bool) { return e.Reason, e.Message, true }

func certTypeKnown(s *state) (string, string, bool) {
	switch s.in.CertType {
	case "", TypeSVR, TypeCA:
		return passed()
	}
	return CertificateTypeMismatch, fmt.Sprintf("Certificate type %q is not supported: use %s or %s",
		truncate(s.in.CertType), TypeSVR, TypeCA), true
}

func secretTypeAccepted(s *state) (string, string, bool) {
	switch s.in.SecretType {
	case SecretTypeTLS, SecretTypeOpaque, "":
		return passed()
	}
	return SecretTypeInvalid, fmt.Sprintf("Secret type %q is not supported: use %s, or %s with the keys %s and %s",
		truncate(s.in.SecretType), SecretTypeTLS, SecretTypeOpaque, TLSCertKey, TLSPrivateKeyKey), true
}

func secretHasData(s *state) (string, string, bool) {
	required := []string{TLSCertKey}
	if s.svr() {
		required = append(required, TLSPrivateKeyKey)
	}
	for _, key := range required {
		purpose := "the PEM certificate followed by its intermediates"
		if key == TLSPrivateKeyKey {
			purpose = "the PEM private key, which SVR certificates need"
		}
		value, ok := s.in.Data[key]
		if !ok {
			return SecretKeyMissing, fmt.Sprintf("Secret has no key %q: it must hold %s", key, purpose), true
		}
		if len(bytes.TrimSpace(value)) == 0 {
			return SecretKeyMissing, fmt.Sprintf("Secret key %q is empty: it must hold %s", key, purpose), true
		}
	}
	return passed()
}

func certificatesParse(s *state) (string, string, bool) {
	certs, err := parseCertificates(s.in.Data[TLSCertKey])
	if err != nil {
		return fail(err)
	}
	s.certs = certs
	return passed()
}

// privateKeyParses reads tls.key for TypeSVR only: a CA's key is neither
// needed nor allowed to leave the cluster, so it is never read.
func privateKeyParses(s *state) (string, string, bool) {
	if !s.svr() {
		return passed()
	}
	key, keyPEM, err := parsePrivateKey(s.in.Data[TLSPrivateKeyKey])
	if err != nil {
		return fail(err)
	}
	s.key, s.keyPEM = key, keyPEM
	return passed()
}

func chainOrdered(s *state) (string, string, bool) {
	var pub crypto.PublicKey
	if s.key != nil {
		pub = s.key.Public()
	}
	ordered, err := orderChain(s.certs, pub)
	if err != nil {
		return fail(err)
	}
	s.ordered = ordered
	for i, c := range ordered {
		if c != s.certs[i] {
			s.reordered = true
		}
	}
	return passed()
}

// algorithmSupported admits the international-standard algorithms Tencent
// Cloud documents for uploads (RSA, ECC). Anything else would only fail at the
// API, with a vaguer error.
func algorithmSupported(s *state) (string, string, bool) {
	leaf := s.leaf()
	switch leaf.PublicKey.(type) {
	case *rsa.PublicKey, *ecdsa.PublicKey:
		return passed()
	}
	algorithm := leaf.PublicKeyAlgorithm.String()
	switch {
	case bytes.Contains(leaf.RawSubjectPublicKeyInfo, sm2Curve):
		algorithm = "SM2"
	case leaf.PublicKeyAlgorithm == x509.UnknownPublicKeyAlgorithm:
		algorithm = "an unknown algorithm"
	}
	return AlgorithmUnsupported, fmt.Sprintf("Certificate %s uses %s, which this operator cannot upload: use an RSA or ECDSA certificate",
		describe(leaf), algorithm), true
}

func keyMatchesLeaf(s *state) (string, string, bool) {
	if s.key == nil {
		return passed()
	}
	if publicKeyEqual(s.leaf().PublicKey, s.key.Public()) {
		return passed()
	}
	return KeyMismatch, fmt.Sprintf("The private key in %s does not belong to certificate %s: store the key the certificate was issued for",
		TLSPrivateKeyKey, describe(s.leaf())), true
}

func certTypeMatchesLeaf(s *state) (string, string, bool) {
	leaf := s.leaf()
	switch {
	case !s.svr() && !leaf.IsCA:
		return CertificateTypeMismatch, fmt.Sprintf("Certificate %s is not a CA certificate: type %s is for client-authentication CAs, use %s for server certificates",
			describe(leaf), TypeCA, TypeSVR), true
	case s.svr() && leaf.IsCA:
		return CertificateTypeMismatch, fmt.Sprintf("Certificate %s is a CA certificate: upload it with type %s, or store a server certificate in %s",
			describe(leaf), TypeCA, TLSCertKey), true
	}
	return passed()
}

func leafValidNow(s *state) (string, string, bool) {
	leaf := s.leaf()
	switch {
	case s.in.Now.After(leaf.NotAfter):
		return CertificateExpired, fmt.Sprintf("Certificate %s expired at %s: renew it and update the Secret",
			describe(leaf), leaf.NotAfter.UTC().Format(time.RFC3339)), true
	case s.in.Now.Before(leaf.NotBefore):
		return CertificateNotYetValid, fmt.Sprintf("Certificate %s is not valid before %s: wait until then or reissue it",
			describe(leaf), leaf.NotBefore.UTC().Format(time.RFC3339)), true
	}
	return passed()
}

// describe names a certificate in messages by its subject, which is public.
func describe(c *x509.Certificate) string {
	if subject := c.Subject.String(); subject != "" {
		return fmt.Sprintf("%q", truncate(subject))
	}
	return "with serial " + truncate(SerialNumber(c))
}

// truncate keeps messages short when a value is unexpectedly long.
func truncate(s string) string {
	const limit = 128
	if r := []rune(s); len(r) > limit {
		return string(r[:limit]) + "..."
	}
	return s
}
