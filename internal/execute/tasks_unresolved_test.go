package execute

import (
	"testing"

	"github.com/scim-migrate/scim-migrate/internal/manifest"
	"github.com/scim-migrate/scim-migrate/internal/plan"
	"github.com/scim-migrate/scim-migrate/internal/runlog"
)

func TestTasks_unresolvedEntriesFailWithoutARequest(t *testing.T) {
	p := &plan.Plan{Unresolved: []plan.Unresolved{
		{From: manifest.Pos{File: "m.json", Line: 3}, ConnectionID: "con_gone1", Error: "connection con_gone1 does not exist"},
		{From: manifest.Pos{File: "m.json", Line: 7}, ConnectionName: "gone", Error: `no connection named "gone"`},
		{From: manifest.Pos{File: "m.json", Line: 9}, ConnectionID: "con_../x", Error: "edited by hand"},
	}}
	tasks := Tasks(plan.Recheck(p, plan.NewLive("t"), false))
	if len(tasks) != 3 {
		t.Fatalf("tasks = %+v", tasks)
	}
	wantIDs := []string{"con_gone1", "", ""}
	for i, task := range tasks {
		if task.Outcome != runlog.StatusFailed || task.Action != plan.ActionNone || task.Note != p.Unresolved[i].Error ||
			task.From == nil || task.From.Line != p.Unresolved[i].From.Line || task.Conn.ID != wantIDs[i] {
			t.Errorf("task %d = %+v", i, task)
		}
	}
	if tasks[1].Conn.Name != "gone" {
		t.Errorf("the name is lost: %+v", tasks[1])
	}
}
