package emulator

import (
	"fmt"
	"math"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Rate-limit groups: which bucket a Management API request draws on.
const (
	// GroupGlobal is the bucket of every request that has no bucket of its
	// own (Options.Rate and Burst, SetRateLimit).
	GroupGlobal = "global"
	// GroupConnections is the bucket of the connection listing
	// (GET /api/v2/connections) when one is set, as on Auth0's Essentials and
	// Professional plans; without one, the listing draws on the global bucket.
	GroupConnections = "connections"
)

// Refill is how a bucket gets its tokens back.
type Refill int

const (
	// RefillContinuous adds Rate tokens per second by the nanosecond, as
	// Auth0's per-second limits do.
	RefillContinuous Refill = iota
	// RefillPerSecond adds Rate tokens at every whole Unix second, as Auth0's
	// per-minute limits do (150/min: 2.5 tokens each second).
	RefillPerSecond
)

// ResetSemantics is what x-ratelimit-reset announces.
type ResetSemantics int

const (
	// ResetNextToken announces the current second while a token is left, else
	// the second at which the next token arrives.
	ResetNextToken ResetSemantics = iota
	// ResetFull announces the second at which the bucket will be full again,
	// which for a per-minute limit can be up to a minute ahead (Auth0 users
	// found resets that far: node-auth0#538).
	ResetFull
)

// Bucket is one rate-limit bucket of the tenant, shared by every client.
// Rate 0 means no bucket: no limit and no x-ratelimit-* headers.
type Bucket struct {
	Rate   float64 // tokens per second (150/min: 2.5)
	Burst  int     // bucket size, announced as x-ratelimit-limit; with a Rate, < 1 means 1
	Refill Refill
	Reset  ResetSemantics
}

// PlanFree is Auth0's Free plan: one bucket, 2 requests/s, burst 2.
func PlanFree() map[string]Bucket {
	return map[string]Bucket{GroupGlobal: {Rate: 2, Burst: 2}}
}

// PlanEssentials is Auth0's Essentials and Professional plans: "all other
// endpoints combined" 150/min burst 10, the connection listing 50/min burst
// 5, both refilled once a second.
func PlanEssentials() map[string]Bucket {
	return map[string]Bucket{
		GroupGlobal:      {Rate: 150.0 / 60, Burst: 10, Refill: RefillPerSecond},
		GroupConnections: {Rate: 50.0 / 60, Burst: 5, Refill: RefillPerSecond},
	}
}

// PlanEnterprise is Auth0's Enterprise plan, production tenant: one bucket,
// 16 requests/s, burst 50.
func PlanEnterprise() map[string]Bucket {
	return map[string]Bucket{GroupGlobal: {Rate: 16, Burst: 50}}
}

// PlanEnterpriseNonProduction is an Enterprise non-production tenant: one
// bucket, 2 requests/s, burst 10.
func PlanEnterpriseNonProduction() map[string]Bucket {
	return map[string]Bucket{GroupGlobal: {Rate: 2, Burst: 10}}
}

var plans = map[string]func() map[string]Bucket{
	"free":                      PlanFree,
	"essentials":                PlanEssentials,
	"professional":              PlanEssentials,
	"enterprise":                PlanEnterprise,
	"enterprise-non-production": PlanEnterpriseNonProduction,
}

// PlanNames lists the names Plan knows, sorted.
func PlanNames() []string {
	names := make([]string, 0, len(plans))
	for n := range plans {
		names = append(names, n)
	}
	slices.Sort(names)
	return names
}

// Plan returns the buckets of an Auth0 plan by name (see PlanNames).
func Plan(name string) (map[string]Bucket, error) {
	p, ok := plans[strings.ToLower(name)]
	if !ok {
		return nil, fmt.Errorf("unknown plan %q (known: %s)", name, strings.Join(PlanNames(), ", "))
	}
	return p(), nil
}

// checkGroup panics on a group no request is routed to: a bucket set there
// would silently never apply.
func checkGroup(group string) {
	if group != GroupGlobal && group != GroupConnections {
		panic(fmt.Sprintf("emulator: unknown rate-limit group %q (want %q or %q)", group, GroupGlobal, GroupConnections))
	}
}

// bucketState is a bucket and its tokens.
type bucketState struct {
	Bucket
	tokens float64
	last   time.Time
}

// newBucketState returns a full bucket, or nil for no bucket.
func newBucketState(b Bucket, now time.Time) *bucketState {
	if b.Rate <= 0 {
		return nil
	}
	b.Burst = max(b.Burst, 1)
	return &bucketState{Bucket: b, tokens: float64(b.Burst), last: now}
}

func (b *bucketState) refill(now time.Time) {
	var add float64
	switch b.Refill {
	case RefillPerSecond:
		add = b.Rate * float64(now.Unix()-b.last.Unix())
	default:
		add = b.Rate * now.Sub(b.last).Seconds()
	}
	if add > 0 {
		b.tokens = math.Min(float64(b.Burst), b.tokens+add)
	}
	if now.After(b.last) {
		b.last = now
	}
}

// take refills the bucket, then takes one token when there is one.
func (b *bucketState) take(now time.Time) bool {
	b.refill(now)
	if b.tokens < 1 {
		return false
	}
	b.tokens--
	return true
}

// reset is the x-ratelimit-reset second (see ResetSemantics).
func (b *bucketState) reset(now time.Time) int64 {
	target := 1.0
	if b.Reset == ResetFull {
		target = float64(b.Burst)
	}
	missing := target - b.tokens
	if missing <= 0 {
		return now.Unix()
	}
	if b.Refill == RefillPerSecond {
		return now.Unix() + int64(math.Ceil(missing/b.Rate-1e-9))
	}
	return ceilUnix(now.Add(time.Duration(missing / b.Rate * float64(time.Second))))
}

// headers are the three x-ratelimit-* headers after a request; nil without
// a bucket.
func (b *bucketState) headers(now time.Time) http.Header {
	if b == nil {
		return nil
	}
	return limitHeaders(b.Burst, int(math.Floor(b.tokens)), b.reset(now))
}

// emptyHeaders are the headers of a 429 that is not the bucket's doing (a
// throttle storm, an injected 429): nothing left, reset as given.
func (b *bucketState) emptyHeaders(reset int64) http.Header {
	limit := -1
	if b != nil {
		limit = b.Burst
	}
	return limitHeaders(limit, 0, reset)
}

// limitHeaders builds the x-ratelimit-* headers; limit is omitted when < 0.
func limitHeaders(limit, remaining int, reset int64) http.Header {
	h := http.Header{}
	if limit >= 0 {
		h.Set("X-Ratelimit-Limit", strconv.Itoa(limit))
	}
	h.Set("X-Ratelimit-Remaining", strconv.Itoa(remaining))
	h.Set("X-Ratelimit-Reset", strconv.FormatInt(reset, 10))
	return h
}
