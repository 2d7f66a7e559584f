package app

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/scim-migrate/scim-migrate/internal/emulator"
	"github.com/scim-migrate/scim-migrate/internal/report"
	"github.com/scim-migrate/scim-migrate/internal/runlog"
)

func TestJSONResult_applyAndRollbackMatchTheirReports(t *testing.T) {
	t.Parallel()
	h := newHarness(t, emulator.Options{})
	rep := h.path("apply.jsonl")
	r := h.expect(h.run("apply", "--format", "json", "--report", rep, "-f", "../../examples/manifest.json"), 0)
	doc := decodeRunDoc(t, r.stdout)
	run := h.readReport(rep)
	if doc.Command != "apply" || doc.Report != rep || doc.Tenant != strings.TrimPrefix(h.srv.URL, "http://") || doc.ExitCode != 0 {
		t.Fatalf("document %+v", doc)
	}
	if doc.Summary != run.Summary.Counts || doc.WritesSent != run.Summary.WritesSent || doc.Plan == nil || doc.Plan.Update != 2 {
		t.Fatalf("document %+v does not match the report's summary %+v", doc, run.Summary)
	}
	back := h.path("back.jsonl")
	r = h.expect(h.run("rollback", "--format", "json", "--report", back, "--from", rep), 0)
	doc = decodeRunDoc(t, r.stdout)
	if doc.Command != "rollback" || doc.Summary != h.readReport(back).Summary.Counts || doc.Summary.Applied != 3 {
		t.Fatalf("rollback document %+v", doc)
	}
	// A run that cannot start still prints exactly one document.
	r = h.expect(h.run("apply", "--format", "json", "--report", h.path("x.jsonl"), "-f", h.file("bad.json", "{")), 1)
	doc = decodeRunDoc(t, r.stdout)
	if doc.ExitCode != 1 || doc.Error == "" {
		t.Fatalf("a failed start: %+v", doc)
	}
}

// decodeRunDoc checks stdout is exactly one JSON document and decodes it.
func decodeRunDoc(t *testing.T, stdout string) report.RunResult {
	t.Helper()
	dec := json.NewDecoder(strings.NewReader(stdout))
	dec.DisallowUnknownFields()
	var d report.RunResult
	if err := dec.Decode(&d); err != nil {
		t.Fatalf("stdout is not the JSON result: %v\n%s", err, stdout)
	}
	if dec.More() {
		t.Fatalf("stdout holds more than one JSON document:\n%s", stdout)
	}
	return d
}

func TestJSONResult_validate(t *testing.T) {
	t.Parallel()
	h := newHarness(t, emulator.Options{})
	r := h.expect(h.runRaw("scim-migrate", "validate", "--format", "json", "-f", "../../examples/manifest.csv"), 0)
	var ok report.ValidateResult
	if err := json.Unmarshal([]byte(r.stdout), &ok); err != nil || !ok.Valid || len(ok.Problems) != 0 || r.stderr != "" {
		t.Fatalf("%v %+v\n%s", err, ok, r)
	}
	bad := h.file("bad.csv", "connection_id,user_id_attribute,scim,auth0\ncon_a1,u,,b\nnot-an-id,u,a,b\n")
	r = h.expect(h.runRaw("scim-migrate", "validate", "--format", "json", bad), 1)
	var doc report.ValidateResult
	if err := json.Unmarshal([]byte(r.stdout), &doc); err != nil || doc.Valid || len(doc.Problems) != 2 {
		t.Fatalf("%v %+v", err, doc)
	}
	if p := doc.Problems[0]; p.File != bad || p.Line != 2 || !strings.Contains(p.Message, "scim must not be empty") {
		t.Errorf("problem %+v", p)
	}
	r = h.expect(h.runRaw("scim-migrate", "validate", "--format", "json", h.path("missing.json")), 1)
	if err := json.Unmarshal([]byte(r.stdout), &doc); err != nil || doc.Valid || len(doc.Problems) != 1 || doc.Problems[0].Line != 0 {
		t.Fatalf("an unreadable file: %v %+v", err, doc)
	}
}

