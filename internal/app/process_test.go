package app

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/scim-migrate/scim-migrate/internal/emulator"
	"github.com/scim-migrate/scim-migrate/internal/runlog"
)

var (
	buildOnce sync.Once
	binPath   string
	buildErr  error
)

// binary builds scim-migrate once per test run: crash and signal tests need
// a real process to kill.
func binary(t *testing.T) string {
	t.Helper()
	buildOnce.Do(func() {
		dir, err := os.MkdirTemp("", "scim-migrate-bin-")
		if err != nil {
			buildErr = err
			return
		}
		binPath = filepath.Join(dir, "scim-migrate")
		out, err := exec.Command("go", "build", "-o", binPath, "../..").CombinedOutput()
		if err != nil {
			buildErr = errors.New(string(out))
		}
	})
	if buildErr != nil {
		t.Fatalf("build scim-migrate: %v", buildErr)
	}
	return binPath
}

// start runs the binary's apply against the harness's tenant.
func (h *harness) start(rep, manifest string) *exec.Cmd {
	h.t.Helper()
	return h.startWith(rep, manifest, "--rps", "300", "--concurrency", "4")
}

// startWith runs the binary's apply with the given pace flags.
func (h *harness) startWith(rep, manifest string, pace ...string) *exec.Cmd {
	h.t.Helper()
	args := append([]string{"apply", "--domain", h.srv.URL}, pace...)
	args = append(args, "--yes", "--log-format", "json", "--report", rep, "-f", manifest)
	cmd := exec.Command(binary(h.t), args...)
	cmd.Env = append(os.Environ(), "AUTH0_CLIENT_ID="+testClientID, "AUTH0_CLIENT_SECRET="+testClientSecret,
		"SCIM_MIGRATE_LOCK_DIR="+h.env["SCIM_MIGRATE_LOCK_DIR"])
	h.stderr = &lockedBuffer{}
	cmd.Stderr = h.stderr
	if err := cmd.Start(); err != nil {
		h.t.Fatal(err)
	}
	return cmd
}

// interruptTwice sends SIGINT, waits until the run says it took it, and
// sends the second: two signals sent at once would reach it as one.
func (h *harness) interruptTwice(cmd *exec.Cmd) {
	h.t.Helper()
	_ = cmd.Process.Signal(syscall.SIGINT)
	deadline := time.Now().Add(time.Minute)
	for !strings.Contains(h.stderr.String(), "Interrupted:") {
		if time.Now().After(deadline) {
			h.t.Fatalf("the run never took the first interrupt:\n%s", h.stderr.String())
		}
		time.Sleep(time.Millisecond)
	}
	_ = cmd.Process.Signal(syscall.SIGINT)
}

// lockedBuffer collects a process's output while the test reads it.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// waitWrites waits until the tenant has taken n writes. The deadline only
// keeps a broken run from hanging the test; nothing is timed by it.
func (h *harness) waitWrites(n int) {
	h.t.Helper()
	deadline := time.Now().Add(time.Minute)
	for h.tenant.Stats().Count(emulator.KindSCIMUpdate) < n {
		if time.Now().After(deadline) {
			h.t.Fatalf("the run never reached %d writes", n)
		}
		time.Sleep(2 * time.Millisecond)
	}
}

func exitCodeOf(err error) int {
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		return ee.ExitCode()
	}
	if err == nil {
		return 0
	}
	return -1
}

