package app

import (
	"context"
	"encoding/pem"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/scim-migrate/scim-migrate/internal/emulator"
)

// paceScenario is one tenant and one job for BenchmarkPace.
type paceScenario struct {
	name           string
	buckets        map[string]emulator.Bucket
	rate           float64 // what the run may use of the tenant's refill, for the ideal
	burst          int
	conns, changed int
	flags          []string // besides the defaults
	other          float64  // another client's steady requests per second on the tenant
}

var paceScenarios = []paceScenario{
	{name: "enterprise", buckets: emulator.PlanEnterprise(), rate: 16, burst: 50, conns: 700, changed: 600},
	{name: "free", buckets: emulator.PlanFree(), rate: 2, burst: 2, conns: 200, changed: 40},
	{name: "essentials", buckets: emulator.PlanEssentials(), rate: 2.5, burst: 10, conns: 200, changed: 40},
	{name: "free-rps16-c8", buckets: emulator.PlanFree(), rate: 2, burst: 2, conns: 200, changed: 40,
		flags: []string{"--rps", "16", "--concurrency", "8"}},
	{name: "enterprise-shared", buckets: emulator.PlanEnterprise(), rate: 10, burst: 50, conns: 400, changed: 300, other: 6},
	// The read-to-write window at a slow pace, and under another client
	// using 12 of Enterprise's 16/s; a 5/s tenant for the profile without
	// rate-limit headers.
	{name: "slow-3rps", buckets: map[string]emulator.Bucket{emulator.GroupGlobal: {Rate: 3, Burst: 3}}, rate: 3, burst: 3, conns: 200, changed: 60},
	{name: "enterprise-12of16", buckets: emulator.PlanEnterprise(), rate: 4, burst: 50, conns: 300, changed: 60, other: 12},
	{name: "5rps", buckets: map[string]emulator.Bucket{emulator.GroupGlobal: {Rate: 5, Burst: 10}}, rate: 5, burst: 10, conns: 200, changed: 60},
}

// benchProfiles are the emulator profiles the benchmarks run on: every
// one, or those BENCH_PROFILES names (comma-separated), so that each table
// is printed per profile: the product must keep its pace whatever a tenant
// chooses where Auth0's reference is silent.
func benchProfiles(b *testing.B) []emulator.Profile {
	names := os.Getenv("BENCH_PROFILES")
	if names == "" {
		return emulator.Profiles()
	}
	var out []emulator.Profile
	for _, name := range strings.Split(names, ",") {
		found := false
		for _, p := range emulator.Profiles() {
			if p.Name == strings.TrimSpace(name) {
				out, found = append(out, p), true
			}
		}
		if !found {
			b.Fatalf("BENCH_PROFILES: no profile %q (%s)", name, strings.Join(emulator.ProfileNames(), ", "))
		}
	}
	return out
}

// paceLatency is each answer's latency in the scenarios.
const paceLatency = 100 * time.Millisecond

// BenchmarkPace runs apply with default flags (unless a scenario names
// some) against tenants limited as Auth0's plans are, with 100 ms of
// latency, and prints per scenario the efficiency, ideal / actual, where
// ideal = (requests needed - burst) / rate and the requests needed are every
// read (listing pages, and reads just before writes) and every write; and
// the share of requests answered 429.
//
//	go test -run '^$' -bench Pace -benchtime 1x ./internal/app/
func BenchmarkPace(b *testing.B) {
	for _, p := range benchProfiles(b) {
		fmt.Printf("\nprofile %s: %s\n", p.Name, p.About)
		fmt.Printf("%-18s %9s %9s %8s %9s %10s %7s %9s %8s %s\n", "scenario", "requests", "re-reads", "ideal", "actual", "efficiency", "429", "other 429", "window", "pace shown")
		for _, sc := range paceScenarios {
			b.Run(p.Name+"/"+sc.name, func(b *testing.B) {
				for range b.N {
					res := runPaceScenario(b, sc, p)
					b.ReportMetric(res.efficiency, "efficiency")
					b.ReportMetric(100*res.share429, "%429")
					fmt.Printf("%-18s %9d %9d %7.1fs %8.1fs %10.3f %6.2f%% %8.2f%% %7.1fs %s\n", sc.name, res.needed, res.rereads,
						res.ideal.Seconds(), res.actual.Seconds(), res.efficiency, 100*res.share429, 100*res.other429, res.window.Seconds(), res.pace)
				}
			})
		}
	}
}

