package execute

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/scim-migrate/scim-migrate/internal/plan"
	"github.com/scim-migrate/scim-migrate/internal/runlog"
	"github.com/scim-migrate/scim-migrate/internal/scim"
	"github.com/scim-migrate/scim-migrate/internal/scimtoken"
)

// fakeTokens is a tenant's SCIM tokens in memory, failing on demand.
type fakeTokens struct {
	mu     sync.Mutex
	now    time.Time
	tokens map[string][]scimtoken.Token
	next   int
	// issueErr fails the issue of a connection; landed says whether the
	// token was issued anyway (its answer lost).
	issueErr map[string]error
	landed   map[string]bool
	// listErr fails the listing of a connection from its n-th listing on.
	listErr   map[string]error
	listAfter map[string]int
	lists     map[string]int
	revokeErr map[string]error
	// beforeIssue runs as an issue arrives (to check the intent is durable).
	beforeIssue func(connID string)
	issued      []string
	revoked     []string
}

func newFakeTokens() *fakeTokens {
	return &fakeTokens{now: time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC), tokens: map[string][]scimtoken.Token{},
		issueErr: map[string]error{}, landed: map[string]bool{}, listErr: map[string]error{}, listAfter: map[string]int{},
		lists: map[string]int{}, revokeErr: map[string]error{}}
}

func (f *fakeTokens) add(conn string, created time.Time) string {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.next++
	id := fmt.Sprintf("tok_%d", f.next)
	f.tokens[conn] = append(f.tokens[conn], scimtoken.Token{ID: id, CreatedAt: created})
	return id
}

func (f *fakeTokens) ListTokens(_ context.Context, connID string) ([]scimtoken.Token, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.lists[connID]++
	if err := f.listErr[connID]; err != nil && f.lists[connID] > f.listAfter[connID] {
		return nil, err
	}
	return slices.Clone(f.tokens[connID]), nil
}

func (f *fakeTokens) IssueToken(_ context.Context, connID string, req TokenRequest) (scimtoken.Issued, error) {
	if f.beforeIssue != nil {
		f.beforeIssue(connID)
	}
	err := f.issueErr[connID]
	if errors.Is(err, ErrNotSent) {
		return scimtoken.Issued{}, err
	}
	var id string
	if err == nil || f.landed[connID] {
		id = f.add(connID, f.now)
		f.mu.Lock()
		f.issued = append(f.issued, id)
		f.mu.Unlock()
	}
	if err != nil {
		return scimtoken.Issued{}, err
	}
	return scimtoken.Issued{Token: scimtoken.Token{ID: id, Scopes: req.Scopes, CreatedAt: f.now}, Secret: id + ".secret"}, nil
}

func (f *fakeTokens) RevokeToken(_ context.Context, connID, tokenID string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.revokeErr[tokenID]; err != nil {
		return err
	}
	i := slices.IndexFunc(f.tokens[connID], func(t scimtoken.Token) bool { return t.ID == tokenID })
	if i < 0 {
		return ErrTokenGone
	}
	f.tokens[connID] = slices.Delete(f.tokens[connID], i, i+1)
	f.revoked = append(f.revoked, tokenID)
	return nil
}

func (f *fakeTokens) held(conn string) []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return tokenIDs(f.tokens[conn])
}

func issueTasks(conns ...string) []TokenTask {
	var tasks []TokenTask
	for _, c := range conns {
		tasks = append(tasks, TokenTask{Conn: scim.Connection{ID: c, Name: "n-" + c}, Action: plan.ActionIssueToken})
	}
	return tasks
}

func runTokens(f *fakeTokens, tasks []TokenTask, rec *memRecorder, stop <-chan struct{}) (Totals, map[string]string) {
	var mu sync.Mutex
	secrets := map[string]string{}
	out := ExecuteTokens(context.Background(), f, tasks, TokenOptions{
		Concurrency: 3, Recorder: rec, Stop: stop, Now: func() time.Time { return f.now },
		Request: TokenRequest{Scopes: scimtoken.DefaultScopes},
		Issued: func(t TokenTask, tok scimtoken.Issued) {
			mu.Lock()
			defer mu.Unlock()
			secrets[t.Conn.ID] = tok.Secret
		},
	})
	return out, secrets
}

