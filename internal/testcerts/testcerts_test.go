package testcerts_test

import (
	"bytes"
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/tls"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/certsync/tencent-cert-operator/internal/testcerts"
)

func TestCAs(t *testing.T) {
	root := testcerts.Must(testcerts.NewCA())
	inter := testcerts.Must(root.NewIntermediate())
	other := testcerts.Must(testcerts.NewCA())

	tests := []struct {
		name     string
		ca       *testcerts.CA
		issuedBy *x509.Certificate
	}{
		{"A root CA is a self-signed CA certificate", root, root.Cert},
		{"An intermediate CA is a CA certificate issued by its root", inter, root.Cert},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if !tc.ca.Cert.IsCA || !tc.ca.Cert.BasicConstraintsValid {
				t.Error("the certificate is not a CA")
			}
			if err := tc.ca.Cert.CheckSignatureFrom(tc.issuedBy); err != nil {
				t.Errorf("not signed by %q: %v", tc.issuedBy.Subject, err)
			}
			pair, err := tls.X509KeyPair(tc.ca.CertPEM, tc.ca.KeyPEM)
			if err != nil {
				t.Fatalf("CertPEM and KeyPEM do not pair: %v", err)
			}
			if !tc.ca.Key.Public().(*ecdsa.PublicKey).Equal(pair.PrivateKey.(crypto.Signer).Public()) {
				t.Error("Key is not the key in KeyPEM")
			}
		})
	}

	t.Run("Two CAs never share a subject", func(t *testing.T) {
		if root.Cert.Subject.String() == other.Cert.Subject.String() {
			t.Errorf("both CAs are %q", root.Cert.Subject)
		}
	})
}

func TestIssue(t *testing.T) {
	root := testcerts.Must(testcerts.NewCA())
	inter := testcerts.Must(root.NewIntermediate())
	_, edKey, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	ecKey, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	jan2030 := time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC)

	tests := []struct {
		name      string
		ca        *testcerts.CA
		leaf      testcerts.Leaf
		wantChain [][]byte
		check     func(t *testing.T, c *testcerts.Cert)
	}{
		{
			name:      "A default leaf has an RSA 2048 key in PKCS #1 form",
			ca:        root,
			leaf:      testcerts.Leaf{DNSNames: []string{"a.example.com"}},
			wantChain: nil,
			check: func(t *testing.T, c *testcerts.Cert) {
				wantKey[*rsa.PrivateKey](t, c, "RSA PRIVATE KEY")
				if bits := c.Key.(*rsa.PrivateKey).N.BitLen(); bits != 2048 {
					t.Errorf("key has %d bits, want 2048", bits)
				}
			},
		},
		{
			name:      "ECDSA selects a P-256 key in SEC 1 form",
			ca:        inter,
			leaf:      testcerts.Leaf{DNSNames: []string{"b.example.com"}, ECDSA: true},
			wantChain: [][]byte{inter.CertPEM},
			check: func(t *testing.T, c *testcerts.Cert) {
				wantKey[*ecdsa.PrivateKey](t, c, "EC PRIVATE KEY")
				if curve := c.Key.(*ecdsa.PrivateKey).Curve; curve != elliptic.P256() {
					t.Errorf("curve = %v, want P-256", curve.Params().Name)
				}
			},
		},
		{
			name:      "PKCS8 encodes the key as PKCS #8",
			ca:        inter,
			leaf:      testcerts.Leaf{DNSNames: []string{"c.example.com"}, ECDSA: true, PKCS8: true},
			wantChain: [][]byte{inter.CertPEM},
			check: func(t *testing.T, c *testcerts.Cert) {
				wantKey[*ecdsa.PrivateKey](t, c, "PRIVATE KEY")
			},
		},
		{
			name:      "A given Ed25519 key is certified and encoded as PKCS #8",
			ca:        inter,
			leaf:      testcerts.Leaf{DNSNames: []string{"d.example.com"}, Key: edKey},
			wantChain: [][]byte{inter.CertPEM},
			check: func(t *testing.T, c *testcerts.Cert) {
				wantKey[ed25519.PrivateKey](t, c, "PRIVATE KEY")
				if !edKey.Equal(c.Key) {
					t.Error("Key is not the given key")
				}
			},
		},
		{
			name:      "A given key is certified instead of a fresh one",
			ca:        inter,
			leaf:      testcerts.Leaf{DNSNames: []string{"e.example.com"}, Key: ecKey},
			wantChain: [][]byte{inter.CertPEM},
			check: func(t *testing.T, c *testcerts.Cert) {
				if !ecKey.PublicKey.Equal(c.Cert.PublicKey) {
					t.Error("the certificate is not for the given key")
				}
			},
		},
		{
			name:      "The common name defaults to the first DNS name",
			ca:        inter,
			leaf:      testcerts.Leaf{DNSNames: []string{"first.example.com", "second.example.com"}, ECDSA: true},
			wantChain: [][]byte{inter.CertPEM},
			check: func(t *testing.T, c *testcerts.Cert) {
				if cn := c.Cert.Subject.CommonName; cn != "first.example.com" {
					t.Errorf("CommonName = %q", cn)
				}
				if !slices.Equal(c.Cert.DNSNames, []string{"first.example.com", "second.example.com"}) {
					t.Errorf("DNSNames = %q", c.Cert.DNSNames)
				}
			},
		},
		{
			name:      "Validity defaults to 2000 until 2100",
			ca:        inter,
			leaf:      testcerts.Leaf{CommonName: "default-validity", ECDSA: true},
			wantChain: [][]byte{inter.CertPEM},
			check: wantValidity(time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC),
				time.Date(2100, 1, 1, 0, 0, 0, 0, time.UTC)),
		},
		{
			name:      "A given validity is used, expired or not",
			ca:        inter,
			leaf:      testcerts.Leaf{CommonName: "expired", ECDSA: true, NotBefore: jan2030.AddDate(-1, 0, 0), NotAfter: jan2030},
			wantChain: [][]byte{inter.CertPEM},
			check:     wantValidity(jan2030.AddDate(-1, 0, 0), jan2030),
		},
		{
			name:      "IsCA issues a CA certificate",
			ca:        root,
			leaf:      testcerts.Leaf{CommonName: "Client CA", ECDSA: true, IsCA: true},
			wantChain: nil,
			check: func(t *testing.T, c *testcerts.Cert) {
				if !c.Cert.IsCA || c.Cert.KeyUsage&x509.KeyUsageCertSign == 0 {
					t.Error("the certificate is not a CA that can sign certificates")
				}
			},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c, err := tc.ca.Issue(tc.leaf)
			if err != nil {
				t.Fatalf("Issue() failed: %v", err)
			}
			if want := bytes.Join(tc.wantChain, nil); !bytes.Equal(c.ChainPEM, want) {
				t.Errorf("ChainPEM holds %d bytes, want the %d of the intermediates", len(c.ChainPEM), len(want))
			}
			if !bytes.Equal(c.FullChainPEM, append(bytes.Clone(c.CertPEM), c.ChainPEM...)) {
				t.Error("FullChainPEM is not CertPEM followed by ChainPEM")
			}
			if !bytes.Equal(c.CAPEM, root.CertPEM) {
				t.Error("CAPEM is not the root")
			}
			if _, err := tls.X509KeyPair(c.FullChainPEM, c.KeyPEM); err != nil {
				t.Errorf("FullChainPEM and KeyPEM do not pair: %v", err)
			}
			verifyChain(t, c)
			tc.check(t, c)
		})
	}
}

