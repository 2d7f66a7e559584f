package app

import (
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/scim-migrate/scim-migrate/internal/emulator"
)

// BenchmarkApplyEfficiency applies 1,000 connections, 800 of them changed,
// against a tenant limited to 20 requests/s with a burst of 10 and 200 ms of
// latency, and reports how close the run comes to the ideal: the requests
// needed (listing pages + writes), less the burst, at the tenant's rate.
//
//	go test -run '^$' -bench ApplyEfficiency -benchtime 1x ./internal/app/
func BenchmarkApplyEfficiency(b *testing.B) {
	for _, p := range benchProfiles(b) {
		b.Run(p.Name, func(b *testing.B) { benchApplyEfficiency(b, p) })
	}
}

func benchApplyEfficiency(b *testing.B, p emulator.Profile) {
	const (
		total, changed = 1000, 800
		rate, burst    = 20, 10
		latency        = 200 * time.Millisecond
	)
	for range b.N {
		b.StopTimer()
		t := &testing.T{}
		conns := emulator.Generate(total*2, 21)
		var kept []emulator.Connection
		var entries []string
		for _, c := range conns {
			if c.SCIM == nil || !scimStrategy(c.Strategy) || len(kept) == total {
				continue
			}
			title := "app_metadata.bench_title"
			if len(kept) >= changed {
				// Already in its desired state: planned as unchanged.
				var mapping []emulator.Mapping
				for _, m := range c.SCIM.Mapping {
					if m.SCIM != "title" {
						mapping = append(mapping, m)
					}
				}
				c.SCIM.Mapping = append(mapping, emulator.Mapping{SCIM: "title", Auth0: title})
			}
			kept = append(kept, c)
			entries = append(entries, fmt.Sprintf(`{"connection_id": %q, "mode": "merge", "mapping": [{"scim": "title", "auth0": %q}]}`, c.ID, title))
		}
		h := newHarness(t, p.Apply(emulator.Options{Rate: rate, Burst: burst, Latency: latency}), kept...)
		h.timeout = 30 * time.Minute // a storm profile takes its time
		m := h.file("bench.json", `{"connections": [`+strings.Join(entries, ",\n")+`]}`)
		b.StartTimer()
		start := time.Now()
		r := h.runRaw("scim-migrate", "apply", "--domain", h.srv.URL, "--rps", fmt.Sprint(rate), "--concurrency", "8",
			"--quiet", "--yes", "--report", h.path("r.jsonl"), "-f", m)
		actual := time.Since(start)
		b.StopTimer()
		if r.code != 0 {
			b.Fatalf("apply failed: %s", r)
		}
		st := h.tenant.Stats()
		sum := h.readReport(h.path("r.jsonl")).Summary
		pages, writes := st.CountStatus(emulator.KindSCIMList, http.StatusOK)+st.CountStatus(emulator.KindSCIMGet, http.StatusOK), st.CountStatus(emulator.KindSCIMUpdate, http.StatusOK)
		rereads := rereadRequests(h.tenant.Requests())
		limited := 0
		for _, rec := range h.tenant.Requests() {
			if rec.Throttled {
				limited++
			}
		}
		if writes != changed {
			b.Fatalf("%d writes, want %d", writes, changed)
		}
		needed := pages + changed
		ideal := time.Duration(float64(needed-burst) / rate * float64(time.Second))
		eff := ideal.Seconds() / actual.Seconds()
		b.ReportMetric(eff, "efficiency")
		b.ReportMetric(100*float64(limited)/float64(st.Total()), "%429")
		fmt.Printf("profile %s: apply %d connections (%d changed) at %d req/s, burst %d, latency %v: %d reads (%d of them just before writes) + %d writes, %d requests sent, %d answered 429 (%.2f%%)\n",
			p.Name, total, changed, rate, burst, latency, pages, rereads, writes, st.Total(), limited, 100*float64(limited)/float64(st.Total()))
		fmt.Printf("reads just before writes: %.3f per write; longest time from such a read to its write: %d ms\n",
			float64(rereads)/float64(writes), sum.ReadWindowMS)
		fmt.Printf("efficiency = ideal / actual = %.2f s / %.2f s = %.3f\n", ideal.Seconds(), actual.Seconds(), eff)
		h.srv.Close()
	}
}

func scimStrategy(s string) bool {
	return s == "okta" || s == "samlp" || s == "oidc" || s == "waad"
}

// rereadRequests counts the reads a run made after its first write: the
// reads just before writes (the plan's reads all come before).
func rereadRequests(log []emulator.RequestRecord) int {
	n, writing := 0, false
	for _, rec := range log {
		if rec.Client != testClientID {
			continue
		}
		switch rec.Kind {
		case emulator.KindSCIMUpdate, emulator.KindSCIMCreate:
			writing = true
		case emulator.KindSCIMList, emulator.KindSCIMGet:
			if writing {
				n++
			}
		}
	}
	return n
}
