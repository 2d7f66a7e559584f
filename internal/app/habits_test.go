package app

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/scim-migrate/scim-migrate/internal/cliui"
	"github.com/scim-migrate/scim-migrate/internal/emulator"
	"github.com/scim-migrate/scim-migrate/internal/report"
	"github.com/scim-migrate/scim-migrate/internal/runlog"
)

// runOnTTY runs a command whose stdout and stderr are a terminal.
func (h *harness) runOnTTY(args ...string) result {
	h.t.Helper()
	var out, errb bytes.Buffer
	full := append([]string{"scim-migrate", args[0], "--domain", h.srv.URL, "--rps", "1000"}, args[1:]...)
	code := Run(context.Background(), full, Streams{In: strings.NewReader(""), Out: &out, Err: &errb, OutTerminal: true, ErrTerminal: true},
		Deps{Version: "test", Getenv: func(k string) string { return h.env[k] }, Stop: h.stop, OpenTerminal: noTerminal})
	return result{stdout: out.String(), stderr: errb.String(), code: code}
}

// On a terminal, plan is quiet unless asked (-v, --log-level info), as
// terraform, gh and kubectl are; without a terminal (cron) it keeps its
// status lines.
func TestHabits_quietOnATerminal(t *testing.T) {
	t.Parallel()
	h := newHarness(t, emulator.Options{})
	const m = "../../examples/manifest.json"
	if r := h.expect(h.runOnTTY("plan", "-f", m), 0); strings.Contains(r.stderr, "level=INFO") {
		t.Fatalf("plan on a terminal logs INFO lines:\n%s", r)
	}
	for _, asked := range [][]string{{"-v"}, {"--verbose"}, {"--log-level", "info"}} {
		r := h.expect(h.runOnTTY(append([]string{"plan"}, append(asked, "-f", m)...)...), 0)
		if !strings.Contains(r.stderr, "level=INFO") {
			t.Fatalf("plan %v on a terminal does not log:\n%s", asked, r)
		}
	}
	r := h.expect(h.runRaw("scim-migrate", "plan", "--domain", h.srv.URL, "-f", m), 0)
	if !strings.Contains(r.stderr, "level=INFO") {
		t.Fatalf("plan without a terminal (cron) lost its status lines:\n%s", r)
	}
	if r := h.runOnTTY("plan", "--no-color", "-f", m); strings.Contains(r.stdout, "\x1b[") {
		t.Fatalf("colour despite --no-color:\n%s", r)
	}
}

// Every command takes the logging and output flags.
func TestHabits_oneSetOfFlags(t *testing.T) {
	t.Parallel()
	h := newHarness(t, emulator.Options{})
	bad := h.file("bad.json", `{"connections": [{"connection_id": "nope"}]}`)
	r := h.expect(h.runRaw("scim-migrate", "validate", "--log-format", "json", "-f", bad), 1)
	for _, line := range strings.Split(strings.TrimSpace(r.stderr), "\n") {
		if !json.Valid([]byte(line)) {
			t.Fatalf("validate --log-format json wrote a line that is not JSON: %q\n%s", line, r)
		}
	}
	h.expect(h.runRaw("scim-migrate", "validate", "--quiet", "--no-color", "--log-level", "warn", "../../examples/manifest.json"), 0)
	rep := h.applyOnce()
	q := h.expect(h.runRaw("scim-migrate", "report", "--quiet", "--out", h.path("r.md"), rep), 0)
	if q.stderr != "" || q.stdout != "" {
		t.Fatalf("report --quiet printed:\n%s", q)
	}
}

