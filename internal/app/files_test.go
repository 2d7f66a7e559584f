package app

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/scim-migrate/scim-migrate/internal/emulator"
	"github.com/scim-migrate/scim-migrate/internal/fileutil"
	"github.com/scim-migrate/scim-migrate/internal/runlog"
)

// tearingDisk is a report file on a disk that fills and frees: the writes
// whose numbers are in fail write the first half of their line and fail.
type tearingDisk struct {
	runlog.File
	mu     sync.Mutex
	writes int
	fail   map[int]bool
}

func (f *tearingDisk) Write(p []byte) (int, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.writes++
	if !f.fail[f.writes] {
		return f.File.Write(p)
	}
	n, _ := f.File.Write(p[:len(p)/2])
	return n, syscall.ENOSPC
}

// TestReport_tornWritesStayReadable runs apply 20 times on a report whose
// disk fails some writes part-way and frees at once: each run stops (exit
// 4, naming the report) or finishes, and rollback always reads the report
// and restores the tenant exactly.
func TestReport_tornWritesStayReadable(t *testing.T) {
	t.Parallel()
	for trial := range 20 {
		t.Run(fmt.Sprint(trial), func(t *testing.T) {
			h, m, _ := bulkTenant(t, 12, emulator.Options{})
			original := h.tenant.Snapshot()
			first := 2 + trial
			fail := map[int]bool{first: true}
			if trial%2 == 0 {
				fail[first+1] = true // two torn lines in a row
			}
			h.openReport = func(path string) (runlog.File, error) {
				f, err := fileutil.CreateAppend(path)
				return &tearingDisk{File: f, fail: fail}, err
			}
			rep := h.path("r.jsonl")
			r := h.run("apply", "--concurrency", "4", "--report", rep, "-f", m)
			// Exit 4 once writes were sent; 1 when the report failed before
			// the first write left (nothing to undo then).
			nothingSent := r.code == ExitError && strings.Contains(r.stderr, "nothing was written")
			if r.code != ExitStopped && !nothingSent {
				t.Fatalf("want exit 4 (or 1, nothing written) for a report that could not be written:\n%s", r)
			}
			h.openReport = nil
			if _, err := runlog.ReadRunFile(rep); err != nil {
				t.Fatalf("the report cannot be read: %v\n%s", err, r)
			}
			h.rollbackRestores(rep, original, "rollback of a run whose report was torn")
		})
	}
}

// TestRollback_readsAReportWithATornLine rolls back a report written before
// torn lines were cut back: a partly written intent (whose write was never
// sent) with the next line glued to it. Rollback names the torn line, skips
// it and restores every recorded write.
func TestRollback_readsAReportWithATornLine(t *testing.T) {
	t.Parallel()
	h, m, _ := bulkTenant(t, 8, emulator.Options{})
	original := h.tenant.Snapshot()
	rep := h.path("r.jsonl")
	h.expect(h.run("apply", "--concurrency", "1", "--report", rep, "-f", m), ExitOK)
	data, err := os.ReadFile(rep)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.SplitAfter(string(data), "\n")
	torn := strings.Replace(lines[1], "con_", "con_X", 1) // an intent never sent
	lines[3] = torn[:len(torn)/2] + lines[3]
	if err := os.WriteFile(rep, []byte(strings.Join(lines, "")), 0o600); err != nil {
		t.Fatal(err)
	}
	r := h.expect(h.run("rollback", "--report", h.path("b.jsonl"), "--from", rep), ExitOK)
	if !strings.Contains(r.stderr, "torn") || !strings.Contains(r.stderr, "line=4") {
		t.Errorf("rollback must name the torn line:\n%s", r)
	}
	h.sameState(original, "rollback of a report with a torn line")
}

