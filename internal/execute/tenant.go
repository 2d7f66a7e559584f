package execute

import (
	"context"
	"errors"
	"fmt"

	"github.com/scim-migrate/scim-migrate/internal/plan"
	"github.com/scim-migrate/scim-migrate/internal/scim"
)

// Tenant is what a run needs of the tenant: walk the tenant-wide listing of
// SCIM configurations page by page, read one connection, and write one.
// The listing is used only as Auth0 documents it: from its start, following
// the next values it returned, in whatever order it lists; a run never
// makes a cursor of its own.
type Tenant interface {
	// ListConfigPage reads one page of the tenant-wide SCIM configuration
	// listing: the first for an empty cursor, else the page a previous
	// page's Next points to. take is the most configurations asked for; the
	// tenant may give fewer. A tenant that refuses the listing (400, 403,
	// 404) answers an error wrapping ErrListingRefused.
	ListConfigPage(ctx context.Context, cursor string, take int) (ConfigPage, error)
	// ReadConnection reads one connection's configuration now (one request).
	ReadConnection(ctx context.Context, id string) (ReadState, error)
	// Write makes one write. It returns nil only when the tenant's answer
	// shows the connection in the state asked for. A write that never left
	// (the run was interrupted while it waited its turn, or its read grew
	// too old meanwhile: ErrStale) wraps ErrNotSent; one that may have
	// reached the tenant although it failed (a 5xx, a lost answer) is an
	// *UncertainError; one that every other connection would meet too is a
	// *FatalError. Just before the request leaves, it calls CheckSend.
	Write(ctx context.Context, w Write) error
}

// ConfigPage is one page of the tenant-wide SCIM configuration listing, in
// the tenant's order.
type ConfigPage struct {
	Configs []Listed
	// Next is the cursor of the next page; empty on the last.
	Next string
}

// Listed is one connection a listing page holds, with its configuration.
type Listed struct {
	ID     string
	Config *scim.Config
}

// ErrListingRefused is a tenant that does not serve its tenant-wide SCIM
// configuration listing (a 400, 403 or 404 answer to it): each connection
// is then read on its own.
var ErrListingRefused = errors.New("the tenant refused its SCIM configuration listing")

// ReadState is a connection's state as just read.
type ReadState struct {
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

// ErrInterrupted ends a run stopped by SIGINT or SIGTERM, whether it was
// reading or writing; the command line maps it to exit code 130.
var ErrInterrupted = errors.New("interrupted")

// WithStop returns a context whose requests must not leave once stop is
// closed: the transport stops waiting at once and answers ErrNotSent, and
// reads the channel itself at the moment a request's turn is granted, so
// that no request leaves after the close. A request already sent is not
// affected, so a write in flight finishes.
func WithStop(ctx context.Context, stop <-chan struct{}) context.Context {
	return context.WithValue(ctx, stopKey{}, stop)
}

// ErrStale is a write kept from leaving because the read it was decided on
// is older than ReadWindow by the time its turn came: the run reads the
// connection again and decides again. It wraps ErrNotSent: nothing left.
var ErrStale = fmt.Errorf("the read this write was decided on is older than %v: %w", ReadWindow, ErrNotSent)

// sendCheckKey carries a write's check of its read's age.
type sendCheckKey struct{}

// WithSendCheck returns a context whose request calls check right before
// it first leaves, after waiting its turn: an error keeps it from leaving.
// The run checks there that the read deciding the write is recent enough,
// and notes the moment the write leaves (its read-to-write window).
func WithSendCheck(ctx context.Context, check func() error) context.Context {
	return context.WithValue(ctx, sendCheckKey{}, check)
}

// CheckSend is called by the transport right before a request first
// leaves: nil when the request may go (or carries no check), else the
// error to answer without sending it (ErrStale).
func CheckSend(ctx context.Context) error {
	if check, _ := ctx.Value(sendCheckKey{}).(func() error); check != nil {
		return check()
	}
	return nil
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