func TestCrash_killedRunIsRolledBackExactly(t *testing.T) {
	t.Parallel()
	for _, at := range []int{1, 7, 25} {
		t.Run(fmt.Sprintf("after %d writes", at), func(t *testing.T) {
			h, m, _ := bulkTenant(t, 40, emulator.Options{Latency: 15 * time.Millisecond})
			original := h.tenant.Snapshot()
			rep := h.path("r.jsonl")
			cmd := h.start(rep, m)
			h.waitWrites(at)
			_ = cmd.Process.Kill() // SIGKILL: no chance to finish anything
			_ = cmd.Wait()
			h.tenant.Settle() // the write in flight lands before the tenant is read
			if got := h.tenant.Stats().Count(emulator.KindSCIMUpdate); got >= 40 {
				t.Skipf("the run finished (%d writes) before it was killed; nothing was tested", got)
			}
			run, err := runlog.ReadRunFile(rep)
			if err != nil {
				t.Fatalf("the report of a killed run must stay readable: %v", err)
			}
			if len(run.Intents) < at {
				t.Fatalf("%d intents for at least %d writes taken: a write was sent before its intent was durable", len(run.Intents), at)
			}
			h.rollbackRestores(rep, original, "after rolling back a killed run")
		})
	}
}

func TestSignal_firstInterruptFinishesInFlightWrites(t *testing.T) {
	t.Parallel()
	h, m, ids := bulkTenant(t, 40, emulator.Options{Latency: 15 * time.Millisecond})
	original := h.tenant.Snapshot()
	rep := h.path("r.jsonl")
	cmd := h.start(rep, m)
	h.waitWrites(5)
	_ = cmd.Process.Signal(syscall.SIGINT)
	if code := exitCodeOf(cmd.Wait()); code != ExitInterrupted {
		t.Fatalf("exit %d, want %d", code, ExitInterrupted)
	}
	run := h.readReport(rep)
	if len(run.Results) != len(ids) || run.Summary == nil || !run.Summary.Interrupted {
		t.Fatalf("%d results for %d connections; summary %+v", len(run.Results), len(ids), run.Summary)
	}
	withResult := map[string]runlog.Result{}
	for _, r := range run.Results {
		withResult[r.ConnectionID] = r
	}
	for _, in := range run.Intents {
		r := withResult[in.ConnectionID]
		notSent := r.Status == runlog.StatusSkipped && r.NotSent
		if r.Status != runlog.StatusApplied && !notSent {
			t.Fatalf("%s: intent recorded but result %q: a write in flight was not finished", in.ConnectionID, r.Status)
		}
	}
	h.rollbackRestores(rep, original, "after rolling back an interrupted run")
}

func TestSignal_secondInterruptStopsAtOnce(t *testing.T) {
	t.Parallel()
	h, m, _ := bulkTenant(t, 40, emulator.Options{Latency: 200 * time.Millisecond})
	original := h.tenant.Snapshot()
	rep := h.path("r.jsonl")
	cmd := h.start(rep, m)
	h.waitWrites(2)
	h.interruptTwice(cmd)
	if code := exitCodeOf(cmd.Wait()); code != ExitInterrupted {
		t.Fatalf("exit %d, want %d", code, ExitInterrupted)
	}
	h.rollbackRestores(rep, original, "after rolling back a run stopped at once")
}

func TestLock_overlappingRunIsRefusedAtOnce(t *testing.T) {
	t.Parallel()
	h, m, _ := bulkTenant(t, 40, emulator.Options{Latency: 30 * time.Millisecond})
	cmd := h.start(h.path("first.jsonl"), m)
	h.waitWrites(1)
	r := h.expect(h.run("apply", "--report", h.path("second.jsonl"), "-f", m), 1)
	if !strings.Contains(r.stderr, "another scim-migrate run holds the lock") || !strings.Contains(r.stderr, fmt.Sprintf("pid %d", cmd.Process.Pid)) {
		t.Fatalf("the refusal does not name the holder:\n%s", r)
	}
	if _, err := os.Stat(h.path("second.jsonl")); err == nil {
		t.Fatal("the refused run wrote a report")
	}
	// A killed run's lock is taken over.
	_ = cmd.Process.Kill()
	_ = cmd.Wait()
	h.tenant.Settle()
	r = h.expect(h.run("rollback", "--report", h.path("b.jsonl"), "--from", h.path("first.jsonl")), 0)
	if !strings.Contains(r.stderr, "took over the lock") {
		t.Fatalf("no warning about the taken-over lock:\n%s", r)
	}
}

