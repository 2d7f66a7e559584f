package runlog

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/scim-migrate/scim-migrate/internal/plan"
	"github.com/scim-migrate/scim-migrate/internal/scim"
)

// fillingDisk is a report file on a disk that fills and frees: every write
// whose number is in fail writes only the first half of its bytes and
// fails, as a full disk does; the others succeed.
type fillingDisk struct {
	*os.File
	writes        int
	fail          map[int]bool
	truncateFails bool
}

func (f *fillingDisk) Write(p []byte) (int, error) {
	f.writes++
	if !f.fail[f.writes] {
		return f.File.Write(p)
	}
	n, _ := f.File.Write(p[:len(p)/2])
	return n, syscall.ENOSPC
}

func (f *fillingDisk) Truncate(size int64) error {
	if f.truncateFails {
		return syscall.EIO
	}
	return f.File.Truncate(size)
}

// writeTorn writes a header and then, for i in 0..n-1, an intent and a
// result of connection con_tornI, on a disk failing the given writes. It
// returns the connections whose intent was recorded (the writer said so).
func writeTorn(t *testing.T, path string, n int, disk *fillingDisk) []string {
	t.Helper()
	open := func(p string) (File, error) {
		f, err := os.OpenFile(p, os.O_WRONLY|os.O_CREATE|os.O_APPEND, 0o600)
		disk.File = f
		return disk, err
	}
	w, err := CreateWith(path, Header{Command: "apply", Tenant: "acme.eu.auth0.com", StartedAt: time.Unix(0, 0)}, open)
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	before := &scim.Config{UserIDAttribute: "userName", Mapping: []scim.Pair{{SCIM: "a", Auth0: "b"}}}
	var recorded []string
	for i := range n {
		id := fmt.Sprintf("con_torn%d", i)
		if w.Intent(Intent{ConnectionID: id, Action: plan.ActionUpdate, Before: before}) != nil {
			continue
		}
		recorded = append(recorded, id)
		_ = w.Result(Result{ConnectionID: id, Status: StatusApplied, Action: plan.ActionUpdate, Before: before})
	}
	_ = w.Summary(Summary{})
	return recorded
}

func intentIDs(run *Run) []string {
	var ids []string
	for _, in := range run.Intents {
		ids = append(ids, in.ConnectionID)
	}
	return ids
}

// TestWriter_failedLineIsCutBack fails writes part-way, on a disk that frees
// again at once: the report read back holds every intent the writer said it
// recorded, and no torn line.
func TestWriter_failedLineIsCutBack(t *testing.T) {
	for trial := range 20 {
		path := filepath.Join(t.TempDir(), "r.jsonl")
		disk := &fillingDisk{fail: map[int]bool{2 + trial%5: true, 7 + trial: true, 8 + trial: true}}
		recorded := writeTorn(t, path, 20, disk)
		run, err := ReadRunFile(path)
		if err != nil {
			t.Fatalf("trial %d: %v", trial, err)
		}
		if got := intentIDs(run); strings.Join(got, ",") != strings.Join(recorded, ",") {
			t.Fatalf("trial %d: intents read %v, recorded %v", trial, got, recorded)
		}
		if len(run.Torn) > 0 || run.Truncated || run.Summary == nil {
			t.Fatalf("trial %d: torn %v, truncated %v, summary %v", trial, run.Torn, run.Truncated, run.Summary)
		}
	}
}

// TestWriter_lineThatCannotBeCutBackStopsTheReport: when the torn line
// cannot be cut off, nothing more is appended after it, and the report
// reads as one cut off at its end.
func TestWriter_lineThatCannotBeCutBackStopsTheReport(t *testing.T) {
	path := filepath.Join(t.TempDir(), "r.jsonl")
	disk := &fillingDisk{fail: map[int]bool{6: true}, truncateFails: true}
	recorded := writeTorn(t, path, 10, disk)
	if len(recorded) != 2 {
		t.Fatalf("recorded %v: every line after the torn one must be refused", recorded)
	}
	run, err := ReadRunFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !run.Truncated || strings.Join(intentIDs(run), ",") != "con_torn0,con_torn1" || run.Summary != nil {
		t.Fatalf("run %+v", run)
	}
}

// TestReader_skipsATornLineBetweenWholeOnes reads a report written before
// the writer cut torn lines back: a partly written intent with the next
// line glued to it. The torn line is skipped and named, the glued line read.
func TestReader_skipsATornLineBetweenWholeOnes(t *testing.T) {
	header := `{"type":"run","version":3,"tenant":"t","command":"apply","started_at":"2026-01-01T00:00:00Z","tool_version":"x"}`
	intent := func(id string) string {
		return `{"type":"intent","connection_id":"` + id + `","connection_name":"n","action":"update","before":{"user_id_attribute":"u","mapping":[]},"after":null,"at":"2026-01-01T00:00:00Z"}`
	}
	result := `{"type":"result","connection_id":"con_a1","connection_name":"a","status":"applied","action":"update","before":null,"after":null,"attempts":1,"duration_ms":3,"at":"2026-01-01T00:00:00Z"}`
	for _, cut := range []int{1, 5, 9, 30, len(intent("con_b2")) - 1} {
		in := strings.Join([]string{header, intent("con_a1"), intent("con_b2")[:cut] + intent("con_c3"), result, ""}, "\n")
		run, err := ReadRun(strings.NewReader(in))
		if err != nil {
			t.Fatalf("cut at %d: %v", cut, err)
		}
		if got := strings.Join(intentIDs(run), ","); got != "con_a1,con_c3" || len(run.Torn) != 1 || run.Torn[0] != 3 || len(run.Results) != 1 {
			t.Fatalf("cut at %d: intents %s, torn %v", cut, got, run.Torn)
		}
	}
	bad := map[string]string{
		"torn then malformed": strings.Join([]string{header, intent("con_b2")[:40] + intent("con_c3"), "{nope", ""}, "\n"),
		"not a cut-off line":  strings.Join([]string{header, `{"x":1}` + intent("con_c3"), result, ""}, "\n"),
		"two torn lines":      strings.Join([]string{header, intent("con_b2")[:40] + intent("con_c3"), intent("con_b2")[:20] + result, ""}, "\n"),
	}
	for name, in := range bad {
		_, err := ReadRun(strings.NewReader(in))
		if err == nil {
			t.Errorf("%s: accepted", name)
		} else if name == "torn then malformed" && !strings.Contains(err.Error(), "after the torn line 2") {
			t.Errorf("%s: %v", name, err)
		}
	}
}
