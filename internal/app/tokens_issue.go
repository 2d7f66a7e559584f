package app

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sync"

	"github.com/scim-migrate/scim-migrate/internal/execute"
	"github.com/scim-migrate/scim-migrate/internal/fileutil"
	"github.com/scim-migrate/scim-migrate/internal/plan"
	"github.com/scim-migrate/scim-migrate/internal/runlog"
	"github.com/scim-migrate/scim-migrate/internal/scimtoken"
)

func (e *env) tokensIssue(ctx context.Context, o tokensIssueOptions) error {
	doc := e.newRunDoc("tokens issue", o.writeOptions)
	if o.handoff != "" {
		if err := checkHandoffPath(o.handoff, o.force); err != nil {
			return err
		}
	}
	s, err := e.startWriting("tokens issue", o.writeOptions, o.connectOptions, doc)
	if err != nil {
		return err
	}
	defer s.release()
	if o.lifetime == 0 {
		s.logger.Warn("--lifetime 0: the tokens never expire; anyone who gets the handoff file can provision users into these connections until the tokens are revoked")
	}
	rctx := e.readOnlyContext(ctx)
	targets, err := e.selectTargets(rctx, s.session, o.tokenSelection)
	if err != nil {
		return e.interrupted(rctx, err)
	}
	tasks := issueTasks(targets)
	n := tokenWrites(tasks)
	title := fmt.Sprintf("Tenant %s: issue a SCIM token for %s, written to %s only:", s.tenant(), plural(n, "connection"), cmp.Or(o.handoff, "the handoff file (--out)"))
	if err := e.previewTokens(s.session, title, tasks, o.writeOptions); err != nil || o.dryRun {
		return err
	}
	if err := s.confirm.ask(fmt.Sprintf("Issue %s on tenant %s, written to %s only?", plural(n, "SCIM token"), s.tenant(), o.handoff), n); err != nil {
		return err
	}
	return e.runTasks(ctx, s.session, e.issueRun(s.session, tasks, o, doc))
}

// issueTasks turns the selection into one issue per connection; a
// connection asked for that cannot hold a token fails at once.
func issueTasks(targets []tokenTarget) []execute.TokenTask {
	tasks := make([]execute.TokenTask, len(targets))
	for i, t := range targets {
		tasks[i] = execute.TokenTask{Conn: t.conn, Action: plan.ActionIssueToken}
		if t.problem != "" {
			tasks[i].Action, tasks[i].Outcome, tasks[i].Note = plan.ActionNone, runlog.StatusFailed, t.problem
		}
	}
	return tasks
}

// issueRun is the spec of a tokens issue run: the engine issues, each new
// token (secret included) is kept in memory only, and once the report is
// complete the handoff file is written with them.
func (e *env) issueRun(s *session, tasks []execute.TokenTask, o tokensIssueOptions, doc *runDoc) runSpec {
	issued := &handoffTokens{}
	spec := e.tokenRun(s, runlog.Header{Command: "tokens issue"}, tasks, o.writeOptions, doc, execute.TokenOptions{
		Request: execute.TokenRequest{Scopes: o.scopes, Lifetime: o.lifetime},
		Issued: func(t execute.TokenTask, tok scimtoken.Issued) {
			e.addSecret(tok.Secret)
			ht := scimtoken.NewHandoffToken(t.Conn.ID, t.Conn.Name, t.Conn.Strategy, tok)
			ht.Endpoint = s.endpoint(t.Conn.ID)
			issued.add(ht)
		},
	})
	spec.after = func(out *execute.Totals, report string) *runlog.Handoff {
		fate := e.writeHandoff(s, o.handoff, issued.list(), out, report)
		if fate.Written {
			doc.Handoff = fate.Path
		}
		return fate
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
func (e *env) writeHandoff(s *session, path string, tokens []scimtoken.HandoffToken, out *execute.Totals, report string) *runlog.Handoff {
	fate := &runlog.Handoff{Path: path, Tokens: len(tokens)}
	if len(tokens) == 0 {
		s.logger.Info("no token was issued; the handoff file was not written", "path", path)
		return fate
	}
	format, _ := scimtoken.HandoffFormatOf(path)
	h := scimtoken.Handoff{Tenant: s.tenant(), IssuedAt: e.deps.Now().UTC(), Tokens: tokens}
	data, err := h.Encode(format)
	if err == nil {
		err = fileutil.WriteAtomic(path, data)
	}
	if err != nil {
		err = fmt.Errorf("write the handoff file: %w", err)
		fate.Error = err.Error()
		out.Fatal = cmp.Or(out.Fatal, error(&execute.FatalError{Err: err,
			Hint: fmt.Sprintf("the %s issued cannot be handed over; rollback --from %s revokes them", plural(len(tokens), "token"), report)}))
		return fate
	}
	fate.Written = true
	s.logger.Info("handoff file written: give it to the identity providers' administrators over a secure channel, then delete it",
		"path", path, "tokens", len(tokens))
	return fate
}

// checkHandoffPath refuses, before anything is sent, a handoff file that
// exists (unless --force), a directory in its place (even with --force: it
// cannot be replaced by a file) or a file that could not be created: tokens
// issued with nowhere to write them would be lost.
func checkHandoffPath(path string, force bool) error {
	if fi, err := os.Stat(path); err == nil && fi.IsDir() {
		return &usageError{err: fmt.Errorf("the handoff file %s is a directory: give the path of a file to --out", path),
			hint: helpHint("scim-migrate tokens issue")}
	}
	if _, err := os.Lstat(path); err == nil && !force {
		return &usageError{err: fmt.Errorf("the handoff file %s exists: give another --out, or --force to replace it", path),
			hint: helpHint("scim-migrate tokens issue")}
	} else if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fileutil.Wrap("check", path, err)
	}
	probe, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".probe-*")
	if err != nil {
		return fmt.Errorf("the handoff file cannot be written: %w", err)
	}
	probe.Close()
	return os.Remove(probe.Name())
}

// tokenWrites counts the tasks that will send a request.
func tokenWrites(tasks []execute.TokenTask) int {
	n := 0
	for _, t := range tasks {
		if t.Outcome == "" {
			n++
		}
	}
	return n
}
