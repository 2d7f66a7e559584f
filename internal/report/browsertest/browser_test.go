package browsertest_test

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/log"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
	"github.com/scim-migrate/scim-migrate/internal/report"
	"github.com/scim-migrate/scim-migrate/internal/report/browsertest"
	"github.com/scim-migrate/scim-migrate/internal/runlog"
)

// keepScreenshot keeps a copy of the screenshot, which otherwise goes with
// the test's temporary directory, for a person to look at.
var keepScreenshot = flag.String("screenshot", "", "also write the browser test's screenshot to this `PATH`")

// TestAuditPage_inChromium loads the page of a generated run in headless
// Chromium, the way an auditor opens it (a local file), and checks what a
// person would: the counts, the filter, the search, the diffs, the escaping,
// the colour schemes and print, and that nothing leaves the page.
func TestAuditPage_inChromium(t *testing.T) {
	f := newFixture(t, t.TempDir(), 300)
	ctx := newBrowser(t)
	problems := watchPage(t, ctx)
	reqs, err := browsertest.RecordRequests(ctx)
	check(t, err)
	pageURL, err := browsertest.FileURL(f.pagePath)
	check(t, err)
	check(t, browsertest.Open(ctx, pageURL))

	t.Run("counts", func(t *testing.T) { checkCounts(t, ctx, f.run) })
	t.Run("status filter", func(t *testing.T) { checkStatusFilter(t, ctx, f.run) })
	t.Run("name search", func(t *testing.T) { checkSearch(t, ctx, f.run) })
	t.Run("diff", func(t *testing.T) { checkDiff(t, ctx) })
	t.Run("escaping", func(t *testing.T) { checkEscaping(t, ctx) })
	t.Run("colour schemes and print", func(t *testing.T) { checkMedia(t, ctx) })
	t.Run("no request but the page", func(t *testing.T) { checkOnlyPage(t, reqs, pageURL) })
	if p := problems(); len(p) > 0 {
		t.Errorf("the page logged errors (a CSP violation means an inline hash is wrong):\n%s", strings.Join(p, "\n"))
	}
	t.Run("CSP blocks every fetch", func(t *testing.T) { checkCSPBlocks(t, ctx) })
	t.Run("screenshot", func(t *testing.T) { saveScreenshot(t, ctx) })
}

// watchPage collects uncaught exceptions and console errors from now on.
func watchPage(t *testing.T, ctx context.Context) func() []string {
	var mu sync.Mutex
	var problems []string
	check(t, chromedp.Listen(ctx, func(ev any) {
		mu.Lock()
		defer mu.Unlock()
		switch e := ev.(type) {
		case *runtime.EventExceptionThrown:
			problems = append(problems, "exception: "+e.ExceptionDetails.Text+describe(e.ExceptionDetails.Exception))
		case *log.EventEntryAdded:
			if e.Entry.Level == log.EntryLevelError {
				problems = append(problems, "console: "+e.Entry.Text)
			}
		}
	}))
	return func() []string {
		mu.Lock()
		defer mu.Unlock()
		return append([]string(nil), problems...)
	}
}

func describe(o *runtime.RemoteObject) string {
	if o == nil {
		return ""
	}
	return " " + o.Description
}

// eval evaluates a JavaScript expression in the page and decodes its value.
func eval[T any](t testing.TB, ctx context.Context, js string) T {
	t.Helper()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[T](js))
	if err != nil {
		t.Fatalf("evaluate %s: %v", js, err)
	}
	return v
}

func statusCounts(run *runlog.Run) map[string]int {
	want := map[string]int{}
	for _, r := range run.Results {
		want[string(r.Status)]++
	}
	want["total"] = len(run.Results)
	return want
}

