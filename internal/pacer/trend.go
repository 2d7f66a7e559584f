package pacer

import "time"

const (
	// trendWindow is how far back the rate fit looks: long enough that the
	// one-token resolution of remaining and per-second refill steps average
	// out, short enough to follow another client starting or stopping.
	trendWindow = 8 * time.Second
	// trendMinPoints and trendMinSpan are what a fit needs before it is
	// trusted over the current rate.
	trendMinPoints = 6
	trendMinSpan   = time.Second
	trendMaxPoints = 64
)

type point struct {
	t time.Time
	y float64
}

// trend is a least-squares line through recent (time, remaining + request
// number) points; its slope is the refill rate the group gets.
type trend struct {
	pts []point
}

func (tr *trend) reset() { tr.pts = tr.pts[:0] }

// add appends a point and forgets those older than the window (answers may
// arrive out of order, so the window is measured from the newest point).
func (tr *trend) add(t time.Time, y float64) {
	tr.pts = append(tr.pts, point{t, y})
	newest := t
	for _, p := range tr.pts {
		newest = later(newest, p.t)
	}
	kept := tr.pts[:0]
	for _, p := range tr.pts[max(0, len(tr.pts)-trendMaxPoints):] {
		if newest.Sub(p.t) <= trendWindow {
			kept = append(kept, p)
		}
	}
	tr.pts = kept
}

// estimate is what a fit says about the refill rate.
type estimate struct {
	rate   float64 // the slope
	spread float64 // highest residual minus lowest
	// sure is false when the points span too little time to have seen
	// trendTokens tokens refill at that rate; the rate is then only an
	// upper bound, bound.
	sure  bool
	bound float64
}

// trendTokens is how many tokens of refill a fit must span to be trusted:
// remaining is rounded down to a token, and per-minute buckets refill in
// steps, so a shorter span cannot tell a slow bucket from a stopped one.
const trendTokens = 2

// fit fits a line through the points, once there are enough of them over a
// long enough span.
func (tr *trend) fit() (estimate, bool) {
	if len(tr.pts) < trendMinPoints {
		return estimate{}, false
	}
	t0, t1 := tr.pts[0].t, tr.pts[0].t
	for _, p := range tr.pts {
		t0, t1 = earlier(t0, p.t), later(t1, p.t)
	}
	span := t1.Sub(t0).Seconds()
	if span < trendMinSpan.Seconds() {
		return estimate{}, false
	}
	var sx, sy, sxx, sxy float64
	for _, p := range tr.pts {
		x := p.t.Sub(t0).Seconds()
		sx, sy, sxx, sxy = sx+x, sy+p.y, sxx+x*x, sxy+x*p.y
	}
	n := float64(len(tr.pts))
	e := estimate{rate: (n*sxy - sx*sy) / (n*sxx - sx*sx)}
	e.spread = tr.spread(t0, e.rate, (sy-e.rate*sx)/n)
	e.sure = e.rate*span >= trendTokens
	e.bound = max(e.rate, 0) + trendTokens/span
	return e, true
}

// spread is the range of the residuals around the line a + rate·(t − t0).
func (tr *trend) spread(t0 time.Time, rate, a float64) float64 {
	lo, hi := 0.0, 0.0
	for i, p := range tr.pts {
		r := p.y - a - rate*p.t.Sub(t0).Seconds()
		if i == 0 || r < lo {
			lo = r
		}
		if i == 0 || r > hi {
			hi = r
		}
	}
	return hi - lo
}

func earlier(a, b time.Time) time.Time {
	if a.Before(b) {
		return a
	}
	return b
}
