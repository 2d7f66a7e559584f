package options

import (
	"errors"
	"io"
	"log/slog"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/scim-migrate/scim-migrate/internal/auth0api"
	"github.com/scim-migrate/scim-migrate/internal/cliui"
	"github.com/scim-migrate/scim-migrate/internal/execute"
	"github.com/scim-migrate/scim-migrate/internal/manifest"
	"github.com/scim-migrate/scim-migrate/internal/pacer"
	"github.com/scim-migrate/scim-migrate/internal/report"
	"github.com/urfave/cli/v2"
)

// parseArgs runs one command's flags over args with urfave/cli, as the
// application does, and returns what its parse function made of them:
// nothing else runs, and nothing is sent.
func parseArgs[T any](t *testing.T, flags []cli.Flag, parse func(*cli.Context) (T, error), args ...string) (T, error) {
	t.Helper()
	var got T
	var perr error
	app := &cli.App{
		Name: "scim-migrate", Writer: io.Discard, ErrWriter: io.Discard, HideHelpCommand: true,
		ExitErrHandler: func(*cli.Context, error) {}, OnUsageError: cliui.OnUsageError,
		Commands: []*cli.Command{{Name: "cmd", Flags: flags, HideHelpCommand: true, Action: func(c *cli.Context) error {
			got, perr = parse(c)
			return nil
		}}},
	}
	if err := app.Run(append([]string{"scim-migrate", "cmd"}, args...)); err != nil {
		return got, err
	}
	return got, perr
}

const testDomain = "--domain=acme.eu.auth0.com"

func TestParseApply_defaults(t *testing.T) {
	t.Parallel()
	o, err := parseArgs(t, ApplyFlags(), ParseApply, testDomain, "-f", "m.json")
	if err != nil {
		t.Fatal(err)
	}
	want := Connect{RPS: 0, Reserve: pacer.DefaultReserve, Concurrency: execute.DefaultConcurrency, MaxRetries: auth0api.DefaultMaxRetries,
		Timeout: auth0api.DefaultAttemptTimeout, Log: Log{LogFormat: "text", LogLevel: slog.LevelInfo}}
	got := o.Connect
	got.Tenant = auth0api.TenantURL{}
	if got != want {
		t.Errorf("connect options %+v, want %+v", got, want)
	}
	if o.Tenant.Name() != "acme.eu.auth0.com" || o.Tenant.Insecure() {
		t.Errorf("tenant %v", o.Tenant)
	}
	if o.Manifest != "m.json" || o.PlanFile != "" || o.DryRun || o.Force || o.CreateMissing || o.Yes || o.ReportPath != "" {
		t.Errorf("apply options %+v", o)
	}
}

func TestParseApply_everyFlag(t *testing.T) {
	t.Parallel()
	o, err := parseArgs(t, ApplyFlags(), ParseApply, testDomain, "--report", "r.jsonl", "--dry-run", "--force",
		"--create-missing", "-y", "--rps", "7.5", "--concurrency", "3", "--max-retries", "0", "--timeout", "2s",
		"--log-format", "json", "--log-level", "debug", "-q", "m.csv")
	if err != nil {
		t.Fatal(err)
	}
	if o.Manifest != "m.csv" || o.ReportPath != "r.jsonl" || !o.DryRun || !o.Force || !o.CreateMissing || !o.Yes {
		t.Errorf("apply options %+v", o)
	}
	c := o.Connect
	if c.RPS != 7.5 || c.Concurrency != 3 || c.MaxRetries != 0 || c.Timeout != 2*time.Second ||
		!c.JSONLogs() || c.LogLevel != slog.LevelDebug || !c.Quiet {
		t.Errorf("connect options %+v", c)
	}
}

func TestParseApply_source(t *testing.T) {
	t.Parallel()
	o, err := parseArgs(t, ApplyFlags(), ParseApply, testDomain, "--plan", "p.json")
	if err != nil || o.PlanFile != "p.json" || o.Manifest != "" {
		t.Fatalf("%+v %v", o, err)
	}
	for name, args := range map[string][]string{
		"plan and manifest":          {"--plan", "p.json", "-f", "m.json"},
		"plan and a positional file": {"--plan", "p.json", "m.json"},
		"plan and create-missing":    {"--plan", "p.json", "--create-missing"},
		"no source":                  {},
		"flag after the file":        {"m.json", "--dry-run"},
		"two files":                  {"-f", "a.json", "b.json"},
	} {
		t.Run(name, func(t *testing.T) {
			_, err := parseArgs(t, ApplyFlags(), ParseApply, append([]string{testDomain}, args...)...)
			var usage *cliui.UsageError
			if !errors.As(err, &usage) {
				t.Fatalf("want a usage error, got %v", err)
			}
		})
	}
}

