package app

import (
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"time"

	"github.com/scim-migrate/scim-migrate/internal/auth0api"
	"github.com/scim-migrate/scim-migrate/internal/fileutil"
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
// rollback alike, by their start time), the current run's report among
// them, and deletes the others, so that nightly runs do not fill the disk.
//
// It deletes only what it proves is its own: a regular file (never a
// symlink) named as DefaultPath names this tenant's reports, whose header
// says the same tool, tenant, command and start time. The current run's
// report is never deleted, nor a report dated after now (the clock was once
// wrong, or the file is not what it says): those are logged and kept, and
// do not count among the keep. Every deletion is logged; a report it
// cannot delete is logged and left.
func pruneReports(dir, tenant string, keep int, current string, now time.Time, logger *slog.Logger) {
	var old []runlog.ReportFile
	for _, r := range runlog.ReportsOf(dir, tenant) {
		switch err := ownReport(r, tenant); {
		case err != nil:
			logger.Info("not deleted (--keep): not provably this tenant's report", "path", r.Path, "reason", err.Error())
		case fileutil.SamePath(r.Path, current):
		case r.Started.After(now):
			logger.Warn("not deleted (--keep): the report is dated in the future", "path", r.Path, "started", r.Started.Format(time.RFC3339))
		default:
			old = append(old, r)
		}
	}
	slices.SortFunc(old, func(a, b runlog.ReportFile) int { return b.Started.Compare(a.Started) })
	for _, r := range old[min(keep-1, len(old)):] {
		if err := os.Remove(r.Path); err != nil {
			logger.Warn("could not delete an old report", "path", r.Path, "error", err)
			continue
		}
		logger.Info("deleted an old report (--keep)", "path", r.Path, "started", r.Started.Format(time.RFC3339))
	}
}

// ownReport proves that r is a report of tenant (a tenant key) that this
// tool wrote.
func ownReport(r runlog.ReportFile, tenant string) error {
	h, err := runlog.ProveReport(r)
	if err != nil {
		return err
	}
	if auth0api.TenantKey(h.Tenant) != tenant {
		return fmt.Errorf("a report of tenant %q", h.Tenant)
	}
	return nil
}
