package execute

import (
	"context"
	"errors"

	"github.com/scim-migrate/scim-migrate/internal/plan"
	"github.com/scim-migrate/scim-migrate/internal/scim"
)

// Tenant is what a run needs of the tenant: read the current configuration
// of some connections, and write one.
type Tenant interface {
	// Read reads the configurations of the given connections (sorted by
	// id) now, with as few requests as the tenant allows. Every id is in the
	// answer.
	Read(ctx context.Context, ids []string) (map[string]Fresh, error)
	// Write makes one write. It returns nil only when the tenant's answer
	// shows the connection in the state asked for. A write that never left
	// (the run was interrupted while it waited its turn) is ErrNotSent; one
	// that may have reached the tenant although it failed (a 5xx, a lost
	// answer) is an *UncertainError; one that every other connection would
	// meet too is a *FatalError.
	Write(ctx context.Context, w Write) error
}

// Fresh is a connection's state as just read.
type Fresh struct {
	// Found is false when the connection does not exist.
	Found bool
	// Config is nil when the connection has no SCIM configuration.
	Config *scim.Config
}

// Write is one write to one connection.
type Write struct {
	ConnectionID string
	// Action is create, update or delete.
	Action plan.Action
	// After is the configuration to write; nil for a delete.
	After *scim.Config
}

// ErrNotSent is a write the run gave up before its request left: after the
// first interrupt, a write still waiting for the rate limiter is not sent.
var ErrNotSent = errors.New("not sent")

// stopKey carries the first-interrupt channel of a write's context.
type stopKey struct{}

// WithStop returns a context whose requests must not leave once stop is
// closed: the transport stops waiting at once and answers ErrNotSent, and
// reads the channel itself at the moment a request's turn is granted, so
// that no request leaves after the close. A request already sent is not
// affected, so a write in flight finishes.
func WithStop(ctx context.Context, stop <-chan struct{}) context.Context {
	return context.WithValue(ctx, stopKey{}, stop)
}

// StopOf returns the channel WithStop attached, or nil.
func StopOf(ctx context.Context) <-chan struct{} {
	stop, _ := ctx.Value(stopKey{}).(<-chan struct{})
	return stop
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
// connection back before saying how it ended.
type UncertainError struct{ Err error }

func (e *UncertainError) Error() string { return e.Err.Error() }
func (e *UncertainError) Unwrap() error { return e.Err }

func isUncertain(err error) bool {
	var u *UncertainError
	return errors.As(err, &u)
}
