package sslsim

import (
	"bytes"
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/rsa"
	"crypto/sha1"
	"crypto/x509"
	"encoding/hex"
	"encoding/pem"
	"fmt"
	"strings"
	"time"
)

// certInfo is what the simulator derives from an uploaded certificate chain.
type certInfo struct {
	Domain       string      `json:"domain"`
	DNSNames     []string    `json:"dnsNames"`
	NotBefore    time.Time   `json:"notBefore"`
	NotAfter     time.Time   `json:"notAfter"`
	Fingerprint  string      `json:"fingerprint"`
	KeyAlgorithm string      `json:"keyAlgorithm"`
	IsCA         bool        `json:"isCA"`
	Chain        []chainCert `json:"chain"`
}

// chainCert describes one certificate of an uploaded chain (CertBasicInfo).
type chainCert struct {
	Issuer      string    `json:"issuer"`
	Subject     string    `json:"subject"`
	CommonName  string    `json:"commonName"`
	Fingerprint string    `json:"fingerprint"`
	NotBefore   time.Time `json:"notBefore"`
	NotAfter    time.Time `json:"notAfter"`
	KeyAlgo     string    `json:"keyAlgorithm"`
}

// pemBlocks splits text into PEM blocks. Anything other than whitespace
// around the blocks is a parse error: Tencent rejects stray characters too
// ("watch for extra spaces").
func pemBlocks(text string) ([]*pem.Block, bool) {
	var blocks []*pem.Block
	rest := []byte(text)
	for {
		rest = bytes.TrimLeft(rest, " \t\r\n")
		if len(rest) == 0 {
			return blocks, len(blocks) > 0
		}
		if !bytes.HasPrefix(rest, []byte("-----BEGIN ")) {
			return nil, false
		}
		var block *pem.Block
		block, rest = pem.Decode(rest)
		if block == nil {
			return nil, false
		}
		blocks = append(blocks, block)
	}
}

// parseCertificateChain parses a PEM leaf certificate followed by its chain.
func parseCertificateChain(text string) ([]*x509.Certificate, *apiError) {
	blocks, ok := pemBlocks(text)
	if !ok {
		return nil, errorf(CodeCertificateParseError, "The certificate could not be parsed; check the PEM format and remove extra characters.")
	}
	certs := make([]*x509.Certificate, 0, len(blocks))
	for i, b := range blocks {
		if b.Type != "CERTIFICATE" {
			return nil, errorf(CodeCertificateParseError, "PEM block %d is not a certificate; only certificates are allowed.", i+1)
		}
		c, err := x509.ParseCertificate(b.Bytes)
		if err != nil {
			return nil, errorf(CodeCertificateParseError, "Certificate %d could not be parsed.", i+1)
		}
		certs = append(certs, c)
	}
	for i := 1; i < len(certs); i++ {
		if err := certs[i-1].CheckSignatureFrom(certs[i]); err != nil {
			return nil, errorf(CodeCertificateChainError, "Certificate %d is not issued by certificate %d; the chain must be ordered from the leaf up.", i, i+1)
		}
	}
	return certs, nil
}

// parsePrivateKey parses a PKCS#1, PKCS#8 or SEC 1 private key. An optional
// "EC PARAMETERS" block (as written by openssl ecparam) is ignored.
func parsePrivateKey(text string) (crypto.Signer, *apiError) {
	blocks, ok := pemBlocks(text)
	if !ok {
		return nil, errorf(CodeCertificateParseError, "The private key could not be parsed; check the PEM format and remove extra characters.")
	}
	var keys []*pem.Block
	for _, b := range blocks {
		if b.Type != "EC PARAMETERS" {
			keys = append(keys, b)
		}
	}
	if len(keys) != 1 {
		return nil, errorf(CodeCertificateParseError, "Exactly one private key PEM block is expected.")
	}
	b := keys[0]
	if _, encrypted := b.Headers["Proc-Type"]; encrypted {
		return nil, errorf(CodeCertificateParseError, "Encrypted private keys are not supported.")
	}
	var (
		key any
		err error
	)
	switch b.Type {
	case "RSA PRIVATE KEY":
		key, err = x509.ParsePKCS1PrivateKey(b.Bytes)
	case "EC PRIVATE KEY":
		key, err = x509.ParseECPrivateKey(b.Bytes)
	case "PRIVATE KEY":
		key, err = x509.ParsePKCS8PrivateKey(b.Bytes)
	default:
		return nil, errorf(CodeCertificateParseError, "A %q block is not a private key.", b.Type)
	}
	if err != nil {
		return nil, errorf(CodeCertificateParseError, "The private key could not be parsed.")
	}
	signer, ok := key.(crypto.Signer)
	if !ok {
		return nil, errorf(CodeCertificateParseError, "The private key type is not supported.")
	}
	return signer, nil
}

