package app

import (
	"log/slog"
	"os"
	"path/filepath"
	"slices"
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

// pruneReports keeps the keep newest reports of a tenant in dir (apply and
// rollback alike, by the time in their names) and deletes the others, so
// that nightly runs do not fill the disk. A report it cannot delete is
// logged and left.
func pruneReports(dir, tenant string, keep int, logger *slog.Logger) {
	reports := runlog.ReportsOf(dir, tenant)
	slices.SortFunc(reports, func(a, b runlog.ReportFile) int { return b.Started.Compare(a.Started) })
	for _, r := range reports[min(keep, len(reports)):] {
		if err := os.Remove(r.Path); err != nil {
			logger.Warn("could not delete an old report", "path", r.Path, "error", err)
			continue
		}
		logger.Info("deleted an old report (--keep)", "path", r.Path)
	}
}
