package certs_test

import (
	"bytes"
	"crypto/ed25519"
	"crypto/rand"
	"crypto/x509"
	"encoding/pem"
	"sync"
	"testing"
	"time"

	"github.com/certsync/tencent-cert-operator/internal/testcerts"
)

// now is the injected clock; the fixtures' leaves are valid during 2030.
var now = time.Date(2030, 6, 1, 0, 0, 0, 0, time.UTC)

var (
	validFrom  = time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC)
	validUntil = time.Date(2031, 1, 1, 0, 0, 0, 0, time.UTC)
)

// fixture holds certificates shared by the tests of this package. Making
// them once keeps the RSA key generation to two keys per test binary.
type fixture struct {
	root, inter, otherRoot *testcerts.CA

	rsa, pkcs8, ecdsa, ed25519, expired, future, noSAN *testcerts.Cert

	// crossInter is inter's key and subject certified by otherRoot.
	crossInter []byte
	// loopA and loopB certify rootA's and rootB's keys by each other.
	loopA, loopB []byte
}

var loadFixture = sync.OnceValues(newFixture)

func fixtures(tb testing.TB) *fixture {
	tb.Helper()
	f, err := loadFixture()
	if err != nil {
		tb.Fatalf("creating fixtures: %v", err)
	}
	return f
}

func newFixture() (*fixture, error) {
	f := &fixture{}
	var err error
	if f.root, err = testcerts.NewCA(); err != nil {
		return nil, err
	}
	if f.inter, err = f.root.NewIntermediate(); err != nil {
		return nil, err
	}
	if f.otherRoot, err = testcerts.NewCA(); err != nil {
		return nil, err
	}
	_, edKey, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		return nil, err
	}
	leaves := []struct {
		dst  **testcerts.Cert
		spec testcerts.Leaf
	}{
		{&f.rsa, testcerts.Leaf{DNSNames: []string{"rsa.example.com", "www.rsa.example.com"}}},
		{&f.pkcs8, testcerts.Leaf{DNSNames: []string{"pkcs8.example.com"}, PKCS8: true}},
		{&f.ecdsa, testcerts.Leaf{DNSNames: []string{"ecdsa.example.com"}, ECDSA: true}},
		{&f.ed25519, testcerts.Leaf{DNSNames: []string{"ed25519.example.com"}, Key: edKey}},
		{&f.expired, testcerts.Leaf{DNSNames: []string{"expired.example.com"}, ECDSA: true,
			NotBefore: validFrom.AddDate(-1, 0, 0), NotAfter: validFrom}},
		{&f.future, testcerts.Leaf{DNSNames: []string{"future.example.com"}, ECDSA: true,
			NotBefore: now.AddDate(0, 1, 0), NotAfter: validUntil.AddDate(1, 0, 0)}},
		{&f.noSAN, testcerts.Leaf{CommonName: "legacy.example.com", ECDSA: true}},
	}
	for _, l := range leaves {
		if l.spec.NotBefore.IsZero() {
			l.spec.NotBefore, l.spec.NotAfter = validFrom, validUntil
		}
		if *l.dst, err = f.inter.Issue(l.spec); err != nil {
			return nil, err
		}
	}

	if f.crossInter, err = certify(f.inter.Cert, f.inter.Key.Public(), f.otherRoot); err != nil {
		return nil, err
	}
	rootA, rootB := f.root, f.otherRoot
	if f.loopA, err = certify(rootA.Cert, rootA.Key.Public(), rootB); err != nil {
		return nil, err
	}
	if f.loopB, err = certify(rootB.Cert, rootB.Key.Public(), rootA); err != nil {
		return nil, err
	}
	return f, nil
}

// certify issues a PEM certificate for subject's name and pub, signed by ca.
func certify(subject *x509.Certificate, pub any, ca *testcerts.CA) ([]byte, error) {
	tmpl := *subject
	der, err := x509.CreateCertificate(rand.Reader, &tmpl, ca.Cert, pub, ca.Key)
	if err != nil {
		return nil, err
	}
	return pemBlock("CERTIFICATE", der), nil
}

func pemBlock(typ string, der []byte) []byte {
	return pem.EncodeToMemory(&pem.Block{Type: typ, Bytes: der})
}

func join(parts ...[]byte) []byte { return bytes.Join(parts, nil) }

func tlsData(crt, key []byte) map[string][]byte {
	return map[string][]byte{"tls.crt": crt, "tls.key": key}
}

// keyDER returns the DER inside a PEM private key.
func keyDER(tb testing.TB, keyPEM []byte) []byte {
	tb.Helper()
	block, _ := pem.Decode(keyPEM)
	if block == nil {
		tb.Fatal("fixture key is not PEM")
	}
	return block.Bytes
}

// DER contents of object identifiers that tests swap in certificates and
// keys. Swapping one for another of the same length keeps the DER valid, and
// makes SM2 material without an SM2 implementation.
var (
	oidP256          = []byte{0x2a, 0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07}
	oidSM2           = []byte{0x2a, 0x81, 0x1c, 0xcf, 0x55, 0x01, 0x82, 0x2d}
	oidECPublicKey   = []byte{0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02, 0x01}
	oidUnknownPubKey = []byte{0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02, 0x09}
)

// swapOID replaces the object identifier from with to in der.
func swapOID(tb testing.TB, der, from, to []byte) []byte {
	tb.Helper()
	if !bytes.Contains(der, from) {
		tb.Fatalf("fixture has no OID %x", from)
	}
	return bytes.ReplaceAll(der, from, to)
}
