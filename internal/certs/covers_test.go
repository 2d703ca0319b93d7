package certs

import "testing"

func TestCovers(t *testing.T) {
	cases := []struct {
		name  string
		names []string
		host  string
		want  bool
	}{
		{"an exact name covers its host", []string{"api.example.com"}, "api.example.com", true},
		{"names compare case-insensitively", []string{"API.Example.com"}, "api.example.COM", true},
		{"a trailing dot is ignored", []string{"api.example.com"}, "api.example.com.", true},
		{"a wildcard covers one label", []string{"*.example.com"}, "api.example.com", true},
		{"a wildcard does not cover two labels", []string{"*.example.com"}, "a.b.example.com", false},
		{"a wildcard does not cover its apex", []string{"*.example.com"}, "example.com", false},
		{"a wildcard covers the same wildcard domain", []string{"*.example.com"}, "*.example.com", true},
		{"a wildcard does not cover a wider wildcard domain", []string{"*.shop.example.com"}, "*.example.com", false},
		{"another name does not cover", []string{"www.example.com"}, "api.example.com", false},
		{"any of several names may cover", []string{"www.example.com", "*.shop.example.com"}, "eu.shop.example.com", true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if got := Covers(tc.names, tc.host); got != tc.want {
				t.Fatalf("Covers(%v, %q) = %v", tc.names, tc.host, got)
			}
		})
	}
}
