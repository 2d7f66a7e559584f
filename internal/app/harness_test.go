package app

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/scim-migrate/scim-migrate/internal/emulator"
	"github.com/scim-migrate/scim-migrate/internal/runlog"
	"github.com/scim-migrate/scim-migrate/internal/scim"
)

// Test credentials. They are long and distinctive so a leak is found by a
// plain substring search of every output.
const (
	testClientID     = "test-client"
	testClientSecret = "s3cret-CLIENT-value-0123456789abcdef"
	testToken        = "tok3n-STATIC-value-0123456789abcdef"
)

var allScopes = []string{"read:connections", "read:scim_config", "update:scim_config", "create:scim_config", "delete:scim_config",
	"read:scim_token", "create:scim_token", "delete:scim_token"}

// harness is a tenant emulator served over a real socket, and a way to run
// the command line against it in-process.
type harness struct {
	t      *testing.T
	tenant *emulator.Tenant
	srv    *httptest.Server
	// base reaches srv when it serves in-memory connections (a virtual
	// test, see virtual): the app's Deps.Base. nil: srv is a real socket.
	base http.RoundTripper
	env  map[string]string
	dir  string
	// stop is given to the app as Deps.Stop; closing it is a first SIGINT.
	stop chan struct{}
	// timeout bounds one command, so a hung run fails its test.
	timeout time.Duration
	// openReport, when set, creates the run reports (Deps.OpenReport).
	openReport runlog.Opener
	// stderr is what the last process started by startWith wrote there.
	stderr *lockedBuffer
	// skew, when set, is added to the real time the app is given
	// (Deps.Now): a test moves the app's clock on without sleeping.
	skew *atomic.Int64
}

// newHarness starts an emulator seeded with the demo tenant unless conns are
// given, with a client holding every scope and a static token.
func newHarness(t *testing.T, opts emulator.Options, conns ...emulator.Connection) *harness {
	t.Helper()
	tenant := emulator.New(opts)
	seed, err := emulator.LoadSeedFile("../../testdata/tenant.json")
	if err != nil {
		t.Fatal(err)
	}
	if conns != nil {
		seed.Connections = conns
	}
	if err := tenant.LoadSeed(seed); err != nil {
		t.Fatal(err)
	}
	tenant.AddClient(emulator.Client{ID: testClientID, Secret: testClientSecret, Scopes: allScopes})
	tenant.AddStaticToken(emulator.StaticToken{Token: testToken, Scopes: allScopes})
	var srv *httptest.Server
	var base http.RoundTripper
	if isVirtual(t) {
		srv, base = pipeServer(t, tenant.Handler())
	} else {
		srv = httptest.NewServer(tenant.Handler())
		t.Cleanup(srv.Close)
	}
	dir := t.TempDir()
	return &harness{
		t: t, tenant: tenant, srv: srv, base: base, dir: dir, stop: make(chan struct{}),
		env: map[string]string{"AUTH0_CLIENT_ID": testClientID, "AUTH0_CLIENT_SECRET": testClientSecret,
			"SCIM_MIGRATE_LOCK_DIR": filepath.Join(dir, "locks")},
	}
}

// result is what one command printed and its exit code.
type result struct {
	stdout, stderr string
	code           int
}

func (r result) String() string {
	return "exit " + strconv.Itoa(r.code) + "\n--- stdout\n" + r.stdout + "\n--- stderr\n" + r.stderr
}

// run runs scim-migrate SUBCOMMAND ARGS against the emulator: the tenant
// flags go right after the subcommand (tokens': after its own), before the
// given arguments, and
// apply and rollback get --yes (a test has no terminal to be asked on).
func (h *harness) run(sub string, args ...string) result {
	h.t.Helper()
	full := []string{"scim-migrate", sub}
	if sub == "tokens" && len(args) > 0 {
		full, args = append(full, args[0]), args[1:]
	}
	full = append(full, "--domain", h.srv.URL, "--rps", "1000", "--concurrency", "8", "--log-level", "debug")
	if sub == "apply" || sub == "rollback" {
		full = append(full, "--yes")
	}
	if writesReport(full) && !hasReportFlag(args) {
		// A run's report goes to the test's directory, never the package's.
		full = append(full, "--report-dir", h.dir)
	}
	return h.runRaw(append(full, args...)...)
}

