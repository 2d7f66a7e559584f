package runlock

import (
	"errors"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"
)

func me(cmd string) Holder {
	return Holder{PID: os.Getpid(), Host: "test-host", Command: cmd, Since: time.Unix(0, 0)}
}

func TestAcquire_secondRunIsRefusedWithTheHolder(t *testing.T) {
	dir := t.TempDir()
	first, err := Acquire(dir, "acme.eu.auth0.com", me("apply"))
	if err != nil {
		t.Fatal(err)
	}
	_, err = Acquire(dir, "acme.eu.auth0.com", me("rollback"))
	var held *HeldError
	if !errors.As(err, &held) || held.Holder.Command != "apply" || !strings.Contains(err.Error(), "pid") {
		t.Fatalf("err = %v", err)
	}
	other, err := Acquire(dir, "other.eu.auth0.com", me("apply"))
	if err != nil {
		t.Fatalf("another tenant's lock is independent: %v", err)
	}
	other.Release()
	first.Release()
	again, err := Acquire(dir, "acme.eu.auth0.com", me("apply"))
	if err != nil || again.Previous != nil {
		t.Fatalf("a released lock is free and has no previous holder: %v %+v", err, again)
	}
	again.Release()
}

// TestAcquire_lockOfAKilledRunIsTakenOver holds the lock from a child
// process, kills it with SIGKILL, and takes the lock over.
func TestAcquire_lockOfAKilledRunIsTakenOver(t *testing.T) {
	if os.Getenv("RUNLOCK_CHILD") != "" {
		if _, err := Acquire(os.Getenv("RUNLOCK_DIR"), "acme", me("apply")); err != nil {
			os.Exit(2)
		}
		os.Stdout.WriteString("locked\n")
		time.Sleep(time.Minute)
		return
	}
	dir := t.TempDir()
	cmd := exec.Command(os.Args[0], "-test.run", "^TestAcquire_lockOfAKilledRunIsTakenOver$")
	cmd.Env = append(os.Environ(), "RUNLOCK_CHILD=1", "RUNLOCK_DIR="+dir)
	out, _ := cmd.StdoutPipe()
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	buf := make([]byte, 7)
	if _, err := out.Read(buf); err != nil || string(buf) != "locked\n" {
		t.Fatalf("child: %q %v", buf, err)
	}
	if _, err := Acquire(dir, "acme", me("apply")); err == nil {
		t.Fatal("the child's lock was not held")
	}
	_ = cmd.Process.Kill()
	_ = cmd.Wait()
	l, err := Acquire(dir, "acme", me("apply"))
	if err != nil {
		t.Fatalf("the lock of a killed run must be taken over: %v", err)
	}
	defer l.Release()
	if l.Previous == nil || l.Previous.PID != cmd.Process.Pid {
		t.Fatalf("previous holder %+v, want pid %d", l.Previous, cmd.Process.Pid)
	}
}
