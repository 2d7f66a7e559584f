package pacer

import "testing"

func TestZZExplore(t *testing.T) {
	essFull := essentials
	essFull.full = true
	for _, sc := range []scenario{
		{name: "ess 4w", bucket: essentials, requests: 60, workers: 4},
		{name: "ess full 4w", bucket: essFull, requests: 60, workers: 4},
		{name: "ess full 4w 250", bucket: essFull, requests: 250, workers: 4},
		{name: "3 full", bucket: bucket{rate: 3, burst: 3, full: true}, requests: 80, workers: 4},
		{name: "free full", bucket: bucket{rate: 2, burst: 2, full: true}, requests: 80, workers: 4},
		{name: "ent full", bucket: bucket{rate: 16, burst: 50, full: true}, requests: 600, workers: 4},
	} {
		var w outcome
		for seed := range uint64(seeds) {
			sc.seed = seed + 1
			o := run(t, sc)
			if seed == 0 || o.efficiency < w.efficiency {
				w.efficiency = o.efficiency
			}
			w.share429 = max(w.share429, o.share429)
			w.pace = o.pace
			w.took = max(w.took, o.took)
			w.pauses = append(w.pauses, o.pauses...)
		}
		var long int
		for _, p := range w.pauses {
			if p.Length > 1e9 {
				long++
			}
		}
		t.Logf("%-22s eff %.3f 429 %.1f%% pace %.2f took %v pauses %d long %d", sc.name, w.efficiency, 100*w.share429, w.pace, w.took, len(w.pauses), long)
	}
}
