package pacer

import (
	"math"
	"time"

	"golang.org/x/time/rate"
)

// ceiling is Options.Ceiling, the --rps token bucket over every group
// together: golang.org/x/time/rate's Limiter, driven by the pacer's clock
// (its *At methods), so that it waits on the same timer as the groups and
// a fake clock moves it too. Its burst is the requests saved up while idle
// (waiting on a sequential read, say) that may go at once, as the tenant's
// own bucket allows: half the bucket of the group asking, at most one
// second of the ceiling, at least one (before the bucket is known). In any
// second the ceiling lets Ceiling plus that burst go, never more.
type ceiling struct {
	perSecond float64
	bucket    *rate.Limiter // nil: no ceiling
}

func newCeiling(perSecond float64) ceiling {
	if perSecond <= 0 {
		return ceiling{}
	}
	return ceiling{perSecond: perSecond, bucket: rate.NewLimiter(rate.Limit(perSecond), 1)}
}

// burst is how many requests of a group whose bucket holds limit the
// ceiling lets go at once after idle time.
func (c ceiling) burst(limit int) int {
	return max(1, min(limit/2, int(c.perSecond)))
}

// readyAt is the earliest time, not before now, at which the ceiling lets
// one request of a group whose bucket holds limit go.
func (c ceiling) readyAt(now time.Time, limit int) time.Time {
	if c.bucket == nil {
		return now
	}
	c.bucket.SetBurstAt(now, c.burst(limit))
	missing := 1 - c.bucket.TokensAt(now)
	if missing <= 0 {
		return now
	}
	return now.Add(time.Duration(math.Ceil(missing / c.perSecond * float64(time.Second))))
}

// spend takes one request from the ceiling at now.
func (c ceiling) spend(now time.Time, limit int) {
	if c.bucket == nil {
		return
	}
	c.bucket.SetBurstAt(now, c.burst(limit))
	c.bucket.ReserveN(now, 1)
}