func checkCounts(t *testing.T, ctx context.Context, run *runlog.Run) {
	got := eval[map[string]int](t, ctx, `Object.fromEntries([...document.querySelectorAll("[data-count]")].map(e => [e.dataset.count, Number(e.textContent)]))`)
	want := statusCounts(run)
	for k, n := range want {
		if got[k] != n {
			t.Errorf("the page shows %s = %d, the report has %d", k, got[k], n)
		}
	}
	s := run.Summary.Counts
	if got["applied"] != s.Applied || got["failed"] != s.Failed || got["conflict"] != s.Conflict || got["skipped"] != s.Skipped || got["unchanged"] != s.Unchanged {
		t.Errorf("the page's counts %v differ from the report's summary line %+v", got, s)
	}
	if bars := eval[int](t, ctx, `document.querySelectorAll("svg.chart rect").length`); bars != 5 {
		t.Errorf("the chart has %d bars, want one per status (5)", bars)
	}
	if n := visibleRows(t, ctx); n != len(run.Results) {
		t.Errorf("%d rows visible at first, want all %d", n, len(run.Results))
	}
}

// visibleRows counts the table rows a person sees.
func visibleRows(t testing.TB, ctx context.Context) int {
	t.Helper()
	return eval[int](t, ctx, `[...document.querySelectorAll("#rows tbody tr")].filter(r => r.getClientRects().length > 0).length`)
}

// visibleStatuses is the set of statuses of the rows a person sees.
func visibleStatuses(t *testing.T, ctx context.Context) []string {
	t.Helper()
	return eval[[]string](t, ctx, `[...new Set([...document.querySelectorAll("#rows tbody tr")].filter(r => r.getClientRects().length > 0).map(r => r.cells[4].textContent))]`)
}

// pickStatus chooses a status in the filter ("" for all), as the browser
// does when a person picks an option: the value changes, then "change" fires.
func pickStatus(t *testing.T, ctx context.Context, status string) {
	t.Helper()
	js := fmt.Sprintf(`(s => { s.value = %q; s.dispatchEvent(new Event("change")); return s.value; })(document.getElementById("f-key"))`, status)
	if got := eval[string](t, ctx, js); got != status {
		t.Fatalf("the filter has no option %q", status)
	}
}

// typeSearch clears the search box, then types text into it key by key.
func typeSearch(t *testing.T, ctx context.Context, text string) {
	t.Helper()
	eval[chromedp.Void](t, ctx, `(q => { q.value = ""; q.dispatchEvent(new Event("input")); })(document.getElementById("f-q"))`)
	if text != "" {
		check(t, chromedp.Do(ctx, chromedp.SendKeys(chromedp.ID("f-q"), text)))
	}
}

func checkStatusFilter(t *testing.T, ctx context.Context, run *runlog.Run) {
	want := statusCounts(run)
	for _, s := range []string{"failed", "conflict", "applied", "skipped", "unchanged"} {
		pickStatus(t, ctx, s)
		if n := visibleRows(t, ctx); n != want[s] {
			t.Errorf("filter %s shows %d rows, want %d", s, n, want[s])
		}
		if got := visibleStatuses(t, ctx); len(got) != 1 || got[0] != s {
			t.Errorf("filter %s shows rows with statuses %v", s, got)
		}
	}
	shown := fmt.Sprintf("%d of %d shown", want["unchanged"], want["total"])
	if got := eval[string](t, ctx, `document.getElementById("f-shown").textContent`); got != shown {
		t.Errorf("with the filter unchanged the page says %q, want %q", got, shown)
	}
	pickStatus(t, ctx, "")
	if n := visibleRows(t, ctx); n != len(run.Results) {
		t.Errorf("no filter shows %d rows, want %d", n, len(run.Results))
	}
}

