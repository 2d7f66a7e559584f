package emulator

import (
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

const (
	defaultTenantName    = "scim-migrate-dev"
	defaultTokenLifetime = 24 * time.Hour
)

// Tenant is one emulated Auth0 tenant. All methods are safe for concurrent use.
type Tenant struct {
	now func() time.Time

	mu         sync.RWMutex // guards everything below up to ctl
	tenantName string
	conns      map[string]*connRecord
	byName     map[string]string // name -> id
	deleted    map[string]bool   // ids of deleted connections (DELETE answers 204 again)
	index      []string          // sorted ids, valid unless indexDirty
	indexDirty bool
	clients    map[string]Client
	tokens     map[string]accessToken
	tokenGen   int // tokens issued before the current generation are expired
	revokeGen  int // issued tokens stamped with an older one are revoked
	// revokeEvery is Options.RevokeEvery; apiRequests counts toward it.
	revokeEvery int
	apiRequests atomic.Int64
	lifetime    time.Duration
	advertised  time.Duration
	noListing   bool
	listing     listingState

	ctl   controls
	rec   recorder
	hooks hooks
	// busy counts the requests being answered (Settle).
	busy inFlight
}

// New returns an empty tenant configured by opts.
func New(opts Options) *Tenant {
	t := &Tenant{
		now:        opts.Clock,
		tenantName: opts.TenantName,
		conns:      map[string]*connRecord{},
		byName:     map[string]string{},
		deleted:    map[string]bool{},
		clients:    map[string]Client{},
		tokens:     map[string]accessToken{},
		lifetime:   opts.TokenLifetime,
		advertised: opts.AdvertisedLifetime,
		noListing:  opts.DisableSCIMListing,

		revokeEvery: opts.RevokeEvery,
	}
	if t.now == nil {
		t.now = time.Now
	}
	if t.tenantName == "" {
		t.tenantName = defaultTenantName
	}
	if t.lifetime <= 0 {
		t.lifetime = defaultTokenLifetime
	}
	if t.advertised <= 0 {
		t.advertised = t.lifetime
	}
	t.listing.init(opts.Listing, opts.Faults.Seed)
	t.ctl.init(opts, t.now())
	t.rec.reset()
	return t
}

// Handler serves the token endpoint and the Management API routes.
func (t *Tenant) Handler() http.Handler {
	return http.HandlerFunc(t.serveHTTP)
}

func (t *Tenant) serveHTTP(w http.ResponseWriter, r *http.Request) {
	t.busy.begin()
	defer t.busy.end()
	path := r.URL.EscapedPath()
	switch {
	case path == "/oauth/token":
		t.serveToken(w, r)
	case strings.HasPrefix(path, "/api/v2/"):
		t.serveAPI(w, r)
	default:
		slot := t.rec.arrive(r, KindUnknown, "", t.now(), false)
		rep := notFound()
		t.rec.finish(slot, rep.status, false, false)
		rep.write(w)
	}
}

// TenantName returns the tenant_name reported in SCIM configuration bodies.
func (t *Tenant) TenantName() string {
	t.mu.RLock()
	defer t.mu.RUnlock()
	return t.tenantName
}

// SetFaults replaces the injected faults and restarts their random sequence from f.Seed.
func (t *Tenant) SetFaults(f Faults) { t.ctl.setFaults(f) }

// SetHeaders replaces how the rate-limit answers look.
func (t *Tenant) SetHeaders(h HeaderBehaviour, odd OddHeaders) { t.ctl.setHeaders(h, odd) }

// SetRateLimit replaces the global bucket (rate 0: unlimited) with one that
// refills continuously and announces the next token as reset; the bucket
// starts full. Other groups' buckets are kept.
func (t *Tenant) SetRateLimit(rate float64, burst int) {
	t.ctl.setBucket(GroupGlobal, Bucket{Rate: rate, Burst: burst}, t.now())
}

// SetBucket replaces the bucket of a group, GroupGlobal or GroupConnections
// (it panics on any other); Rate 0 removes it. The bucket starts full. Every
// client of the tenant draws on the same buckets, as on Auth0.
func (t *Tenant) SetBucket(group string, b Bucket) { t.ctl.setBucket(group, b, t.now()) }

// ApplyPlan replaces every bucket with those given, e.g. PlanEssentials();
// a group not given has no bucket.
func (t *Tenant) ApplyPlan(buckets map[string]Bucket) { t.ctl.setBuckets(buckets, true, t.now()) }

// SetLatency replaces the latency added to every /api/v2 answer.
func (t *Tenant) SetLatency(d time.Duration) { t.ctl.setLatency(d) }

// Throttle answers every /api/v2 request 429 until the given time, with
// x-ratelimit-reset set to it (rounded up to the second, so that a client waiting
// until the header's second never comes back early).
func (t *Tenant) Throttle(until time.Time) { t.ctl.setThrottle(until) }

// Stats returns a copy of the counters.
func (t *Tenant) Stats() Stats { return t.rec.stats() }

// ResetStats clears the counters and the request log.
func (t *Tenant) ResetStats() { t.rec.reset() }

// Requests returns a copy of the request log, in arrival order: /api/v2 and token
// requests, and requests to any other path (logged, but not counted in Stats).
func (t *Tenant) Requests() []RequestRecord { return t.rec.requests() }

// MaxRequestsIn returns the largest number of /api/v2 requests that arrived
// within any window of the given length.
func (t *Tenant) MaxRequestsIn(window time.Duration) int { return t.rec.maxIn(window) }
