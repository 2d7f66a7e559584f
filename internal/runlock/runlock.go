// Package runlock owns the per-tenant lock that keeps two writing runs of
// scim-migrate on one machine (an overlapping cron job, say) from
// interleaving their writes to the same tenant.
package runlock

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

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
	f    *os.File
	path string
	// Previous is the holder recorded by a run that died without releasing
	// the lock (nil when the lock was free): the new run took it over.
	Previous *Holder
}

// Dir is where locks live: $SCIM_MIGRATE_LOCK_DIR, or scim-migrate/locks in
// the user's cache directory, so every run of one user on one machine sees
// the same locks whatever its working directory.
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

// Acquire takes the tenant's lock in dir without waiting. The lock is an OS
// file lock (flock), which the kernel releases when the process dies, even by
// kill -9: a lock file left by a killed run is taken over, never mistaken for
// a live run.
func Acquire(dir, tenant string, me Holder) (*Lock, error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("lock directory: %w", err)
	}
	path := filepath.Join(dir, fileName(tenant))
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, fileutil.Wrap("open lock", path, err)
	}
	if err := tryLock(f); err != nil {
		holder := readHolder(f)
		f.Close()
		if errors.Is(err, errLocked) {
			return nil, &HeldError{Tenant: tenant, Path: path, Holder: holder}
		}
		return nil, fileutil.Wrap("lock", path, err)
	}
	l := &Lock{f: f, path: path}
	if prev := readHolder(f); prev.PID != 0 {
		l.Previous = &prev
	}
	if err := writeHolder(f, me); err != nil {
		l.Release()
		return nil, fileutil.Wrap("lock", path, err)
	}
	return l, nil
}

// Release frees the lock and clears the holder record.
func (l *Lock) Release() {
	if l == nil || l.f == nil {
		return
	}
	_ = l.f.Truncate(0)
	_ = unlock(l.f)
	_ = l.f.Close()
	l.f = nil
}

// fileName turns a tenant name (a host, maybe with a port) into a file name.
func fileName(tenant string) string {
	safe := strings.Map(func(r rune) rune {
		if r == '.' || r == '-' || ('a' <= r && r <= 'z') || ('A' <= r && r <= 'Z') || ('0' <= r && r <= '9') {
			return r
		}
		return '_'
	}, tenant)
	return safe + ".lock"
}

func readHolder(f *os.File) Holder {
	var h Holder
	b := make([]byte, 4096)
	n, _ := f.ReadAt(b, 0)
	_ = json.Unmarshal(b[:n], &h)
	return h
}

func writeHolder(f *os.File, h Holder) error {
	b, err := json.Marshal(h)
	if err != nil {
		return err
	}
	if err := f.Truncate(0); err != nil {
		return err
	}
	if _, err := f.WriteAt(append(b, '\n'), 0); err != nil {
		return err
	}
	return f.Sync()
}
