package options

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/scim-migrate/scim-migrate/internal/cliui"
	"github.com/scim-migrate/scim-migrate/internal/fileutil"
	"github.com/scim-migrate/scim-migrate/internal/report"
	"github.com/scim-migrate/scim-migrate/internal/scimtoken"
	"github.com/urfave/cli/v2"
)

// TokenSelection is which connections a tokens command works on.
type TokenSelection struct {
	Manifest    string
	Strategies  []string
	Connections []string
	All         bool
}

// Explicit reports whether anything was selected on the command line.
func (t TokenSelection) Explicit() bool {
	return t.Manifest != "" || len(t.Strategies) > 0 || len(t.Connections) > 0 || t.All
}

func selectionFlags(allDefault string) []cli.Flag {
	return []cli.Flag{
		&cli.StringFlag{Name: "manifest", Aliases: []string{"f"}, Usage: "the connections a manifest `FILE` names or selects"},
		&cli.StringSliceFlag{Name: "strategy", Usage: "the connections of strategy `S` (samlp, oidc, okta or waad); repeat it for several"},
		&cli.StringSliceFlag{Name: "connection", Usage: "the connection `ID|NAME`; repeat it for several"},
		&cli.BoolFlag{Name: "all", Usage: "every connection with a SCIM configuration" + allDefault, DisableDefaultText: true},
	}
}

func parseSelection(c *cli.Context) (TokenSelection, error) {
	sel := TokenSelection{Manifest: c.String("manifest"), All: c.Bool("all")}
	if err := cliui.NoArguments(c); err != nil {
		return sel, err
	}
	var err error
	if sel.Strategies, err = parseStrategies(c.StringSlice("strategy")); err != nil {
		return sel, err
	}
	for _, v := range c.StringSlice("connection") {
		if v = strings.TrimSpace(v); v != "" && !slices.Contains(sel.Connections, v) {
			sel.Connections = append(sel.Connections, v)
		}
	}
	if sel.All && (sel.Manifest != "" || len(sel.Strategies) > 0 || len(sel.Connections) > 0) {
		return sel, &cliui.UsageError{Err: errors.New("--all selects every connection with a SCIM configuration: leave out -f, --strategy and --connection, or --all")}
	}
	return sel, nil
}

// TokenPlan are the flags of a writing token command's plan: saved
// from a dry run, or read back and run exactly.
type TokenPlan struct {
	SavePlan   string
	PlanFile   string
	MaxPlanAge time.Duration
}

func tokenPlanFlags() []cli.Flag {
	return []cli.Flag{
		&cli.StringFlag{Name: "save-plan", Usage: "with --dry-run: save the token plan to `PATH` (JSON), to review, then run exactly it with --plan"},
		&cli.StringFlag{Name: "plan", Usage: "run exactly the token plan `PATH` saved by --save-plan (no selection flags then)"},
		cliui.DurationFlag("max-plan-age", defaultMaxPlanAge, "refuse a saved token plan older than `DURATION` (such as 24h, 90m or 2d)"),
	}
}

// tokenWriteFlags are a writing token command's run flags: its plan, its
// report, and --format, which shows the plan as markdown too in a dry run.
func tokenWriteFlags(verb string) []cli.Flag {
	flags := writeFlags(verb)
	for i, f := range flags {
		if f.Names()[0] == "format" {
			flags[i] = &cli.StringFlag{Name: "format", Value: string(report.FormatText), EnvVars: []string{FormatEnv},
				Usage: "result on stdout: text, or json (exactly one JSON document, for scripts); with --dry-run, markdown too (the token plan)"}
		}
	}
	return append(tokenPlanFlags(), flags...)
}

// parseTokenWrite reads the run flags of a writing token command.
func parseTokenWrite(c *cli.Context) (Write, error) {
	o, err := parseWrite(c, report.DocTokenPlan)
	if err == nil && o.Format == report.FormatMarkdown && !o.DryRun {
		err = &cliui.UsageError{Err: errors.New("--format markdown shows the token plan: give --dry-run too")}
	}
	return o, err
}