// seedReport writes a report with only its header, as a run of command on
// tenant started at started.
func seedReport(t *testing.T, path, tenant, command string, started time.Time) string {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		t.Fatal(err)
	}
	w, err := runlog.Create(path, runlog.Header{Tenant: tenant, Command: command, StartedAt: started.UTC(), ToolVersion: "test"})
	if err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return path
}

// TestReportDir_keepDeletesOnlyItsOwnReports seeds a --report-dir with this
// tenant's old reports and with look-alikes: a report dated in the future,
// a user's file, a symlink and a directory named like reports, reports of
// tenants whose names end the same, a report whose header is another
// tenant's or another command's. apply --keep 2 deletes exactly the old
// reports but the newest, and keeps its own.
func TestReportDir_keepDeletesOnlyItsOwnReports(t *testing.T) {
	t.Parallel()
	h := newHarness(t, emulator.Options{})
	dir := h.path("reports")
	name := strings.TrimPrefix(h.srv.URL, "http://") // 127.0.0.1:PORT
	key := strings.Replace(name, "127.0.0.1", "localhost", 1)
	now := time.Now()
	at := func(d time.Duration) time.Time { return now.Add(-d).Truncate(time.Millisecond) }
	named := func(command, tenant string, started time.Time) string {
		return filepath.Join(dir, runlog.DefaultPath(command, tenant, started))
	}
	var ours []string
	for i := range 3 {
		ours = append(ours, seedReport(t, named("apply", key, at(time.Duration(i+1)*time.Hour)), name, "apply", at(time.Duration(i+1)*time.Hour)))
	}
	ours = append(ours, seedReport(t, named("tokens issue", key, at(5*time.Hour)), name, "tokens issue", at(5*time.Hour)))
	future := time.Date(2099, 1, 1, 0, 0, 0, 0, time.UTC)
	keep := []string{
		seedReport(t, named("apply", key, future), name, "apply", future),
		seedReport(t, named("apply", "dev-"+key, at(9*time.Hour)), "dev-"+key, "apply", at(9*time.Hour)),
		seedReport(t, named("rollback", "dev-"+key, at(9*time.Hour)), name, "rollback", at(9*time.Hour)),
		seedReport(t, named("apply", key, at(10*time.Hour)), "other.eu.auth0.com", "apply", at(10*time.Hour)),
		seedReport(t, named("apply", key, at(11*time.Hour)), name, "rollback", at(11*time.Hour)),
		seedReport(t, named("apply", key, at(12*time.Hour)), name, "apply", at(13*time.Hour)),
		h.file("reports/"+runlog.DefaultPath("apply", key, at(20*time.Hour)), "my own notes, named like a report\n"),
	}
	outside := seedReport(t, h.path("elsewhere.jsonl"), name, "apply", at(30*time.Hour))
	link := named("apply", key, at(30*time.Hour))
	if err := os.Symlink(outside, link); err != nil {
		t.Fatal(err)
	}
	keep = append(keep, link, outside)
	sub := named("apply", key, at(40*time.Hour))
	if err := os.Mkdir(sub, 0o700); err != nil {
		t.Fatal(err)
	}
	keep = append(keep, sub)

	r := h.expect(h.run("apply", "--report-dir", dir, "--keep", "2", "-f", "../../examples/manifest.json"), ExitOK)
	for _, p := range keep {
		if _, err := os.Lstat(p); err != nil {
			t.Errorf("deleted %s, which is not this tenant's report", filepath.Base(p))
		}
	}
	if _, err := os.Stat(ours[0]); err != nil {
		t.Errorf("the newest old report must be kept:\n%s", r)
	}
	for _, p := range ours[1:] {
		if _, err := os.Stat(p); err == nil {
			t.Errorf("%s is old and this tenant's: it must be deleted", filepath.Base(p))
		} else if !strings.Contains(r.stderr, "deleted an old report") || !strings.Contains(r.stderr, filepath.Base(p)) {
			t.Errorf("the deletion of %s must be logged:\n%s", filepath.Base(p), r.stderr)
		}
	}
	current := strings.TrimSpace(strings.TrimPrefix(r.stderr[strings.Index(r.stderr, "Report: "):], "Report: "))
	current = current[:strings.IndexByte(current, '\n')]
	if _, err := runlog.ReadRunFile(current); err != nil {
		t.Errorf("the run's own report: %v", err)
	}
	if !strings.Contains(r.stderr, "dated in the future") {
		t.Errorf("the report dated in the future must be named in the log:\n%s", r.stderr)
	}

	// --keep 1 keeps the run's own report and nothing else of this tenant's.
	r = h.expect(h.run("apply", "--report-dir", dir, "--keep", "1", "-f", "../../examples/manifest.json"), ExitOK)
	for _, p := range keep {
		if _, err := os.Lstat(p); err != nil {
			t.Errorf("deleted %s", filepath.Base(p))
		}
	}
	for _, p := range []string{current, ours[0]} {
		if _, err := os.Stat(p); err == nil {
			t.Errorf("%s must be deleted by --keep 1", filepath.Base(p))
		}
	}
	left, _ := filepath.Glob(filepath.Join(dir, "*.jsonl"))
	if len(left) != len(keep)-1+1 { // keep minus the file outside, plus this run's
		t.Errorf("left %d files, want %d:\n%s", len(left), len(keep), r.stderr)
	}
}

