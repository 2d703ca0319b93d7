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
		start   flexInt
		want    flexInt
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
			if err != nil || got != tc.want {
				t.Errorf("decoded %s as %d, %v; want %d", tc.in, got, err, tc.want)
			}
		})
	}
}

func TestFlexStringDecoding(t *testing.T) {
	cases := []struct {
		name    string
		in      string
		want    flexString
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
			got := flexString("before")
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
		want    stringList
		wantErr bool
	}{
		{name: "An array decodes", in: `["/zrh1","/zrh2"]`, want: stringList{"/zrh1", "/zrh2"}},
		{name: "A single string becomes one element", in: `"/index"`, want: stringList{"/index"}},
		{name: "An empty string is an empty list", in: `""`, want: nil},
		{name: "Null is an empty list", in: `null`, want: nil},
		{name: "A number is rejected", in: `7`, wantErr: true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var got stringList
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

func TestFlexIntEncodesAsANumber(t *testing.T) {
	got, err := json.Marshal(struct{ I flexInt }{I: 7})
	if err != nil || string(got) != `{"I":7}` {
		t.Errorf("encoded %s, %v; want {\"I\":7}", got, err)
	}
}

func TestParseTime(t *testing.T) {
	cases := []struct {
		name string
		in   *string
		want *time.Time
	}{
		{name: "The plain form is read as UTC+8", in: new("2025-05-20 15:03:17"), want: new(time.Date(2025, 5, 20, 7, 3, 17, 0, time.UTC))},
		{name: "Surrounding spaces are ignored", in: new(" 2025-05-20 15:03:17 "), want: new(time.Date(2025, 5, 20, 7, 3, 17, 0, time.UTC))},
		{name: "A missing time is nil", in: nil},
		{name: "A malformed time is nil", in: new("2024-11-06 08:00:0")},
		{name: "The placeholder -- is nil", in: new("--")},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got := parseTime(tc.in)
			if (got == nil) != (tc.want == nil) || got != nil && !got.Equal(*tc.want) {
				t.Errorf("parseTime = %v, want %v", got, tc.want)
			}
		})
	}
}