func TestExecuteTokens_issuesOnePerConnectionAfterItsIntent(t *testing.T) {
	f := newFakeTokens()
	before := f.add("con_a", f.now.Add(-time.Hour))
	rec := &memRecorder{}
	f.beforeIssue = func(id string) {
		if !rec.hasIntent(id) {
			t.Errorf("%s: token requested before its intent was recorded", id)
		}
	}
	out, secrets := runTokens(f, issueTasks("con_a", "con_b"), rec, nil)
	if out.Counts.Applied != 2 || out.WritesSent != 2 || out.WritesConfirmed != 2 || len(secrets) != 2 {
		t.Fatalf("outcome %+v, secrets %d", out, len(secrets))
	}
	for _, c := range []string{"con_a", "con_b"} {
		res, err := rec.resultOf(c)
		if err != nil || res.TokenID == "" || !slices.Contains(f.held(c), res.TokenID) {
			t.Errorf("%s: result %+v %v", c, res, err)
		}
	}
	for _, in := range rec.intents {
		if in.ConnectionID == "con_a" && !slices.Equal(in.ExistingTokens, []string{before}) {
			t.Errorf("the intent must list the tokens held before: %v", in.ExistingTokens)
		}
	}
	for _, r := range rec.results {
		if strings.Contains(fmt.Sprint(r), ".secret") {
			t.Errorf("a secret reached the report: %+v", r)
		}
	}
}

func TestExecuteTokens_atMaximumFailsWithoutARequest(t *testing.T) {
	f := newFakeTokens()
	f.add("con_a", f.now)
	f.add("con_a", f.now)
	rec := &memRecorder{}
	out, _ := runTokens(f, issueTasks("con_a", "con_b"), rec, nil)
	res, _ := rec.resultOf("con_a")
	if res.Status != runlog.StatusFailed || !strings.Contains(res.Error, "already holds 2 tokens") || rec.hasIntent("con_a") {
		t.Errorf("con_a: %+v", res)
	}
	if out.Counts.Failed != 1 || out.Counts.Applied != 1 || out.WritesSent != 1 {
		t.Errorf("outcome %+v", out)
	}
}

func TestExecuteTokens_lostAnswer(t *testing.T) {
	lost := &UncertainError{Err: errors.New("502 Bad Gateway")}
	for _, tc := range []struct {
		name       string
		landed     bool
		listFails  bool
		revokeErr  error
		wantStatus runlog.Status
		wantHeld   int
		wantNote   string
	}{
		{"issued: revoked at once", true, false, nil, runlog.StatusFailed, 0, "was revoked"},
		{"not issued", false, false, nil, runlog.StatusFailed, 0, "no token was issued"},
		{"cannot list again", true, true, nil, runlog.StatusUnknown, 1, "rollback"},
		{"cannot revoke", true, false, errors.New("503"), runlog.StatusUnknown, 1, "rollback"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := newFakeTokens()
			f.issueErr["con_a"], f.landed["con_a"] = lost, tc.landed
			if tc.listFails {
				f.listErr["con_a"], f.listAfter["con_a"] = errors.New("503"), 1
			}
			f.beforeIssue = func(string) {
				for _, id := range []string{"tok_1"} {
					f.revokeErr[id] = tc.revokeErr
				}
			}
			rec := &memRecorder{}
			out, secrets := runTokens(f, issueTasks("con_a"), rec, nil)
			res, _ := rec.resultOf("con_a")
			if res.Status != tc.wantStatus || !strings.Contains(res.Error, tc.wantNote) || len(f.held("con_a")) != tc.wantHeld {
				t.Errorf("result %+v, held %v", res, f.held("con_a"))
			}
			if len(secrets) != 0 || out.WritesSent != 1 || out.WritesConfirmed != 0 {
				t.Errorf("outcome %+v, secrets %v", out, secrets)
			}
		})
	}
}