type paceResult struct {
	needed, rereads    int
	ideal, actual      time.Duration
	efficiency         float64
	share429, other429 float64
	pace               string
	// window is the report's longest time from a read's answer to its write.
	window time.Duration
}

func runPaceScenario(b *testing.B, sc paceScenario, p emulator.Profile) paceResult {
	b.Helper()
	b.StopTimer()
	h, m := paceTenant(&testing.T{}, sc, p)
	defer h.srv.Close()
	stopOther := h.otherClient(sc.other)
	args := append([]string{"scim-migrate", "apply", "--domain", h.srv.URL, "--yes", "--report", h.path("r.jsonl")}, sc.flags...)
	b.StartTimer()
	start := time.Now()
	r := h.runRaw(append(args, "-f", m)...)
	actual := time.Since(start)
	b.StopTimer()
	stopOther()
	if r.code != 0 {
		b.Fatalf("%s: apply failed: %s", sc.name, r)
	}
	res := h.paceResult(b, sc, actual, r.stderr)
	res.window = time.Duration(h.readReport(h.path("r.jsonl")).Summary.ReadWindowMS) * time.Millisecond
	return res
}

func (h *harness) paceResult(b *testing.B, sc paceScenario, actual time.Duration, stderr string) paceResult {
	st := h.tenant.Stats()
	ours := st.CountClient(testClientID)
	writes := st.CountStatus(emulator.KindSCIMUpdate, http.StatusOK) // a 429 is not a write done
	if writes != sc.changed {
		b.Fatalf("%s: %d writes, want %d", sc.name, writes, sc.changed)
	}
	res := paceResult{actual: actual, rereads: rereadRequests(h.tenant.Requests())}
	res.needed = ourReads(h.tenant.Requests()) + writes
	res.ideal = time.Duration(float64(res.needed-sc.burst) / sc.rate * float64(time.Second))
	res.efficiency = res.ideal.Seconds() / actual.Seconds()
	res.share429 = float64(st.CountClientStatus(testClientID, http.StatusTooManyRequests)) / float64(ours)
	if n := st.CountClient("other"); n > 0 {
		res.other429 = float64(st.CountClientStatus("other", http.StatusTooManyRequests)) / float64(n)
	}
	res.pace = lastPace(stderr)
	return res
}

// lastPace is the pace the run's last status line showed.
func lastPace(stderr string) string {
	i := strings.LastIndex(stderr, "pace=")
	if i < 0 {
		return "-"
	}
	rest := stderr[i+len("pace="):]
	if j := strings.Index(rest, "\n"); j >= 0 {
		rest = rest[:j]
	}
	return strings.Trim(rest, `"`)
}

// paceTenant is a tenant of sc.conns connections limited by sc.buckets, and
// a manifest changing sc.changed of them.
func paceTenant(t *testing.T, sc paceScenario, p emulator.Profile) (*harness, string) {
	var kept []emulator.Connection
	var entries []string
	for _, c := range emulator.Generate(sc.conns*2, 31) {
		if c.SCIM == nil || !scimStrategy(c.Strategy) || len(kept) == sc.conns {
			continue
		}
		kept = append(kept, c)
		if len(entries) < sc.changed {
			entries = append(entries, fmt.Sprintf(`{"connection_id": %q, "mode": "merge", "mapping": [{"scim": "title", "auth0": "app_metadata.pace_title"}]}`, c.ID))
		}
	}
	h := newHarness(t, p.Apply(emulator.Options{Buckets: sc.buckets, Latency: paceLatency}), kept...)
	h.timeout = 30 * time.Minute // a storm profile takes its time
	h.tenant.AddStaticToken(emulator.StaticToken{Token: "other-client-token-0123456789", Scopes: allScopes, Client: "other"})
	return h, h.file("pace.json", `{"connections": [`+strings.Join(entries, ",\n")+`]}`)
}

