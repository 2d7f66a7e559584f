package cliui

import (
	"testing"
	"time"
)

func TestParseDuration(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]time.Duration{
		"30d": 30 * day, "52w": 52 * week, "1w2d": 9 * day, "1d12h": 36 * time.Hour, "90m": 90 * time.Minute,
		"720h": 720 * time.Hour, "0": 0, " 2d ": 2 * day,
	} {
		if got, err := parseDuration(in); err != nil || got != want {
			t.Errorf("parseDuration(%q) = %v, %v; want %v", in, got, err, want)
		}
	}
	for _, bad := range []string{"", "5", "d", "30x", "-3d", "3d-1h", "w3"} {
		if got, err := parseDuration(bad); err == nil {
			t.Errorf("parseDuration(%q) = %v, want an error", bad, got)
		}
	}
}

func TestReadableDuration(t *testing.T) {
	t.Parallel()
	for d, want := range map[time.Duration]string{
		720 * time.Hour: "30d", 365 * day: "365d", 52 * week: "52w", 24 * time.Hour: "24h", 30 * time.Second: "30s",
		90 * time.Minute: "1h30m", 0: "0",
	} {
		if got := ReadableDuration(d); got != want {
			t.Errorf("ReadableDuration(%v) = %q, want %q", d, got, want)
		}
	}
}
