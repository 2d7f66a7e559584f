package auth0api

import (
	"strings"
	"testing"
)

func TestParseDomain(t *testing.T) {
	t.Parallel()
	ok := map[string]string{
		"acme.eu.auth0.com":          "https://acme.eu.auth0.com",
		"https://acme.eu.auth0.com":  "https://acme.eu.auth0.com",
		"https://acme.eu.auth0.com/": "https://acme.eu.auth0.com",
		"http://127.0.0.1:8080":      "http://127.0.0.1:8080",
		"http://127.9.9.9:1":         "http://127.9.9.9:1",
		"http://localhost:3000":      "http://localhost:3000",
		"http://[::1]:3000":          "http://[::1]:3000",
		" acme.auth0.com ":           "https://acme.auth0.com",
	}
	for in, want := range ok {
		got, err := ParseDomain(in)
		if err != nil || got.URL.String() != want {
			t.Errorf("ParseDomain(%q) = %v, %v; want %s", in, got.URL, err, want)
		}
	}
	bad := map[string]string{
		"":                               "no tenant",
		"http://acme.eu.auth0.com":       "loopback",
		"http://10.0.0.1:80":             "loopback",
		"http://localhost.evil.com":      "loopback",
		"ftp://acme.auth0.com":           "scheme",
		"https://acme.auth0.com/api/v2":  "without a path",
		"https://acme.auth0.com?x=1":     "without a path",
		"https://user:pw@acme.auth0.com": "credentials",
		"https://":                       "no host",
	}
	for in, want := range bad {
		if _, err := ParseDomain(in); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("ParseDomain(%q) = %v, want an error about %q", in, err, want)
		}
	}
}

func TestTenantKey_oneTenantOneKey(t *testing.T) {
	t.Parallel()
	groups := [][]string{
		{"http://localhost:8080", "http://LOCALHOST:8080", "http://127.0.0.1:8080", "http://[::1]:8080", "http://localhost.:8080"},
		{"acme.eu.auth0.com", "ACME.eu.auth0.com", "https://acme.eu.auth0.com:443", "acme.eu.auth0.com."},
	}
	for _, g := range groups {
		first, err := ParseDomain(g[0])
		if err != nil {
			t.Fatal(err)
		}
		for _, spelling := range g[1:] {
			got, err := ParseDomain(spelling)
			if err != nil {
				t.Fatalf("%q: %v", spelling, err)
			}
			if got.Key() != first.Key() {
				t.Errorf("%q: key %q, want %q", spelling, got.Key(), first.Key())
			}
		}
	}
	if !SameTenant("ACME.eu.auth0.com:443", "acme.eu.auth0.com") || SameTenant("localhost:8080", "localhost:8081") ||
		SameTenant("acme.eu.auth0.com", "acme.us.auth0.com") {
		t.Error("SameTenant")
	}
	if n, _ := ParseDomain("https://ACME.eu.auth0.com.:443/"); n.Name() != "acme.eu.auth0.com" {
		t.Errorf("name %q", n.Name())
	}
}