func TestSecretData(t *testing.T) {
	root := testcerts.Must(testcerts.NewCA())
	c := testcerts.Must(testcerts.Must(root.NewIntermediate()).Issue(testcerts.Leaf{DNSNames: []string{"x.example.com"}, ECDSA: true}))
	data := c.SecretData()
	tests := []struct {
		name string
		key  string
		want []byte
	}{
		{"tls.crt holds the certificate and its intermediates", "tls.crt", c.FullChainPEM},
		{"tls.key holds the private key", "tls.key", c.KeyPEM},
		{"ca.crt holds the root", "ca.crt", root.CertPEM},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if !bytes.Equal(data[tc.key], tc.want) {
				t.Errorf("%s is not what it should hold", tc.key)
			}
		})
	}
	t.Run("The data is a copy the caller may change", func(t *testing.T) {
		data["tls.key"][0] ^= 0xff
		if bytes.Equal(data["tls.key"], c.KeyPEM) {
			t.Error("changing the data changed the certificate's key")
		}
	})
}

func TestMust(t *testing.T) {
	t.Run("Must returns the value when there is no error", func(t *testing.T) {
		if got := testcerts.Must(42, nil); got != 42 {
			t.Errorf("Must() = %d, want 42", got)
		}
	})
	t.Run("Must panics with the error", func(t *testing.T) {
		want := errors.New("boom")
		defer func() {
			if got := recover(); got != want {
				t.Errorf("recovered %v, want %v", got, want)
			}
		}()
		testcerts.Must(0, want)
		t.Error("Must did not panic")
	})
}

// wantKey checks the key's type, that KeyPEM has the given label and holds
// the same key, and that the key belongs to the certificate.
func wantKey[K crypto.Signer](t *testing.T, c *testcerts.Cert, label string) {
	t.Helper()
	if _, ok := c.Key.(K); !ok {
		t.Errorf("Key is %T", c.Key)
	}
	block, _ := pem.Decode(c.KeyPEM)
	if block == nil || block.Type != label {
		t.Fatalf("KeyPEM is not a %q block", label)
	}
	pub, ok := c.Cert.PublicKey.(interface{ Equal(crypto.PublicKey) bool })
	if !ok || !pub.Equal(c.Key.Public()) {
		t.Error("the certificate is not for Key")
	}
}

func wantValidity(notBefore, notAfter time.Time) func(*testing.T, *testcerts.Cert) {
	return func(t *testing.T, c *testcerts.Cert) {
		t.Helper()
		if !c.Cert.NotBefore.Equal(notBefore) || !c.Cert.NotAfter.Equal(notAfter) {
			t.Errorf("validity = %v..%v, want %v..%v", c.Cert.NotBefore, c.Cert.NotAfter, notBefore, notAfter)
		}
	}
}

// verifyChain checks that the certificate chains to CAPEM through ChainPEM,
// as a TLS client would check it.
func verifyChain(t *testing.T, c *testcerts.Cert) {
	t.Helper()
	roots, intermediates := x509.NewCertPool(), x509.NewCertPool()
	if !roots.AppendCertsFromPEM(c.CAPEM) {
		t.Fatal("CAPEM holds no certificate")
	}
	intermediates.AppendCertsFromPEM(c.ChainPEM)
	_, err := c.Cert.Verify(x509.VerifyOptions{
		Roots:         roots,
		Intermediates: intermediates,
		CurrentTime:   c.Cert.NotBefore,
		KeyUsages:     []x509.ExtKeyUsage{x509.ExtKeyUsageAny},
	})
	if err != nil {
		t.Errorf("the certificate does not verify: %v", err)
	}
}
