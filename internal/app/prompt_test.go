package app

import (
	"bytes"
	"context"
	"io"
	"strings"
	"testing"

	"github.com/scim-migrate/scim-migrate/internal/emulator"
)

// fakeTerminal is the controlling terminal of a test: what the person
// types, and what the tool wrote there.
type fakeTerminal struct {
	in     io.Reader
	out    bytes.Buffer
	opened int
}

func (f *fakeTerminal) Read(p []byte) (int, error)  { return f.in.Read(p) }
func (f *fakeTerminal) Write(p []byte) (int, error) { return f.out.Write(p) }
func (f *fakeTerminal) Close() error                { return nil }

// runTerminal runs a command as if a person typed answer at the
// controlling terminal, with stdin, stdout and stderr redirected (they are
// not terminals), as in apply 2>run.log.
func (h *harness) runTerminal(answer string, args ...string) (result, *fakeTerminal) {
	h.t.Helper()
	tty := &fakeTerminal{in: strings.NewReader(answer)}
	var out, errb bytes.Buffer
	full := append([]string{"scim-migrate", args[0], "--domain", h.srv.URL, "--rps", "1000"}, args[1:]...)
	code := Run(context.Background(), full, Streams{In: strings.NewReader(""), Out: &out, Err: &errb}, Deps{
		Version: "test", Getenv: func(k string) string { return h.env[k] }, Stop: h.stop,
		OpenTerminal: func() (io.ReadWriteCloser, error) { tty.opened++; return tty, nil },
	})
	return result{stdout: out.String(), stderr: errb.String(), code: code}, tty
}

func TestPrompt_applyAndRollbackAskOnTheTerminal(t *testing.T) {
	t.Parallel()
	h := newHarness(t, emulator.Options{})
	for _, answer := range []string{"no\n", "y\n", ""} {
		r, tty := h.runTerminal(answer, "apply", "--report", h.path("r.jsonl"), "-f", "../../examples/manifest.json")
		if r.code != ExitError || !strings.Contains(tty.out.String(), "Only 'yes' will be accepted") {
			t.Fatalf("answer %q: %s\nterminal: %s", answer, r, tty.out.String())
		}
		h.nothingWritten("declined apply")
	}
	r, tty := h.runTerminal("yes\n", "apply", "--report", h.path("r2.jsonl"), "-f", "../../examples/manifest.json")
	if r.code != 0 || !strings.Contains(r.stdout, "3 applied") || !strings.Contains(tty.out.String(), "Write 3 SCIM configurations") {
		t.Fatalf("accepted apply: %s", r)
	}
	if strings.Contains(r.stdout+r.stderr, "Enter a value") {
		t.Fatal("the question went to stdout or stderr, not the terminal")
	}
	r, tty = h.runTerminal("no\n", "rollback", "--report", h.path("b.jsonl"), "--from", h.path("r2.jsonl"))
	if r.code != ExitError || !strings.Contains(tty.out.String(), "Restore 3 connections") {
		t.Fatalf("declined rollback: %s", r)
	}
	// --yes and --dry-run never ask.
	for _, flag := range []string{"--yes", "--dry-run"} {
		r, tty = h.runTerminal("", "rollback", flag, "--report", h.path("b"+flag+".jsonl"), "--from", h.path("r2.jsonl"))
		if r.code != 0 || tty.opened != 0 {
			t.Fatalf("%s asked, or failed: %s", flag, r)
		}
	}
}

func TestPrompt_noTerminalNoYesNoRequest(t *testing.T) {
	t.Parallel()
	h := newHarness(t, emulator.Options{})
	rep := h.applyOnce()
	h.tenant.ResetStats()
	for _, args := range [][]string{
		{"scim-migrate", "apply", "--domain", h.srv.URL, "--report", h.path("r.jsonl"), "-f", "../../examples/manifest.json"},
		{"scim-migrate", "rollback", "--domain", h.srv.URL, "--report", h.path("b.jsonl"), "--from", rep},
	} {
		r := h.expect(h.runRaw(args...), ExitError)
		if !strings.Contains(r.stderr, "--yes") || r.stdout != "" {
			t.Fatalf("%s: the refusal must name --yes and print nothing on stdout:\n%s", args[1], r)
		}
		if n := h.tenant.Stats().Total(); n != 0 {
			t.Fatalf("%s: %d requests reached the tenant before the refusal", args[1], n)
		}
	}
}

func TestPrompt_colourOnlyOnATerminalAndNeverWithNoColor(t *testing.T) {
	t.Parallel()
	h := newHarness(t, emulator.Options{})
	r := h.runColour("plan", "-f", "../../examples/manifest.json")
	if !strings.Contains(r.stdout, "\x1b[") {
		t.Fatalf("no colour on a terminal:\n%s", r.stdout)
	}
	h.env["NO_COLOR"] = "1"
	if r := h.runColour("plan", "-f", "../../examples/manifest.json"); strings.Contains(r.stdout, "\x1b[") {
		t.Fatal("colour despite NO_COLOR")
	}
	if r := h.run("plan", "-f", "../../examples/manifest.json"); strings.Contains(r.stdout, "\x1b[") {
		t.Fatal("colour without a terminal")
	}
}

// runColour runs a command whose stdout is a terminal.
func (h *harness) runColour(args ...string) result {
	h.t.Helper()
	var out, errb bytes.Buffer
	full := append([]string{"scim-migrate", args[0], "--domain", h.srv.URL, "--rps", "1000"}, args[1:]...)
	code := Run(context.Background(), full, Streams{In: strings.NewReader(""), Out: &out, Err: &errb, OutTerminal: true},
		Deps{Version: "test", Getenv: func(k string) string { return h.env[k] }, Stop: h.stop})
	return result{stdout: out.String(), stderr: errb.String(), code: code}
}
