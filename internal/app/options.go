package app

import (
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/scim-migrate/scim-migrate/internal/auth0api"
	"github.com/scim-migrate/scim-migrate/internal/execute"
	"github.com/scim-migrate/scim-migrate/internal/manifest"
	"github.com/scim-migrate/scim-migrate/internal/pacer"
	"github.com/scim-migrate/scim-migrate/internal/report"
	"github.com/scim-migrate/scim-migrate/internal/scim"
	"github.com/urfave/cli/v2"
)

// Each command's flags are read once, by its parse function, into its
// options value, and checked there: the code that runs a command never reads
// a flag, and a mistake on the command line is refused before anything is
// read or sent. The parse functions are tested on their own (options_test.go).

// rpsAuto is --rps's default: no ceiling, the pace is learned from the
// tenant's answers.
const rpsAuto = "auto"

// connectOptions are the flags of every command that talks to a tenant.
type connectOptions struct {
	tenant      auth0api.Tenant
	audience    string
	tokenFile   string
	rps         float64 // 0: auto
	reserve     float64
	concurrency int
	maxRetries  int
	timeout     time.Duration
	logFormat   string
	logLevel    slog.Level
	quiet       bool
}

// jsonLogs reports whether stderr carries JSON log lines.
func (o *connectOptions) jsonLogs() bool { return o.logFormat == "json" }

func connectFlags() []cli.Flag {
	return []cli.Flag{
		&cli.StringFlag{Name: "domain", EnvVars: []string{"AUTH0_DOMAIN"}, Usage: "tenant domain, e.g. `acme.eu.auth0.com` (https); http:// only for a loopback emulator"},
		&cli.StringFlag{Name: "audience", EnvVars: []string{"AUTH0_AUDIENCE"}, Usage: "Management API audience (default https://<domain>/api/v2/)"},
		&cli.StringFlag{Name: "token-file", Usage: "read a Management API access token from the file at `PATH` instead of using client credentials (AUTH0_API_TOKEN works too); secrets are never flag values"},
		&cli.StringFlag{Name: "rps", Value: rpsAuto, EnvVars: []string{"SCIM_MIGRATE_RPS"}, Usage: "requests per second to the tenant: auto learns the pace from the tenant's rate-limit answers; a number is a ceiling the learned pace never exceeds"},
		&cli.Float64Flag{Name: "reserve", Value: pacer.DefaultReserve, EnvVars: []string{"SCIM_MIGRATE_RESERVE"}, Usage: "share of the tenant's rate-limit bucket left unspent for its other clients (Actions, other automation), from 0 to 0.9"},
		&cli.IntFlag{Name: "concurrency", Value: execute.DefaultConcurrency, EnvVars: []string{"SCIM_MIGRATE_CONCURRENCY"}, Usage: "connections worked on at once"},
		&cli.IntFlag{Name: "max-retries", Value: auth0api.DefaultMaxRetries, EnvVars: []string{"SCIM_MIGRATE_MAX_RETRIES"}, Usage: "retries of a request answered 429, 5xx or lost on the network"},
		&cli.DurationFlag{Name: "timeout", Value: auth0api.DefaultAttemptTimeout, EnvVars: []string{"SCIM_MIGRATE_TIMEOUT"}, Usage: "time limit for one request, as a `DURATION` such as 30s"},
		&cli.StringFlag{Name: "log-format", Value: "text", EnvVars: []string{"SCIM_MIGRATE_LOG_FORMAT"}, Usage: "log format on stderr: text or json"},
		&cli.StringFlag{Name: "log-level", Value: "info", EnvVars: []string{"SCIM_MIGRATE_LOG_LEVEL"}, Usage: "log level: debug, info, warn or error"},
		&cli.BoolFlag{Name: "quiet", Aliases: []string{"q"}, Usage: "print only errors and the summary"},
	}
}

