package plan

import (
	"errors"
	"strings"
	"testing"

	"github.com/scim-migrate/scim-migrate/internal/manifest"
	"github.com/scim-migrate/scim-migrate/internal/scim"
	"github.com/scim-migrate/scim-migrate/internal/scim/scimtest"
)

func TestBuild_absentConnectionsAreUnresolvedAndTheRestGoesOn(t *testing.T) {
	cfg := &scim.Config{UserIDAttribute: "u", Mapping: scimtest.Pairs("x", "1")}
	live := testLive(scimtest.Conn("con_a1", "a", "okta", cfg.Clone()))
	byName := manifest.Entry{Pos: manifest.Pos{File: "m.json", Line: 9}, ConnectionName: "gone", Mode: manifest.ModeReplace, UserIDAttribute: "u", Mapping: scimtest.Pairs("x", "1")}
	p, err := build(t, live,
		entry(3, "con_a1", manifest.ModeReplace, "u", "x", "2"),
		entry(6, "con_zz9", manifest.ModeReplace, "u", "x", "1"),
		byName,
	)
	if err != nil {
		t.Fatalf("an absent connection must not stop the plan: %v", err)
	}
	if len(p.Changes) != 1 || p.Changes[0].Action != ActionUpdate || p.Summary != (Summary{Update: 1, NotFound: 2}) {
		t.Fatalf("changes = %+v, summary %+v", p.Changes, p.Summary)
	}
	want := []Unresolved{
		{From: manifest.Pos{File: "m.json", Line: 6}, ConnectionID: "con_zz9"},
		{From: manifest.Pos{File: "m.json", Line: 9}, ConnectionName: "gone"},
	}
	if len(p.Unresolved) != len(want) {
		t.Fatalf("unresolved = %+v", p.Unresolved)
	}
	for i, u := range p.Unresolved {
		if u.From != want[i].From || u.ConnectionID != want[i].ConnectionID || u.ConnectionName != want[i].ConnectionName || u.Error == "" {
			t.Errorf("unresolved[%d] = %+v, want %+v", i, u, want[i])
		}
	}
	if len(p.Warnings) != 2 || !strings.HasPrefix(p.Warnings[0], "m.json:6: connection con_zz9 does not exist") ||
		!strings.HasPrefix(p.Warnings[1], `m.json:9: no connection named "gone"`) {
		t.Errorf("warnings = %q", p.Warnings)
	}
}

func TestBuild_aManifestMistakeStillRefusesEverything(t *testing.T) {
	live := testLive(scimtest.Conn("con_db1", "db", "auth0", nil))
	_, err := build(t, live,
		entry(3, "con_db1", manifest.ModeReplace, "u", "x", "1"),
		entry(6, "con_zz9", manifest.ModeReplace, "u", "x", "1"),
	)
	var ps manifest.Problems
	if !errors.As(err, &ps) || len(ps) != 2 || ps[0].Pos.Line != 3 || ps[1].Pos.Line != 6 {
		t.Fatalf("err = %v: want the unsupported strategy and, listed with it, the absent connection", err)
	}
}

func TestBuild_noWarningsIsNil(t *testing.T) {
	live := testLive(scimtest.Conn("con_a1", "a", "okta", nil))
	p, err := build(t, live, entry(3, "con_a1", manifest.ModeReplace, "u", "x", "1"))
	if err != nil || p.Warnings != nil || p.Unresolved != nil {
		t.Fatalf("err %v, warnings %#v, unresolved %#v: a decoded plan has nil for none", err, p.Warnings, p.Unresolved)
	}
}

func TestBuild_anAbsentNameNamesTheNearestConnection(t *testing.T) {
	cfg := scimtest.Config("u", "x", "1")
	live := testLive(scimtest.Conn("con_a1", "acme-okta", "okta", cfg.Clone()))
	typo := manifest.Entry{Pos: manifest.Pos{File: "m.json", Line: 2}, ConnectionName: "acme-oktaa", Mode: manifest.ModeReplace, UserIDAttribute: "u", Mapping: scimtest.Pairs("x", "1")}
	p, err := build(t, live, typo)
	if err != nil {
		t.Fatal(err)
	}
	if len(p.Unresolved) != 1 || !strings.HasSuffix(p.Unresolved[0].Error, `; did you mean "acme-okta"?`) {
		t.Fatalf("unresolved = %+v", p.Unresolved)
	}
	if !p.Summary.Differs() || p.Summary.HasChanges() {
		t.Fatalf("summary %+v: differs, and has nothing to write", p.Summary)
	}
}
