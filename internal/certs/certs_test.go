package certs_test

import (
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/certsync/tencent-cert-operator/internal/certs"
	"github.com/certsync/tencent-cert-operator/internal/testcerts"
)

type parseCase struct {
	name string
	in   certs.Input
	// wantReason is empty when Parse must succeed.
	wantReason string
	// wantMessage lists text the failure message must contain.
	wantMessage []string
	// check inspects a successful result.
	check func(t *testing.T, b *certs.Bundle)
}

// parseCases covers every reason Parse reports. The key-leak test reuses them.
func parseCases(t *testing.T) []parseCase {
	f := fixtures(t)
	svr := func(data map[string][]byte) certs.Input {
		return certs.Input{SecretType: certs.SecretTypeTLS, Data: data, CertType: certs.TypeSVR, Now: now}
	}
	ca := func(data map[string][]byte) certs.Input {
		return certs.Input{SecretType: certs.SecretTypeOpaque, Data: data, CertType: certs.TypeCA, Now: now}
	}
	with := func(in certs.Input, change func(*certs.Input)) certs.Input {
		change(&in)
		return in
	}
	good := svr(f.rsa.SecretData())
	rsaDER := keyDER(t, f.rsa.KeyPEM)
	ecDER := keyDER(t, f.ecdsa.KeyPEM)

	return []parseCase{
		{
			name:  "An RSA leaf with its intermediate and a PKCS #1 key is accepted as issued",
			in:    good,
			check: wantBundle(f.rsa, f.inter.Cert),
		},
		{
			name:  "An ECDSA leaf with a SEC 1 key is accepted",
			in:    svr(f.ecdsa.SecretData()),
			check: wantBundle(f.ecdsa, f.inter.Cert),
		},
		{
			name:  "A PKCS #8 RSA key is accepted",
			in:    svr(f.pkcs8.SecretData()),
			check: wantBundle(f.pkcs8, f.inter.Cert),
		},
		{
			name:  "An Opaque Secret with the TLS keys is accepted",
			in:    with(good, func(in *certs.Input) { in.SecretType = certs.SecretTypeOpaque }),
			check: wantBundle(f.rsa, f.inter.Cert),
		},
		{
			name:  "A Secret without a type is read as Opaque and accepted",
			in:    with(good, func(in *certs.Input) { in.SecretType = "" }),
			check: wantBundle(f.rsa, f.inter.Cert),
		},
		{
			name:  "An empty certificate type means SVR",
			in:    with(good, func(in *certs.Input) { in.CertType = "" }),
			check: wantBundle(f.rsa, f.inter.Cert),
		},
		{
			name:  "The bundle's fingerprint is the SHA-256 of the leaf's DER",
			in:    good,
			check: wantFingerprint(f.rsa.Cert.Raw),
		},
		{
			name: "A chain in reverse order is put in order and marked reordered",
			in:   svr(tlsData(join(f.inter.CertPEM, f.rsa.CertPEM), f.rsa.KeyPEM)),
			check: func(t *testing.T, b *certs.Bundle) {
				if !b.Reordered {
					t.Error("Reordered = false, want true")
				}
				if b.CertificatePEM != string(f.rsa.FullChainPEM) {
					t.Errorf("CertificatePEM is not leaf then intermediate:\n%s", b.CertificatePEM)
				}
			},
		},
		{
			name: "A chain with the root after the intermediate is kept as it is",
			in:   svr(tlsData(join(f.rsa.FullChainPEM, f.root.CertPEM), f.rsa.KeyPEM)),
			check: func(t *testing.T, b *certs.Bundle) {
				wantChain(t, b, f.inter.Cert, f.root.Cert)
				if b.Reordered {
					t.Error("Reordered = true for an ordered chain")
				}
			},
		},
		{
			name: "A scrambled chain of three is put in order",
			in:   svr(tlsData(join(f.root.CertPEM, f.rsa.CertPEM, f.inter.CertPEM), f.rsa.KeyPEM)),
			check: func(t *testing.T, b *certs.Bundle) {
				wantChain(t, b, f.inter.Cert, f.root.Cert)
				if !b.Reordered {
					t.Error("Reordered = false, want true")
				}
			},
		},
		{
			name:  "Text around the PEM blocks is ignored",
			in:    svr(tlsData(join([]byte("subject=CN = rsa.example.com\n"), f.rsa.FullChainPEM, []byte("\n# end\n")), f.rsa.KeyPEM)),
			check: wantBundle(f.rsa, f.inter.Cert),
		},
		{
			name: "A key labelled with the wrong form is accepted and relabelled",
			in:   svr(tlsData(f.pkcs8.FullChainPEM, pemBlock("RSA PRIVATE KEY", keyDER(t, f.pkcs8.KeyPEM)))),
			check: func(t *testing.T, b *certs.Bundle) {
				if string(b.PrivateKeyPEM) != string(f.pkcs8.KeyPEM) {
					t.Errorf("PrivateKeyPEM is not the key relabelled as PKCS #8")
				}
			},
		},
		{
			name: "EC parameters before the key are dropped from the uploaded key",
			in: svr(tlsData(f.ecdsa.FullChainPEM, join(
				pemBlock("EC PARAMETERS", append([]byte{0x06, 0x08}, oidP256...)), f.ecdsa.KeyPEM))),
			check: func(t *testing.T, b *certs.Bundle) {
				if string(b.PrivateKeyPEM) != string(f.ecdsa.KeyPEM) {
					t.Errorf("PrivateKeyPEM is not the key alone")
				}
			},
		},
		{
			name: "A certificate valid until exactly now is accepted",
			in:   with(good, func(in *certs.Input) { in.Now = f.rsa.Cert.NotAfter }),
			check: func(t *testing.T, b *certs.Bundle) {
				if !b.NotAfter().Equal(f.rsa.Cert.NotAfter) {
					t.Errorf("NotAfter() = %v, want %v", b.NotAfter(), f.rsa.Cert.NotAfter)
				}
			},
		},
		{
			name: "A CA certificate without a key is accepted as type CA",
			in:   ca(map[string][]byte{"tls.crt": f.root.CertPEM}),
			check: func(t *testing.T, b *certs.Bundle) {
				wantChain(t, b)
				if !b.Leaf.Equal(f.root.Cert) || b.PrivateKeyPEM != "" {
					t.Errorf("got leaf %q with key %t, want the root without key", b.Leaf.Subject, b.PrivateKeyPEM != "")
				}
			},
		},
		{
			name: "The private key of a CA Secret is neither read nor returned",
			in:   ca(map[string][]byte{"tls.crt": f.inter.CertPEM, "tls.key": []byte("not a key")}),
			check: func(t *testing.T, b *certs.Bundle) {
				if b.PrivateKeyPEM != "" {
					t.Error("PrivateKeyPEM is set for a CA certificate")
				}
			},
		},

		{
			name:        "An unknown certificate type is rejected",
			in:          with(good, func(in *certs.Input) { in.CertType = "svr" }),
			wantReason:  certs.CertificateTypeMismatch,
			wantMessage: []string{`"svr"`, "SVR or CA"},
		},
		{
			name:        "A docker config Secret is rejected",
			in:          with(good, func(in *certs.Input) { in.SecretType = "kubernetes.io/dockerconfigjson" }),
			wantReason:  certs.SecretTypeInvalid,
			wantMessage: []string{"kubernetes.io/dockerconfigjson", "kubernetes.io/tls"},
		},
		{
			name:        "A Secret without tls.crt is rejected, naming the key",
			in:          svr(map[string][]byte{"tls.key": f.rsa.KeyPEM}),
			wantReason:  certs.SecretKeyMissing,
			wantMessage: []string{`"tls.crt"`},
		},
		{
			name:        "A Secret without tls.key is rejected, naming the key",
			in:          svr(map[string][]byte{"tls.crt": f.rsa.FullChainPEM}),
			wantReason:  certs.SecretKeyMissing,
			wantMessage: []string{`"tls.key"`},
		},
		{
			name:        "A tls.crt of only whitespace is rejected as empty",
			in:          svr(tlsData([]byte(" \n\t"), f.rsa.KeyPEM)),
			wantReason:  certs.SecretKeyMissing,
			wantMessage: []string{`"tls.crt" is empty`},
		},
		{
			name:        "An empty tls.key is rejected as empty",
			in:          svr(tlsData(f.rsa.FullChainPEM, []byte{})),
			wantReason:  certs.SecretKeyMissing,
			wantMessage: []string{`"tls.key" is empty`},
		},
		{
			name:        "Garbage in tls.crt is rejected",
			in:          svr(tlsData([]byte("hello, world"), f.rsa.KeyPEM)),
			wantReason:  certs.CertificateParseFailed,
			wantMessage: []string{"no PEM certificate"},
		},
		{
			name:        "A certificate block with a corrupt body is rejected",
			in:          svr(tlsData(pemBlock("CERTIFICATE", []byte("not DER")), f.rsa.KeyPEM)),
			wantReason:  certs.CertificateParseFailed,
			wantMessage: []string{"Certificate 1 in tls.crt is not a valid X.509 certificate"},
		},
		{
			name:        "A private key in tls.crt is rejected",
			in:          svr(tlsData(join(f.rsa.FullChainPEM, f.rsa.KeyPEM), f.rsa.KeyPEM)),
			wantReason:  certs.CertificateParseFailed,
			wantMessage: []string{"private key (PEM block 3)", "move it to tls.key"},
		},
		{
			name:        "A certificate request in tls.crt is rejected",
			in:          svr(tlsData(join(f.rsa.CertPEM, pemBlock("CERTIFICATE REQUEST", []byte{1})), f.rsa.KeyPEM)),
			wantReason:  certs.CertificateParseFailed,
			wantMessage: []string{`"CERTIFICATE REQUEST" block`},
		},
		{
			name:        "A truncated certificate block is rejected",
			in:          svr(tlsData(f.rsa.FullChainPEM[:len(f.rsa.FullChainPEM)-40], f.rsa.KeyPEM)),
			wantReason:  certs.CertificateParseFailed,
			wantMessage: []string{"PEM block 2 in tls.crt is malformed or truncated"},
		},
		{
			name: "A malformed block before a valid one is rejected, not skipped",
			in: svr(tlsData(join([]byte("-----BEGIN CERTIFICATE-----\n!!!\n-----END CERTIFICATE-----\n"), f.rsa.FullChainPEM),
				f.rsa.KeyPEM)),
			wantReason:  certs.CertificateParseFailed,
			wantMessage: []string{"PEM block 1 in tls.crt is malformed"},
		},
		{
			name:        "A DER certificate is rejected with a hint to convert it",
			in:          svr(tlsData(f.rsa.Cert.Raw, f.rsa.KeyPEM)),
			wantReason:  certs.CertificateParseFailed,
			wantMessage: []string{"DER"},
		},
		{
			name:        "A certificate base64-encoded twice is rejected with a hint",
			in:          svr(tlsData([]byte(base64.StdEncoding.EncodeToString(f.rsa.FullChainPEM)), f.rsa.KeyPEM)),
			wantReason:  certs.CertificateParseFailed,
			wantMessage: []string{"base64-encoded twice"},
		},
		{
			name:        "Garbage in tls.key is rejected",
			in:          svr(tlsData(f.rsa.FullChainPEM, []byte("password123"))),
			wantReason:  certs.PrivateKeyParseFailed,
			wantMessage: []string{"no PEM private key"},
		},
		{
			name:        "A DER key is rejected with a hint to convert it",
			in:          svr(tlsData(f.rsa.FullChainPEM, rsaDER)),
			wantReason:  certs.PrivateKeyParseFailed,
			wantMessage: []string{"DER"},
		},
		{
			name:        "A truncated key block is rejected",
			in:          svr(tlsData(f.rsa.FullChainPEM, f.rsa.KeyPEM[:len(f.rsa.KeyPEM)/2])),
			wantReason:  certs.PrivateKeyParseFailed,
			wantMessage: []string{"PEM block 1 in tls.key is malformed or truncated"},
		},
		{
			name:        "A key block with a corrupt body is rejected",
			in:          svr(tlsData(f.rsa.FullChainPEM, pemBlock("RSA PRIVATE KEY", rsaDER[:len(rsaDER)-9]))),
			wantReason:  certs.PrivateKeyParseFailed,
			wantMessage: []string{"not a valid PKCS #1, PKCS #8 or SEC 1"},
		},
		{
			name:        "An encrypted PKCS #8 key is rejected",
			in:          svr(tlsData(f.rsa.FullChainPEM, pemBlock("ENCRYPTED PRIVATE KEY", rsaDER))),
			wantReason:  certs.PrivateKeyParseFailed,
			wantMessage: []string{"encrypted with a passphrase", "unencrypted"},
		},
		{
			name: "A key encrypted the legacy OpenSSL way is rejected",
			in: svr(tlsData(f.rsa.FullChainPEM, pem.EncodeToMemory(&pem.Block{
				Type:    "RSA PRIVATE KEY",
				Headers: map[string]string{"Proc-Type": "4,ENCRYPTED", "DEK-Info": "AES-128-CBC,00112233445566778899AABBCCDDEEFF"},
				Bytes:   rsaDER,
			}))),
			wantReason:  certs.PrivateKeyParseFailed,
			wantMessage: []string{"encrypted with a passphrase"},
		},
		{
			name:        "An OpenSSH key is rejected with a conversion hint",
			in:          svr(tlsData(f.rsa.FullChainPEM, pemBlock("OPENSSH PRIVATE KEY", rsaDER))),
			wantReason:  certs.PrivateKeyParseFailed,
			wantMessage: []string{"OpenSSH", "ssh-keygen"},
		},
		{
			name:        "Two keys in tls.key are rejected",
			in:          svr(tlsData(f.rsa.FullChainPEM, join(f.rsa.KeyPEM, f.pkcs8.KeyPEM))),
			wantReason:  certs.PrivateKeyParseFailed,
			wantMessage: []string{"2 private keys"},
		},
		{
			name:        "A certificate in tls.key is rejected",
			in:          svr(tlsData(f.rsa.FullChainPEM, join(f.rsa.CertPEM, f.rsa.KeyPEM))),
			wantReason:  certs.PrivateKeyParseFailed,
			wantMessage: []string{`"CERTIFICATE" block (PEM block 1)`},
		},
		{
			name:        "Certificates in reverse order with a stray certificate are rejected, naming the stray",
			in:          svr(tlsData(join(f.otherRoot.CertPEM, f.inter.CertPEM, f.rsa.CertPEM), f.rsa.KeyPEM)),
			wantReason:  certs.ChainInvalid,
			wantMessage: []string{"not in the chain of", "#1", f.otherRoot.Cert.Subject.CommonName},
		},
		{
			name:        "Unrelated certificates in a CA Secret are rejected",
			in:          ca(map[string][]byte{"tls.crt": join(f.root.CertPEM, f.otherRoot.CertPEM)}),
			wantReason:  certs.ChainInvalid,
			wantMessage: []string{"2 unrelated certificates"},
		},
		{
			name:        "A certificate with two issuers in the bundle is rejected",
			in:          svr(tlsData(join(f.rsa.FullChainPEM, f.crossInter), f.rsa.KeyPEM)),
			wantReason:  certs.ChainInvalid,
			wantMessage: []string{"has 2 issuers"},
		},
		{
			name:        "Certificates that issue each other in a loop are rejected",
			in:          ca(map[string][]byte{"tls.crt": join(f.loopA, f.loopB)}),
			wantReason:  certs.ChainInvalid,
			wantMessage: []string{"loop"},
		},
		{
			name:        "A duplicated certificate is rejected",
			in:          svr(tlsData(join(f.rsa.FullChainPEM, f.inter.CertPEM), f.rsa.KeyPEM)),
			wantReason:  certs.ChainInvalid,
			wantMessage: []string{"#2 and #3", "identical"},
		},
		{
			name:        "More certificates than any chain has are rejected",
			in:          svr(tlsData(repeat(f.rsa.CertPEM, 11), f.rsa.KeyPEM)),
			wantReason:  certs.ChainInvalid,
			wantMessage: []string{"11 certificates"},
		},
		{
			name:        "An Ed25519 certificate is rejected as unsupported",
			in:          svr(f.ed25519.SecretData()),
			wantReason:  certs.AlgorithmUnsupported,
			wantMessage: []string{"Ed25519", "RSA or ECDSA"},
		},
		{
			name:        "An SM2 certificate is rejected as unsupported",
			in:          svr(tlsData(pemBlock("CERTIFICATE", swapOID(t, f.ecdsa.Cert.Raw, oidP256, oidSM2)), f.ecdsa.KeyPEM)),
			wantReason:  certs.AlgorithmUnsupported,
			wantMessage: []string{"SM2"},
		},
		{
			name: "An SM2 certificate whose key algorithm Go does not know is still named SM2",
			in: ca(map[string][]byte{"tls.crt": pemBlock("CERTIFICATE",
				swapOID(t, swapOID(t, f.ecdsa.Cert.Raw, oidP256, oidSM2), oidECPublicKey, oidUnknownPubKey))}),
			wantReason:  certs.AlgorithmUnsupported,
			wantMessage: []string{"uses SM2"},
		},
		{
			name: "A certificate with an unknown key algorithm is rejected as unsupported",
			in: ca(map[string][]byte{"tls.crt": pemBlock("CERTIFICATE",
				swapOID(t, f.ecdsa.Cert.Raw, oidECPublicKey, oidUnknownPubKey))}),
			wantReason:  certs.AlgorithmUnsupported,
			wantMessage: []string{"uses an unknown algorithm"},
		},
		{
			name:        "EC parameters without a key are rejected",
			in:          svr(tlsData(f.ecdsa.FullChainPEM, pemBlock("EC PARAMETERS", oidP256))),
			wantReason:  certs.PrivateKeyParseFailed,
			wantMessage: []string{"only EC parameters"},
		},
		{
			name:        "An SM2 key is rejected as unsupported",
			in:          svr(tlsData(f.ecdsa.FullChainPEM, pemBlock("EC PRIVATE KEY", swapOID(t, ecDER, oidP256, oidSM2)))),
			wantReason:  certs.AlgorithmUnsupported,
			wantMessage: []string{"SM2"},
		},
		{
			name:        "A DSA key is rejected as unsupported",
			in:          svr(tlsData(f.rsa.FullChainPEM, pemBlock("DSA PRIVATE KEY", []byte{0x30, 0x00}))),
			wantReason:  certs.AlgorithmUnsupported,
			wantMessage: []string{"DSA"},
		},
		{
			name:        "A key that belongs to another certificate is rejected",
			in:          svr(tlsData(f.rsa.FullChainPEM, f.pkcs8.KeyPEM)),
			wantReason:  certs.KeyMismatch,
			wantMessage: []string{"does not belong to certificate", "rsa.example.com"},
		},
		{
			name:        "A key of another algorithm than the certificate's is rejected",
			in:          svr(tlsData(f.rsa.FullChainPEM, f.ecdsa.KeyPEM)),
			wantReason:  certs.KeyMismatch,
			wantMessage: []string{"does not belong"},
		},
		{
			name:        "A CA certificate uploaded as SVR is rejected",
			in:          svr(tlsData(f.root.CertPEM, f.root.KeyPEM)),
			wantReason:  certs.CertificateTypeMismatch,
			wantMessage: []string{"is a CA certificate", "type CA"},
		},
		{
			name:        "A server certificate uploaded as CA is rejected",
			in:          ca(f.rsa.SecretData()),
			wantReason:  certs.CertificateTypeMismatch,
			wantMessage: []string{"is not a CA certificate", "use SVR"},
		},
		{
			name:        "An expired certificate is rejected with its NotAfter date",
			in:          svr(f.expired.SecretData()),
			wantReason:  certs.CertificateExpired,
			wantMessage: []string{"expired at 2030-01-01T00:00:00Z", "expired.example.com"},
		},
		{
			name:        "A certificate is expired one second after its NotAfter",
			in:          with(good, func(in *certs.Input) { in.Now = f.rsa.Cert.NotAfter.Add(time.Second) }),
			wantReason:  certs.CertificateExpired,
			wantMessage: []string{"expired at 2031-01-01T00:00:00Z"},
		},
		{
			name:        "A certificate that is not valid yet is rejected with its NotBefore date",
			in:          svr(f.future.SecretData()),
			wantReason:  certs.CertificateNotYetValid,
			wantMessage: []string{"not valid before 2030-07-01T00:00:00Z"},
		},
	}
}

