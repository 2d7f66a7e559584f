package execute

import (
	"errors"
	"slices"
	"strings"
	"testing"

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
	mergeTask := Task{Action: plan.ActionUpdate, Expect: planned, After: merged, Asked: asked, Moved: MovedSincePlan}
	replaceTask := Task{Action: plan.ActionUpdate, Expect: planned, After: cfgNew, Moved: MovedSincePlan}
	createTask := Task{Action: plan.ActionCreate, After: cfgNew, Moved: MovedSincePlan}
	for _, tc := range []struct {
		name    string
		task    Task
		fresh   Fresh
		force   bool
		action  plan.Action
		after   *scim.Config
		outcome runlog.Status
	}{
		{"unmoved: as planned", replaceTask, Fresh{Found: true, Config: planned}, false, plan.ActionUpdate, cfgNew, ""},
		{"gone", replaceTask, Fresh{}, false, plan.ActionNone, cfgNew, runlog.StatusConflict},
		{"moved, replace: conflict", replaceTask, Fresh{Found: true, Config: moved}, false, plan.ActionNone, cfgNew, runlog.StatusConflict},
		{"moved, replace, force: written", replaceTask, Fresh{Found: true, Config: moved}, true, plan.ActionUpdate, cfgNew, ""},
		{"moved to the target: unchanged", replaceTask, Fresh{Found: true, Config: cfgNew}, false, plan.ActionNone, cfgNew, runlog.StatusUnchanged},
		{"moved, merge: merged onto it", mergeTask, Fresh{Found: true, Config: moved}, false, plan.ActionUpdate, plan.Merge(asked, moved), ""},
		{"moved, merge, already there: unchanged", mergeTask, Fresh{Found: true, Config: plan.Merge(asked, moved)}, false, plan.ActionNone, plan.Merge(asked, moved), runlog.StatusUnchanged},
		{"merge onto a deleted configuration: conflict", mergeTask, Fresh{Found: true}, false, plan.ActionNone, merged, runlog.StatusConflict},
		{"create, someone created one: conflict", createTask, Fresh{Found: true, Config: planned}, false, plan.ActionNone, cfgNew, runlog.StatusConflict},
		{"create, unmoved", createTask, Fresh{Found: true}, false, plan.ActionCreate, cfgNew, ""},
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
		{Conn: scim.Connection{ID: "con_1"}, Action: plan.ActionUpdate, Expect: planned, After: plan.Merge(asked, planned), Asked: asked, Moved: MovedSincePlan},
		{Conn: scim.Connection{ID: "con_2"}, Action: plan.ActionUpdate, Expect: planned, After: cfgNew, Moved: MovedSincePlan},
		{Conn: scim.Connection{ID: "con_3"}, Action: plan.ActionUpdate, Expect: planned, After: cfgNew, Moved: MovedSincePlan},
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

func TestExecute_readsAgainInBatchesInIDOrder(t *testing.T) {
	state := map[string]*scim.Config{}
	var tasks []Task
	for _, id := range []string{"con_e", "con_b", "con_d", "con_a", "con_c"} {
		state[id] = cfgOld
		tasks = append(tasks, writeTask(id, plan.ActionUpdate, cfgOld, cfgNew))
	}
	f := newFake(state)
	out := runTasks(t, f, &memRecorder{}, tasks, Options{Concurrency: 1, Batch: func() int { return 2 }})
	want := [][]string{{"con_a", "con_b"}, {"con_c", "con_d"}, {"con_e"}}
	if !slices.EqualFunc(f.reads, want, slices.Equal[[]string]) || out.Rereads != 3 || out.Counts.Applied != 5 {
		t.Fatalf("reads %v, outcome %+v", f.reads, out)
	}
	if out.ReadAge <= 0 || out.WritesSent != 5 || out.WritesConfirmed != 5 {
		t.Errorf("outcome %+v", out)
	}
}

func TestExecute_unreadableBatch(t *testing.T) {
	f := newFake(map[string]*scim.Config{"con_1": cfgOld, "con_2": cfgOld, "con_3": cfgOld})
	f.readErr[1] = errors.New("503 Service Unavailable")
	tasks := []Task{
		writeTask("con_1", plan.ActionUpdate, cfgOld, cfgNew),
		writeTask("con_2", plan.ActionUpdate, cfgOld, cfgNew),
		writeTask("con_3", plan.ActionUpdate, cfgOld, cfgNew),
	}
	rec := &memRecorder{}
	out := runTasks(t, f, rec, tasks, Options{Batch: func() int { return 2 }})
	if out.Counts != (runlog.Counts{Applied: 1, Failed: 2}) || out.Fatal != nil || len(f.writes) != 1 {
		t.Fatalf("outcome %+v, writes %v", out, f.written())
	}
	if r, _ := rec.resultOf("con_1"); !strings.Contains(r.Error, "not written: could not read the connection just before writing it: 503") {
		t.Errorf("result %+v", r)
	}
	fatal := newFake(map[string]*scim.Config{"con_1": cfgOld, "con_2": cfgOld})
	fatal.readErr[1] = &FatalError{Err: errors.New("403 Forbidden")}
	out = runTasks(t, fatal, &memRecorder{}, tasks[:2], Options{})
	if !IsFatal(out.Fatal) || out.Counts.Skipped != 2 || out.WritesSent != 0 {
		t.Errorf("a fatal read stops the run before any write: %+v", out)
	}
}
