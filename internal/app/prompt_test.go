package app

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/scim-migrate/scim-migrate/internal/emulator"
)

// runTerminal runs a command as if a person typed answer at a terminal.
func (h *harness) runTerminal(answer string, args ...string) result {
	h.t.Helper()
	var out, errb bytes.Buffer
	full := append([]string{"scim-migrate", args[0], "--domain", h.srv.URL, "--rps", "1000"}, args[1:]...)
	code := Run(context.Background(), full, Streams{
		In: strings.NewReader(answer), Out: &out, Err: &errb,
		InTerminal: true, OutTerminal: true, ErrTerminal: true,
	}, Deps{Version: "test", Getenv: func(k string) string { return h.env[k] }, Stop: h.stop})
	return result{stdout: out.String(), stderr: errb.String(), code: code}
}

func TestPrompt_onATerminalApplyAsksFirst(t *testing.T) {
	h := newHarness(t, emulator.Options{})
	for _, answer := range []string{"no\n", "y\n", ""} {
		r := h.runTerminal(answer, "apply", "--report", h.path("r.jsonl"), "-f", "../../examples/manifest.json")
		if r.code != ExitError || !strings.Contains(r.stderr, "Only 'yes' will be accepted") {
			t.Fatalf("answer %q: %s", answer, r)
		}
		h.nothingWritten("declined apply")
	}
	r := h.runTerminal("yes\n", "apply", "--report", h.path("r2.jsonl"), "-f", "../../examples/manifest.json")
	if r.code != 0 || !strings.Contains(r.stdout, "3 applied") {
		t.Fatalf("accepted apply: %s", r)
	}
	// --yes skips the question; nothing left to write means nothing to ask.
	r = h.runTerminal("", "apply", "--yes", "--report", h.path("r3.jsonl"), "-f", "../../examples/manifest.json")
	if r.code != 0 || strings.Contains(r.stderr, "Enter a value") {
		t.Fatalf("--yes: %s", r)
	}
}

func TestPrompt_colourOnlyOnATerminalAndNeverWithNoColor(t *testing.T) {
	h := newHarness(t, emulator.Options{})
	r := h.runTerminal("", "plan", "-f", "../../examples/manifest.json")
	if !strings.Contains(r.stdout, "\x1b[") {
		t.Fatalf("no colour on a terminal:\n%s", r.stdout)
	}
	h.env["NO_COLOR"] = "1"
	if r := h.runTerminal("", "plan", "-f", "../../examples/manifest.json"); strings.Contains(r.stdout, "\x1b[") {
		t.Fatal("colour despite NO_COLOR")
	}
	if r := h.run("plan", "-f", "../../examples/manifest.json"); strings.Contains(r.stdout, "\x1b[") {
		t.Fatal("colour without a terminal")
	}
}