func TestParse(t *testing.T) {
	for _, tc := range parseCases(t) {
		t.Run(tc.name, func(t *testing.T) {
			b, err := certs.Parse(tc.in)
			if tc.wantReason == "" {
				if err != nil {
					t.Fatalf("Parse() failed: %v", err)
				}
				tc.check(t, b)
				return
			}
			if b != nil {
				t.Errorf("Parse() returned a bundle with its error")
			}
			var cerr *certs.Error
			if !errors.As(err, &cerr) {
				t.Fatalf("Parse() error = %v (%T), want *certs.Error", err, err)
			}
			if cerr.Reason != tc.wantReason {
				t.Errorf("reason = %s, want %s (message %q)", cerr.Reason, tc.wantReason, cerr.Message)
			}
			if cerr.Error() != cerr.Message {
				t.Errorf("Error() = %q, want the message", cerr.Error())
			}
			for _, want := range tc.wantMessage {
				if !strings.Contains(cerr.Message, want) {
					t.Errorf("message %q does not contain %q", cerr.Message, want)
				}
			}
		})
	}
}

// TestParseReportsEveryReason keeps the table complete as reasons are added.
func TestParseReportsEveryReason(t *testing.T) {
	reasons := []string{
		certs.CertificateTypeMismatch, certs.SecretTypeInvalid, certs.SecretKeyMissing,
		certs.CertificateParseFailed, certs.PrivateKeyParseFailed, certs.ChainInvalid,
		certs.AlgorithmUnsupported, certs.KeyMismatch, certs.CertificateExpired, certs.CertificateNotYetValid,
	}
	cases := parseCases(t)
	for _, reason := range reasons {
		if !slices.ContainsFunc(cases, func(c parseCase) bool { return c.wantReason == reason }) {
			t.Errorf("no case expects reason %s", reason)
		}
	}
}

