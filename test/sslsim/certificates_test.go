package sslsim

import (
	"crypto/sha1"
	"encoding/hex"
	"strings"
	"testing"
	"time"

	"github.com/certsync/tencent-cert-operator/internal/testcerts"
)

type certificateDetail struct {
	CertificateId         string
	Domain                string
	SubjectAltName        []string
	CertBeginTime         string
	CertEndTime           string
	InsertTime            string
	CertFingerprint       string
	EncryptAlgorithm      string
	CertificatePublicKey  string
	CertificatePrivateKey *string
	CertificateType       string
	Status                int
	Alias                 string
	ProjectId             string
	Tags                  []Tag
	From                  string
	IsWildcard            bool
	DomainType            int
	CertChainInfo         []struct{ Subject, Fingerprint string }
}

func TestUploadCertificateStoresWhatDescribeReports(t *testing.T) {
	e := newEnv(t, nil)
	c := leaf(t, "www.example.com", "api.example.com")
	var up struct{ CertificateId, RepeatCertId string }
	e.mustCall("", "UploadCertificate", map[string]any{
		"CertificatePublicKey": string(c.FullChainPEM), "CertificatePrivateKey": string(c.KeyPEM),
		"Alias": "web", "ProjectId": "42", "Tags": []Tag{{TagKey: "team", TagValue: "edge"}},
	}, &up)
	if len(up.CertificateId) != 8 || up.RepeatCertId != "" {
		t.Fatalf("upload answered %+v, want an 8-character ID and no RepeatCertId", up)
	}
	var d certificateDetail
	e.mustCall("", "DescribeCertificateDetail", map[string]string{"CertificateId": up.CertificateId}, &d)
	sum := sha1.Sum(c.Cert.Raw)
	checks := []struct {
		name string
		ok   bool
	}{
		{"the ID is returned", d.CertificateId == up.CertificateId},
		{"the main domain is the common name", d.Domain == "www.example.com"},
		{"SubjectAltName excludes the main domain, as documented for this action", len(d.SubjectAltName) == 1 && d.SubjectAltName[0] == "api.example.com"},
		{"CertBeginTime is Beijing time", d.CertBeginTime == "2000-01-01 08:00:00"},
		{"CertEndTime is Beijing time", d.CertEndTime == "2100-01-01 08:00:00"},
		{"InsertTime is the upload time in Beijing time", d.InsertTime == "2026-03-01 20:00:00"},
		{"the fingerprint is the uppercase SHA-1 of the leaf", d.CertFingerprint == strings.ToUpper(hex.EncodeToString(sum[:]))},
		{"the key algorithm is reported", d.EncryptAlgorithm == "ECC 256"},
		{"the certificate PEM is returned", d.CertificatePublicKey == string(c.FullChainPEM)},
		{"the private key is masked", d.CertificatePrivateKey != nil && *d.CertificatePrivateKey == "*******"},
		{"the type defaults to SVR", d.CertificateType == "SVR"},
		{"the certificate is issued", d.Status == 1},
		{"the alias is stored", d.Alias == "web"},
		{"the project is stored", d.ProjectId == "42"},
		{"the tags are stored", len(d.Tags) == 1 && d.Tags[0] == Tag{TagKey: "team", TagValue: "edge"}},
		{"the source is upload", d.From == "upload"},
		{"a two-name certificate is multi-domain", d.DomainType == 2 && !d.IsWildcard},
		{"the chain is described", len(d.CertChainInfo) == 1 && d.CertChainInfo[0].Fingerprint == hex.EncodeToString(sum[:])},
	}
	for _, c := range checks {
		if !c.ok {
			t.Errorf("%s: detail = %+v", c.name, d)
		}
	}
	if strings.Contains(d.CertificatePublicKey+string(mustJSON(t, d)), string(c.KeyPEM)) {
		t.Fatal("the detail contains the private key")
	}
}

func TestUploadRepeatableControlsDuplicates(t *testing.T) {
	e := newEnv(t, nil)
	c := exampleCert(t)
	first := e.upload(c)
	upload := func(params map[string]any) (string, string) {
		var out struct{ CertificateId, RepeatCertId string }
		params["CertificatePublicKey"] = string(c.FullChainPEM)
		params["CertificatePrivateKey"] = string(c.KeyPEM)
		e.mustCall("", "UploadCertificate", params, &out)
		return out.CertificateId, out.RepeatCertId
	}
	id, repeat := upload(map[string]any{"Repeatable": false})
	if id != first || repeat != first {
		t.Errorf("Repeatable=false answered (%s, %s), want the existing ID %s in both", id, repeat, first)
	}
	id, _ = upload(map[string]any{"Alias": "another chain", "Repeatable": false})
	if id != first {
		t.Errorf("the same leaf with another alias is identical: got %s, want %s", id, first)
	}
	id, repeat = upload(map[string]any{})
	if id == first || repeat != "" {
		t.Errorf("the default (Repeatable=true) answered (%s, %q), want a new ID", id, repeat)
	}
	if n := len(e.sim.Certificates()); n != 2 {
		t.Errorf("%d certificates stored, want 2", n)
	}

	var exist struct{ RepeatCertId string }
	e.mustCall("", "CheckCertificateExist", map[string]string{"CertificatePublicKey": string(c.CertPEM)}, &exist)
	if exist.RepeatCertId != first {
		t.Errorf("CheckCertificateExist = %q, want the oldest identical %s", exist.RepeatCertId, first)
	}
	e.mustCall("", "CheckCertificateExist", map[string]string{"CertificatePublicKey": string(leaf(t, "new.example.com").CertPEM)}, &exist)
	if exist.RepeatCertId != "" {
		t.Errorf("CheckCertificateExist for a new certificate = %q, want empty", exist.RepeatCertId)
	}
}