func TestExecuteTokens_refusedAndNotSent(t *testing.T) {
	f := newFakeTokens()
	f.issueErr["con_a"] = errors.New("409 Conflict: Maximum of 2 tokens already issued for this connection")
	f.issueErr["con_b"] = fmt.Errorf("%w: interrupted", ErrNotSent)
	rec := &memRecorder{}
	out, _ := runTokens(f, issueTasks("con_a", "con_b"), rec, nil)
	a, _ := rec.resultOf("con_a")
	b, _ := rec.resultOf("con_b")
	if a.Status != runlog.StatusFailed || b.Status != runlog.StatusSkipped || !b.NotSent {
		t.Errorf("results %+v %+v", a, b)
	}
	if out.WritesSent != 0 || out.WritesRefused != 1 {
		t.Errorf("outcome %+v", out)
	}
}

func TestExecuteTokens_fatalStopsAndStopStartsNothing(t *testing.T) {
	f := newFakeTokens()
	f.listErr["con_a"] = &FatalError{Err: errors.New("403 Forbidden: Insufficient scope")}
	rec := &memRecorder{}
	tasks := issueTasks("con_a")
	out := ExecuteTokens(context.Background(), f, tasks, TokenOptions{Concurrency: 1, Recorder: rec})
	if out.Fatal == nil || out.Counts.Failed != 1 {
		t.Errorf("a fatal error must stop the run: %+v", out)
	}
	stop := make(chan struct{})
	close(stop)
	out, _ = runTokens(newFakeTokens(), issueTasks("con_a", "con_b"), &memRecorder{}, stop)
	if out.Counts.Skipped != 2 || !out.Interrupted || out.WritesSent != 0 {
		t.Errorf("after the first interrupt nothing starts: %+v", out)
	}
}

func TestExecuteTokens_revoke(t *testing.T) {
	f := newFakeTokens()
	a := f.add("con_a", f.now)
	lost := f.add("con_b", f.now)
	f.revokeErr[lost] = &UncertainError{Err: errors.New("502")}
	rec := &memRecorder{}
	tasks := []TokenTask{
		{Conn: scim.Connection{ID: "con_a"}, Action: plan.ActionRevokeToken, TokenID: a},
		{Conn: scim.Connection{ID: "con_c"}, Action: plan.ActionRevokeToken, TokenID: "tok_gone"},
		{Conn: scim.Connection{ID: "con_b"}, Action: plan.ActionRevokeToken, TokenID: lost},
	}
	out, _ := runTokens(f, tasks, rec, nil)
	ra, _ := rec.resultOf("con_a")
	rc, _ := rec.resultOf("con_c")
	rb, _ := rec.resultOf("con_b")
	if ra.Status != runlog.StatusApplied || rc.Status != runlog.StatusUnchanged || rb.Status != runlog.StatusFailed {
		t.Errorf("results %+v / %+v / %+v", ra, rc, rb)
	}
	if out.Counts.Applied != 1 || out.Counts.Unchanged != 1 || out.Counts.Failed != 1 {
		t.Errorf("outcome %+v", out)
	}
}

func TestTokenRollback_findsTheRunsTokens(t *testing.T) {
	at := time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)
	tok := func(id string, created time.Time) scimtoken.Token { return scimtoken.Token{ID: id, CreatedAt: created} }
	run := &runlog.Run{
		Header: runlog.Header{Command: "tokens issue"},
		Intents: []runlog.Intent{
			{ConnectionID: "con_a", Action: plan.ActionIssueToken, ExistingTokens: []string{"tok_old"}, At: at},
			{ConnectionID: "con_b", Action: plan.ActionIssueToken, At: at},
			{ConnectionID: "con_c", Action: plan.ActionIssueToken, At: at},
			{ConnectionID: "con_d", Action: plan.ActionIssueToken, At: at},
		},
		Results: []runlog.Result{
			{ConnectionID: "con_a", Action: plan.ActionIssueToken, Status: runlog.StatusApplied, TokenID: "tok_a"},
			{ConnectionID: "con_c", Action: plan.ActionIssueToken, Status: runlog.StatusFailed},
			// The last line the killed run wrote: its end.
			{ConnectionID: "con_d", Action: plan.ActionIssueToken, Status: runlog.StatusApplied, TokenID: "tok_d", At: at.Add(2 * time.Second)},
		},
	}
	now := map[string][]scimtoken.Token{
		"con_a": {tok("tok_old", at.Add(-time.Hour)), tok("tok_a", at), tok("tok_other", at.Add(time.Minute))},
		// The killed run's token (no result), and one from long before.
		"con_b": {tok("tok_b", at.Add(time.Second)), tok("tok_ancient", at.Add(-48*time.Hour))},
		"con_c": {tok("tok_c_other", at.Add(time.Second))},
		"con_d": {},
	}
	got := map[string]string{}
	for _, task := range TokenRollback(run, now) {
		got[task.TokenID] = string(task.Outcome)
	}
	want := map[string]string{"tok_a": "", "tok_b": "", "tok_d": "unchanged"}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("rollback tasks %v, want %v", got, want)
	}
	if k, err := WritesOf(run); err != nil || k != WritesIssuedTokens {
		t.Errorf("WritesOf: %v %v", k, err)
	}
	run.Intents = append(run.Intents, runlog.Intent{ConnectionID: "con_e", Action: plan.ActionUpdate})
	if _, err := WritesOf(run); err == nil {
		t.Error("a report mixing token and configuration writes must be refused")
	}
}

