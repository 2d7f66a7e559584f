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

	"github.com/scim-migrate/scim-migrate/internal/runlog"
	"github.com/scim-migrate/scim-migrate/internal/scim"
	"github.com/scim-migrate/scim-migrate/internal/scimtoken"
	"github.com/scim-migrate/scim-migrate/internal/tokenplan"
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

func issueTasks(conns ...string) *tokenplan.Plan {
	var changes []tokenplan.Change
	for _, c := range conns {
		changes = append(changes, tokenplan.Change{Identity: scim.Identity{ID: c, Name: "n-" + c}, Action: scimtoken.ActionIssue})
	}
	return &tokenplan.Plan{Kind: runlog.KindTokenIssue, Request: &tokenplan.Request{Scopes: scimtoken.DefaultScopes}, Changes: changes}
}

func runTokens(f *fakeTokens, tasks *tokenplan.Plan, rec *memRecorder, stop <-chan struct{}) (Totals, map[string]string) {
	var mu sync.Mutex
	secrets := map[string]string{}
	out := ExecuteTokens(context.Background(), f, tasks, TokenOptions{
		RunOptions: RunOptions{Concurrency: 3, Recorder: rec, Stop: stop, Now: func() time.Time { return f.now }}, Issued: func(t tokenplan.Change, tok scimtoken.Issued) {
			mu.Lock()
			defer mu.Unlock()
			secrets[t.ID] = tok.Secret
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
	out := ExecuteTokens(context.Background(), f, tasks, TokenOptions{RunOptions: RunOptions{Concurrency: 1, Recorder: rec}})
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
	tasks := &tokenplan.Plan{Kind: runlog.KindTokenRevoke, Changes: []tokenplan.Change{
		{Identity: scim.Identity{ID: "con_a"}, Action: scimtoken.ActionRevoke, TokenID: a},
		{Identity: scim.Identity{ID: "con_c"}, Action: scimtoken.ActionRevoke, TokenID: "tok_gone"},
		{Identity: scim.Identity{ID: "con_b"}, Action: scimtoken.ActionRevoke, TokenID: lost},
	}}
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

// TestExecuteTokens_rotate revokes the planned older token, recording its
// intent first, then issues; a connection found at the maximum with no
// token planned to go, or whose revoke fails, gets no token.
func TestExecuteTokens_rotate(t *testing.T) {
	f := newFakeTokens()
	old := f.add("con_full", f.now.Add(-48*time.Hour))
	keep := f.add("con_full", f.now.Add(-time.Hour))
	f.add("con_surprise", f.now.Add(-2*time.Hour))
	f.add("con_surprise", f.now.Add(-time.Hour))
	stuck := f.add("con_stuck", f.now.Add(-2*time.Hour))
	f.add("con_stuck", f.now.Add(-time.Hour))
	f.revokeErr[stuck] = errors.New("500 Internal Server Error")
	rec := &memRecorder{}
	p := &tokenplan.Plan{Kind: runlog.KindTokenRotate, Request: &tokenplan.Request{Scopes: scimtoken.DefaultScopes}, Changes: []tokenplan.Change{
		{Identity: scim.Identity{ID: "con_full"}, Action: scimtoken.ActionRotate, TokenID: old},
		{Identity: scim.Identity{ID: "con_empty"}, Action: scimtoken.ActionRotate},
		{Identity: scim.Identity{ID: "con_surprise"}, Action: scimtoken.ActionRotate},
		{Identity: scim.Identity{ID: "con_stuck"}, Action: scimtoken.ActionRotate, TokenID: stuck},
	}}
	out, secrets := runTokens(f, p, rec, nil)
	full, _ := rec.resultOf("con_full")
	if full.Status != runlog.StatusApplied || full.TokenID == "" || secrets["con_full"] == "" {
		t.Fatalf("con_full: %+v", full)
	}
	if got := f.held("con_full"); len(got) != 2 || !slices.Contains(got, keep) || slices.Contains(got, old) {
		t.Errorf("con_full holds %v, want %s and the new one", got, keep)
	}
	if r, _ := rec.resultOf("con_empty"); r.Status != runlog.StatusApplied {
		t.Errorf("con_empty: %+v", r)
	}
	if r, _ := rec.resultOf("con_surprise"); r.Status != runlog.StatusFailed || len(f.held("con_surprise")) != 2 {
		t.Errorf("a token the plan did not name is never revoked: %+v", r)
	}
	if r, _ := rec.resultOf("con_stuck"); r.Status != runlog.StatusFailed || r.TokenID != "" || !strings.Contains(r.Error, "not rotated") {
		t.Errorf("a failed revoke issues nothing: %+v", r)
	}
	if out.Counts.Applied != 2 || out.Counts.Failed != 2 {
		t.Errorf("outcome %+v", out)
	}
	var revokeAt, issueAt = -1, -1
	for i, in := range rec.intents {
		switch {
		case in.ConnectionID == "con_full" && in.TokenID == old:
			revokeAt = i
		case in.ConnectionID == "con_full" && in.Action == tokenplan.RecordedAction(scimtoken.ActionIssue):
			issueAt = i
		}
	}
	if revokeAt < 0 || issueAt < revokeAt {
		t.Errorf("intents %+v: the revoke's must come before the issue's", rec.intents)
	}
}
