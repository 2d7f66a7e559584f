package pacer

import (
	"strings"
	"testing"
	"time"
)

// Auth0's published Management API buckets (design notes, section 3.2).
var (
	enterprise = bucket{rate: 16, burst: 50}
	free       = bucket{rate: 2, burst: 2}
	essentials = bucket{rate: 150.0 / 60, burst: 10, steps: true}
	// listing is Essentials' GET /connections bucket, announcing its reset as
	// when the bucket will be full again.
	listing = bucket{rate: 50.0 / 60, burst: 5, steps: true, full: true}
)

// scenarioCase is a scenario and what it must achieve. Efficiency is the
// ideal duration over the actual one, from the first to the last request the
// tenant accepted: ideal = (requests − burst) / rate, the time a client that
// knew the bucket exactly would need (with another client, rate is what it
// leaves; under a lower ceiling, ideal = (requests − 1) / ceiling).
type scenarioCase struct {
	scenario
	minEfficiency float64
	max429        float64 // share of our answers
	maxOther429   float64 // share of the other client's answers
}

var scenarios = []scenarioCase{
	{scenario{name: "enterprise 16/s burst 50", bucket: enterprise, requests: 610}, 0.95, 0.01, 0},
	{scenario{name: "free 2/s burst 2", bucket: free, requests: 110}, 0.95, 0.01, 0},
	{scenario{name: "essentials 150/min burst 10", bucket: essentials, requests: 250}, 0.93, 0.01, 0},
	{scenario{name: "ceiling 16, 8 workers, 2/s burst 2", bucket: free, requests: 110, workers: 8, ceiling: 16}, 0.90, 0.05, 0},
	{scenario{name: "shared: other client 6/s of 16/s", bucket: enterprise, requests: 450, other: 6}, 0.85, 0.02, 0.02},
	{scenario{name: "far reset 50/min burst 5", bucket: listing, requests: 100}, 0.85, 0.01, 0},
	// Beyond the brief: a ceiling below the tenant's rate, and a bucket
	// whose "full" reset lies a minute ahead, with a short MaxWait. That
	// bucket needs the larger reserve of 0.2: with the default 0.1, 8% of
	// its requests meet a 429 (the forced request after each capped wait
	// finds it empty).
	{scenario{name: "ceiling 5 on 16/s burst 50", bucket: enterprise, requests: 200, ceiling: 5}, 0.98, 0, 0},
	// A bucket of 3 at 3/s (make bench's slow-3rps): too small for the rate
	// fit while the guess of start is slow, so the rate must grow quickly
	// until the bucket first runs empty (startProbe). With 2% per answer it
	// reached 0.66.
	{scenario{name: "small bucket 3/s burst 3", bucket: bucket{rate: 3, burst: 3}, requests: 80}, 0.88, 0.01, 0},
	// Essentials announcing its reset as when the bucket is full again: an
	// empty bucket's pause ends with the learned refill's next token, not
	// the full bucket's reset (modelEnd).
	{scenario{name: "essentials, reset when full", bucket: bucket{rate: 150.0 / 60, burst: 10, steps: true, full: true},
		requests: 250}, 0.93, 0.01, 0},
	{scenario{name: "far reset 30/min burst 30, MaxWait 5s", bucket: bucket{rate: 0.5, burst: 30, steps: true, full: true},
		requests: 100, maxWait: 5 * time.Second, reserve: 0.2}, 0.85, 0.01, 0},
}

// seeds is how many latency draws each scenario is run with; the worst run
// is what counts.
const seeds = 5

// worst runs a scenario once per seed and keeps the worst of each measure.
func worst(t *testing.T, sc scenario) outcome {
	t.Helper()
	var w outcome
	for seed := range uint64(seeds) {
		sc.seed = seed + 1
		o := run(t, sc)
		if seed == 0 || o.efficiency < w.efficiency {
			w.efficiency = o.efficiency
		}
		w.share429, w.other429 = max(w.share429, o.share429), max(w.other429, o.other429)
		w.answers = max(w.answers, o.answers)
		w.afters, w.zeroWaits, w.longest = max(w.afters, o.afters), max(w.zeroWaits, o.zeroWaits), max(w.longest, o.longest)
		if len(o.pauses) > len(w.pauses) {
			w.pauses = o.pauses
		}
		w.waiting = append(w.waiting, o.waiting...)
		if gap := minGap(o.sent); seed == 0 || gap < minGap(w.sent) {
			w.sent = o.sent
		}
	}
	return w
}

