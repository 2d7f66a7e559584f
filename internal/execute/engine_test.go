package execute

import (
	"context"
	"errors"
	"fmt"
	"math"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/scim-migrate/scim-migrate/internal/plan"
	"github.com/scim-migrate/scim-migrate/internal/runlog"
	"github.com/scim-migrate/scim-migrate/internal/scim"
	"github.com/scim-migrate/scim-migrate/internal/scim/scimtest"
)

var (
	cfgOld = scimtest.Config("userName", "a", "1")
	cfgNew = scimtest.Config("userName", "a", "2")
)

func writeTask(id string, action plan.Action, before, after *scim.Config) Task {
	return Task{Conn: scim.Connection{ID: id, Name: "n-" + id, Strategy: "okta"}, Action: action, Expect: before, After: after, ConflictIfMoved: MovedSincePlan}
}

func runTasks(t *testing.T, tenant Tenant, rec *memRecorder, tasks []Task, opts Options) Totals {
	t.Helper()
	opts.Recorder = rec
	if opts.Concurrency == 0 {
		opts.Concurrency = 2
	}
	if opts.Stop == nil {
		opts.Stop = make(chan struct{})
	}
	out := Execute(context.Background(), tenant, tasks, opts)
	if got := len(rec.results); got != len(tasks) && rec.resultErr == nil {
		t.Fatalf("%d results for %d tasks", got, len(tasks))
	}
	return out
}

func TestExecute_writesAfterTheirIntent(t *testing.T) {
	f := newFake(map[string]*scim.Config{"con_1": cfgOld, "con_2": nil, "con_3": cfgOld})
	rec := &memRecorder{}
	f.beforeWrite = func(w Write) {
		if !rec.hasIntent(w.ConnectionID) {
			t.Errorf("write to %s sent before its intent was recorded", w.ConnectionID)
		}
	}
	obs := &observer{}
	tasks := []Task{
		writeTask("con_1", plan.ActionUpdate, cfgOld, cfgNew),
		writeTask("con_2", plan.ActionCreate, nil, cfgNew),
		writeTask("con_3", plan.ActionDelete, cfgOld, nil),
	}
	out := runTasks(t, f, rec, tasks, Options{RunOptions: RunOptions{Observer: obs}})
	if out.Counts != (runlog.Counts{Applied: 3}) || out.Fatal != nil || out.Interrupted {
		t.Fatalf("outcome %+v", out)
	}
	if obs.n.Load() != 3 {
		t.Errorf("observer told %d times", obs.n.Load())
	}
	for _, task := range tasks {
		r, err := rec.resultOf(task.Conn.ID)
		if err != nil || r.Status != runlog.StatusApplied || r.Action != task.Action || r.ConnectionName != task.Conn.Name {
			t.Errorf("%s: %+v %v", task.Conn.ID, r, err)
		}
		if !f.state[task.Conn.ID].Equal(task.After) {
			t.Errorf("%s not in its after state", task.Conn.ID)
		}
	}
	if len(rec.intents) != 3 || !rec.intents[0].Before.Equal(tasks[0].Expect) && !rec.intents[1].Before.Equal(tasks[0].Expect) {
		t.Errorf("intents %+v", rec.intents)
	}
}

func TestExecute_decidedOutcomesSendNothing(t *testing.T) {
	f := newFake(map[string]*scim.Config{"con_1": cfgOld})
	rec := &memRecorder{}
	tasks := []Task{
		{Conn: scim.Connection{ID: "con_1"}, Outcome: runlog.StatusConflict, Note: "drifted"},
		{Conn: scim.Connection{ID: "con_2"}, Outcome: runlog.StatusUnchanged},
		{Conn: scim.Connection{ID: "con_3"}, Outcome: runlog.StatusSkipped, Note: "missing"},
		{Conn: scim.Connection{Name: "gone"}, Outcome: runlog.StatusFailed, Note: "no connection named gone"},
	}
	out := runTasks(t, f, rec, tasks, Options{})
	if out.Counts != (runlog.Counts{Unchanged: 1, Failed: 1, Conflict: 1, Skipped: 1}) {
		t.Fatalf("counts %+v", out.Counts)
	}
	if len(f.writes) != 0 || len(rec.intents) != 0 {
		t.Fatalf("writes %v, intents %v", f.writes, rec.intents)
	}
	if r, _ := rec.resultOf("con_1"); r.Error != "drifted" {
		t.Errorf("the note is lost: %+v", r)
	}
}

