package options

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/scim-migrate/scim-migrate/internal/cliui"
	"github.com/scim-migrate/scim-migrate/internal/manifest"
	"github.com/scim-migrate/scim-migrate/internal/report"
	"github.com/urfave/cli/v2"
)

// parseInteropFormat reads export's --format and --out when they name a
// Deploy CLI or Terraform output, given by --format or by --out's extension
// (.yaml/.yml, .tf). It reports false when they name a manifest format,
// which parseOutput then reads.
func parseInteropFormat(c *cli.Context, o *Export) (bool, error) {
	out := c.String("out")
	ext := strings.ToLower(filepath.Ext(out))
	format := report.Format(c.String("format"))
	if byExt, ok := report.FormatOfExtension(ext); ok && !c.IsSet("format") {
		format = byExt
	}
	if !report.IsInterop(format) {
		return false, nil
	}
	o.Format, o.Out = format, out
	if err := checkInteropOut(format, out, ext); err != nil {
		return true, &cliui.UsageError{Err: err}
	}
	if format != report.FormatTerraform && c.IsSet("key") && o.Key != manifest.KeyByName {
		return true, &cliui.UsageError{Err: fmt.Errorf("--key %s: Deploy CLI files name connections by name (leave --key out)", o.Key)}
	}
	return true, nil
}

func checkInteropOut(format report.Format, out, ext string) error {
	fi, statErr := os.Stat(out)
	isDir := out != "" && statErr == nil && fi.IsDir()
	switch {
	case format == report.FormatDeployDir && out == "":
		return fmt.Errorf("--format %s writes a directory: give it with --out DIR", format)
	case format == report.FormatDeployDir && statErr == nil && !isDir:
		return fmt.Errorf("--out %s is a file: --format %s writes a directory", out, format)
	case format != report.FormatDeployDir && isDir:
		return fmt.Errorf("--out %s is a directory: give the path of a file", out)
	case format == report.FormatDeployYAML && out != "" && ext != ".yaml" && ext != ".yml":
		return fmt.Errorf("--out %s: a Deploy CLI YAML file ends in .yaml or .yml", out)
	case format == report.FormatTerraform && out != "" && ext != ".tf":
		return fmt.Errorf("--out %s: Terraform reads files ending in .tf", out)
	}
	return nil
}
