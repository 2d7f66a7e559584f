//go:build windows

package console

import (
	"io"
	"os"
)

// OpenTerminal opens the console, which stays the person's even when
// stdin, stdout and stderr are redirected.
func OpenTerminal() (io.ReadWriteCloser, error) {
	in, err := os.OpenFile("CONIN$", os.O_RDWR, 0)
	if err != nil {
		return nil, err
	}
	out, err := os.OpenFile("CONOUT$", os.O_RDWR, 0)
	if err != nil {
		in.Close()
		return nil, err
	}
	return windowsConsole{in: in, out: out}, nil
}

// windowsConsole reads from the console's input and writes to its output.
type windowsConsole struct{ in, out *os.File }

func (c windowsConsole) Read(p []byte) (int, error)  { return c.in.Read(p) }
func (c windowsConsole) Write(p []byte) (int, error) { return c.out.Write(p) }
func (c windowsConsole) Close() error {
	c.out.Close()
	return c.in.Close()
}