// Suggestions for flags, their values and subcommands; help of a
// subcommand.
func TestHabits_suggestions(t *testing.T) {
	t.Parallel()
	h := newHarness(t, emulator.Options{})
	for _, tt := range []struct {
		args []string
		want string
	}{
		{[]string{"apply", "--dryrun", "-f", "m.json"}, "unknown flag --dryrun; did you mean --dry-run?"},
		{[]string{"export", "--strategy", "okat", "--domain", "acme.eu.auth0.com"}, `did you mean "okta"?`},
		{[]string{"plan", "--format", "jsno", "-f", "m.json"}, `did you mean "json"?`},
		{[]string{"tokens", "audti"}, `"audti" is not a scim-migrate tokens command; did you mean "audit"?`},
	} {
		r := h.expect(h.runRaw(append([]string{"scim-migrate"}, tt.args...)...), 1)
		if !strings.Contains(r.stderr, tt.want) || r.stdout != "" {
			t.Errorf("%v: want %q\n%s", tt.args, tt.want, r)
		}
	}
	r := h.expect(h.runRaw("scim-migrate", "help", "tokens", "audit"), 0)
	if !strings.Contains(r.stdout, "scim-migrate tokens audit -") || !strings.Contains(r.stdout, "--within") {
		t.Fatalf("help tokens audit is not the help of tokens audit:\n%s", r)
	}
}

