package session

import (
	"os"
	"os/user"

	"github.com/scim-migrate/scim-migrate/internal/runlock"
)

// Lock takes the tenant's run lock for a writing command, so that two runs
// (an overlapping cron job) never interleave writes to one tenant. A lock
// left by a killed run is taken over, with a warning.
func (s *Session) Lock(command string) (*runlock.Lock, error) {
	dir, err := runlock.Dir(s.opts.Getenv)
	if err != nil {
		return nil, err
	}
	l, err := runlock.Acquire(dir, s.Client.Tenant().Key(), runlock.Holder{
		PID: os.Getpid(), Host: hostname(), User: currentUser(), Command: command, Since: s.opts.Now(),
	})
	if err != nil {
		return nil, err
	}
	if l.Previous != nil {
		s.Logger.Warn("took over the lock of a run that ended without releasing it (killed?); roll back its report if it wrote anything",
			"previous", l.Previous.String())
	}
	return l, nil
}

func currentUser() string {
	if u, err := user.Current(); err == nil {
		return u.Username
	}
	return ""
}

func hostname() string {
	h, _ := os.Hostname()
	return h
}
