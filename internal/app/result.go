package app

import (
	"context"
	"errors"
	"time"

	"github.com/scim-migrate/scim-migrate/internal/execute"
	"github.com/scim-migrate/scim-migrate/internal/manifest"
	"github.com/scim-migrate/scim-migrate/internal/plan"
	"github.com/scim-migrate/scim-migrate/internal/report"
	"github.com/scim-migrate/scim-migrate/internal/runlog"
	"github.com/scim-migrate/scim-migrate/internal/scim"
	"github.com/scim-migrate/scim-migrate/internal/tokenplan"
	"github.com/urfave/cli/v2"
)

// action is a command's action: its flags parsed into its options value,
// then the command run on them. A usage error gets the hint to the
// command's --help.
func action[O any](parse func(*cli.Context) (O, error), run func(context.Context, O) error) cli.ActionFunc {
	return func(c *cli.Context) error {
		o, err := parse(c)
		if err != nil {
			return withHint(err, c)
		}
		return run(c.Context, o)
	}
}

// resultDoc is a command's JSON document (--format json), completed once
// the command's exit code is known. A command returns it; Run prints it.
type resultDoc interface {
	complete(code int, err error) any
}

// docFunc is a document made only at the end, from the exit code.
type docFunc func(code int, err error) any

func (f docFunc) complete(code int, err error) any { return f(code, err) }

// docSlot is where Run finds the document the command returned.
type docSlot struct{ doc resultDoc }

type docSlotKey struct{}

// withDocSlot gives a command run under ctx a place for its document.
func withDocSlot(ctx context.Context) (context.Context, *docSlot) {
	slot := &docSlot{}
	return context.WithValue(ctx, docSlotKey{}, slot), slot
}

// actionDoc is the action of a command that returns a result document:
// as action, and the document goes where Run prints it.
func actionDoc[O any](parse func(*cli.Context) (O, error), run func(context.Context, O) (resultDoc, error)) cli.ActionFunc {
	return func(c *cli.Context) error {
		o, err := parse(c)
		if err != nil {
			return withHint(err, c)
		}
		doc, err := run(c.Context, o)
		if slot, ok := c.Context.Value(docSlotKey{}).(*docSlot); ok && doc != nil {
			slot.doc = doc
		}
		return err
	}
}

// runDoc is the JSON document apply and rollback print with --format json:
// what a cron wrapper needs to know of the run, and where its report is.
type runDoc struct {
	Command string `json:"command"`
	Tenant  string `json:"tenant,omitempty"`
	Report  string `json:"report,omitempty"`
	// Handoff is the handoff file tokens issue wrote.
	Handoff string        `json:"handoff,omitempty"`
	DryRun  bool          `json:"dry_run"`
	Plan    *plan.Summary `json:"plan,omitempty"`
	// Changes are, in a dry run, what the run would write: a reviewer in
	// CI needs the connections and states, not only their counts.
	Changes []changeDoc `json:"changes,omitempty"`
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

// changeDoc is one change a dry run would make.
type changeDoc struct {
	ConnectionID   string       `json:"connection_id"`
	ConnectionName string       `json:"connection_name"`
	Strategy       string       `json:"strategy,omitempty"`
	Action         plan.Action  `json:"action"`
	Before         *scim.Config `json:"before"`
	After          *scim.Config `json:"after"`
	// Conflict says why the change would not be written (see plan.Recheck).
	Conflict string `json:"conflict,omitempty"`
}

// planned records, for a dry run, the plan it shows: its counts, and its
// changes (every connection whose action is not none).
func (d *runDoc) planned(p *plan.Plan) {
	d.Plan = &p.Summary
	if !d.DryRun {
		return
	}
	d.Changes = []changeDoc{}
	for _, c := range p.Changes {
		if c.Action == plan.ActionNone {
			continue
		}
		d.Changes = append(d.Changes, changeDoc{ConnectionID: c.ID, ConnectionName: c.Name, Strategy: c.Strategy,
			Action: c.Action, Before: c.Before, After: c.After, Conflict: c.Conflict})
	}
}

// newRunDoc makes a writing run's JSON document, which the run fills in as
// it goes.
func newRunDoc(command string, o writeOptions) *runDoc {
	return &runDoc{Command: command, DryRun: o.dryRun}
}

// result is the run's result document when --format json asks for one,
// whatever happened in between; nil otherwise.
func (d *runDoc) result(o writeOptions) resultDoc {
	if o.format != report.FormatJSON {
		return nil
	}
	return d
}

func (d *runDoc) complete(code int, err error) any {
	d.ExitCode = code
	if !silent(err) {
		d.Error = err.Error()
	}
	return d
}

// ran records a finished run in its document.
func (d *runDoc) ran(out execute.Totals, report string, start, end time.Time) {
	d.Report, d.Summary = report, out.Counts
	d.WritesSent, d.WritesConfirmed = out.WritesSent, out.WritesConfirmed
	s, f := start.UTC(), end.UTC()
	d.StartedAt, d.FinishedAt = &s, &f
}

// validateDoc is validate's JSON document.
type validateDoc struct {
	Valid    bool         `json:"valid"`
	Problems []problemDoc `json:"problems"`
}

type problemDoc struct {
	File    string `json:"file"`
	Line    int    `json:"line"`
	Message string `json:"message"`
}

// validateResult is validate's document for a manifest read from path: its
// problems, or the one error that kept it from being read (line 0).
func validateResult(path string, err error) validateDoc {
	d := validateDoc{Valid: err == nil, Problems: []problemDoc{}}
	var ps manifest.Problems
	switch {
	case err == nil:
	case errors.As(err, &ps):
		for _, p := range ps {
			d.Problems = append(d.Problems, problemDoc{File: p.Pos.File, Line: p.Pos.Line, Message: p.Message})
		}
	default:
		d.Problems = append(d.Problems, problemDoc{File: path, Message: err.Error()})
	}
	return d
}