// TestErrorMessagesNeverContainPrivateKeys checks every failure for any
// 16-character run of any private key's base64 body in the Secret.
func TestErrorMessagesNeverContainPrivateKeys(t *testing.T) {
	const window = 16
	checked := 0
	for _, tc := range parseCases(t) {
		if tc.wantReason == "" {
			continue
		}
		secrets := privateKeyText(tc.in.Data)
		if !slices.ContainsFunc(secrets, func(s string) bool { return len(s) >= window }) {
			continue
		}
		_, err := certs.Parse(tc.in)
		if err == nil {
			t.Fatalf("%s: Parse() succeeded", tc.name)
		}
		for _, secret := range secrets {
			for i := 0; i+window <= len(secret); i++ {
				if strings.Contains(err.Error(), secret[i:i+window]) {
					t.Fatalf("%s: message %q contains private key text %q", tc.name, err.Error(), secret[i:i+window])
				}
			}
		}
		checked++
	}
	if checked < 20 {
		t.Errorf("only %d failure cases carried a private key, want at least 20", checked)
	}
}

// TestBundleNeverPrintsPrivateKey formats a bundle every way a log line
// might, and checks that the key only comes out through string().
func TestBundleNeverPrintsPrivateKey(t *testing.T) {
	f := fixtures(t)
	b, err := certs.Parse(certs.Input{SecretType: certs.SecretTypeTLS, Data: f.ecdsa.SecretData(), Now: now})
	if err != nil {
		t.Fatalf("Parse() failed: %v", err)
	}
	if string(b.PrivateKeyPEM) != string(f.ecdsa.KeyPEM) {
		t.Fatal("string(PrivateKeyPEM) is not the key")
	}
	asJSON, err := json.Marshal(b)
	if err != nil {
		t.Fatalf("json.Marshal: %v", err)
	}
	outputs := map[string]string{
		"%v":       fmt.Sprintf("%v", b),
		"%+v":      fmt.Sprintf("%+v", *b),
		"%#v":      fmt.Sprintf("%#v", *b),
		"%s field": fmt.Sprintf("%s", b.PrivateKeyPEM),
		"%q field": fmt.Sprintf("%q", b.PrivateKeyPEM),
		"%x field": fmt.Sprintf("%x", b.PrivateKeyPEM),
		"%d field": fmt.Sprintf("%d", b.PrivateKeyPEM),
		"String()": b.PrivateKeyPEM.String(),
		"JSON":     string(asJSON),
	}
	body := privateKeyText(map[string][]byte{"tls.key": f.ecdsa.KeyPEM})[0]
	hexKey := hex.EncodeToString(f.ecdsa.KeyPEM)
	for how, out := range outputs {
		if strings.Contains(out, body[:16]) || strings.Contains(out, hexKey[:32]) || strings.Contains(out, "PRIVATE KEY") {
			t.Errorf("%s leaks the key: %s", how, out)
		}
		if !strings.Contains(out, "[redacted]") {
			t.Errorf("%s does not show [redacted]: %s", how, out)
		}
	}
}

