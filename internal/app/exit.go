package app

import (
	"errors"
	"fmt"
)

// Exit codes, as the contract defines them.
const (
	ExitOK          = 0   // done: everything applied, or nothing to do
	ExitError       = 1   // could not run; nothing was written
	ExitChanges     = 2   // plan --detailed-exitcode: the plan has changes
	ExitPartial     = 3   // finished, but some connection failed or conflicted
	ExitInterrupted = 130 // interrupted; writes in flight were finished and recorded
)

// errPlanHasChanges ends plan --detailed-exitcode when there are changes. It
// is an outcome, not a failure, so nothing is printed for it.
var errPlanHasChanges = errors.New("the plan has changes")

// errInterrupted ends a run stopped by SIGINT or SIGTERM.
var errInterrupted = errors.New("interrupted")

// partialError ends a run that finished with failed or conflicting
// connections.
type partialError struct {
	failed, conflicts int
	report            string
}

func (e *partialError) Error() string {
	return fmt.Sprintf("%d connection(s) failed and %d conflicted; see the report %s", e.failed, e.conflicts, e.report)
}

// usageError is a mistake on the command line.
type usageError struct{ err error }

func (e *usageError) Error() string { return e.err.Error() }
func (e *usageError) Unwrap() error { return e.err }

// exitCode maps the outcome of a command to its exit code; it is the only
// place that does.
func exitCode(err error) int {
	var partial *partialError
	switch {
	case err == nil:
		return ExitOK
	case errors.Is(err, errPlanHasChanges):
		return ExitChanges
	case errors.Is(err, errInterrupted):
		return ExitInterrupted
	case errors.As(err, &partial):
		return ExitPartial
	default:
		return ExitError
	}
}

// silent reports whether an outcome needs no message on stderr.
func silent(err error) bool {
	return err == nil || errors.Is(err, errPlanHasChanges)
}