func TestScenarios(t *testing.T) {
	for _, c := range scenarios {
		t.Run(c.name, func(t *testing.T) {
			o := worst(t, c.scenario)
			checkScenario(t, c, o)
		})
	}
}

// checkScenario checks the targets of c, and what every scenario must show:
// no spinning (every wait is a timer of a positive length, about one or two
// per request), no wait longer than MaxWait, and a pace under the ceiling.
func checkScenario(t *testing.T, c scenarioCase, o outcome) {
	t.Helper()
	if o.efficiency < c.minEfficiency {
		t.Errorf("efficiency %.3f, want ≥ %.2f", o.efficiency, c.minEfficiency)
	}
	if o.share429 > c.max429 {
		t.Errorf("429 share %.3f, want ≤ %.2f", o.share429, c.max429)
	}
	if o.other429 > c.maxOther429 {
		t.Errorf("other client's 429 share %.3f, want ≤ %.2f", o.other429, c.maxOther429)
	}
	if o.zeroWaits > 0 || o.afters > 2*o.answers+10 {
		t.Errorf("%d timers (%d of zero length) for %d answers: spinning", o.afters, o.zeroWaits, o.answers)
	}
	maxWait := cmp(c.maxWait, DefaultMaxWait)
	if o.longest > maxWait {
		t.Errorf("a wait of %v, longer than MaxWait %v", o.longest, maxWait)
	}
	for _, p := range o.pauses {
		if p.Length > maxWait || p.Length < minPause {
			t.Errorf("pause %+v outside [%v, %v]", p, minPause, maxWait)
		}
	}
	if c.ceiling > 0 {
		if gap := minGap(o.sent); gap < seconds(1/c.ceiling) {
			t.Errorf("two requests %v apart, under a ceiling of %v/s", gap, c.ceiling)
		}
	}
}

// TestFarResetSaysWhatItWaitsFor: while the per-minute bucket is empty, the
// status line says what callers wait for, and until when (within MaxWait).
func TestFarResetSaysWhatItWaitsFor(t *testing.T) {
	o := run(t, scenario{name: "far reset", bucket: listing, requests: 60})
	if len(o.waiting) == 0 {
		t.Fatal("no snapshot ever said what callers wait for")
	}
	for _, s := range o.waiting {
		if !strings.Contains(s.Waiting, "rate-limit reset") || s.Until.Sub(s.at) > DefaultMaxWait || !s.Until.After(s.at) {
			t.Errorf("at %v: Waiting %q until %v", s.at.Sub(epoch), s.Waiting, s.Until.Sub(epoch))
		}
	}
}

// TestPrintScenarios prints the simulated table, each row checked against
// its scenario's targets as TestScenarios checks it (a row outside them
// fails, so the table printed is never one that missed):
//
//	go test -run PrintScenarios -v ./internal/pacer/
func TestPrintScenarios(t *testing.T) {
	t.Logf("worst of %d latency draws (100 ms ± 10%% each way)", seeds)
	t.Logf("%-40s %10s %7s %9s %7s %9s", "scenario", "efficiency", "429", "other 429", "pauses", "timers/req")
	for _, c := range scenarios {
		o := worst(t, c.scenario)
		t.Logf("%-40s %10.3f %6.1f%% %8.1f%% %7d %9.2f", c.name, o.efficiency, 100*o.share429, 100*o.other429,
			len(o.pauses), float64(o.afters)/float64(o.answers))
		checkScenario(t, c, o)
		// No client beats the ideal: above it, the simulated tenant let
		// more through than its bucket holds.
		if o.answers < c.requests || o.efficiency > 1.05 {
			t.Errorf("%s: %d answers for %d requests, efficiency %.3f above the ideal", c.name, o.answers, c.requests, o.efficiency)
		}
	}
}

func cmp(d, def time.Duration) time.Duration {
	if d == 0 {
		return def
	}
	return d
}
