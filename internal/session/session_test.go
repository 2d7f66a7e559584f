package session

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/scim-migrate/scim-migrate/internal/execute"
	"github.com/scim-migrate/scim-migrate/internal/manifest"
	"github.com/scim-migrate/scim-migrate/internal/runlog"
	"github.com/scim-migrate/scim-migrate/internal/scim"
	"github.com/scim-migrate/scim-migrate/internal/tenantconfig"
)

func env(vars map[string]string) func(string) string {
	return func(k string) string { return vars[k] }
}

// The environment's credentials win as a whole; a named tenant's complete
// them only when the environment gives none; every secret read is redacted.
func TestCredentials(t *testing.T) {
	t.Parallel()
	var redacted []string
	redact := func(s string) { redacted = append(redacted, s) }
	named := &tenantconfig.Tenant{Name: "acme", APITokenEnv: "ACME_TOKEN"}

	creds, err := Options{Getenv: env(map[string]string{"AUTH0_API_TOKEN": " tok \n", "ACME_TOKEN": "other"}), Named: named, Redact: redact}.credentials()
	if err != nil || creds.Token != "tok" || len(redacted) != 0 {
		t.Fatalf("environment token: %+v, %v, redacted %q", creds, err, redacted)
	}
	creds, err = Options{Getenv: env(map[string]string{"ACME_TOKEN": "named-token"}), Named: named, Redact: redact}.credentials()
	if err != nil || creds.Token != "named-token" || len(redacted) != 1 || redacted[0] != "named-token" {
		t.Fatalf("named tenant's token: %+v, %v, redacted %q", creds, err, redacted)
	}
	if _, err := (Options{Getenv: env(nil), Named: named}).credentials(); err == nil || !strings.Contains(err.Error(), "ACME_TOKEN, which is empty") {
		t.Fatalf("an empty named token: %v", err)
	}

	dir := t.TempDir()
	file := filepath.Join(dir, "token")
	if err := os.WriteFile(file, []byte("file-token\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	creds, err = Options{Getenv: env(nil), TokenFile: file, Redact: redact}.credentials()
	if err != nil || creds.Token != "file-token" || redacted[len(redacted)-1] != "file-token" {
		t.Fatalf("token file: %+v, %v", creds, err)
	}
	if err := os.WriteFile(file, []byte("two words"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := (Options{Getenv: env(nil), TokenFile: file}).credentials(); err == nil || !strings.Contains(err.Error(), "whitespace") {
		t.Fatalf("a token with whitespace: %v", err)
	}
	empty := filepath.Join(dir, "empty")
	if err := os.WriteFile(empty, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := (Options{Getenv: env(nil), TokenFile: empty}).credentials(); err == nil || !strings.Contains(err.Error(), "is empty") {
		t.Fatalf("an empty token file: %v", err)
	}
}

func TestReportPath(t *testing.T) {
	t.Parallel()
	start := time.Date(2025, 3, 4, 5, 6, 7, 0, time.UTC)
	if got := (Reports{Path: "mine.jsonl", Dir: "ignored"}).ReportPath("apply", "t", start); got != "mine.jsonl" {
		t.Errorf("--report: %s", got)
	}
	want := filepath.Join("reports", runlog.DefaultPath("apply", "t", start))
	if got := (Reports{Dir: "reports"}).ReportPath("apply", "t", start); got != want {
		t.Errorf("--report-dir: %s, want %s", got, want)
	}
}

// Outcome says what a run did, and its error's kind decides the exit code.
func TestOutcome(t *testing.T) {
	t.Parallel()
	fatal := errors.New("credentials revoked")
	var partial *PartialError
	var stopped *StoppedError
	cases := []struct {
		name  string
		out   execute.Totals
		check func(error) bool
		says  string
	}{
		{"done", execute.Totals{Counts: runlog.Counts{Applied: 2}, WritesSent: 2, WritesConfirmed: 2}, func(err error) bool { return err == nil }, ""},
		{"interrupted", execute.Totals{Interrupted: true, WritesSent: 1, WritesConfirmed: 1}, func(err error) bool { return errors.Is(err, execute.ErrInterrupted) }, "1 write sent, 1 confirmed"},
		{"stopped at once", execute.Totals{Interrupted: true, Stopped: true}, func(err error) bool { return errors.Is(err, execute.ErrInterrupted) }, "stopped at once"},
		{"fatal before writes", execute.Totals{Fatal: fatal}, func(err error) bool { return errors.Is(err, fatal) && !errors.As(err, &stopped) }, "nothing was written"},
		{"fatal after writes", execute.Totals{Fatal: fatal, WritesSent: 3, WritesRefused: 1}, func(err error) bool { return errors.As(err, &stopped) && errors.Is(err, fatal) }, "3 writes sent, 0 confirmed, 1 refused by the tenant"},
		{"partial", execute.Totals{Counts: runlog.Counts{Failed: 1, Unknown: 1}}, func(err error) bool { return errors.As(err, &partial) }, "1 connection failed and 0 conflicted, 1 unknown"},
	}
	for _, c := range cases {
		err := Outcome(c.out, "r.jsonl")
		if !c.check(err) {
			t.Errorf("%s: %v", c.name, err)
		}
		if c.says != "" && (err == nil || !strings.Contains(err.Error(), c.says)) {
			t.Errorf("%s: %v, want it to say %q", c.name, err, c.says)
		}
	}
}

func TestSummaryOf(t *testing.T) {
	t.Parallel()
	now := time.Date(2025, 1, 2, 3, 4, 5, 0, time.FixedZone("x", 3600))
	sum := summaryOf(execute.Totals{Counts: runlog.Counts{Applied: 1}, Fatal: errors.New("boom"), WritesSent: 1, ReadAge: 1500 * time.Millisecond}, now, 7)
	if sum.Error != "boom" || sum.Requests != 7 || sum.ReadWindowMS != 1500 || !sum.FinishedAt.Equal(now) || sum.FinishedAt.Location() != time.UTC {
		t.Errorf("summary %+v", sum)
	}
}

// A connection file of the user's own, holding more than an export writes,
// is never overwritten: the export is refused before any file is written.
func TestWriteDeployDir_refusesForeignFiles(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	conns := []manifest.ExportedConnection{{Connection: scim.Connection{ID: "con_Acme0000000001", Name: "acme", Strategy: "okta"}}}
	files, _ := manifest.DeployCLIFiles(conns)
	if len(files) != 1 {
		t.Fatalf("files %+v", files)
	}
	path := filepath.Join(dir, filepath.FromSlash(files[0].Path))
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	own := []byte(`{"name": "acme", "options": {"domain": "acme.example"}, "enabled_clients": ["x"]}`)
	if err := os.WriteFile(path, own, 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := writeDeployDir(dir, conns); err == nil || !strings.Contains(err.Error(), "would overwrite 1 connection file") {
		t.Fatalf("a foreign file: %v", err)
	}
	if b, _ := os.ReadFile(path); string(b) != string(own) {
		t.Fatalf("the user's file was changed:\n%s", b)
	}
	if err := os.Remove(path); err != nil {
		t.Fatal(err)
	}
	if _, err := writeDeployDir(dir, conns); err != nil {
		t.Fatal(err)
	}
	if b, _ := os.ReadFile(path); string(b) != string(files[0].Data) {
		t.Fatalf("written:\n%s", b)
	}
}
