package execute

import (
	"github.com/scim-migrate/scim-migrate/internal/plan"
	"github.com/scim-migrate/scim-migrate/internal/report"
)

// ApplyTasks turns a plan into tasks against the live state read just before
// the run. A change whose recorded before state no longer matches the live
// one has drifted: it becomes a conflict and is not written, unless force,
// in which case the live state (not the plan's) is recorded as the state to
// restore, so a rollback stays exact. Each entry the plan could not resolve
// to a connection becomes a failed task, so the run reports it and exits 3
// while every other connection is applied.
func ApplyTasks(p *plan.Plan, live *plan.Live, force bool) []Task {
	tasks := make([]Task, 0, len(p.Changes)+len(p.Unresolved))
	for i := range p.Changes {
		tasks = append(tasks, applyTask(&p.Changes[i], live, force))
	}
	for _, u := range p.Unresolved {
		tasks = append(tasks, unresolvedTask(u))
	}
	return tasks
}

// unresolvedTask is the failed, unsent task of an entry naming a connection
// the tenant lacks. Its result carries the entry's id, or no id at all for an
// entry by name: an id that is not of Auth0's form (a saved plan edited by
// hand) is left out too, because ids from a report end up in request paths.
func unresolvedTask(u plan.Unresolved) Task {
	from := u.From
	conn := plan.Connection{Name: u.ConnectionName}
	if plan.ValidConnectionID(u.ConnectionID) {
		conn.ID = u.ConnectionID
	}
	return Task{Conn: conn, Action: report.ActionNone, Outcome: report.StatusFailed, Note: u.Error, From: &from}
}

func applyTask(c *plan.Change, live *plan.Live, force bool) Task {
	from := c.From
	t := Task{Conn: connectionOf(c, live), Action: report.ActionNone, Before: c.Before, After: c.After, From: &from}
	lc, exists := live.Connections[c.ConnectionID]
	if !exists {
		t.Outcome, t.Note = report.StatusConflict, "the connection no longer exists on the tenant"
		return t
	}
	drifted := !lc.Config.Equal(c.Before)
	switch {
	case c.Action == plan.ActionMissing:
		t.Outcome, t.Note = report.StatusSkipped, "no SCIM configuration, and none is to be created (create_if_missing or --create-missing)"
	case drifted && !force:
		t.Outcome = report.StatusConflict
		t.Note = "the live configuration changed since the plan was made; re-run plan, or apply with --force"
	case lc.Config.Equal(c.After):
		t.Before, t.Outcome = lc.Config, report.StatusUnchanged
	default:
		t.Before = lc.Config
		t.Action = writeAction(lc.Config, c.After)
	}
	return t
}

// RollbackTasks turns a run's report into the tasks that undo it: every
// connection the run meant to write (an intent) goes back to its before
// state. A connection already in that state needs nothing. One whose live
// state is no longer what the run left (its after state) was changed by
// someone else since: a conflict, unless force. An intent without a result
// is a write that may or may not have happened; the same comparison settles
// it.
func RollbackTasks(run *report.Run, live *plan.Live, force bool) []Task {
	var tasks []Task
	for _, in := range lastIntents(run) {
		tasks = append(tasks, rollbackTask(in, live, force))
	}
	return tasks
}

func rollbackTask(in report.Intent, live *plan.Live, force bool) Task {
	t := Task{
		Conn:   plan.Connection{ID: in.ConnectionID, Name: in.ConnectionName, Strategy: in.Strategy},
		Action: report.ActionNone, After: in.Before,
	}
	lc, exists := live.Connections[in.ConnectionID]
	if !exists {
		t.Outcome, t.Note = report.StatusConflict, "the connection no longer exists on the tenant"
		return t
	}
	t.Before = lc.Config
	switch {
	case lc.Config.Equal(in.Before):
		t.Outcome, t.Note = report.StatusUnchanged, "already in its state before the run"
	case !lc.Config.Equal(in.After) && !force:
		t.Outcome = report.StatusConflict
		t.Note = "the live configuration changed since the run (it is neither the state before nor the state after it); rollback with --force to restore it anyway"
	default:
		t.Action = writeAction(lc.Config, in.Before)
	}
	return t
}

// writeAction is the write that takes a connection from cur to target.
func writeAction(cur, target *plan.Config) report.Action {
	switch {
	case target == nil:
		return report.ActionDelete
	case cur == nil:
		return report.ActionCreate
	}
	return report.ActionUpdate
}

// lastIntents returns, for each connection with an intent, its last one, in
// the order connections first appear. A run writes each connection once; a
// report edited or concatenated by hand is still read sensibly.
func lastIntents(run *report.Run) []report.Intent {
	index := map[string]int{}
	var out []report.Intent
	for _, in := range run.Intents {
		if i, ok := index[in.ConnectionID]; ok {
			out[i] = in
			continue
		}
		index[in.ConnectionID] = len(out)
		out = append(out, in)
	}
	return out
}

// IntentIDs lists the connections a run meant to write.
func IntentIDs(run *report.Run) []string {
	var ids []string
	for _, in := range lastIntents(run) {
		ids = append(ids, in.ConnectionID)
	}
	return ids
}

// connectionOf names a change's connection, preferring what the live read
// knows.
func connectionOf(c *plan.Change, live *plan.Live) plan.Connection {
	conn := plan.Connection{ID: c.ConnectionID, Name: c.ConnectionName, Strategy: c.Strategy}
	if lc, ok := live.Connections[c.ConnectionID]; ok {
		if lc.Name != "" {
			conn.Name = lc.Name
		}
		if lc.Strategy != "" {
			conn.Strategy = lc.Strategy
		}
	}
	return conn
}
