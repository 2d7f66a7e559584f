package execute

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/scim-migrate/scim-migrate/internal/plan"
	"github.com/scim-migrate/scim-migrate/internal/runlog"
	"github.com/scim-migrate/scim-migrate/internal/scim"
	"github.com/scim-migrate/scim-migrate/internal/scim/scimtest"
)

func TestDecide(t *testing.T) {
	planned := scimtest.Config("u", "a", "1", "b", "2")
	moved := scimtest.Config("u", "a", "1", "b", "2", "c", "3") // someone added c
	asked := scimtest.Config("", "a", "9")
	merged := plan.Merge(asked, planned)
	mergeTask := Task{Action: plan.ActionUpdate, Expect: planned, After: merged, Asked: asked, ConflictIfMoved: MovedSincePlan}
	replaceTask := Task{Action: plan.ActionUpdate, Expect: planned, After: cfgNew, ConflictIfMoved: MovedSincePlan}
	createTask := Task{Action: plan.ActionCreate, After: cfgNew, ConflictIfMoved: MovedSincePlan}
	for _, tc := range []struct {
		name    string
		task    Task
		fresh   ReadState
		force   bool
		action  plan.Action
		after   *scim.Config
		outcome runlog.Status
	}{
		{"unmoved: as planned", replaceTask, ReadState{Found: true, Config: planned}, false, plan.ActionUpdate, cfgNew, ""},
		{"gone", replaceTask, ReadState{}, false, plan.ActionNone, cfgNew, runlog.StatusConflict},
		{"moved, replace: conflict", replaceTask, ReadState{Found: true, Config: moved}, false, plan.ActionNone, cfgNew, runlog.StatusConflict},
		{"moved, replace, force: written", replaceTask, ReadState{Found: true, Config: moved}, true, plan.ActionUpdate, cfgNew, ""},
		{"moved to the target: unchanged", replaceTask, ReadState{Found: true, Config: cfgNew}, false, plan.ActionNone, cfgNew, runlog.StatusUnchanged},
		{"moved, merge: merged onto it", mergeTask, ReadState{Found: true, Config: moved}, false, plan.ActionUpdate, plan.Merge(asked, moved), ""},
		{"moved, merge, someone changed the key it sets: conflict", mergeTask, ReadState{Found: true, Config: scimtest.Config("u", "a", "7", "b", "2")}, false, plan.ActionNone, merged, runlog.StatusConflict},
		{"moved, merge, someone changed the key, force: merged", mergeTask, ReadState{Found: true, Config: scimtest.Config("u", "a", "7", "b", "2")}, true, plan.ActionUpdate, plan.Merge(asked, scimtest.Config("u", "a", "7", "b", "2")), ""},
		{"moved, merge, someone set the key as asked: unchanged", mergeTask, ReadState{Found: true, Config: scimtest.Config("u", "a", "9", "b", "2")}, false, plan.ActionNone, scimtest.Config("u", "a", "9", "b", "2"), runlog.StatusUnchanged},
		{"moved, merge, already there: unchanged", mergeTask, ReadState{Found: true, Config: plan.Merge(asked, moved)}, false, plan.ActionNone, plan.Merge(asked, moved), runlog.StatusUnchanged},
		{"merge onto a deleted configuration: conflict", mergeTask, ReadState{Found: true}, false, plan.ActionNone, merged, runlog.StatusConflict},
		{"create, someone created one: conflict", createTask, ReadState{Found: true, Config: planned}, false, plan.ActionNone, cfgNew, runlog.StatusConflict},
		{"create, unmoved", createTask, ReadState{Found: true}, false, plan.ActionCreate, cfgNew, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			d := decide(&tc.task, tc.fresh, tc.force)
			if d.action != tc.action || !d.after.Equal(tc.after) || d.outcome != tc.outcome {
				t.Fatalf("decision %+v", d)
			}
			if tc.fresh.Found && !d.before.Equal(tc.fresh.Config) {
				t.Errorf("before %v is not the state just read", d.before)
			}
			if d.outcome == runlog.StatusConflict && d.note == "" {
				t.Error("a conflict must say why")
			}
		})
	}
}

