package report

import "testing"

func TestColorAllowed(t *testing.T) {
	tests := []struct {
		name     string
		terminal bool
		env      map[string]string
		want     bool
	}{
		{"terminal with plain environment", true, map[string]string{"TERM": "xterm-256color"}, true},
		{"not a terminal", false, map[string]string{"TERM": "xterm"}, false},
		{"NO_COLOR=1", true, map[string]string{"NO_COLOR": "1"}, false},
		{"NO_COLOR with any value", true, map[string]string{"NO_COLOR": "false"}, false},
		{"NO_COLOR set but empty is ignored", true, map[string]string{"NO_COLOR": ""}, true},
		{"TERM=dumb", true, map[string]string{"TERM": "dumb"}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			getenv := func(k string) string { return tt.env[k] }
			if got := ColorAllowed(tt.terminal, getenv); got != tt.want {
				t.Errorf("ColorAllowed = %v, want %v", got, tt.want)
			}
		})
	}
	if !ColorAllowed(true, nil) {
		t.Error("a nil getenv should stand for an empty environment")
	}
}

func TestStyle_paint(t *testing.T) {
	if got := (Style{}).marker("+"); got != "+" {
		t.Errorf("uncolored marker = %q", got)
	}
	if got := (Style{Color: true}).marker("-"); got != "\x1b[31m-\x1b[0m" {
		t.Errorf("colored removal marker = %q", got)
	}
}
