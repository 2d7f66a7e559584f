package plan

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/scim-migrate/scim-migrate/internal/manifest"
	"github.com/scim-migrate/scim-migrate/internal/scim"
	"github.com/scim-migrate/scim-migrate/internal/scim/scimtest"
)

func testLive(conns ...*scim.LiveConnection) *Live {
	l := NewLive("acme.eu.auth0.com")
	for _, c := range conns {
		l.Put(c)
	}
	l.Complete = true
	return l
}

func entry(line int, id string, mode manifest.Mode, uid string, mapping ...string) manifest.Entry {
	return manifest.Entry{Pos: manifest.Pos{File: "m.json", Line: line}, ConnectionID: id, Mode: mode, UserIDAttribute: uid, Mapping: scimtest.Pairs(mapping...)}
}

func build(t *testing.T, live *Live, entries ...manifest.Entry) (*Plan, error) {
	t.Helper()
	m := &manifest.Manifest{Path: "m.json", SHA256: "abc", Entries: entries}
	return Build(m, live, BuildOptions{Tenant: live.Tenant, ToolVersion: "test", Now: time.Unix(0, 0)})
}

func TestBuild_replaceReorderIsUnchanged(t *testing.T) {
	live := testLive(scimtest.Conn("con_a1", "a", "okta", &scim.Config{UserIDAttribute: "userName", Mapping: scimtest.Pairs("x", "1", "y", "2")}))
	p, err := build(t, live, entry(3, "con_a1", manifest.ModeReplace, "userName", "y", "2", "x", "1"))
	if err != nil {
		t.Fatal(err)
	}
	if got := p.Changes[0].Action; got != ActionNone {
		t.Fatalf("action = %s, want none for a reorder", got)
	}
	if p.Summary != (Summary{Unchanged: 1}) || p.Summary.HasChanges() {
		t.Fatalf("summary = %+v", p.Summary)
	}
}

func TestBuild_replaceUpdate(t *testing.T) {
	before := &scim.Config{UserIDAttribute: "userName", Mapping: scimtest.Pairs("x", "1", "y", "2")}
	live := testLive(scimtest.Conn("con_a1", "a", "okta", before))
	p, err := build(t, live, entry(3, "con_a1", manifest.ModeReplace, "externalId", "x", "1"))
	if err != nil {
		t.Fatal(err)
	}
	c := p.Changes[0]
	if c.Action != ActionUpdate || !c.Before.Equal(before) || c.After.UserIDAttribute != "externalId" || len(c.After.Mapping) != 1 {
		t.Fatalf("change = %+v", c)
	}
	if c.Name != "a" || c.Strategy != "okta" || c.From.Line != 3 {
		t.Fatalf("change does not carry the connection and its manifest line: %+v", c)
	}
	if c.Before == before {
		t.Fatal("before must be a copy of the live state, not the same value")
	}
}

func TestBuild_mergeKeepsOtherEntriesAndUserID(t *testing.T) {
	live := testLive(scimtest.Conn("con_a1", "a", "okta", &scim.Config{UserIDAttribute: "userName", Mapping: scimtest.Pairs("x", "1", "y", "2", "y", "3")}))
	p, err := build(t, live, entry(3, "con_a1", manifest.ModeMerge, "", "y", "9", "z", "4"))
	if err != nil {
		t.Fatal(err)
	}
	want := &scim.Config{UserIDAttribute: "userName", Mapping: scimtest.Pairs("x", "1", "y", "9", "z", "4")}
	if got := p.Changes[0].After; !got.Equal(want) {
		t.Fatalf("after = %+v, want %+v", got, want)
	}
	if p.Changes[0].After.Mapping[1].SCIM != "y" {
		t.Fatal("a merged entry must stay where the live entry stood")
	}
}

func TestBuild_mergeWithNothingNewIsUnchanged(t *testing.T) {
	live := testLive(scimtest.Conn("con_a1", "a", "okta", &scim.Config{UserIDAttribute: "userName", Mapping: scimtest.Pairs("x", "1", "y", "2")}))
	p, err := build(t, live, entry(3, "con_a1", manifest.ModeMerge, "userName", "y", "2"))
	if err != nil {
		t.Fatal(err)
	}
	if p.Changes[0].Action != ActionNone {
		t.Fatalf("action = %s", p.Changes[0].Action)
	}
}