// otherClient sends perSecond requests a second to the tenant, steadily,
// as another client of the tenant would, until the returned func is called.
func (h *harness) otherClient(perSecond float64) func() {
	if perSecond <= 0 {
		return func() {}
	}
	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		tick := time.NewTicker(time.Duration(float64(time.Second) / perSecond))
		defer tick.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-tick.C:
				go h.otherRequest(ctx)
			}
		}
	}()
	return func() { cancel(); wg.Wait() }
}

func (h *harness) otherRequest(ctx context.Context) {
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, h.srv.URL+"/api/v2/connections-scim-configurations?take=1", nil)
	req.Header.Set("Authorization", "Bearer other-client-token-0123456789")
	if resp, err := http.DefaultClient.Do(req); err == nil {
		resp.Body.Close()
	}
}

// ourReads counts the reads the run made that the tenant answered (a 429
// is not a read done).
func ourReads(log []emulator.RequestRecord) int {
	n := 0
	for _, rec := range log {
		if rec.Client == testClientID && (rec.Kind == emulator.KindSCIMList || rec.Kind == emulator.KindSCIMGet) && rec.Status == http.StatusOK {
			n++
		}
	}
	return n
}

// BenchmarkPaceHTTPS times the built binary, start to exit, with default
// flags, over HTTPS, applying 100 changes among 500 connections of a tenant
// limited as Auth0's Enterprise plan is (16/s, burst 50), 100 ms latency.
//
//	go test -run '^$' -bench PaceHTTPS -benchtime 1x ./internal/app/
func BenchmarkPaceHTTPS(b *testing.B) {
	for _, p := range benchProfiles(b) {
		b.Run(p.Name, func(b *testing.B) { benchPaceHTTPS(b, p) })
	}
}

func benchPaceHTTPS(b *testing.B, p emulator.Profile) {
	for range b.N {
		b.StopTimer()
		sc := paceScenario{buckets: emulator.PlanEnterprise(), conns: 500, changed: 100}
		t := &testing.T{}
		h, m := paceTenant(t, sc, p)
		h.srv.Close()
		srv := httptest.NewTLSServer(h.tenant.Handler())
		ca := h.path("ca.pem")
		if err := os.WriteFile(ca, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: srv.Certificate().Raw}), 0o600); err != nil {
			b.Fatal(err)
		}
		cmd := exec.Command(binary(t), "apply", "--domain", srv.URL, "--yes", "--quiet", "--report", h.path("r.jsonl"), "-f", m)
		cmd.Env = append(os.Environ(), "AUTH0_CLIENT_ID="+testClientID, "AUTH0_CLIENT_SECRET="+testClientSecret,
			"SCIM_MIGRATE_LOCK_DIR="+h.env["SCIM_MIGRATE_LOCK_DIR"], "SSL_CERT_FILE="+ca, "SSL_CERT_DIR="+h.path("none"))
		b.StartTimer()
		start := time.Now()
		out, err := cmd.CombinedOutput()
		took := time.Since(start)
		b.StopTimer()
		srv.Close()
		if err != nil {
			b.Fatalf("apply over https: %v\n%s", err, out)
		}
		if n := h.tenant.Stats().CountStatus(emulator.KindSCIMUpdate, http.StatusOK); n != sc.changed {
			b.Fatalf("%d writes, want %d", n, sc.changed)
		}
		b.ReportMetric(took.Seconds(), "s")
		fmt.Printf("profile %s: 500 connections, 100 changes, Enterprise 16/s burst 50, https, default flags: %d requests, start to exit %.2f s\n",
			p.Name, h.tenant.Stats().CountClient(testClientID), took.Seconds())
	}
}
