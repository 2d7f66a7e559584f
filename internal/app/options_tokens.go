package app

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/scim-migrate/scim-migrate/internal/cliui"
	"github.com/scim-migrate/scim-migrate/internal/report"
	"github.com/scim-migrate/scim-migrate/internal/scimtoken"
	"github.com/urfave/cli/v2"
)

// tokenSelection is which connections a tokens command works on.
type tokenSelection struct {
	manifest    string
	strategies  []string
	connections []string
	all         bool
}

// explicit reports whether anything was selected on the command line.
func (t tokenSelection) explicit() bool {
	return t.manifest != "" || len(t.strategies) > 0 || len(t.connections) > 0 || t.all
}

func selectionFlags(allDefault string) []cli.Flag {
	return []cli.Flag{
		&cli.StringFlag{Name: "manifest", Aliases: []string{"f"}, Usage: "the connections a manifest `FILE` names or selects"},
		&cli.StringSliceFlag{Name: "strategy", Usage: "the connections of strategy `S` (samlp, oidc, okta or waad); repeat it for several"},
		&cli.StringSliceFlag{Name: "connection", Usage: "the connection `ID|NAME`; repeat it for several"},
		&cli.BoolFlag{Name: "all", Usage: "every connection with a SCIM configuration" + allDefault, DisableDefaultText: true},
	}
}

func parseSelection(c *cli.Context) (tokenSelection, error) {
	sel := tokenSelection{manifest: c.String("manifest"), all: c.Bool("all")}
	if err := noArguments(c); err != nil {
		return sel, err
	}
	var err error
	if sel.strategies, err = parseStrategies(c.StringSlice("strategy")); err != nil {
		return sel, err
	}
	for _, v := range c.StringSlice("connection") {
		if v = strings.TrimSpace(v); v != "" && !slices.Contains(sel.connections, v) {
			sel.connections = append(sel.connections, v)
		}
	}
	if sel.all && (sel.manifest != "" || len(sel.strategies) > 0 || len(sel.connections) > 0) {
		return sel, &cliui.UsageError{Err: errors.New("--all selects every connection with a SCIM configuration: leave out -f, --strategy and --connection, or --all")}
	}
	return sel, nil
}

// tokenPlanOptions are the flags of a writing token command's plan: saved
// from a dry run, or read back and run exactly.
type tokenPlanOptions struct {
	savePlan   string
	planFile   string
	maxPlanAge time.Duration
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
			flags[i] = &cli.StringFlag{Name: "format", Value: string(report.FormatText), EnvVars: []string{formatEnv},
				Usage: "result on stdout: text, or json (exactly one JSON document, for scripts); with --dry-run, markdown too (the token plan)"}
		}
	}
	return append(tokenPlanFlags(), flags...)
}

// parseTokenWrite reads the run flags of a writing token command.
func parseTokenWrite(c *cli.Context) (writeOptions, error) {
	o, err := parseWrite(c, report.DocTokenPlan)
	if err == nil && o.format == report.FormatMarkdown && !o.dryRun {
		err = &cliui.UsageError{Err: errors.New("--format markdown shows the token plan: give --dry-run too")}
	}
	return o, err
}

// parseTokenPlan reads --save-plan, --plan and --max-plan-age: a plan is
// saved only by a dry run, and one read back is run as it is, without a
// selection.
func parseTokenPlan(c *cli.Context, sel tokenSelection) (tokenPlanOptions, error) {
	o := tokenPlanOptions{savePlan: c.String("save-plan"), planFile: c.String("plan"), maxPlanAge: cliui.FlagDuration(c, "max-plan-age")}
	switch {
	case o.maxPlanAge <= 0:
		return o, &cliui.UsageError{Err: fmt.Errorf("--max-plan-age %v: give a positive duration such as 24h", o.maxPlanAge)}
	case o.savePlan != "" && !c.Bool("dry-run"):
		return o, &cliui.UsageError{Err: errors.New("--save-plan saves the plan of a dry run: give --dry-run too, then run it with --plan")}
	case o.savePlan != "" && o.planFile != "":
		return o, &cliui.UsageError{Err: errors.New("give --save-plan or --plan, not both")}
	case o.planFile != "" && sel.explicit():
		return o, &cliui.UsageError{Err: errors.New("--plan runs the connections of the saved plan: leave out -f, --strategy, --connection and --all")}
	}
	return o, nil
}

