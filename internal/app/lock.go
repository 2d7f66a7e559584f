package app

import (
	"os"

	"github.com/scim-migrate/scim-migrate/internal/runlock"
)

// lockTenant takes the tenant's run lock for a writing command, so that two
// runs (an overlapping cron job) never interleave writes to one tenant. A
// lock left by a killed run is taken over, with a warning.
func (e *env) lockTenant(s *session, command string) (*runlock.Lock, error) {
	dir, err := runlock.Dir(e.deps.Getenv)
	if err != nil {
		return nil, err
	}
	l, err := runlock.Acquire(dir, s.client.Tenant().Key(), runlock.Holder{
		PID: os.Getpid(), Host: hostname(), User: currentUser(), Command: command, Since: e.deps.Now(),
	})
	if err != nil {
		return nil, err
	}
	if l.Previous != nil {
		s.logger.Warn("took over the lock of a run that ended without releasing it (killed?); roll back its report if it wrote anything",
			"previous", l.Previous.String())
	}
	return l, nil
}
