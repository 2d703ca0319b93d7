package sslsim

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"slices"
	"strconv"
	"testing"
	"time"
)

func TestDecodeParams(t *testing.T) {
	tests := []struct {
		name  string
		body  string
		code  string
		check func(t *testing.T, p *describeHostClbInstanceListParams)
	}{
		{name: "a JSON number is accepted for an integer", body: `{"Limit": 5}`, check: func(t *testing.T, p *describeHostClbInstanceListParams) {
			if p.Limit.Value != 5 || !p.Limit.Set {
				t.Fatalf("Limit = %+v", p.Limit)
			}
		}},
		{name: "a numeric string is accepted for an integer", body: `{"Offset": "7"}`, check: func(t *testing.T, p *describeHostClbInstanceListParams) {
			if p.Offset.Value != 7 {
				t.Fatalf("Offset = %+v", p.Offset)
			}
		}},
		{name: "fields of embedded groups are decoded", body: `{"CertificateId":"abc","OldCertificateId":"def","AsyncCache":0}`, check: func(t *testing.T, p *describeHostClbInstanceListParams) {
			if p.CertificateId != "abc" || p.OldCertificateId != "def" || !p.AsyncCache.Set {
				t.Fatalf("params = %+v", p)
			}
		}},
		{name: "nested filters are decoded", body: `{"Filters":[{"FilterKey":"domainMatch","FilterValue":"0"}]}`, check: func(t *testing.T, p *describeHostClbInstanceListParams) {
			if len(p.Filters) != 1 || p.Filters[0].FilterValue != "0" {
				t.Fatalf("Filters = %+v", p.Filters)
			}
		}},
		{name: "an empty body is an empty parameter set", body: ``, check: func(t *testing.T, p *describeHostClbInstanceListParams) {
			if p.Limit.Set || p.CertificateId != "" {
				t.Fatalf("params = %+v", p)
			}
		}},
		{name: "a non-numeric string for an integer is invalid", body: `{"Limit": "ten"}`, code: CodeInvalidParameter},
		{name: "a fractional number for an integer is invalid", body: `{"Limit": 1.5}`, code: CodeInvalidParameter},
		{name: "a number for a string is invalid", body: `{"CertificateId": 12}`, code: CodeInvalidParameter},
		{name: "an unknown top-level parameter is rejected", body: `{"Region":"ap-guangzhou"}`, code: CodeUnknownParameter},
		{name: "an unknown nested parameter is rejected", body: `{"Filters":[{"FilterKey":"domainMatch","FilterValue":"1","Extra":1}]}`, code: CodeUnknownParameter},
		{name: "a parameter in the wrong case is rejected", body: `{"certificateId":"abc"}`, code: CodeUnknownParameter},
		{name: "an array where an object is expected is invalid", body: `{"Filters":[1]}`, code: CodeInvalidParameter},
		{name: "a body that is not an object is invalid", body: `[1,2]`, code: CodeInvalidParameter},
		{name: "a body that is not JSON is invalid", body: `{"Limit":`, code: CodeInvalidParameter},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var p describeHostClbInstanceListParams
			aerr := decodeParams([]byte(tt.body), &p)
			got := ""
			if aerr != nil {
				got = aerr.Code
			}
			if got != tt.code {
				t.Fatalf("code = %q (%v), want %q", got, aerr, tt.code)
			}
			if tt.check != nil {
				tt.check(t, &p)
			}
		})
	}
}

func TestDecodeParamsRequiresRequiredParameters(t *testing.T) {
	tests := []struct {
		name string
		body string
		code string
	}{
		{name: "present required parameters are accepted", body: `{"CertificateId":"x","InstanceIdList":["a"]}`},
		{name: "an absent required parameter is missing", body: `{"CertificateId":"x"}`, code: CodeMissingParameter},
		{name: "a null required parameter is missing", body: `{"CertificateId":"x","InstanceIdList":null}`, code: CodeMissingParameter},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var p deployCertificateInstanceParams
			aerr := decodeParams([]byte(tt.body), &p)
			got := ""
			if aerr != nil {
				got = aerr.Code
			}
			if got != tt.code {
				t.Fatalf("code = %q (%v), want %q", got, aerr, tt.code)
			}
		})
	}
}

