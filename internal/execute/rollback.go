package execute

import (
	"github.com/scim-migrate/scim-migrate/internal/scim"
	"time"

	"github.com/scim-migrate/scim-migrate/internal/manifest"
	"github.com/scim-migrate/scim-migrate/internal/plan"
	"github.com/scim-migrate/scim-migrate/internal/runlog"
)

// RollbackMeta is what a rollback plan records besides its changes.
type RollbackMeta struct {
	Tenant      string
	ToolVersion string
	Now         time.Time
	// Report is the run report being undone.
	Report string
}

// RollbackPlan is the plan that undoes a run: every connection the run
// meant to write (an intent) goes back to its before state. A connection
// already in that state needs nothing. One whose live state is no longer
// what the run left (its after state) was changed by someone else since: a
// conflict, unless force. An intent without a result is a write that may or
// may not have happened; the same comparison settles it.
func RollbackPlan(run *runlog.Run, live *plan.Live, force bool, meta RollbackMeta) *plan.Plan {
	p := &plan.Plan{Version: plan.FormatVersion, Origin: plan.OriginRollback, ToolVersion: meta.ToolVersion,
		Tenant: meta.Tenant, CreatedAt: meta.Now.UTC(), Manifest: plan.Source{Path: meta.Report}}
	for _, in := range lastIntents(run) {
		p.Changes = append(p.Changes, rollbackChange(in, live, force))
	}
	p.Summary = plan.Summarize(p.Changes)
	return p
}

func rollbackChange(in runlog.Intent, live *plan.Live, force bool) plan.Change {
	c := plan.Change{Identity: scim.Identity{ID: in.ConnectionID, Name: in.ConnectionName, Strategy: in.Strategy},
		Mode: manifest.ModeReplace, After: in.Before}
	lc, exists := live.Connections[in.ConnectionID]
	if !exists {
		c.Action, c.Conflict = plan.ActionNone, plan.ConflictGone
		return c
	}
	c.Before = lc.Config
	c.Action = plan.WriteAction(lc.Config, in.Before)
	if c.Action != plan.ActionNone && !lc.Config.Equal(in.After) && !force {
		c.Conflict = MovedSinceRun
	}
	return c
}

// lastIntents are the last intent of each connection the run wrote.
func lastIntents(run *runlog.Run) []runlog.Intent { return run.LastIntents(nil) }

// IntentIDs lists the connections a run meant to write.
func IntentIDs(run *runlog.Run) []string {
	var ids []string
	for _, in := range lastIntents(run) {
		ids = append(ids, in.ConnectionID)
	}
	return ids
}