func TestFingerprints(t *testing.T) {
	der := fixtures(t).rsa.Cert.Raw
	sha256Sum := sha256.Sum256(der)
	tests := []struct {
		name string
		got  string
		want []byte
	}{
		{"Fingerprint is the lowercase hex SHA-256 of the DER", certs.Fingerprint(der), sha256Sum[:]},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if tc.got != strings.ToLower(tc.got) {
				t.Errorf("%q is not lowercase", tc.got)
			}
			got, err := hex.DecodeString(tc.got)
			if err != nil || string(got) != string(tc.want) {
				t.Errorf("got %q, want hex of %x", tc.got, tc.want)
			}
		})
	}
}

func TestCertificateHelpers(t *testing.T) {
	f := fixtures(t)
	tests := []struct {
		name         string
		cert         *testcerts.Cert
		wantDNSNames []string
	}{
		{"DNS names are the subject alternative names", f.rsa, f.rsa.Cert.DNSNames},
		{"DNS names fall back to the common name without SANs", f.noSAN, []string{f.noSAN.Cert.Subject.CommonName}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			b, err := certs.Parse(certs.Input{SecretType: certs.SecretTypeTLS, Data: tc.cert.SecretData(), Now: now})
			if err != nil {
				t.Fatalf("Parse() failed: %v", err)
			}
			if got := b.DNSNames(); !slices.Equal(got, tc.wantDNSNames) || len(got) == 0 {
				t.Errorf("DNSNames() = %q, want %q", got, tc.wantDNSNames)
			}
			if got, want := b.SerialNumber(), tc.cert.Cert.SerialNumber.Text(16); got != want {
				t.Errorf("SerialNumber() = %q, want %q", got, want)
			}
			if !b.NotBefore().Equal(tc.cert.Cert.NotBefore) || !b.NotAfter().Equal(tc.cert.Cert.NotAfter) {
				t.Errorf("validity = %v..%v, want %v..%v", b.NotBefore(), b.NotAfter(), tc.cert.Cert.NotBefore, tc.cert.Cert.NotAfter)
			}
		})
	}
}

