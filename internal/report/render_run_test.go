package report

import (
	"bytes"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/scim-migrate/scim-migrate/internal/plan"
	"github.com/scim-migrate/scim-migrate/internal/runlog"
	"github.com/scim-migrate/scim-migrate/internal/scim"
)

// loadRunFixture reads the hand-made run report the run goldens are rendered
// from: every status, a unicode name, a name and a mapping value holding a
// script, a name a spreadsheet would take for a formula.
func loadRunFixture(t *testing.T) *runlog.Run {
	t.Helper()
	run, err := runlog.ReadRunFile(filepath.Join("testdata", "run.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	return run
}

// fixturePath is how goldens name the fixture, whatever the working directory.
const fixturePath = "reports/run.jsonl"

func TestRenderRunMarkdown_golden(t *testing.T) {
	var buf bytes.Buffer
	if err := RenderRunMarkdown(&buf, loadRunFixture(t), fixturePath); err != nil {
		t.Fatal(err)
	}
	checkGolden(t, "run.md", buf.String())
}

func TestRunEntries_sortedByNameAndCountedByStatus(t *testing.T) {
	entries := runEntries(loadRunFixture(t))
	var names []string
	for _, e := range entries {
		names = append(names, e.Name)
	}
	want := []string{"<script>alert('name')</script>\u202eevil", "=cmd|' /C calc'!A0", "acme-okta", "globex-waad", "initech-saml", "Zürich Ärzte – SSO ✓"}
	if strings.Join(names, "\n") != strings.Join(want, "\n") {
		t.Fatalf("order %q, want %q", names, want)
	}
	got := countEntries(entries, runKeys)
	if c := countsOf(got); c != (runlog.Counts{Applied: 2, Unchanged: 1, Failed: 1, Conflict: 1, Skipped: 1}) {
		t.Fatalf("counts %+v", c)
	}
	if len(got) != 5 {
		t.Fatalf("tallies %v: unfinished must be left out when no connection is", got)
	}
}

// A run killed mid-write has an intent without a result and no summary: the
// audit view must list that connection, and say the run did not finish.
func TestRunEntries_killedRunShowsUnfinished(t *testing.T) {
	cfg := &scim.Config{UserIDAttribute: "userName", Mapping: []scim.Pair{{SCIM: "userName", Auth0: "email"}}}
	run := &runlog.Run{
		Header:    runlog.Header{Type: runlog.TypeRun, Tenant: "acme.eu.auth0.com", Command: "apply", StartedAt: time.Unix(0, 0)},
		Intents:   []runlog.Intent{{ConnectionID: "con_a1", ConnectionName: "a", Action: plan.ActionCreate, After: cfg}},
		Truncated: true,
	}
	entries := runEntries(run)
	if len(entries) != 1 || entries[0].Status != statusUnfinished || !entries[0].changed() {
		t.Fatalf("entries %+v", entries)
	}
	var buf bytes.Buffer
	if err := RenderRunMarkdown(&buf, run, ""); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"| unfinished |", "| 1 |", "cut off", "not recorded", "no result recorded"} {
		if !strings.Contains(buf.String(), want) {
			t.Errorf("markdown lacks %q:\n%s", want, buf.String())
		}
	}
}

func TestRunNotes_summaryDisagreeingWithResults(t *testing.T) {
	run := loadRunFixture(t)
	run.Summary.Counts.Applied = 7
	run.Summary.Interrupted = true
	notes := strings.Join(runNotes(run, countEntries(runEntries(run), runKeys)), "\n")
	if !strings.Contains(notes, "interrupted") || !strings.Contains(notes, "summary line counts") {
		t.Fatalf("notes:\n%s", notes)
	}
}

func TestRunBy(t *testing.T) {
	tests := []struct {
		h    runlog.Header
		want string
	}{
		{runlog.Header{User: "ops", Host: "bastion", PID: 7}, "ops@bastion (pid 7)"},
		{runlog.Header{Host: "bastion"}, "bastion"},
		{runlog.Header{User: "ops"}, "ops"},
		{runlog.Header{PID: 7}, "(pid 7)"},
		{runlog.Header{}, ""},
	}
	for _, tt := range tests {
		if got := runBy(tt.h); got != tt.want {
			t.Errorf("runBy(%+v) = %q, want %q", tt.h, got, tt.want)
		}
	}
}

func TestRenderRunText_golden(t *testing.T) {
	var buf bytes.Buffer
	if err := RenderRunText(&buf, loadRunFixture(t), fixturePath); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(buf.String(), "\u202e") {
		t.Fatal("a control character from the tenant reached the terminal")
	}
	checkGolden(t, "run.txt", buf.String())
}
