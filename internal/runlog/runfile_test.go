package runlog

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/scim-migrate/scim-migrate/internal/plan"
	"github.com/scim-migrate/scim-migrate/internal/scim"
)

func writeTestReport(t *testing.T, path string) {
	t.Helper()
	w, err := Create(path, Header{Command: "apply", Tenant: "acme.eu.auth0.com", StartedAt: time.Unix(0, 0)})
	if err != nil {
		t.Fatal(err)
	}
	before := &scim.Config{UserIDAttribute: "userName", Mapping: []scim.Pair{{SCIM: "a", Auth0: "b"}}}
	if err := w.Intent(Intent{ConnectionID: "con_a1", Action: plan.ActionUpdate, Before: before}); err != nil {
		t.Fatal(err)
	}
	if err := w.Result(Result{ConnectionID: "con_a1", Status: StatusApplied, Action: plan.ActionUpdate, Before: before}); err != nil {
		t.Fatal(err)
	}
	if err := w.Summary(Summary{Counts: Counts{Applied: 1}}); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
}

func TestReport_roundTripAndMode(t *testing.T) {
	path := filepath.Join(t.TempDir(), "r.jsonl")
	writeTestReport(t, path)
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode().Perm() != 0o600 {
		t.Fatalf("mode = %v, want 0600", fi.Mode().Perm())
	}
	run, err := ReadRunFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if run.Header.Tenant != "acme.eu.auth0.com" || len(run.Intents) != 1 || len(run.Results) != 1 || run.Summary == nil || run.Truncated {
		t.Fatalf("run = %+v", run)
	}
	if run.Intents[0].Before.Mapping[0].SCIM != "a" {
		t.Fatal("the intent's before state was not read back")
	}
	if _, err := Create(path, Header{Tenant: "x"}); err == nil {
		t.Fatal("an existing report must never be appended to")
	}
}

func TestReport_cutOffLastLineIsTolerated(t *testing.T) {
	path := filepath.Join(t.TempDir(), "r.jsonl")
	writeTestReport(t, path)
	data, _ := os.ReadFile(path)
	lines := strings.SplitAfter(string(data), "\n")
	// Cut the report in the middle of the result line, as a kill -9 would.
	cut := lines[0] + lines[1] + lines[2][:len(lines[2])/2]
	run, err := ReadRun(strings.NewReader(cut))
	if err != nil {
		t.Fatal(err)
	}
	if !run.Truncated || len(run.Intents) != 1 || len(run.Results) != 0 {
		t.Fatalf("run = %+v", run)
	}
}

func TestReport_refusesMalformed(t *testing.T) {
	header := `{"type":"run","version":1,"tenant":"t","command":"apply","started_at":"2026-01-01T00:00:00Z","tool_version":"x"}` + "\n"
	cases := map[string]string{
		"empty":            "",
		"not a report":     `{"type":"result"}` + "\n",
		"bad middle line":  header + "{nope\n" + `{"type":"summary","counts":{},"finished_at":"2026-01-01T00:00:00Z","requests":0}` + "\n",
		"unknown type":     header + `{"type":"other"}` + "\n",
		"unknown field":    header + `{"type":"intent","connection_id":"con_a","action":"update","before":null,"after":null,"at":"2026-01-01T00:00:00Z","x":1}` + "\n",
		"path in an id":    header + `{"type":"intent","connection_id":"con_a/../b","action":"update","before":null,"after":null,"at":"2026-01-01T00:00:00Z"}` + "\n",
		"result no status": header + `{"type":"result","connection_id":"con_a","action":"update","before":null,"after":null,"attempts":0,"duration_ms":0,"at":"2026-01-01T00:00:00Z"}` + "\n",
		"future version":   strings.Replace(header, `"version":1`, `"version":9`, 1),
	}
	for name, in := range cases {
		t.Run(name, func(t *testing.T) {
			if _, err := ReadRun(strings.NewReader(in)); err == nil {
				t.Fatal("accepted")
			}
		})
	}
}