// writesReport tells the commands that write a run report by default.
func writesReport(full []string) bool {
	cmd := strings.Join(full[1:min(len(full), 3)], " ")
	switch cmd {
	case "tokens issue", "tokens revoke", "tokens rotate":
		return true
	}
	return full[1] == "apply" || full[1] == "rollback"
}

// hasReportFlag tells arguments that already say where the report goes.
func hasReportFlag(args []string) bool {
	for _, a := range args {
		name, _, _ := strings.Cut(strings.TrimLeft(a, "-"), "=")
		if strings.HasPrefix(a, "-") && (name == "report" || name == "report-dir" || name == "dry-run" || name == "help") {
			return true
		}
	}
	return false
}

// runRaw runs scim-migrate with exactly the given arguments.
func (h *harness) runRaw(args ...string) result {
	h.t.Helper()
	var out, errb bytes.Buffer
	code := h.runStreams(&out, &errb, args...)
	return result{stdout: out.String(), stderr: errb.String(), code: code}
}

// runStreams runs args with stdout and stderr going to out and errw (one
// writer for both keeps the order in which the two were written).
func (h *harness) runStreams(out, errw io.Writer, args ...string) int {
	timeout := h.timeout
	if timeout == 0 {
		timeout = 2 * time.Minute
	}
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	return Run(ctx, args, Streams{In: strings.NewReader(""), Out: out, Err: errw}, Deps{
		Version:      "test",
		Getenv:       func(k string) string { return h.env[k] },
		Stop:         h.stop,
		Now:          h.now(),
		Base:         h.base,
		OpenReport:   h.openReport,
		OpenTerminal: noTerminal,
	})
}

// now is the app's clock: the real one, moved on by skew when set.
func (h *harness) now() func() time.Time {
	if h.skew == nil {
		return nil
	}
	return func() time.Time { return time.Now().Add(time.Duration(h.skew.Load())) }
}

// file writes a file in the test's directory and returns its path.
func (h *harness) file(name, content string) string {
	h.t.Helper()
	p := filepath.Join(h.dir, name)
	if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
		h.t.Fatal(err)
	}
	return p
}

// path is a path in the test's directory.
func (h *harness) path(name string) string { return filepath.Join(h.dir, name) }

// expect fails the test unless the command exited with code.
func (h *harness) expect(r result, code int) result {
	h.t.Helper()
	if r.code != code {
		h.t.Fatalf("want exit %d, got %s", code, r)
	}
	return r
}

// sameConfig reports whether a configuration from a report equals one in
// the emulator, the order of mapping entries aside.
func sameConfig(a *scim.Config, b *emulator.SCIMConfig) bool {
	if b == nil {
		return a == nil
	}
	c := &scim.Config{UserIDAttribute: b.UserIDAttribute, Mapping: []scim.Pair{}}
	for _, m := range b.Mapping {
		c.Mapping = append(c.Mapping, scim.Pair{SCIM: m.SCIM, Auth0: m.Auth0})
	}
	return a.Equal(c)
}

// cloneState copies a snapshot of the tenant, so a test can edit what it
// expects.
func cloneState(s map[string]*emulator.SCIMConfig) map[string]*emulator.SCIMConfig {
	out := make(map[string]*emulator.SCIMConfig, len(s))
	for id, cfg := range s {
		out[id] = cfg
	}
	return out
}

// noTerminal is the controlling terminal of a test run: there is none.
func noTerminal() (io.ReadWriteCloser, error) { return nil, errors.New("no terminal") }
