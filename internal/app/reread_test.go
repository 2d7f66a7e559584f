package app

import (
	"fmt"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/scim-migrate/scim-migrate/internal/emulator"
	"github.com/scim-migrate/scim-migrate/internal/execute"
	"github.com/scim-migrate/scim-migrate/internal/runlog"
)

// rereadTenant is a tenant of n SCIM connections served with a listing
// behaviour, and a manifest merging one pair into the first changed.
func rereadTenant(t *testing.T, n, changed int, b emulator.ListingBehaviour) (*harness, string, []string) {
	t.Helper()
	var kept []emulator.Connection
	var entries []string
	var ids []string
	for _, c := range emulator.Generate(n*3, 17) {
		if c.SCIM == nil || !scimStrategy(c.Strategy) || len(kept) == n {
			continue
		}
		kept = append(kept, c)
		if len(entries) < changed {
			ids = append(ids, c.ID)
			entries = append(entries, fmt.Sprintf(`{"connection_id": %q, "mode": "merge", "mapping": [{"scim": "title", "auth0": "app_metadata.reread_title"}]}`, c.ID))
		}
	}
	h := newHarness(t, emulator.Options{Listing: b, Faults: emulator.Faults{Seed: 3}}, kept...)
	return h, h.file("reread.json", `{"connections": [`+strings.Join(entries, ",\n")+`]}`), ids
}

// TestReread_applyAndRollbackOnEveryListingBehaviour applies and rolls
// back on every listing behaviour a tenant may choose where Auth0's
// reference is silent: both read again by walking the listing with the
// tenant's own cursors (no read of a single connection), and the rollback
// restores the tenant.
func TestReread_applyAndRollbackOnEveryListingBehaviour(t *testing.T) {
	t.Parallel()
	for _, own := range []bool{false, true} {
		for _, order := range []emulator.ListOrder{emulator.OrderByID, emulator.OrderByCreation, emulator.OrderShuffled} {
			for _, pageCap := range []int{50, 100} {
				b := emulator.ListingBehaviour{OwnCursorsOnly: own, Order: order, PageCap: pageCap}
				t.Run(fmt.Sprintf("own=%v/%v/cap=%d", own, order, pageCap), func(t *testing.T) {
					t.Parallel()
					virtual(t, func(t *testing.T) { applyAndRollbackOnListing(t, b) })
				})
			}
		}
	}
}

func applyAndRollbackOnListing(t *testing.T, b emulator.ListingBehaviour) {
	h, m, _ := rereadTenant(t, 100, 25, b)
	original := h.tenant.Snapshot()
	rep := h.path("apply.jsonl")
	h.expect(h.run("apply", "--report", rep, "-f", m), 0)
	if got := statuses(h.readReport(rep)); got[runlog.StatusApplied] != 25 {
		t.Fatalf("apply: %v", got)
	}
	h.expect(h.run("rollback", "--report", h.path("back.jsonl"), "--from", rep), 0)
	h.sameState(original, "after rollback")
	// A single read is the cheaper choice for a last straggler
	// at most; falling back would read all 50.
	if n := h.tenant.Stats().Count(emulator.KindSCIMGet); n > 4 {
		t.Errorf("%d single reads: the reads before the writes did not walk the listing", n)
	}
}

// TestReread_othersEditsOlderThanTheWindowSurvive: another administrator
// edits every connection the run has still to write, then more than
// execute.ReadWindow passes (the app's clock) before those writes leave:
// each is read again first, in apply (merge: the edit is kept) and in
// rollback (a restore over an edit is a conflict): no edit is lost.
func TestReread_othersEditsOlderThanTheWindowSurvive(t *testing.T) {
	t.Parallel()
	for _, b := range []emulator.ListingBehaviour{{}, {OwnCursorsOnly: true, Order: emulator.OrderShuffled, PageCap: 50}} {
		t.Run(fmt.Sprintf("own=%v/%v", b.OwnCursorsOnly, b.Order), func(t *testing.T) {
			h, m, ids := rereadTenant(t, 60, 12, b)
			h.skew = new(atomic.Int64)
			edit := func(mark string) func(string) {
				var once sync.Once
				return func(first string) {
					once.Do(func() {
						for _, id := range ids {
							if id != first {
								cfg, _ := h.tenant.SCIMConfig(id)
								cfg.Mapping = append(cfg.Mapping, emulator.Mapping{SCIM: mark, Auth0: "app_metadata." + mark})
								h.tenant.SetSCIMConfig(id, cfg)
							}
						}
						h.skew.Add(int64(execute.ReadWindow + time.Second))
					})
				}
			}
			h.tenant.SetWriteHook(edit("nickName"))
			rep := h.path("apply.jsonl")
			h.expect(h.run("apply", "--concurrency", "1", "--report", rep, "-f", m), 0)
			h.kept(ids, "nickName", "app_metadata.reread_title")
			if sum := h.readReport(rep).Summary; sum.ReadWindowMS >= execute.ReadWindow.Milliseconds() {
				t.Errorf("longest window %d ms", sum.ReadWindowMS)
			}
			h.tenant.SetWriteHook(edit("displayName"))
			r := h.run("rollback", "--concurrency", "1", "--report", h.path("back.jsonl"), "--from", rep)
			if r.code == 0 {
				t.Fatalf("the rollback over edits made since reports no conflict:\n%s", r)
			}
			h.kept(ids, "displayName", "")
		})
	}
}

// kept fails unless every connection but at most one (the first written,
// whose edit came after it left) maps mark, and, when set, auth0.
func (h *harness) kept(ids []string, mark, auth0 string) {
	h.t.Helper()
	missing := 0
	for _, id := range ids {
		cfg, _ := h.tenant.SCIMConfig(id)
		has := func(want func(emulator.Mapping) bool) bool { return slices.ContainsFunc(cfg.Mapping, want) }
		if !has(func(p emulator.Mapping) bool { return p.SCIM == mark }) {
			missing++
		}
		if auth0 != "" && !has(func(p emulator.Mapping) bool { return p.Auth0 == auth0 }) {
			h.t.Errorf("%s: not written", id)
		}
	}
	if missing > 1 {
		h.t.Errorf("%d edits of %s lost", missing, mark)
	}
}
