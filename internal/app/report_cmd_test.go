package app

import (
	"encoding/csv"
	"os"
	"strings"
	"testing"

	"github.com/scim-migrate/scim-migrate/internal/emulator"
)

// report runs scim-migrate report ARGS; it talks to no tenant, so it gets
// no tenant flags.
func (h *harness) report(args ...string) result {
	h.t.Helper()
	return h.runRaw(append([]string{"scim-migrate", "report"}, args...)...)
}

// savedPlan saves the demo manifest's plan and returns its path.
func (h *harness) savedPlan() string {
	h.t.Helper()
	p := h.path("plan.json")
	h.expect(h.run("plan", "--out", p, "-f", "../../examples/manifest.json"), 0)
	return p
}

func TestReport_runReportInEveryFormat(t *testing.T) {
	t.Parallel()
	h := newHarness(t, emulator.Options{})
	rep := h.applyOnce()
	requests := len(h.tenant.Requests())

	page := h.expect(h.report("--from", rep), 0).stdout
	for _, want := range []string{"<!DOCTYPE html>", "Content-Security-Policy", `data-count="applied">3<`, `data-count="skipped">1<`, "globex-saml", rep} {
		if !strings.Contains(page, want) {
			t.Errorf("the html report lacks %q", want)
		}
	}
	md := h.expect(h.report("--format", "markdown", rep), 0).stdout
	if !strings.HasPrefix(md, "# scim-migrate apply run") || !strings.Contains(md, "| 3 | 0 | 0 | 0 | 1 |") {
		t.Errorf("markdown:\n%s", md)
	}
	records, err := csv.NewReader(strings.NewReader(h.expect(h.report("--format", "CSV", "--from", rep), 0).stdout)).ReadAll()
	if err != nil || len(records) != 5 || records[0][0] != "connection_name" {
		t.Errorf("csv: %v, %d records %q", err, len(records), records)
	}
	if len(h.tenant.Requests()) != requests {
		t.Error("report sent requests to the tenant")
	}
}

func TestReport_savedPlanRendersActions(t *testing.T) {
	t.Parallel()
	h := newHarness(t, emulator.Options{})
	p := h.savedPlan()
	page := h.expect(h.report(p), 0).stdout
	for _, want := range []string{"scim-migrate plan, ", `data-count="create">1<`, `data-count="update">2<`, `data-count="missing">1<`} {
		if !strings.Contains(page, want) {
			t.Errorf("the plan's page lacks %q", want)
		}
	}
	md := h.expect(h.report("--format", "markdown", "--from", p), 0).stdout
	if !strings.Contains(md, "# scim-migrate plan") {
		t.Errorf("markdown:\n%s", md)
	}
	// Told apart by content: the same plan under a report's name is a plan.
	renamed := h.path("looks-like-a-report.jsonl")
	data, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(renamed, data, 0o600); err != nil {
		t.Fatal(err)
	}
	if r := h.expect(h.report("--format", "csv", renamed), 0); !strings.Contains(r.stdout, ",create,,") {
		t.Errorf("renamed plan as csv:\n%s", r.stdout)
	}
}

func TestReport_outIsPrivate(t *testing.T) {
	t.Parallel()
	h := newHarness(t, emulator.Options{})
	rep := h.applyOnce()
	out := h.path("audit.html")
	if err := os.WriteFile(out, []byte("old"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(out, 0o644); err != nil {
		t.Fatal(err)
	}
	r := h.expect(h.report("--from", rep, "--out", out), 0)
	if r.stdout != "" || !strings.Contains(r.stderr, out) {
		t.Errorf("with --out: %s", r)
	}
	fi, err := os.Stat(out)
	if err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("%s: %v %v, want mode 0600", out, err, fi)
	}
	fresh := h.path("fresh.csv")
	h.expect(h.report("--format", "csv", "--out", fresh, rep), 0)
	if fi, err := os.Stat(fresh); err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("%s: %v %v, want mode 0600", fresh, err, fi)
	}
}

func TestPlan_formatHTML(t *testing.T) {
	t.Parallel()
	h := newHarness(t, emulator.Options{})
	r := h.expect(h.run("plan", "--format", "html", "--detailed-exitcode", "-f", "../../examples/manifest.json"), 2)
	if !strings.HasPrefix(r.stdout, "<!DOCTYPE html>") || !strings.Contains(r.stdout, `data-count="update">2<`) {
		t.Fatalf("plan --format html:\n%s", r)
	}
}

// TestReport_badInput: every mistake exits 1 with a message naming the
// file or the flag, and nothing on stdout.
func TestReport_badInput(t *testing.T) {
	t.Parallel()
	h := newHarness(t, emulator.Options{})
	manifest := "../../examples/manifest.json"
	broken := h.file("broken.jsonl", `{"type":"run","version":1,"tenant":"t","command":"apply"}`+"\n"+`{"type":"result","connection_id":"bad id","status":"applied","action":"update"}`+"\n{}\n")
	rep := h.applyOnce()
	tests := []struct {
		name string
		args []string
		want []string
	}{
		{"manifest", []string{"--from", manifest}, []string{manifest, "neither a saved plan", "a manifest?"}},
		{"missing file", []string{"--from", h.path("nope.json")}, []string{h.path("nope.json"), "no such file"}},
		{"directory", []string{h.dir}, []string{h.dir, "directory"}},
		{"broken report", []string{broken}, []string{broken, "line 2", "invalid connection id"}},
		{"csv manifest", []string{"../../examples/manifest.csv"}, []string{"manifest.csv", "does not start with a JSON object"}},
		{"no file", nil, []string{"no file: give --from FILE"}},
		{"unknown format", []string{"--format", "pdf", rep}, []string{`unknown format "pdf"`, "text, markdown, html, csv"}},
		{"json is the file itself", []string{"--format", "json", rep}, []string{`unknown format "json"`}},
		{"flag after the file", []string{rep, "--format", "csv"}, []string{`"--format" comes after the file`}},
		{"two files", []string{"--from", rep, manifest}, []string{"two files given"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := h.expect(h.report(tt.args...), 1)
			if r.stdout != "" {
				t.Errorf("stdout %q, want nothing", r.stdout)
			}
			for _, w := range tt.want {
				if !strings.Contains(r.stderr, w) {
					t.Errorf("stderr lacks %q:\n%s", w, r.stderr)
				}
			}
		})
	}
}

func TestReport_help(t *testing.T) {
	t.Parallel()
	h := newHarness(t, emulator.Options{})
	r := h.expect(h.report("--help"), 0)
	for _, flag := range []string{"--from", "--format", "--out", "text, markdown, html (one self-contained page) or csv"} {
		if !strings.Contains(r.stdout, flag) {
			t.Errorf("report --help lacks %s:\n%s", flag, r.stdout)
		}
	}
}