// TestExecute_secondWriter edits connections after the plan and before the
// run reads them again: merge-mode edits survive, replace-mode edits become
// conflicts, and every intent's before is what the write replaced.
func TestExecute_secondWriter(t *testing.T) {
	planned := scimtest.Config("u", "a", "1")
	edited := scimtest.Config("u", "a", "1", "extra", "by-someone-else")
	asked := scimtest.Config("", "b", "2")
	f := newFake(map[string]*scim.Config{"con_1": planned, "con_2": planned, "con_3": planned})
	f.beforeRead = func(ids []string) {
		if slices.Contains(ids, "con_1") {
			f.state["con_1"], f.state["con_2"] = edited.Clone(), edited.Clone()
		}
	}
	tasks := []Task{
		{Conn: scim.Connection{ID: "con_1"}, Action: plan.ActionUpdate, Expect: planned, After: plan.Merge(asked, planned), Asked: asked, ConflictIfMoved: MovedSincePlan},
		{Conn: scim.Connection{ID: "con_2"}, Action: plan.ActionUpdate, Expect: planned, After: cfgNew, ConflictIfMoved: MovedSincePlan},
		{Conn: scim.Connection{ID: "con_3"}, Action: plan.ActionUpdate, Expect: planned, After: cfgNew, ConflictIfMoved: MovedSincePlan},
	}
	rec := &memRecorder{}
	out := runTasks(t, f, rec, tasks, Options{})
	if out.Counts != (runlog.Counts{Applied: 2, Conflict: 1}) {
		t.Fatalf("counts %+v", out.Counts)
	}
	if want := plan.Merge(asked, edited); !f.state["con_1"].Equal(want) {
		t.Errorf("merge: the other writer's entry is lost: %v", f.state["con_1"])
	}
	if !f.state["con_2"].Equal(edited) {
		t.Errorf("replace: the other writer's edit was overwritten: %v", f.state["con_2"])
	}
	if r, _ := rec.resultOf("con_2"); r.Status != runlog.StatusConflict || r.Error != MovedSincePlan || !r.Before.Equal(edited) {
		t.Errorf("result %+v", r)
	}
	for _, in := range rec.intents {
		if want := map[string]*scim.Config{"con_1": edited, "con_3": planned}[in.ConnectionID]; !in.Before.Equal(want) {
			t.Errorf("intent of %s: before %v, want the state the write replaced %v", in.ConnectionID, in.Before, want)
		}
	}
	forced := newFake(map[string]*scim.Config{"con_2": edited})
	out = runTasks(t, forced, &memRecorder{}, tasks[1:2], Options{Force: true})
	if out.Counts.Applied != 1 || !forced.state["con_2"].Equal(cfgNew) {
		t.Errorf("--force writes over the edit: %+v", out.Counts)
	}
}

// clock is a test clock that moves only when told.
type clock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *clock) advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

// listedTenant is a fake of n configured connections con_00..., the first
// changed of them to be updated, and their tasks.
func listedTenant(n, changed int) (*fakeTenant, []Task) {
	state := map[string]*scim.Config{}
	var tasks []Task
	for k := range n {
		id := fmt.Sprintf("con_%02d", k)
		state[id] = cfgOld
		if k < changed {
			tasks = append(tasks, writeTask(id, plan.ActionUpdate, cfgOld, cfgNew))
		}
	}
	return newFake(state), tasks
}

