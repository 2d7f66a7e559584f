package console

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"sync/atomic"

	"github.com/scim-migrate/scim-migrate/internal/execute"
)

// Stage is how far a command has gone towards writing, which decides what
// an interrupt tells: a read-only command (plan, export, validate, tokens
// audit, any --dry-run) says nothing about writes.
type Stage int32

const (
	StageReadOnly    Stage = iota // the command writes nothing
	StageBeforeWrite              // a writing command, before its run starts
	StageWriting                  // the run is sending writes
)

// Reached holds a command's Stage: the command moves it on, the signal's
// goroutine reads it.
type Reached struct{ v atomic.Int32 }

// Store records that the command has reached s.
func (r *Reached) Store(s Stage) { r.v.Store(int32(s)) }

// Load is the stage the command has reached.
func (r *Reached) Load() Stage { return Stage(r.v.Load()) }

// Interrupts turns a stream of signals into the two-stage stop a writing run
// needs: the first closes the returned channel (no new writes; those in
// flight finish and are recorded), the second cancels the returned context
// (stop at once; the write-ahead report keeps that safe).
func Interrupts(parent context.Context, signals <-chan os.Signal, notice func()) (context.Context, <-chan struct{}, context.CancelFunc) {
	ctx, cancel := context.WithCancel(parent)
	stop := make(chan struct{})
	go func() {
		select {
		case <-signals:
		case <-ctx.Done():
			return
		}
		// Said before anything reacts to the stop, so that the notice is
		// never lost to a command that then ends at once.
		notice()
		close(stop)
		select {
		case <-signals:
			cancel()
		case <-ctx.Done():
		}
	}()
	return ctx, stop, cancel
}

// ReadOnlyContext is the context of work that writes nothing (reading,
// planning): it ends at the first interrupt (stop closed) already, since
// there is nothing to finish, and so does a wait for an access token under
// it, and the token request itself when nothing else waits for it (see
// auth0api.accessTokens).
func ReadOnlyContext(ctx context.Context, stop <-chan struct{}) context.Context {
	ctx, cancel := context.WithCancel(ctx)
	go func() {
		defer cancel()
		select {
		case <-stop:
		case <-ctx.Done():
		}
	}()
	return ctx
}

// Interrupted reports an error caused by an interrupt as the interrupt,
// saying that nothing was written when the command, at stage s, writes.
func Interrupted(ctx context.Context, err error, s Stage) error {
	if err == nil || ctx.Err() == nil || !errors.Is(err, context.Canceled) {
		return err
	}
	if s == StageReadOnly {
		return execute.ErrInterrupted
	}
	return fmt.Errorf("%w before anything was written", execute.ErrInterrupted)
}

// NoticeInterrupt tells the person at the terminal, or the log (jsonLogs:
// w carries JSON lines only), that the first interrupt was taken, by stage.
func NoticeInterrupt(w io.Writer, jsonLogs bool, s Stage) {
	msg := interruptNotice(s)
	if jsonLogs {
		slog.New(slog.NewJSONHandler(w, nil)).Warn(msg)
		return
	}
	fmt.Fprintln(w, msg)
}

// interruptNotice is what the first interrupt tells, by stage.
func interruptNotice(s Stage) string {
	switch s {
	case StageWriting:
		return "Interrupted: no new write is sent; finishing the writes in flight; interrupt again to stop at once."
	case StageBeforeWrite:
		return "Interrupted: stopping; nothing was written."
	}
	return "Interrupted: stopping."
}
