package browsertest

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
)

// A browser that cannot start is an error that says which program failed,
// so the browser tests fail with a reason rather than hang or pass.
func TestStart_failureSaysWhy(t *testing.T) {
	for _, path := range []string{filepath.Join(t.TempDir(), "no-chromium"), "/bin/false"} {
		_, _, err := startAt(context.Background(), path, t.TempDir())
		if err == nil || !strings.Contains(err.Error(), "cannot start Chromium ("+path+")") {
			t.Errorf("start %s: error %v", path, err)
		}
		t.Log(err)
	}
}

func TestFlags_exactlyTheIssuesSet(t *testing.T) {
	want := "headless no-sandbox disable-gpu no-first-run disable-background-networking disable-component-update disable-sync"
	if got := strings.Join(Flags, " "); got != want {
		t.Fatalf("flags %q, want %q", got, want)
	}
}
