package app

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"testing"
)

// TestMain fails the package's tests when one of them leaves a file in the
// package's directory: tests write only under t.TempDir().
func TestMain(m *testing.M) {
	before := listDir()
	code := m.Run()
	if binPath != "" { // the tool the process tests built, in a directory of its own
		_ = os.RemoveAll(filepath.Dir(binPath))
	}
	if extra := newEntries(before, listDir()); len(extra) > 0 {
		// Only said, never deleted: a file that appeared meanwhile may be
		// a source file someone wrote while the tests ran.
		fmt.Fprintf(os.Stderr, "tests left files in the package directory (write under t.TempDir()): %v\n", extra)
		code = 1
	}
	os.Exit(code)
}

func listDir() []string {
	entries, err := os.ReadDir(".")
	if err != nil {
		return nil
	}
	names := make([]string, len(entries))
	for i, e := range entries {
		names[i] = e.Name()
	}
	return names
}

func newEntries(before, after []string) []string {
	var out []string
	for _, n := range after {
		if !slices.Contains(before, n) {
			out = append(out, n)
		}
	}
	return out
}
