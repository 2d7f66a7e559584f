//go:build soak

package app

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/scim-migrate/scim-migrate/internal/emulator"
	"github.com/scim-migrate/scim-migrate/internal/runlog"
)

// TestSoak applies 10,000 connections through every fault at once: 5% 5xx
// (half of them after the write took effect), 2% dropped TCP connections,
// 429 storms every 20 s, and every token expiring each minute. At the end
// every connection is in its desired state or reported failed with a
// reason, the report has exactly one result per connection, and rollback
// restores the original state. Run with make soak.
func TestSoak(t *testing.T) {
	t.Parallel()
	const n = 10000
	h, m, ids := bulkTenant(t, n, emulator.Options{
		Rate: 150, Burst: 50, Latency: 5 * time.Millisecond,
		Faults: emulator.Faults{Seed: 42, ServerErrorRate: 0.05, AfterWriteShare: 0.5, DropRate: 0.02},
	})
	if len(ids) != n {
		t.Fatalf("generated %d connections, want %d", len(ids), n)
	}
	h.timeout = 30 * time.Minute
	original := h.tenant.Snapshot()
	stopChaos := chaos(h.tenant)
	start := time.Now()
	rep := h.path("apply.jsonl")
	r := h.runRaw("scim-migrate", "apply", "--yes", "--domain", h.srv.URL, "--rps", "100", "--concurrency", "16",
		"--max-retries", "8", "--quiet", "--report", rep, "-f", m)
	applyTime := time.Since(start)
	if r.code != 0 && r.code != ExitPartial {
		t.Fatalf("apply: %s", r)
	}
	run := h.readReport(rep)
	checkSoakReport(t, h, run, ids)
	st := h.tenant.Stats()
	faults := countFaults(h.tenant)

	start = time.Now()
	back := h.path("rollback.jsonl")
	r = h.runRaw("scim-migrate", "rollback", "--yes", "--domain", h.srv.URL, "--rps", "100", "--concurrency", "16",
		"--max-retries", "8", "--quiet", "--report", back, "--from", rep)
	rollbackTime := time.Since(start)
	stopChaos()
	if r.code != 0 {
		t.Fatalf("rollback: %s", r)
	}
	h.sameState(original, "after rolling back the soak run")
	counts := statuses(run)
	fmt.Printf("soak: %d connections; apply %v (%d applied, %d failed), rollback %v; %d requests to the tenant during apply, %d tokens issued; faults injected: %s; lost: 0\n",
		n, applyTime.Round(time.Second), counts[runlog.StatusApplied], counts[runlog.StatusFailed],
		rollbackTime.Round(time.Second), st.Total(), st.TokensIssued, faults)
}

// chaos throttles the tenant for 2 s every 20 s and expires every token each
// minute, until stopped.
func chaos(tenant *emulator.Tenant) func() {
	done := make(chan struct{})
	go func() {
		storm := time.NewTicker(20 * time.Second)
		expiry := time.NewTicker(time.Minute)
		defer storm.Stop()
		defer expiry.Stop()
		for {
			select {
			case <-done:
				return
			case <-storm.C:
				tenant.Throttle(time.Now().Add(2 * time.Second))
			case <-expiry.C:
				tenant.ExpireTokens()
			}
		}
	}()
	return func() { close(done) }
}

// checkSoakReport: one result per connection, and each is either applied
// (and the tenant shows it) or failed with a reason.
func checkSoakReport(t *testing.T, h *harness, run *runlog.Run, ids []string) {
	t.Helper()
	if len(run.Results) != len(ids) {
		t.Fatalf("%d results for %d connections", len(run.Results), len(ids))
	}
	for _, res := range run.Results {
		switch res.Status {
		case runlog.StatusApplied:
		case runlog.StatusFailed:
			if strings.TrimSpace(res.Error) == "" {
				t.Fatalf("%s failed without a reason", res.ConnectionID)
			}
			continue
		default:
			t.Fatalf("%s: unexpected status %s (%s)", res.ConnectionID, res.Status, res.Error)
		}
		cfg, _ := h.tenant.SCIMConfig(res.ConnectionID)
		found := false
		for _, m := range cfg.Mapping {
			found = found || (m.SCIM == "title" && m.Auth0 == "app_metadata.bulk_title")
		}
		if !found {
			t.Fatalf("%s reported applied but is not in its desired state", res.ConnectionID)
		}
	}
}

// countFaults summarises the faults the tenant answered with.
func countFaults(tenant *emulator.Tenant) string {
	var errs, drops, limited int
	for _, rec := range tenant.Requests() {
		switch {
		case rec.Dropped:
			drops++
		case rec.Throttled:
			limited++
		case rec.Status >= 500:
			errs++
		}
	}
	return fmt.Sprintf("%d 5xx, %d dropped connections, %d 429", errs, drops, limited)
}
