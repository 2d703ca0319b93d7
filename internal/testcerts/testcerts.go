// Package testcerts creates certificate authorities and certificates for tests
// and demos. It does not depend on package testing: every function returns an
// error, and Must turns one into a panic where that is more convenient.
//
// Keys are fresh on every call. Everything else is predictable: names and
// serial numbers come from a counter, and validity defaults to a fixed window
// (2000-01-01 to 2100-01-01 UTC) that holds for any clock a test injects.
package testcerts

import (
	"bytes"
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"fmt"
	"math/big"
	"sync/atomic"
	"time"
)

var (
	defaultNotBefore = time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC)
	defaultNotAfter  = time.Date(2100, 1, 1, 0, 0, 0, 0, time.UTC)

	// serial supplies serial numbers and CA names, so that two CAs in one
	// process never share a subject.
	serial atomic.Int64
)

// CA is a certificate authority that issues certificates.
type CA struct {
	// Cert is the CA certificate.
	Cert *x509.Certificate
	// Key is the CA's private key (ECDSA P-256).
	Key crypto.Signer
	// CertPEM is the CA certificate in PEM.
	CertPEM []byte
	// KeyPEM is the CA's private key in PEM (SEC 1).
	KeyPEM []byte

	// chainPEM holds this CA and its issuers below the root, nearest first;
	// it is empty for a root.
	chainPEM []byte
	rootPEM  []byte
}

// Leaf describes a certificate to issue. The zero value is a valid RSA
// server certificate without names.
type Leaf struct {
	// CommonName defaults to the first DNS name.
	CommonName string
	// DNSNames are the subject alternative names.
	DNSNames []string
	// NotBefore defaults to 2000-01-01 UTC.
	NotBefore time.Time
	// NotAfter defaults to 2100-01-01 UTC.
	NotAfter time.Time
	// ECDSA selects a P-256 key instead of RSA 2048. It is ignored when Key is set.
	ECDSA bool
	// Key, when set, is certified instead of a fresh key: to renew with the
	// same key, to share a slow RSA key between tests, or to use Ed25519.
	Key crypto.Signer
	// PKCS8 encodes the private key as PKCS #8 ("PRIVATE KEY") instead of
	// PKCS #1 for RSA or SEC 1 for ECDSA. Ed25519 keys are always PKCS #8.
	PKCS8 bool
	// IsCA makes the certificate a CA certificate.
	IsCA bool
}

// Cert is an issued certificate with its private key and chain.
type Cert struct {
	// Cert is the issued certificate.
	Cert *x509.Certificate
	// Key is the certificate's private key.
	Key crypto.Signer
	// CertPEM is the certificate alone.
	CertPEM []byte
	// KeyPEM is the private key.
	KeyPEM []byte
	// ChainPEM holds the intermediates between the certificate and the root,
	// nearest first. It is empty when a root issued the certificate.
	ChainPEM []byte
	// FullChainPEM is CertPEM followed by ChainPEM, as cert-manager writes tls.crt.
	FullChainPEM []byte
	// CAPEM is the root certificate, as cert-manager writes ca.crt.
	CAPEM []byte
}

// SecretData returns the data of a kubernetes.io/tls Secret for the certificate.
func (c *Cert) SecretData() map[string][]byte {
	return map[string][]byte{
		"tls.crt": bytes.Clone(c.FullChainPEM),
		"tls.key": bytes.Clone(c.KeyPEM),
		"ca.crt":  bytes.Clone(c.CAPEM),
	}
}

// NewCA creates a self-signed root CA named "Test Root CA <n>".
func NewCA() (*CA, error) {
	n := serial.Add(1)
	ca, err := newCA(fmt.Sprintf("Test Root CA %d", n), n, nil)
	if err != nil {
		return nil, err
	}
	ca.rootPEM = ca.CertPEM
	return ca, nil
}

// NewIntermediate creates an intermediate CA named "Test Intermediate CA <n>",
// issued by ca.
func (ca *CA) NewIntermediate() (*CA, error) {
	n := serial.Add(1)
	sub, err := newCA(fmt.Sprintf("Test Intermediate CA %d", n), n, ca)
	if err != nil {
		return nil, err
	}
	sub.chainPEM = concat(sub.CertPEM, ca.chainPEM)
	sub.rootPEM = ca.rootPEM
	return sub, nil
}

