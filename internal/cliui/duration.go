package cliui

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/urfave/cli/v2"
)

// Durations on the command line take Go's units and also d (days) and w
// (weeks), as people count token lifetimes and audit windows (--within 30d,
// --lifetime 52w), and are shown the same way (30d, not 720h0m0s).

const (
	day  = 24 * time.Hour
	week = 7 * day
)

// durationValue is a flag value holding a duration in days and weeks too.
type durationValue struct{ d time.Duration }

// Set parses a duration: Go's form (90m, 1h30m), or a whole number of days
// or weeks (30d, 52w), or such a number followed by Go's form (1d12h).
func (v *durationValue) Set(s string) error {
	d, err := parseDuration(s)
	if err != nil {
		return err
	}
	v.d = d
	return nil
}

// String shows the duration as people read it: 30d, 52w, 24h, 90s.
func (v *durationValue) String() string { return ReadableDuration(v.d) }

// durationForm ends the complaint about a value that is not a duration;
// valueForm knows a duration flag by it.
const durationForm = "give a duration such as 30s, 5m, 24h, 30d or 52w"

func parseDuration(s string) (time.Duration, error) {
	s = strings.TrimSpace(s)
	if s == "0" {
		return 0, nil
	}
	if s == "" || strings.HasPrefix(s, "-") {
		return 0, fmt.Errorf("%q: %s", s, durationForm)
	}
	var total time.Duration
	for _, unit := range []struct {
		suffix string
		size   time.Duration
	}{{"w", week}, {"d", day}} {
		i := strings.Index(s, unit.suffix)
		if i < 0 {
			continue
		}
		n, err := strconv.ParseUint(s[:i], 10, 16)
		if err != nil {
			return 0, fmt.Errorf("%q: %s", s, durationForm)
		}
		total += time.Duration(n) * unit.size
		s = s[i+1:]
	}
	if s == "" {
		return total, nil
	}
	d, err := time.ParseDuration(s)
	if err != nil || d < 0 {
		return 0, fmt.Errorf("%q: %s", s, durationForm)
	}
	return total + d, nil
}

// ReadableDuration writes d in the largest whole unit that fits: weeks,
// days (from 2 days: 24h stays 24h), then Go's form without its trailing
// zero units (1h30m, not 1h30m0s).
func ReadableDuration(d time.Duration) string {
	switch {
	case d == 0:
		return "0"
	case d%week == 0:
		return fmt.Sprintf("%dw", d/week)
	case d%day == 0 && d > day:
		return fmt.Sprintf("%dd", d/day)
	}
	s := d.String()
	if strings.HasSuffix(s, "m0s") {
		s = strings.TrimSuffix(s, "0s")
	}
	if strings.HasSuffix(s, "h0m") {
		s = strings.TrimSuffix(s, "0m")
	}
	return s
}

// DurationFlag is a flag whose value is a duration in days and weeks too,
// its default shown readably.
func DurationFlag(name string, def time.Duration, usage string, envVars ...string) cli.Flag {
	return &cli.GenericFlag{Name: name, Value: &durationValue{d: def}, Usage: usage, EnvVars: envVars}
}

// FlagDuration reads a flag made by DurationFlag.
func FlagDuration(c *cli.Context, name string) time.Duration {
	if v, ok := c.Generic(name).(*durationValue); ok {
		return v.d
	}
	return 0
}
