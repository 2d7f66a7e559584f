package browsertest_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/scim-migrate/scim-migrate/internal/report/browsertest"
)

// warnOnce makes the opt-out warning appear once per test binary.
var warnOnce sync.Once

// newBrowser starts a browser for a test and stops it at the test's end. Where
// Chromium is missing or cannot start the test fails, because a browser
// test that passes without a browser proves nothing, unless browsertest.OptOutEnv is
// set, where it skips with a message nobody can miss.
func newBrowser(t testing.TB) context.Context {
	t.Helper()
	if os.Getenv(browsertest.OptOutEnv) == "1" {
		msg := fmt.Sprintf("SKIPPING BROWSER TESTS: %s=1 is set, so the audit page is NOT checked in a real browser", browsertest.OptOutEnv)
		// Printed past go test's quiet mode too, once per test binary.
		warnOnce.Do(func() { fmt.Fprintln(os.Stderr, "WARNING: "+msg) })
		t.Skip(msg)
	}
	// A deadline turns a page or a browser that hangs into a failed call.
	parent, stop := context.WithTimeout(context.Background(), browserTestTimeout)
	ctx, cancel, err := browsertest.Start(parent, filepath.Join(t.TempDir(), "profile"))
	if err != nil {
		stop()
		t.Fatalf("browser test needs headless Chromium: %v", err)
	}
	t.Cleanup(func() { cancel(); stop() })
	return ctx
}

// browserTestTimeout bounds a whole browser test.
const browserTestTimeout = 3 * time.Minute
