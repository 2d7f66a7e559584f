package app

import (
	"fmt"
	"os"
	"strings"
	"sync"
	"syscall"
	"testing"

	"github.com/scim-migrate/scim-migrate/internal/emulator"
	"github.com/scim-migrate/scim-migrate/internal/fileutil"
	"github.com/scim-migrate/scim-migrate/internal/runlog"
)

// tearingDisk is a report file on a disk that fills and frees: the writes
// whose numbers are in fail write the first half of their line and fail.
type tearingDisk struct {
	runlog.File
	mu     sync.Mutex
	writes int
	fail   map[int]bool
}

func (f *tearingDisk) Write(p []byte) (int, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.writes++
	if !f.fail[f.writes] {
		return f.File.Write(p)
	}
	n, _ := f.File.Write(p[:len(p)/2])
	return n, syscall.ENOSPC
}

// TestReport_tornWritesStayReadable runs apply 20 times on a report whose
// disk fails some writes part-way and frees at once: each run stops (exit
// 4, naming the report) or finishes, and rollback always reads the report
// and restores the tenant exactly.
func TestReport_tornWritesStayReadable(t *testing.T) {
	for trial := range 20 {
		t.Run(fmt.Sprint(trial), func(t *testing.T) {
			h, m, _ := bulkTenant(t, 12, emulator.Options{})
			original := h.tenant.Snapshot()
			first := 2 + trial
			fail := map[int]bool{first: true}
			if trial%2 == 0 {
				fail[first+1] = true // two torn lines in a row
			}
			h.openReport = func(path string) (runlog.File, error) {
				f, err := fileutil.CreateAppend(path)
				return &tearingDisk{File: f, fail: fail}, err
			}
			rep := h.path("r.jsonl")
			r := h.run("apply", "--concurrency", "4", "--report", rep, "-f", m)
			if r.code != ExitStopped {
				t.Fatalf("want exit 4 for a report that could not be written:\n%s", r)
			}
			h.openReport = nil
			if _, err := runlog.ReadRunFile(rep); err != nil {
				t.Fatalf("the report cannot be read: %v\n%s", err, r)
			}
			h.rollbackRestores(rep, original, "rollback of a run whose report was torn")
		})
	}
}

// TestRollback_readsAReportWithATornLine rolls back a report written before
// torn lines were cut back: a partly written intent (whose write was never
// sent) with the next line glued to it. Rollback names the torn line, skips
// it and restores every recorded write.
func TestRollback_readsAReportWithATornLine(t *testing.T) {
	h, m, _ := bulkTenant(t, 8, emulator.Options{})
	original := h.tenant.Snapshot()
	rep := h.path("r.jsonl")
	h.expect(h.run("apply", "--concurrency", "1", "--report", rep, "-f", m), ExitOK)
	data, err := os.ReadFile(rep)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.SplitAfter(string(data), "\n")
	torn := strings.Replace(lines[1], "con_", "con_X", 1) // an intent never sent
	lines[3] = torn[:len(torn)/2] + lines[3]
	if err := os.WriteFile(rep, []byte(strings.Join(lines, "")), 0o600); err != nil {
		t.Fatal(err)
	}
	r := h.expect(h.run("rollback", "--report", h.path("b.jsonl"), "--from", rep), ExitOK)
	if !strings.Contains(r.stderr, "torn") || !strings.Contains(r.stderr, "line=4") {
		t.Errorf("rollback must name the torn line:\n%s", r)
	}
	h.sameState(original, "rollback of a report with a torn line")
}
