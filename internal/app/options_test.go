package app

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
	o, err := parseArgs(t, applyFlags(), parseApply, testDomain, "-f", "m.json")
	if err != nil {
		t.Fatal(err)
	}
	want := connectOptions{rps: 0, reserve: pacer.DefaultReserve, concurrency: execute.DefaultConcurrency, maxRetries: auth0api.DefaultMaxRetries,
		timeout: auth0api.DefaultAttemptTimeout, logOptions: logOptions{logFormat: "text", logLevel: slog.LevelInfo}}
	got := o.connectOptions
	got.tenant = auth0api.TenantURL{}
	if got != want {
		t.Errorf("connect options %+v, want %+v", got, want)
	}
	if o.tenant.Name() != "acme.eu.auth0.com" || o.tenant.Insecure() {
		t.Errorf("tenant %v", o.tenant)
	}
	if o.manifest != "m.json" || o.planFile != "" || o.dryRun || o.force || o.createMissing || o.yes || o.reportPath != "" {
		t.Errorf("apply options %+v", o)
	}
}

func TestParseApply_everyFlag(t *testing.T) {
	t.Parallel()
	o, err := parseArgs(t, applyFlags(), parseApply, testDomain, "--report", "r.jsonl", "--dry-run", "--force",
		"--create-missing", "-y", "--rps", "7.5", "--concurrency", "3", "--max-retries", "0", "--timeout", "2s",
		"--log-format", "json", "--log-level", "debug", "-q", "m.csv")
	if err != nil {
		t.Fatal(err)
	}
	if o.manifest != "m.csv" || o.reportPath != "r.jsonl" || !o.dryRun || !o.force || !o.createMissing || !o.yes {
		t.Errorf("apply options %+v", o)
	}
	c := o.connectOptions
	if c.rps != 7.5 || c.concurrency != 3 || c.maxRetries != 0 || c.timeout != 2*time.Second ||
		!c.jsonLogs() || c.logLevel != slog.LevelDebug || !c.quiet {
		t.Errorf("connect options %+v", c)
	}
}

func TestParseApply_source(t *testing.T) {
	t.Parallel()
	o, err := parseArgs(t, applyFlags(), parseApply, testDomain, "--plan", "p.json")
	if err != nil || o.planFile != "p.json" || o.manifest != "" {
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
			_, err := parseArgs(t, applyFlags(), parseApply, append([]string{testDomain}, args...)...)
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
			_, err := parseArgs(t, planFlags(), parsePlan, testDomain, tc.flag, "-f", "m.json")
			var usage *cliui.UsageError
			if !errors.As(err, &usage) || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("want a usage error naming %s, got %v", tc.want, err)
			}
		})
	}
}

func TestParseConnect_domainFromEnvironment(t *testing.T) {
	t.Setenv("AUTH0_DOMAIN", "http://127.0.0.1:8080")
	o, err := parseArgs(t, exportFlags(), parseExport)
	if err != nil {
		t.Fatal(err)
	}
	if o.tenant.Name() != "127.0.0.1:8080" || !o.tenant.Insecure() {
		t.Errorf("tenant %+v", o.tenant)
	}
	if _, err := parseArgs(t, exportFlags(), parseExport, "--domain", "other.eu.auth0.com"); err != nil {
		t.Errorf("a flag must win over the environment: %v", err)
	}
}

func TestParsePlan_format(t *testing.T) {
	t.Parallel()
	o, err := parseArgs(t, planFlags(), parsePlan, testDomain, "--format", " JSON ", "--out", "p.json", "--detailed-exitcode", "-f", "m.json")
	if err != nil || o.format != report.FormatJSON || o.out != "p.json" || !o.detailedExitcode {
		t.Fatalf("%+v %v", o, err)
	}
	if o, _ := parseArgs(t, planFlags(), parsePlan, testDomain, "m.json"); o.format != report.FormatText {
		t.Errorf("default format %q", o.format)
	}
	if _, err := parseArgs(t, planFlags(), parsePlan, testDomain, "--format", "csv", "m.json"); err == nil {
		t.Error("plan has no csv format")
	}
}

func TestParseRollback(t *testing.T) {
	t.Parallel()
	o, err := parseArgs(t, rollbackFlags(), parseRollback, testDomain, "--report", "b.jsonl", "--dry-run", "--force", "r.jsonl")
	if err != nil || o.from != "r.jsonl" || o.reportPath != "b.jsonl" || !o.dryRun || !o.force {
		t.Fatalf("%+v %v", o, err)
	}
	if _, err := parseArgs(t, rollbackFlags(), parseRollback, testDomain); err == nil {
		t.Error("rollback needs a report")
	}
}