func TestExecute_failedWrites(t *testing.T) {
	lost := &UncertainError{Err: errors.New("failed to send the request: EOF")}
	for _, tc := range []struct {
		name      string
		err       error
		landed    bool
		readErr   error
		want      runlog.Status
		wantReads int
		sent      int
	}{
		{"rejected: failed, not read back", errRejected, false, nil, runlog.StatusFailed, 1, 0},
		{"lost answer, landed: read back, applied", lost, true, nil, runlog.StatusApplied, 2, 1},
		{"lost answer, not landed: read back, failed", lost, false, nil, runlog.StatusFailed, 2, 1},
		{"lost answer, read back fails: unknown", lost, true, errors.New("503 Service Unavailable"), runlog.StatusUnknown, 2, 1},
		{"never sent: skipped", fmt.Errorf("%w: context canceled", ErrNotSent), false, nil, runlog.StatusSkipped, 1, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := newFake(map[string]*scim.Config{"con_1": cfgOld})
			f.writeErr["con_1"], f.landed["con_1"] = tc.err, tc.landed
			if tc.readErr != nil {
				f.readErr[2] = tc.readErr
			}
			rec := &memRecorder{}
			out := runTasks(t, f, rec, []Task{writeTask("con_1", plan.ActionUpdate, cfgOld, cfgNew)}, Options{})
			r, _ := rec.resultOf("con_1")
			if r.Status != tc.want || len(f.reads) != tc.wantReads || out.Fatal != nil || out.WritesSent != tc.sent {
				t.Fatalf("result %+v, reads %v, outcome %+v", r, f.reads, out)
			}
			if r.NotSent != errors.Is(tc.err, ErrNotSent) {
				t.Errorf("not_sent %v", r.NotSent)
			}
			if tc.want != runlog.StatusApplied && r.Error == "" {
				t.Errorf("no reason given: %+v", r)
			}
			if out.WritesConfirmed != map[bool]int{true: 1}[tc.want == runlog.StatusApplied] {
				t.Errorf("confirmed %d", out.WritesConfirmed)
			}
		})
	}
}

func TestExecute_stoppedAtOnceLeavesWritesInFlightUnknown(t *testing.T) {
	f := newFake(map[string]*scim.Config{"con_1": cfgOld})
	ctx, cancel := context.WithCancel(context.Background())
	f.writeErr["con_1"], f.landed["con_1"] = &UncertainError{Err: context.Canceled}, true
	f.beforeWrite = func(Write) { cancel() } // the second interrupt, while the write is in flight
	rec := &memRecorder{}
	out := Execute(ctx, f, []Task{writeTask("con_1", plan.ActionUpdate, cfgOld, cfgNew)},
		Options{RunOptions: RunOptions{Concurrency: 1, Recorder: rec, Stop: make(chan struct{})}})
	r, _ := rec.resultOf("con_1")
	if r.Status != runlog.StatusUnknown || !strings.Contains(r.Error, "may have taken effect") || len(f.reads) != 1 {
		t.Fatalf("result %+v, reads %v", r, f.reads)
	}
	if !out.Stopped || !out.Interrupted || out.Counts.Unknown != 1 || out.WritesSent != 1 {
		t.Errorf("outcome %+v", out)
	}
}

func TestExecute_fatalErrorStopsTheRun(t *testing.T) {
	state := map[string]*scim.Config{}
	var tasks []Task
	for _, id := range []string{"con_1", "con_2", "con_3", "con_4", "con_5"} {
		state[id] = cfgOld
		tasks = append(tasks, writeTask(id, plan.ActionUpdate, cfgOld, cfgNew))
	}
	f := newFake(state)
	fatal := &FatalError{Err: errors.New("403 Forbidden: Insufficient scope"), Hint: "grant update:scim_config"}
	f.writeErr["con_1"] = fatal
	rec := &memRecorder{}
	out := runTasks(t, f, rec, tasks, Options{RunOptions: RunOptions{Concurrency: 1}})
	if !errors.Is(out.Fatal, fatal) || out.Interrupted {
		t.Fatalf("outcome %+v", out)
	}
	if out.Counts != (runlog.Counts{Failed: 1, Skipped: 4}) || len(f.writes) != 1 {
		t.Fatalf("counts %+v, writes %v", out.Counts, f.written())
	}
	r, _ := rec.resultOf("con_5")
	if !strings.Contains(r.Error, "not started: the run stopped: 403") {
		t.Errorf("a connection not started must say why: %+v", r)
	}
	if !strings.Contains(fatal.Error(), "; grant update:scim_config") || !IsFatal(fatal) || IsFatal(errRejected) {
		t.Errorf("fatal error %q", fatal)
	}
}

func TestExecute_unwritableIntentStopsBeforeTheWrite(t *testing.T) {
	f := newFake(map[string]*scim.Config{"con_1": cfgOld, "con_2": cfgOld, "con_3": cfgOld})
	rec := &memRecorder{intentErr: errors.New("no space left on device"), failAfter: 1}
	tasks := []Task{
		writeTask("con_1", plan.ActionUpdate, cfgOld, cfgNew),
		writeTask("con_2", plan.ActionUpdate, cfgOld, cfgNew),
		writeTask("con_3", plan.ActionUpdate, cfgOld, cfgNew),
	}
	out := runTasks(t, f, rec, tasks, Options{RunOptions: RunOptions{Concurrency: 1}})
	if out.Fatal == nil || !strings.Contains(out.Fatal.Error(), "record intent for con_2: no space left") {
		t.Fatalf("outcome %+v", out)
	}
	if got := f.written(); len(got) != 1 || got[0] != "con_1" {
		t.Fatalf("writes %v: a write without a durable intent was sent", got)
	}
	if r, _ := rec.resultOf("con_2"); r.Status != runlog.StatusFailed || !strings.HasPrefix(r.Error, "not written: ") {
		t.Errorf("result %+v", r)
	}
	if out.Counts != (runlog.Counts{Applied: 1, Failed: 1, Skipped: 1}) {
		t.Errorf("counts %+v", out.Counts)
	}
}

