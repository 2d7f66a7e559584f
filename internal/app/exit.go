package app

import (
	"errors"
	"fmt"

	"github.com/scim-migrate/scim-migrate/internal/console"
	"github.com/scim-migrate/scim-migrate/internal/runlog"
)

// Exit codes, as the contract defines them.
const (
	ExitOK          = 0   // done: everything applied, or nothing to do
	ExitError       = 1   // could not run; nothing was written
	ExitChanges     = 2   // plan --detailed-exitcode: the plan has changes
	ExitPartial     = 3   // finished, but some connection failed, conflicted or is unknown
	ExitStopped     = 4   // stopped early after writes were sent
	ExitInterrupted = 130 // interrupted; writes in flight were finished and recorded
)

// errPlanHasChanges ends plan --detailed-exitcode when there are changes. It
// is an outcome, not a failure, so nothing is printed for it.
var errPlanHasChanges = errors.New("the plan has changes")

// errTokensFlagged ends tokens audit --detailed-exitcode when the audit
// flagged something: like a plan with changes, an outcome, printed by the
// audit itself.
var errTokensFlagged = errors.New("the audit flagged tokens")

// incompleteError ends a read-only command that could not read some
// connections: it finished, but its answer is partial.
type incompleteError struct{ msg string }

func (e *incompleteError) Error() string { return e.msg }

// errInterrupted ends a run stopped by SIGINT or SIGTERM.
var errInterrupted = console.ErrInterrupted

// partialError ends a run that finished with failed, conflicting or unknown
// connections.
type partialError struct {
	counts runlog.Counts
	report string
}

func (e *partialError) Error() string {
	msg := fmt.Sprintf("%s failed and %d conflicted", plural(e.counts.Failed, "connection"), e.counts.Conflict)
	if e.counts.Unknown > 0 {
		msg += fmt.Sprintf(", %d unknown (the write may have taken effect)", e.counts.Unknown)
	}
	return msg + "; see the report " + e.report
}

// stoppedError ends a run that stopped early after sending writes: the
// tenant is part-way, and the report says how far.
type stoppedError struct {
	err    error
	report string
}

func (e *stoppedError) Error() string {
	return fmt.Sprintf("%v\nthe report %s says which connections were written; `scim-migrate rollback --from %s` undoes them", e.err, e.report, e.report)
}

func (e *stoppedError) Unwrap() error { return e.err }

// usageError is a mistake on the command line: one line saying what is
// wrong, and a hint to --help.
type usageError struct {
	err  error
	hint string
}

func (e *usageError) Error() string { return e.err.Error() }
func (e *usageError) Unwrap() error { return e.err }

// exitCode maps the outcome of a command to its exit code; it is the only
// place that does.
func exitCode(err error) int {
	var (
		partial    *partialError
		stopped    *stoppedError
		incomplete *incompleteError
	)
	switch {
	case err == nil:
		return ExitOK
	case errors.As(err, &stopped):
		return ExitStopped
	case errors.Is(err, errPlanHasChanges), errors.Is(err, errTokensFlagged):
		return ExitChanges
	case errors.Is(err, errInterrupted):
		return ExitInterrupted
	case errors.As(err, &partial), errors.As(err, &incomplete):
		return ExitPartial
	default:
		return ExitError
	}
}

// silent reports whether an outcome needs no message on stderr.
func silent(err error) bool {
	return err == nil || errors.Is(err, errPlanHasChanges) || errors.Is(err, errTokensFlagged)
}