func checkSearch(t *testing.T, ctx context.Context, run *runlog.Run) {
	count := func(match func(name string) bool) int {
		n := 0
		for _, r := range run.Results {
			if match(r.ConnectionName) {
				n++
			}
		}
		return n
	}
	zurich := count(func(n string) bool { return strings.HasPrefix(n, "Zürich") })
	// Accents and case are ignored, as a person typing on any keyboard expects.
	typeSearch(t, ctx, "ZURICH")
	if n := visibleRows(t, ctx); n != zurich || n == 0 {
		t.Errorf("search ZURICH shows %d rows, want %d", n, zurich)
	}
	tokyo := count(func(n string) bool { return strings.HasPrefix(n, "東京") })
	typeSearch(t, ctx, "東京")
	if n := visibleRows(t, ctx); n != tokyo || n == 0 {
		t.Errorf("search 東京 shows %d rows, want %d", n, tokyo)
	}
	pickStatus(t, ctx, "failed")
	failedTokyo := 0
	for _, r := range run.Results {
		if strings.HasPrefix(r.ConnectionName, "東京") && r.Status == runlog.StatusFailed {
			failedTokyo++
		}
	}
	if n := visibleRows(t, ctx); n != failedTokyo {
		t.Errorf("search 東京 with filter failed shows %d rows, want %d", n, failedTokyo)
	}
	pickStatus(t, ctx, "")
	typeSearch(t, ctx, "no such connection")
	if n := visibleRows(t, ctx); n != 0 {
		t.Errorf("a search that matches nothing shows %d rows", n)
	}
	typeSearch(t, ctx, "")
	if n := visibleRows(t, ctx); n != len(run.Results) {
		t.Errorf("an empty search shows %d rows, want %d", n, len(run.Results))
	}
}

// checkDiff clicks the name of the connection with hostile text and checks
// its side-by-side diff: user_id_attribute unchanged (odd connection), one
// entry changed, two added.
func checkDiff(t *testing.T, ctx context.Context) {
	typeSearch(t, ctx, "evil")
	check(t, chromedp.Do(ctx, chromedp.Click(chromedp.CSS("#rows tbody tr:not([hidden]) a"))))
	check(t, chromedp.Do(ctx, chromedp.WaitVisible(chromedp.CSS("details[open] table.sbs"))))
	rows := eval[[][]string](t, ctx, `[...document.querySelectorAll("details[open] table.sbs tbody tr")].map(r => [r.className, ...[...r.cells].map(c => c.textContent)])`)
	want := [][]string{
		{"", "", "user_id_attribute", "userName", "userName"},
		{"add", "+", "displayName", "", scriptValue},
		{"chg", "~", "emails[primary eq true].value", "email", "app_metadata.email"},
		{"add", "+", "title", "", "app_metadata.title"},
	}
	if len(rows) != len(want) {
		t.Fatalf("the diff has rows %q, want %q", rows, want)
	}
	for i := range want {
		if strings.Join(rows[i], "|") != strings.Join(want[i], "|") {
			t.Errorf("diff row %d is %q, want %q", i, rows[i], want[i])
		}
	}
	if got := eval[string](t, ctx, `document.querySelector("details[open] .same").textContent`); got != "3 mapping entries unchanged" {
		t.Errorf("the unchanged note says %q", got)
	}
	typeSearch(t, ctx, "")
}

// checkEscaping: the hostile name and mapping value are shown as text, and
// none of their markup became an element or ran.
func checkEscaping(t *testing.T, ctx context.Context) {
	if pwned := eval[string](t, ctx, `String(window.__pwned)`); pwned != "undefined" {
		t.Errorf("an injected script ran: window.__pwned = %s", pwned)
	}
	if n := eval[int](t, ctx, `document.querySelectorAll("img, iframe, object, embed").length`); n != 0 {
		t.Errorf("the page has %d injected elements", n)
	}
	if n := eval[int](t, ctx, `document.scripts.length`); n != 2 {
		t.Errorf("the page has %d script elements, want its own 2", n)
	}
	names := eval[[]string](t, ctx, `[...document.querySelectorAll("#rows tbody td:first-child, #changes summary b")].map(e => e.textContent).filter(s => s.includes("evil"))`)
	if len(names) != 2 || names[0] != scriptName || names[1] != scriptName {
		t.Errorf("the hostile name is shown as %q, want it as text in the table and on its card", names)
	}
}

