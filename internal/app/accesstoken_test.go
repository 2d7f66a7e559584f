package app

import (
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"regexp"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/scim-migrate/scim-migrate/internal/emulator"
	"github.com/scim-migrate/scim-migrate/internal/runlog"
)

// TestApply_tokenExpiresAndIsRevokedDuringTheRun is the scenario: a
// token that lives 3 s of the tenant's clock, which runs 5 times faster
// than the client's (so the token dies 0.6 s into its life, though it
// announced 3 s, and every retry of a failing write finds it dead), one
// revocation half way, 10% of the requests answered 5xx, and two
// connections whose writes always fail. Every refused token is renewed and
// its request resent: the run finishes (exit 3), exactly those two failed,
// each with its own 5xx.
func TestApply_tokenExpiresAndIsRevokedDuringTheRun(t *testing.T) {
	t.Parallel()
	virtual(t, func(t *testing.T) {
		start := time.Now()
		clock := func() time.Time { return start.Add(5 * time.Since(start)) }
		h, m, ids := bulkTenant(t, 82, emulator.Options{TokenLifetime: 3 * time.Second, Clock: clock})
		failing := map[string]bool{ids[5]: true, ids[60]: true}
		h.tenant.SetFaults(emulator.Faults{Seed: 16, ServerErrorRate: 0.1, FailWrites: []string{ids[5], ids[60]}, FailStatus: http.StatusServiceUnavailable})
		var writes atomic.Int64
		var revokedAt atomic.Pointer[time.Time]
		h.tenant.SetWriteHook(func(string) {
			if writes.Add(1) == 40 {
				h.tenant.RevokeAccessTokens()
				now := clock()
				revokedAt.Store(&now)
			}
		})
		rep := h.path("r.jsonl")
		r := h.expect(h.run("apply", "--max-retries", "3", "--report", rep, "-f", m), ExitPartial)
		for _, res := range h.readReport(rep).Results {
			switch {
			case failing[res.ConnectionID]:
				if res.Status != runlog.StatusFailed || !serverError.MatchString(res.Error) || strings.Contains(strings.ToLower(res.Error), "token") {
					t.Errorf("%s: %s %q, want failed with its own 503", res.ConnectionID, res.Status, res.Error)
				}
			case res.Status != runlog.StatusApplied:
				t.Errorf("%s: %s %q, want applied", res.ConnectionID, res.Status, res.Error)
			}
		}
		refused, afterRevocation := 0, 0
		for _, rec := range h.tenant.Requests() {
			if rec.Status == http.StatusUnauthorized {
				refused++
				if at := revokedAt.Load(); at != nil && !rec.Arrived.Before(*at) {
					afterRevocation++
				}
			}
		}
		if refused < 2 || afterRevocation == 0 || h.tenant.Stats().TokensIssued < 3 {
			t.Fatalf("nothing was tested: %d answers 401, %d of them after the revocation, %d tokens issued\n%s",
				refused, afterRevocation, h.tenant.Stats().TokensIssued, r)
		}
		if !strings.Contains(r.stderr, "2 connections failed") || strings.Contains(r.stderr, "just issued") {
			t.Fatal(r)
		}
		t.Logf("%d answers 401, %d of them after the revocation; %d tokens issued", refused, afterRevocation, h.tenant.Stats().TokensIssued)
	})
}

// serverError finds a 5xx status in an error.
var serverError = regexp.MustCompile(`\b5\d\d\b`)

// TestAccessToken_oneSeriesOfTokenRequests: a token endpoint that keeps
// failing is asked --max-retries + 1 times, and the error says it failed,
// not that the credentials were refused.
func TestAccessToken_oneSeriesOfTokenRequests(t *testing.T) {
	t.Parallel()
	h := newHarness(t, emulator.Options{})
	var tokenRequests atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		tokenRequests.Add(1)
		http.Error(w, `{"error":"temporarily_unavailable"}`, http.StatusServiceUnavailable)
	}))
	defer srv.Close()
	r := h.expect(h.runRaw("scim-migrate", "plan", "--domain", srv.URL, "--max-retries", "2", "-f", "../../examples/manifest.json"), ExitError)
	if n := tokenRequests.Load(); n != 3 {
		t.Errorf("%d token requests with --max-retries 2, want 3 (one series)", n)
	}
	if !strings.Contains(r.stderr, "could not get an access token") || strings.Contains(r.stderr, "refused the client credentials") {
		t.Fatal(r)
	}
}

// tokenEndpoint is a tenant whose token endpoint hangs, or answers 503,
// and says when the first token request arrived.
func tokenEndpoint(t *testing.T, hang bool) (*httptest.Server, <-chan struct{}) {
	t.Helper()
	arrived := make(chan struct{})
	var once atomic.Bool
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body) // then the server sees the client leave
		if once.CompareAndSwap(false, true) {
			close(arrived)
		}
		if !hang {
			http.Error(w, `{"error":"temporarily_unavailable"}`, http.StatusServiceUnavailable)
			return
		}
		select {
		case <-r.Context().Done():
		case <-time.After(time.Minute):
		}
	}))
	t.Cleanup(srv.Close)
	return srv, arrived
}

// TestSignal_firstInterruptEndsTheTokenRequest: Ctrl-C while the token
// request hangs, or while it waits to be retried, ends a read-only command
// at once: exit 130 within a second, and not a word about writes.
func TestSignal_firstInterruptEndsTheTokenRequest(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		name string
		hang bool
		args []string
	}{
		{"plan, hanging", true, []string{"plan", "-f", "../../examples/manifest.json"}},
		{"plan, failing", false, []string{"plan", "-f", "../../examples/manifest.json"}},
		{"export", true, []string{"export"}},
		{"tokens audit", true, []string{"tokens", "audit"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			srv, arrived := tokenEndpoint(t, c.hang)
			args := append(c.args, "--domain", srv.URL)
			if c.args[0] == "tokens" {
				args = append([]string{"tokens", "audit", "--domain", srv.URL}, c.args[2:]...)
			}
			cmd := exec.Command(binary(t), args...)
			cmd.Env = append(os.Environ(), "AUTH0_CLIENT_ID="+testClientID, "AUTH0_CLIENT_SECRET="+testClientSecret)
			stderr := &lockedBuffer{}
			cmd.Stderr, cmd.Stdout = stderr, io.Discard
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			exited := make(chan error, 1)
			go func() { exited <- cmd.Wait() }()
			select {
			case <-arrived:
			case err := <-exited:
				t.Fatalf("exit %d before any token request:\n%s", exitCodeOf(err), stderr.String())
			}
			signalled := time.Now()
			_ = cmd.Process.Signal(syscall.SIGINT)
			code := exitCodeOf(<-exited)
			took := time.Since(signalled)
			if code != ExitInterrupted || took > time.Second {
				t.Fatalf("exit %d %v after the interrupt, want %d within 1s\n%s", code, took.Round(time.Millisecond), ExitInterrupted, stderr.String())
			}
			if out := stderr.String(); strings.Contains(out, "write") || !strings.Contains(out, "Interrupted") {
				t.Fatalf("a read-only command talks about writes, or not about the interrupt:\n%s", out)
			}
			t.Logf("exit %d %v after the interrupt", code, took.Round(time.Millisecond))
		})
	}
}
