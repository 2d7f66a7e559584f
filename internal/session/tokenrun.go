package session

import (
	"cmp"
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/scim-migrate/scim-migrate/internal/auth0api"
	"github.com/scim-migrate/scim-migrate/internal/execute"
	"github.com/scim-migrate/scim-migrate/internal/fileutil"
	"github.com/scim-migrate/scim-migrate/internal/report"
	"github.com/scim-migrate/scim-migrate/internal/runlog"
	"github.com/scim-migrate/scim-migrate/internal/scimtoken"
	"github.com/scim-migrate/scim-migrate/internal/tokenplan"
)

// SavedTokenPlan reads the token plan saved at path (--plan), refusing a
// plan for another tenant, of another kind than command's, or older than
// maxAge.
func (s *Session) SavedTokenPlan(path string, kind runlog.Kind, command string, maxAge time.Duration) (*tokenplan.Plan, error) {
	data, err := fileutil.ReadLimited(path, runlog.MaxReportBytes)
	if err != nil {
		return nil, fmt.Errorf("read --plan: %w", err)
	}
	p, err := tokenplan.Decode(data)
	switch {
	case err != nil:
		return nil, fmt.Errorf("--plan %s: %w", path, err)
	case !auth0api.SameTenant(p.Tenant, s.Tenant()):
		return nil, fmt.Errorf("the plan %s is for tenant %q, not %q; make the plan again against this tenant", path, p.Tenant, s.Tenant())
	case p.Kind != kind:
		return nil, fmt.Errorf("the plan %s is a %s plan, not one of %s", path, p.Kind, command)
	}
	if err := p.CheckAge(s.opts.Now(), maxAge); err != nil {
		return nil, fmt.Errorf("the plan %s is refused: %w; make the plan again, or give --max-plan-age to run it anyway", path, err)
	}
	return p, nil
}

// SaveTokenPlan saves the plan at path (--save-plan), atomically.
func (s *Session) SaveTokenPlan(p *tokenplan.Plan, path string) error {
	data, err := p.Encode()
	if err == nil {
		err = fileutil.WriteAtomic(path, data)
	}
	if err != nil {
		return fmt.Errorf("save the token plan: %w", err)
	}
	s.Logger.Info("token plan saved: review it, then run it with --plan", "path", path)
	return nil
}

// TokenRun is the spec of a run of a token plan, for command (the report's:
// "tokens issue", "rollback", ...), from the saved plan planFile if any.
// The tokens issued (secrets included) are kept in memory only, and once
// the report is complete the handoff file is written with them.
func (s *Session) TokenRun(p *tokenplan.Plan, command, planFile, handoff string, reports Reports) RunSpec {
	var checks []Check
	for _, c := range p.Changes {
		if !c.Writes() {
			checks = append(checks, Check{ID: c.ID, Name: c.Name})
		}
	}
	issued := &handoffTokens{}
	h := runlog.Header{Command: command, Kind: p.Kind, RollsBack: p.RollsBack, PlanFile: planFile}
	spec := RunSpec{Header: h, Tasks: len(p.Changes), Checks: checks, Reports: reports,
		execute: func(ctx context.Context, rec execute.Recorder, obs execute.Observer) execute.Totals {
			return execute.ExecuteTokens(ctx, s.Client, p, execute.TokenOptions{
				RunOptions: s.runOptions(rec, obs),
				Issued: func(c tokenplan.Change, tok scimtoken.Issued) {
					s.opts.redact(tok.Secret)
					ht := scimtoken.NewHandoffToken(c.ID, c.Name, c.Strategy, tok)
					ht.Endpoint = s.endpoint(c.ID)
					issued.add(ht)
				},
			})
		}}
	if p.Kind.IssuesTokens() {
		spec.after = func(out *execute.Totals, report string) *runlog.Handoff {
			return s.writeHandoff(handoff, issued.list(), out, report)
		}
	}
	return spec
}

// handoffTokens collects the tokens issued, from every worker.
type handoffTokens struct {
	mu     sync.Mutex
	tokens []scimtoken.HandoffToken
}

func (h *handoffTokens) add(t scimtoken.HandoffToken) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.tokens = append(h.tokens, t)
}

func (h *handoffTokens) list() []scimtoken.HandoffToken {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.tokens
}

// writeHandoff writes the tokens issued to the handoff file, and returns
// what became of it, for the report's summary. A handoff that cannot be
// written stops the run as a fatal error after writes: the tokens issued
// are unusable, and rolling the report back revokes them.
func (s *Session) writeHandoff(path string, tokens []scimtoken.HandoffToken, out *execute.Totals, reportPath string) *runlog.Handoff {
	fate := &runlog.Handoff{Path: path, Tokens: len(tokens)}
	if len(tokens) == 0 {
		s.Logger.Info("no token was issued; the handoff file was not written", "path", path)
		return fate
	}
	format, _ := scimtoken.HandoffFormatOf(path)
	h := scimtoken.Handoff{Tenant: s.Tenant(), IssuedAt: s.opts.Now().UTC(), Tokens: tokens}
	data, err := h.Encode(format)
	if err == nil {
		err = fileutil.WriteAtomic(path, data)
	}
	if err != nil {
		err = fmt.Errorf("write the handoff file: %w", err)
		fate.Error = err.Error()
		out.Fatal = cmp.Or(out.Fatal, error(&execute.FatalError{Err: err,
			Hint: fmt.Sprintf("the %s issued cannot be handed over; rollback --from %s revokes them", report.Plural(len(tokens), "token"), reportPath)}))
		return fate
	}
	fate.Written = true
	s.Logger.Info("handoff file written: give it to the identity providers' administrators over a secure channel, then delete it",
		"path", path, "tokens", len(tokens))
	return fate
}
