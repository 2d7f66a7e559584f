package options

import (
	"cmp"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/scim-migrate/scim-migrate/internal/auth0api"
	"github.com/scim-migrate/scim-migrate/internal/cliui"
	"github.com/scim-migrate/scim-migrate/internal/execute"
	"github.com/scim-migrate/scim-migrate/internal/fileutil"
	"github.com/scim-migrate/scim-migrate/internal/manifest"
	"github.com/scim-migrate/scim-migrate/internal/pacer"
	"github.com/scim-migrate/scim-migrate/internal/report"
	"github.com/scim-migrate/scim-migrate/internal/scim"
	"github.com/scim-migrate/scim-migrate/internal/tenantconfig"
	"github.com/urfave/cli/v2"
)

// rpsAuto is --rps's default: no ceiling, the pace is learned from the
// tenant's answers.
const rpsAuto = "auto"

// Connect are the flags of every command that talks to a tenant.
type Connect struct {
	Tenant      auth0api.TenantURL
	Audience    string
	TokenFile   string
	RPS         float64 // 0: auto
	Reserve     float64
	Concurrency int
	MaxRetries  int
	Timeout     time.Duration
	// Named is the --tenant chosen from the tenants file, or nil.
	Named *tenantconfig.Tenant
	Log
}

// Log are the logging and output flags every command takes, so that
// one set of habits works everywhere (validate --log-format json, report
// --quiet).
type Log struct {
	LogFormat string
	LogLevel  slog.Level
	// LevelAsked says a level was asked for (--log-level, its variable,
	// -v): on a terminal, the log is otherwise quiet (warnings and errors).
	LevelAsked bool
	Quiet      bool
	NoColor    bool
}

// JSONLogs reports whether stderr carries JSON log lines.
func (o *Log) JSONLogs() bool { return o.LogFormat == "json" }

// LevelFor is the level the run logs at. On a terminal the log is quiet
// (warnings and errors) unless a level was asked for (-v, --log-level), as
// terraform, gh and kubectl are; without one (cron, CI) it keeps its status
// lines. --quiet keeps errors only.
func (o *Log) LevelFor(terminal bool) slog.Level {
	lvl := o.LogLevel
	if terminal && !o.LevelAsked && !o.JSONLogs() {
		lvl = max(lvl, slog.LevelWarn)
	}
	if o.Quiet {
		lvl = max(lvl, slog.LevelError)
	}
	return lvl
}

// LogFlags are the logging and output flags of every command.
func LogFlags() []cli.Flag {
	return []cli.Flag{
		&cli.StringFlag{Name: "log-format", Value: "text", EnvVars: []string{"SCIM_MIGRATE_LOG_FORMAT"}, Usage: "log format on stderr: text or json"},
		&cli.StringFlag{Name: "log-level", Value: "info", EnvVars: []string{"SCIM_MIGRATE_LOG_LEVEL"},
			Usage: "log level: debug, info, warn or error (on a terminal, only warnings and errors unless asked)"},
		&cli.BoolFlag{Name: "verbose", Aliases: []string{"v"}, Usage: "log what the run does (--log-level info), on a terminal too"},
		&cli.BoolFlag{Name: "quiet", Aliases: []string{"q"}, EnvVars: []string{"SCIM_MIGRATE_QUIET"}, Usage: "print only errors and the summary"},
		&cli.BoolFlag{Name: "no-color", Usage: "no colours on the terminal (NO_COLOR works too)"},
	}
}

// ParseLog reads the logging and output flags.
func ParseLog(c *cli.Context) (Log, error) {
	o := Log{LogFormat: c.String("log-format"), Quiet: c.Bool("quiet"), NoColor: c.Bool("no-color"),
		LevelAsked: c.IsSet("log-level") || c.Bool("verbose")}
	level := c.String("log-level")
	if c.Bool("verbose") && !c.IsSet("log-level") {
		level = "info"
	}
	if err := o.LogLevel.UnmarshalText([]byte(level)); err != nil {
		return o, &cliui.UsageError{Err: fmt.Errorf("--log-level %q: give debug, info, warn or error", level)}
	}
	if o.LogFormat != "text" && o.LogFormat != "json" {
		return o, &cliui.UsageError{Err: fmt.Errorf("--log-format %q: give text or json", o.LogFormat)}
	}
	if o.Quiet && c.Bool("verbose") {
		return o, &cliui.UsageError{Err: errors.New("--quiet and --verbose ask for opposite things: give one")}
	}
	return o, nil
}