// parseTokenPlan reads --save-plan, --plan and --max-plan-age: a plan is
// saved only by a dry run, and one read back is run as it is, without a
// selection.
func parseTokenPlan(c *cli.Context, sel TokenSelection) (TokenPlan, error) {
	o := TokenPlan{SavePlan: c.String("save-plan"), PlanFile: c.String("plan"), MaxPlanAge: cliui.FlagDuration(c, "max-plan-age")}
	switch {
	case o.MaxPlanAge <= 0:
		return o, &cliui.UsageError{Err: fmt.Errorf("--max-plan-age %v: give a positive duration such as 24h", o.MaxPlanAge)}
	case o.SavePlan != "" && !c.Bool("dry-run"):
		return o, &cliui.UsageError{Err: errors.New("--save-plan saves the plan of a dry run: give --dry-run too, then run it with --plan")}
	case o.SavePlan != "" && o.PlanFile != "":
		return o, &cliui.UsageError{Err: errors.New("give --save-plan or --plan, not both")}
	case o.PlanFile != "" && sel.Explicit():
		return o, &cliui.UsageError{Err: errors.New("--plan runs the connections of the saved plan: leave out -f, --strategy, --connection and --all")}
	}
	return o, nil
}

// requireSelection refuses a writing tokens command that selects nothing:
// it never works on every connection unless told so with --all.
func requireSelection(sel TokenSelection, command string) error {
	if sel.Explicit() {
		return nil
	}
	return &cliui.UsageError{Err: fmt.Errorf("%s needs the connections to work on: give -f MANIFEST, --strategy S, --connection ID|NAME, or --all", command)}
}

// TokensAudit are tokens audit's flags.
type TokensAudit struct {
	Connect
	TokenSelection
	Within           time.Duration
	Format           report.Format
	Out              string
	DetailedExitcode bool
}

// defaultAuditWindow is how far ahead tokens audit looks for expiring tokens.
const defaultAuditWindow = 720 * time.Hour

// TokensAuditFlags are tokens audit's flags.
func TokensAuditFlags() []cli.Flag {
	flags := append(selectionFlags(" (the default)"),
		cliui.DurationFlag("within", defaultAuditWindow, "flag tokens that expire within `DURATION` (such as 30d or 2w)"),
		formatFlag(report.FormatText, report.DocAudit, ""),
		outFlag("the audit, instead of stdout,", report.DocAudit),
		&cli.BoolFlag{Name: "detailed-exitcode", Usage: "exit 2 when a token is expired, expires within --within, was never used, or a connection has no valid token; 0 when nothing is flagged"},
	)
	return append(flags, connectFlags()...)
}

// ParseTokensAudit reads tokens audit's flags; no selection means --all.
func ParseTokensAudit(c *cli.Context) (TokensAudit, error) {
	o := TokensAudit{Within: cliui.FlagDuration(c, "within"), DetailedExitcode: c.Bool("detailed-exitcode")}
	var err error
	if o.TokenSelection, err = parseSelection(c); err != nil {
		return o, err
	}
	if !o.Explicit() {
		o.All = true
	}
	if o.Within < 0 {
		return o, &cliui.UsageError{Err: fmt.Errorf("--within %v: give a duration of 0 or more, such as 30d", o.Within)}
	}
	if o.Format, o.Out, err = parseOutput(c, report.FormatText, report.DocAudit); err != nil {
		return o, err
	}
	o.Connect, err = parseConnect(c)
	return o, err
}

// TokensIssue are tokens issue's flags.
type TokensIssue struct {
	Connect
	Write
	TokenSelection
	TokenPlan
	Handoff  string
	Scopes   []string
	Lifetime time.Duration
}

// defaultTokenLifetime is a year: long enough not to break provisioning
// between two audits, short enough that a leaked handoff file ages out.
const defaultTokenLifetime = 365 * 24 * time.Hour

