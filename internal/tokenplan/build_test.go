package tokenplan

import (
	"strings"
	"testing"
	"time"

	"github.com/scim-migrate/scim-migrate/internal/manifest"
	"github.com/scim-migrate/scim-migrate/internal/plan"
	"github.com/scim-migrate/scim-migrate/internal/runlog"
	"github.com/scim-migrate/scim-migrate/internal/scim"
	"github.com/scim-migrate/scim-migrate/internal/scimtoken"
)

var (
	t0   = time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)
	meta = Meta{Tenant: "acme.eu.auth0.com", ToolVersion: "test", Now: t0, TenantURL: "https://acme.eu.auth0.com"}
)

func tok(id string, age time.Duration) scimtoken.Token {
	return scimtoken.Token{ID: id, CreatedAt: t0.Add(-age)}
}

func TestRotate_revokesTheOlderOnlyAtTheMaximum(t *testing.T) {
	targets := []Target{
		{Conn: scim.Connection{ID: "con_full", Name: "full"}},
		{Conn: scim.Connection{ID: "con_one", Name: "one"}},
		{Conn: scim.Connection{Name: "nope"}, Problem: "no such connection", NotFound: true},
	}
	held := [][]scimtoken.Token{{tok("tok_new", time.Hour), tok("tok_old", 48*time.Hour)}, {tok("tok_only", time.Hour)}, nil}
	p := Rotate(targets, held, Request{Scopes: scimtoken.DefaultScopes}, meta)
	if p.Kind != runlog.KindTokenRotate || p.Request == nil || p.Writes() != 2 || len(p.Changes) != 3 {
		t.Fatalf("plan %+v", p)
	}
	full, one, nope := p.Changes[0], p.Changes[1], p.Changes[2]
	if full.Action != scimtoken.ActionRotate || full.TokenID != "tok_old" || full.Endpoint != "https://acme.eu.auth0.com/scim/v2/connections/con_full" {
		t.Errorf("at the maximum: %+v", full)
	}
	if one.TokenID != "" || one.Action != scimtoken.ActionRotate {
		t.Errorf("below the maximum nothing is revoked: %+v", one)
	}
	if nope.Writes() || nope.Decided != runlog.StatusFailed || nope.Problem == "" {
		t.Errorf("a target with a problem fails without a request: %+v", nope)
	}
}

func TestIssueAndRevoke(t *testing.T) {
	targets := []Target{
		{Conn: scim.Connection{ID: "con_a"}},
		{Conn: scim.Connection{ID: "con_b"}, Problem: noConfiguration, Unconfigured: true},
	}
	if p := Issue(targets, Request{}, meta); p.Writes() != 1 || p.Changes[1].Decided != runlog.StatusFailed {
		t.Errorf("issue %+v", p.Changes)
	}
	held := [][]scimtoken.Token{{tok("tok_new", time.Hour), tok("tok_old", 48*time.Hour)}, nil}
	p := Revoke(targets, held, scimtoken.Choice{KeepNewest: 1}, t0, meta)
	if len(p.Changes) != 1 || p.Changes[0].TokenID != "tok_old" || p.Changes[0].Action != scimtoken.ActionRevoke {
		t.Errorf("revoke %+v", p.Changes)
	}
}

func TestDecode_roundTripAndRefusals(t *testing.T) {
	p := Rotate([]Target{{Conn: scim.Connection{ID: "con_a"}}}, [][]scimtoken.Token{nil}, Request{Scopes: []string{"get:users"}, Lifetime: 90 * 24 * time.Hour}, meta)
	data, err := p.Encode()
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(data), `"lifetime_seconds": 7776000`) {
		t.Errorf("the lifetime is saved in seconds:\n%s", data)
	}
	back, err := Decode(data)
	if err != nil || back.Request.Lifetime != p.Request.Lifetime || back.Changes[0].ID != "con_a" || !back.CreatedAt.Equal(t0) {
		t.Fatalf("round trip: %+v %v", back, err)
	}
	for name, edit := range map[string]func(string) string{
		"bad id":      func(s string) string { return strings.Replace(s, "con_a", "con_a/../x", 1) },
		"bad version": func(s string) string { return strings.Replace(s, `"version": 1`, `"version": 9`, 1) },
		"bad action":  func(s string) string { return strings.Replace(s, "rotate_token", "update", 1) },
		"no tenant":   func(s string) string { return strings.Replace(s, `"tenant": "acme.eu.auth0.com"`, `"tenant": ""`, 1) },
	} {
		if _, err := Decode([]byte(edit(string(data)))); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
	if err := p.CheckAge(t0.Add(2*time.Hour), time.Hour); err == nil {
		t.Error("a stale plan must be refused")
	}
}

func TestFromManifest(t *testing.T) {
	r := &plan.Resolved{
		Connections: []*scim.LiveConnection{
			{Connection: scim.Connection{ID: "con_a"}, Config: &scim.Config{}},
			{Connection: scim.Connection{ID: "con_b"}},
		},
		Unresolved: []plan.Unresolved{{From: manifest.Pos{File: "m.csv", Line: 3}, ConnectionName: "gone", Error: "no connection named \"gone\""}},
	}
	got := FromManifest(r)
	if len(got) != 3 || got[0].Problem != "" || !got[1].Unconfigured || !got[2].NotFound || !strings.HasPrefix(got[2].Problem, "m.csv:3: ") {
		t.Errorf("targets %+v", got)
	}
}
