package certs_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/certsync/tencent-cert-operator/internal/certs"
)

// FuzzParse feeds arbitrary tls.crt and tls.key values to Parse. It must not
// panic, must fail only with a known reason and without echoing tls.key, and
// whatever it accepts must parse again to the same bundle, already in order.
func FuzzParse(f *testing.F) {
	fx := fixtures(f)
	seeds := []struct {
		crt, key []byte
		ca       bool
	}{
		{fx.rsa.FullChainPEM, fx.rsa.KeyPEM, false},
		{fx.ecdsa.FullChainPEM, fx.ecdsa.KeyPEM, false},
		{fx.pkcs8.FullChainPEM, fx.pkcs8.KeyPEM, false},
		{join(fx.inter.CertPEM, fx.ecdsa.CertPEM, fx.root.CertPEM), fx.ecdsa.KeyPEM, false},
		{join(fx.ecdsa.FullChainPEM, fx.otherRoot.CertPEM), fx.ecdsa.KeyPEM, false},
		{join(fx.ecdsa.FullChainPEM, fx.crossInter), fx.ecdsa.KeyPEM, false},
		{join(fx.loopA, fx.loopB), nil, true},
		{fx.root.CertPEM, nil, true},
		{fx.ed25519.FullChainPEM, fx.ed25519.KeyPEM, false},
		{fx.expired.FullChainPEM, fx.expired.KeyPEM, false},
		{fx.ecdsa.FullChainPEM, pemBlock("ENCRYPTED PRIVATE KEY", keyDER(f, fx.ecdsa.KeyPEM)), false},
		{fx.ecdsa.FullChainPEM, keyDER(f, fx.ecdsa.KeyPEM), false},
		{fx.ecdsa.Cert.Raw, fx.ecdsa.KeyPEM, false},
		{[]byte("-----BEGIN CERTIFICATE-----\n-----END CERTIFICATE-----\n"), []byte("-----BEGIN PRIVATE KEY-----\n"), false},
		{[]byte("garbage"), []byte("garbage"), false},
		{nil, nil, false},
	}
	for _, s := range seeds {
		f.Add(s.crt, s.key, s.ca)
	}

	known := map[string]bool{
		certs.CertificateTypeMismatch: true, certs.SecretTypeInvalid: true, certs.SecretKeyMissing: true,
		certs.CertificateParseFailed: true, certs.PrivateKeyParseFailed: true, certs.ChainInvalid: true,
		certs.AlgorithmUnsupported: true, certs.KeyMismatch: true, certs.CertificateExpired: true,
		certs.CertificateNotYetValid: true,
	}
	f.Fuzz(func(t *testing.T, crt, key []byte, ca bool) {
		in := certs.Input{SecretType: certs.SecretTypeTLS, Data: tlsData(crt, key), CertType: certs.TypeSVR, Now: now}
		if ca {
			in.CertType = certs.TypeCA
		}
		b, err := certs.Parse(in)
		if err != nil {
			var cerr *certs.Error
			if !errors.As(err, &cerr) || !known[cerr.Reason] || cerr.Message == "" {
				t.Fatalf("Parse() error = %#v, want a *certs.Error with a known reason and a message", err)
			}
			for _, line := range strings.Split(string(key), "\n") {
				if len(line) >= 24 && !strings.Contains(line, "-----") && !strings.Contains(string(crt), line) &&
					strings.Contains(cerr.Message, line) {
					t.Fatalf("message %q echoes tls.key", cerr.Message)
				}
			}
			return
		}

		in.Data = tlsData([]byte(b.CertificatePEM), []byte(b.PrivateKeyPEM))
		again, err := certs.Parse(in)
		if err != nil {
			t.Fatalf("Parse() rejects its own output: %v", err)
		}
		if again.Reordered || again.CertificatePEM != b.CertificatePEM ||
			again.PrivateKeyPEM != b.PrivateKeyPEM || again.Fingerprint != b.Fingerprint {
			t.Fatal("parsing the bundle again changed it")
		}
	})
}