func TestParseExport(t *testing.T) {
	t.Parallel()
	o, err := parseArgs(t, exportFlags(), parseExport, testDomain, "--strategy", "okta, samlp", "--strategy", "okta",
		"--format", "csv", "--key", "name", "--out", "x.csv")
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(o.strategies, []string{"okta", "samlp"}) || o.format != "csv" || o.key != manifest.KeyByName || o.out != "x.csv" {
		t.Errorf("%+v", o)
	}
	if o, _ := parseArgs(t, exportFlags(), parseExport, testDomain); o.format != "json" || o.key != manifest.KeyByID {
		t.Errorf("defaults %+v", o)
	}
	for _, args := range [][]string{{"--strategy", "ad"}, {"--format", "xml"}, {"--key", "uuid"}, {"stray"}} {
		if _, err := parseArgs(t, exportFlags(), parseExport, append([]string{testDomain}, args...)...); err == nil {
			t.Errorf("%q accepted", args)
		}
	}
}

func TestParseReportAndValidate(t *testing.T) {
	t.Parallel()
	o, err := parseArgs(t, reportFlags(), parseReport, "--from", "r.jsonl")
	if err != nil || o.from != "r.jsonl" || o.format != report.FormatHTML || o.out != "" {
		t.Fatalf("%+v %v", o, err)
	}
	if o, err := parseArgs(t, reportFlags(), parseReport, "--format", "text", "r.jsonl"); err != nil || o.format != report.FormatText || !o.formatGiven {
		t.Errorf("report --format text: %+v %v", o, err)
	}
	if _, err := parseArgs(t, reportFlags(), parseReport, "--format", "json", "r.jsonl"); err == nil {
		t.Error("report has no json format")
	}
	v, err := parseArgs(t, validateFlags(), parseValidate, "m.json")
	if err != nil || v.manifest != "m.json" {
		t.Fatalf("%+v %v", v, err)
	}
}

func TestParseConnect_rps(t *testing.T) {
	t.Parallel()
	for flag, want := range map[string]float64{"--rps=auto": 0, "--rps= AUTO": 0, "--rps=7.5": 7.5, "--rps=1000": 1000} {
		o, err := parseArgs(t, planFlags(), parsePlan, testDomain, flag, "m.json")
		if err != nil || o.rps != want {
			t.Errorf("%s: rps %v, %v", flag, o.rps, err)
		}
	}
	o, err := parseArgs(t, planFlags(), parsePlan, testDomain, "--reserve=0", "m.json")
	if err != nil || o.reserve != 0 || reserveOption(o.reserve) >= 0 {
		t.Errorf("--reserve 0 keeps nothing back: %v %v", o.reserve, err)
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
		if _, err := parseArgs(t, tokensIssueFlags(), parseTokensIssue, append([]string{testDomain}, args...)...); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
	if _, err := parseArgs(t, tokensIssueFlags(), parseTokensIssue, testDomain, "--all", "--out", same, "--report", dir+"/r.jsonl"); err != nil {
		t.Errorf("two files: %v", err)
	}
	if _, err := parseArgs(t, applyFlags(), parseApply, testDomain, "-f", "m.json", "--dry-run", "--report", dir); err != nil {
		t.Errorf("--dry-run writes no report: %v", err)
	}
	if _, err := parseArgs(t, planFlags(), parsePlan, testDomain, "-f", "m.json", "--out", dir); err == nil {
		t.Error("plan --out DIR: accepted")
	}
}

// Every command takes the logging and output flags; -v asks for info on a
// terminal, and --quiet with it is refused.
func TestParseLogging_everyCommand(t *testing.T) {
	t.Parallel()
	v, err := parseArgs(t, validateFlags(), parseValidate, "--log-format", "json", "--no-color", "-q", "m.json")
	if err != nil || !v.jsonLogs() || !v.noColor || !v.quiet || v.levelAsked {
		t.Fatalf("validate: %+v %v", v, err)
	}
	r, err := parseArgs(t, reportFlags(), parseReport, "-v", "r.jsonl")
	if err != nil || !r.levelAsked || r.logLevel != slog.LevelInfo {
		t.Fatalf("report -v: %+v %v", r, err)
	}
	if _, err := parseArgs(t, reportFlags(), parseReport, "-v", "-q", "r.jsonl"); err == nil {
		t.Error("--verbose with --quiet accepted")
	}
	a, err := parseArgs(t, applyFlags(), parseApply, testDomain, "--log-level", "debug", "-f", "m.json")
	if err != nil || !a.levelAsked || a.logLevel != slog.LevelDebug {
		t.Fatalf("apply --log-level debug: %+v %v", a.connectOptions, err)
	}
	if a, err := parseArgs(t, applyFlags(), parseApply, testDomain, "--max-plan-age", "2d", "-f", "m.json"); err != nil || a.maxPlanAge != 48*time.Hour {
		t.Fatalf("--max-plan-age 2d: %v %v", a.maxPlanAge, err)
	}
}
