package console

import (
	"bytes"
	"io"
	"sync"
)

// RedactingWriter replaces every occurrence of a secret in what passes
// through it. The tool never prints a secret on purpose; this is the second
// line of defence, for messages that come from libraries. Writers are given
// whole lines or whole records, so a secret is never split across writes.
type RedactingWriter struct {
	mu      sync.Mutex
	w       io.Writer
	secrets [][]byte
}

const redacted = "[REDACTED]"

// NewRedactingWriter writes to w what is written to it, secrets redacted.
func NewRedactingWriter(w io.Writer, secrets ...string) *RedactingWriter {
	r := &RedactingWriter{w: w}
	for _, s := range secrets {
		r.Add(s)
	}
	return r
}

// Add redacts one more secret. Very short values would redact ordinary
// words; real secrets are long.
func (r *RedactingWriter) Add(secret string) {
	if len(secret) < 6 {
		return
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	r.secrets = append(r.secrets, []byte(secret))
}

func (r *RedactingWriter) Write(p []byte) (int, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := p
	for _, s := range r.secrets {
		if bytes.Contains(out, s) {
			out = bytes.ReplaceAll(out, s, []byte(redacted))
		}
	}
	if _, err := r.w.Write(out); err != nil {
		return 0, err
	}
	return len(p), nil
}
