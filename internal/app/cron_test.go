package app

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/scim-migrate/scim-migrate/internal/emulator"
)

// The answers a scheduled job (a drift check in cron, a retried CI apply)
// relies on.

// typoManifest names acme-okta with one letter too many: a deleted or
// renamed connection, as the drift check sees it.
const typoManifest = `{"connections": [
  {"connection_name": "acme-oktaa", "mode": "merge", "mapping": [{"scim": "title", "auth0": "app_metadata.title"}]}
]}`

func TestCron_driftCheckFailsOnAConnectionTheTenantLacks(t *testing.T) {
	t.Parallel()
	h := newHarness(t, emulator.Options{})
	m := h.file("typo.json", typoManifest)
	r := h.expect(h.run("plan", "--detailed-exitcode", "-f", m), ExitChanges)
	if strings.Contains(r.stdout, "The tenant matches the manifest") {
		t.Errorf("a plan with an entry the tenant lacks says it matches:\n%s", r)
	}
	if !strings.Contains(r.stdout, "Plan: 0 to create, 0 to update, 0 unchanged, 0 missing, 1 not found.") {
		t.Errorf("the summary does not count the entry:\n%s", r)
	}
	if !strings.Contains(r.stdout, `did you mean "acme-okta"?`) {
		t.Errorf("the nearest connection is not named:\n%s", r)
	}
	if n := strings.Count(r.stdout+r.stderr, `"acme-oktaa"`); n != 1 {
		t.Errorf("the warning is said %d times, want once:\n%s", n, r)
	}
	h.expect(h.run("plan", "-f", m), ExitOK)

	r = h.expect(h.run("plan", "--detailed-exitcode", "--format", "json", "-f", m), ExitChanges)
	if !strings.Contains(r.stdout, `"not_found": 1`) || strings.Count(r.stderr, `acme-oktaa`) != 1 {
		t.Errorf("plan --format json:\n%s", r)
	}
}

func TestCron_tokenAuditFlagsAConnectionTheTenantLacks(t *testing.T) {
	t.Parallel()
	h := newHarness(t, emulator.Options{})
	r := h.expect(h.run("tokens", "audit", "--detailed-exitcode", "--connection", "acme-oktaa"), ExitChanges)
	if !strings.Contains(r.stdout, `did you mean "acme-okta"?`) || !strings.Contains(r.stdout, "1 not found") {
		t.Errorf("tokens audit:\n%s", r)
	}
	h.expect(h.run("tokens", "audit", "--connection", "nosuch"), ExitOK)
	r = h.expect(h.run("tokens", "audit", "--detailed-exitcode", "--format", "json", "-f", h.file("typo.json", typoManifest)), ExitChanges)
	if !strings.Contains(r.stdout, `"not_found": true`) || strings.Count(r.stderr, "acme-oktaa") != 0 {
		t.Errorf("tokens audit -f:\n%s", r)
	}
}

func TestCron_reapplyingAnAppliedSavedPlanIsUnchanged(t *testing.T) {
	t.Parallel()
	h := newHarness(t, emulator.Options{})
	saved := h.path("plan.json")
	h.expect(h.run("plan", "--out", saved, "-f", "../../examples/manifest.json"), ExitOK)
	r := h.expect(h.run("apply", "--plan", saved), ExitOK)
	if !strings.Contains(r.stdout, " 0 unchanged, 0 failed, 0 conflict") {
		t.Fatalf("first apply:\n%s", r)
	}
	// A CI retry: the same saved plan again.
	r = h.expect(h.run("apply", "--plan", saved, "--format", "json"), ExitOK)
	if !strings.Contains(r.stdout, `"applied": 0`) || !strings.Contains(r.stdout, `"conflict": 0`) ||
		strings.Contains(r.stdout, `"unchanged": 0`) {
		t.Fatalf("the retry:\n%s", r)
	}
	if len(h.tenant.Stats().Writes) == 0 {
		t.Fatal("the first apply wrote nothing: the test proves nothing")
	}
}

func TestCron_formatJSONAlwaysPrintsOneDocument(t *testing.T) {
	h := newHarness(t, emulator.Options{})
	m := "../../examples/manifest.json"
	for _, tc := range []struct {
		name string
		env  map[string]string
		args []string
		want string
	}{
		{"flag", nil, []string{"apply", "--format", "json", "--timeout", "5", "-f", m}, `--timeout \"5\": give a duration with its unit`},
		{"env", map[string]string{"SCIM_MIGRATE_TIMEOUT": "5"}, []string{"apply", "--format=json", "-f", m},
			`environment variable SCIM_MIGRATE_TIMEOUT=\"5\" (--timeout): give a duration with its unit`},
		{"int env", map[string]string{"SCIM_MIGRATE_CONCURRENCY": "x"}, []string{"plan", "--format", "json", "-f", m},
			`SCIM_MIGRATE_CONCURRENCY=\"x\" (--concurrency): give a whole number`},
		{"validate", nil, []string{"validate", "--format", "json", "--bogus", m}, `"valid": false`},
		{"tokens", nil, []string{"tokens", "issue", "--format", "json", "--lifetime", "5", "--out", h.path("h.json")}, `"command": "tokens issue"`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			for k, v := range tc.env {
				t.Setenv(k, v) // urfave/cli reads the flags' variables from the process
			}
			r := h.run(tc.args[0], tc.args[1:]...)
			var doc map[string]any
			if err := json.Unmarshal([]byte(r.stdout), &doc); err != nil || r.code != ExitError || !strings.Contains(r.stdout, tc.want) {
				t.Fatalf("stdout is not one JSON document with %s (%v):\n%s", tc.want, err, r)
			}
		})
	}
	// export's --format json is a manifest: a failure leaves stdout empty.
	r := h.expect(h.run("export", "--format", "json", "--timeout", "5"), ExitError)
	if r.stdout != "" {
		t.Errorf("export wrote a document:\n%s", r)
	}
}

