package execute

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/scim-migrate/scim-migrate/internal/runlog"
)

// ledger is the bookkeeping every writing run shares, whatever it writes
// (configurations, tokens): each task's one result, recorded as it ends,
// the writes sent, confirmed and refused, and the error that stopped it.
type ledger struct {
	recorder Recorder
	observer Observer
	now      func() time.Time
	stop     <-chan struct{}

	mu      sync.Mutex
	results []*runlog.Result
	fatal   error // from recording
	sent    int
	refused int
	settled int
}

func newLedger(n int, o RunOptions) *ledger {
	now := o.Now
	if now == nil {
		now = time.Now
	}
	return &ledger{recorder: o.Recorder, observer: o.Observer, now: now, stop: o.Stop, results: make([]*runlog.Result, n)}
}

// decideFirst records at once the result of every task decided before the
// run (decided answers it, and whether it is), and returns the others, in
// order: the one loop every run starts with.
func (l *ledger) decideFirst(decided func(i int) (runlog.Result, bool)) []int {
	var pending []int
	for i := range l.results {
		if res, ok := decided(i); ok {
			_ = l.finish(i, res)
		} else {
			pending = append(pending, i)
		}
	}
	return pending
}

// finish records a task's result, once. A result that cannot be recorded
// stops the run: the report would no longer tell the truth.
func (l *ledger) finish(i int, res runlog.Result) error {
	err := l.recorder.Result(res)
	l.mu.Lock()
	l.results[i] = &res
	if err != nil {
		err = fmt.Errorf("record result of %s: %w", res.ConnectionID, err)
		l.fatal = cmp.Or(l.fatal, err)
	}
	l.mu.Unlock()
	if l.observer != nil {
		l.observer.Finished(res)
	}
	return err
}

// intent records a write's intent before it is sent. Without a durable
// intent the write could not be undone, so a failure stops the run.
func (l *ledger) intent(i runlog.Intent) error {
	if err := l.recorder.Intent(i); err != nil {
		return fmt.Errorf("record intent for %s: %w", i.ConnectionID, err)
	}
	return nil
}

// tally adds a write to the run's counts: sent unless it never left or the
// tenant refused it outright (which changed nothing), confirmed when the
// tenant is known to hold it.
func (l *ledger) tally(res *runlog.Result, err error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	switch {
	case res.NotSent:
	case err != nil && !isUncertain(err):
		l.refused++
	default:
		l.sent++
		if res.Status == runlog.StatusApplied {
			l.settled++
		}
	}
}

// mayStart reports whether another write may start: not after the first
// interrupt, nor once the run stopped.
func (l *ledger) mayStart(gctx context.Context) bool {
	return gctx.Err() == nil && !stopped(l.stop)
}

// outcome counts the results, giving the tasks never started theirs.
func (l *ledger) outcome(ctx context.Context, fatal error, notStarted func(i int, cause error) runlog.Result) Totals {
	out := Totals{Interrupted: stopped(l.stop) || ctx.Err() != nil, Stopped: ctx.Err() != nil}
	if fatal != nil && !errors.Is(fatal, context.Canceled) {
		out.Fatal = fatal
	}
	out.Fatal = cmp.Or(out.Fatal, l.fatal)
	for i := range l.results {
		if l.results[i] == nil {
			_ = l.finish(i, notStarted(i, out.Fatal))
		}
		out.Counts.Add(l.results[i].Status)
	}
	out.Fatal = cmp.Or(out.Fatal, l.fatal)
	out.WritesSent, out.WritesConfirmed, out.WritesRefused = l.sent, l.settled, l.refused
	return out
}

// skippedResult is the result of a task the run never reached because it
// stopped first.
func skippedResult(r runlog.Result, cause error, now time.Time) runlog.Result {
	r.Status, r.At = runlog.StatusSkipped, now.UTC()
	if cause != nil {
		r.Error = "not started: the run stopped: " + cause.Error()
	} else {
		r.Error = "not started: the run was interrupted"
	}
	return r
}

func stopped(stop <-chan struct{}) bool {
	select {
	case <-stop:
		return true
	default:
		return false
	}
}