// TestExecute_walksTheListingInItsOrder: the run walks the listing from its
// start following the tenant's cursors, in whatever order it lists, writes
// each page's connections, stops once every listed pending connection was
// seen, and reads a connection to be created with one request.
func TestExecute_walksTheListingInItsOrder(t *testing.T) {
	f, tasks := listedTenant(12, 8)
	f.order = func(ids []string) { slices.Reverse(ids) } // con_11 first
	f.state["con_new"] = nil
	tasks = append(tasks, writeTask("con_new", plan.ActionCreate, nil, cfgNew))
	out := runTasks(t, f, &memRecorder{}, tasks, Options{RunOptions: RunOptions{Concurrency: 2}, Listed: 12, Take: func() int { return 3 }})
	if out.Counts.Applied != 9 || out.WritesSent != 9 {
		t.Fatalf("outcome %+v", out)
	}
	// 12 listed in reverse: the 8 pending are con_00..07, the last 8: pages
	// of 3 from the 5th on: 4 pages, then con_new on its own.
	if f.pages != 4 || !slices.Equal(f.gets, []string{"con_new"}) || out.Rereads != 5 {
		t.Errorf("%d pages, gets %v, rereads %d", f.pages, f.gets, out.Rereads)
	}
	for _, task := range tasks {
		if !f.state[task.Conn.ID].Equal(cfgNew) {
			t.Errorf("%s not written", task.Conn.ID)
		}
	}
}

// TestExecute_readsOneByOneWhenCheaperOrRefused: a listing that would cost
// more than reading each connection, an unknown listing size, and a refused
// listing all read each connection with one request, in the pool.
func TestExecute_readsOneByOneWhenCheaperOrRefused(t *testing.T) {
	for _, tc := range []struct {
		name    string
		listed  int
		listErr error
		pages   int
	}{
		{"dearer", 12, nil, 0},
		{"unknown size", 0, nil, 0},
		{"refused", 12, fmt.Errorf("403 Forbidden: %w", ErrListingRefused), 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f, tasks := listedTenant(12, 3)
			f.listErr = tc.listErr
			take := func() int { return 3 }
			if tc.listErr != nil {
				take = func() int { return 12 }
			}
			out := runTasks(t, f, &memRecorder{}, tasks, Options{RunOptions: RunOptions{Concurrency: 3}, Listed: tc.listed, Take: take})
			if out.Counts.Applied != 3 || len(f.gets) != 3 || f.pages != tc.pages {
				t.Fatalf("outcome %+v, gets %v, pages %d", out.Counts, f.gets, f.pages)
			}
		})
	}
}

