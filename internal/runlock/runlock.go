// Package runlock owns the per-tenant lock that keeps two writing runs of
// scim-migrate on one machine (an overlapping cron job, say) from
// interleaving their writes to the same tenant.
package runlock

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/gofrs/flock"
	"github.com/scim-migrate/scim-migrate/internal/fileutil"
)

// Holder describes the run holding a lock, so the one refused can say who
// holds it.
type Holder struct {
	PID     int       `json:"pid"`
	Host    string    `json:"host"`
	User    string    `json:"user,omitempty"`
	Command string    `json:"command"`
	Since   time.Time `json:"since"`
}

func (h Holder) String() string {
	return fmt.Sprintf("%s run, pid %d on %s, user %q, since %s", h.Command, h.PID, h.Host, h.User, h.Since.UTC().Format(time.RFC3339))
}

// HeldError is returned when another live run holds the tenant's lock.
type HeldError struct {
	Tenant string
	Path   string
	Holder Holder
}

func (e *HeldError) Error() string {
	return fmt.Sprintf("another scim-migrate run holds the lock for tenant %s (%s); wait for it to finish (lock file %s)",
		e.Tenant, e.Holder, e.Path)
}

// Lock is a held tenant lock.
type Lock struct {
	lock   *flock.Flock
	holder string // the file that says who holds the lock
	// Previous is the holder recorded by a run that died without releasing
	// the lock (nil when the lock was free): the new run took it over.
	Previous *Holder
}

// Dir is where locks live: $SCIM_MIGRATE_LOCK_DIR, or scim-migrate/locks in
// the user's cache directory, so every run of one user on one machine sees
// the same locks whatever its working directory. A directory on a volume
// several machines share keeps their runs apart too.
func Dir(getenv func(string) string) (string, error) {
	if d := getenv("SCIM_MIGRATE_LOCK_DIR"); d != "" {
		return d, nil
	}
	cache, err := os.UserCacheDir()
	if err != nil {
		return "", fmt.Errorf("locate the lock directory (set SCIM_MIGRATE_LOCK_DIR): %w", err)
	}
	return filepath.Join(cache, "scim-migrate", "locks"), nil
}

// Acquire takes the tenant's lock in dir without waiting. The lock is the
// operating system's file lock (flock on Unix, LockFileEx on Windows, through
// gofrs/flock), which is released when the process dies, even by kill -9: a
// lock left by a killed run is taken over, never mistaken for a live run.
// Who holds it is recorded in a file beside it, since Windows does not let
// another process read a locked file.
func Acquire(dir, tenant string, me Holder) (*Lock, error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("lock directory: %w", err)
	}
	base := filepath.Join(dir, fileName(tenant))
	l := &Lock{lock: flock.New(base+".lock", flock.SetFlag(os.O_CREATE|os.O_RDWR), flock.SetPermissions(0o600)), holder: base + ".holder"}
	ok, err := l.lock.TryLock()
	if err != nil {
		return nil, fileutil.Wrap("lock", base+".lock", err)
	}
	if !ok {
		return nil, &HeldError{Tenant: tenant, Path: base + ".lock", Holder: readHolder(l.holder)}
	}
	if prev := readHolder(l.holder); prev.PID != 0 {
		l.Previous = &prev
	}
	if err := writeHolder(l.holder, me); err != nil {
		l.Release()
		return nil, fileutil.Wrap("lock", l.holder, err)
	}
	return l, nil
}

// Release frees the lock and clears the holder record.
func (l *Lock) Release() {
	if l == nil || l.lock == nil {
		return
	}
	_ = os.Remove(l.holder)
	_ = l.lock.Unlock()
	l.lock = nil
}

// fileName turns a tenant name (a host, maybe with a port) into a file name.
func fileName(tenant string) string {
	return strings.Map(func(r rune) rune {
		if r == '.' || r == '-' || ('a' <= r && r <= 'z') || ('A' <= r && r <= 'Z') || ('0' <= r && r <= '9') {
			return r
		}
		return '_'
	}, tenant)
}

func readHolder(path string) Holder {
	var h Holder
	if b, err := fileutil.ReadLimited(path, 64<<10); err == nil {
		_ = json.Unmarshal(b, &h)
	}
	return h
}

func writeHolder(path string, h Holder) error {
	b, err := json.Marshal(h)
	if err != nil {
		return err
	}
	return fileutil.WriteAtomic(path, append(b, '\n'))
}
