package pacer

import (
	"sort"
	"time"
)

const (
	// sendLogSize is how many recent requests a group remembers; an answer to
	// an older request is too stale to correct anything.
	sendLogSize = 256
	// sameSend is how close two requests may leave and still be told apart
	// by the time their answer says they left: the caller takes that time
	// after Wait returns, so requests let go together are indistinguishable.
	sameSend = 2 * time.Millisecond
)

// sendRecord is the model as it stood right after one request went.
type sendRecord struct {
	at    time.Time
	level float64
	corr  float64
}

// sendLog is a ring of the group's recent requests, in send order. An answer
// names its request only by the time it left, so find maps that time back to
// the requests that may have sent it.
type sendLog struct {
	recs [sendLogSize]sendRecord
	n    int // requests sent so far; request k (1-based) is recs[(k-1)%size]
}

// candidates are the requests one answer may belong to: numbers lo to hi,
// which left within sameSend of one another.
type candidates struct {
	lo, hi      int
	first, last sendRecord
}

func (l *sendLog) add(r sendRecord) {
	l.recs[l.n%sendLogSize] = r
	l.n++
}

func (l *sendLog) rec(k int) sendRecord { return l.recs[(k-1)%sendLogSize] }

func (l *sendLog) last() time.Time { return l.rec(l.n).at }

// find returns the requests that may have left at sent; ok is false when
// none is remembered.
func (l *sendLog) find(sent time.Time) (candidates, bool) {
	oldest := max(1, l.n-sendLogSize+1)
	hi := l.count(oldest, sent)
	lo := l.count(oldest, sent.Add(-sameSend)) + 1
	if hi < oldest {
		return candidates{}, false
	}
	lo = max(oldest, min(lo, hi))
	return candidates{lo: lo, hi: hi, first: l.rec(lo), last: l.rec(hi)}, true
}

// count is the number of the last remembered request that left by t
// (oldest-1 when none did).
func (l *sendLog) count(oldest int, t time.Time) int {
	i := sort.Search(l.n-oldest+1, func(i int) bool { return l.rec(oldest + i).at.After(t) })
	return oldest + i - 1
}

// sentTogether gathers the answers to requests that left together, whose
// numbers an answer cannot tell apart. The tenant handled them one after
// another, so once every answer is in, the lowest remaining belongs to the
// last of them, and that is one exact point for the rate fit.
type sentTogether struct {
	lo, hi  int
	answers int
	lowest  int
	handled time.Time // when the tenant handled the request with the lowest remaining
}

// point adds one answer and returns a point for the fit when there is one:
// at once for a request that left alone, after the last answer for requests
// that left together.
func (s *sentTogether) point(a Answer, c candidates) (time.Time, float64, bool) {
	handled := midpoint(a.Sent, a.Received)
	if c.lo == c.hi {
		return handled, float64(a.Remaining + c.hi), true
	}
	if s.lo != c.lo || s.hi != c.hi {
		*s = sentTogether{lo: c.lo, hi: c.hi, lowest: a.Remaining + 1}
	}
	s.answers++
	if a.Remaining < s.lowest {
		s.lowest, s.handled = a.Remaining, handled
	}
	if s.answers < c.hi-c.lo+1 {
		return time.Time{}, 0, false
	}
	return s.handled, float64(s.lowest + c.hi), true
}
