package sslsim

import (
	"crypto/sha1"
	"encoding/hex"
	"strings"
	"testing"

	"github.com/certsync/tencent-cert-operator/internal/testcerts"
)

func TestNameMatches(t *testing.T) {
	tests := []struct {
		name, certName, host string
		want                 bool
	}{
		{name: "an exact name matches", certName: "www.example.com", host: "www.example.com", want: true},
		{name: "names match case-insensitively", certName: "WWW.Example.com", host: "www.example.COM", want: true},
		{name: "a trailing dot is ignored", certName: "www.example.com.", host: "www.example.com", want: true},
		{name: "a wildcard matches one label", certName: "*.example.com", host: "a.example.com", want: true},
		{name: "a wildcard does not match the apex", certName: "*.example.com", host: "example.com"},
		{name: "a wildcard does not match two labels", certName: "*.example.com", host: "a.b.example.com"},
		{name: "a wildcard host needs the same wildcard", certName: "*.example.com", host: "*.example.com", want: true},
		{name: "a wildcard host is not matched by a name", certName: "a.example.com", host: "*.example.com"},
		{name: "another domain does not match", certName: "www.example.org", host: "www.example.com"},
		{name: "an empty host never matches", certName: "*.example.com", host: ""},
		{name: "a partial wildcard label is not a wildcard", certName: "w*.example.com", host: "www.example.com"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := nameMatches(tt.certName, tt.host); got != tt.want {
				t.Fatalf("nameMatches(%q, %q) = %v, want %v", tt.certName, tt.host, got, tt.want)
			}
		})
	}
}

func TestParseUpload(t *testing.T) {
	root := testCA()
	inter := testcerts.Must(root.NewIntermediate())
	viaInter := testcerts.Must(inter.Issue(testcerts.Leaf{DNSNames: []string{"www.example.com"}, ECDSA: true}))
	pkcs8 := testcerts.Must(root.Issue(testcerts.Leaf{DNSNames: []string{"p8.example.com"}, ECDSA: true, PKCS8: true}))
	other := leaf(t, "other.example.com")
	tests := []struct {
		name     string
		cert     string
		key      string
		certType string
		code     string
	}{
		{name: "a leaf with its chain and key is accepted", cert: string(viaInter.FullChainPEM), key: string(viaInter.KeyPEM), certType: "SVR"},
		{name: "a PKCS#8 key is accepted", cert: string(pkcs8.CertPEM), key: string(pkcs8.KeyPEM), certType: "SVR"},
		{name: "CRLF line endings are accepted", cert: strings.ReplaceAll(string(viaInter.FullChainPEM), "\n", "\r\n"), key: strings.ReplaceAll(string(viaInter.KeyPEM), "\n", "\r\n"), certType: "SVR"},
		{name: "surrounding whitespace is accepted", cert: "\n  " + string(viaInter.CertPEM) + "\n\n", key: string(viaInter.KeyPEM), certType: "SVR"},
		{name: "a CA certificate uploaded as CA is accepted without key", cert: string(root.CertPEM), certType: "CA"},
		{name: "garbage is a parse error", cert: "not a certificate", key: string(viaInter.KeyPEM), certType: "SVR", code: CodeCertificateParseError},
		{name: "text before the PEM block is a parse error", cert: "x" + string(viaInter.CertPEM), key: string(viaInter.KeyPEM), certType: "SVR", code: CodeCertificateParseError},
		{name: "a corrupted body is a parse error", cert: strings.Replace(string(viaInter.CertPEM), "M", "!", 3), key: string(viaInter.KeyPEM), certType: "SVR", code: CodeCertificateParseError},
		{name: "a private key in the certificate field is a parse error", cert: string(viaInter.KeyPEM), key: string(viaInter.KeyPEM), certType: "SVR", code: CodeCertificateParseError},
		{name: "a chain in the wrong order is a chain error", cert: string(inter.CertPEM) + string(viaInter.CertPEM), key: string(viaInter.KeyPEM), certType: "SVR", code: CodeCertificateChainError},
		{name: "an unrelated certificate in the chain is a chain error", cert: string(viaInter.CertPEM) + string(other.CertPEM), key: string(viaInter.KeyPEM), certType: "SVR", code: CodeCertificateChainError},
		{name: "another certificate's key is a mismatch", cert: string(viaInter.FullChainPEM), key: string(other.KeyPEM), certType: "SVR", code: CodeCertificateMatchError},
		{name: "a server certificate without key is refused", cert: string(viaInter.FullChainPEM), certType: "SVR", code: CodeMissMatchPrivateKey},
		{name: "a garbled key is a parse error", cert: string(viaInter.FullChainPEM), key: "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n", certType: "SVR", code: CodeCertificateParseError},
		{name: "a server certificate uploaded as CA is a CA error", cert: string(viaInter.CertPEM), certType: "CA", code: CodeCertificateCaError},
		{name: "an unknown certificate type is an invalid value", cert: string(viaInter.CertPEM), key: string(viaInter.KeyPEM), certType: "CLIENT", code: CodeInvalidParameterValue},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			content, aerr := parseUpload(tt.cert, tt.key, tt.certType)
			got := ""
			if aerr != nil {
				got = aerr.Code
				if tt.key != "" && strings.Contains(aerr.Message, strings.TrimSpace(tt.key)) {
					t.Fatal("the error message contains the private key")
				}
			}
			if got != tt.code {
				t.Fatalf("code = %q (%v), want %q", got, aerr, tt.code)
			}
			if aerr == nil && len(content.Info.Fingerprint) != 40 {
				t.Fatalf("fingerprint %q is not 40 hex characters", content.Info.Fingerprint)
			}
		})
	}
}

