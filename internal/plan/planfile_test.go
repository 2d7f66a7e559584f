package plan

import (
	"encoding/json"
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
		{Identity: scim.Identity{ID: "con_a1", Name: "a", Strategy: "okta"}, Action: ActionUpdate, Mode: manifest.ModeReplace, Before: before, After: after, From: manifest.Pos{File: "m.json", Line: 3}},
		{Identity: scim.Identity{ID: "con_b2", Name: "b", Strategy: "okta"}, Action: ActionMissing, Mode: manifest.ModeReplace, From: manifest.Pos{File: "m.json", Line: 9}},
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
		"older version":   func(s string) string { return strings.Replace(s, `"version": 2`, `"version": 1`, 1) },
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

func TestPlanFile_refusesWhatAManifestCouldNotSay(t *testing.T) {
	good, _ := samplePlan().Encode()
	cases := map[string]struct{ edit, want string }{
		"scim twice":     {`"mapping": [{"scim": "a", "auth0": "2"}, {"scim": "a", "auth0": "3"}]`, `mapped twice`},
		"NUL in a value": {`"mapping": [{"scim": "a", "auth0": "x\u0000y"}]`, `control character`},
		"empty scim":     {`"mapping": [{"scim": "", "auth0": "2"}]`, `mapping[0].scim must not be empty`},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			var p Plan
			if err := json.Unmarshal(good, &p); err != nil {
				t.Fatal(err)
			}
			var mapping struct {
				Mapping []scim.Pair `json:"mapping"`
			}
			if err := json.Unmarshal([]byte("{"+tc.edit+"}"), &mapping); err != nil {
				t.Fatal(err)
			}
			p.Changes[0].After.Mapping = mapping.Mapping
			data, _ := json.Marshal(&p)
			_, err := DecodePlan(data)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("want %q, got %v", tc.want, err)
			}
		})
	}
}

func TestPlanFile_mergeRequestMustFitAfter(t *testing.T) {
	p := samplePlan()
	c := &p.Changes[0]
	c.Mode, c.Asked = manifest.ModeMerge, scimtest.Config("", "b", "9")
	c.After = Merge(c.Asked, c.Before)
	p.Summary = Summarize(p.Changes)
	data, _ := p.Encode()
	if _, err := DecodePlan(data); err != nil {
		t.Fatalf("a consistent merge plan is refused: %v", err)
	}
	c.After = scimtest.Config("userName", "b", "9")
	data, _ = p.Encode()
	if _, err := DecodePlan(data); err == nil || !strings.Contains(err.Error(), "not the merge") {
		t.Fatalf("an after edited by hand: %v", err)
	}
}

func TestPlan_checkAge(t *testing.T) {
	p := samplePlan()
	p.CreatedAt = time.Date(2020, 1, 2, 3, 4, 5, 0, time.UTC)
	now := p.CreatedAt.Add(30 * time.Hour)
	if err := p.CheckAge(now, 24*time.Hour); err == nil || !strings.Contains(err.Error(), "2020-01-02T03:04:05Z, 30h0m0s ago") {
		t.Errorf("old plan: %v", err)
	}
	if err := p.CheckAge(now, 48*time.Hour); err != nil {
		t.Errorf("within the age: %v", err)
	}
	if err := p.CheckAge(p.CreatedAt.Add(-time.Hour), 24*time.Hour); err == nil || !strings.Contains(err.Error(), "future") {
		t.Errorf("plan from the future: %v", err)
	}
}