// tenantFlags are the flags that say which tenant and how to talk to it.
func tenantFlags() []cli.Flag {
	return []cli.Flag{
		&cli.StringFlag{Name: "domain", EnvVars: []string{"AUTH0_DOMAIN"}, Usage: "tenant domain, e.g. `acme.eu.auth0.com` (https); http:// only for a loopback emulator"},
		&cli.StringFlag{Name: "tenant", EnvVars: []string{"SCIM_MIGRATE_TENANT"}, Usage: "use the tenant named `NAME` in the tenants file (domain, client id, where its secret comes from); AUTH0_* variables still win"},
		&cli.StringFlag{Name: "config", Usage: "the tenants file at `PATH` (default: scim-migrate/tenants.yaml in the user's config directory)"},
		&cli.StringFlag{Name: "audience", EnvVars: []string{"AUTH0_AUDIENCE"}, Usage: "Management API audience (default https://<domain>/api/v2/)"},
		&cli.StringFlag{Name: "token-file", Usage: "read a Management API access token from the file at `PATH` instead of using client credentials (AUTH0_API_TOKEN works too); secrets are never flag values"},
		&cli.StringFlag{Name: "rps", Value: rpsAuto, EnvVars: []string{"SCIM_MIGRATE_RPS"}, Usage: "requests per second to the tenant: auto learns the pace from the tenant's rate-limit answers; a number is a ceiling the learned pace never exceeds"},
		&cli.Float64Flag{Name: "reserve", Value: pacer.DefaultReserve, EnvVars: []string{"SCIM_MIGRATE_RESERVE"}, Usage: "share of the tenant's rate-limit bucket left unspent for its other clients (Actions, other automation), from 0 to 0.9"},
		&cli.IntFlag{Name: "concurrency", Value: execute.DefaultConcurrency, EnvVars: []string{"SCIM_MIGRATE_CONCURRENCY"}, Usage: "connections worked on at once"},
		&cli.IntFlag{Name: "max-retries", Value: auth0api.DefaultMaxRetries, EnvVars: []string{"SCIM_MIGRATE_MAX_RETRIES"}, Usage: "retries of a request answered 429, 5xx or lost on the network"},
		cliui.DurationFlag("timeout", auth0api.DefaultAttemptTimeout, "time limit for one request, as a `DURATION` such as 30s", "SCIM_MIGRATE_TIMEOUT"),
	}
}

// connectFlags are the flags of every command that talks to a tenant: the
// tenant's, then the logging and output flags.
func connectFlags() []cli.Flag { return append(tenantFlags(), LogFlags()...) }

// HelpGroups are the headings a command's flags are grouped under in its
// help, after its own: the tenant's, then logging and output.
func HelpGroups() []cliui.FlagGroup {
	return []cliui.FlagGroup{
		{Heading: "TENANT OPTIONS", Flags: tenantFlags()},
		{Heading: "LOGGING AND OUTPUT OPTIONS", Flags: LogFlags()},
	}
}

func parseConnect(c *cli.Context) (Connect, error) {
	o := Connect{
		Audience: c.String("audience"), TokenFile: c.String("token-file"), Reserve: c.Float64("reserve"),
		Concurrency: c.Int("concurrency"), MaxRetries: c.Int("max-retries"),
		Timeout: cliui.FlagDuration(c, "timeout"),
	}
	var err error
	if o.RPS, err = parseRPS(c.String("rps")); err != nil {
		return o, err
	}
	if err := o.checkLimits(); err != nil {
		return o, err
	}
	if o.Log, err = ParseLog(c); err != nil {
		return o, err
	}
	domain := c.String("domain")
	if o.Named, err = namedTenant(c); err != nil {
		return o, err
	}
	if domain == "" && o.Named != nil {
		domain = o.Named.Domain
	}
	if o.Audience == "" && o.Named != nil {
		o.Audience = o.Named.Audience
	}
	if o.Tenant, err = auth0api.ParseDomain(domain); err != nil {
		return o, &cliui.UsageError{Err: err}
	}
	return o, nil
}

