package tencentcloud

import (
	"encoding/json"
	"reflect"
	"testing"
	"time"
)

func TestFlexIntDecoding(t *testing.T) {
	cases := []struct {
		name    string
		in      string
		start   FlexInt
		want    FlexInt
		wantErr bool
	}{
		{name: "A number decodes", in: `443`, want: 443},
		{name: "A numeric string decodes", in: `"443"`, want: 443},
		{name: "A negative string decodes", in: `"-1"`, want: -1},
		{name: "A string with spaces decodes", in: `" 12 "`, want: 12},
		{name: "An empty string is zero", in: `""`, start: 5, want: 0},
		{name: "Null leaves the value alone", in: `null`, start: 5, want: 5},
		{name: "An integral float decodes", in: `443.0`, want: 443},
		{name: "An exponent decodes", in: `1e3`, want: 1000},
		{name: "A uint64-sized ID decodes", in: `"9007199254740993"`, want: 9007199254740993},
		{name: "A fraction is rejected", in: `1.5`, wantErr: true},
		{name: "Text is rejected", in: `"abc"`, wantErr: true},
		{name: "A boolean is rejected", in: `true`, wantErr: true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got := tc.start
			err := json.Unmarshal([]byte(tc.in), &got)
			if tc.wantErr {
				if err == nil {
					t.Fatalf("decoded %s as %d, want an error", tc.in, got)
				}
				return
			}
			if err != nil || got.Int64() != int64(tc.want) {
				t.Errorf("decoded %s as %d, %v; want %d", tc.in, got, err, tc.want)
			}
		})
	}
}

func TestFlexStringDecoding(t *testing.T) {
	cases := []struct {
		name    string
		in      string
		want    FlexString
		wantErr bool
	}{
		{name: "A string decodes", in: `"/index"`, want: "/index"},
		{name: "A number keeps its text", in: `100012345678`, want: "100012345678"},
		{name: "A boolean becomes its text", in: `true`, want: "true"},
		{name: "Null leaves the value alone", in: `null`, want: "before"},
		{name: "An array of strings is joined", in: `["/a","/b"]`, want: "/a,/b"},
		{name: "An object is rejected", in: `{"a":1}`, wantErr: true},
		{name: "An array of objects is rejected", in: `[{"a":1}]`, wantErr: true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got := FlexString("before")
			err := json.Unmarshal([]byte(tc.in), &got)
			if tc.wantErr {
				if err == nil {
					t.Fatalf("decoded %s as %q, want an error", tc.in, got)
				}
				return
			}
			if err != nil || got != tc.want {
				t.Errorf("decoded %s as %q, %v; want %q", tc.in, got, err, tc.want)
			}
		})
	}
}

func TestStringListDecoding(t *testing.T) {
	cases := []struct {
		name    string
		in      string
		want    StringList
		wantErr bool
	}{
		{name: "An array decodes", in: `["/zrh1","/zrh2"]`, want: StringList{"/zrh1", "/zrh2"}},
		{name: "A single string becomes one element", in: `"/index"`, want: StringList{"/index"}},
		{name: "An empty string is an empty list", in: `""`, want: nil},
		{name: "Null is an empty list", in: `null`, want: nil},
		{name: "A number is rejected", in: `7`, wantErr: true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var got StringList
			err := json.Unmarshal([]byte(tc.in), &got)
			if tc.wantErr {
				if err == nil {
					t.Fatalf("decoded %s as %v, want an error", tc.in, got)
				}
				return
			}
			if err != nil || !reflect.DeepEqual(got, tc.want) {
				t.Errorf("decoded %s as %#v, %v; want %#v", tc.in, got, err, tc.want)
			}
		})
	}
}

func TestFlexTypesEncodeAsTheirDocumentedType(t *testing.T) {
	got, err := json.Marshal(struct {
		I FlexInt
		S FlexString
		L StringList
	}{I: 7, S: "7", L: StringList{"a"}})
	if err != nil {
		t.Fatal(err)
	}
	if want := `{"I":7,"S":"7","L":["a"]}`; string(got) != want {
		t.Errorf("encoded %s, want %s", got, want)
	}
}

func TestEnumsDecodeFromStrings(t *testing.T) {
	var v struct {
		C CertificateStatus
		D DetailStatus
		R RecordStatus
		S DeployStatus
		P PassType
		Y SyncStatus
	}
	if err := json.Unmarshal([]byte(`{"C":"3","D":"2","R":2,"S":"1","P":"1","Y":"3"}`), &v); err != nil {
		t.Fatal(err)
	}
	if v.C != CertificateStatusExpired || v.D != DetailStatusFailed || v.R != RecordStatusFailed || v.S != DeployStatusCreated || v.P != PassTypeRollback || v.Y != SyncStatusProcessing {
		t.Errorf("decoded %+v", v)
	}
}

func TestDetailStatusDone(t *testing.T) {
	cases := []struct {
		status DetailStatus
		want   bool
	}{
		{DetailStatusPending, false},
		{DetailStatusSuccess, true},
		{DetailStatusFailed, true},
		{DetailStatusDeploying, false},
		{DetailStatusRollbackSuccess, true},
		{DetailStatusRollbackFailed, true},
		{DetailStatusNoResource, true},
		{DetailStatus(7), false},
	}
	for _, tc := range cases {
		if got := tc.status.Done(); got != tc.want {
			t.Errorf("DetailStatus(%d).Done() = %v, want %v", tc.status, got, tc.want)
		}
	}
}

func TestDeployNeedsRegion(t *testing.T) {
	cases := []struct {
		resourceType string
		want         bool
	}{
		{"", true}, {ResourceTypeCLB, true}, {ResourceTypeWAF, true}, {ResourceTypeAPIGateway, true},
		{ResourceTypeCOS, true}, {ResourceTypeLighthouse, true}, {ResourceTypeTKE, true}, {ResourceTypeTSE, true}, {ResourceTypeTCB, true},
		{ResourceTypeCDN, false}, {ResourceTypeDDoS, false}, {ResourceTypeLive, false}, {ResourceTypeVOD, false}, {ResourceTypeTEO, false},
	}
	for _, tc := range cases {
		if got := DeployNeedsRegion(tc.resourceType); got != tc.want {
			t.Errorf("DeployNeedsRegion(%q) = %v, want %v", tc.resourceType, got, tc.want)
		}
	}
}

func TestParseTime(t *testing.T) {
	cases := []struct {
		name    string
		in      string
		want    time.Time
		wantErr bool
	}{
		{name: "The plain form is read as UTC+8", in: "2025-05-20 15:03:17", want: time.Date(2025, 5, 20, 7, 3, 17, 0, time.UTC)},
		{name: "The ISO form is read as UTC", in: "2025-05-20T07:03:17.000000Z", want: time.Date(2025, 5, 20, 7, 3, 17, 0, time.UTC)},
		{name: "A malformed time is rejected", in: "2024-11-06 08:00:0", wantErr: true},
		{name: "The placeholder -- is rejected", in: "--", wantErr: true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, err := ParseTime(tc.in)
			if tc.wantErr {
				if err == nil {
					t.Fatalf("parsed %q as %v, want an error", tc.in, got)
				}
				return
			}
			if err != nil || !got.Equal(tc.want) {
				t.Errorf("ParseTime(%q) = %v, %v; want %v", tc.in, got, err, tc.want)
			}
		})
	}
}
