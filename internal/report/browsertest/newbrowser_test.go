package browsertest_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/scim-migrate/scim-migrate/internal/report/browsertest"
)

// warnOnce makes the opt-out warning appear once per test binary.
var warnOnce sync.Once

// shared is the one Chromium the package's tests open their tabs in:
// starting a browser costs more than most of the tests, so it is started
// once, by the first test that needs it, and stopped by TestMain.
var shared struct {
	once    sync.Once
	ctx     context.Context // holds the browser's first tab
	stop    context.CancelFunc
	profile string
	err     error
}

// TestMain stops the shared browser and removes its profile once every test
// has run.
func TestMain(m *testing.M) {
	code := m.Run()
	if shared.stop != nil {
		shared.stop()
	}
	if shared.profile != "" {
		_ = os.RemoveAll(shared.profile)
	}
	os.Exit(code)
}

// startShared starts the shared browser with a fresh profile of its own.
func startShared() {
	shared.profile, shared.err = os.MkdirTemp("", "browsertest-profile-")
	if shared.err != nil {
		return
	}
	shared.ctx, shared.stop, shared.err = browsertest.Start(context.Background(), filepath.Join(shared.profile, "profile"))
}

// newBrowser opens a new tab of the shared browser for a test and closes it
// at the test's end, so every test starts on a blank page with nothing
// emulated. Where Chromium is missing or cannot start the test fails,
// because a browser test that passes without a browser proves nothing,
// unless browsertest.OptOutEnv is set, where it skips with a message nobody
// can miss.
func newBrowser(t testing.TB) context.Context {
	t.Helper()
	if os.Getenv(browsertest.OptOutEnv) == "1" {
		msg := fmt.Sprintf("SKIPPING BROWSER TESTS: %s=1 is set, so the audit page is NOT checked in a real browser", browsertest.OptOutEnv)
		// Printed past go test's quiet mode too, once per test binary.
		warnOnce.Do(func() { fmt.Fprintln(os.Stderr, "WARNING: "+msg) })
		t.Skip(msg)
	}
	shared.once.Do(startShared)
	if shared.err != nil {
		t.Fatalf("browser test needs headless Chromium: %v", shared.err)
	}
	tab, closeTab := chromedp.NewContext(shared.ctx)
	// A deadline turns a page or a browser that hangs into a failed call.
	ctx, stop := context.WithTimeout(tab, browserTestTimeout)
	t.Cleanup(func() { stop(); closeTab() })
	if err := chromedp.Do(ctx); err != nil { // no steps: just open the tab
		t.Fatalf("browser test cannot open a tab in headless Chromium: %v", err)
	}
	return ctx
}

// browserTestTimeout bounds a whole browser test.
const browserTestTimeout = 3 * time.Minute