func TestUploadCertificateErrors(t *testing.T) {
	e := newEnv(t, nil)
	c := exampleCert(t)
	other := leaf(t, "other.example.com")
	tests := []struct {
		name   string
		params map[string]any
		code   string
	}{
		{name: "a malformed certificate is a parse error", params: map[string]any{"CertificatePublicKey": "-----BEGIN CERTIFICATE-----\nabc\n-----END CERTIFICATE-----", "CertificatePrivateKey": string(c.KeyPEM)}, code: CodeCertificateParseError},
		{name: "a key of another certificate does not match", params: map[string]any{"CertificatePublicKey": string(c.FullChainPEM), "CertificatePrivateKey": string(other.KeyPEM)}, code: CodeCertificateMatchError},
		{name: "a server certificate uploaded as CA is a CA error", params: map[string]any{"CertificatePublicKey": string(c.FullChainPEM), "CertificateType": "CA"}, code: CodeCertificateCaError},
		{name: "a server certificate needs its key", params: map[string]any{"CertificatePublicKey": string(c.FullChainPEM)}, code: CodeMissMatchPrivateKey},
		{name: "the certificate is required", params: map[string]any{"CertificatePrivateKey": string(c.KeyPEM)}, code: CodeMissingParameter},
		{name: "Repeatable must be a boolean", params: map[string]any{"CertificatePublicKey": string(c.FullChainPEM), "CertificatePrivateKey": string(c.KeyPEM), "Repeatable": "false"}, code: CodeInvalidParameter},
		{name: "the deprecated IsRepeat does not exist", params: map[string]any{"CertificatePublicKey": string(c.FullChainPEM), "CertificatePrivateKey": string(c.KeyPEM), "IsRepeat": false}, code: CodeUnknownParameter},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp := e.call("UploadCertificate", tt.params)
			wantCode(t, resp, tt.code)
			if strings.Contains(string(resp.Raw), strings.TrimSpace(string(c.KeyPEM))) {
				t.Fatal("the error echoes the private key")
			}
		})
	}
	if n := len(e.sim.Certificates()); n != 0 {
		t.Fatalf("%d certificates stored after failed uploads", n)
	}
}

func TestExpiredCertificatesReportStatus3(t *testing.T) {
	e := newEnv(t, nil)
	expired := testcerts.Must(testCA().Issue(testcerts.Leaf{DNSNames: []string{"old.example.com"}, ECDSA: true,
		NotBefore: time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC), NotAfter: time.Date(2021, 1, 1, 0, 0, 0, 0, time.UTC)}))
	id := e.upload(expired)
	var d certificateDetail
	e.mustCall("", "DescribeCertificateDetail", map[string]string{"CertificateId": id}, &d)
	if d.Status != 3 {
		t.Fatalf("status = %d, want 3 (expired)", d.Status)
	}
	wantCode(t, e.callIn("ap-guangzhou", "DeployCertificateInstance", map[string]any{
		"CertificateId": id, "InstanceIdList": []string{"lb-web1|lbl-tcpssl"}}), CodeCertificateNotAvailable)
}

