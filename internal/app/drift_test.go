package app

import (
	"fmt"
	"slices"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/scim-migrate/scim-migrate/internal/emulator"
	"github.com/scim-migrate/scim-migrate/internal/fileutil"
	"github.com/scim-migrate/scim-migrate/internal/runlock"
	"github.com/scim-migrate/scim-migrate/internal/runlog"
)

// mixedTenant is a tenant of n connections, each with the same starting
// configuration, and a manifest changing all of them: the even ones (in id
// order) in merge mode, the odd ones in replace mode.
func mixedTenant(t *testing.T, n int, opts emulator.Options) (h *harness, manifest string, ids []string) {
	t.Helper()
	var conns []emulator.Connection
	for i := range n {
		id := fmt.Sprintf("con_Mix%04d", i)
		ids = append(ids, id)
		conns = append(conns, emulator.Connection{ID: id, Name: "mix-" + id, Strategy: "okta", SCIM: startConfig()})
	}
	var entries []string
	for i, id := range ids {
		if i%2 == 0 {
			entries = append(entries, fmt.Sprintf(`{"connection_id": %q, "mode": "merge", "mapping": [{"scim": "title", "auth0": "app_metadata.title"}]}`, id))
		} else {
			entries = append(entries, fmt.Sprintf(`{"connection_id": %q, "user_id_attribute": "externalId", "mapping": [{"scim": "userName", "auth0": "preferred_username"}]}`, id))
		}
	}
	h = newHarness(t, opts, conns...)
	return h, h.file("mixed.json", `{"connections": [`+strings.Join(entries, ",\n")+`]}`), ids
}

func startConfig() *emulator.SCIMConfig {
	return &emulator.SCIMConfig{UserIDAttribute: "userName", Mapping: []emulator.Mapping{{SCIM: "userName", Auth0: "email"}}}
}

// someoneElses is the edit another administrator makes during a run.
func someoneElses() *emulator.SCIMConfig {
	return &emulator.SCIMConfig{UserIDAttribute: "userName", Mapping: []emulator.Mapping{
		{SCIM: "userName", Auth0: "email"}, {SCIM: "nickName", Auth0: "nickname"}}}
}

func hasPair(cfg *emulator.SCIMConfig, scim, auth0 string) bool {
	return slices.Contains(cfg.Mapping, emulator.Mapping{SCIM: scim, Auth0: auth0})
}

// editOnFirstWrite makes another administrator edit the given connections
// as the run's first write arrives: after the plan, and before the run reads
// those connections again (they are in a later batch).
func (h *harness) editOnFirstWrite(ids ...string) {
	var once sync.Once
	h.tenant.SetWriteHook(func(string) {
		once.Do(func() {
			for _, id := range ids {
				h.tenant.SetSCIMConfig(id, someoneElses())
			}
		})
	})
}

// slowRun is the tool's pace in these tests: slow enough that a run reads
// its connections again in several batches, as a long production run does.
var slowRun = []string{"--rps", "4", "--concurrency", "2"}

func (h *harness) runSlow(sub string, args ...string) result {
	h.t.Helper()
	full := append([]string{"scim-migrate", sub, "--domain", h.srv.URL, "--yes"}, slowRun...)
	return h.runRaw(append(full, args...)...)
}

func TestDrift_secondWriterDuringApply(t *testing.T) {
	t.Parallel()
	virtual(t, func(t *testing.T) {
		h, m, ids := mixedTenant(t, 24, emulator.Options{})
		original := h.tenant.Snapshot()
		merged, replaced := ids[22], ids[23] // the last merge-mode and the last replace-mode connection
		h.editOnFirstWrite(merged, replaced)
		rep := h.path("apply.jsonl")
		r := h.expect(h.runSlow("apply", "--report", rep, "-f", m), ExitPartial)
		h.tenant.SetWriteHook(nil)

		if cfg, _ := h.tenant.SCIMConfig(merged); !hasPair(cfg, "nickName", "nickname") || !hasPair(cfg, "title", "app_metadata.title") {
			t.Errorf("merge mode: the other administrator's entry or the manifest's is lost: %+v", cfg)
		}
		if cfg, _ := h.tenant.SCIMConfig(replaced); !hasPair(cfg, "nickName", "nickname") || cfg.UserIDAttribute != "userName" {
			t.Errorf("replace mode: the other administrator's edit was overwritten: %+v", cfg)
		}
		run := h.readReport(rep)
		if got := statuses(run); got[runlog.StatusApplied] != 23 || got[runlog.StatusConflict] != 1 {
			t.Fatalf("statuses %v\n%s", got, r)
		}
		edited := someoneElses()
		for _, in := range run.Intents {
			want := original[in.ConnectionID]
			if in.ConnectionID == merged {
				want = edited
			}
			if !sameConfig(in.Before, want) {
				t.Errorf("intent of %s: before %+v, want the state the write replaced %+v", in.ConnectionID, in.Before, want)
			}
		}
		want := cloneState(original)
		want[merged], want[replaced] = edited, edited
		h.expect(h.run("rollback", "--report", h.path("back.jsonl"), "--from", rep), 0)
		h.sameState(want, "rollback restores the state each write replaced, the other administrator's edits included")
	})
}