func TestInspectChainReportsDocumentedFormats(t *testing.T) {
	c := leaf(t, "www.example.com", "*.api.example.com")
	certs, aerr := parseCertificateChain(string(c.FullChainPEM))
	if aerr != nil {
		t.Fatal(aerr)
	}
	info := inspectChain(certs)
	sum := sha1.Sum(c.Cert.Raw)
	if want := strings.ToUpper(hex.EncodeToString(sum[:])); info.Fingerprint != want {
		t.Errorf("fingerprint = %s, want uppercase SHA-1 %s", info.Fingerprint, want)
	}
	if info.Domain != "www.example.com" || len(info.DNSNames) != 2 {
		t.Errorf("domain %q, names %v", info.Domain, info.DNSNames)
	}
	if info.KeyAlgorithm != "ECC 256" {
		t.Errorf("key algorithm = %q", info.KeyAlgorithm)
	}
	if got := plainTime(info.NotBefore); got != "2000-01-01 08:00:00" {
		t.Errorf("CertBeginTime = %q, want Beijing time 2000-01-01 08:00:00", got)
	}
}

// FuzzParseUpload feeds arbitrary certificate and key text to the upload
// parser; it must never panic and must only accept parseable chains.
func FuzzParseUpload(f *testing.F) {
	c := testcerts.Must(testcerts.Must(testcerts.NewCA()).Issue(testcerts.Leaf{DNSNames: []string{"fuzz.example.com"}, ECDSA: true}))
	f.Add(string(c.FullChainPEM), string(c.KeyPEM), "SVR")
	f.Add(string(c.CertPEM), "", "CA")
	f.Add("-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n", "", "SVR")
	f.Add("", "", "")
	f.Add("-----BEGIN CERTIFICATE-----\n-----END CERTIFICATE-----", "-----BEGIN EC PARAMETERS-----\n-----END EC PARAMETERS-----", "SVR")
	f.Fuzz(func(t *testing.T, cert, key, certType string) {
		content, aerr := parseUpload(cert, key, certType)
		if aerr != nil {
			if aerr.Code == "" || aerr.Message == "" {
				t.Fatalf("error without code or message: %+v", aerr)
			}
			return
		}
		if len(content.Info.Fingerprint) != 40 || len(content.Info.Chain) == 0 {
			t.Fatalf("accepted upload without fingerprint or chain: %+v", content.Info)
		}
	})
}