// keyMatches reports whether key is the private half of cert's public key.
func keyMatches(cert *x509.Certificate, key crypto.Signer) bool {
	type equaler interface{ Equal(crypto.PublicKey) bool }
	pub, ok := key.Public().(equaler)
	return ok && pub.Equal(cert.PublicKey)
}

// inspectChain derives the certificate details the API reports.
func inspectChain(certs []*x509.Certificate) certInfo {
	leaf := certs[0]
	info := certInfo{
		Domain:       leaf.Subject.CommonName,
		DNSNames:     certificateNames(leaf),
		NotBefore:    leaf.NotBefore.UTC(),
		NotAfter:     leaf.NotAfter.UTC(),
		Fingerprint:  fingerprint(leaf),
		KeyAlgorithm: keyAlgorithm(leaf),
		IsCA:         leaf.IsCA,
	}
	if info.Domain == "" && len(info.DNSNames) > 0 {
		info.Domain = info.DNSNames[0]
	}
	for _, c := range certs {
		info.Chain = append(info.Chain, chainCert{
			Issuer:      c.Issuer.String(),
			Subject:     c.Subject.String(),
			CommonName:  c.Subject.CommonName,
			Fingerprint: strings.ToLower(fingerprint(c)),
			NotBefore:   c.NotBefore.UTC(),
			NotAfter:    c.NotAfter.UTC(),
			KeyAlgo:     keyAlgorithm(c),
		})
	}
	return info
}

// certificateNames returns the names a certificate is valid for: its DNS
// SANs, or its common name when it has none.
func certificateNames(c *x509.Certificate) []string {
	var names []string
	for _, n := range c.DNSNames {
		names = append(names, strings.ToLower(n))
	}
	if len(names) == 0 && c.Subject.CommonName != "" {
		names = append(names, strings.ToLower(c.Subject.CommonName))
	}
	return names
}

// fingerprint is the SHA-1 fingerprint in CertFingerprint style: uppercase
// hex without separators.
func fingerprint(c *x509.Certificate) string {
	sum := sha1.Sum(c.Raw)
	return strings.ToUpper(hex.EncodeToString(sum[:]))
}

func keyAlgorithm(c *x509.Certificate) string {
	switch pub := c.PublicKey.(type) {
	case *rsa.PublicKey:
		return fmt.Sprintf("RSA %d", pub.N.BitLen())
	case *ecdsa.PublicKey:
		return fmt.Sprintf("ECC %d", pub.Curve.Params().BitSize)
	case ed25519.PublicKey:
		return "ED25519"
	default:
		return "UNKNOWN"
	}
}

// nameMatches reports whether a certificate name (possibly "*.example.com")
// covers host. A wildcard covers exactly one leftmost label, so
// "*.example.com" covers "a.example.com" but neither "example.com" nor
// "a.b.example.com". A wildcard host is covered only by the same wildcard.
func nameMatches(name, host string) bool {
	name = strings.ToLower(strings.TrimSuffix(name, "."))
	host = strings.ToLower(strings.TrimSuffix(host, "."))
	if name == "" || host == "" {
		return false
	}
	if name == host {
		return true
	}
	suffix, ok := strings.CutPrefix(name, "*.")
	if !ok || strings.HasPrefix(host, "*.") {
		return false
	}
	label, rest, ok := strings.Cut(host, ".")
	return ok && label != "" && rest == suffix
}

// coversDomain reports whether any of names covers domain.
func coversDomain(names []string, domain string) bool {
	for _, n := range names {
		if nameMatches(n, domain) {
			return true
		}
	}
	return false
}

// uncovered returns the domains none of names covers.
func uncovered(names, domains []string) []string {
	out := []string{}
	for _, d := range domains {
		if !coversDomain(names, d) {
			out = append(out, d)
		}
	}
	return out
}