func TestJSONLogs_everyStderrLineIsJSON(t *testing.T) {
	t.Parallel()
	h := newHarness(t, emulator.Options{})
	for _, args := range [][]string{
		{"apply", "--log-format", "json", "--report", h.path("a.jsonl"), "-f", "../../examples/manifest.json"},
		{"apply", "--log-format", "json", "--report", h.path("b.jsonl"), "-f", h.file("bad.json", `{"connections": [{"connection_id": "x"}]}`)},
		{"rollback", "--log-format", "json", "--report", h.path("c.jsonl"), "--from", h.path("missing.jsonl")},
	} {
		r := h.run(args[0], args[1:]...)
		events := jsonLines(t, r.stderr)
		if len(events) == 0 {
			t.Fatalf("%v: no log lines", args)
		}
		last := events[len(events)-1]
		if r.code == 0 && (last["msg"] != "run finished" || last["applied"] != 3.0) {
			t.Errorf("%v: the last event is not the summary: %v", args, last)
		}
		if r.code != 0 && last["level"] != "ERROR" {
			t.Errorf("%v: the last event is not the error: %v", args, last)
		}
	}
}

// jsonLines fails unless every line is a JSON object, and decodes them.
func jsonLines(t *testing.T, s string) []map[string]any {
	t.Helper()
	var out []map[string]any
	sc := bufio.NewScanner(strings.NewReader(s))
	for sc.Scan() {
		var m map[string]any
		if err := json.Unmarshal(sc.Bytes(), &m); err != nil {
			t.Fatalf("a stderr line is not JSON: %q", sc.Text())
		}
		out = append(out, m)
	}
	return out
}

func TestPlanCreateMissing_thenApplyTheSavedPlan(t *testing.T) {
	t.Parallel()
	h := newHarness(t, emulator.Options{})
	saved := h.path("plan.json")
	r := h.expect(h.run("plan", "--create-missing", "--out", saved, "-f", "../../examples/manifest.json"), 0)
	if !strings.Contains(r.stdout, "Plan: 2 to create") {
		t.Fatalf("plan --create-missing:\n%s", r)
	}
	h.expect(h.run("apply", "--plan", saved, "--report", h.path("r.jsonl")), 0)
	if _, ok := h.tenant.SCIMConfig("con_Cyb3rdyneSaml2Lm"); !ok {
		t.Fatal("apply --plan did not create what the saved plan says")
	}
	r = h.expect(h.run("apply", "--plan", saved, "--create-missing"), 1)
	if !strings.Contains(r.stderr, "plan --create-missing") {
		t.Fatalf("%s", r)
	}
}

func TestManifestFromStdin(t *testing.T) {
	t.Parallel()
	h := newHarness(t, emulator.Options{})
	data, err := os.ReadFile("../../examples/manifest.csv")
	if err != nil {
		t.Fatal(err)
	}
	run := func(args ...string) result {
		var out, errb bytes.Buffer
		code := Run(context.Background(), args, Streams{In: bytes.NewReader(data), Out: &out, Err: &errb},
			Deps{Version: "test", Getenv: func(k string) string { return h.env[k] }, OpenTerminal: noTerminal})
		return result{stdout: out.String(), stderr: errb.String(), code: code}
	}
	if r := run("scim-migrate", "validate", "-f", "-"); r.code != 0 || !strings.HasPrefix(r.stdout, "stdin: valid") {
		t.Fatalf("validate -f -: %s", r)
	}
	if r := run("scim-migrate", "plan", "--domain", h.srv.URL, "-f", "-"); r.code != 0 || !strings.Contains(r.stdout, "Plan:") {
		t.Fatalf("plan -f -: %s", r)
	}
	data = []byte("connection_id,user_id_attribute,scim,auth0\ncon_a1,u,,b\n")
	if r := run("scim-migrate", "validate", "-f", "-"); r.code != 1 || !strings.Contains(r.stderr, "stdin:2: ") {
		t.Fatalf("a problem on stdin names its line: %s", r)
	}
}

func TestUsage_oneLineAHintAndNothingOnStdout(t *testing.T) {
	t.Parallel()
	h := newHarness(t, emulator.Options{})
	for name, c := range map[string]struct {
		args []string
		want string
	}{
		"unknown command":  {[]string{"plna"}, `"plna" is not a scim-migrate command; did you mean "plan"?`},
		"unknown flag":     {[]string{"plan", "--bogus", "-f", "m.json"}, "unknown flag --bogus"},
		"bad duration":     {[]string{"plan", "--timeout", "5", "-f", "m.json"}, `--timeout "5": give a duration with its unit, such as 30s`},
		"repeated -f":      {[]string{"validate", "-f", "a.json", "-f", "b.json"}, "--manifest is given twice"},
		"repeated --from":  {[]string{"rollback", "--from", "a", "--from=b"}, "--from is given twice"},
		"wrong shell":      {[]string{"completion", "tcsh"}, `unknown shell "tcsh"`},
		"flag after file":  {[]string{"validate", "m.json", "--format", "json"}, "comes after the file"},
		"keep without dir": {[]string{"apply", "--yes", "--keep", "3", "-f", "m.json"}, "--keep prunes the reports of --report-dir"},
	} {
		t.Run(name, func(t *testing.T) {
			r := h.expect(h.runRaw(append([]string{"scim-migrate"}, c.args...)...), ExitError)
			lines := strings.Split(strings.TrimSpace(r.stderr), "\n")
			if r.stdout != "" || len(lines) != 2 || !strings.Contains(lines[0], c.want) || !strings.Contains(lines[1], "--help") {
				t.Fatalf("want one line saying %q and a hint to --help, nothing on stdout:\n%s", c.want, r)
			}
		})
	}
}

