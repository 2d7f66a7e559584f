//go:build windows

package app

import (
	"io"
	"os"
)

// openTerminal opens the console, which stays the person's even when
// stdin, stdout and stderr are redirected.
func openTerminal() (io.ReadWriteCloser, error) {
	in, err := os.OpenFile("CONIN$", os.O_RDWR, 0)
	if err != nil {
		return nil, err
	}
	out, err := os.OpenFile("CONOUT$", os.O_RDWR, 0)
	if err != nil {
		in.Close()
		return nil, err
	}
	return console{in: in, out: out}, nil
}

// console reads from the console's input and writes to its output.
type console struct{ in, out *os.File }

func (c console) Read(p []byte) (int, error)  { return c.in.Read(p) }
func (c console) Write(p []byte) (int, error) { return c.out.Write(p) }
func (c console) Close() error {
	c.out.Close()
	return c.in.Close()
}
