package console

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"strings"
	"testing"
	"testing/synctest"

	"github.com/scim-migrate/scim-migrate/internal/execute"
)

// The first signal says so and closes stop; only the second cancels.
func TestInterrupts_twoStages(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		signals := make(chan os.Signal, 2)
		noticed := 0
		ctx, stop, cancel := Interrupts(context.Background(), signals, func() { noticed++ })
		defer cancel()
		signals <- os.Interrupt
		synctest.Wait()
		select {
		case <-stop:
		default:
			t.Fatal("the first interrupt did not close stop")
		}
		if noticed != 1 || ctx.Err() != nil {
			t.Fatalf("after the first interrupt: %d notices, context %v", noticed, ctx.Err())
		}
		signals <- os.Interrupt
		synctest.Wait()
		if ctx.Err() == nil || noticed != 1 {
			t.Fatalf("after the second interrupt: %d notices, context %v", noticed, ctx.Err())
		}
	})
}

func TestReadOnlyContext_endsAtTheFirstInterrupt(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		stop := make(chan struct{})
		ctx := ReadOnlyContext(context.Background(), stop)
		synctest.Wait()
		if ctx.Err() != nil {
			t.Fatal("ended before the interrupt")
		}
		close(stop)
		synctest.Wait()
		if !errors.Is(ctx.Err(), context.Canceled) {
			t.Fatalf("context %v after the interrupt", ctx.Err())
		}
	})
}

func TestInterrupted(t *testing.T) {
	cancelled, cancel := context.WithCancel(context.Background())
	cancel()
	wrapped := fmt.Errorf("read: %w", context.Canceled)
	other := errors.New("refused")
	tests := []struct {
		ctx   context.Context
		err   error
		stage Stage
		want  string
	}{
		{cancelled, nil, StageReadOnly, ""},
		{cancelled, other, StageReadOnly, "refused"},
		{context.Background(), wrapped, StageReadOnly, "read: context canceled"},
		{cancelled, wrapped, StageReadOnly, "interrupted"},
		{cancelled, wrapped, StageBeforeWrite, "interrupted before anything was written"},
	}
	for _, tt := range tests {
		got := Interrupted(tt.ctx, tt.err, tt.stage)
		if fmt.Sprint(got) != tt.want && !(got == nil && tt.want == "") {
			t.Errorf("Interrupted(%v, stage %d) = %v, want %q", tt.err, tt.stage, got, tt.want)
		}
		if tt.want != "" && strings.HasPrefix(tt.want, "interrupted") != errors.Is(got, execute.ErrInterrupted) {
			t.Errorf("Interrupted(%v, stage %d) = %v: is execute.ErrInterrupted %v", tt.err, tt.stage, got, errors.Is(got, execute.ErrInterrupted))
		}
	}
}

func TestNoticeInterrupt(t *testing.T) {
	tests := []struct {
		stage    Stage
		jsonLogs bool
		want     string
	}{
		{StageReadOnly, false, "Interrupted: stopping.\n"},
		{StageBeforeWrite, false, "Interrupted: stopping; nothing was written.\n"},
		{StageWriting, false, "Interrupted: no new write is sent; finishing the writes in flight; interrupt again to stop at once.\n"},
		{StageReadOnly, true, `"level":"WARN","msg":"Interrupted: stopping."}`},
	}
	for _, tt := range tests {
		var w bytes.Buffer
		NoticeInterrupt(&w, tt.jsonLogs, tt.stage)
		if got := w.String(); tt.jsonLogs && !strings.HasSuffix(strings.TrimSpace(got), tt.want) || !tt.jsonLogs && got != tt.want {
			t.Errorf("stage %d, JSON %v: %q, want %q", tt.stage, tt.jsonLogs, got, tt.want)
		}
	}
}

func TestReached(t *testing.T) {
	var r Reached
	if r.Load() != StageReadOnly {
		t.Fatalf("a command starts at %d", r.Load())
	}
	r.Store(StageWriting)
	if r.Load() != StageWriting {
		t.Fatalf("stored %d, loaded %d", StageWriting, r.Load())
	}
}
