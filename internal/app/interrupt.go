package app

import (
	"context"
	"errors"
	"fmt"
	"os"
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
		close(stop)
		notice()
		select {
		case <-signals:
			cancel()
		case <-ctx.Done():
		}
	}()
	return ctx, stop, cancel
}

// readOnlyContext is the context of work that writes nothing (reading, planning):
// it ends at the first interrupt already, since there is nothing to finish.
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
	if err != nil && ctx.Err() != nil && errors.Is(err, context.Canceled) {
		return fmt.Errorf("%w before anything was written", errInterrupted)
	}
	return err
}
