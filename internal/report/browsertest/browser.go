// Package browsertest starts Debian's headless Chromium for the tests of the
// audit page and for the program that screenshots it, always the same way:
// the flags below and nothing more, and a fresh profile each time.
package browsertest

import (
	"bytes"
	"context"
	"fmt"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"
)

// DefaultPath is where Debian's chromium package installs the browser.
const DefaultPath = "/usr/bin/chromium"

// OptOutEnv, set to 1, makes the browser tests skip (loudly) instead of
// failing where Chromium is missing; for developers without it. CI never
// sets it.
const OptOutEnv = "SCIM_MIGRATE_NO_BROWSER"

// Flags are the command-line flags Chromium is started with, besides a
// fresh --user-data-dir. Without the network ones, Chromium tries to reach
// Google's services at every start, which this machine's closed network
// refuses. chromedp adds only what it needs to drive the browser: the
// debugging pipe and the first page, about:blank.
var Flags = []string{
	"headless", "no-sandbox", "disable-gpu", "no-first-run",
	"disable-background-networking", "disable-component-update", "disable-sync",
}

// startTimeout bounds the browser's start, so a Chromium that hangs fails
// the test with a message instead of at the test binary's timeout.
const startTimeout = time.Minute

// Path returns the Chromium to run: Debian's, else the first chromium on
// PATH. The error says how to install it.
func Path() (string, error) {
	if fi, err := os.Stat(DefaultPath); err == nil && !fi.IsDir() {
		return DefaultPath, nil
	}
	if p, err := exec.LookPath("chromium"); err == nil {
		return p, nil
	}
	return "", fmt.Errorf("chromium is not installed (not at %s nor on PATH): install Debian's package with `apt-get install -y chromium` (.ci/run does), or set %s=1 to skip the browser tests", DefaultPath, OptOutEnv)
}

// Start starts headless Chromium with userDataDir as its profile and
// returns a context holding its first tab. Cancelling the returned func
// stops the browser. A browser that cannot start is an error that carries
// the end of its output, which usually says why.
func Start(parent context.Context, userDataDir string) (context.Context, context.CancelFunc, error) {
	path, err := Path()
	if err != nil {
		return nil, nil, err
	}
	return startAt(parent, path, userDataDir)
}

// startAt starts the browser at path.
func startAt(parent context.Context, path, userDataDir string) (context.Context, context.CancelFunc, error) {
	out := &lockedBuffer{}
	opts := []chromedp.ExecAllocatorOption{chromedp.ExecPath(path), chromedp.UserDataDir(userDataDir), chromedp.CombinedOutput(out)}
	for _, f := range Flags {
		opts = append(opts, chromedp.Flag(f, true))
	}
	actx, cancelAlloc := chromedp.NewExecAllocator(parent, opts...)
	// chromedp's own error log goes with the browser's output, into the
	// error, instead of onto the test's output.
	ctx, cancelTab := chromedp.NewContext(actx, chromedp.WithErrorf(func(format string, args ...any) {
		fmt.Fprintf(out, format+"\n", args...)
	}))
	cancel := func() { cancelTab(); cancelAlloc() }
	started := make(chan error, 1)
	go func() { started <- chromedp.Do(ctx) }() // no steps: just start the browser and open the tab
	var err error
	select {
	case err = <-started:
	case <-time.After(startTimeout):
		err = fmt.Errorf("no answer within %s", startTimeout)
	}
	if err != nil {
		cancel()
		return nil, nil, fmt.Errorf("cannot start Chromium (%s): %w%s", path, err, out.tail())
	}
	return ctx, cancel, nil
}

// FileURL is the file:// URL of a local file, the way an auditor opens a
// saved page.
func FileURL(path string) (string, error) {
	abs, err := filepath.Abs(path)
	if err != nil {
		return "", err
	}
	return (&url.URL{Scheme: "file", Path: filepath.ToSlash(abs)}).String(), nil
}

// Requests records every request the tab starts, whatever its scheme.
type Requests struct {
	mu   sync.Mutex
	urls []string
}

// RecordRequests starts recording the tab's requests; call it before the
// navigation.
func RecordRequests(ctx context.Context) (*Requests, error) {
	r := &Requests{}
	err := chromedp.Listen(ctx, func(ev any) {
		if e, ok := ev.(*network.EventRequestWillBeSent); ok {
			r.mu.Lock()
			r.urls = append(r.urls, e.Request.URL)
			r.mu.Unlock()
		}
	})
	if err != nil {
		return nil, err
	}
	return r, nil
}

// URLs returns the URLs requested so far, in order.
func (r *Requests) URLs() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]string(nil), r.urls...)
}

// Viewport is the window size pages are opened in, a common laptop screen,
// so that layouts and screenshots do not depend on Chromium's default.
const (
	ViewportWidth  = 1280
	ViewportHeight = 900
)

// Open loads the page at pageURL and waits until its script has set
// data-ready on the root element, which it does last.
func Open(ctx context.Context, pageURL string) error {
	return chromedp.Do(ctx,
		chromedp.EmulateViewport(ViewportWidth, ViewportHeight),
		chromedp.Navigate(pageURL),
		chromedp.WaitReady(chromedp.CSS("html[data-ready]")))
}

// Screenshot captures the page as PNG: the whole page when full is set,
// else what the window shows.
func Screenshot(ctx context.Context, full bool) ([]byte, error) {
	if full {
		return chromedp.Run(ctx, chromedp.FullScreenshot(100))
	}
	return chromedp.Run(ctx, chromedp.CaptureScreenshot())
}

// lockedBuffer collects the browser's output, written from another goroutine.
type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

// tail is the end of the browser's output, as a suffix for an error.
func (b *lockedBuffer) tail() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	s := strings.TrimSpace(b.buf.String())
	if s == "" {
		return ""
	}
	if len(s) > 2000 {
		s = "…" + s[len(s)-2000:]
	}
	return "\nChromium said:\n" + s
}