func TestBuild_missingAndCreate(t *testing.T) {
	live := testLive(scimtest.Conn("con_a1", "a", "okta", nil), scimtest.Conn("con_b2", "b", "samlp", nil))
	e1 := entry(3, "con_a1", manifest.ModeReplace, "userName", "x", "1")
	e2 := entry(9, "con_b2", manifest.ModeReplace, "userName", "x", "1")
	e2.CreateIfMissing = true
	p, err := build(t, live, e1, e2)
	if err != nil {
		t.Fatal(err)
	}
	if p.Changes[0].Action != ActionMissing || p.Changes[0].After != nil {
		t.Fatalf("first = %+v, want missing with no after", p.Changes[0])
	}
	if p.Changes[1].Action != ActionCreate || p.Changes[1].Before != nil || p.Changes[1].After == nil {
		t.Fatalf("second = %+v, want create", p.Changes[1])
	}
	if p.Summary != (Summary{Create: 1, Missing: 1}) {
		t.Fatalf("summary = %+v", p.Summary)
	}
	m := &manifest.Manifest{Path: "m.json", Entries: []manifest.Entry{e1}}
	p, err = Build(m, live, BuildOptions{CreateMissing: true})
	if err != nil || p.Changes[0].Action != ActionCreate {
		t.Fatalf("--create-missing must create: %v %+v", err, p)
	}
}

func TestBuild_mergeCreateNeedsUserID(t *testing.T) {
	live := testLive(scimtest.Conn("con_a1", "a", "okta", nil))
	e := entry(7, "con_a1", manifest.ModeMerge, "", "x", "1")
	e.CreateIfMissing = true
	_, err := build(t, live, e)
	var ps manifest.Problems
	if !errors.As(err, &ps) || len(ps) != 1 || ps[0].Pos.Line != 7 || !strings.Contains(ps[0].Message, "user_id_attribute") {
		t.Fatalf("err = %v", err)
	}
}

func TestBuild_problemsNameTheLine(t *testing.T) {
	live := testLive(
		scimtest.Conn("con_a1", "a", "okta", &scim.Config{UserIDAttribute: "u", Mapping: scimtest.Pairs("x", "1")}),
		scimtest.Conn("con_db1", "db", "auth0", nil),
		&scim.LiveConnection{Connection: scim.Connection{ID: "con_adfs1"}, NoSCIM: true},
	)
	byName := manifest.Entry{Pos: manifest.Pos{File: "m.json", Line: 20}, ConnectionName: "a", Mode: manifest.ModeReplace, UserIDAttribute: "u", Mapping: scimtest.Pairs("x", "1")}
	nameless := manifest.Entry{Pos: manifest.Pos{File: "m.json", Line: 25}, ConnectionName: "nope", Mode: manifest.ModeReplace, UserIDAttribute: "u", Mapping: scimtest.Pairs("x", "1")}
	_, err := build(t, live,
		entry(2, "con_zz9", manifest.ModeReplace, "u", "x", "1"),
		entry(5, "con_db1", manifest.ModeReplace, "u", "x", "1"),
		entry(8, "con_adfs1", manifest.ModeReplace, "u", "x", "1"),
		entry(11, "con_a1", manifest.ModeReplace, "u", "x", "1"),
		byName, nameless,
	)
	var ps manifest.Problems
	if !errors.As(err, &ps) {
		t.Fatalf("err = %v, want Problems", err)
	}
	want := map[int]string{2: "does not exist", 5: `strategy "auth0"`, 8: "does not support SCIM", 20: "already configured by the entry at m.json:11", 25: `no connection named "nope"`}
	if len(ps) != len(want) {
		t.Fatalf("problems = %v", ps)
	}
	for _, p := range ps {
		if !strings.Contains(p.Message, want[p.Pos.Line]) {
			t.Errorf("line %d: %q does not say %q", p.Pos.Line, p.Message, want[p.Pos.Line])
		}
	}
}

