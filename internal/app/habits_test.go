package app

import (
	"bytes"
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/scim-migrate/scim-migrate/internal/emulator"
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