func TestExecute_unwritableResultIsFatal(t *testing.T) {
	f := newFake(map[string]*scim.Config{"con_1": cfgOld})
	rec := &memRecorder{resultErr: errors.New("read-only file system")}
	out := runTasks(t, f, rec, []Task{writeTask("con_1", plan.ActionUpdate, cfgOld, cfgNew)}, Options{})
	if out.Fatal == nil || !strings.Contains(out.Fatal.Error(), "record result of con_1") {
		t.Fatalf("outcome %+v", out)
	}
}

func TestExecute_interrupted(t *testing.T) {
	f := newFake(map[string]*scim.Config{"con_1": cfgOld, "con_2": cfgOld})
	stop := make(chan struct{})
	close(stop)
	rec := &memRecorder{}
	out := runTasks(t, f, rec, []Task{
		writeTask("con_1", plan.ActionUpdate, cfgOld, cfgNew),
		{Conn: scim.Connection{ID: "con_2"}, Outcome: runlog.StatusUnchanged},
	}, Options{RunOptions: RunOptions{Stop: stop}})
	if !out.Interrupted || out.Counts != (runlog.Counts{Unchanged: 1, Skipped: 1}) || len(f.writes) != 0 {
		t.Fatalf("outcome %+v, writes %v", out, f.written())
	}
	if r, _ := rec.resultOf("con_1"); !strings.Contains(r.Error, "interrupted") {
		t.Errorf("result %+v", r)
	}
}

func TestExecute_cancelledContextLeavesTheRestNotStarted(t *testing.T) {
	f := newFake(map[string]*scim.Config{"con_1": cfgOld, "con_2": cfgOld})
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	rec := &memRecorder{}
	out := Execute(ctx, f, []Task{
		writeTask("con_1", plan.ActionUpdate, cfgOld, cfgNew),
		{Conn: scim.Connection{ID: "con_2"}, Outcome: runlog.StatusConflict, Note: "drifted"},
	}, Options{RunOptions: RunOptions{Concurrency: 1, Recorder: rec, Stop: make(chan struct{})}})
	if !out.Interrupted || out.Fatal != nil || len(rec.results) != 2 {
		t.Fatalf("outcome %+v, results %+v", out, rec.results)
	}
	if r, _ := rec.resultOf("con_2"); r.Status != runlog.StatusConflict {
		t.Errorf("a decided outcome keeps its status when not started: %+v", r)
	}
}

func TestExecute_countsAttempts(t *testing.T) {
	f := newFake(map[string]*scim.Config{"con_1": cfgOld})
	rec := &memRecorder{}
	attempts := func(ctx context.Context) (context.Context, *atomic.Int32) {
		n := new(atomic.Int32)
		n.Store(3)
		return ctx, n
	}
	runTasks(t, f, rec, []Task{writeTask("con_1", plan.ActionUpdate, cfgOld, cfgNew)}, Options{RunOptions: RunOptions{Attempts: attempts}})
	if r, _ := rec.resultOf("con_1"); r.Attempts != 3 {
		t.Errorf("attempts %d", r.Attempts)
	}
}

func TestForEach_boundsConcurrencyAndStopsAtTheFirstError(t *testing.T) {
	var running, peak atomic.Int32
	err := ForEach(context.Background(), 50, 3, func(context.Context, int) error {
		n := running.Add(1)
		for {
			p := peak.Load()
			if n <= p || peak.CompareAndSwap(p, n) {
				break
			}
		}
		running.Add(-1)
		return nil
	})
	if err != nil || peak.Load() > 3 || peak.Load() < 1 {
		t.Fatalf("err %v, peak %d", err, peak.Load())
	}
	var calls atomic.Int32
	boom := errors.New("boom")
	err = ForEach(context.Background(), 50, 1, func(_ context.Context, i int) error {
		calls.Add(1)
		if i == 2 {
			return boom
		}
		return nil
	})
	if !errors.Is(err, boom) || calls.Load() > 4 {
		t.Fatalf("err %v after %d calls", err, calls.Load())
	}
}

// TestTake: a page holds at most pageWindow of writes at the pace, at the
// density of pending writes among the listed configurations.
func TestTake(t *testing.T) {
	for _, tc := range []struct {
		pace         float64
		listed, rest int
		want         int
	}{{16, 100, 500, 100}, {2, 40, 200, 30}, {2, 200, 200, 6}, {0.5, 10, 100, 15}, {0, 10, 100, 60}, {math.Inf(1), 1, 1, 100}, {0.01, 100, 100, 1}} {
		r := &run{opts: Options{Pace: func() float64 { return tc.pace }}}
		if got := r.take(tc.listed, tc.rest); got != tc.want {
			t.Errorf("take at %v with %d of %d = %d, want %d", tc.pace, tc.listed, tc.rest, got, tc.want)
		}
	}
}
