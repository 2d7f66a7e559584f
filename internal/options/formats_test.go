package options

import (
	"slices"
	"testing"

	"github.com/urfave/cli/v2"
)

// anyParse erases a parse function's options type.
func anyParse[T any](parse func(*cli.Context) (T, error)) func(*cli.Context) (any, error) {
	return func(c *cli.Context) (any, error) { return parse(c) }
}

// TestFormatNames_areWhatEachCommandTakes: the formats completion offers
// for a command's --format (FormatNames) are exactly those its parse
// function takes, so the table they both come from cannot drift from either.
func TestFormatNames_areWhatEachCommandTakes(t *testing.T) {
	t.Parallel()
	commands := []struct {
		name  string
		flags []cli.Flag
		parse func(*cli.Context) (any, error)
		args  []string
	}{
		{"validate", ValidateFlags(), anyParse(ParseValidate), []string{"-f", "m.json"}},
		{"plan", PlanFlags(), anyParse(ParsePlan), []string{testDomain, "-f", "m.json"}},
		{"apply", ApplyFlags(), anyParse(ParseApply), []string{testDomain, "-f", "m.json"}},
		{"rollback", RollbackFlags(), anyParse(ParseRollback), []string{testDomain, "--from", "r.jsonl"}},
		{"report", ReportFlags(), anyParse(ParseReport), []string{"--from", "r.jsonl"}},
		{"export", ExportFlags(), anyParse(ParseExport), []string{testDomain}},
		{"tokens audit", TokensAuditFlags(), anyParse(ParseTokensAudit), []string{testDomain, "--all"}},
		{"tokens issue", TokensIssueFlags(), anyParse(ParseTokensIssue), []string{testDomain, "--all", "--dry-run"}},
		{"tokens revoke", TokensRevokeFlags(), anyParse(ParseTokensRevoke), []string{testDomain, "--all", "--dry-run", "--keep-newest", "1"}},
		{"tokens rotate", TokensIssueFlags(), anyParse(ParseTokensIssue), []string{testDomain, "--all", "--dry-run"}},
	}
	for _, cmd := range commands {
		if got, want := FormatFromEnv(cmd.name), formatFlagHasEnv(cmd.flags); got != want {
			t.Errorf("%s: FormatFromEnv %v, but its --format flag reads %s: %v", cmd.name, got, FormatEnv, want)
		}
		names := FormatNames(cmd.name)
		if len(names) == 0 {
			t.Errorf("%s: no formats offered", cmd.name)
		}
		for _, f := range append(slices.Clone(names), "bogus") {
			args := append(slices.Clone(cmd.args), "--format", f)
			if cmd.name == "export" && f == "deploy-cli-dir" { // a directory, which only --out names
				args = append(args, "--out", t.TempDir())
			}
			_, err := parseArgs(t, cmd.flags, cmd.parse, args...)
			if want := f != "bogus"; (err == nil) != want {
				t.Errorf("%s --format %s: %v (offered by completion: %v)", cmd.name, f, err, want)
			}
		}
	}
	if got := FormatNames("version"); got != nil {
		t.Errorf("version's --format is not a document of report's: %v", got)
	}
}

// formatFlagHasEnv reports whether the --format among flags is bound to
// FormatEnv.
func formatFlagHasEnv(flags []cli.Flag) bool {
	for _, f := range flags {
		if sf, ok := f.(*cli.StringFlag); ok && sf.Name == "format" {
			return slices.Contains(sf.EnvVars, FormatEnv)
		}
	}
	return false
}
