package manifest

import (
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"unicode/utf8"
)

// addFixtureSeeds adds every file of both fixture folders as a seed, so the
// seeds run in a plain go test and fuzzing starts from realistic input.
func addFixtureSeeds(f *testing.F) {
	for _, dir := range []string{"valid", "invalid"} {
		paths, err := filepath.Glob(filepath.Join(manifestsDir, dir, "*"))
		if err != nil || len(paths) == 0 {
			f.Fatalf("no seeds in %s: %v", dir, err)
		}
		for _, p := range paths {
			data, err := os.ReadFile(p)
			if err != nil {
				f.Fatal(err)
			}
			f.Add(data)
		}
	}
}

func FuzzParseJSONManifest(f *testing.F) {
	addFixtureSeeds(f)
	f.Fuzz(func(t *testing.T, data []byte) {
		m, err := ParseJSONManifest("fuzz.json", data)
		checkOutcome(t, data, m, err)
		if err == nil && !json.Valid(bytes.TrimPrefix(data, utf8BOM)) {
			t.Fatalf("accepted input that is not JSON: %q", data)
		}
	})
}

func FuzzParseCSVManifest(f *testing.F) {
	addFixtureSeeds(f)
	f.Fuzz(func(t *testing.T, data []byte) {
		m, err := ParseCSVManifest("fuzz.csv", data)
		checkOutcome(t, data, m, err)
	})
}

// checkOutcome asserts what holds for any input: a refusal is a non-empty,
// sorted Problems within the file; an acceptance satisfies every invariant
// the planner relies on.
func checkOutcome(t *testing.T, data []byte, m *Manifest, err error) {
	lines := 1 + bytes.Count(data, []byte{'\n'})
	if err != nil {
		checkProblems(t, err, lines)
		return
	}
	if len(m.Entries) == 0 {
		t.Fatal("accepted a manifest with no entries")
	}
	for i := range m.Entries {
		checkEntry(t, &m.Entries[i], lines)
	}
}

func checkProblems(t *testing.T, err error, lines int) {
	var ps Problems
	if !errors.As(err, &ps) || len(ps) == 0 {
		t.Fatalf("error %T is not a non-empty Problems: %v", err, err)
	}
	for i, p := range ps {
		if p.Pos.Line < 1 || p.Pos.Line > lines || p.Message == "" {
			t.Fatalf("problem %q is outside the file's %d lines or says nothing", p.Error(), lines)
		}
		if i > 0 && (ps[i-1].Pos.Line > p.Pos.Line) {
			t.Fatalf("problems not sorted: %q before %q", ps[i-1].Error(), p.Error())
		}
	}
}

func checkEntry(t *testing.T, e *Entry, lines int) {
	keys := 0
	for _, given := range []bool{e.ConnectionID != "", e.ConnectionName != "", e.Select != nil} {
		if given {
			keys++
		}
	}
	if keys != 1 {
		t.Fatalf("entry %+v has %d connection keys", e, keys)
	}
	if e.Mode != ModeReplace && e.Mode != ModeMerge {
		t.Fatalf("entry %+v has mode %q", e, e.Mode)
	}
	if len(e.MappingPos) != len(e.Mapping) {
		t.Fatalf("entry %+v: %d positions for %d pairs", e, len(e.MappingPos), len(e.Mapping))
	}
	if e.Pos.Line < 1 || e.Pos.Line > lines {
		t.Fatalf("entry line %d outside the file's %d lines", e.Pos.Line, lines)
	}
	scims := map[string]bool{}
	for i, p := range e.Mapping {
		if at := e.MappingPos[i].Line; at < e.Pos.Line || at > lines {
			t.Fatalf("pair %d at line %d, outside entry at %d and file of %d lines", i, at, e.Pos.Line, lines)
		}
		if p.SCIM == "" || p.Auth0 == "" || scims[p.SCIM] {
			t.Fatalf("entry %+v: pair %d %+v empty or repeated", e, i, p)
		}
		scims[p.SCIM] = true
	}
	if e.Select != nil && e.Select.NamePattern != "" && ValidPattern(e.Select.NamePattern) != nil {
		t.Fatalf("accepted malformed pattern %q", e.Select.NamePattern)
	}
}

// FuzzMatchName checks MatchName against a regular expression built from
// the same pattern, and against facts that need no second implementation:
// a pattern with every special escaped matches exactly itself, and with
// "*" at both ends matches any name containing it.
func FuzzMatchName(f *testing.F) {
	f.Add("acme-*", "acme-okta")
	f.Add(`a\*?`, "a*b")
	f.Add("*é?*", "café!")
	f.Fuzz(func(t *testing.T, pattern, name string) {
		got := MatchName(pattern, name)
		if utf8.ValidString(pattern) && utf8.ValidString(name) && ValidPattern(pattern) == nil {
			if want := patternRegexp(pattern).MatchString(name); got != want {
				t.Fatalf("MatchName(%q, %q) = %v, regexp says %v", pattern, name, got, want)
			}
		}
		lit := escapePattern(name)
		if !MatchName(lit, name) {
			t.Fatalf("escaped %q does not match itself", name)
		}
		if !MatchName("*"+lit+"*", "x"+name+"y") {
			t.Fatalf("*%s* does not match a name containing it", lit)
		}
	})
}

// patternRegexp is the reference meaning of a valid name pattern.
func patternRegexp(pattern string) *regexp.Regexp {
	var b strings.Builder
	b.WriteString(`(?s)\A`)
	for rest := pattern; rest != ""; {
		r, size := utf8.DecodeRuneInString(rest)
		switch r {
		case '*':
			b.WriteString(".*")
		case '?':
			b.WriteString(".")
		case '\\':
			r, size = utf8.DecodeRuneInString(rest[1:])
			size++
			b.WriteString(regexp.QuoteMeta(string(r)))
		default:
			b.WriteString(regexp.QuoteMeta(string(r)))
		}
		rest = rest[size:]
	}
	b.WriteString(`\z`)
	return regexp.MustCompile(b.String())
}

func escapePattern(s string) string {
	var b bytes.Buffer
	for _, c := range []byte(s) {
		if c == '*' || c == '?' || c == '\\' {
			b.WriteByte('\\')
		}
		b.WriteByte(c)
	}
	return b.String()
}