// checkMedia: the dark preference changes the colours, and print hides the
// controls.
func checkMedia(t *testing.T, ctx context.Context) {
	background := func(features ...*emulation.MediaFeature) string {
		emulateMedia(t, ctx, "", features...)
		return eval[string](t, ctx, `getComputedStyle(document.documentElement).backgroundColor`)
	}
	light := background(&emulation.MediaFeature{Name: "prefers-color-scheme", Value: "light"})
	dark := background(&emulation.MediaFeature{Name: "prefers-color-scheme", Value: "dark"})
	if light != "rgb(255, 255, 255)" || dark == light {
		t.Errorf("background light %s, dark %s: the page ignores prefers-color-scheme", light, dark)
	}
	emulateMedia(t, ctx, "print")
	if d := eval[string](t, ctx, `getComputedStyle(document.getElementById("controls")).display`); d != "none" {
		t.Errorf("in print the controls are displayed (%s)", d)
	}
	emulateMedia(t, ctx, "", &emulation.MediaFeature{Name: "prefers-color-scheme", Value: "light"})
}

// emulateMedia sets the media type ("" for screen) and features the page sees.
func emulateMedia(t *testing.T, ctx context.Context, media string, features ...*emulation.MediaFeature) {
	t.Helper()
	_, err := chromedp.Call(ctx, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{Media: media, Features: features})
	check(t, err)
}

// checkOnlyPage: the only request the tab made is the page itself.
func checkOnlyPage(t *testing.T, reqs *browsertest.Requests, pageURL string) {
	urls := reqs.URLs()
	if len(urls) != 1 || urls[0] != pageURL {
		t.Errorf("requests %q, want only the page %s", urls, pageURL)
	}
}

// checkCSPBlocks proves the page's Content-Security-Policy, not just the
// absence of links, keeps data in: a fetch, an image and a stylesheet aimed
// at a loopback server from inside the page never reach it.
func checkCSPBlocks(t *testing.T, ctx context.Context) {
	var hits atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { hits.Add(1) }))
	defer srv.Close()
	js := `(async () => {
		const img = new Image(); img.src = "` + srv.URL + `/img.png"; document.body.appendChild(img);
		const css = document.createElement("link"); css.rel = "stylesheet"; css.href = "` + srv.URL + `/style.css"; document.head.appendChild(css);
		try { await fetch("` + srv.URL + `/fetch"); return "fetched"; } catch (e) { return "blocked"; }
	})()`
	got, err := chromedp.Run(ctx, chromedp.Evaluate[string](js, chromedp.EvalAwaitPromise))
	check(t, err)
	time.Sleep(300 * time.Millisecond) // let the image and the stylesheet try
	if got != "blocked" || hits.Load() != 0 {
		t.Errorf("fetch %s, and %d request(s) reached the server: the CSP lets data out", got, hits.Load())
	}
}

func saveScreenshot(t *testing.T, ctx context.Context) {
	eval[chromedp.Void](t, ctx, `window.scrollTo(0, 0)`)
	png, err := browsertest.Screenshot(ctx, false)
	check(t, err)
	if !bytes.HasPrefix(png, []byte("\x89PNG")) {
		t.Fatalf("the screenshot is not a PNG (%d bytes)", len(png))
	}
	path := filepath.Join(t.TempDir(), "report.png")
	check(t, os.WriteFile(path, png, 0o600))
	t.Logf("screenshot: %s (%d bytes)", path, len(png))
	if *keepScreenshot != "" {
		check(t, os.WriteFile(*keepScreenshot, png, 0o644))
	}
}

// TestAuditPage_fiveThousandConnectionsWeight: the page of a 5,000-connection
// run stays light enough to mail or open. How fast Chromium loads, searches
// and filters it is a timing claim, measured by
// BenchmarkAuditPage_fiveThousandConnections (make bench).
func TestAuditPage_fiveThousandConnectionsWeight(t *testing.T) {
	f := newFixture(t, t.TempDir(), 5000)
	if f.pageBytes > 8<<20 {
		t.Errorf("the page is %d bytes: too heavy to mail or open", f.pageBytes)
	}
}

