package app

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/scim-migrate/scim-migrate/internal/manifest"
	"github.com/urfave/cli/v2"
)

// Export formats of other tools' files (see the interop issue).
const (
	formatDeployYAML = "deploy-cli-yaml"
	formatDeployDir  = "deploy-cli-dir"
	formatTerraform  = "terraform"
)

// parseInteropFormat reads export's --format and --out when they name a
// Deploy CLI or Terraform output, given by --format or by --out's extension
// (.yaml/.yml, .tf). It reports false when they name a manifest format,
// which parseOutput then reads.
func parseInteropFormat(c *cli.Context, o *exportOptions) (bool, error) {
	out := c.String("out")
	ext := strings.ToLower(filepath.Ext(out))
	format := c.String("format")
	if !c.IsSet("format") {
		switch ext {
		case ".yaml", ".yml":
			format = formatDeployYAML
		case ".tf":
			format = formatTerraform
		}
	}
	switch format {
	case formatDeployYAML, formatDeployDir, formatTerraform:
	default:
		return false, nil
	}
	o.format, o.out = format, out
	if err := checkInteropOut(format, out, ext); err != nil {
		return true, &usageError{err: err}
	}
	if format != formatTerraform && c.IsSet("key") && o.key != manifest.KeyByName {
		return true, &usageError{err: fmt.Errorf("--key %s: Deploy CLI files name connections by name (leave --key out)", o.key)}
	}
	return true, nil
}

func checkInteropOut(format, out, ext string) error {
	fi, statErr := os.Stat(out)
	isDir := out != "" && statErr == nil && fi.IsDir()
	switch {
	case format == formatDeployDir && out == "":
		return fmt.Errorf("--format %s writes a directory: give it with --out DIR", format)
	case format == formatDeployDir && statErr == nil && !isDir:
		return fmt.Errorf("--out %s is a file: --format %s writes a directory", out, format)
	case format != formatDeployDir && isDir:
		return fmt.Errorf("--out %s is a directory: give the path of a file", out)
	case format == formatDeployYAML && out != "" && ext != ".yaml" && ext != ".yml":
		return fmt.Errorf("--out %s: a Deploy CLI YAML file ends in .yaml or .yml", out)
	case format == formatTerraform && out != "" && ext != ".tf":
		return fmt.Errorf("--out %s: Terraform reads files ending in .tf", out)
	}
	return nil
}
