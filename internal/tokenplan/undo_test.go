package tokenplan

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/scim-migrate/scim-migrate/internal/plan"
	"github.com/scim-migrate/scim-migrate/internal/runlog"
	"github.com/scim-migrate/scim-migrate/internal/scimtoken"
)

var issueAction = RecordedAction(scimtoken.ActionIssue)

func TestTokenRollback_findsTheRunsTokens(t *testing.T) {
	at := time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)
	tok := func(id string, created time.Time) scimtoken.Token { return scimtoken.Token{ID: id, CreatedAt: created} }
	run := &runlog.Run{
		Header: runlog.Header{Command: "tokens issue"},
		Intents: []runlog.Intent{
			{ConnectionID: "con_a", Action: issueAction, ExistingTokens: []string{"tok_old"}, At: at},
			{ConnectionID: "con_b", Action: issueAction, At: at},
			{ConnectionID: "con_c", Action: issueAction, At: at},
			{ConnectionID: "con_d", Action: issueAction, At: at},
		},
		Results: []runlog.Result{
			{ConnectionID: "con_a", Action: issueAction, Status: runlog.StatusApplied, TokenID: "tok_a"},
			{ConnectionID: "con_c", Action: issueAction, Status: runlog.StatusFailed},
			// The last line the killed run wrote: its end.
			{ConnectionID: "con_d", Action: issueAction, Status: runlog.StatusApplied, TokenID: "tok_d", At: at.Add(2 * time.Second)},
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
	for _, task := range Undo(run, now, "r.jsonl", Meta{}).Changes {
		got[task.TokenID] = string(task.Decided)
	}
	want := map[string]string{"tok_a": "", "tok_b": "", "tok_d": "unchanged"}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("rollback tasks %v, want %v", got, want)
	}
	if k, err := runlog.KindOf(run); err != nil || k != runlog.KindTokenIssue {
		t.Errorf("KindOf: %v %v", k, err)
	}
	run.Intents = append(run.Intents, runlog.Intent{ConnectionID: "con_e", Action: plan.ActionUpdate})
	if _, err := runlog.KindOf(run); err == nil {
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
		return runlog.Intent{ConnectionID: conn, Action: issueAction, At: at}
	}
	run := &runlog.Run{
		Header:  runlog.Header{Command: "tokens issue", StartedAt: at.Add(-time.Second)},
		Intents: []runlog.Intent{issue("con_lost"), issue("con_lost2"), issue("con_never"), issue("con_two"), issue("con_none"), issue("con_unknown")},
		Results: []runlog.Result{
			{ConnectionID: "con_none", Action: issueAction, Status: runlog.StatusApplied, TokenID: "tok_none", At: end},
			{ConnectionID: "con_unknown", Action: issueAction, Status: runlog.StatusUnknown, At: end},
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
	for _, task := range Undo(run, now, "r.jsonl", Meta{}).Changes {
		got[task.TokenID] = string(task.Decided)
		if task.Decided == runlog.StatusConflict && !strings.HasPrefix(task.Problem, CouldNotAttribute) {
			t.Errorf("%s: note %q", task.TokenID, task.Problem)
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
