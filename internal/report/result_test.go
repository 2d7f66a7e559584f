package report

import (
	"encoding/json"
	"errors"
	"testing"
	"time"

	"github.com/scim-migrate/scim-migrate/internal/execute"
	"github.com/scim-migrate/scim-migrate/internal/manifest"
	"github.com/scim-migrate/scim-migrate/internal/plan"
	"github.com/scim-migrate/scim-migrate/internal/runlog"
	"github.com/scim-migrate/scim-migrate/internal/scim"
)

func jsonOf(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// A dry run's document lists the changes it would write, none for a
// connection left as it is.
func TestRunResult_dryRunLists(t *testing.T) {
	d := NewRunResult("apply", true)
	d.Tenant = "acme.eu.auth0.com"
	d.Planned(&plan.Plan{Summary: plan.Summary{Create: 1, Unchanged: 1}, Changes: []plan.Change{
		{Identity: scim.Identity{ID: "con_a", Name: "a"}, Action: plan.ActionCreate},
		{Identity: scim.Identity{ID: "con_b", Name: "b"}, Action: plan.ActionNone},
	}})
	got := jsonOf(t, d.Complete(0, ""))
	const want = `{"command":"apply","tenant":"acme.eu.auth0.com","dry_run":true,"plan":{"create":1,"update":0,"unchanged":1,"missing":0},` +
		`"changes":[{"connection_id":"con_a","connection_name":"a","action":"create","before":null,"after":null}],` +
		`"summary":{"applied":0,"unchanged":0,"failed":0,"conflict":0,"skipped":0,"unknown":0},"writes_sent":0,"writes_confirmed":0,"exit_code":0}`
	if got != want {
		t.Errorf("got  %s\nwant %s", got, want)
	}
}

// A run's document says what it sent and when; the error printed, if any.
func TestRunResult_ran(t *testing.T) {
	d := NewRunResult("rollback", false)
	d.Planned(&plan.Plan{Changes: []plan.Change{{Identity: scim.Identity{ID: "con_a"}, Action: plan.ActionUpdate}}})
	start := time.Date(2026, 1, 2, 3, 4, 5, 0, time.FixedZone("CET", 3600))
	var out execute.Totals
	out.Counts.Add(runlog.StatusApplied)
	out.WritesSent, out.WritesConfirmed = 1, 1
	d.Ran(out, "r.jsonl", start, start.Add(time.Second))
	d.Complete(3, "1 connection failed")
	if d.Changes != nil || d.Report != "r.jsonl" || d.Summary.Applied != 1 || d.WritesSent != 1 || d.ExitCode != 3 || d.Error != "1 connection failed" {
		t.Errorf("%+v", d)
	}
	if d.StartedAt.Location() != time.UTC || !d.FinishedAt.Equal(start.Add(time.Second)) {
		t.Errorf("times %v %v, want UTC", d.StartedAt, d.FinishedAt)
	}
}

func TestValidated(t *testing.T) {
	ps := manifest.Problems{{Pos: manifest.Pos{File: "m.csv", Line: 3}, Message: "bad id"}}
	for _, tt := range []struct {
		err  error
		want string
	}{
		{nil, `{"valid":true,"problems":[]}`},
		{ps, `{"valid":false,"problems":[{"file":"m.csv","line":3,"message":"bad id"}]}`},
		{errors.New("open m.csv: no such file"), `{"valid":false,"problems":[{"file":"m.csv","line":0,"message":"open m.csv: no such file"}]}`},
	} {
		if got := jsonOf(t, Validated("m.csv", tt.err)); got != tt.want {
			t.Errorf("Validated(%v) = %s, want %s", tt.err, got, tt.want)
		}
	}
}

// A command that failed before its own document gets one of its shape.
func TestFailed(t *testing.T) {
	err := errors.New("bad flag")
	for command, want := range map[string]string{
		"validate":     `{"valid":false,"problems":[{"file":"","line":0,"message":"bad flag"}]}`,
		"plan":         `{"command":"plan","exit_code":1,"error":"bad flag"}`,
		"tokens audit": `{"command":"tokens audit","exit_code":1,"error":"bad flag"}`,
		"apply": `{"command":"apply","dry_run":false,"summary":{"applied":0,"unchanged":0,"failed":0,"conflict":0,"skipped":0,"unknown":0},` +
			`"writes_sent":0,"writes_confirmed":0,"exit_code":1,"error":"bad flag"}`,
	} {
		if got := jsonOf(t, Failed(command, 1, err)); got != want {
			t.Errorf("%s: got  %s\nwant %s", command, got, want)
		}
	}
}