// requireSelection refuses a writing tokens command that selects nothing:
// it never works on every connection unless told so with --all.
func requireSelection(sel tokenSelection, command string) error {
	if sel.explicit() {
		return nil
	}
	return &cliui.UsageError{Err: fmt.Errorf("%s needs the connections to work on: give -f MANIFEST, --strategy S, --connection ID|NAME, or --all", command)}
}

// tokensAuditOptions are tokens audit's flags.
type tokensAuditOptions struct {
	connectOptions
	tokenSelection
	within           time.Duration
	format           report.Format
	out              string
	detailedExitcode bool
}

// defaultAuditWindow is how far ahead tokens audit looks for expiring tokens.
const defaultAuditWindow = 720 * time.Hour

func tokensAuditFlags() []cli.Flag {
	flags := append(selectionFlags(" (the default)"),
		cliui.DurationFlag("within", defaultAuditWindow, "flag tokens that expire within `DURATION` (such as 30d or 2w)"),
		formatFlag(report.FormatText, report.DocAudit, ""),
		outFlag("the audit, instead of stdout,", report.DocAudit),
		&cli.BoolFlag{Name: "detailed-exitcode", Usage: "exit 2 when a token is expired, expires within --within, was never used, or a connection has no valid token; 0 when nothing is flagged"},
	)
	return append(flags, connectFlags()...)
}

func parseTokensAudit(c *cli.Context) (tokensAuditOptions, error) {
	o := tokensAuditOptions{within: cliui.FlagDuration(c, "within"), detailedExitcode: c.Bool("detailed-exitcode")}
	var err error
	if o.tokenSelection, err = parseSelection(c); err != nil {
		return o, err
	}
	if !o.explicit() {
		o.all = true
	}
	if o.within < 0 {
		return o, &cliui.UsageError{Err: fmt.Errorf("--within %v: give a duration of 0 or more, such as 30d", o.within)}
	}
	if o.format, o.out, err = parseOutput(c, report.FormatText, report.DocAudit); err != nil {
		return o, err
	}
	o.connectOptions, err = parseConnect(c)
	return o, err
}

// tokensIssueOptions are tokens issue's flags.
type tokensIssueOptions struct {
	connectOptions
	writeOptions
	tokenSelection
	tokenPlanOptions
	handoff  string
	scopes   []string
	lifetime time.Duration
}

// defaultTokenLifetime is a year: long enough not to break provisioning
// between two audits, short enough that a leaked handoff file ages out.
const defaultTokenLifetime = 365 * 24 * time.Hour

func tokensIssueFlags() []cli.Flag {
	flags := append(selectionFlags(""),
		&cli.StringFlag{Name: "out", Usage: "the handoff file `HANDOFF.json|HANDOFF.csv` the new tokens are written to (mode 0600): the only place a token is ever written"},
		&cli.BoolFlag{Name: "force", Usage: "replace the handoff file if it exists"},
		&cli.StringFlag{Name: "scopes", Value: strings.Join(scimtoken.DefaultScopes, ","), Usage: "the tokens' scopes, `a,b,...` among " + strings.Join(scimtoken.KnownScopes, ", ")},
		cliui.DurationFlag("lifetime", defaultTokenLifetime, "how long the tokens are valid, as a `DURATION` longer than 15m (such as 90d or 52w); 0: they never expire"),
	)
	flags = append(flags, tokenWriteFlags("issued")...)
	return append(flags, connectFlags()...)
}

func parseTokensIssue(c *cli.Context) (tokensIssueOptions, error) {
	return parseIssuing(c, "tokens issue")
}