func TestBuild_selectors(t *testing.T) {
	cfg := &scim.Config{UserIDAttribute: "u", Mapping: scimtest.Pairs("x", "1")}
	live := testLive(
		scimtest.Conn("con_o1", "acme-okta", "okta", cfg.Clone()),
		scimtest.Conn("con_o2", "acme okta 2", "okta", cfg.Clone()),
		scimtest.Conn("con_s1", "acme-saml", "samlp", cfg.Clone()),
		scimtest.Conn("con_g1", "acme-google", "google-apps", nil),
	)
	sel := func(line int, pattern string, strategies []string, mapping ...string) manifest.Entry {
		return manifest.Entry{Pos: manifest.Pos{File: "m.json", Line: line}, Select: &manifest.Selector{Strategies: strategies, NamePattern: pattern},
			Mode: manifest.ModeMerge, Mapping: scimtest.Pairs(mapping...)}
	}
	explicit := entry(30, "con_o2", manifest.ModeMerge, "", "title", "explicit")
	t.Run("explicit entry overrides a selector", func(t *testing.T) {
		p, err := build(t, live, sel(3, "acme*", nil, "title", "sel"), explicit)
		if err != nil {
			t.Fatal(err)
		}
		got := map[string]int{}
		for _, c := range p.Changes {
			got[c.ID] = c.From.Line
		}
		want := map[string]int{"con_o1": 3, "con_s1": 3, "con_o2": 30}
		if len(got) != len(want) {
			t.Fatalf("changes = %v, want %v (google-apps is never selected)", got, want)
		}
		for id, line := range want {
			if got[id] != line {
				t.Errorf("%s from line %d, want %d", id, got[id], line)
			}
		}
	})
	t.Run("two selectors disagreeing on a connection", func(t *testing.T) {
		_, err := build(t, live, sel(3, "acme-*", []string{"okta"}, "title", "a"), sel(9, "*okta", nil, "title", "b"))
		var ps manifest.Problems
		if !errors.As(err, &ps) || len(ps) != 1 || ps[0].Pos.Line != 9 || !strings.Contains(ps[0].Message, "m.json:3") {
			t.Fatalf("err = %v", err)
		}
	})
	t.Run("two selectors agreeing are fine", func(t *testing.T) {
		p, err := build(t, live, sel(3, "acme-*", []string{"okta"}, "title", "a"), sel(9, "*okta", nil, "title", "a"))
		if err != nil || len(p.Changes) != 1 || p.Changes[0].From.Line != 3 {
			t.Fatalf("err = %v, plan = %+v", err, p)
		}
	})
	t.Run("a selector matching nothing is a warning", func(t *testing.T) {
		p, err := build(t, live, sel(3, "globex-*", nil, "title", "a"))
		if err != nil {
			t.Fatal(err)
		}
		if len(p.Changes) != 0 || len(p.Warnings) != 1 || !strings.Contains(p.Warnings[0], "m.json:3") {
			t.Fatalf("plan = %+v", p)
		}
	})
}

func TestDiffMapping(t *testing.T) {
	d := DiffMapping(scimtest.Pairs("a", "1", "b", "2", "c", "3", "d", "4", "d", "5"), scimtest.Pairs("b", "2", "c", "9", "e", "6", "d", "4"))
	got := []string{}
	for _, c := range ChangedPairs(d) {
		got = append(got, string(c.Kind)+":"+c.SCIM+":"+c.Old+">"+c.New)
	}
	want := "removed:a:1>,changed:c:3>9,removed:d:5>,added:e:>6"
	if strings.Join(got, ",") != want {
		t.Fatalf("diff = %s\nwant %s", strings.Join(got, ","), want)
	}
}

func TestBuild_ambiguousNameNamesBothIDs(t *testing.T) {
	live := testLive(scimtest.Conn("con_b2", "twin", "okta", scimtest.Config("u", "a", "1")),
		scimtest.Conn("con_a1", "twin", "samlp", scimtest.Config("u", "a", "1")))
	e := entry(4, "", manifest.ModeReplace, "u", "a", "2")
	e.ConnectionName = "twin"
	_, err := build(t, live, e)
	var ps manifest.Problems
	if !errors.As(err, &ps) || len(ps) != 1 || ps[0].Pos.Line != 4 ||
		!strings.Contains(ps[0].Message, `"twin" is ambiguous: con_a1 and con_b2 have that name; use connection_id`) {
		t.Fatalf("got %v", err)
	}
}
