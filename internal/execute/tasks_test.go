package execute

import (
	"slices"
	"testing"
	"time"

	"github.com/scim-migrate/scim-migrate/internal/manifest"
	"github.com/scim-migrate/scim-migrate/internal/plan"
	"github.com/scim-migrate/scim-migrate/internal/runlog"
	"github.com/scim-migrate/scim-migrate/internal/scim"
	"github.com/scim-migrate/scim-migrate/internal/scim/scimtest"
)

func TestTasks_fromAPlan(t *testing.T) {
	from := manifest.Pos{File: "m.json", Line: 4}
	p := &plan.Plan{Origin: plan.OriginManifest, Changes: []plan.Change{
		{Identity: scim.Identity{ID: "con_1"}, Action: plan.ActionUpdate, Before: cfgOld, After: cfgNew, From: from},
		{Identity: scim.Identity{ID: "con_2"}, Action: plan.ActionCreate, After: cfgNew},
		{Identity: scim.Identity{ID: "con_3"}, Action: plan.ActionNone, Before: cfgOld, After: cfgOld},
		{Identity: scim.Identity{ID: "con_4"}, Action: plan.ActionMissing},
		{Identity: scim.Identity{ID: "con_5"}, Action: plan.ActionUpdate, Before: cfgOld, After: cfgNew, Conflict: plan.ConflictDrifted},
	}}
	want := []struct {
		action  plan.Action
		outcome runlog.Status
	}{
		{plan.ActionUpdate, ""},
		{plan.ActionCreate, ""},
		{plan.ActionNone, runlog.StatusUnchanged},
		{plan.ActionNone, runlog.StatusSkipped},
		{plan.ActionNone, runlog.StatusConflict},
	}
	tasks := Tasks(p)
	for i, task := range tasks {
		if task.Action != want[i].action || task.Outcome != want[i].outcome || task.From == nil {
			t.Errorf("task %d: %+v", i, task)
		}
	}
	if *tasks[0].From != from || tasks[4].Note != plan.ConflictDrifted {
		t.Errorf("tasks %+v", tasks)
	}
}

// runReport is a run report with one intent per (id, before, after).
func runReport(intents ...runlog.Intent) *runlog.Run {
	return &runlog.Run{Header: runlog.Header{Tenant: "t"}, Intents: intents}
}

func TestRollbackPlan(t *testing.T) {
	other := scimtest.Config("externalId", "z", "9")
	run := runReport(
		runlog.Intent{ConnectionID: "con_a", Action: plan.ActionUpdate, Before: cfgOld, After: cfgNew}, // live = after: restore
		runlog.Intent{ConnectionID: "con_b", Action: plan.ActionUpdate, Before: cfgOld, After: cfgNew}, // live = before: nothing
		runlog.Intent{ConnectionID: "con_c", Action: plan.ActionUpdate, Before: cfgOld, After: cfgNew}, // someone else: conflict
		runlog.Intent{ConnectionID: "con_d", Action: plan.ActionCreate, Before: nil, After: cfgNew},    // created: delete
		runlog.Intent{ConnectionID: "con_e", Action: plan.ActionUpdate, Before: cfgOld, After: cfgNew}, // gone
		runlog.Intent{ConnectionID: "con_f", Action: plan.ActionDelete, Before: cfgOld, After: nil},    // deleted: create
		runlog.Intent{ConnectionID: "con_a", Action: plan.ActionUpdate, Before: cfgOld, After: cfgNew}, // repeated: last wins
	)
	live := plan.NewLive("t")
	for id, cfg := range map[string]*scim.Config{"con_a": cfgNew, "con_b": cfgOld, "con_c": other, "con_d": cfgNew, "con_f": nil} {
		live.Put(scimtest.Conn(id, "name-"+id, "okta", cfg))
	}
	meta := RollbackMeta{Tenant: "t", ToolVersion: "v", Now: time.Unix(7, 0), Report: "r.jsonl"}
	p := RollbackPlan(run, live, false, meta)
	if p.Origin != plan.OriginRollback || p.Manifest.Path != "r.jsonl" || p.Tenant != "t" || len(p.Changes) != 6 {
		t.Fatalf("plan %+v", p)
	}
	want := map[string]struct {
		action   plan.Action
		conflict string
	}{
		"con_a": {plan.ActionUpdate, ""},
		"con_b": {plan.ActionNone, ""},
		"con_c": {plan.ActionUpdate, MovedSinceRun},
		"con_d": {plan.ActionDelete, ""},
		"con_e": {plan.ActionNone, plan.ConflictGone},
		"con_f": {plan.ActionCreate, ""},
	}
	for _, c := range p.Changes {
		if w := want[c.ID]; c.Action != w.action || c.Conflict != w.conflict {
			t.Errorf("%s: action %s conflict %q, want %s %q", c.ID, c.Action, c.Conflict, w.action, w.conflict)
		}
	}
	if p.Summary != (plan.Summary{Create: 1, Update: 1, Delete: 1, Unchanged: 1, Conflict: 2}) {
		t.Errorf("summary %+v", p.Summary)
	}
	forced := RollbackPlan(run, live, true, meta)
	if forced.Summary.Conflict != 1 || forced.Summary.Update != 2 {
		t.Errorf("--force restores what someone else changed, not what is gone: %+v", forced.Summary)
	}
	tasks := Tasks(p)
	if tasks[1].Outcome != runlog.StatusUnchanged || tasks[1].Note != "already in its state before the run" || tasks[0].From != nil {
		t.Errorf("rollback tasks %+v", tasks[:2])
	}
	if ids := IntentIDs(run); !slices.Equal(ids, []string{"con_a", "con_b", "con_c", "con_d", "con_e", "con_f"}) {
		t.Errorf("intent ids %v", ids)
	}
}
