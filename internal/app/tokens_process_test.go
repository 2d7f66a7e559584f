package app

import (
	"os"
	"os/exec"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/scim-migrate/scim-migrate/internal/emulator"
	"github.com/scim-migrate/scim-migrate/internal/runlog"
)

// TestCrash_killedTokenIssueIsRolledBack kills tokens issue (SIGKILL) at
// the moment its sixth token is being issued, so that token's answer never
// arrives, and checks that rolling the report back leaves no token of the
// run: those with a result by their id, the others found as tokens the
// connection did not hold before the intent.
func TestCrash_killedTokenIssueIsRolledBack(t *testing.T) {
	t.Parallel()
	h, _, ids := bulkTenant(t, 30, emulator.Options{Latency: 5 * time.Millisecond})
	theirs := h.seedToken(ids[0], emulator.TokenSeed{CreatedAt: time.Now().Add(-time.Hour)})
	rep, out := h.path("issue.jsonl"), h.path("handoff.json")
	cmd := exec.Command(binary(t), "tokens", "issue", "--domain", h.srv.URL, "--rps", "300", "--concurrency", "4",
		"--yes", "--log-format", "json", "--all", "--out", out, "--report", rep)
	cmd.Env = append(os.Environ(), "AUTH0_CLIENT_ID="+testClientID, "AUTH0_CLIENT_SECRET="+testClientSecret,
		"SCIM_MIGRATE_LOCK_DIR="+h.env["SCIM_MIGRATE_LOCK_DIR"])
	var (
		issuing atomic.Int32
		proc    atomic.Pointer[os.Process]
	)
	h.tenant.SetWriteHook(func(string) {
		if issuing.Add(1) == 6 {
			_ = proc.Load().Kill() // the token is issued; its answer will find no one
		}
	})
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	proc.Store(cmd.Process)
	_ = cmd.Wait()
	h.tenant.Settle() // the sixth issue, and any other in flight, has taken effect
	h.tenant.SetWriteHook(nil)
	if _, err := os.Stat(out); err == nil {
		t.Error("a killed run cannot have written the handoff file")
	}
	run, err := runlog.ReadRunFile(rep)
	if err != nil {
		t.Fatalf("the report of a killed run must stay readable: %v", err)
	}
	if len(run.Results) >= len(ids) || len(run.Intents) < 6 {
		t.Fatalf("the run was not killed mid-way: %d intents, %d results", len(run.Intents), len(run.Results))
	}
	issued := 0
	for _, id := range ids {
		issued += len(h.tenant.SCIMTokens(id))
	}
	if issued < 7 { // the one held before, and at least six of the run
		t.Fatalf("only %d tokens on the tenant: the kill came before the sixth issue", issued)
	}
	// The sixth token is created after the kill, so after the last line the
	// run wrote: the rollback cannot tell it from a token someone issued
	// after the run, names it and leaves it alone (exit 3); every token
	// with a result is revoked.
	r := h.run("rollback", "--from", rep, "--report", h.path("rollback.jsonl"))
	if r.code != ExitOK && r.code != ExitPartial {
		t.Fatalf("rollback exit %d\n%s", r.code, r)
	}
	for _, id := range ids {
		for _, tok := range h.tokenIDs(id) {
			if tok == theirs {
				continue
			}
			if !strings.Contains(r.stderr, tok) || !strings.Contains(r.stderr, "could not attribute") {
				t.Errorf("%s holds %s after the rollback, which does not name it\n%s", id, tok, r)
			}
		}
	}
	if got := h.tokenIDs(ids[0]); !slices.Contains(got, theirs) {
		t.Errorf("the token held before the run was revoked: %v", got)
	}
	if !strings.Contains(r.stdout, "rollback finished") {
		t.Errorf("rollback output:\n%s", r)
	}
}
