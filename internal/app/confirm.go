package app

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/scim-migrate/scim-migrate/internal/execute"
)

// confirmation is the question apply and rollback ask before writing, on
// the controlling terminal, which stays the person's when stdout or stderr
// are redirected (apply 2>run.log). It is nil when nothing is to be asked
// (--yes, --dry-run).
type confirmation struct {
	tty io.ReadWriteCloser
}

// needConfirmation opens the terminal the question will be asked on, before
// anything is sent: without a terminal and without --yes, a run that writes
// is refused at once, as Terraform and gh refuse, instead of writing
// unasked from cron.
func (e *env) needConfirmation(command string, o writeOptions) (*confirmation, error) {
	if o.yes || o.dryRun {
		return nil, nil
	}
	tty, err := e.deps.OpenTerminal()
	if err != nil {
		return nil, &usageError{
			err:  fmt.Errorf("%s writes to the tenant and there is no terminal to ask for confirmation on: give --yes to run unattended (cron, CI), or --dry-run to see what it would do", command),
			hint: helpHint("scim-migrate " + command),
		}
	}
	return &confirmation{tty: tty}, nil
}

// ask asks the question, unless nothing is to be written, and closes the
// terminal. Only "yes" approves.
func (c *confirmation) ask(question string, writes int) error {
	if c == nil {
		return nil
	}
	defer c.tty.Close()
	if writes == 0 {
		return nil
	}
	fmt.Fprintf(c.tty, "\n%s\n  Only 'yes' will be accepted to approve.\n\n  Enter a value: ", question)
	line, err := bufio.NewReader(c.tty).ReadString('\n')
	if err != nil && line == "" {
		return fmt.Errorf("no answer to the confirmation; nothing was written: %w", err)
	}
	if strings.TrimSpace(line) != "yes" {
		return errors.New("cancelled at the confirmation; nothing was written")
	}
	return nil
}

// close releases the terminal when the run ends before asking.
func (c *confirmation) close() {
	if c != nil {
		_ = c.tty.Close()
	}
}

// writes counts the tasks that will write, unless the state read just
// before the write says otherwise.
func writes(tasks []execute.Task) int {
	n := 0
	for _, t := range tasks {
		if t.Outcome == "" {
			n++
		}
	}
	return n
}

// writing is what a command that writes starts with: its session, the
// question to ask before writing (nil: none), and the release of the
// tenant's lock and of the terminal.
type writing struct {
	*connected
	confirm *confirmation
	release func()
}

// startWriting prepares a command that writes, before anything is sent: it
// opens the terminal to ask on (refusing at once without one and without
// --yes), connects, and takes the tenant's lock unless --dry-run.
func (e *env) startWriting(command string, w writeOptions, c connectOptions, doc *runDoc) (*writing, error) {
	confirm, err := e.needConfirmation(command, w)
	if err != nil {
		return nil, err
	}
	s, err := e.connect(c)
	if err != nil {
		confirm.close()
		return nil, err
	}
	doc.Tenant = s.Tenant()
	release := confirm.close
	if !w.dryRun {
		e.stage.Store(stageBeforeWrite)
		lock, err := s.Lock(command)
		if err != nil {
			confirm.close()
			return nil, err
		}
		release = func() { lock.Release(); confirm.close() }
	}
	return &writing{connected: s, confirm: confirm, release: release}, nil
}
