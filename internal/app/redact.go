package app

import (
	"bytes"
	"io"
	"sync"
)

// redactingWriter replaces every occurrence of a secret in what passes
// through it. The tool never prints a secret on purpose; this is the second
// line of defence, for messages that come from libraries. Writers are given
// whole lines or whole records, so a secret is never split across writes.
type redactingWriter struct {
	mu      sync.Mutex
	w       io.Writer
	secrets [][]byte
}

const redacted = "[REDACTED]"

func newRedactingWriter(w io.Writer, secrets ...string) *redactingWriter {
	r := &redactingWriter{w: w}
	for _, s := range secrets {
		r.add(s)
	}
	return r
}

// add redacts one more secret. Very short values would redact ordinary
// words; real secrets are long.
func (r *redactingWriter) add(secret string) {
	if len(secret) < 6 {
		return
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	r.secrets = append(r.secrets, []byte(secret))
}

func (r *redactingWriter) Write(p []byte) (int, error) {
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