func BenchmarkParse(b *testing.B) {
	f := fixtures(b)
	in := certs.Input{SecretType: certs.SecretTypeTLS, Data: tlsData(join(f.root.CertPEM, f.inter.CertPEM, f.ecdsa.CertPEM), f.ecdsa.KeyPEM), Now: now}
	for b.Loop() {
		if _, err := certs.Parse(in); err != nil {
			b.Fatal(err)
		}
	}
}

// wantBundle checks a bundle for the issued certificate and its chain.
func wantBundle(want *testcerts.Cert, chain ...*x509.Certificate) func(*testing.T, *certs.Bundle) {
	return func(t *testing.T, b *certs.Bundle) {
		t.Helper()
		if !b.Leaf.Equal(want.Cert) {
			t.Errorf("Leaf = %q, want %q", b.Leaf.Subject, want.Cert.Subject)
		}
		wantChain(t, b, chain...)
		if b.CertificatePEM != string(want.FullChainPEM) {
			t.Errorf("CertificatePEM is not the leaf and its chain:\n%s", b.CertificatePEM)
		}
		if string(b.PrivateKeyPEM) != string(want.KeyPEM) {
			t.Error("PrivateKeyPEM is not the key")
		}
		if b.Reordered {
			t.Error("Reordered = true for an ordered chain")
		}
		wantFingerprint(want.Cert.Raw)(t, b)
	}
}