// TokensIssueFlags are the flags of tokens issue, and of tokens rotate.
func TokensIssueFlags() []cli.Flag {
	flags := append(selectionFlags(""),
		&cli.StringFlag{Name: "out", Usage: "the handoff file `HANDOFF.json|HANDOFF.csv` the new tokens are written to (mode 0600): the only place a token is ever written"},
		&cli.BoolFlag{Name: "force", Usage: "replace the handoff file if it exists"},
		&cli.StringFlag{Name: "scopes", Value: strings.Join(scimtoken.DefaultScopes, ","), Usage: "the tokens' scopes, `a,b,...` among " + strings.Join(scimtoken.KnownScopes, ", ")},
		cliui.DurationFlag("lifetime", defaultTokenLifetime, "how long the tokens are valid, as a `DURATION` longer than 15m (such as 90d or 52w); 0: they never expire"),
	)
	flags = append(flags, tokenWriteFlags("issued")...)
	return append(flags, connectFlags()...)
}

// ParseTokensIssue reads the flags of a command that issues tokens (tokens
// issue, tokens rotate: the same flags), its messages naming the command.
func ParseTokensIssue(c *cli.Context) (TokensIssue, error) {
	return parseIssuing(c, strings.TrimPrefix(c.Command.HelpName, "scim-migrate "))
}

// parseIssuing reads the flags of a command that issues tokens (tokens
// issue, tokens rotate: the same flags).
func parseIssuing(c *cli.Context, command string) (TokensIssue, error) {
	o := TokensIssue{Handoff: c.String("out"), Lifetime: cliui.FlagDuration(c, "lifetime")}
	var err error
	if o.TokenSelection, err = parseSelection(c); err != nil {
		return o, err
	}
	if o.TokenPlan, err = parseTokenPlan(c, o.TokenSelection); err != nil {
		return o, err
	}
	if o.PlanFile == "" {
		if err := requireSelection(o.TokenSelection, command); err != nil {
			return o, err
		}
	} else if c.IsSet("scopes") || c.IsSet("lifetime") {
		return o, &cliui.UsageError{Err: errors.New("--plan issues with the saved plan's scopes and lifetime: leave out --scopes and --lifetime")}
	}
	if err := o.checkHandoff(c.Bool("dry-run"), command); err != nil {
		return o, err
	}
	if o.Scopes, err = parseScopes(c.String("scopes")); err != nil {
		return o, err
	}
	if o.Lifetime < 0 || (o.Lifetime > 0 && o.Lifetime <= scimtoken.MinLifetime) {
		return o, &cliui.UsageError{Err: fmt.Errorf("--lifetime %v: give a duration longer than 15m (Auth0 needs more than 900 seconds), such as 52w, or 0 for tokens that never expire", cliui.ReadableDuration(o.Lifetime))}
	}
	if o.Write, err = parseTokenWrite(c); err != nil {
		return o, err
	}
	if err := distinctOutputs([2]string{"--out", o.Handoff}, [2]string{"--report", o.ReportPath}); err != nil {
		return o, err
	}
	if o.Connect, err = parseConnect(c); err != nil {
		return o, err
	}
	if o.Handoff != "" {
		err = checkHandoffPath(o.Handoff, o.Force, command)
	}
	return o, err
}

// checkHandoffPath refuses, before anything is sent, a handoff file that
// exists (unless --force), a directory in its place (even with --force: it
// cannot be replaced by a file) or a file that could not be created: tokens
// issued with nowhere to write them would be lost.
func checkHandoffPath(path string, force bool, command string) error {
	if fi, err := os.Stat(path); err == nil && fi.IsDir() {
		return &cliui.UsageError{Err: fmt.Errorf("the handoff file %s is a directory: give the path of a file to --out", path),
			Hint: cliui.HelpHint("scim-migrate " + command)}
	}
	if _, err := os.Lstat(path); err == nil && !force {
		return &cliui.UsageError{Err: fmt.Errorf("the handoff file %s exists: give another --out, or --force to replace it", path),
			Hint: cliui.HelpHint("scim-migrate " + command)}
	} else if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fileutil.Wrap("check", path, err)
	}
	probe, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".probe-*")
	if err != nil {
		return fmt.Errorf("the handoff file cannot be written: %w", err)
	}
	probe.Close()
	return os.Remove(probe.Name())
}

