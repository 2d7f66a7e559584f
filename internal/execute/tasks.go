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
	// Action is the write to make: create, update or delete; none when the
	// task needs no write.
	Action plan.Action
	// Before is the live state the write starts from; it goes into the intent
	// so the write can be undone.
	Before *scim.Config
	// After is the state the connection must end in (nil: no configuration).
	After *scim.Config
	// Outcome, when set, is decided before the run (unchanged, conflict,
	// skipped, failed) and no request is sent; Note says why.
	Outcome runlog.Status
	Note    string
	From    *manifest.Pos
}

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
	t := Task{Conn: scim.Connection{ID: c.ConnectionID, Name: c.ConnectionName, Strategy: c.Strategy},
		Action: plan.ActionNone, Before: c.Before, After: c.After}
	if origin != plan.OriginRollback {
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