func wantChain(t *testing.T, b *certs.Bundle, chain ...*x509.Certificate) {
	t.Helper()
	if !slices.EqualFunc(b.Chain, chain, (*x509.Certificate).Equal) {
		var got []string
		for _, c := range b.Chain {
			got = append(got, c.Subject.CommonName)
		}
		t.Errorf("Chain = %q, want %d certificates", got, len(chain))
	}
}

func wantFingerprint(der []byte) func(*testing.T, *certs.Bundle) {
	return func(t *testing.T, b *certs.Bundle) {
		t.Helper()
		sum := sha256.Sum256(der)
		if want := hex.EncodeToString(sum[:]); b.Fingerprint != want {
			t.Errorf("Fingerprint = %s, want %s", b.Fingerprint, want)
		}
	}
}

// privateKeyText returns the base64 bodies of the private keys in data,
// whichever key they are stored under, and the lines of tls.key that are not
// PEM armour, for keys too broken to decode.
func privateKeyText(data map[string][]byte) []string {
	var out []string
	for _, value := range data {
		rest := value
		for {
			block, next := pem.Decode(rest)
			if block == nil {
				break
			}
			if strings.Contains(block.Type, "PRIVATE KEY") {
				out = append(out, base64.StdEncoding.EncodeToString(block.Bytes))
			}
			rest = next
		}
	}
	for _, line := range strings.Split(string(data["tls.key"]), "\n") {
		if !strings.HasPrefix(line, "-----") {
			out = append(out, line)
		}
	}
	return out
}

func repeat(b []byte, n int) []byte {
	out := make([]byte, 0, len(b)*n)
	for range n {
		out = append(out, b...)
	}
	return out
}