// parseIssuing reads the flags of a command that issues tokens (tokens
// issue, tokens rotate: the same flags).
func parseIssuing(c *cli.Context, command string) (tokensIssueOptions, error) {
	o := tokensIssueOptions{handoff: c.String("out"), lifetime: cliui.FlagDuration(c, "lifetime")}
	var err error
	if o.tokenSelection, err = parseSelection(c); err != nil {
		return o, err
	}
	if o.tokenPlanOptions, err = parseTokenPlan(c, o.tokenSelection); err != nil {
		return o, err
	}
	if o.planFile == "" {
		if err := requireSelection(o.tokenSelection, command); err != nil {
			return o, err
		}
	} else if c.IsSet("scopes") || c.IsSet("lifetime") {
		return o, &cliui.UsageError{Err: errors.New("--plan issues with the saved plan's scopes and lifetime: leave out --scopes and --lifetime")}
	}
	if err := o.checkHandoff(c.Bool("dry-run"), command); err != nil {
		return o, err
	}
	if o.scopes, err = parseScopes(c.String("scopes")); err != nil {
		return o, err
	}
	if o.lifetime < 0 || (o.lifetime > 0 && o.lifetime <= scimtoken.MinLifetime) {
		return o, &cliui.UsageError{Err: fmt.Errorf("--lifetime %v: give a duration longer than 15m (Auth0 needs more than 900 seconds), such as 52w, or 0 for tokens that never expire", cliui.ReadableDuration(o.lifetime))}
	}
	if o.writeOptions, err = parseTokenWrite(c); err != nil {
		return o, err
	}
	if err := distinctOutputs([2]string{"--out", o.handoff}, [2]string{"--report", o.reportPath}); err != nil {
		return o, err
	}
	o.connectOptions, err = parseConnect(c)
	return o, err
}

// checkHandoff requires --out, in a form named by its extension; a dry run
// issues nothing, and needs none.
func (o *tokensIssueOptions) checkHandoff(dryRun bool, command string) error {
	if o.handoff == "" && dryRun {
		return nil
	}
	if o.handoff == "" {
		return &cliui.UsageError{Err: errors.New(command + " needs --out HANDOFF.json or HANDOFF.csv: the new tokens are written there, and nowhere else")}
	}
	if _, err := scimtoken.HandoffFormatOf(o.handoff); err != nil {
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

// tokensRevokeOptions are tokens revoke's flags.
type tokensRevokeOptions struct {
	connectOptions
	writeOptions
	tokenSelection
	tokenPlanOptions
	choice scimtoken.Choice
	from   string
}

func tokensRevokeFlags() []cli.Flag {
	flags := append(selectionFlags(""),
		&cli.BoolFlag{Name: "expired", Usage: "revoke the tokens that have expired"},
		cliui.DurationFlag("older-than", 0, "revoke the tokens created longer ago than `DURATION` (such as 26w or 180d)"),
		&cli.IntFlag{Name: "keep-newest", Usage: "revoke all but the `N` newest tokens of each connection"},
		&cli.StringFlag{Name: "from", Usage: "revoke the tokens named in `HANDOFF_OR_REPORT`: a handoff file of tokens issue, or the report of a tokens issue run"},
	)
	flags = append(flags, tokenWriteFlags("revoked")...)
	return append(flags, connectFlags()...)
}

func parseTokensRevoke(c *cli.Context) (tokensRevokeOptions, error) {
	o := tokensRevokeOptions{from: c.String("from"), choice: scimtoken.Choice{
		Expired: c.Bool("expired"), OlderThan: cliui.FlagDuration(c, "older-than"), KeepNewest: c.Int("keep-newest")}}
	var err error
	if o.tokenSelection, err = parseSelection(c); err != nil {
		return o, err
	}
	if o.tokenPlanOptions, err = parseTokenPlan(c, o.tokenSelection); err != nil {
		return o, err
	}
	if o.planFile != "" {
		return o.parseRest(c)
	}
	switch {
	case o.choice.OlderThan < 0:
		return o, &cliui.UsageError{Err: fmt.Errorf("--older-than %v: give a positive duration such as 26w", o.choice.OlderThan)}
	case o.choice.KeepNewest < 0 || o.choice.KeepNewest > scimtoken.MaxPerConnection:
		return o, &cliui.UsageError{Err: fmt.Errorf("--keep-newest %d: give 1 or %d (a connection holds at most %d tokens)", o.choice.KeepNewest, scimtoken.MaxPerConnection, scimtoken.MaxPerConnection)}
	case o.choice.Empty() && o.from == "":
		return o, &cliui.UsageError{Err: errors.New("tokens revoke needs to know which tokens: give --expired, --older-than DURATION, --keep-newest N or --from HANDOFF_OR_REPORT")}
	}
	if o.from == "" {
		if err := requireSelection(o.tokenSelection, "tokens revoke"); err != nil {
			return o, err
		}
	}
	return o.parseRest(c)
}

func (o tokensRevokeOptions) parseRest(c *cli.Context) (tokensRevokeOptions, error) {
	var err error
	if o.writeOptions, err = parseTokenWrite(c); err != nil {
		return o, err
	}
	o.connectOptions, err = parseConnect(c)
	return o, err
}
