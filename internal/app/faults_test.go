package app

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/scim-migrate/scim-migrate/internal/emulator"
	"github.com/scim-migrate/scim-migrate/internal/runlog"
)

// bulkTenant is n generated connections with a SCIM configuration, and a
// merge manifest that changes every one of them.
func bulkTenant(t *testing.T, n int, opts emulator.Options) (*harness, string, []string) {
	t.Helper()
	var conns []emulator.Connection
	var ids, entries []string
	for _, c := range emulator.Generate(n*2, 11) {
		if c.SCIM == nil || len(conns) == n || c.Strategy == "auth0" || c.Strategy == "google-apps" || c.Strategy == "adfs" {
			continue
		}
		conns = append(conns, c)
		ids = append(ids, c.ID)
		entries = append(entries, fmt.Sprintf(`{"connection_id": %q, "mode": "merge", "mapping": [{"scim": "title", "auth0": "app_metadata.bulk_title"}]}`, c.ID))
	}
	h := newHarness(t, opts, conns...)
	return h, h.file("bulk.json", `{"connections": [`+strings.Join(entries, ",\n")+`]}`), ids
}

// allDesired fails unless every connection has the bulk manifest's entry.
func (h *harness) allDesired(ids []string) {
	h.t.Helper()
	for _, id := range ids {
		cfg, ok := h.tenant.SCIMConfig(id)
		found := false
		for _, m := range cfg.Mapping {
			found = found || (m.SCIM == "title" && m.Auth0 == "app_metadata.bulk_title")
		}
		if !ok || !found {
			h.t.Fatalf("%s is not in its desired state: %+v", id, cfg)
		}
	}
}

func TestApply_rateLimitStormsNeverExceedTheCeiling(t *testing.T) {
	t.Parallel()
	virtual(t, rateLimitStormsNeverExceedTheCeiling)
}

func rateLimitStormsNeverExceedTheCeiling(t *testing.T) {
	const rps = 40
	h, m, ids := bulkTenant(t, 80, emulator.Options{Rate: 30, Burst: 5, Faults: emulator.Faults{Seed: 3, RateLimitedRate: 0.03}})
	h.tenant.Throttle(time.Now().Add(time.Second))
	rep := h.path("r.jsonl")
	r := h.expect(h.runRaw("scim-migrate", "apply", "--yes", "--domain", h.srv.URL, "--rps", fmt.Sprint(rps), "--concurrency", "8",
		"--max-retries", "20", "--report", rep, "-f", m), 0)
	h.allDesired(ids)
	if got := statuses(h.readReport(rep)); got[runlog.StatusApplied] != len(ids) {
		t.Fatalf("statuses %v\n%s", got, r)
	}
	st := h.tenant.Stats()
	limited := 0
	for _, rec := range h.tenant.Requests() {
		if rec.Throttled {
			limited++
		}
	}
	if limited == 0 {
		t.Fatal("the test sent no request into a rate limit")
	}
	// The limiter's burst is half the tenant's bucket (5/2 = 2): within any
	// second the tool sends at most that burst plus rps requests. The
	// emulator counts arrivals, which loopback jitter can bring one request
	// closer together than they were sent.
	if got, ceiling := h.tenant.MaxRequestsIn(time.Second), rps+2+1; got > ceiling {
		t.Fatalf("%d requests within one second, ceiling %d", got, ceiling)
	}
	t.Logf("%d requests, %d answered 429, max %d in a second, max concurrency %d", st.Total(), limited, h.tenant.MaxRequestsIn(time.Second), st.MaxConcurrent)
}

func TestApply_serverErrorsAndDropsLoseNothing(t *testing.T) {
	t.Parallel()
	h, m, ids := bulkTenant(t, 100, emulator.Options{Faults: emulator.Faults{Seed: 5, ServerErrorRate: 0.1, AfterWriteShare: 0.5, DropRate: 0.03}})
	rep := h.path("r.jsonl")
	r := h.expect(h.run("apply", "--max-retries", "10", "--report", rep, "-f", m), 0)
	h.allDesired(ids)
	if got := statuses(h.readReport(rep)); got[runlog.StatusApplied] != len(ids) {
		t.Fatalf("statuses %v\n%s", got, r)
	}
	st := h.tenant.Stats()
	errs := 0
	for _, byStatus := range st.Requests {
		for code, n := range byStatus {
			if code >= 500 || code == 0 {
				errs += n
			}
		}
	}
	if errs == 0 {
		t.Fatal("no fault was injected")
	}
	t.Logf("%d requests, %d answered 5xx or dropped", st.Total(), errs)
}