func TestDescribeCertificatesFiltersAndPages(t *testing.T) {
	e := newEnv(t, nil)
	var ids []string
	for _, name := range []string{"a.example.com", "b.example.com", "c.example.org"} {
		ids = append(ids, e.upload(leaf(t, name)))
		e.clock.Advance(time.Minute)
	}
	e.mustCall("", "ModifyCertificateAlias", map[string]string{"CertificateId": ids[1], "Alias": "Billing API"}, nil)
	type list struct {
		TotalCount   int
		Certificates []struct {
			CertificateId  string
			SubjectAltName []string
			IsIgnore       bool
		}
	}
	tests := []struct {
		name   string
		params map[string]any
		total  int
		want   []string
	}{
		{name: "all certificates are listed newest first", params: map[string]any{}, total: 3, want: []string{ids[2], ids[1], ids[0]}},
		{name: "numeric strings page the list", params: map[string]any{"Offset": "1", "Limit": "1"}, total: 3, want: []string{ids[1]}},
		{name: "a search key matches the domain", params: map[string]any{"SearchKey": "example.org"}, total: 1, want: []string{ids[2]}},
		{name: "a search key matches the alias", params: map[string]any{"SearchKey": "billing"}, total: 1, want: []string{ids[1]}},
		{name: "a search key matches an ID prefix", params: map[string]any{"SearchKey": ids[0][:5]}, total: 1, want: []string{ids[0]}},
		{name: "CertIds selects certificates", params: map[string]any{"CertIds": []string{ids[0], ids[2]}}, total: 2, want: []string{ids[2], ids[0]}},
		{name: "bought certificates are not uploaded ones", params: map[string]any{"FilterSource": "buy"}, total: 0, want: []string{}},
		{name: "a CA filter excludes server certificates", params: map[string]any{"CertificateType": "CA"}, total: 0, want: []string{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got list
			e.mustCall("", "DescribeCertificates", tt.params, &got)
			if got.TotalCount != tt.total || len(got.Certificates) != len(tt.want) {
				t.Fatalf("got %+v, want total %d and %v", got, tt.total, tt.want)
			}
			for i, c := range got.Certificates {
				if c.CertificateId != tt.want[i] {
					t.Fatalf("item %d = %s, want %s", i, c.CertificateId, tt.want[i])
				}
			}
		})
	}
}

func TestExpiringNotificationSwitchIsRecorded(t *testing.T) {
	e := newEnv(t, nil)
	id := e.upload(exampleCert(t))
	var out struct{ CertificateIds []string }
	e.mustCall("", "ModifyCertificatesExpiringNotificationSwitch", map[string]any{"CertificateIds": []string{id}, "SwitchStatus": 1}, &out)
	if len(out.CertificateIds) != 1 || out.CertificateIds[0] != id {
		t.Fatalf("answered %v", out.CertificateIds)
	}
	var list struct{ Certificates []struct{ IsIgnore bool } }
	e.mustCall("", "DescribeCertificates", map[string]any{}, &list)
	if !list.Certificates[0].IsIgnore {
		t.Fatal("IsIgnore is false after muting")
	}
	if !e.sim.Certificates()[0].IgnoreExpiryNotification {
		t.Fatal("the state does not record the muting")
	}
	tooMany := make([]string, 51)
	for i := range tooMany {
		tooMany[i] = id
	}
	wantCode(t, e.call("ModifyCertificatesExpiringNotificationSwitch", map[string]any{"CertificateIds": tooMany, "SwitchStatus": 0}), CodeCertificatesNumberExceeded)
	wantCode(t, e.call("ModifyCertificatesExpiringNotificationSwitch", map[string]any{"CertificateIds": []string{"nope1234"}, "SwitchStatus": 0}), CodeCertificateNotFound)
}

func TestModifyCertificateProjectMovesKnownCertificates(t *testing.T) {
	e := newEnv(t, nil)
	id := e.upload(leaf(t, "a.example.com"))
	var out struct{ SuccessCertificates, FailCertificates []string }
	e.mustCall("", "ModifyCertificateProject", map[string]any{"CertificateIdList": []string{id, "missing1"}, "ProjectId": 7}, &out)
	if len(out.SuccessCertificates) != 1 || out.SuccessCertificates[0] != id || len(out.FailCertificates) != 1 || out.FailCertificates[0] != "missing1" {
		t.Fatalf("answer %+v", out)
	}
	if got := e.sim.Certificates()[0].ProjectID; got != 7 {
		t.Fatalf("project %d, want 7", got)
	}
	wantCode(t, e.call("ModifyCertificateProject", map[string]any{"CertificateIdList": []string{id}}), CodeMissingParameter)
	wantCode(t, e.call("ModifyCertificateProject", map[string]any{"CertificateIdList": []string{}, "ProjectId": 1}), CodeInvalidParameter)
}

func TestSetCertificateStatusShowsInTheDetail(t *testing.T) {
	e := newEnv(t, nil)
	id := e.upload(leaf(t, "a.example.com"))
	status := func() int {
		var out struct{ Status int }
		e.mustCall("", "DescribeCertificateDetail", map[string]string{"CertificateId": id}, &out)
		return out.Status
	}
	if err := e.sim.SetCertificateStatus(id, 0); err != nil {
		t.Fatal(err)
	}
	if got := status(); got != 0 {
		t.Fatalf("status %d, want 0 (under review)", got)
	}
	if err := e.sim.SetCertificateStatus(id, -1); err != nil {
		t.Fatal(err)
	}
	if got := status(); got != 1 {
		t.Fatalf("status %d, want 1 (issued) again", got)
	}
	if err := e.sim.SetCertificateStatus("missing1", 0); err == nil {
		t.Fatal("a missing certificate got a status")
	}
}