func TestReport_noHTMLOnATerminal(t *testing.T) {
	t.Parallel()
	h := newHarness(t, emulator.Options{})
	rep := h.applyOnce()
	var out, errb bytes.Buffer
	code := Run(context.Background(), []string{"scim-migrate", "report", "--format", "html", "--from", rep}, Streams{
		In: strings.NewReader(""), Out: &out, Err: &errb, OutTerminal: true}, Deps{Getenv: func(string) string { return "" }})
	if code != ExitError || out.Len() != 0 || !strings.Contains(errb.String(), "--out") {
		t.Fatalf("exit %d\n%s%s", code, out.String(), errb.String())
	}
	// Without --format, a terminal is shown text, as terraform show does.
	out.Reset()
	errb.Reset()
	code = Run(context.Background(), []string{"scim-migrate", "report", "--from", rep}, Streams{
		In: strings.NewReader(""), Out: &out, Err: &errb, OutTerminal: true}, Deps{Getenv: func(string) string { return "" }})
	if code != ExitOK || !strings.HasPrefix(out.String(), "scim-migrate apply run") || !strings.Contains(out.String(), "STATUS") {
		t.Fatalf("report on a terminal: exit %d\n%s%s", code, out.String(), errb.String())
	}
	md := h.expect(h.runRaw("scim-migrate", "report", "--out", h.path("r.md"), rep), 0)
	if b, _ := os.ReadFile(h.path("r.md")); !bytes.HasPrefix(b, []byte("# ")) || md.stdout != "" {
		t.Fatalf("report --out r.md wrote %.40q", b)
	}
}

func TestCompletionAndVersion(t *testing.T) {
	t.Parallel()
	h := newHarness(t, emulator.Options{})
	for shell, want := range map[string]string{"bash": "complete -o bashdefault", "zsh": "#compdef scim-migrate", "fish": "complete -c scim-migrate"} {
		r := h.expect(h.runRaw("scim-migrate", "completion", shell), 0)
		if !strings.Contains(r.stdout, want) {
			t.Errorf("%s completion lacks %q", shell, want)
		}
	}
	// urfave/cli reads the word to complete from os.Args: the binary, then.
	out, err := exec.Command(binary(t), "apply", "--d", "--generate-bash-completion").Output()
	if err != nil || !strings.Contains(string(out), "--dry-run") || !strings.Contains(string(out), "--domain") {
		t.Errorf("the completion candidates of apply --d: %v\n%s", err, out)
	}
	v := h.expect(h.runRaw("scim-migrate", "version"), 0)
	w := h.expect(h.runRaw("scim-migrate", "--version"), 0)
	if !strings.HasPrefix(v.stdout, "scim-migrate version test") || v.stdout != w.stdout {
		t.Errorf("version %q, --version %q", v.stdout, w.stdout)
	}
}

func TestReportDir_keepsTheNewest(t *testing.T) {
	t.Parallel()
	h := newHarness(t, emulator.Options{})
	dir := h.path("reports")
	now := time.Date(2026, 12, 1, 2, 0, 0, 0, time.UTC)
	tenant := strings.TrimPrefix(h.srv.URL, "http://")
	for i := range 4 {
		started := now.Add(-time.Duration(i+1) * 24 * time.Hour)
		seedReport(t, filepath.Join(dir, runlog.DefaultPath("apply", strings.Replace(tenant, "127.0.0.1", "localhost", 1), started)), tenant, "apply", started)
	}
	other := filepath.Join(dir, runlog.DefaultPath("apply", "other.eu.auth0.com", now.Add(-100*24*time.Hour)))
	_ = os.WriteFile(other, []byte("{}\n"), 0o600)
	r := h.expect(h.run("apply", "--report-dir", dir, "--keep", "2", "-f", "../../examples/manifest.json"), 0)
	left, _ := filepath.Glob(filepath.Join(dir, "*.jsonl"))
	if len(left) != 3 {
		t.Fatalf("left %v\n%s", left, r)
	}
	if _, err := os.Stat(other); err != nil {
		t.Error("another tenant's report was deleted")
	}
}
