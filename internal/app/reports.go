package app

import (
	"path/filepath"
	"time"

	"github.com/scim-migrate/scim-migrate/internal/runlog"
)

// reportPath is where a run's report goes: --report, or a new file named
// after the command, the tenant and the time, in --report-dir or the
// current directory.
func reportPath(o writeOptions, command, tenant string, start time.Time) string {
	if o.reportPath != "" {
		return o.reportPath
	}
	return filepath.Join(o.reportDir, runlog.DefaultPath(command, tenant, start))
}
