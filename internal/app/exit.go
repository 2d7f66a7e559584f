package app

import (
	"errors"

	"github.com/scim-migrate/scim-migrate/internal/execute"
	"github.com/scim-migrate/scim-migrate/internal/session"
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

// exitCode maps the outcome of a command to its exit code; it is the only
// place that does.
func exitCode(err error) int {
	var (
		partial    *session.PartialError
		stopped    *session.StoppedError
		incomplete *incompleteError
	)
	switch {
	case err == nil:
		return ExitOK
	case errors.As(err, &stopped):
		return ExitStopped
	case errors.Is(err, errPlanHasChanges), errors.Is(err, errTokensFlagged):
		return ExitChanges
	case errors.Is(err, execute.ErrInterrupted):
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
