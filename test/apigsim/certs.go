package apigsim

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"strings"
)

// The simulator checks certificates on its own, without the operator's internal/certs, so
// that a mistake there cannot hide behind the same mistake here.

// parseCertificates reads every CERTIFICATE block of cert_content; anything else, such as a
// private key, is refused.
func parseCertificates(text string) ([]*x509.Certificate, error) {
	rest := []byte(text)
	var out []*x509.Certificate
	for {
		var block *pem.Block
		block, rest = pem.Decode(rest)
		if block == nil {
			break
		}
		if block.Type != "CERTIFICATE" {
			return nil, errors.New("cert_content holds a " + block.Type + " block, not a certificate")
		}
		c, err := x509.ParseCertificate(block.Bytes)
		if err != nil {
			return nil, errors.New("cert_content holds an unreadable certificate")
		}
		out = append(out, c)
	}
	if len(out) == 0 {
		return nil, errors.New("cert_content holds no PEM certificate")
	}
	return out, nil
}

// parsePrivateKey reads the one key block of private_key.
func parsePrivateKey(text string) (crypto.PublicKey, error) {
	block, _ := pem.Decode([]byte(text))
	if block == nil {
		return nil, errors.New("private_key holds no PEM block")
	}
	if !strings.HasSuffix(block.Type, "PRIVATE KEY") {
		return nil, errors.New("private_key holds a " + block.Type + " block, not a private key")
	}
	var key any
	var err error
	switch block.Type {
	case "RSA PRIVATE KEY":
		key, err = x509.ParsePKCS1PrivateKey(block.Bytes)
	case "EC PRIVATE KEY":
		key, err = x509.ParseECPrivateKey(block.Bytes)
	default:
		key, err = x509.ParsePKCS8PrivateKey(block.Bytes)
	}
	if err != nil {
		return nil, errors.New("private_key is unreadable")
	}
	switch k := key.(type) {
	case *rsa.PrivateKey:
		return &k.PublicKey, nil
	case *ecdsa.PrivateKey:
		return &k.PublicKey, nil
	case ed25519.PrivateKey:
		return k.Public(), nil
	}
	return nil, errors.New("private_key has an unsupported algorithm")
}

// covers reports whether the certificate's names cover host: an exact name, or a wildcard
// for exactly one leftmost label.
func covers(c *x509.Certificate, host string) bool {
	names := c.DNSNames
	if len(names) == 0 && c.Subject.CommonName != "" {
		names = []string{c.Subject.CommonName}
	}
	host = strings.ToLower(strings.TrimSuffix(host, "."))
	for _, n := range names {
		n = strings.ToLower(n)
		if n == host {
			return true
		}
		if suffix, ok := strings.CutPrefix(n, "*."); ok {
			if label, rest, found := strings.Cut(host, "."); found && label != "" && rest == suffix {
				return true
			}
		}
	}
	return false
}

type publicKey interface{ Equal(crypto.PublicKey) bool }

func keyMatches(c *x509.Certificate, pub crypto.PublicKey) bool {
	k, ok := c.PublicKey.(publicKey)
	return ok && k.Equal(pub)
}
