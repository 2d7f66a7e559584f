package app

import (
	"context"
	"errors"
	"fmt"
	"os"
)

// stage is how far a command has gone towards writing, which decides what
// an interrupt tells: a read-only command (plan, export, validate, tokens
// audit, any --dry-run) says nothing about writes.
type stage = int32 // an atomic.Int32's value (env.stage)

const (
	stageReadOnly    stage = iota // the command writes nothing
	stageBeforeWrite              // a writing command, before its run starts
	stageWriting                  // the run is sending writes
)

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

// readOnlyContext is the context of work that writes nothing (reading, planning):
// it ends at the first interrupt already, since there is nothing to finish,
// and so does a wait for an access token under it, and the token request
// itself when nothing else waits for it (see auth0api.accessTokens).
func (e *env) readOnlyContext(ctx context.Context) context.Context {
	ctx, cancel := context.WithCancel(ctx)
	go func() {
		defer cancel()
		select {
		case <-e.deps.Stop:
		case <-ctx.Done():
		}
	}()
	return ctx
}

// interrupted reports an error caused by an interrupt as the interrupt.
func (e *env) interrupted(ctx context.Context, err error) error {
	if err == nil || ctx.Err() == nil || !errors.Is(err, context.Canceled) {
		return err
	}
	if e.stage.Load() == stageReadOnly {
		return errInterrupted
	}
	return fmt.Errorf("%w before anything was written", errInterrupted)
}

// interruptNotice is what the first interrupt tells, by stage.
func interruptNotice(s stage) string {
	switch s {
	case stageWriting:
		return "Interrupted: no new write is sent; finishing the writes in flight; interrupt again to stop at once."
	case stageBeforeWrite:
		return "Interrupted: stopping; nothing was written."
	}
	return "Interrupted: stopping."
}