func parseConnect(c *cli.Context) (connectOptions, error) {
	o := connectOptions{
		audience: c.String("audience"), tokenFile: c.String("token-file"), reserve: c.Float64("reserve"),
		concurrency: c.Int("concurrency"), maxRetries: c.Int("max-retries"),
		timeout: c.Duration("timeout"), logFormat: c.String("log-format"), quiet: c.Bool("quiet"),
	}
	var err error
	if o.rps, err = parseRPS(c.String("rps")); err != nil {
		return o, err
	}
	if err := o.checkLimits(); err != nil {
		return o, err
	}
	if err := o.parseLogging(c.String("log-level")); err != nil {
		return o, err
	}
	if o.tenant, err = auth0api.ParseDomain(c.String("domain")); err != nil {
		return o, &usageError{err}
	}
	return o, nil
}

// checkLimits refuses values that cannot work.
func (o *connectOptions) checkLimits() error {
	switch {
	case !(o.reserve >= 0 && o.reserve <= 0.9):
		return &usageError{fmt.Errorf("--reserve %v: give a share of the bucket from 0 to 0.9, such as 0.2", o.reserve)}
	case o.concurrency < 1 || o.concurrency > 256:
		return &usageError{fmt.Errorf("--concurrency %d: give 1 to 256", o.concurrency)}
	case o.maxRetries < 0 || o.maxRetries > 100:
		return &usageError{fmt.Errorf("--max-retries %d: give 0 to 100", o.maxRetries)}
	case o.timeout <= 0:
		return &usageError{fmt.Errorf("--timeout %v: give a positive duration such as 30s", o.timeout)}
	}
	return nil
}

// parseRPS reads --rps: auto (0), or a ceiling above 0 and at most 1000.
func parseRPS(s string) (float64, error) {
	s = strings.TrimSpace(s)
	if strings.EqualFold(s, rpsAuto) {
		return 0, nil
	}
	rps, err := strconv.ParseFloat(s, 64)
	if err != nil || !(rps > 0) || rps > 1000 {
		return 0, &usageError{fmt.Errorf("--rps %q (or SCIM_MIGRATE_RPS): give auto, or a number of requests per second above 0 and at most 1000", s)}
	}
	return rps, nil
}

func (o *connectOptions) parseLogging(level string) error {
	if err := o.logLevel.UnmarshalText([]byte(level)); err != nil {
		return &usageError{fmt.Errorf("--log-level %q: give debug, info, warn or error", level)}
	}
	if o.logFormat != "text" && o.logFormat != "json" {
		return &usageError{fmt.Errorf("--log-format %q: give text or json", o.logFormat)}
	}
	return nil
}

func manifestFlag() *cli.StringFlag {
	return &cli.StringFlag{Name: "manifest", Aliases: []string{"f"}, Usage: "manifest `FILE` (.json or .csv)"}
}

// validateOptions are validate's flags.
type validateOptions struct {
	manifest string
}

func validateFlags() []cli.Flag { return []cli.Flag{manifestFlag()} }

func parseValidate(c *cli.Context) (validateOptions, error) {
	path, err := fileArgument(c, "manifest")
	return validateOptions{manifest: path}, err
}

// planOptions are plan's flags.
type planOptions struct {
	connectOptions
	manifest         string
	out              string
	format           report.Format
	detailedExitcode bool
}

func planFlags() []cli.Flag {
	return append([]cli.Flag{
		manifestFlag(),
		&cli.StringFlag{Name: "out", Usage: "also save the plan as JSON to `PLAN.json`, for apply --plan"},
		&cli.StringFlag{Name: "format", Value: string(report.FormatText), Usage: "output format: text, json, markdown or html (the audit view: one self-contained page)"},
		&cli.BoolFlag{Name: "detailed-exitcode", Usage: "exit 2 when the plan has changes, 0 when it has none"},
	}, connectFlags()...)
}

func parsePlan(c *cli.Context) (planOptions, error) {
	var o planOptions
	var err error
	if o.manifest, err = fileArgument(c, "manifest"); err != nil {
		return o, err
	}
	if o.format, err = report.ParseFormat(c.String("format"), report.FormatText, report.FormatJSON, report.FormatMarkdown, report.FormatHTML); err != nil {
		return o, &usageError{err}
	}
	o.out, o.detailedExitcode = c.String("out"), c.Bool("detailed-exitcode")
	o.connectOptions, err = parseConnect(c)
	return o, err
}