// TestTokensIssue_reportRecordsTheHandoffsFate: the report's summary says
// what became of the handoff file, its last step: written, with how many
// tokens; or, when it cannot be written (its directory is gone by then),
// the error, and the run exits 4 naming the report, whose rollback revokes
// the tokens.
func TestTokensIssue_reportRecordsTheHandoffsFate(t *testing.T) {
	t.Parallel()
	h := newHarness(t, emulator.Options{})
	out, rep := h.path("handoff.json"), h.path("issue.jsonl")
	h.expect(h.run("tokens", "issue", "--yes", "--strategy", "okta", "--out", out, "--report", rep), ExitOK)
	sum := h.readReport(rep).Summary
	if sum == nil || sum.Handoff == nil || !sum.Handoff.Written || sum.Handoff.Path != out || sum.Handoff.Tokens != 2 || sum.Error != "" {
		t.Fatalf("summary %+v", sum)
	}

	h = newHarness(t, emulator.Options{})
	dir := h.path("handoffs")
	if err := os.Mkdir(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	var once sync.Once
	h.tenant.SetWriteHook(func(string) { once.Do(func() { _ = os.RemoveAll(dir) }) })
	out, rep = filepath.Join(dir, "handoff.json"), h.path("issue.jsonl")
	r := h.expect(h.run("tokens", "issue", "--yes", "--strategy", "okta", "--out", out, "--report", rep), ExitStopped)
	if !strings.Contains(r.stderr, "rollback --from "+rep) {
		t.Errorf("the error must name the report:\n%s", r)
	}
	h.tenant.SetWriteHook(nil)
	sum = h.readReport(rep).Summary
	if sum == nil || sum.Handoff == nil || sum.Handoff.Written || sum.Handoff.Tokens != 2 ||
		!strings.Contains(sum.Handoff.Error, "handoff") || !strings.Contains(sum.Error, "handoff") {
		t.Fatalf("the summary must record the failed handoff: %+v", sum)
	}
	h.expect(h.run("rollback", "--from", rep, "--report", h.path("back.jsonl")), ExitOK)
	if got := append(h.tokenIDs(acme), h.tokenIDs(hooli)...); len(got) != 0 {
		t.Errorf("tokens left after the rollback: %v", got)
	}
}

// TestOutputs_refusedBeforeAnyRequest: two outputs naming one file, and a
// directory (or an existing file) where a command writes a new file, are
// refused before any request, with or without --force.
func TestOutputs_refusedBeforeAnyRequest(t *testing.T) {
	t.Parallel()
	h := newHarness(t, emulator.Options{})
	dir := h.path("adir.json")
	if err := os.Mkdir(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	existing := h.file("existing.jsonl", "keep me\n")
	same := h.path("same.json")
	cases := []struct {
		args []string
		want string
	}{
		{[]string{"tokens", "issue", "--yes", "--all", "--out", same, "--report", same}, "name the same file"},
		{[]string{"tokens", "issue", "--yes", "--all", "--out", same, "--report", h.path("x/../same.json")}, "name the same file"},
		{[]string{"tokens", "issue", "--yes", "--all", "--out", dir}, "is a directory"},
		{[]string{"tokens", "issue", "--yes", "--all", "--force", "--out", dir}, "is a directory"},
		{[]string{"tokens", "issue", "--yes", "--all", "--out", same, "--report", dir}, "a directory exists"},
		{[]string{"tokens", "revoke", "--yes", "--expired", "--all", "--report", existing}, "a file exists"},
		{[]string{"apply", "--report", dir, "-f", "../../examples/manifest.json"}, "a directory exists"},
		{[]string{"apply", "--force", "--report", existing, "-f", "../../examples/manifest.json"}, "a file exists"},
		{[]string{"apply", "--report-dir", existing, "-f", "../../examples/manifest.json"}, "not a directory"},
		{[]string{"rollback", "--report", dir, "--from", existing}, "a directory exists"},
		{[]string{"plan", "--out", dir, "-f", "../../examples/manifest.json"}, "is a directory"},
		{[]string{"export", "--out", dir}, "is a directory"},
		{[]string{"tokens", "audit", "--out", dir}, "is a directory"},
	}
	if err := os.Mkdir(h.path("x"), 0o700); err != nil {
		t.Fatal(err)
	}
	for _, tc := range cases {
		r := h.run(tc.args[0], tc.args[1:]...)
		if r.code != ExitError || !strings.Contains(r.stderr, tc.want) {
			t.Errorf("%v: want exit 1 and %q:\n%s", tc.args, tc.want, r)
		}
		if n := h.tenant.Stats().Total(); n != 0 {
			t.Fatalf("%v: %d requests sent", tc.args, n)
		}
	}
	if fi, err := os.Stat(dir); err != nil || !fi.IsDir() {
		t.Error("the directory was replaced")
	}
	if b, _ := os.ReadFile(existing); string(b) != "keep me\n" {
		t.Error("the existing file was changed")
	}
	if _, err := os.Lstat(same); err == nil {
		t.Error("same.json was written")
	}
}

// TestReportDir_pruneComesAfterTheSummary: with --keep, a run says how it
// ended (its last log event, then its one-line result) before it deletes
// old reports, as a cron log read top to bottom expects.
func TestReportDir_pruneComesAfterTheSummary(t *testing.T) {
	t.Parallel()
	h := newHarness(t, emulator.Options{})
	dir := h.path("reports")
	name := strings.TrimPrefix(h.srv.URL, "http://")
	key := strings.Replace(name, "127.0.0.1", "localhost", 1)
	old := time.Now().Add(-time.Hour).Truncate(time.Millisecond)
	seedReport(t, filepath.Join(dir, runlog.DefaultPath("apply", key, old)), name, "apply", old)
	var both bytes.Buffer
	code := h.runStreams(&both, &both, "scim-migrate", "apply", "--domain", h.srv.URL, "--yes", "-v",
		"--report-dir", dir, "--keep", "1", "-f", "../../examples/manifest.json")
	got := both.String()
	finished, summary, deleted := strings.Index(got, "run finished"), strings.Index(got, "apply finished:"), strings.Index(got, "deleted an old report")
	if code != ExitOK || finished < 0 || summary < 0 || deleted < 0 || !(finished < summary && summary < deleted) {
		t.Fatalf("exit %d; want the run's last event, its result, then the deletion, in that order:\n%s", code, got)
	}
}