// checkLimits refuses values that cannot work.
func (o *Connect) checkLimits() error {
	switch {
	case !(o.Reserve >= 0 && o.Reserve <= 0.9):
		return &cliui.UsageError{Err: fmt.Errorf("--reserve %v: give a share of the bucket from 0 to 0.9, such as 0.2", o.Reserve)}
	case o.Concurrency < 1 || o.Concurrency > 256:
		return &cliui.UsageError{Err: fmt.Errorf("--concurrency %d: give 1 to 256", o.Concurrency)}
	case o.MaxRetries < 0 || o.MaxRetries > 100:
		return &cliui.UsageError{Err: fmt.Errorf("--max-retries %d: give 0 to 100", o.MaxRetries)}
	case o.Timeout <= 0:
		return &cliui.UsageError{Err: fmt.Errorf("--timeout %v: give a positive duration such as 30s", o.Timeout)}
	}
	return nil
}

// TransportReserve is --reserve as the transport takes it, where 0 means
// its default and a negative value none: --reserve 0 keeps nothing back.
func (o *Connect) TransportReserve() float64 {
	if o.Reserve == 0 {
		return -1
	}
	return o.Reserve
}

// parseRPS reads --rps: auto (0), or a ceiling above 0 and at most 1000.
func parseRPS(s string) (float64, error) {
	s = strings.TrimSpace(s)
	if strings.EqualFold(s, rpsAuto) {
		return 0, nil
	}
	rps, err := strconv.ParseFloat(s, 64)
	if err != nil || !(rps > 0) || rps > 1000 {
		return 0, &cliui.UsageError{Err: fmt.Errorf("--rps %q (or SCIM_MIGRATE_RPS): give auto, or a number of requests per second above 0 and at most 1000", s)}
	}
	return rps, nil
}

func manifestFlag() *cli.StringFlag {
	return &cli.StringFlag{Name: "manifest", Aliases: []string{"f"}, Usage: "manifest `FILE` (.json, .csv, a Deploy CLI .yaml, or a Deploy CLI directory)"}
}

// Validate are validate's flags.
type Validate struct {
	Log
	Manifest string
	Format   report.Format
}

// ValidateFlags are validate's flags.
func ValidateFlags() []cli.Flag {
	return append([]cli.Flag{manifestFlag(), resultFormatFlag()}, LogFlags()...)
}

// ParseValidate reads validate's flags.
func ParseValidate(c *cli.Context) (Validate, error) {
	var o Validate
	var err error
	if o.Manifest, err = fileArgument(c, "manifest"); err != nil {
		return o, err
	}
	if o.Log, err = ParseLog(c); err != nil {
		return o, err
	}
	o.Format, err = parseResultFormat(c)
	return o, err
}

// resultFormatFlag is --format of the commands whose result is a summary:
// text for people, or one JSON document for scripts.
func resultFormatFlag() cli.Flag {
	return &cli.StringFlag{Name: "format", Value: string(report.FormatText), EnvVars: []string{FormatEnv},
		Usage: "result on stdout: " + report.FormatHelp(report.DocResult) + "; with json, stdout is exactly one JSON document"}
}

// FormatEnv sets --format of the commands whose result is a summary.
const FormatEnv = "SCIM_MIGRATE_FORMAT"

// parseResultFormat reads --format of a command whose stdout is its result
// (DocResult), or, for a token command, its token plan too (DocTokenPlan).
func parseResultFormat(c *cli.Context, docs ...report.Document) (report.Format, error) {
	doc := report.DocResult
	if len(docs) > 0 {
		doc = docs[0]
	}
	f, err := report.ParseFormat(c.String("format"), doc)
	if err != nil {
		return f, &cliui.UsageError{Err: fmt.Errorf("--format: %w%s", err, cliui.DidYouMean(c.String("format"), formatNames(doc)))}
	}
	return f, nil
}

// outFlag is --out, which means the same on every command: write the
// command's output (doc) to PATH, in its --format or, without one, in the
// format the file's extension names.
func outFlag(what string, doc report.Document) cli.Flag {
	return &cli.StringFlag{Name: "out", Usage: "write " + what + " to `PATH` (created 0600), in the --format given or the one the extension names: " +
		report.Extensions(report.FormatsOf(doc))}
}

// formatFlag is --format of a command that writes doc; the default is def.
func formatFlag(def report.Format, doc report.Document, more string) cli.Flag {
	return &cli.StringFlag{Name: "format", Value: string(def), Usage: "output format: " + report.FormatHelp(doc) + more}
}