func TestParseConnect_refusesWhatCannotWork(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ flag, want string }{
		{"--rps=0", "--rps"},
		{"--rps=1001", "--rps"},
		{"--rps=fast", "give auto"},
		{"--reserve=0.95", "--reserve"},
		{"--reserve=-0.1", "--reserve"},
		{"--concurrency=0", "--concurrency"},
		{"--concurrency=257", "--concurrency"},
		{"--max-retries=-1", "--max-retries"},
		{"--timeout=0s", "--timeout"},
		{"--log-level=loud", "--log-level"},
		{"--log-format=xml", "--log-format"},
		{"--domain=http://acme.eu.auth0.com", "loopback"},
		{"--domain=acme.eu.auth0.com/api/v2", "path"},
	} {
		t.Run(tc.flag, func(t *testing.T) {
			_, err := parseArgs(t, PlanFlags(), ParsePlan, testDomain, tc.flag, "-f", "m.json")
			var usage *cliui.UsageError
			if !errors.As(err, &usage) || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("want a usage error naming %s, got %v", tc.want, err)
			}
		})
	}
}

func TestParseConnect_domainFromEnvironment(t *testing.T) {
	t.Setenv("AUTH0_DOMAIN", "http://127.0.0.1:8080")
	o, err := parseArgs(t, ExportFlags(), ParseExport)
	if err != nil {
		t.Fatal(err)
	}
	if o.Tenant.Name() != "127.0.0.1:8080" || !o.Tenant.Insecure() {
		t.Errorf("tenant %+v", o.Tenant)
	}
	if _, err := parseArgs(t, ExportFlags(), ParseExport, "--domain", "other.eu.auth0.com"); err != nil {
		t.Errorf("a flag must win over the environment: %v", err)
	}
}

func TestParsePlan_format(t *testing.T) {
	t.Parallel()
	o, err := parseArgs(t, PlanFlags(), ParsePlan, testDomain, "--format", " JSON ", "--out", "p.json", "--detailed-exitcode", "-f", "m.json")
	if err != nil || o.Format != report.FormatJSON || o.Out != "p.json" || !o.DetailedExitcode {
		t.Fatalf("%+v %v", o, err)
	}
	if o, _ := parseArgs(t, PlanFlags(), ParsePlan, testDomain, "m.json"); o.Format != report.FormatText {
		t.Errorf("default format %q", o.Format)
	}
	if _, err := parseArgs(t, PlanFlags(), ParsePlan, testDomain, "--format", "csv", "m.json"); err == nil {
		t.Error("plan has no csv format")
	}
}

func TestParseRollback(t *testing.T) {
	t.Parallel()
	o, err := parseArgs(t, RollbackFlags(), ParseRollback, testDomain, "--report", "b.jsonl", "--dry-run", "--force", "r.jsonl")
	if err != nil || o.From != "r.jsonl" || o.ReportPath != "b.jsonl" || !o.DryRun || !o.Force {
		t.Fatalf("%+v %v", o, err)
	}
	if _, err := parseArgs(t, RollbackFlags(), ParseRollback, testDomain); err == nil {
		t.Error("rollback needs a report")
	}
}

func TestParseExport(t *testing.T) {
	t.Parallel()
	o, err := parseArgs(t, ExportFlags(), ParseExport, testDomain, "--strategy", "okta, samlp", "--strategy", "okta",
		"--format", "csv", "--key", "name", "--out", "x.csv")
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(o.Strategies, []string{"okta", "samlp"}) || o.Format != "csv" || o.Key != manifest.KeyByName || o.Out != "x.csv" {
		t.Errorf("%+v", o)
	}
	if o, _ := parseArgs(t, ExportFlags(), ParseExport, testDomain); o.Format != "json" || o.Key != manifest.KeyByID {
		t.Errorf("defaults %+v", o)
	}
	for _, args := range [][]string{{"--strategy", "ad"}, {"--format", "xml"}, {"--key", "uuid"}, {"stray"}} {
		if _, err := parseArgs(t, ExportFlags(), ParseExport, append([]string{testDomain}, args...)...); err == nil {
			t.Errorf("%q accepted", args)
		}
	}
}

