package app

import (
	"context"
	"io"
	"strings"
	"testing"
)

// BenchmarkCommandLine is the cost of one invocation's command line: the
// application built, the flags parsed, and help or a validation written.
//
//	go test -run '^$' -bench CommandLine ./internal/app/
func BenchmarkCommandLine(b *testing.B) {
	for name, args := range map[string][]string{
		"plan --help": {"scim-migrate", "plan", "--help"},
		"validate":    {"scim-migrate", "validate", "-f", "../../examples/manifest.csv"},
	} {
		b.Run(name, func(b *testing.B) {
			for b.Loop() {
				code := Run(context.Background(), args, Streams{In: strings.NewReader(""), Out: io.Discard, Err: io.Discard},
					Deps{Getenv: func(string) string { return "" }})
				if code != 0 {
					b.Fatalf("%v: exit %d", args, code)
				}
			}
		})
	}
}
