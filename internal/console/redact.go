package console

import (
	"bytes"
	"io"
	"sync"
)

// Secrets are the values the streams made by Redact never carry. The tool
// never prints a secret on purpose; this is the second line of defence, for
// messages that come from libraries. A secret learnt during the run (a token
// read from a file, one the tenant issued) is added once and redacted from
// every stream.
type Secrets struct {
	mu     sync.RWMutex
	values [][]byte
}

const redacted = "[REDACTED]"

// NewSecrets is the set of the given secrets.
func NewSecrets(values ...string) *Secrets {
	s := &Secrets{}
	for _, v := range values {
		s.Add(v)
	}
	return s
}

// Add redacts one more secret. Very short values would redact ordinary
// words; real secrets are long.
func (s *Secrets) Add(secret string) {
	if len(secret) < 6 {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.values = append(s.values, []byte(secret))
}

// redact is p with every secret replaced.
func (s *Secrets) redact(p []byte) []byte {
	s.mu.RLock()
	defer s.mu.RUnlock()
	for _, v := range s.values {
		if bytes.Contains(p, v) {
			p = bytes.ReplaceAll(p, v, []byte(redacted))
		}
	}
	return p
}

// Redact is w with the secrets replaced in what passes through it. Writers
// are given whole lines or whole records, so a secret is never split across
// writes; writes from several goroutines reach w one at a time.
func (s *Secrets) Redact(w io.Writer) io.Writer {
	return &redactingWriter{w: w, secrets: s}
}

type redactingWriter struct {
	mu      sync.Mutex
	w       io.Writer
	secrets *Secrets
}

func (r *redactingWriter) Write(p []byte) (int, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if _, err := r.w.Write(r.secrets.redact(p)); err != nil {
		return 0, err
	}
	return len(p), nil
}