func newCA(name string, n int64, parent *CA) (*CA, error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, fmt.Errorf("testcerts: generating CA key: %w", err)
	}
	tmpl := &x509.Certificate{
		SerialNumber:          big.NewInt(n),
		Subject:               pkix.Name{CommonName: name, Organization: []string{"testcerts"}},
		NotBefore:             defaultNotBefore,
		NotAfter:              defaultNotAfter,
		KeyUsage:              x509.KeyUsageCertSign | x509.KeyUsageCRLSign | x509.KeyUsageDigitalSignature,
		BasicConstraintsValid: true,
		IsCA:                  true,
	}
	issuerCert, issuerKey := tmpl, crypto.Signer(key)
	if parent != nil {
		issuerCert, issuerKey = parent.Cert, parent.Key
	}
	cert, certPEM, err := create(tmpl, issuerCert, key.Public(), issuerKey)
	if err != nil {
		return nil, err
	}
	keyPEM, err := encodeKey(key, false)
	if err != nil {
		return nil, err
	}
	return &CA{Cert: cert, Key: key, CertPEM: certPEM, KeyPEM: keyPEM}, nil
}

// Issue issues a certificate described by l.
func (ca *CA) Issue(l Leaf) (*Cert, error) {
	key := l.Key
	if key == nil {
		var err error
		if key, err = generateKey(l.ECDSA); err != nil {
			return nil, err
		}
	}
	cn := l.CommonName
	if cn == "" && len(l.DNSNames) > 0 {
		cn = l.DNSNames[0]
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(serial.Add(1)),
		Subject:      pkix.Name{CommonName: cn},
		DNSNames:     l.DNSNames,
		NotBefore:    orDefault(l.NotBefore, defaultNotBefore),
		NotAfter:     orDefault(l.NotAfter, defaultNotAfter),
		KeyUsage:     x509.KeyUsageDigitalSignature,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth, x509.ExtKeyUsageClientAuth},
	}
	if _, ok := key.(*rsa.PrivateKey); ok {
		tmpl.KeyUsage |= x509.KeyUsageKeyEncipherment
	}
	if l.IsCA {
		tmpl.KeyUsage = x509.KeyUsageCertSign | x509.KeyUsageCRLSign | x509.KeyUsageDigitalSignature
		tmpl.ExtKeyUsage = nil
		tmpl.BasicConstraintsValid = true
		tmpl.IsCA = true
	}
	cert, certPEM, err := create(tmpl, ca.Cert, key.Public(), ca.Key)
	if err != nil {
		return nil, err
	}
	keyPEM, err := encodeKey(key, l.PKCS8)
	if err != nil {
		return nil, err
	}
	return &Cert{
		Cert:         cert,
		Key:          key,
		CertPEM:      certPEM,
		KeyPEM:       keyPEM,
		ChainPEM:     bytes.Clone(ca.chainPEM),
		FullChainPEM: concat(certPEM, ca.chainPEM),
		CAPEM:        bytes.Clone(ca.rootPEM),
	}, nil
}

// Must returns v, or panics if err is not nil.
func Must[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}

func generateKey(useECDSA bool) (crypto.Signer, error) {
	var key crypto.Signer
	var err error
	if useECDSA {
		key, err = ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	} else {
		key, err = rsa.GenerateKey(rand.Reader, 2048)
	}
	if err != nil {
		return nil, fmt.Errorf("testcerts: generating key: %w", err)
	}
	return key, nil
}

func create(tmpl, parent *x509.Certificate, pub crypto.PublicKey, signer crypto.Signer) (*x509.Certificate, []byte, error) {
	der, err := x509.CreateCertificate(rand.Reader, tmpl, parent, pub, signer)
	if err != nil {
		return nil, nil, fmt.Errorf("testcerts: creating certificate %q: %w", tmpl.Subject.CommonName, err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		return nil, nil, fmt.Errorf("testcerts: parsing certificate %q: %w", tmpl.Subject.CommonName, err)
	}
	return cert, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), nil
}

func encodeKey(key crypto.Signer, pkcs8 bool) ([]byte, error) {
	if !pkcs8 {
		switch k := key.(type) {
		case *rsa.PrivateKey:
			return pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Bytes: x509.MarshalPKCS1PrivateKey(k)}), nil
		case *ecdsa.PrivateKey:
			der, err := x509.MarshalECPrivateKey(k)
			if err != nil {
				return nil, fmt.Errorf("testcerts: encoding ECDSA key: %w", err)
			}
			return pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: der}), nil
		}
	}
	der, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		return nil, fmt.Errorf("testcerts: encoding %T as PKCS #8: %w", key, err)
	}
	return pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der}), nil
}

func orDefault(t, def time.Time) time.Time {
	if t.IsZero() {
		return def
	}
	return t
}

func concat(parts ...[]byte) []byte {
	return bytes.Join(parts, nil)
}