func TestDrift_secondWriterDuringRollback(t *testing.T) {
	t.Parallel()
	virtual(t, func(t *testing.T) {
		h, m, ids := mixedTenant(t, 24, emulator.Options{})
		original := h.tenant.Snapshot()
		rep := h.path("apply.jsonl")
		h.expect(h.run("apply", "--yes", "--report", rep, "-f", m), 0)
		h.editOnFirstWrite(ids[22], ids[23])
		back := h.path("back.jsonl")
		r := h.expect(h.runSlow("rollback", "--report", back, "--from", rep), ExitPartial)
		h.tenant.SetWriteHook(nil)
		if got := statuses(h.readReport(back)); got[runlog.StatusApplied] != 22 || got[runlog.StatusConflict] != 2 {
			t.Fatalf("statuses %v\n%s", got, r)
		}
		want := cloneState(original)
		want[ids[22]], want[ids[23]] = someoneElses(), someoneElses()
		h.sameState(want, "rollback leaves what someone changed during it, and restores the rest")
	})
}

func TestDrift_killedWithASecondWriterThenRolledBack(t *testing.T) {
	t.Parallel()
	h, m, ids := mixedTenant(t, 24, emulator.Options{})
	original := h.tenant.Snapshot()
	rep := h.path("apply.jsonl")
	cmd := h.startWith(rep, m, slowRun...)
	h.waitWrites(2)
	h.tenant.SetSCIMConfig(ids[20], someoneElses()) // merge mode, in a later batch
	h.waitWrites(21)
	_ = cmd.Process.Kill()
	_ = cmd.Wait()
	h.tenant.Settle() // the write in flight lands before the rollback reads
	run := h.readReport(rep)
	want := cloneState(original)
	want[ids[20]] = someoneElses()
	for _, in := range run.Intents {
		if in.ConnectionID == ids[20] && !sameConfig(in.Before, want[ids[20]]) {
			t.Errorf("the intent's before is not the state the write replaced: %+v", in.Before)
		}
	}
	h.expect(h.run("rollback", "--report", h.path("back.jsonl"), "--from", rep), 0)
	h.sameState(want, "rollback of a killed run restores the state each write replaced")
}

// fullDisk fails every write to a report after its first lines, as a full
// disk does.
type fullDisk struct {
	runlog.File
	lines, after int
}

func (f *fullDisk) Write(p []byte) (int, error) {
	if f.lines >= f.after {
		return 0, syscall.ENOSPC
	}
	f.lines++
	return f.File.Write(p)
}

func TestTruth_fullDiskAfterWritesExits4(t *testing.T) {
	t.Parallel()
	h, m, ids := bulkTenant(t, 20, emulator.Options{})
	original := h.tenant.Snapshot()
	h.openReport = func(path string) (runlog.File, error) {
		f, err := fileutil.CreateAppend(path)
		return &fullDisk{File: f, after: 9}, err
	}
	rep := h.path("r.jsonl")
	r := h.expect(h.run("apply", "--yes", "--concurrency", "1", "--report", rep, "-f", m), ExitStopped)
	if !strings.Contains(r.stderr, "no space left on device") || !strings.Contains(r.stderr, "rollback --from "+rep) ||
		!strings.Contains(r.stderr, "writes sent") {
		t.Fatalf("the message must say what was sent and name the report:\n%s", r)
	}
	if n := h.tenant.Stats().Count(emulator.KindSCIMUpdate); n == 0 || n == len(ids) {
		t.Fatalf("%d writes: the test wants a run stopped part-way", n)
	}
	h.openReport = nil
	h.rollbackRestores(rep, original, "after rolling back a run whose report filled the disk")
}