// formatDocuments is the document each command's --format is about, as its
// parse function reads it.
var formatDocuments = map[string]report.Document{
	"validate": report.DocResult, "apply": report.DocResult, "rollback": report.DocResult,
	"plan": report.DocPlan, "report": report.DocSaved, "export": report.DocManifest,
	"tokens audit": report.DocAudit, "tokens issue": report.DocTokenPlan,
	"tokens revoke": report.DocTokenPlan, "tokens rotate": report.DocTokenPlan,
}

// FormatNames are the values the command's --format takes, from report's
// table of formats (nil for a command without one): shell completion
// offers them, so a new format reaches it with no change here.
func FormatNames(command string) []string {
	doc, ok := formatDocuments[command]
	if !ok {
		return nil
	}
	return formatNames(doc)
}

// FormatFromEnv reports whether the command's --format is its result's,
// which SCIM_MIGRATE_FORMAT (FormatEnv) sets when the command line does not.
func FormatFromEnv(command string) bool {
	doc := formatDocuments[command]
	return doc == report.DocResult || doc == report.DocTokenPlan
}

// formatNames are the names of doc's formats, for a suggestion.
func formatNames(doc report.Document) []string {
	formats := report.FormatsOf(doc)
	names := make([]string, len(formats))
	for i, f := range formats {
		names[i] = string(f)
	}
	return names
}

// parseOutput reads --format and --out together: with --out and no
// --format, the extension names the format; a --format that contradicts
// the extension is refused, rather than writing JSON into x.html.
func parseOutput(c *cli.Context, def report.Format, doc report.Document) (report.Format, string, error) {
	allowed := report.FormatsOf(doc)
	out := c.String("out")
	if fi, err := os.Stat(out); out != "" && err == nil && fi.IsDir() {
		return "", out, &cliui.UsageError{Err: fmt.Errorf("--out %s is a directory: give the path of a file", out)}
	}
	byExt, known := report.FormatOfExtension(filepath.Ext(out))
	if out != "" && known && !c.IsSet("format") && slices.Contains(allowed, byExt) {
		return byExt, out, nil
	}
	f, err := report.ParseFormat(cmp.Or(c.String("format"), string(def)), doc)
	if err != nil {
		return f, out, &cliui.UsageError{Err: fmt.Errorf("--format: %w%s", err, cliui.DidYouMean(c.String("format"), formatNames(doc)))}
	}
	if out != "" && known && byExt != f && !c.IsSet("format") {
		return f, out, &cliui.UsageError{Err: fmt.Errorf("--out %s names a %s file, which %s does not write: give --out a name ending in one of %s",
			out, byExt, strings.TrimPrefix(c.Command.HelpName, "scim-migrate "), report.Extensions(allowed))}
	}
	if out != "" && known && byExt != f {
		return f, out, &cliui.UsageError{Err: fmt.Errorf("--format %s does not match --out %s, a %s file: give a matching extension, or leave --format out", f, out, byExt)}
	}
	return f, out, nil
}

// Plan are plan's flags.
type Plan struct {
	Connect
	Manifest         string
	Out              string
	Format           report.Format
	DetailedExitcode bool
	CreateMissing    bool
}

// PlanFlags are plan's flags.
func PlanFlags() []cli.Flag {
	return append([]cli.Flag{
		manifestFlag(),
		&cli.StringFlag{Name: "out", Usage: "save the plan to `PATH` (created 0600) as JSON, what apply --plan reads, whatever its name; " +
			"stdout still shows it as text. With --format markdown or html, or a name ending .md or .html: the audit view instead"},
		formatFlag(report.FormatText, report.DocPlan, "; json is the saved plan, markdown and html the audit view"),
		&cli.BoolFlag{Name: "detailed-exitcode", Usage: "exit 2 when the plan has changes, 0 when it has none"},
		&cli.BoolFlag{Name: "create-missing", Usage: "plan the creation of the SCIM configuration where a listed connection has none, as apply --create-missing does"},
	}, connectFlags()...)
}

// ParsePlan reads plan's flags: with --out and no --format, the saved
// plan (JSON) whatever the file is called.
func ParsePlan(c *cli.Context) (Plan, error) {
	o := Plan{DetailedExitcode: c.Bool("detailed-exitcode"), CreateMissing: c.Bool("create-missing")}
	var err error
	if o.Manifest, err = fileArgument(c, "manifest"); err != nil {
		return o, err
	}
	if o.Format, o.Out, err = parseOutput(c, report.FormatText, report.DocPlan); err != nil {
		return o, err
	}
	if o.Out != "" && o.Format == report.FormatText {
		// As terraform plan -out: the saved plan is the one apply reads,
		// whatever the file is called (tfplan, plan.txt).
		o.Format = report.FormatJSON
	}
	o.Connect, err = parseConnect(c)
	return o, err
}

