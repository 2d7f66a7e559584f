package plan

import (
	"errors"
	"strings"
	"testing"
)

func TestBuild_absentConnectionsAreUnresolvedAndTheRestGoesOn(t *testing.T) {
	cfg := &Config{UserIDAttribute: "u", Mapping: pairs("x", "1")}
	live := testLive(conn("con_a1", "a", "okta", cfg.Clone()))
	byName := Entry{Pos: Pos{File: "m.json", Line: 9}, ConnectionName: "gone", Mode: ModeReplace, UserIDAttribute: "u", Mapping: pairs("x", "1")}
	p, err := build(t, live,
		entry(3, "con_a1", ModeReplace, "u", "x", "2"),
		entry(6, "con_zz9", ModeReplace, "u", "x", "1"),
		byName,
	)
	if err != nil {
		t.Fatalf("an absent connection must not stop the plan: %v", err)
	}
	if len(p.Changes) != 1 || p.Changes[0].Action != ActionUpdate || p.Summary != (Summary{Update: 1}) {
		t.Fatalf("changes = %+v, summary %+v", p.Changes, p.Summary)
	}
	want := []Unresolved{
		{From: Pos{File: "m.json", Line: 6}, ConnectionID: "con_zz9"},
		{From: Pos{File: "m.json", Line: 9}, ConnectionName: "gone"},
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
	live := testLive(conn("con_db1", "db", "auth0", nil))
	_, err := build(t, live,
		entry(3, "con_db1", ModeReplace, "u", "x", "1"),
		entry(6, "con_zz9", ModeReplace, "u", "x", "1"),
	)
	var ps Problems
	if !errors.As(err, &ps) || len(ps) != 2 || ps[0].Pos.Line != 3 || ps[1].Pos.Line != 6 {
		t.Fatalf("err = %v: want the unsupported strategy and, listed with it, the absent connection", err)
	}
}

func TestBuild_noWarningsIsNil(t *testing.T) {
	live := testLive(conn("con_a1", "a", "okta", nil))
	p, err := build(t, live, entry(3, "con_a1", ModeReplace, "u", "x", "1"))
	if err != nil || p.Warnings != nil || p.Unresolved != nil {
		t.Fatalf("err %v, warnings %#v, unresolved %#v: a decoded plan has nil for none", err, p.Warnings, p.Unresolved)
	}
}
