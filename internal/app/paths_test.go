package app

import (
	"fmt"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/scim-migrate/scim-migrate/internal/emulator"
)

// TestPaths_namesNeverShapeARequest applies a manifest naming connections
// whose names hold /, .., %, ?, # and spaces, and checks in the emulator's
// request log that every request went to a known route with a seeded id and
// only known query parameters: a name is only ever compared locally.
func TestPaths_namesNeverShapeARequest(t *testing.T) {
	t.Parallel()
	names := []string{"acme/../../tenants", "acme%2Fokta", "acme?x=1", "acme#frag", "acme okta", "..", "con_Ac8mEoKta1x2Y3z4/scim-configuration"}
	var conns []emulator.Connection
	var entries []string
	for i, n := range names {
		id := fmt.Sprintf("con_Path%012d", i)
		conns = append(conns, emulator.Connection{ID: id, Name: n, Strategy: "okta",
			SCIM: &emulator.SCIMConfig{UserIDAttribute: "userName", Mapping: []emulator.Mapping{{SCIM: "userName", Auth0: "email"}}}})
		entries = append(entries, fmt.Sprintf(`{"connection_name": %q, "mode": "merge", "mapping": [{"scim": "title", "auth0": "app_metadata.title"}]}`, n))
	}
	entries = append(entries, `{"select": {"name_pattern": "acme?x=*"}, "mode": "merge", "mapping": [{"scim": "nickName", "auth0": "nickname"}]}`)
	h := newHarness(t, emulator.Options{}, conns...)
	m := h.file("m.json", `{"connections": [`+strings.Join(entries, ",\n")+`]}`)
	rep := h.path("r.jsonl")
	h.expect(h.run("apply", "--report", rep, "-f", m), 0)
	h.expect(h.run("rollback", "--report", h.path("b.jsonl"), "--from", rep), 0)

	route := regexp.MustCompile(`^/api/v2/(connections|connections-scim-configurations|connections/con_Path[0-9]{12}/scim-configuration)$`)
	allowedQuery := map[string]bool{"take": true, "from": true, "strategy": true, "fields": true, "include_fields": true}
	writes := 0
	for _, rec := range h.tenant.Requests() {
		if rec.Kind == emulator.KindToken {
			continue
		}
		if !route.MatchString(rec.EscapedPath) {
			t.Fatalf("a request went to %q", rec.EscapedPath)
		}
		q, err := url.ParseQuery(rec.RawQuery)
		if err != nil {
			t.Fatalf("query %q: %v", rec.RawQuery, err)
		}
		for k := range q {
			if !allowedQuery[k] {
				t.Fatalf("unexpected query parameter %q in %q", k, rec.RawQuery)
			}
		}
		if rec.Method == "PATCH" {
			writes++
		}
	}
	if writes != 2*len(names) {
		t.Fatalf("%d writes, want %d (apply and rollback of every connection)", writes, 2*len(names))
	}
}
