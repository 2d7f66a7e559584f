package app

import (
	"os"
	"fmt"
	"strings"
	"testing"
	"time"
)

func TestPaceDebug(t *testing.T) {
	sc := paceScenarios[1]
	if n := getenvScenario(); n >= 0 {
		sc = paceScenarios[n]
	}
	h, m := paceTenant(t, sc)
	start := time.Now()
	r := h.runRaw("scim-migrate", "apply", "--domain", h.srv.URL, "--yes", "--log-level", "debug", "--report", h.path("r.jsonl"), "-f", m)
	fmt.Println("exit", r.code, time.Since(start))
	for _, l := range strings.Split(r.stderr, "\n") {
		if strings.Contains(l, "rate limit") || strings.Contains(l, "retry") || strings.Contains(l, "pace") {
			fmt.Println(l)
		}
	}
	prev := start
	for _, rec := range h.tenant.Requests() {
		fmt.Printf("%6.3f +%5.3f %s %s %d\n", rec.Arrived.Sub(start).Seconds(), rec.Arrived.Sub(prev).Seconds(), rec.Method, rec.Kind, rec.Status)
		prev = rec.Arrived
	}
}

func getenvScenario() int {
	var n int = -1
	fmt.Sscan(strings.TrimSpace(os.Getenv("SCEN")), &n)
	return n
}