// Write are the flags apply and rollback share.
type Write struct {
	ReportPath string // --report, or
	ReportDir  string // --report-dir, with
	Keep       int    // --keep
	DryRun     bool
	Force      bool
	Yes        bool
	Format     report.Format
}

func writeFlags(verb string) []cli.Flag {
	return []cli.Flag{
		&cli.StringFlag{Name: "report", Usage: "write the run's report to `PATH` (default: a new file named after the command, the tenant and the time, in the current directory)"},
		&cli.StringFlag{Name: "report-dir", EnvVars: []string{reportDirEnv}, Usage: "write the run's report in `DIR`, named after the command, the tenant and the time (for cron: one report per run)"},
		&cli.IntFlag{Name: "keep", EnvVars: []string{keepEnv}, Usage: "with --report-dir: keep the `N` newest reports of this tenant there and delete older ones (0: keep all)"},
		&cli.BoolFlag{Name: "dry-run", Usage: "print what would be " + verb + " and write nothing"},
		&cli.BoolFlag{Name: "yes", Aliases: []string{"y"}, Usage: "do not ask for confirmation; without a terminal to ask on, a run that writes needs it"},
		resultFormatFlag(),
	}
}

// The environment variables of --report-dir and --keep: a cron host sets
// them once; a --report on the command line still wins over them.
const (
	reportDirEnv = "SCIM_MIGRATE_REPORT_DIR"
	keepEnv      = "SCIM_MIGRATE_KEEP"
)

func parseWrite(c *cli.Context, docs ...report.Document) (Write, error) {
	o := Write{ReportPath: c.String("report"), ReportDir: c.String("report-dir"), Keep: c.Int("keep"),
		DryRun: c.Bool("dry-run"), Force: c.Bool("force"), Yes: c.Bool("yes")}
	if o.ReportPath != "" && fromEnvOnly(c, "report-dir", reportDirEnv) {
		o.ReportDir = ""
		if fromEnvOnly(c, "keep", keepEnv) {
			o.Keep = 0
		}
	}
	switch {
	case o.ReportPath != "" && o.ReportDir != "":
		return o, &cliui.UsageError{Err: errors.New("give --report or --report-dir, not both")}
	case o.Keep < 0:
		return o, &cliui.UsageError{Err: fmt.Errorf("--keep %d: give how many reports to keep, or 0 to keep all", o.Keep)}
	case o.Keep > 0 && o.ReportDir == "":
		return o, &cliui.UsageError{Err: errors.New("--keep prunes the reports of --report-dir: give --report-dir too")}
	}
	if !o.DryRun {
		if err := o.checkReportPaths(); err != nil {
			return o, err
		}
	}
	var err error
	o.Format, err = parseResultFormat(c, docs...)
	return o, err
}

// fromEnvOnly reports whether a flag's value came from its environment
// variable rather than the command line (the same value given both ways
// counts as the environment's: the run is the same).
func fromEnvOnly(c *cli.Context, flag, env string) bool {
	v, ok := os.LookupEnv(env)
	return ok && v != "" && fmt.Sprint(c.Value(flag)) == strings.TrimSpace(v)
}

// checkReportPaths refuses, before anything is read or sent, a --report
// that exists (a report holds one run and is never appended to, and a
// directory cannot be one) and a --report-dir that is not a directory: the
// run would stop only once it was about to write.
func (o Write) checkReportPaths() error {
	if o.ReportPath != "" {
		if fi, err := os.Lstat(o.ReportPath); err == nil {
			return &cliui.UsageError{Err: fmt.Errorf("--report %s: %s exists; a report holds one run: give a new file", o.ReportPath, kindOf(fi))}
		}
	}
	if o.ReportDir != "" {
		if fi, err := os.Stat(o.ReportDir); err == nil && !fi.IsDir() {
			return &cliui.UsageError{Err: fmt.Errorf("--report-dir %s: %s, not a directory", o.ReportDir, kindOf(fi))}
		}
	}
	return nil
}

// kindOf names what a path holds, for an error.
func kindOf(fi os.FileInfo) string {
	switch {
	case fi.IsDir():
		return "a directory"
	case fi.Mode()&os.ModeSymlink != 0:
		return "a symlink"
	case fi.Mode().IsRegular():
		return "a file"
	}
	return "a special file"
}