// TestTruth_noFalseFailures stops runs in the three ways that used to leave
// writes the tenant holds reported as failed: a fatal error while writes are
// in flight, a short --timeout, a second interrupt.
func TestTruth_noFalseFailures(t *testing.T) {
	t.Parallel()
	t.Run("missing scope while writes are in flight", func(t *testing.T) {
		h, m, _ := creatingTenant(t, emulator.Options{Latency: 150 * time.Millisecond})
		h.env["AUTH0_CLIENT_ID"], h.env["AUTH0_CLIENT_SECRET"] = "no-create-client", "no-create-secret"
		rep := h.path("r.jsonl")
		r := h.expect(h.run("apply", "--yes", "--concurrency", "8", "--report", rep, "-f", m), ExitStopped)
		if !strings.Contains(r.stderr, "create:scim_config") {
			t.Fatalf("the scope is not named:\n%s", r)
		}
		h.truthful(rep, false)
	})
	t.Run("answers slower than --timeout", func(t *testing.T) {
		h, m, ids := bulkTenant(t, 12, emulator.Options{})
		// Every write's answer comes after --timeout; the reads that settle
		// them must not, even on a loaded machine with the race detector.
		h.tenant.SetWriteAnswerDelay(2 * time.Second)
		rep := h.path("r.jsonl")
		h.expect(h.run("apply", "--yes", "--timeout", "700ms", "--max-retries", "1", "--report", rep, "-f", m), 0)
		if got := statuses(h.readReport(rep)); got[runlog.StatusApplied] != len(ids) {
			t.Fatalf("statuses %v: every write landed and was read back", got)
		}
		h.truthful(rep, false)
	})
	t.Run("second interrupt", func(t *testing.T) {
		h, m, _ := bulkTenant(t, 40, emulator.Options{Latency: 300 * time.Millisecond})
		rep := h.path("r.jsonl")
		cmd := h.start(rep, m)
		h.waitWrites(3)
		h.interruptTwice(cmd)
		if code := exitCodeOf(cmd.Wait()); code != ExitInterrupted {
			t.Fatalf("exit %d", code)
		}
		h.truthful(rep, true)
	})
}

// truthful fails if a result says failed for a write the tenant holds, or
// unknown where the run could still read (unknownAllowed false).
func (h *harness) truthful(rep string, unknownAllowed bool) {
	h.t.Helper()
	run := h.readReport(rep)
	h.t.Logf("statuses %v, summary %+v", statuses(run), run.Summary)
	for _, r := range run.Results {
		cfg, ok := h.tenant.SCIMConfig(r.ConnectionID)
		holds := r.After != nil && ok && sameConfig(r.After, cfg)
		switch {
		case r.Status == runlog.StatusFailed && holds:
			h.t.Errorf("%s: reported failed (%s), but the tenant holds the write", r.ConnectionID, r.Error)
		case r.Status == runlog.StatusUnknown && !unknownAllowed:
			h.t.Errorf("%s: unknown although the run could read it back: %s", r.ConnectionID, r.Error)
		case r.Status == runlog.StatusApplied && !holds:
			h.t.Errorf("%s: reported applied, but the tenant does not hold the write", r.ConnectionID)
		}
	}
}

// creatingTenant is a bulk tenant whose manifest also creates one
// configuration, in the middle of the run by id order.
func creatingTenant(t *testing.T, opts emulator.Options) (*harness, string, []string) {
	t.Helper()
	var conns []emulator.Connection
	var entries []string
	for i := range 30 {
		id := fmt.Sprintf("con_Crt%04d", i)
		c := emulator.Connection{ID: id, Name: "c-" + id, Strategy: "okta", SCIM: startConfig()}
		entry := fmt.Sprintf(`{"connection_id": %q, "mode": "merge", "mapping": [{"scim": "title", "auth0": "app_metadata.title"}]}`, id)
		if i == 15 {
			c.SCIM = nil
			entry = fmt.Sprintf(`{"connection_id": %q, "create_if_missing": true, "user_id_attribute": "userName", "mapping": [{"scim": "userName", "auth0": "email"}]}`, id)
		}
		conns = append(conns, c)
		entries = append(entries, entry)
	}
	h := newHarness(t, opts, conns...)
	h.tenant.AddClient(emulator.Client{ID: "no-create-client", Secret: "no-create-secret",
		Scopes: []string{"read:connections", "read:scim_config", "update:scim_config"}})
	return h, h.file("creating.json", `{"connections": [`+strings.Join(entries, ",\n")+`]}`), nil
}

func TestLock_oneTenantHoweverSpelled(t *testing.T) {
	t.Parallel()
	h, m, _ := bulkTenant(t, 3, emulator.Options{})
	port := h.srv.URL[strings.LastIndex(h.srv.URL, ":")+1:]
	dir := h.env["SCIM_MIGRATE_LOCK_DIR"]
	held, err := runlock.Acquire(dir, "localhost:"+port, runlock.Holder{PID: 1, Host: "elsewhere", Command: "apply", Since: time.Now()})
	if err != nil {
		t.Fatal(err)
	}
	defer held.Release()
	for _, spelling := range []string{"http://localhost:" + port, "http://LOCALHOST:" + port, "http://127.0.0.1:" + port} {
		r := h.expect(h.runRaw("scim-migrate", "apply", "--yes", "--domain", spelling, "--report", h.path("r.jsonl"), "-f", m), ExitError)
		if !strings.Contains(r.stderr, "holds the lock") {
			t.Errorf("%s: not refused by the lock:\n%s", spelling, r)
		}
	}
	h.nothingWritten("runs refused by the lock")
}