// checkHandoff requires --out, in a form named by its extension; a dry run
// issues nothing, and needs none.
func (o *TokensIssue) checkHandoff(dryRun bool, command string) error {
	if o.Handoff == "" && dryRun {
		return nil
	}
	if o.Handoff == "" {
		return &cliui.UsageError{Err: errors.New(command + " needs --out HANDOFF.json or HANDOFF.csv: the new tokens are written there, and nowhere else")}
	}
	if _, err := scimtoken.HandoffFormatOf(o.Handoff); err != nil {
		return &cliui.UsageError{Err: err}
	}
	return nil
}

// parseScopes reads --scopes: known scopes, separated by commas.
func parseScopes(s string) ([]string, error) {
	var out []string
	for _, v := range strings.Split(s, ",") {
		v = strings.TrimSpace(v)
		switch {
		case v == "" || slices.Contains(out, v):
		case !slices.Contains(scimtoken.KnownScopes, v):
			return nil, &cliui.UsageError{Err: fmt.Errorf("--scopes: unknown scope %q; give some of %s", v, strings.Join(scimtoken.KnownScopes, ", "))}
		default:
			out = append(out, v)
		}
	}
	if len(out) == 0 {
		return nil, &cliui.UsageError{Err: errors.New("--scopes: give at least one scope, such as " + strings.Join(scimtoken.DefaultScopes, ","))}
	}
	return out, nil
}

// TokensRevoke are tokens revoke's flags.
type TokensRevoke struct {
	Connect
	Write
	TokenSelection
	TokenPlan
	Choice scimtoken.Choice
	From   string
}

// TokensRevokeFlags are tokens revoke's flags.
func TokensRevokeFlags() []cli.Flag {
	flags := append(selectionFlags(""),
		&cli.BoolFlag{Name: "expired", Usage: "revoke the tokens that have expired"},
		cliui.DurationFlag("older-than", 0, "revoke the tokens created longer ago than `DURATION` (such as 26w or 180d)"),
		&cli.IntFlag{Name: "keep-newest", Usage: "revoke all but the `N` newest tokens of each connection"},
		&cli.StringFlag{Name: "from", Usage: "revoke the tokens named in `HANDOFF_OR_REPORT`: a handoff file of tokens issue, or the report of a tokens issue run"},
	)
	flags = append(flags, tokenWriteFlags("revoked")...)
	return append(flags, connectFlags()...)
}

// ParseTokensRevoke reads tokens revoke's flags: which tokens (a choice, or
// --from), of which connections.
func ParseTokensRevoke(c *cli.Context) (TokensRevoke, error) {
	o := TokensRevoke{From: c.String("from"), Choice: scimtoken.Choice{
		Expired: c.Bool("expired"), OlderThan: cliui.FlagDuration(c, "older-than"), KeepNewest: c.Int("keep-newest")}}
	var err error
	if o.TokenSelection, err = parseSelection(c); err != nil {
		return o, err
	}
	if o.TokenPlan, err = parseTokenPlan(c, o.TokenSelection); err != nil {
		return o, err
	}
	if o.PlanFile != "" {
		return o.parseRest(c)
	}
	switch {
	case o.Choice.OlderThan < 0:
		return o, &cliui.UsageError{Err: fmt.Errorf("--older-than %v: give a positive duration such as 26w", o.Choice.OlderThan)}
	case o.Choice.KeepNewest < 0 || o.Choice.KeepNewest > scimtoken.MaxPerConnection:
		return o, &cliui.UsageError{Err: fmt.Errorf("--keep-newest %d: give 1 or %d (a connection holds at most %d tokens)", o.Choice.KeepNewest, scimtoken.MaxPerConnection, scimtoken.MaxPerConnection)}
	case o.Choice.Empty() && o.From == "":
		return o, &cliui.UsageError{Err: errors.New("tokens revoke needs to know which tokens: give --expired, --older-than DURATION, --keep-newest N or --from HANDOFF_OR_REPORT")}
	}
	if o.From == "" {
		if err := requireSelection(o.TokenSelection, "tokens revoke"); err != nil {
			return o, err
		}
	}
	return o.parseRest(c)
}

func (o TokensRevoke) parseRest(c *cli.Context) (TokensRevoke, error) {
	var err error
	if o.Write, err = parseTokenWrite(c); err != nil {
		return o, err
	}
	o.Connect, err = parseConnect(c)
	return o, err
}
