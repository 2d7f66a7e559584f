//go:build !windows

package console

import (
	"io"
	"os"

	"golang.org/x/term"
)

// OpenTerminal opens the controlling terminal, which stays the person's
// even when stdin, stdout and stderr are redirected (apply 2>run.log).
func OpenTerminal() (io.ReadWriteCloser, error) {
	f, err := os.OpenFile("/dev/tty", os.O_RDWR, 0)
	if err != nil {
		return nil, err
	}
	if !term.IsTerminal(int(f.Fd())) {
		f.Close()
		return nil, os.ErrNotExist
	}
	return f, nil
}
