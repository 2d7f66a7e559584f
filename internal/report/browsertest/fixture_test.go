package browsertest_test

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/scim-migrate/scim-migrate/internal/fileutil"
	"github.com/scim-migrate/scim-migrate/internal/plan"
	"github.com/scim-migrate/scim-migrate/internal/report"
	"github.com/scim-migrate/scim-migrate/internal/runlog"
	"github.com/scim-migrate/scim-migrate/internal/scim"
)

// Hostile text the page must show as text and never run.
const (
	scriptName  = `<script>window.__pwned=1</script>evil`
	scriptValue = `app_metadata.<img src=x onerror="window.__pwned=2"></script><script>window.__pwned=3</script>`
)

// namePool mixes scripts and widths, so sorting, search and layout meet
// real-world names.
var namePool = []string{"acme-okta", "Zürich Ärzte", "東京-sso", "Ελληνικά-saml", "café-oidc", "naïve-waad", "emoji-🚀-okta", "اتصال-samlp"}

// statusCycle sets what each connection of the generated run did; ten
// connections in a row hold every status.
var statusCycle = []struct {
	status runlog.Status
	action plan.Action
}{
	{runlog.StatusApplied, plan.ActionUpdate}, {runlog.StatusApplied, plan.ActionUpdate},
	{runlog.StatusApplied, plan.ActionCreate}, {runlog.StatusApplied, plan.ActionUpdate},
	{runlog.StatusUnchanged, plan.ActionNone}, {runlog.StatusFailed, plan.ActionUpdate},
	{runlog.StatusConflict, plan.ActionNone}, {runlog.StatusSkipped, plan.ActionNone},
	{runlog.StatusApplied, plan.ActionUpdate}, {runlog.StatusFailed, plan.ActionCreate},
}

// fixture is a generated run report and its rendered page.
type fixture struct {
	reportPath, pagePath string
	run                  *runlog.Run
	pageBytes            int64
}

// newFixture writes a run report of n connections through report.Writer, as
// apply does, reads it back and renders its page into dir.
func newFixture(t testing.TB, dir string, n int) fixture {
	t.Helper()
	f := fixture{reportPath: filepath.Join(dir, "run.jsonl"), pagePath: filepath.Join(dir, "run.html")}
	start := time.Date(2026, 3, 14, 9, 26, 53, 0, time.UTC)
	w, err := runlog.CreateWith(f.reportPath, runlog.Header{
		Command: "apply", Tenant: "acme.eu.auth0.com", ToolVersion: "1.2.3-test", StartedAt: start,
		Manifest: &plan.Source{Path: "manifests/all.csv", SHA256: "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"},
		User:     "auditor", Host: "build-07", PID: 4242,
	}, openUnsynced)
	if err != nil {
		t.Fatal(err)
	}
	var counts runlog.Counts
	for i := range n {
		r := fixtureResult(i, start)
		if r.Action != plan.ActionNone {
			check(t, w.Intent(runlog.Intent{ConnectionID: r.ConnectionID, ConnectionName: r.ConnectionName, Strategy: r.Strategy, Action: r.Action, Before: r.Before, After: r.After, At: r.At}))
		}
		check(t, w.Result(r))
		counts.Add(r.Status)
	}
	check(t, w.Summary(runlog.Summary{Counts: counts, FinishedAt: start.Add(42 * time.Second), Requests: int64(n * 2)}))
	check(t, w.Close())
	f.run, err = runlog.ReadRunFile(f.reportPath)
	check(t, err)
	f.pageBytes = renderPage(t, f.run, f.reportPath, f.pagePath)
	return f
}

// openUnsynced opens the report as the writer does, but its Sync does
// nothing: the file's bytes are the same, and a fixture of thousands of
// lines need not wait for the disk after each.
func openUnsynced(path string) (runlog.File, error) {
	f, err := fileutil.CreateAppend(path)
	if err != nil {
		return nil, err
	}
	return unsynced{f}, nil
}

type unsynced struct{ *os.File }

func (unsynced) Sync() error { return nil }

func fixtureResult(i int, start time.Time) runlog.Result {
	c := statusCycle[i%len(statusCycle)]
	r := runlog.Result{
		ConnectionID:   fmt.Sprintf("con_Gen%06dX", i),
		ConnectionName: fmt.Sprintf("%s-%04d", namePool[i%len(namePool)], i),
		Strategy:       scim.SCIMStrategies[i%len(scim.SCIMStrategies)],
		Status:         c.status, Action: c.action, Attempts: 1 + i%3, DurationMS: int64(40 + i%900),
		At: start.Add(time.Duration(i) * time.Millisecond),
	}
	if i == 3 {
		r.ConnectionName = scriptName
	}
	before := fixtureConfig(i, false)
	after := fixtureConfig(i, true)
	switch {
	case c.action == plan.ActionCreate:
		r.After = after
	case c.status == runlog.StatusSkipped:
	case c.status == runlog.StatusUnchanged:
		r.Before, r.After = before, before
	default:
		r.Before, r.After = before, after
	}
	switch c.status {
	case runlog.StatusFailed:
		r.Error = fmt.Sprintf("update scim mapping: 400 Bad Request: invalid mapping <b>%d</b>", i)
	case runlog.StatusConflict:
		r.Error = "the live state changed since the plan"
	case runlog.StatusSkipped:
		r.Error = "no SCIM configuration, and none is to be created"
	}
	return r
}

// fixtureConfig is a connection's mapping before or after the migration:
// user_id_attribute changes on every other connection, one entry changes,
// one is added, and one carries hostile text.
func fixtureConfig(i int, after bool) *scim.Config {
	c := &scim.Config{UserIDAttribute: "userName", Mapping: []scim.Pair{
		{SCIM: "userName", Auth0: "preferred_username"},
		{SCIM: "emails[primary eq true].value", Auth0: "email"},
		{SCIM: "name.givenName", Auth0: "given_name"},
		{SCIM: "name.familyName", Auth0: "family_name"},
	}}
	if !after {
		return c
	}
	if i%2 == 0 {
		c.UserIDAttribute = "externalId"
	}
	c.Mapping[1].Auth0 = "app_metadata.email"
	c.Mapping = append(c.Mapping, scim.Pair{SCIM: "title", Auth0: "app_metadata.title"})
	if i == 3 {
		c.Mapping = append(c.Mapping, scim.Pair{SCIM: "displayName", Auth0: scriptValue})
	}
	return c
}

// renderPage writes the run's HTML page to path and returns its size.
func renderPage(t testing.TB, run *runlog.Run, source, path string) int64 {
	t.Helper()
	out, err := os.Create(path)
	check(t, err)
	check(t, report.RenderRunHTML(out, run, source))
	check(t, out.Close())
	fi, err := os.Stat(path)
	check(t, err)
	return fi.Size()
}

func check(t testing.TB, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}
