package app

import (
	"fmt"

	"github.com/scim-migrate/scim-migrate/internal/cliui"
	"github.com/scim-migrate/scim-migrate/internal/console"
	"github.com/scim-migrate/scim-migrate/internal/options"
	"github.com/scim-migrate/scim-migrate/internal/report"
)

// needConfirmation opens the terminal the question will be asked on, before
// anything is sent: without a terminal and without --yes, a run that writes
// is refused at once, as Terraform and gh refuse, instead of writing
// unasked from cron. The confirmation is nil when nothing is to be asked
// (--yes, --dry-run).
func (e *env) needConfirmation(command string, o options.Write) (*console.Confirmation, error) {
	if o.Yes || o.DryRun {
		return nil, nil
	}
	tty, err := e.deps.OpenTerminal()
	if err != nil {
		return nil, &cliui.UsageError{
			Err:  fmt.Errorf("%s writes to the tenant and there is no terminal to ask for confirmation on: give --yes to run unattended (cron, CI), or --dry-run to see what it would do", command),
			Hint: cliui.HelpHint("scim-migrate " + command),
		}
	}
	return console.NewConfirmation(tty), nil
}

// writing is what a command that writes starts with: its session, the
// question to ask before writing (nil: none), and the release of the
// tenant's lock and of the terminal.
type writing struct {
	*connected
	confirm *console.Confirmation
	release func()
}

// startWriting prepares a command that writes, before anything is sent: it
// opens the terminal to ask on (refusing at once without one and without
// --yes), connects, and takes the tenant's lock unless --dry-run.
func (e *env) startWriting(command string, w options.Write, c options.Connect, doc *report.RunResult) (*writing, error) {
	confirm, err := e.needConfirmation(command, w)
	if err != nil {
		return nil, err
	}
	s, err := e.connect(c)
	if err != nil {
		confirm.Close()
		return nil, err
	}
	doc.Tenant = s.Tenant()
	release := confirm.Close
	if !w.DryRun {
		e.stage.Store(console.StageBeforeWrite)
		lock, err := s.Lock(command)
		if err != nil {
			confirm.Close()
			return nil, err
		}
		release = func() { lock.Release(); confirm.Close() }
	}
	return &writing{connected: s, confirm: confirm, release: release}, nil
}
