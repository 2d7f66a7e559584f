package console

import (
	"bytes"
	"fmt"
	"testing"
)

// A secret added once is redacted from every stream, those made before it
// was learnt and those wrapped in another writer (stdout's CountingWriter).
func TestSecrets_redactedFromEveryStream(t *testing.T) {
	var out, errs bytes.Buffer
	secrets := NewSecrets("client-secret-1", "")
	stdout := &CountingWriter{W: secrets.Redact(&out)}
	stderr := secrets.Redact(&errs)
	secrets.Add("token-read-later")
	secrets.Add("short")
	for _, w := range []interface{ Write([]byte) (int, error) }{stdout, stderr} {
		n, err := fmt.Fprintf(w, "a client-secret-1 and a token-read-later, short\n")
		if err != nil || n != len("a client-secret-1 and a token-read-later, short\n") {
			t.Fatalf("write: %d, %v (the length written is the caller's)", n, err)
		}
	}
	const want = "a [REDACTED] and a [REDACTED], short\n"
	if out.String() != want || errs.String() != want {
		t.Errorf("stdout %q, stderr %q; want %q in both", out.String(), errs.String(), want)
	}
	if !stdout.Written() {
		t.Error("stdout says nothing was written")
	}
}