// TestTokenRollback_claimsOnlyWhatItCanAttribute is a killed tokens issue
// run followed by a second run (and another administrator): a token the run
// never saw in a result is revoked only when it is the one token created
// between its intent and the run's end (the last line written); every other
// token that may be it is listed as "could not attribute" and left alone.
func TestTokenRollback_claimsOnlyWhatItCanAttribute(t *testing.T) {
	at := time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)
	end := at.Add(3 * time.Second) // the killed run's last line
	tok := func(id string, created time.Time) scimtoken.Token { return scimtoken.Token{ID: id, CreatedAt: created} }
	issue := func(conn string) runlog.Intent {
		return runlog.Intent{ConnectionID: conn, Action: plan.ActionIssueToken, At: at}
	}
	run := &runlog.Run{
		Header:  runlog.Header{Command: "tokens issue", StartedAt: at.Add(-time.Second)},
		Intents: []runlog.Intent{issue("con_lost"), issue("con_lost2"), issue("con_never"), issue("con_two"), issue("con_none"), issue("con_unknown")},
		Results: []runlog.Result{
			{ConnectionID: "con_none", Action: plan.ActionIssueToken, Status: runlog.StatusApplied, TokenID: "tok_none", At: end},
			{ConnectionID: "con_unknown", Action: plan.ActionIssueToken, Status: runlog.StatusUnknown, At: end},
		},
	}
	now := map[string][]scimtoken.Token{
		// The run's lost token (in the same millisecond as its intent), and
		// the second run's, a second after the kill.
		"con_lost":  {tok("tok_lost", at.Truncate(time.Millisecond)), tok("tok_second_run", end.Add(time.Second))},
		"con_lost2": {tok("tok_lost2", at.Add(time.Second))},
		// The run's request never reached the tenant: only the second run's.
		"con_never": {tok("tok_second_run2", end.Add(500*time.Millisecond))},
		// Two inside the window: which one is the run's cannot be told.
		"con_two":     {tok("tok_in1", at.Add(time.Second)), tok("tok_in2", at.Add(2*time.Second))},
		"con_none":    {tok("tok_none", at)},
		"con_unknown": {tok("tok_other_admin", end.Add(time.Hour))},
	}
	got := map[string]string{}
	for _, task := range TokenRollback(run, now) {
		got[task.TokenID] = string(task.Outcome)
		if task.Outcome == runlog.StatusConflict && !strings.HasPrefix(task.Note, CouldNotAttribute) {
			t.Errorf("%s: note %q", task.TokenID, task.Note)
		}
	}
	want := map[string]string{
		"tok_lost": "", "tok_lost2": "", "tok_none": "",
		"tok_second_run2": "conflict", "tok_in1": "conflict", "tok_in2": "conflict", "tok_other_admin": "conflict",
	}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("rollback tasks\n got %v\nwant %v", got, want)
	}
	for id, outcome := range got {
		if outcome == "" && strings.Contains(id, "second_run") || strings.Contains(id, "other_admin") && outcome == "" {
			t.Errorf("a foreign token, %s, would be revoked", id)
		}
	}
	// A run with a summary ends at its time.
	run.Summary = &runlog.Summary{FinishedAt: end.Add(10 * time.Second)}
	if got := RunEnd(run); !got.Equal(run.Summary.FinishedAt) {
		t.Errorf("RunEnd %v", got)
	}
}
