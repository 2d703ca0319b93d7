package certs

import (
	"bytes"
	"crypto"
	"crypto/x509"
	"encoding/pem"
	"fmt"
	"strings"
)

var pemBegin = []byte("-----BEGIN")

// sm2Curve is the DER content of the OID of SM2's curve (1.2.156.10197.1.301),
// which Go's parsers reject as an unknown curve.
var sm2Curve = []byte{0x2a, 0x81, 0x1c, 0xcf, 0x55, 0x01, 0x82, 0x2d}

// A double base64 encoding of PEM starts with the encoding of "-----BEGIN".
var doubleBase64Prefix = []byte("LS0tLS1CRUdJTi")

// decodeBlocks returns the PEM blocks in data. Text around blocks is ignored,
// as OpenSSL does, because tools write subject and issuer lines there. A
// BEGIN line that starts no valid block is an error, even where pem.Decode
// would skip it.
func decodeBlocks(data []byte, dataKey string) ([]*pem.Block, *Error) {
	var blocks []*pem.Block
	rest := data
	for {
		start := bytes.Index(rest, pemBegin)
		if start < 0 {
			return blocks, nil
		}
		block, next := pem.Decode(rest[start:])
		consumed := rest[start : len(rest)-len(next)]
		if block == nil || bytes.Contains(consumed[1:], pemBegin) {
			return nil, &Error{Reason: parseReason(dataKey), Message: fmt.Sprintf(
				"PEM block %d in %s is malformed or truncated: check that it was copied whole, with its BEGIN and END lines",
				len(blocks)+1, dataKey)}
		}
		blocks = append(blocks, block)
		rest = next
	}
}

func parseReason(dataKey string) string {
	if dataKey == TLSPrivateKeyKey {
		return PrivateKeyParseFailed
	}
	return CertificateParseFailed
}

// parseCertificates returns the certificates of tls.crt in file order.
func parseCertificates(data []byte) ([]*x509.Certificate, *Error) {
	failed := func(format string, args ...any) *Error {
		return &Error{Reason: CertificateParseFailed, Message: fmt.Sprintf(format, args...)}
	}
	blocks, err := decodeBlocks(data, TLSCertKey)
	if err != nil {
		return nil, err
	}
	if len(blocks) == 0 {
		return nil, failed("%s holds no PEM certificate: %s", TLSCertKey, notPEMHint(data, isDERCertificate, "openssl x509 -inform DER"))
	}
	certs := make([]*x509.Certificate, 0, len(blocks))
	for i, block := range blocks {
		if block.Type != "CERTIFICATE" {
			if strings.Contains(block.Type, "PRIVATE KEY") {
				return nil, failed("%s holds a private key (PEM block %d): move it to %s and keep only certificates in %s",
					TLSCertKey, i+1, TLSPrivateKeyKey, TLSCertKey)
			}
			return nil, failed("%s holds %s (PEM block %d): keep only CERTIFICATE blocks in %s",
				TLSCertKey, describeLabel(block.Type), i+1, TLSCertKey)
		}
		cert, err := x509.ParseCertificate(block.Bytes)
		if err != nil {
			if bytes.Contains(block.Bytes, sm2Curve) {
				return nil, &Error{Reason: AlgorithmUnsupported, Message: fmt.Sprintf(
					"Certificate %d in %s uses SM2, which this operator cannot upload: use an RSA or ECDSA certificate",
					i+1, TLSCertKey)}
			}
			return nil, failed("Certificate %d in %s is not a valid X.509 certificate: %v", i+1, TLSCertKey, err)
		}
		certs = append(certs, cert)
	}
	return certs, nil
}