// A cron host sets --format, --report-dir, --keep and --quiet once, in the
// environment; a --report on the command line still wins.
func TestHabits_environment(t *testing.T) {
	h := newHarness(t, emulator.Options{})
	dir := h.path("reports")
	if err := os.Mkdir(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	for k, v := range map[string]string{"SCIM_MIGRATE_FORMAT": "json", "SCIM_MIGRATE_REPORT_DIR": dir, "SCIM_MIGRATE_KEEP": "2", "SCIM_MIGRATE_QUIET": "true"} {
		t.Setenv(k, v)
		h.env[k] = v
	}
	r := h.expect(h.runRaw("scim-migrate", "apply", "--domain", h.srv.URL, "--yes", "-f", "../../examples/manifest.json"), 0)
	var doc report.RunResult
	if err := json.Unmarshal([]byte(r.stdout), &doc); err != nil || filepath.Dir(doc.Report) != dir {
		t.Fatalf("apply with the environment: %v\n%s", err, r)
	}
	if r.stderr != "" {
		t.Fatalf("SCIM_MIGRATE_QUIET: stderr\n%s", r)
	}
	own := h.path("own.jsonl")
	r = h.expect(h.runRaw("scim-migrate", "apply", "--domain", h.srv.URL, "--yes", "--report", own, "-f", "../../examples/manifest.json"), 0)
	if err := json.Unmarshal([]byte(r.stdout), &doc); err != nil || doc.Report != own {
		t.Fatalf("--report against SCIM_MIGRATE_REPORT_DIR: %v\n%s", err, r)
	}
	r = h.expect(h.runRaw("scim-migrate", "apply", "--domain", h.srv.URL, "--yes", "--timeout", "5", "-f", "../../examples/manifest.json"), 1)
	if !json.Valid([]byte(r.stdout)) {
		t.Fatalf("SCIM_MIGRATE_FORMAT=json and a refused flag: stdout is not one JSON document\n%s", r)
	}
	r = h.expect(h.runRaw("scim-migrate", "validate", "--format", "text", "../../examples/manifest.json"), 0)
	if json.Valid([]byte(r.stdout)) {
		t.Fatalf("--format text on the command line loses to the environment:\n%s", r)
	}
}

// What the anchors have: completion of flag values and of file names,
// version --format json, a manual page.
func TestHabits_completionVersionMan(t *testing.T) {
	t.Parallel()
	h := newHarness(t, emulator.Options{})
	for _, tt := range []struct {
		args []string
		want string
	}{
		{[]string{"plan", "--format"}, "text\njson\nmarkdown\nhtml\n"},
		{[]string{"export", "--strategy"}, "samlp\noidc\nokta\nwaad\n"},
		{[]string{"tokens"}, "audit\nissue\nrevoke\nrotate\n"},
		{[]string{"apply"}, ""}, // the shell completes file names
		{[]string{"apply", "-f"}, ""},
		{[]string{"completion"}, "bash\nzsh\nfish\n"},
	} {
		r := h.expect(h.runRaw(append(append([]string{"scim-migrate"}, tt.args...), "--generate-bash-completion")...), 0)
		if r.stdout != tt.want {
			t.Errorf("completion of %v: %q, want %q", tt.args, r.stdout, tt.want)
		}
	}
	r := h.expect(h.runRaw("scim-migrate", "version", "--format", "json"), 0)
	var v cliui.VersionInfo
	if err := json.Unmarshal([]byte(r.stdout), &v); err != nil || v.Version != "test" || v.GoVersion == "" || v.OS == "" || v.Arch == "" {
		t.Fatalf("version --format json: %v %+v\n%s", err, v, r)
	}
	r = h.expect(h.runRaw("scim-migrate", "man"), 0)
	if !strings.HasPrefix(r.stdout, ".nh\n.TH scim-migrate 1") || !strings.Contains(r.stdout, "tokens") {
		t.Fatalf("man:\n%.300s", r.stdout)
	}
}

// Token words: an issue's summary says issued, the rollback of an issue
// revoked; a dry run of an issue needs no --out; plurals are right.
func TestHabits_tokenWords(t *testing.T) {
	t.Parallel()
	h := newHarness(t, emulator.Options{})
	dry := h.expect(h.run("tokens", "issue", "--dry-run", "--connection", "globex-saml"), ExitOK)
	if !strings.Contains(dry.stdout, "issue a SCIM token for 1 connection,") {
		t.Fatalf("tokens issue --dry-run without --out:\n%s", dry)
	}
	out, rep := h.path("handoff.json"), h.path("issue.jsonl")
	r := h.expect(h.run("tokens", "issue", "--yes", "--strategy", "okta", "--connection", "globex-saml",
		"--out", out, "--report", rep, "--lifetime", "52w"), ExitOK)
	if !strings.Contains(r.stdout, "tokens issue finished: 3 issued, 0 unchanged, 0 failed, 0 conflicts, 0 skipped") {
		t.Fatalf("tokens issue summary:\n%s", r)
	}
	r = h.expect(h.run("rollback", "--from", rep), ExitOK)
	if !strings.Contains(r.stdout, "rollback finished: 3 revoked") || !strings.Contains(r.stdout, "revoke the 3 tokens issued") {
		t.Fatalf("rollback of tokens issue:\n%s", r)
	}
}

// Reports a nightly job can keep: a run's unchanged connections carry a
// digest, not their states, and the run still rolls back; a dry run's JSON
// document lists its changes.
func TestHabits_nightlyReports(t *testing.T) {
	t.Parallel()
	h := newHarness(t, emulator.Options{})
	const m = "../../examples/manifest.json"
	r := h.expect(h.run("apply", "--dry-run", "--format", "json", "-f", m), 0)
	var dry report.RunResult
	if err := json.Unmarshal([]byte(r.stdout), &dry); err != nil || dry.Plan == nil || len(dry.Changes) != dry.Plan.Create+dry.Plan.Update+dry.Plan.Missing {
		t.Fatalf("apply --dry-run --format json: %v\n%s", err, r)
	}
	for _, c := range dry.Changes {
		if c.ConnectionID == "" || c.Action == "" || (c.Action == "update" && (c.Before == nil || c.After == nil)) {
			t.Errorf("dry-run change %+v", c)
		}
	}
	first := h.path("first.jsonl")
	h.expect(h.run("apply", "--report", first, "-f", m), 0)
	again := h.path("again.jsonl")
	h.expect(h.run("apply", "--report", again, "-f", m), 0)
	run, err := runlog.ReadRunFile(again)
	if err != nil {
		t.Fatal(err)
	}
	compact := 0
	for _, res := range run.Results {
		if res.Status == runlog.StatusUnchanged && res.Action == "none" {
			if res.Before != nil || res.After != nil || len(res.StateSHA256) != 64 {
				t.Errorf("unchanged result with its states: %+v", res)
			}
			compact++
		}
	}
	if compact == 0 {
		t.Fatalf("no unchanged result in the second run")
	}
	h.expect(h.run("rollback", "--from", again), 0)
	h.expect(h.run("rollback", "--from", first), 0)
}