// runStatus runs scim-migrate in-process with a status line every few
// milliseconds, as a cron run logs one every 10 s.
func (h *harness) runStatus(args ...string) result {
	h.t.Helper()
	var out, errb bytes.Buffer
	full := append([]string{"scim-migrate", args[0], "--domain", h.srv.URL, "--concurrency", "1"}, args[1:]...)
	if args[0] == "tokens" {
		full = append([]string{"scim-migrate", "tokens", args[1], "--domain", h.srv.URL, "--concurrency", "1"}, args[2:]...)
	}
	code := Run(context.Background(), full, Streams{In: strings.NewReader(""), Out: &out, Err: &errb}, Deps{
		Version: "test", Getenv: func(k string) string { return h.env[k] }, OpenTerminal: noTerminal,
		StatusEvery: 5 * time.Millisecond,
	})
	return result{stdout: out.String(), stderr: errb.String(), code: code}
}

// statusLines are the progress lines of a run's log.
func statusLines(stderr string) []string {
	var out []string
	for _, l := range strings.Split(stderr, "\n") {
		if strings.Contains(l, "msg=progress") {
			out = append(out, l)
		}
	}
	return out
}

func TestCron_progressCountsChecksApartFromWrites(t *testing.T) {
	t.Parallel()
	h, _, ids := mixedTenant(t, 40, emulator.Options{Latency: 10 * time.Millisecond})
	// Four connections change; the 36 others are already as asked.
	var entries []string
	for i, id := range ids {
		uid := "userName"
		if i < 4 {
			uid = "externalId"
		}
		entries = append(entries, fmt.Sprintf(`{"connection_id": %q, "user_id_attribute": %q, "mapping": [{"scim": "userName", "auth0": "email"}]}`, id, uid))
	}
	m := h.file("four.json", `{"connections": [`+strings.Join(entries, ",\n")+`]}`)
	r := h.runStatus("apply", "--yes", "--report-dir", h.dir, "-f", m)
	lines := statusLines(r.stderr)
	if r.code != ExitOK || len(lines) == 0 {
		t.Fatalf("no status line:\n%s", r)
	}
	for _, l := range lines {
		if !strings.Contains(l, " checks_total=36 ") || !strings.Contains(l, "writes_total=4 ") {
			t.Fatalf("a status line does not count checks apart from writes: %s", l)
		}
		if strings.Contains(l, "writes_done=0 ") && !strings.Contains(l, "eta=unknown") {
			t.Errorf("an ETA before any write: %s", l)
		}
	}
}

func TestCron_tokenAuditShowsProgress(t *testing.T) {
	t.Parallel()
	h := newHarness(t, emulator.Options{Latency: 10 * time.Millisecond})
	r := h.runStatus("tokens", "audit", "--all")
	lines := statusLines(r.stderr)
	if r.code != ExitOK || len(lines) == 0 || !strings.Contains(lines[0], "writes_total=") {
		t.Fatalf("tokens audit logs no progress:\n%s", r)
	}
}

func TestCron_outExtensionsNameWhatEachCommandWrites(t *testing.T) {
	t.Parallel()
	h := newHarness(t, emulator.Options{})
	r := h.expect(h.run("export", "--out", h.path("m.md")), ExitError)
	if strings.Contains(r.stderr, "--format json") || !strings.Contains(r.stderr, "m.md names a markdown file, which export does not write") ||
		!strings.Contains(r.stderr, ".json, .csv") {
		t.Errorf("export --out m.md:\n%s", r)
	}
	r = h.expect(h.run("tokens", "audit", "--out", h.path("tok.csv")), ExitError)
	if strings.Contains(r.stderr, "--format text") || !strings.Contains(r.stderr, ".txt, .json, .md, .html") {
		t.Errorf("tokens audit --out tok.csv:\n%s", r)
	}
	r = h.expect(h.run("tokens", "audit", "--help"), ExitOK)
	if strings.Contains(r.stdout, ".csv") {
		t.Errorf("tokens audit --help lists .csv, which it does not write:\n%s", r.stdout)
	}
}

func TestCron_helpSaysWhatTheToolDoes(t *testing.T) {
	t.Parallel()
	h := newHarness(t, emulator.Options{})
	r := h.expect(h.runRaw("scim-migrate", "--help"), ExitOK)
	if strings.Contains(r.stdout, "plan --detailed-exitcode only") || !strings.Contains(r.stdout, "(plan, tokens audit)") {
		t.Errorf("exit code 2 in --help:\n%s", r.stdout)
	}
	r = h.expect(h.runRaw("scim-migrate", "tokens", "audit", "--help"), ExitOK)
	if strings.Contains(r.stdout, "(the default) (default: false)") {
		t.Errorf("--all in tokens audit --help:\n%s", r.stdout)
	}
}
