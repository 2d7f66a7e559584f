package runlog

import (
	"fmt"
	"log/slog"
	"os"
	"slices"
	"time"

	"github.com/scim-migrate/scim-migrate/internal/fileutil"
)

// Prune keeps the keep newest reports of a tenant in dir (apply and
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
func Prune(dir, tenant string, keep int, current string, now time.Time, ofTenant func(Header) bool, logger *slog.Logger) {
	var old []ReportFile
	for _, r := range ReportsOf(dir, tenant) {
		switch err := ownReport(r, ofTenant); {
		case err != nil:
			logger.Info("not deleted (--keep): not provably this tenant's report", "path", r.Path, "reason", err.Error())
		case fileutil.SamePath(r.Path, current):
		case r.Started.After(now):
			logger.Warn("not deleted (--keep): the report is dated in the future", "path", r.Path, "started", r.Started.Format(time.RFC3339))
		default:
			old = append(old, r)
		}
	}
	slices.SortFunc(old, func(a, b ReportFile) int { return b.Started.Compare(a.Started) })
	for _, r := range old[min(keep-1, len(old)):] {
		if err := os.Remove(r.Path); err != nil {
			logger.Warn("could not delete an old report", "path", r.Path, "error", err)
			continue
		}
		logger.Info("deleted an old report (--keep)", "path", r.Path, "started", r.Started.Format(time.RFC3339))
	}
}

// ownReport proves that r is a report of the tenant (ofTenant says so of
// its header) that this tool wrote.
func ownReport(r ReportFile, ofTenant func(Header) bool) error {
	h, err := ProveReport(r)
	if err != nil {
		return err
	}
	if !ofTenant(h) {
		return fmt.Errorf("a report of tenant %q", h.Tenant)
	}
	return nil
}