// FuzzDecodeParams decodes arbitrary bodies into every kind of parameter
// struct; decoding must never panic and must answer a documented code.
func FuzzDecodeParams(f *testing.F) {
	for _, seed := range []string{
		`{"CertificateId":"abc","InstanceIdList":["lb-1|lbl-1"],"ResourceType":"clb"}`,
		`{"Limit":"10","Offset":0,"Filters":[{"FilterKey":"domainMatch","FilterValue":"1"}]}`,
		`{"OldCertificateId":"a","ResourceTypes":["clb"],"ResourceTypesRegions":[{"ResourceType":"clb","Regions":["ap-guangzhou"]}]}`,
		`{"Tags":[{"TagKey":"k","TagValue":"v"}],"Repeatable":false,"ProjectId":"0"}`,
		`{"DeployRecordId":"74889"}`, `null`, `[]`, `""`, `{"a":{"b":[[]]}}`,
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		targets := []any{
			&deployCertificateInstanceParams{}, &describeHostClbInstanceListParams{},
			&updateCertificateInstanceParams{}, &uploadCertificateParams{}, &recordDetailParams{},
			&describeCertificatesParams{}, &retryParams{},
		}
		for _, p := range targets {
			if aerr := decodeParams(body, p); aerr != nil {
				switch aerr.Code {
				case CodeInvalidParameter, CodeUnknownParameter, CodeMissingParameter:
				default:
					t.Fatalf("unexpected code %s", aerr.Code)
				}
			}
		}
	})
}

// FuzzAPIRequest sends arbitrary signed bodies to every action; every
// answer must be a well-formed envelope with HTTP status 200.
func FuzzAPIRequest(f *testing.F) {
	names := make([]string, 0, len(actions))
	for name := range actions {
		names = append(names, name)
	}
	// Map iteration order is random; sort so seeds are reproducible.
	slices.Sort(names)
	examples, err := os.ReadFile("testdata/examples.json")
	if err != nil {
		f.Fatal(err)
	}
	var docs []goldenExample
	if err := json.Unmarshal(examples, &docs); err != nil {
		f.Fatal(err)
	}
	for _, ex := range docs {
		f.Add(uint8(slices.Index(names, ex.Action)), []byte(ex.Request), ex.Region)
	}
	f.Add(uint8(0), []byte(`{}`), "")
	f.Add(uint8(3), []byte(`{"Limit":"x"}`), "ap-guangzhou")
	clock := newFakeClock()
	sim := New(Options{
		Credentials: map[string]string{testSecretID: testSecretKey}, Now: clock.Now,
		DisableRateLimits: true, Inventory: testInventory(),
	})
	f.Fuzz(func(t *testing.T, action uint8, body []byte, region string) {
		name := names[int(action)%len(names)]
		req := httptest.NewRequest(http.MethodPost, "http://sslsim.test/", bytes.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("X-TC-Action", name)
		req.Header.Set("X-TC-Version", apiVersion)
		req.Header.Set("X-TC-Timestamp", strconv.FormatInt(clock.Now().Unix(), 10))
		if region != "" {
			req.Header.Set("X-TC-Region", region)
		}
		signTC3(req, body, testSecretID, testSecretKey, "ssl", clock.Now().Unix())
		rec := httptest.NewRecorder()
		sim.ServeHTTP(rec, req)
		clock.Advance(time.Second)
		if rec.Code != http.StatusOK {
			t.Fatalf("status %d", rec.Code)
		}
		resp := parseEnvelope(t, rec.Body.Bytes())
		if resp.Code == CodeInternalError {
			t.Fatalf("%s answered InternalError: %s", name, resp.Message)
		}
	})
}