// distinctOutputs refuses two output flags of one command that name one
// file: the second written would replace the first (the handoff replacing
// the run's report, which rollback then cannot read). Flags not given ("")
// are left out.
func distinctOutputs(flags ...[2]string) error {
	for i, a := range flags {
		for _, b := range flags[i+1:] {
			if a[1] != "" && b[1] != "" && fileutil.SamePath(a[1], b[1]) {
				return &cliui.UsageError{Err: fmt.Errorf("%s %s and %s %s name the same file: each output needs its own", a[0], a[1], b[0], b[1])}
			}
		}
	}
	return nil
}

// Apply are apply's flags.
type Apply struct {
	Connect
	Write
	Manifest      string // the manifest to plan and apply, or
	PlanFile      string // the saved plan to apply
	CreateMissing bool
	MaxPlanAge    time.Duration
}

// defaultMaxPlanAge is how old a saved plan apply accepts: a working day,
// enough for a review, short enough that the tenant has not moved on.
const defaultMaxPlanAge = 24 * time.Hour

// ApplyFlags are apply's flags.
func ApplyFlags() []cli.Flag {
	flags := []cli.Flag{
		manifestFlag(),
		&cli.StringFlag{Name: "plan", Usage: "apply `PLAN.json` saved by plan --out; connections whose live state changed since are conflicts"},
		&cli.BoolFlag{Name: "force", Usage: "write connections whose live state changed since the plan (a saved plan, or someone else during the run); their report records the state overwritten"},
		&cli.BoolFlag{Name: "create-missing", Usage: "create the SCIM configuration where a listed connection has none"},
		cliui.DurationFlag("max-plan-age", defaultMaxPlanAge, "refuse a saved plan older than `DURATION` (such as 24h, 90m or 2d)"),
	}
	flags = append(flags, writeFlags("written")...)
	return append(flags, connectFlags()...)
}

// ParseApply reads apply's flags: a manifest or a saved plan, the run's
// flags and the tenant's.
func ParseApply(c *cli.Context) (Apply, error) {
	o := Apply{PlanFile: c.String("plan"), CreateMissing: c.Bool("create-missing"), MaxPlanAge: cliui.FlagDuration(c, "max-plan-age")}
	if o.MaxPlanAge <= 0 {
		return o, &cliui.UsageError{Err: fmt.Errorf("--max-plan-age %v: give a positive duration such as 24h", o.MaxPlanAge)}
	}
	if err := o.source(c); err != nil {
		return o, err
	}
	var err error
	if o.Write, err = parseWrite(c); err != nil {
		return o, err
	}
	o.Connect, err = parseConnect(c)
	return o, err
}

// source reads the manifest or the saved plan to apply: exactly one.
func (o *Apply) source(c *cli.Context) error {
	if o.PlanFile == "" {
		var err error
		o.Manifest, err = fileArgument(c, "manifest")
		return err
	}
	switch {
	case c.String("manifest") != "" || c.Args().Len() > 0:
		return &cliui.UsageError{Err: errors.New("give either a manifest (-f) or --plan, not both")}
	case o.CreateMissing:
		return &cliui.UsageError{Err: errors.New("--create-missing applies to a manifest: a saved plan creates what plan --create-missing put in it")}
	}
	return nil
}

// Rollback are rollback's flags.
type Rollback struct {
	Connect
	Write
	From string
}

// RollbackFlags are rollback's flags.
func RollbackFlags() []cli.Flag {
	flags := []cli.Flag{
		&cli.StringFlag{Name: "from", Usage: "the report `REPORT.jsonl` of the run to undo"},
		&cli.BoolFlag{Name: "force", Usage: "restore connections even where someone changed them since the run"},
	}
	flags = append(flags, writeFlags("restored")...)
	return append(flags, connectFlags()...)
}

// ParseRollback reads rollback's flags.
func ParseRollback(c *cli.Context) (Rollback, error) {
	var o Rollback
	var err error
	if o.From, err = fileArgument(c, "from"); err != nil {
		return o, err
	}
	if o.Write, err = parseWrite(c); err != nil {
		return o, err
	}
	o.Connect, err = parseConnect(c)
	return o, err
}

// Export are export's flags.
type Export struct {
	Connect
	Strategies []string
	Format     report.Format
	Key        manifest.Key
	Out        string
}