func TestApply_connectionsWhoseWritesAlwaysFail(t *testing.T) {
	t.Parallel()
	h, m, ids := bulkTenant(t, 40, emulator.Options{})
	failing := map[string]bool{ids[3]: true, ids[17]: true, ids[31]: true}
	h.tenant.SetFaults(emulator.Faults{FailWrites: []string{ids[3], ids[17], ids[31]}})
	rep := h.path("r.jsonl")
	r := h.expect(h.run("apply", "--max-retries", "2", "--report", rep, "-f", m), 3)
	for _, res := range h.readReport(rep).Results {
		want := runlog.StatusApplied
		if failing[res.ConnectionID] {
			want = runlog.StatusFailed
			if res.Error == "" || res.Attempts != 3+1 {
				t.Errorf("%s: error %q after %d attempts (3 tries, then a read back)", res.ConnectionID, res.Error, res.Attempts)
			}
		}
		if res.Status != want {
			t.Errorf("%s: %s, want %s", res.ConnectionID, res.Status, want)
		}
	}
	if !strings.Contains(r.stderr, "3 connections failed") {
		t.Fatal(r)
	}
}

func TestApply_tokenShorterThanTheRun(t *testing.T) {
	t.Parallel()
	for name, opts := range map[string]emulator.Options{
		// The token dies long before it says: the tool learns it from a 401.
		"401 renews the token": {TokenLifetime: time.Second, AdvertisedLifetime: time.Hour, Latency: 5 * time.Millisecond},
		// The token says it is short: the SDK renews it before it expires.
		"announced expiry": {TokenLifetime: time.Second, Latency: 5 * time.Millisecond},
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			virtual(t, func(t *testing.T) { tokenShorterThanTheRun(t, opts) })
		})
	}
}

func tokenShorterThanTheRun(t *testing.T, opts emulator.Options) {
	h, m, ids := bulkTenant(t, 60, opts)
	start := time.Now()
	h.expect(h.run("apply", "--rps", "30", "--report", h.path("r.jsonl"), "-f", m), 0)
	h.allDesired(ids)
	if time.Since(start) < 1500*time.Millisecond {
		t.Skip("the run was shorter than two token lifetimes; nothing was tested")
	}
	if st := h.tenant.Stats(); st.TokensIssued < 2 {
		t.Fatalf("%d tokens issued for a run longer than a token's life", st.TokensIssued)
	}
}

func TestApply_interruptFinishesWritesInFlight(t *testing.T) {
	t.Parallel()
	h, m, ids := bulkTenant(t, 80, emulator.Options{Latency: 20 * time.Millisecond})
	original := h.tenant.Snapshot()
	rep := h.path("r.jsonl")
	go func() {
		for h.tenant.Stats().Count(emulator.KindSCIMUpdate) < 10 {
			time.Sleep(time.Millisecond)
		}
		close(h.stop) // a first SIGINT
	}()
	r := h.expect(h.run("apply", "--rps", "200", "--concurrency", "4", "--report", rep, "-f", m), ExitInterrupted)
	run := h.readReport(rep)
	if len(run.Results) != len(ids) || run.Summary == nil || !run.Summary.Interrupted {
		t.Fatalf("%d results for %d connections, summary %+v\n%s", len(run.Results), len(ids), run.Summary, r)
	}
	got := statuses(run)
	if got[runlog.StatusSkipped] == 0 || got[runlog.StatusApplied] < 10 || got[runlog.StatusFailed] != 0 {
		t.Fatalf("statuses %v: writes in flight must finish, later ones be skipped", got)
	}
	h.stop = make(chan struct{})
	h.rollbackRestores(rep, original, "after rolling back an interrupted run")
}