// applyOptions are apply's flags.
type applyOptions struct {
	connectOptions
	manifest      string // the manifest to plan and apply, or
	planFile      string // the saved plan to apply
	reportPath    string
	dryRun        bool
	force         bool
	createMissing bool
	yes           bool
	maxPlanAge    time.Duration
}

// defaultMaxPlanAge is how old a saved plan apply accepts: a working day,
// enough for a review, short enough that the tenant has not moved on.
const defaultMaxPlanAge = 24 * time.Hour

func applyFlags() []cli.Flag {
	return append([]cli.Flag{
		manifestFlag(),
		&cli.StringFlag{Name: "plan", Usage: "apply `PLAN.json` saved by plan --out; connections whose live state changed since are conflicts"},
		&cli.StringFlag{Name: "report", Usage: "write the run's report to `PATH` (default: a new file named after the tenant and the time)"},
		&cli.BoolFlag{Name: "dry-run", Usage: "print the plan and write nothing"},
		&cli.BoolFlag{Name: "force", Usage: "write connections whose live state changed since the plan (a saved plan, or someone else during the run); their report records the state overwritten"},
		&cli.BoolFlag{Name: "create-missing", Usage: "create the SCIM configuration where a listed connection has none"},
		&cli.BoolFlag{Name: "yes", Aliases: []string{"y"}, Usage: "do not ask for confirmation (asked only on an interactive terminal)"},
		&cli.DurationFlag{Name: "max-plan-age", Value: defaultMaxPlanAge, Usage: "refuse a saved plan older than `DURATION` (such as 24h or 90m)"},
	}, connectFlags()...)
}

func parseApply(c *cli.Context) (applyOptions, error) {
	o := applyOptions{planFile: c.String("plan"), reportPath: c.String("report"), dryRun: c.Bool("dry-run"),
		force: c.Bool("force"), createMissing: c.Bool("create-missing"), yes: c.Bool("yes"), maxPlanAge: c.Duration("max-plan-age")}
	if o.maxPlanAge <= 0 {
		return o, &usageError{fmt.Errorf("--max-plan-age %v: give a positive duration such as 24h", o.maxPlanAge)}
	}
	if err := o.source(c); err != nil {
		return o, err
	}
	var err error
	o.connectOptions, err = parseConnect(c)
	return o, err
}

// source reads the manifest or the saved plan to apply: exactly one.
func (o *applyOptions) source(c *cli.Context) error {
	if o.planFile == "" {
		var err error
		o.manifest, err = fileArgument(c, "manifest")
		return err
	}
	switch {
	case c.String("manifest") != "" || c.Args().Len() > 0:
		return &usageError{errors.New("give either a manifest (-f) or --plan, not both")}
	case o.createMissing:
		return &usageError{errors.New("--create-missing applies to a manifest; with --plan, re-run plan to include creations")}
	}
	return nil
}

// rollbackOptions are rollback's flags.
type rollbackOptions struct {
	connectOptions
	from       string
	reportPath string
	dryRun     bool
	force      bool
}

func rollbackFlags() []cli.Flag {
	return append([]cli.Flag{
		&cli.StringFlag{Name: "from", Usage: "the report `REPORT.jsonl` of the run to undo"},
		&cli.StringFlag{Name: "report", Usage: "write this rollback's own report to `PATH` (it can be rolled back too)"},
		&cli.BoolFlag{Name: "dry-run", Usage: "print what would be restored and write nothing"},
		&cli.BoolFlag{Name: "force", Usage: "restore connections even where someone changed them since the run"},
	}, connectFlags()...)
}

func parseRollback(c *cli.Context) (rollbackOptions, error) {
	o := rollbackOptions{reportPath: c.String("report"), dryRun: c.Bool("dry-run"), force: c.Bool("force")}
	var err error
	if o.from, err = fileArgument(c, "from"); err != nil {
		return o, err
	}
	o.connectOptions, err = parseConnect(c)
	return o, err
}

// exportOptions are export's flags.
type exportOptions struct {
	connectOptions
	strategies []string
	format     string
	key        manifest.ManifestKey
	out        string
}