// parsePrivateKey returns the key in tls.key and its PEM encoding alone,
// labelled by its actual form. No message it returns, and no error it wraps,
// contains key material.
func parsePrivateKey(data []byte) (crypto.Signer, []byte, *Error) {
	failed := func(format string, args ...any) *Error {
		return &Error{Reason: PrivateKeyParseFailed, Message: fmt.Sprintf(format, args...)}
	}
	blocks, err := decodeBlocks(data, TLSPrivateKeyKey)
	if err != nil {
		return nil, nil, err
	}
	var keyBlocks []*pem.Block
	for i, block := range blocks {
		switch {
		case block.Type == "EC PARAMETERS":
			// openssl ecparam -genkey writes the curve before the key.
		case strings.HasSuffix(block.Type, "PRIVATE KEY"):
			keyBlocks = append(keyBlocks, block)
		default:
			return nil, nil, failed("%s holds %s (PEM block %d): keep only the private key in %s",
				TLSPrivateKeyKey, describeLabel(block.Type), i+1, TLSPrivateKeyKey)
		}
	}
	switch {
	case len(blocks) == 0:
		return nil, nil, failed("%s holds no PEM private key: %s", TLSPrivateKeyKey, notPEMHint(data, isDERKey, "openssl pkey -inform DER"))
	case len(keyBlocks) == 0:
		return nil, nil, failed("%s holds no PEM private key, only EC parameters: add the key", TLSPrivateKeyKey)
	case len(keyBlocks) == 1:
	default:
		return nil, nil, failed("%s holds %d private keys: keep only the key of the certificate", TLSPrivateKeyKey, len(keyBlocks))
	}

	block := keyBlocks[0]
	switch {
	case block.Type == "ENCRYPTED PRIVATE KEY" || strings.Contains(block.Headers["Proc-Type"], "ENCRYPTED"):
		return nil, nil, failed("%s is encrypted with a passphrase: store it unencrypted, for example with openssl pkey -in encrypted.key -out tls.key", TLSPrivateKeyKey)
	case block.Type == "OPENSSH PRIVATE KEY":
		return nil, nil, failed("%s is an OpenSSH key: store it in PEM form, for example with ssh-keygen -p -m PKCS8", TLSPrivateKeyKey)
	case block.Type == "DSA PRIVATE KEY":
		return nil, nil, &Error{Reason: AlgorithmUnsupported, Message: fmt.Sprintf(
			"%s holds a DSA key, which this operator cannot upload: use an RSA or ECDSA key", TLSPrivateKeyKey)}
	}

	key, label, ok := parseKeyDER(block.Bytes, block.Type)
	if !ok {
		if bytes.Contains(block.Bytes, sm2Curve) {
			return nil, nil, &Error{Reason: AlgorithmUnsupported, Message: fmt.Sprintf(
				"%s holds an SM2 key, which this operator cannot upload: use an RSA or ECDSA key", TLSPrivateKeyKey)}
		}
		return nil, nil, failed("%s is not a valid PKCS #1, PKCS #8 or SEC 1 (EC) private key", TLSPrivateKeyKey)
	}
	signer, ok := key.(crypto.Signer)
	if !ok {
		return nil, nil, &Error{Reason: AlgorithmUnsupported, Message: fmt.Sprintf(
			"%s holds a key that cannot sign: use an RSA or ECDSA key", TLSPrivateKeyKey)}
	}
	return signer, pem.EncodeToMemory(&pem.Block{Type: label, Bytes: block.Bytes}), nil
}

// parseKeyDER tries the parser the label names first, then the others,
// because mislabelled keys are common. It returns the label of the form that
// parsed. Parser errors are dropped: they describe key bytes.
func parseKeyDER(der []byte, label string) (key any, actualLabel string, ok bool) {
	type parser struct {
		label string
		parse func([]byte) (any, error)
	}
	parsers := []parser{
		{"PRIVATE KEY", x509.ParsePKCS8PrivateKey},
		{"RSA PRIVATE KEY", func(b []byte) (any, error) { return x509.ParsePKCS1PrivateKey(b) }},
		{"EC PRIVATE KEY", func(b []byte) (any, error) { return x509.ParseECPrivateKey(b) }},
	}
	for i, p := range parsers {
		if p.label == label {
			parsers[0], parsers[i] = parsers[i], parsers[0]
		}
	}
	for _, p := range parsers {
		if key, err := p.parse(der); err == nil {
			return key, p.label, true
		}
	}
	return nil, "", false
}

// notPEMHint explains the likely mistakes behind data without PEM blocks.
func notPEMHint(data []byte, isDER func([]byte) bool, convert string) string {
	trimmed := bytes.TrimSpace(data)
	switch {
	case bytes.HasPrefix(trimmed, doubleBase64Prefix):
		return "it is base64-encoded twice; store the PEM text under stringData, or base64-encode it once under data"
	case isDER(data) || isDER(trimmed):
		return "it is in binary DER form; convert it to PEM with " + convert
	}
	return "it must contain a block starting with -----BEGIN"
}

func isDERCertificate(data []byte) bool {
	_, err := x509.ParseCertificate(data)
	return err == nil
}

func isDERKey(data []byte) bool {
	_, _, ok := parseKeyDER(data, "")
	return ok
}

// describeLabel names a PEM block type in a message. Only well-known labels
// are quoted, so that text from the Secret never reaches a message.
func describeLabel(label string) string {
	switch label {
	case "CERTIFICATE", "TRUSTED CERTIFICATE", "CERTIFICATE REQUEST", "NEW CERTIFICATE REQUEST",
		"X509 CRL", "PKCS7", "PUBLIC KEY", "RSA PUBLIC KEY", "EC PARAMETERS", "DH PARAMETERS":
		return fmt.Sprintf("a %q block", label)
	}
	return "a PEM block of an unexpected type"
}
