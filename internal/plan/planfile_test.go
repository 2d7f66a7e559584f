package plan

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/scim-migrate/scim-migrate/internal/manifest"
	"github.com/scim-migrate/scim-migrate/internal/scim"
	"github.com/scim-migrate/scim-migrate/internal/scim/scimtest"
)

func samplePlan() *Plan {
	before := &scim.Config{UserIDAttribute: "userName", Mapping: scimtest.Pairs("a", "1")}
	after := &scim.Config{UserIDAttribute: "userName", Mapping: scimtest.Pairs("a", "2")}
	changes := []Change{
		{ConnectionID: "con_a1", ConnectionName: "a", Strategy: "okta", Action: ActionUpdate, Mode: manifest.ModeReplace, Before: before, After: after, From: manifest.Pos{File: "m.json", Line: 3}},
		{ConnectionID: "con_b2", ConnectionName: "b", Strategy: "okta", Action: ActionMissing, Mode: manifest.ModeReplace, From: manifest.Pos{File: "m.json", Line: 9}},
	}
	return &Plan{Version: FormatVersion, Tenant: "acme.eu.auth0.com", CreatedAt: time.Unix(0, 0).UTC(),
		Summary: Summarize(changes), Changes: changes}
}

func TestPlanFile_roundTrip(t *testing.T) {
	path := filepath.Join(t.TempDir(), "plan.json")
	p := samplePlan()
	if err := p.WriteFile(path); err != nil {
		t.Fatal(err)
	}
	if fi, _ := os.Stat(path); fi.Mode().Perm() != 0o600 {
		t.Fatalf("mode %v", fi.Mode().Perm())
	}
	got, err := ReadPlanFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if got.Tenant != p.Tenant || len(got.Changes) != 2 || !got.Changes[0].After.Equal(p.Changes[0].After) {
		t.Fatalf("got %+v", got)
	}
}

func TestPlanFile_refusesEdits(t *testing.T) {
	good, _ := samplePlan().Encode()
	cases := map[string]func(string) string{
		"other version":   func(s string) string { return strings.Replace(s, `"version": 1`, `"version": 2`, 1) },
		"summary edited":  func(s string) string { return strings.Replace(s, `"update": 1`, `"update": 5`, 1) },
		"bad id":          func(s string) string { return strings.Replace(s, `"con_a1"`, `"con_a1/../x"`, 1) },
		"unknown field":   func(s string) string { return strings.Replace(s, `"tenant"`, `"extra": 1, "tenant"`, 1) },
		"unknown action":  func(s string) string { return strings.Replace(s, `"action": "missing"`, `"action": "drop"`, 1) },
		"action mismatch": func(s string) string { return strings.Replace(s, `"action": "update"`, `"action": "none"`, 1) },
		"no tenant":       func(s string) string { return strings.Replace(s, `"acme.eu.auth0.com"`, `""`, 1) },
		"truncated":       func(s string) string { return s[:len(s)/2] },
		"not json":        func(string) string { return "<html></html>" },
	}
	for name, edit := range cases {
		t.Run(name, func(t *testing.T) {
			if _, err := DecodePlan([]byte(edit(string(good)))); err == nil {
				t.Fatal("accepted")
			}
		})
	}
}
