package report

import (
	"errors"
	"time"

	"github.com/scim-migrate/scim-migrate/internal/execute"
	"github.com/scim-migrate/scim-migrate/internal/manifest"
	"github.com/scim-migrate/scim-migrate/internal/plan"
	"github.com/scim-migrate/scim-migrate/internal/runlog"
	"github.com/scim-migrate/scim-migrate/internal/scim"
	"github.com/scim-migrate/scim-migrate/internal/tokenplan"
)

// RunResult is the JSON document apply, rollback and the token commands
// print with --format json: what a cron wrapper needs to know of the run,
// and where its report is.
type RunResult struct {
	Command string `json:"command"`
	Tenant  string `json:"tenant,omitempty"`
	Report  string `json:"report,omitempty"`
	// Handoff is the handoff file tokens issue wrote.
	Handoff string        `json:"handoff,omitempty"`
	DryRun  bool          `json:"dry_run"`
	Plan    *plan.Summary `json:"plan,omitempty"`
	// Changes are, in a dry run, what the run would write: a reviewer in
	// CI needs the connections and states, not only their counts.
	Changes []RunChange `json:"changes,omitempty"`
	// TokenPlan is, in a dry run of a token command, its plan.
	TokenPlan       *tokenplan.Plan `json:"token_plan,omitempty"`
	Summary         runlog.Counts   `json:"summary"`
	WritesSent      int             `json:"writes_sent"`
	WritesConfirmed int             `json:"writes_confirmed"`
	StartedAt       *time.Time      `json:"started_at,omitempty"`
	FinishedAt      *time.Time      `json:"finished_at,omitempty"`
	ExitCode        int             `json:"exit_code"`
	Error           string          `json:"error,omitempty"`
}

// RunChange is one change a dry run would make.
type RunChange struct {
	ConnectionID   string       `json:"connection_id"`
	ConnectionName string       `json:"connection_name"`
	Strategy       string       `json:"strategy,omitempty"`
	Action         plan.Action  `json:"action"`
	Before         *scim.Config `json:"before"`
	After          *scim.Config `json:"after"`
	// Conflict says why the change would not be written (see plan.Recheck).
	Conflict string `json:"conflict,omitempty"`
}

// NewRunResult is a writing run's document, which the run fills in as it
// goes.
func NewRunResult(command string, dryRun bool) *RunResult {
	return &RunResult{Command: command, DryRun: dryRun}
}

// Planned records, for a dry run, the plan it shows: its counts, and its
// changes (every connection whose action is not none).
func (d *RunResult) Planned(p *plan.Plan) {
	d.Plan = &p.Summary
	if !d.DryRun {
		return
	}
	d.Changes = []RunChange{}
	for _, c := range p.Changes {
		if c.Action == plan.ActionNone {
			continue
		}
		d.Changes = append(d.Changes, RunChange{ConnectionID: c.ID, ConnectionName: c.Name, Strategy: c.Strategy,
			Action: c.Action, Before: c.Before, After: c.After, Conflict: c.Conflict})
	}
}

// Ran records a finished run: its counts, its writes, its report and when
// it ran.
func (d *RunResult) Ran(out execute.Totals, report string, start, end time.Time) {
	d.Report, d.Summary = report, out.Counts
	d.WritesSent, d.WritesConfirmed = out.WritesSent, out.WritesConfirmed
	s, f := start.UTC(), end.UTC()
	d.StartedAt, d.FinishedAt = &s, &f
}

// Complete records how the command ended: its exit code, and the error it
// printed ("": none).
func (d *RunResult) Complete(code int, message string) any {
	d.ExitCode = code
	if message != "" {
		d.Error = message
	}
	return d
}

// ValidateResult is validate's JSON document.
type ValidateResult struct {
	Valid    bool      `json:"valid"`
	Problems []Problem `json:"problems"`
}

// Problem is one problem of a manifest, at its line (0: the whole file).
type Problem struct {
	File    string `json:"file"`
	Line    int    `json:"line"`
	Message string `json:"message"`
}

// Validated is validate's document for a manifest read from path: its
// problems, or the one error that kept it from being read (line 0).
func Validated(path string, err error) ValidateResult {
	d := ValidateResult{Valid: err == nil, Problems: []Problem{}}
	var ps manifest.Problems
	switch {
	case err == nil:
	case errors.As(err, &ps):
		for _, p := range ps {
			d.Problems = append(d.Problems, Problem{File: p.Pos.File, Line: p.Pos.Line, Message: p.Message})
		}
	default:
		d.Problems = append(d.Problems, Problem{File: path, Message: err.Error()})
	}
	return d
}

// FailedResult is the document of a read-only command that failed before
// its own (a plan, an audit) could be made.
type FailedResult struct {
	Command  string `json:"command"`
	ExitCode int    `json:"exit_code"`
	Error    string `json:"error"`
}

// Failed is the one JSON document of a command run with --format json that
// failed with err before it could make its own (a flag or an environment
// variable it refused, most often), in the shape of the command's own: a
// script parsing stdout always gets a document, with the error.
func Failed(command string, code int, err error) any {
	switch command {
	case "validate":
		return Validated("", err)
	case "plan", "tokens audit":
		return &FailedResult{Command: command, ExitCode: code, Error: err.Error()}
	}
	return &RunResult{Command: command, ExitCode: code, Error: err.Error()}
}