// TestExecute_staleWriteIsReadAgain: a write whose turn comes more than
// ReadWindow after its read is read again first: another administrator's
// edit made meanwhile (more than the window before the write) is seen, a
// replace becomes a conflict and a merge keeps the edit; nothing is lost.
func TestExecute_staleWriteIsReadAgain(t *testing.T) {
	planned := scimtest.Config("u", "a", "1")
	edited := scimtest.Config("u", "a", "1", "extra", "by-someone-else")
	asked := scimtest.Config("", "b", "2")
	clk := &clock{now: time.Unix(1000, 0)}
	f := newFake(map[string]*scim.Config{"con_1": planned, "con_2": planned, "con_3": planned, "con_4": planned})
	tasks := []Task{
		{Conn: scim.Connection{ID: "con_1"}, Action: plan.ActionUpdate, Expect: planned, After: cfgNew, ConflictIfMoved: MovedSincePlan},
		{Conn: scim.Connection{ID: "con_2"}, Action: plan.ActionUpdate, Expect: planned, After: cfgNew, ConflictIfMoved: MovedSincePlan},
		{Conn: scim.Connection{ID: "con_3"}, Action: plan.ActionUpdate, Expect: planned, After: plan.Merge(asked, planned), Asked: asked, ConflictIfMoved: MovedSincePlan},
		{Conn: scim.Connection{ID: "con_4"}, Action: plan.ActionUpdate, Expect: planned, After: cfgNew, ConflictIfMoved: MovedSincePlan},
	}
	f.afterWrite = func(w Write) {
		if w.ConnectionID == "con_1" {
			f.mu.Lock()
			f.state["con_2"], f.state["con_3"] = edited.Clone(), edited.Clone()
			f.mu.Unlock()
			clk.advance(ReadWindow + time.Second)
		}
	}
	rec := &memRecorder{}
	out := runTasks(t, f, rec, tasks, Options{RunOptions: RunOptions{Concurrency: 1, Now: clk.Now}, Listed: 4, Take: func() int { return 4 }, Pace: func() float64 { return 1 }})
	if out.Counts != (runlog.Counts{Applied: 3, Conflict: 1}) {
		t.Fatalf("counts %+v", out.Counts)
	}
	if !f.state["con_2"].Equal(edited) || !f.state["con_3"].Equal(plan.Merge(asked, edited)) {
		t.Errorf("an edit made more than the window before the write was lost: %v %v", f.state["con_2"], f.state["con_3"])
	}
	if r, _ := rec.resultOf("con_2"); r.Status != runlog.StatusConflict || !r.NotSent {
		t.Errorf("con_2: %+v", r)
	}
	// con_1 was written in the same instant as its read; con_2..4 were all
	// read again: the longest window measured is the first write's.
	if !slices.Equal(f.gets, []string{"con_2", "con_3", "con_4"}) || out.ReadAge != 0 {
		t.Errorf("gets %v, read age %v", f.gets, out.ReadAge)
	}
	// The rollback of the run restores what each write replaced: the last
	// intent of con_3 has the edit as its before.
	var last runlog.Intent
	for _, in := range rec.intents {
		if in.ConnectionID == "con_3" {
			last = in
		}
	}
	if !last.Before.Equal(edited) {
		t.Errorf("con_3's last intent: before %v", last.Before)
	}
}

func TestExecute_unreadableConnection(t *testing.T) {
	f := newFake(map[string]*scim.Config{"con_1": cfgOld, "con_2": cfgOld, "con_3": cfgOld})
	f.readErr[1] = errors.New("503 Service Unavailable")
	tasks := []Task{
		writeTask("con_1", plan.ActionUpdate, cfgOld, cfgNew),
		writeTask("con_2", plan.ActionUpdate, cfgOld, cfgNew),
		writeTask("con_3", plan.ActionUpdate, cfgOld, cfgNew),
	}
	rec := &memRecorder{}
	out := runTasks(t, f, rec, tasks, Options{RunOptions: RunOptions{Concurrency: 1}})
	if out.Counts != (runlog.Counts{Applied: 2, Failed: 1}) || out.Fatal != nil || len(f.writes) != 2 {
		t.Fatalf("outcome %+v, writes %v", out, f.written())
	}
	if r, _ := rec.resultOf("con_1"); !strings.Contains(r.Error, "not written: could not read the connection just before writing it: 503") {
		t.Errorf("result %+v", r)
	}
	fatal := newFake(map[string]*scim.Config{"con_1": cfgOld, "con_2": cfgOld})
	fatal.readErr[1] = &FatalError{Err: errors.New("403 Forbidden")}
	out = runTasks(t, fatal, &memRecorder{}, tasks[:2], Options{RunOptions: RunOptions{Concurrency: 1}})
	if !IsFatal(out.Fatal) || out.Counts.Skipped != 2 || out.WritesSent != 0 {
		t.Errorf("a fatal read stops the run before any write: %+v", out)
	}
	listing := newFake(map[string]*scim.Config{"con_1": cfgOld, "con_2": cfgOld})
	listing.readErr[1] = &FatalError{Err: errors.New("401 Unauthorized")}
	out = runTasks(t, listing, &memRecorder{}, tasks[:2], Options{Listed: 2, Take: func() int { return 2 }})
	if !IsFatal(out.Fatal) || out.WritesSent != 0 || listing.pages != 1 {
		t.Errorf("a fatal listing page stops the run: %+v", out)
	}
}