func TestParseReportAndValidate(t *testing.T) {
	t.Parallel()
	o, err := parseArgs(t, ReportFlags(), ParseReport, "--from", "r.jsonl")
	if err != nil || o.From != "r.jsonl" || o.Format != report.FormatHTML || o.Out != "" {
		t.Fatalf("%+v %v", o, err)
	}
	if o, err := parseArgs(t, ReportFlags(), ParseReport, "--format", "text", "r.jsonl"); err != nil || o.Format != report.FormatText || !o.FormatGiven {
		t.Errorf("report --format text: %+v %v", o, err)
	}
	if _, err := parseArgs(t, ReportFlags(), ParseReport, "--format", "json", "r.jsonl"); err == nil {
		t.Error("report has no json format")
	}
	v, err := parseArgs(t, ValidateFlags(), ParseValidate, "m.json")
	if err != nil || v.Manifest != "m.json" {
		t.Fatalf("%+v %v", v, err)
	}
}

func TestParseConnect_rps(t *testing.T) {
	t.Parallel()
	for flag, want := range map[string]float64{"--rps=auto": 0, "--rps= AUTO": 0, "--rps=7.5": 7.5, "--rps=1000": 1000} {
		o, err := parseArgs(t, PlanFlags(), ParsePlan, testDomain, flag, "m.json")
		if err != nil || o.RPS != want {
			t.Errorf("%s: rps %v, %v", flag, o.RPS, err)
		}
	}
	o, err := parseArgs(t, PlanFlags(), ParsePlan, testDomain, "--reserve=0", "m.json")
	if err != nil || o.Reserve != 0 || o.TransportReserve() >= 0 {
		t.Errorf("--reserve 0 keeps nothing back: %v %v", o.Reserve, err)
	}
}

func TestParseOutputs_distinctFilesAndNoDirectory(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	same := dir + "/h.json"
	for name, args := range map[string][]string{
		"same file":           {"--all", "--out", same, "--report", same},
		"same file, two ways": {"--all", "--out", same, "--report", dir + "/./sub/../h.json"},
		"report a directory":  {"--all", "--out", same, "--report", dir},
	} {
		if _, err := parseArgs(t, TokensIssueFlags(), ParseTokensIssue, append([]string{testDomain}, args...)...); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
	if _, err := parseArgs(t, TokensIssueFlags(), ParseTokensIssue, testDomain, "--all", "--out", same, "--report", dir+"/r.jsonl"); err != nil {
		t.Errorf("two files: %v", err)
	}
	if _, err := parseArgs(t, ApplyFlags(), ParseApply, testDomain, "-f", "m.json", "--dry-run", "--report", dir); err != nil {
		t.Errorf("--dry-run writes no report: %v", err)
	}
	if _, err := parseArgs(t, PlanFlags(), ParsePlan, testDomain, "-f", "m.json", "--out", dir); err == nil {
		t.Error("plan --out DIR: accepted")
	}
}

// Every command takes the logging and output flags; -v asks for info on a
// terminal, and --quiet with it is refused.
func TestParseLogging_everyCommand(t *testing.T) {
	t.Parallel()
	v, err := parseArgs(t, ValidateFlags(), ParseValidate, "--log-format", "json", "--no-color", "-q", "m.json")
	if err != nil || !v.JSONLogs() || !v.NoColor || !v.Quiet || v.LevelAsked {
		t.Fatalf("validate: %+v %v", v, err)
	}
	r, err := parseArgs(t, ReportFlags(), ParseReport, "-v", "r.jsonl")
	if err != nil || !r.LevelAsked || r.LogLevel != slog.LevelInfo {
		t.Fatalf("report -v: %+v %v", r, err)
	}
	if _, err := parseArgs(t, ReportFlags(), ParseReport, "-v", "-q", "r.jsonl"); err == nil {
		t.Error("--verbose with --quiet accepted")
	}
	a, err := parseArgs(t, ApplyFlags(), ParseApply, testDomain, "--log-level", "debug", "-f", "m.json")
	if err != nil || !a.LevelAsked || a.LogLevel != slog.LevelDebug {
		t.Fatalf("apply --log-level debug: %+v %v", a.Connect, err)
	}
	if a, err := parseArgs(t, ApplyFlags(), ParseApply, testDomain, "--max-plan-age", "2d", "-f", "m.json"); err != nil || a.MaxPlanAge != 48*time.Hour {
		t.Fatalf("--max-plan-age 2d: %v %v", a.MaxPlanAge, err)
	}
}
