package app

import (
	"encoding/json"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/scim-migrate/scim-migrate/internal/emulator"
	"github.com/scim-migrate/scim-migrate/internal/plan"
	"github.com/scim-migrate/scim-migrate/internal/runlog"
	"github.com/scim-migrate/scim-migrate/internal/scimtoken"
)

// killedIssueReport writes the report of a tokens issue run killed at end:
// an intent at at for each of conns, and the result of done (issued
// token doneToken) as its last line.
func (h *harness) killedIssueReport(at, end time.Time, conns []string, done, doneToken string) string {
	h.t.Helper()
	lines := []any{runlog.Header{Type: runlog.TypeRun, Version: runlog.RunFormatVersion, ToolVersion: "test",
		Tenant: strings.TrimPrefix(h.srv.URL, "http://"), Command: "tokens issue", StartedAt: at.Add(-time.Second)}}
	for _, c := range append(slices.Clone(conns), done) {
		lines = append(lines, runlog.Intent{Type: runlog.TypeIntent, ConnectionID: c, ConnectionName: c, Action: plan.Action(scimtoken.ActionIssue), At: at})
	}
	lines = append(lines, runlog.Result{Type: runlog.TypeResult, ConnectionID: done, ConnectionName: done,
		Status: runlog.StatusApplied, Action: plan.Action(scimtoken.ActionIssue), TokenID: doneToken, At: end})
	var b strings.Builder
	for _, l := range lines {
		j, err := json.Marshal(l)
		if err != nil {
			h.t.Fatal(err)
		}
		b.Write(append(j, '\n'))
	}
	rep := h.path("killed-issue.jsonl")
	if err := os.WriteFile(rep, []byte(b.String()), 0o600); err != nil {
		h.t.Fatal(err)
	}
	return rep
}

// TestRollback_killedTokenIssueRevokesNoForeignToken is a tokens issue run
// killed with four requests unanswered, then a second run that issued a
// token on each connection, and another administrator: rolling back the
// killed run revokes its own tokens (the one with a result, and a lost one
// that alone fits the window between its intent and the run's last line),
// and no other; each token it cannot attribute is named, left alone, and
// the exit is 3.
func TestRollback_killedTokenIssueRevokesNoForeignToken(t *testing.T) {
	t.Parallel()
	h := newHarness(t, emulator.Options{})
	at := time.Now().Add(-10 * time.Minute).UTC()
	end := at.Add(3 * time.Second)
	seed := func(conn string, created time.Time) string {
		return h.seedToken(conn, emulator.TokenSeed{CreatedAt: created})
	}
	done := seed(umbrella, at.Add(time.Second))
	lost := seed(acme, at.Add(time.Second))
	secondRun := seed(acme, end.Add(2*time.Second)) // right after the kill
	unattributed := []string{
		seed(hooli, end.Add(2*time.Second)), // the killed request never reached the tenant
		seed(globex, at.Add(time.Second)),   // two inside the window: which one is the run's?
		seed(globex, at.Add(2*time.Second)),
	}
	foreign := append([]string{secondRun}, unattributed...)
	rep := h.killedIssueReport(at, end, []string{acme, hooli, globex, initech}, umbrella, done)
	r := h.expect(h.run("rollback", "--yes", "--from", rep, "--report", h.path("rollback.jsonl")), ExitPartial)
	var left []string
	for _, c := range []string{acme, hooli, globex, initech, umbrella} {
		left = append(left, h.tokenIDs(c)...)
	}
	slices.Sort(left)
	slices.Sort(foreign)
	if !slices.Equal(left, foreign) {
		t.Errorf("tokens left %v, want exactly the foreign ones %v (the run's: %s, %s)\n%s", left, foreign, done, lost, r)
	}
	for _, id := range unattributed {
		if !strings.Contains(r.stderr, id) || !strings.Contains(r.stderr, "could not attribute") {
			t.Errorf("%s is not named as a token the rollback could not attribute\n%s", id, r)
		}
	}
}