// BenchmarkAuditPage_fiveThousandConnections opens the page of a 5,000-
// connection run in headless Chromium, searches and filters it, and
// reports the page's weight and each step's milliseconds (the figures
// docs/reference.md quotes); the filter must still show exactly the failed
// rows, and no step may take longer than a person would wait.
func BenchmarkAuditPage_fiveThousandConnections(b *testing.B) {
	f := newFixture(b, b.TempDir(), 5000)
	pageURL, err := browsertest.FileURL(f.pagePath)
	check(b, err)
	for b.Loop() {
		ctx := newBrowser(b)
		check(b, browsertest.Open(ctx, pageURL))
		timing := eval[map[string]float64](b, ctx, `(n => ({
			dcl: n.domContentLoadedEventEnd, load: n.loadEventEnd,
			fcp: (performance.getEntriesByName("first-contentful-paint")[0] || {startTime: -1}).startTime,
			ready: Number(document.documentElement.dataset.ready),
			nodes: document.getElementsByTagName("*").length,
		}))(performance.getEntriesByType("navigation")[0])`)
		search := eval[float64](b, ctx, timed(`const q = document.getElementById("f-q"); q.value = "zurich"; q.dispatchEvent(new Event("input"));`))
		filter := eval[float64](b, ctx, timed(`const q = document.getElementById("f-q"); q.value = ""; q.dispatchEvent(new Event("input")); const s = document.getElementById("f-key"); s.value = "failed"; s.dispatchEvent(new Event("change"));`))
		if n := visibleRows(b, ctx); n != statusCounts(f.run)["failed"] {
			b.Errorf("filter failed shows %d rows, want %d", n, statusCounts(f.run)["failed"])
		}
		if timing["load"] > 30000 || search > 5000 || filter > 5000 {
			b.Errorf("the page is too slow: loaded after %.0f ms, search %.0f ms, filter %.0f ms", timing["load"], search, filter)
		}
		b.ReportMetric(float64(f.pageBytes)/1e6, "page-MB")
		b.ReportMetric(timing["nodes"], "elements")
		b.ReportMetric(timing["load"], "load-ms")
		b.ReportMetric(timing["fcp"], "first-paint-ms")
		b.ReportMetric(search, "search-ms")
		b.ReportMetric(filter, "filter-ms")
	}
}

// timed wraps JavaScript statements in a function that returns how many
// milliseconds they took, with the layout they cause forced at the end.
func timed(js string) string {
	return `(() => { const t0 = performance.now(); ` + js + ` document.body.offsetHeight; return performance.now() - t0; })()`
}

// TestAuditPage_planInChromium: a saved plan's page counts and filters by
// action, and runs without an error.
func TestAuditPage_planInChromium(t *testing.T) {
	data, err := os.ReadFile(filepath.Join("..", "testdata", "plan.json"))
	check(t, err)
	var page bytes.Buffer
	check(t, report.RenderSaved(&page, data, "plan.json", report.FormatHTML))
	path := filepath.Join(t.TempDir(), "plan.html")
	check(t, os.WriteFile(path, page.Bytes(), 0o600))
	ctx := newBrowser(t)
	problems := watchPage(t, ctx)
	pageURL, err := browsertest.FileURL(path)
	check(t, err)
	check(t, browsertest.Open(ctx, pageURL))
	got := eval[map[string]int](t, ctx, `Object.fromEntries([...document.querySelectorAll("[data-count]")].map(e => [e.dataset.count, Number(e.textContent)]))`)
	if got["create"] != 1 || got["update"] != 2 || got["none"] != 1 || got["missing"] != 1 || got["total"] != 5 {
		t.Errorf("the plan's page counts %v", got)
	}
	pickStatus(t, ctx, "update")
	if n := visibleRows(t, ctx); n != 2 {
		t.Errorf("filter update shows %d rows, want 2", n)
	}
	if p := problems(); len(p) > 0 {
		t.Errorf("the page logged errors:\n%s", strings.Join(p, "\n"))
	}
}
