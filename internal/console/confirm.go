package console

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"strings"
)

// Confirmation is the question apply and rollback ask before writing, on
// the controlling terminal, which stays the person's when stdout or stderr
// are redirected (apply 2>run.log). A nil one asks nothing (--yes,
// --dry-run).
type Confirmation struct {
	tty io.ReadWriteCloser
}

// NewConfirmation is the question to be asked on tty, which it closes once
// asked (or at Close).
func NewConfirmation(tty io.ReadWriteCloser) *Confirmation {
	return &Confirmation{tty: tty}
}

// Ask asks the question, unless nothing is to be written, and closes the
// terminal. Only "yes" approves.
func (c *Confirmation) Ask(question string, writes int) error {
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

// Close releases the terminal when the run ends before asking.
func (c *Confirmation) Close() {
	if c != nil {
		_ = c.tty.Close()
	}
}