func exportFlags() []cli.Flag {
	return append([]cli.Flag{
		&cli.StringSliceFlag{Name: "strategy", Usage: "export only connections of strategy `S` (samlp, oidc, okta or waad); repeat it, or separate with commas, for several"},
		&cli.StringFlag{Name: "format", Value: "json", Usage: "manifest format: json or csv"},
		&cli.StringFlag{Name: "key", Value: string(manifest.KeyByID), Usage: "name connections by id, or by name (portable to another tenant): id or name"},
		&cli.StringFlag{Name: "out", Usage: "write the manifest to `PATH` (created 0600) instead of stdout"},
	}, connectFlags()...)
}

func parseExport(c *cli.Context) (exportOptions, error) {
	o := exportOptions{format: c.String("format"), key: manifest.ManifestKey(c.String("key")), out: c.String("out")}
	if err := noArguments(c); err != nil {
		return o, err
	}
	if o.format != "json" && o.format != "csv" {
		return o, &usageError{fmt.Errorf("--format %q: give json or csv", o.format)}
	}
	if o.key != manifest.KeyByID && o.key != manifest.KeyByName {
		return o, &usageError{fmt.Errorf("--key %q: give id or name", o.key)}
	}
	var err error
	if o.strategies, err = parseStrategies(c.StringSlice("strategy")); err != nil {
		return o, err
	}
	o.connectOptions, err = parseConnect(c)
	return o, err
}

// parseStrategies checks --strategy values, dropping repeats.
func parseStrategies(values []string) ([]string, error) {
	var out []string
	for _, s := range values {
		s = strings.TrimSpace(s)
		if !scim.SupportsSCIM(s) {
			return nil, &usageError{fmt.Errorf("--strategy %q: only connections of the SCIM strategies %s can have a SCIM configuration",
				s, strings.Join(scim.SCIMStrategies, ", "))}
		}
		if !slices.Contains(out, s) {
			out = append(out, s)
		}
	}
	return out, nil
}

// reportOptions are report's flags.
type reportOptions struct {
	from   string
	format report.Format
	out    string
}

// reportFormats are the forms of the audit view, html first as the default.
var reportFormats = []report.Format{report.FormatHTML, report.FormatMarkdown, report.FormatCSV}

func reportFlags() []cli.Flag {
	return []cli.Flag{
		&cli.StringFlag{Name: "from", Usage: "the saved plan or run report `FILE` to render"},
		&cli.StringFlag{Name: "format", Value: string(reportFormats[0]), Usage: "output format: html, markdown or csv"},
		&cli.StringFlag{Name: "out", Usage: "write to `PATH` (created 0600) instead of stdout"},
	}
}

func parseReport(c *cli.Context) (reportOptions, error) {
	o := reportOptions{out: c.String("out")}
	var err error
	if o.from, err = fileArgument(c, "from"); err != nil {
		return o, err
	}
	if o.format, err = report.ParseFormat(c.String("format"), reportFormats...); err != nil {
		return o, &usageError{err}
	}
	return o, nil
}

// fileArgument returns the file a command works on: the value of its flag,
// or a lone positional argument after all flags. urfave/cli stops reading
// flags at the first positional argument, so a flag written after it would
// be silently ignored: that is refused instead.
func fileArgument(c *cli.Context, flag string) (string, error) {
	value := c.String(flag)
	args := c.Args().Slice()
	for _, a := range args[min(1, len(args)):] {
		if strings.HasPrefix(a, "-") {
			return "", &usageError{fmt.Errorf("%q comes after the file %q and would be ignored: put flags before the file", a, args[0])}
		}
	}
	switch {
	case len(args) > 1:
		return "", &usageError{fmt.Errorf("unexpected arguments %q: give one file", args[1:])}
	case len(args) == 1 && value != "" && value != args[0]:
		return "", &usageError{fmt.Errorf("two files given: --%s %q and %q", flag, value, args[0])}
	case len(args) == 1:
		return args[0], nil
	case value == "":
		return "", &usageError{fmt.Errorf("no file: give --%s FILE", flag)}
	}
	return value, nil
}

// noArguments refuses positional arguments for commands that take none.
func noArguments(c *cli.Context) error {
	if c.Args().Len() > 0 {
		return &usageError{errors.New("unexpected arguments " + fmt.Sprintf("%q", c.Args().Slice()) + "; flags go before any argument")}
	}
	return nil
}
