package emulator

import (
	"maps"
	"net/http"
	"slices"
	"sync"
	"time"
)

// recorder keeps the request log and the counters behind Stats.
type recorder struct {
	mu       sync.Mutex
	gen      int // bumped by reset, so that requests in flight across a reset are not half-counted
	log      []RequestRecord
	arrivals []time.Time // /api/v2 arrivals, for MaxRequestsIn
	counts   map[string]map[int]int
	clients  map[string]map[int]int
	writes   map[string]int
	tokWrite map[string]int
	issued   int
	inFlight int
	maxConc  int
}

// slot designates a log entry until the request is finished.
type slot struct {
	gen, idx int
	kind     string
	counted  bool // /api/v2 and token requests count in Stats; stray paths are only logged
	api      bool // an /api/v2 request: counted by client too
}

func (r *recorder) reset() {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.gen++
	r.log, r.arrivals = nil, nil
	r.counts = map[string]map[int]int{}
	r.clients = map[string]map[int]int{}
	r.writes = map[string]int{}
	r.tokWrite = map[string]int{}
	r.issued, r.maxConc = 0, r.inFlight
}

func (r *recorder) arrive(req *http.Request, kind, connID string, now time.Time, api bool) slot {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.log = append(r.log, RequestRecord{
		Method: req.Method, EscapedPath: req.URL.EscapedPath(), RawQuery: req.URL.RawQuery,
		Kind: kind, ConnectionID: connID, Arrived: now,
	})
	if api {
		r.arrivals = append(r.arrivals, now)
	}
	return slot{gen: r.gen, idx: len(r.log) - 1, kind: kind, counted: api || kind == KindToken, api: api}
}

func (r *recorder) finish(s slot, status int, dropped, throttled bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if s.gen != r.gen {
		return
	}
	rec := &r.log[s.idx]
	rec.Status, rec.Dropped, rec.Throttled = status, dropped, throttled
	if !s.counted {
		return
	}
	count(r.counts, s.kind, status)
	if s.api && rec.Client != "" {
		count(r.clients, rec.Client, status)
	}
}

// identify records who sent the request and whose bucket it drew on.
func (r *recorder) identify(s slot, client, group string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if s.gen == r.gen {
		r.log[s.idx].Client, r.log[s.idx].Group = client, group
	}
}

func count(m map[string]map[int]int, key string, status int) {
	if m[key] == nil {
		m[key] = map[int]int{}
	}
	m[key][status]++
}

func (r *recorder) enter() {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.inFlight++
	r.maxConc = max(r.maxConc, r.inFlight)
}

func (r *recorder) leave() {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.inFlight--
}

func (r *recorder) addWrite(connID string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.writes[connID]++
}

func (r *recorder) addTokenWrite(connID string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.tokWrite[connID]++
}

func (r *recorder) addIssued() {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.issued++
}

func (r *recorder) stats() Stats {
	r.mu.Lock()
	defer r.mu.Unlock()
	s := Stats{Requests: map[string]map[int]int{}, MaxConcurrent: r.maxConc,
		Writes: maps.Clone(r.writes), TokenWrites: maps.Clone(r.tokWrite), TokensIssued: r.issued,
		Clients: map[string]map[int]int{}}
	for k, v := range r.counts {
		s.Requests[k] = maps.Clone(v)
	}
	for k, v := range r.clients {
		s.Clients[k] = maps.Clone(v)
	}
	return s
}

func (r *recorder) requests() []RequestRecord {
	r.mu.Lock()
	defer r.mu.Unlock()
	return slices.Clone(r.log)
}

// maxIn slides a window over the sorted arrival times: O(n log n).
func (r *recorder) maxIn(window time.Duration) int {
	r.mu.Lock()
	times := slices.Clone(r.arrivals)
	r.mu.Unlock()
	slices.SortFunc(times, func(a, b time.Time) int { return a.Compare(b) })
	best, lo := 0, 0
	for hi, t := range times {
		for t.Sub(times[lo]) >= window {
			lo++
		}
		best = max(best, hi-lo+1)
	}
	return best
}
