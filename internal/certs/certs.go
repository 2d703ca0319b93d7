// Package certs validates the certificate and private key in a Kubernetes TLS
// Secret before anything is sent to Tencent Cloud. Everything here is pure:
// the same Input always gives the same result, and the clock is part of the
// Input.
package certs

import (
	"crypto/sha256"
	"crypto/x509"
	"encoding/hex"
	"encoding/pem"
	"fmt"
	"io"
	"time"
)

// Certificate types, as Tencent Cloud's CertificateType names them.
const (
	// TypeSVR is a server certificate, uploaded with its private key.
	TypeSVR = "SVR"
	// TypeCA is a CA certificate for client authentication, uploaded without a key.
	TypeCA = "CA"
)

// Secret types and data keys, named as in k8s.io/api/core/v1.
const (
	// SecretTypeTLS is the Secret type cert-manager writes.
	SecretTypeTLS = "kubernetes.io/tls"
	// SecretTypeOpaque is accepted when it carries the same keys as a TLS Secret.
	SecretTypeOpaque = "Opaque"
	// TLSCertKey holds the PEM certificate, followed by its intermediates.
	TLSCertKey = "tls.crt"
	// TLSPrivateKeyKey holds the PEM private key of the certificate.
	TLSPrivateKeyKey = "tls.key"
)

// Input is what Parse validates.
type Input struct {
	// SecretType is the Secret's type. Empty is read as Opaque, the type the
	// API server gives a Secret created without one.
	SecretType string
	// Data is the Secret's data. ca.crt is not read: the root is not part of
	// what Tencent Cloud needs.
	Data map[string][]byte
	// CertType is TypeSVR or TypeCA. Empty means TypeSVR, as in the Tencent API.
	CertType string
	// Now is the time validity is checked against.
	Now time.Time
}

// Bundle is a validated certificate, ready to upload.
type Bundle struct {
	// Leaf is the certificate itself.
	Leaf *x509.Certificate
	// Chain holds the other certificates of tls.crt (intermediates, and the
	// root if present), each followed by its issuer.
	Chain []*x509.Certificate
	// CertificatePEM is the leaf and the chain, in order, re-encoded as PEM.
	CertificatePEM string
	// PrivateKeyPEM is the leaf's private key for TypeSVR and empty for TypeCA,
	// whose key must never leave the cluster.
	PrivateKeyPEM Redacted
	// Fingerprint is the lowercase hex SHA-256 of the leaf's DER.
	Fingerprint string
	// Reordered is true when CertificatePEM orders the certificates
	// differently from tls.crt.
	Reordered bool
}

// DNSNames returns the leaf's DNS names, see DNSNames.
func (b *Bundle) DNSNames() []string { return DNSNames(b.Leaf) }

// SerialNumber returns the leaf's serial number, see SerialNumber.
func (b *Bundle) SerialNumber() string { return SerialNumber(b.Leaf) }

// NotBefore returns the start of the leaf's validity.
func (b *Bundle) NotBefore() time.Time { return b.Leaf.NotBefore }

// NotAfter returns the end of the leaf's validity.
func (b *Bundle) NotAfter() time.Time { return b.Leaf.NotAfter }

// Error is a validation failure. Reason is one of the reason constants;
// Message tells the user what to fix and never contains key material.
type Error struct {
	// Reason is the condition reason, such as KeyMismatch.
	Reason string
	// Message is the condition message.
	Message string
	// ValidFrom is when a CertificateNotYetValid certificate becomes valid, so that the
	// caller can wait for it instead of giving up.
	ValidFrom time.Time
}

// Error returns the message.
func (e *Error) Error() string { return e.Message }

// Parse validates in and returns the bundle to upload. Checks run in a fixed
// order and the first failure is returned as an *Error; Parse returns no
// other kind of error.
func Parse(in Input) (*Bundle, error) {
	s := &state{in: in}
	for _, c := range checks {
		if reason, message, failed := c(s); failed {
			e := &Error{Reason: reason, Message: message}
			if reason == CertificateNotYetValid {
				e.ValidFrom = s.leaf().NotBefore
			}
			return nil, e
		}
	}
	return s.bundle(), nil
}

// Fingerprint returns the lowercase hex SHA-256 of a certificate's DER.
func Fingerprint(der []byte) string {
	sum := sha256.Sum256(der)
	return hex.EncodeToString(sum[:])
}

// DNSNames returns the certificate's DNS subject alternative names, or its
// common name when it has none, as TLS clients did before SANs were required.
func DNSNames(cert *x509.Certificate) []string {
	if len(cert.DNSNames) > 0 {
		return append([]string(nil), cert.DNSNames...)
	}
	if cert.Subject.CommonName != "" {
		return []string{cert.Subject.CommonName}
	}
	return nil
}

// SerialNumber returns the certificate's serial number in lowercase hex.
func SerialNumber(cert *x509.Certificate) string {
	return cert.SerialNumber.Text(16)
}

// Redacted holds secret text. Every fmt verb, String and JSON print it as
// "[redacted]", so a Bundle logged by mistake leaks nothing. Read the value
// with string(r).
type Redacted string

const redactedText = "[redacted]"

// String returns "[redacted]".
func (Redacted) String() string { return redactedText }

// Format writes "[redacted]" whatever the verb.
func (Redacted) Format(f fmt.State, _ rune) { _, _ = io.WriteString(f, redactedText) }

// MarshalJSON encodes the value as "[redacted]".
func (Redacted) MarshalJSON() ([]byte, error) { return []byte(`"` + redactedText + `"`), nil }

// Leaf returns the first certificate of a PEM bundle, or nil when there is none. It is for
// reading certificates Tencent Cloud returns, not for validating input: Parse does that.
func Leaf(pemText string) *x509.Certificate {
	block, _ := pem.Decode([]byte(pemText))
	if block == nil || block.Type != "CERTIFICATE" {
		return nil
	}
	c, err := x509.ParseCertificate(block.Bytes)
	if err != nil {
		return nil
	}
	return c
}