// ExportFlags are export's flags.
func ExportFlags() []cli.Flag {
	return append([]cli.Flag{
		&cli.StringSliceFlag{Name: "strategy", Usage: "export only connections of strategy `S` (samlp, oidc, okta or waad); repeat it, or separate with commas, for several"},
		&cli.StringFlag{Name: "format", Value: string(report.FormatJSON), Usage: "manifest format: " + report.FormatHelp(report.DocManifest)},
		&cli.StringFlag{Name: "key", Value: string(manifest.KeyByID), Usage: "name connections by id, or by name (portable to another tenant): id or name"},
		outFlag("the manifest, instead of stdout,", report.DocManifest),
	}, connectFlags()...)
}

// ParseExport reads export's flags: a manifest's format, or another tool's
// files (parseInteropFormat).
func ParseExport(c *cli.Context) (Export, error) {
	o := Export{Key: manifest.Key(c.String("key"))}
	if err := cliui.NoArguments(c); err != nil {
		return o, err
	}
	if o.Key != manifest.KeyByID && o.Key != manifest.KeyByName {
		return o, &cliui.UsageError{Err: fmt.Errorf("--key %q: give id or name", o.Key)}
	}
	interop, err := parseInteropFormat(c, &o)
	if err != nil {
		return o, err
	}
	if !interop {
		if o.Format, o.Out, err = parseOutput(c, report.FormatJSON, report.DocManifest); err != nil {
			return o, err
		}
	}
	if o.Strategies, err = parseStrategies(c.StringSlice("strategy")); err != nil {
		return o, err
	}
	o.Connect, err = parseConnect(c)
	return o, err
}

// parseStrategies checks --strategy values, dropping repeats.
func parseStrategies(values []string) ([]string, error) {
	var out []string
	for _, s := range values {
		s = strings.TrimSpace(s)
		if !scim.SupportsSCIM(s) {
			return nil, &cliui.UsageError{Err: fmt.Errorf("--strategy %q: only connections of the SCIM strategies %s can have a SCIM configuration%s",
				s, strings.Join(scim.SCIMStrategies, ", "), cliui.DidYouMean(s, scim.SCIMStrategies))}
		}
		if !slices.Contains(out, s) {
			out = append(out, s)
		}
	}
	return out, nil
}

// Report are report's flags.
type Report struct {
	Log
	// FormatGiven says --format was given: without it (nor --out), a
	// terminal is shown text, as terraform show does.
	FormatGiven bool
	From        string
	Format      report.Format
	Out         string
}

// ReportFlags are report's flags.
func ReportFlags() []cli.Flag {
	return append([]cli.Flag{
		&cli.StringFlag{Name: "from", Usage: "the saved plan or run report `FILE` to render"},
		&cli.StringFlag{Name: "format", Usage: "output format: " + report.FormatHelp(report.DocSaved) + " (default: text on a terminal, else html)"},
		outFlag("the rendering, instead of stdout,", report.DocSaved),
	}, LogFlags()...)
}

// ParseReport reads report's flags.
func ParseReport(c *cli.Context) (Report, error) {
	var o Report
	var err error
	if o.From, err = fileArgument(c, "from"); err != nil {
		return o, err
	}
	if o.Log, err = ParseLog(c); err != nil {
		return o, err
	}
	o.Format, o.Out, err = parseOutput(c, report.FormatHTML, report.DocSaved)
	o.FormatGiven = c.IsSet("format")
	return o, err
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
			return "", &cliui.UsageError{Err: fmt.Errorf("%q comes after the file %q and would be ignored: put flags before the file", a, args[0])}
		}
	}
	switch {
	case len(args) > 1:
		return "", &cliui.UsageError{Err: fmt.Errorf("unexpected arguments %q: give one file", args[1:])}
	case len(args) == 1 && value != "" && value != args[0]:
		return "", &cliui.UsageError{Err: fmt.Errorf("two files given: --%s %q and %q", flag, value, args[0])}
	case len(args) == 1:
		return args[0], nil
	case value == "":
		return "", &cliui.UsageError{Err: fmt.Errorf("no file: give --%s FILE", flag)}
	}
	return value, nil
}

// StdinName names the manifest read from standard input (-f -) in problems.
const StdinName = "stdin"

// IsStdin reports whether a file argument means standard input.
func IsStdin(path string) bool { return path == "-" }
