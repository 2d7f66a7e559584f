// Command screenshot renders a saved plan or a run report as the audit page
// and photographs it in headless Chromium, started exactly as the browser
// tests start it. The README's picture is made with it, never by hand:
//
//	go run ./internal/report/cmd/screenshot --from REPORT.jsonl --out docs/report.png [--open 2]
package main

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"
	"github.com/scim-migrate/scim-migrate/internal/report"
	"github.com/scim-migrate/scim-migrate/internal/report/browsertest"
)

// options are the command's flags.
type options struct {
	from, out string
	open      int
}

func main() {
	if err := run(os.Args[1:]); err != nil {
		fmt.Fprintln(os.Stderr, "screenshot:", err)
		os.Exit(1)
	}
}

func parseFlags(args []string) (options, error) {
	var o options
	fs := flag.NewFlagSet("screenshot", flag.ContinueOnError)
	fs.StringVar(&o.from, "from", "", "saved plan or run report to render (required)")
	fs.StringVar(&o.out, "out", "", "PNG file to write (required)")
	fs.IntVar(&o.open, "open", 2, "open the mapping diffs of this many changed connections, to show them")
	if err := fs.Parse(args); err != nil {
		return o, err
	}
	if o.from == "" || o.out == "" || fs.NArg() > 0 {
		return o, errors.New("usage: screenshot --from PLAN_OR_REPORT --out PNG [--open N]")
	}
	return o, nil
}

func run(args []string) error {
	o, err := parseFlags(args)
	if err != nil {
		return err
	}
	dir, err := os.MkdirTemp("", "scim-migrate-screenshot-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	page, err := writePage(o.from, dir)
	if err != nil {
		return err
	}
	png, err := photograph(page, filepath.Join(dir, "profile"), o.open)
	if err != nil {
		return err
	}
	if err := os.WriteFile(o.out, png, 0o644); err != nil {
		return err
	}
	fmt.Printf("wrote %s (%d bytes)\n", o.out, len(png))
	return nil
}

// writePage renders the file's audit page into dir and returns its path.
func writePage(from, dir string) (string, error) {
	data, err := os.ReadFile(from)
	if err != nil {
		return "", err
	}
	var buf bytes.Buffer
	if err := report.RenderSaved(&buf, data, from, report.FormatHTML); err != nil {
		return "", fmt.Errorf("%s: %w", from, err)
	}
	page := filepath.Join(dir, "report.html")
	return page, os.WriteFile(page, buf.Bytes(), 0o600)
}

// photograph opens the page in the light colour scheme, opens the first
// diffs and captures the whole page.
func photograph(page, profile string, open int) ([]byte, error) {
	parent, stop := context.WithTimeout(context.Background(), 2*time.Minute)
	defer stop()
	ctx, cancel, err := browsertest.Start(parent, profile)
	if err != nil {
		return nil, err
	}
	defer cancel()
	pageURL, err := browsertest.FileURL(page)
	if err != nil {
		return nil, err
	}
	light := &emulation.MediaFeature{Name: "prefers-color-scheme", Value: "light"}
	if _, err := chromedp.Call(ctx, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{Features: []*emulation.MediaFeature{light}}); err != nil {
		return nil, err
	}
	if err := browsertest.Open(ctx, pageURL); err != nil {
		return nil, err
	}
	if err := openDiffs(ctx, open); err != nil {
		return nil, err
	}
	return browsertest.Screenshot(ctx, true)
}

// openDiffs opens the first n diff cards and waits until their tables are
// built (the page builds them when a card opens).
func openDiffs(ctx context.Context, n int) error {
	js := fmt.Sprintf(`[...document.querySelectorAll("#changes details")].slice(0, %d).map(d => (d.open = true, d.id)).length`, n)
	opened, err := chromedp.Run(ctx, chromedp.Evaluate[int](js))
	if err != nil || opened == 0 {
		return err
	}
	sel := fmt.Sprintf(`#changes details[open]:nth-of-type(%d) table.sbs`, opened)
	return chromedp.Do(ctx, chromedp.WaitVisible(chromedp.CSS(sel)))
}
