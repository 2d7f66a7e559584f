package console

import (
	"bytes"
	"strings"
	"testing"
)

// fakeTTY is a terminal whose person types answer.
type fakeTTY struct {
	in     *strings.Reader
	out    bytes.Buffer
	closed int
}

func (f *fakeTTY) Read(p []byte) (int, error)  { return f.in.Read(p) }
func (f *fakeTTY) Write(p []byte) (int, error) { return f.out.Write(p) }
func (f *fakeTTY) Close() error                { f.closed++; return nil }

func TestConfirmation_ask(t *testing.T) {
	tests := []struct {
		answer  string
		writes  int
		asked   bool
		wantErr string
	}{
		{"yes\n", 2, true, ""},
		{"  yes  \n", 2, true, ""},
		{"y\n", 2, true, "cancelled at the confirmation; nothing was written"},
		{"", 2, true, "no answer to the confirmation; nothing was written: EOF"},
		{"", 0, false, ""},
	}
	for _, tt := range tests {
		tty := &fakeTTY{in: strings.NewReader(tt.answer)}
		err := NewConfirmation(tty).Ask("Write 2 SCIM configurations?", tt.writes)
		if got := errText(err); got != tt.wantErr {
			t.Errorf("answer %q, %d writes: error %q, want %q", tt.answer, tt.writes, got, tt.wantErr)
		}
		if asked := strings.Contains(tty.out.String(), "Write 2 SCIM configurations?\n  Only 'yes' will be accepted to approve."); asked != tt.asked {
			t.Errorf("answer %q, %d writes: asked %v, want %v", tt.answer, tt.writes, asked, tt.asked)
		}
		if tty.closed != 1 {
			t.Errorf("answer %q: the terminal was closed %d times", tt.answer, tty.closed)
		}
	}
}

// A nil confirmation (--yes, --dry-run) asks nothing and holds nothing.
func TestConfirmation_nilAsksNothing(t *testing.T) {
	var c *Confirmation
	if err := c.Ask("Write?", 3); err != nil {
		t.Fatal(err)
	}
	c.Close()
}

func errText(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}
