package console

import "io"

// CountingWriter tells whether anything was written through it, so that a
// command that failed is known to have left stdout empty.
type CountingWriter struct {
	W io.Writer
	n int64
}

func (c *CountingWriter) Write(p []byte) (int, error) {
	n, err := c.W.Write(p)
	c.n += int64(n)
	return n, err
}

// Written reports whether anything was written through c.
func (c *CountingWriter) Written() bool { return c.n > 0 }
