package session

import (
	"fmt"

	"github.com/scim-migrate/scim-migrate/internal/execute"
	"github.com/scim-migrate/scim-migrate/internal/report"
	"github.com/scim-migrate/scim-migrate/internal/runlog"
)

// PartialError ends a run that finished with failed, conflicting or unknown
// connections.
type PartialError struct {
	Counts runlog.Counts
	Report string
}

func (e *PartialError) Error() string {
	msg := fmt.Sprintf("%s failed and %d conflicted", report.Plural(e.Counts.Failed, "connection"), e.Counts.Conflict)
	if e.Counts.Unknown > 0 {
		msg += fmt.Sprintf(", %d unknown (the write may have taken effect)", e.Counts.Unknown)
	}
	return msg + "; see the report " + e.Report
}

// StoppedError ends a run that stopped early after sending writes: the
// tenant is part-way, and the report says how far.
type StoppedError struct {
	Err    error
	Report string
}

func (e *StoppedError) Error() string {
	return fmt.Sprintf("%v\nthe report %s says which connections were written; `scim-migrate rollback --from %s` undoes them", e.Err, e.Report, e.Report)
}

func (e *StoppedError) Unwrap() error { return e.Err }

// Outcome is how a run ended, as the command's error (and so its exit code),
// saying what was done: interrupted, stopped by a fatal error before or
// after writes were sent, finished with connections not as asked, or done
// (nil). path is the run's report.
func Outcome(out execute.Totals, path string) error {
	c := out.Counts
	done := writesDone(out)
	switch {
	case out.Stopped:
		return fmt.Errorf("%w: stopped at once; %s; the report %s says which; rollback --from it undoes the run", execute.ErrInterrupted, done, path)
	case out.Interrupted:
		return fmt.Errorf("%w: %s; writes in flight were finished and recorded in %s; rollback --from it undoes the run", execute.ErrInterrupted, done, path)
	case out.Fatal != nil && out.WritesSent == 0:
		return fmt.Errorf("run stopped, nothing was written (%s): %w", done, out.Fatal)
	case out.Fatal != nil:
		return &StoppedError{Err: fmt.Errorf("run stopped after writes were sent (%s): %w", done, out.Fatal), Report: path}
	case c.Unsettled() > 0:
		return &PartialError{Counts: c, Report: path}
	}
	return nil
}

// writesDone says what a run did to the tenant, in its own words.
func writesDone(out execute.Totals) string {
	s := fmt.Sprintf("%s sent, %d confirmed", report.Plural(out.WritesSent, "write"), out.WritesConfirmed)
	if out.WritesRefused > 0 {
		s += fmt.Sprintf(", %d refused by the tenant", out.WritesRefused)
	}
	if out.Counts.Unknown > 0 {
		s += fmt.Sprintf(", %d unknown (may have taken effect)", out.Counts.Unknown)
	}
	return s
}