// TestSignal_noWriteAfterTheFirstInterrupt interrupts applies paced by a
// slow tenant (writes wait their turn in the pacer) at several moments: no
// write request may reach the tenant later than 150 ms after the signal,
// the run exits 130, and rollback restores the tenant. The run is in
// process, on virtual time (see virtual), its SIGINT sent as main sends it
// (Deps.Signals); the moments are exact, and the pacer's waits take no real
// time.
func TestSignal_noWriteAfterTheFirstInterrupt(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		writes int
		then   time.Duration // into the pacer's half-second wait for the next write
	}{{1, 0}, {4, 170 * time.Millisecond}, {7, 330 * time.Millisecond}} {
		t.Run(fmt.Sprintf("after %d writes and %v", c.writes, c.then), func(t *testing.T) {
			t.Parallel()
			virtual(t, func(t *testing.T) { noWriteAfterTheFirstInterrupt(t, c.writes, c.then) })
		})
	}
}

func noWriteAfterTheFirstInterrupt(t *testing.T, writes int, then time.Duration) {
	h, m, _ := bulkTenant(t, 12, emulator.Options{Buckets: emulator.PlanFree(), Latency: 50 * time.Millisecond})
	original := h.tenant.Snapshot()
	rep := h.path("r.jsonl")
	signals, exited := h.startInProcess(rep, m, "--concurrency", "4")
	h.waitWrites(writes)
	time.Sleep(then) // picks the moment of the signal; nothing is timed by it
	signalled := time.Now()
	signals <- syscall.SIGINT
	if code := <-exited; code != ExitInterrupted {
		t.Fatalf("exit %d, want %d\n%s", code, ExitInterrupted, h.stderr.String())
	}
	last := time.Time{}
	for _, rec := range h.tenant.Requests() {
		if rec.Kind == emulator.KindSCIMUpdate && rec.Arrived.After(last) {
			last = rec.Arrived
		}
	}
	if late := last.Sub(signalled); late > 150*time.Millisecond {
		t.Errorf("a write reached the tenant %v after the interrupt", late.Round(time.Millisecond))
	}
	run := h.readReport(rep)
	notSent := 0
	for _, r := range run.Results {
		if r.NotSent {
			notSent++
		}
	}
	t.Logf("last write %v after the signal; %d writes waiting in the pacer reported not sent", last.Sub(signalled).Round(time.Millisecond), notSent)
	h.rollbackRestores(rep, original, "after rolling back an interrupted paced run")
}

// startInProcess runs apply as startWith does, in this process: the
// signals sent on the returned channel reach the run as main delivers
// SIGINT and SIGTERM (Deps.Signals), and its exit code arrives on exited.
func (h *harness) startInProcess(rep, manifest string, pace ...string) (chan<- os.Signal, <-chan int) {
	args := append([]string{"scim-migrate", "apply", "--domain", h.srv.URL}, pace...)
	args = append(args, "--yes", "--log-format", "json", "--report", rep, "-f", manifest)
	env := map[string]string{"AUTH0_CLIENT_ID": testClientID, "AUTH0_CLIENT_SECRET": testClientSecret,
		"SCIM_MIGRATE_LOCK_DIR": h.env["SCIM_MIGRATE_LOCK_DIR"]}
	h.stderr = &lockedBuffer{}
	signals, exited := make(chan os.Signal, 2), make(chan int, 1)
	go func() {
		exited <- Run(context.Background(), args, Streams{In: strings.NewReader(""), Out: io.Discard, Err: h.stderr}, Deps{
			Version: "test", Getenv: func(k string) string { return env[k] }, Signals: signals, Base: h.base, OpenTerminal: noTerminal,
		})
	}()
	return signals, exited
}
