package execute

import (
	"github.com/scim-migrate/scim-migrate/internal/manifest"
	"github.com/scim-migrate/scim-migrate/internal/plan"
	"github.com/scim-migrate/scim-migrate/internal/runlog"
	"github.com/scim-migrate/scim-migrate/internal/scim"
)

// Task is one connection's work in a run (apply or rollback).
type Task struct {
	Conn scim.Connection
	// Action is the write planned: create, update or delete; none when the
	// task needs no write. The write made is decided again against the state
	// read just before it (see decide).
	Action plan.Action
	// Expect is the live state the change was computed against. The write
	// goes ahead as planned only while the tenant still holds it.
	Expect *scim.Config
	// After is the state the connection must end in (nil: no configuration).
	After *scim.Config
	// Asked is a merge entry's request: merged again onto a state that moved
	// since the plan, so that entries someone else added survive.
	Asked *scim.Config
	// ConflictIfMoved says why the task is a conflict when the live state moved since
	// the plan and the task cannot merge onto it.
	ConflictIfMoved string
	// Outcome, when set, is decided before the run (unchanged, conflict,
	// skipped, failed) and no request is sent; Note says why.
	Outcome runlog.Status
	Note    string
	From    *manifest.Pos
}

// Writes counts the tasks that will write, unless the state read just
// before the write says otherwise: those not decided before the run.
func Writes(tasks []Task) int {
	n := 0
	for _, t := range tasks {
		if t.Outcome == "" {
			n++
		}
	}
	return n
}

// Notes of a conflict found just before a write.
const (
	MovedSincePlan = "the live configuration changed since the plan (someone else wrote it during the run?); re-run plan, or apply with --force"
	MovedSinceRun  = "the live configuration changed since the run (it is neither the state before nor the state after it); rollback with --force to restore it anyway"
)

// Tasks turns a plan (checked against the live state, see plan.Recheck)
// into the run's tasks: one per change, and one failed task per entry the
// plan could not resolve to a connection, so the run reports it and exits 3
// while every other connection is applied.
func Tasks(p *plan.Plan) []Task {
	tasks := make([]Task, 0, len(p.Changes)+len(p.Unresolved))
	for i := range p.Changes {
		tasks = append(tasks, changeTask(&p.Changes[i], p.Origin))
	}
	for _, u := range p.Unresolved {
		tasks = append(tasks, unresolvedTask(u))
	}
	return tasks
}

func changeTask(c *plan.Change, origin plan.Origin) Task {
	t := Task{Conn: scim.Connection{ID: c.ID, Name: c.Name, Strategy: c.Strategy},
		Action: plan.ActionNone, Expect: c.Before, After: c.After, Asked: c.Asked, ConflictIfMoved: MovedSincePlan}
	if origin == plan.OriginRollback {
		t.ConflictIfMoved = MovedSinceRun
	} else {
		from := c.From
		t.From = &from
	}
	switch {
	case c.Conflict != "":
		t.Outcome, t.Note = runlog.StatusConflict, c.Conflict
	case c.Action == plan.ActionMissing:
		t.Outcome, t.Note = runlog.StatusSkipped, "no SCIM configuration, and none is to be created (create_if_missing or --create-missing)"
	case c.Action == plan.ActionNone:
		t.Outcome, t.Note = runlog.StatusUnchanged, unchangedNote(origin)
	default:
		t.Action = c.Action
	}
	return t
}

func unchangedNote(origin plan.Origin) string {
	if origin == plan.OriginRollback {
		return "already in its state before the run"
	}
	return ""
}

// unresolvedTask is the failed, unsent task of an entry naming a connection
// the tenant lacks. Its result carries the entry's id, or no id at all for an
// entry by name: an id that is not of Auth0's form (a saved plan edited by
// hand) is left out too, because ids from a report end up in request paths.
func unresolvedTask(u plan.Unresolved) Task {
	from := u.From
	conn := scim.Connection{Name: u.ConnectionName}
	if scim.ValidConnectionID(u.ConnectionID) {
		conn.ID = u.ConnectionID
	}
	return Task{Conn: conn, Action: plan.ActionNone, Outcome: runlog.StatusFailed, Note: u.Error, From: &from}
}
