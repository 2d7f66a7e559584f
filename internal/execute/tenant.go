package execute

import (
	"context"
	"errors"

	"github.com/scim-migrate/scim-migrate/internal/plan"
	"github.com/scim-migrate/scim-migrate/internal/scim"
)

// Tenant is what a run needs of the tenant: read one connection's SCIM
// configuration, and write one.
type Tenant interface {
	// Read reads a connection's configuration now: nil when it has none;
	// found is false when the connection does not exist.
	Read(ctx context.Context, id string) (cfg *scim.Config, found bool, err error)
	// Write makes one write. It returns nil only when the tenant's answer
	// shows the connection in the state asked for. A write that may have
	// reached the tenant although it failed (a 5xx, a lost answer) is an
	// *UncertainError; one that every other connection would meet too is a
	// *FatalError.
	Write(ctx context.Context, w Write) error
}

// Write is one write to one connection.
type Write struct {
	ConnectionID string
	// Action is create, update or delete.
	Action plan.Action
	// After is the configuration to write; nil for a delete.
	After *scim.Config
}

// FatalError is a failure every other connection of the run would meet too
// (a refused token, a missing scope): it stops the whole run instead of
// failing each connection in turn.
type FatalError struct {
	Err  error
	Hint string
}

func (e *FatalError) Error() string {
	if e.Hint == "" {
		return e.Err.Error()
	}
	return e.Err.Error() + "; " + e.Hint
}

func (e *FatalError) Unwrap() error { return e.Err }

// IsFatal reports whether err stops the whole run.
func IsFatal(err error) bool {
	var f *FatalError
	return errors.As(err, &f)
}

// UncertainError is a failed write that may still have changed the tenant:
// the tenant failed (5xx), the answer was lost, or a create was refused
// because an earlier attempt of it had already succeeded. The run reads the
// connection back before calling it failed.
type UncertainError struct{ Err error }

func (e *UncertainError) Error() string { return e.Err.Error() }
func (e *UncertainError) Unwrap() error { return e.Err }

func isUncertain(err error) bool {
	var u *UncertainError
	return errors.As(err, &u)
}
