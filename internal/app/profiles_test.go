package app

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/scim-migrate/scim-migrate/internal/emulator"
	"github.com/scim-migrate/scim-migrate/internal/runlog"
)

// TestProfiles_everyJobOnEveryProfile runs the jobs users schedule on every
// emulator profile, each a tenant that answers as Auth0's reference and
// recordings say but chooses differently where they are silent (cursors,
// listing order, page cap, what a reset means, rate-limit headers or none,
// short-lived and revoked access tokens, 429 storms): a drift check, apply,
// the drift check again, rollback to the exact state before, then the token
// jobs (audit, issue, the rollback of the issue). The tenant is rate limited
// (20/s, burst 10) so that the pace is learned from its answers, whatever
// they look like.
func TestProfiles_everyJobOnEveryProfile(t *testing.T) {
	t.Parallel()
	for _, p := range emulator.Profiles() {
		t.Run(p.Name, func(t *testing.T) {
			t.Parallel()
			// On virtual time: the rate limits, pauses and token lifetimes
			// play out as they would, in milliseconds.
			virtual(t, func(t *testing.T) {
				opts := p.Apply(emulator.Options{Rate: 20, Burst: 10, Faults: emulator.Faults{Seed: 5}})
				h, m, ids := profileTenant(t, opts, 40, 10)
				original := h.tenant.Snapshot()
				h.expect(h.run("plan", "--detailed-exitcode", "-f", m), 2)
				rep := h.path("apply.jsonl")
				h.expect(h.run("apply", "--report", rep, "-f", m), 0)
				if got := statuses(h.readReport(rep)); got[runlog.StatusApplied] != len(ids) {
					t.Fatalf("apply on %s: %v, want %d applied", p.Name, got, len(ids))
				}
				h.expect(h.run("plan", "--detailed-exitcode", "-f", m), 0)
				h.expect(h.run("rollback", "--report", h.path("back.jsonl"), "--from", rep), 0)
				h.sameState(original, "after rollback on "+p.Name)
				profileTokenJobs(h, m, ids)
			})
		})
	}
}

// profileTokenJobs audits the manifest's connections, issues a token on
// each, and rolls the issue back: no token is left.
func profileTokenJobs(h *harness, m string, ids []string) {
	h.t.Helper()
	h.expect(h.run("tokens", "audit", "-f", m, "--format", "json"), 0)
	out, rep := h.path("handoff.json"), h.path("issue.jsonl")
	h.expect(h.run("tokens", "issue", "--yes", "-f", m, "--out", out, "--report", rep), 0)
	if d := readHandoff(h.t, out); len(d.Tokens) != len(ids) {
		h.t.Fatalf("%d tokens handed off, want %d", len(d.Tokens), len(ids))
	}
	h.expect(h.run("rollback", "--report", h.path("unissue.jsonl"), "--from", rep), 0)
	for _, id := range ids {
		if left := h.tokenIDs(id); len(left) != 0 {
			h.t.Errorf("%s still holds %v after the rollback of the issue", id, left)
		}
	}
}

// profileTenant is a tenant of n SCIM connections served with opts, and a
// manifest merging one pair into the first changed of them.
func profileTenant(t *testing.T, opts emulator.Options, n, changed int) (*harness, string, []string) {
	t.Helper()
	var kept []emulator.Connection
	var entries, ids []string
	for _, c := range emulator.Generate(n*3, 23) {
		if c.SCIM == nil || !scimStrategy(c.Strategy) || len(kept) == n {
			continue
		}
		kept = append(kept, c)
		if len(entries) < changed {
			ids = append(ids, c.ID)
			entries = append(entries, fmt.Sprintf(`{"connection_id": %q, "mode": "merge", "mapping": [{"scim": "title", "auth0": "app_metadata.profile_title"}]}`, c.ID))
		}
	}
	h := newHarness(t, opts, kept...)
	h.timeout = 3 * time.Minute
	return h, h.file("profile.json", `{"connections": [`+strings.Join(entries, ",\n")+`]}`), ids
}
