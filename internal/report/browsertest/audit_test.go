package browsertest_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/scim-migrate/scim-migrate/internal/report"
	"github.com/scim-migrate/scim-migrate/internal/report/browsertest"
	"github.com/scim-migrate/scim-migrate/internal/scim"
	"github.com/scim-migrate/scim-migrate/internal/scimtoken"
)

// auditCycle is what the generated audit finds on six connections in a
// row, eight rows: each key of the audit page at least once.
var auditCycle = map[string]int{"ok": 3, "expiring": 1, "expired": 1, "no_valid_token": 1, "never_used": 1, "unread": 1}

// newAudit audits n generated connections through scimtoken, as the audit
// command does; connection 3 carries a script in its name and a scope.
func newAudit(n int) *scimtoken.Audit {
	now := time.Date(2026, 3, 14, 9, 26, 53, 0, time.UTC)
	within := 30 * 24 * time.Hour
	a := &scimtoken.Audit{Tenant: "acme.eu.auth0.com", AuditedAt: now, Within: within, WithinText: "30d"}
	for i := range n {
		c := scimtoken.AuditedConnection{
			ConnectionID:   fmt.Sprintf("con_Gen%06dX", i),
			ConnectionName: fmt.Sprintf("%s-%04d", namePool[i%len(namePool)], i),
			Strategy:       scim.SCIMStrategies[i%len(scim.SCIMStrategies)],
		}
		tok := func(suffix string) scimtoken.Token {
			return scimtoken.Token{ID: fmt.Sprintf("tok_Gen%04d%s", i, suffix), Scopes: scimtoken.DefaultScopes,
				CreatedAt: now.Add(-time.Duration(i+1) * time.Hour)}
		}
		ok := tok("ok")
		ok.LastUsedAt = now.Add(-time.Hour)
		var tokens []scimtoken.Token
		switch i % 6 {
		case 0:
			tokens = []scimtoken.Token{ok}
		case 1:
			expiring := tok("expiring")
			expiring.ValidUntil = now.Add(72 * time.Hour)
			tokens = []scimtoken.Token{ok, expiring}
		case 2:
			expired := tok("expired")
			expired.ValidUntil, expired.LastUsedAt = now.Add(-24*time.Hour), now.Add(-25*time.Hour)
			tokens = []scimtoken.Token{expired}
		case 3:
			c.ConnectionName = scriptName
			ok.Scopes = []string{"get:users", scriptValue}
			tokens = []scimtoken.Token{ok, tok("unused")}
		case 4:
			// no token at all: no_valid_token
		case 5:
			c.Error = "read scim tokens: 403 Forbidden: <b>insufficient scope</b>"
			a.Count(c)
			continue
		}
		a.Count(scimtoken.AuditConnection(c, tokens, now, within))
	}
	return a
}

// TestAuditPage_tokenAuditInChromium: the token audit's page counts its rows
// by their most severe flag, and its filter, chart and search (token ids
// included) work, with no error under the page's policy and no request but
// the page.
func TestAuditPage_tokenAuditInChromium(t *testing.T) {
	const cycles = 20
	a := newAudit(6 * cycles)
	path := filepath.Join(t.TempDir(), "audit.html")
	out, err := os.Create(path)
	check(t, err)
	check(t, report.RenderAudit(out, a, report.FormatHTML, report.Style{}))
	check(t, out.Close())

	ctx := newBrowser(t)
	problems := watchPage(t, ctx)
	reqs, err := browsertest.RecordRequests(ctx)
	check(t, err)
	pageURL, err := browsertest.FileURL(path)
	check(t, err)
	check(t, browsertest.Open(ctx, pageURL))

	want := map[string]int{"total": 8 * cycles}
	for k, n := range auditCycle {
		want[k] = n * cycles
	}
	got := eval[map[string]int](t, ctx, `Object.fromEntries([...document.querySelectorAll("[data-count]")].map(e => [e.dataset.count, Number(e.textContent)]))`)
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("the page counts %v, want %v", got, want)
	}
	if n := visibleRows(t, ctx); n != want["total"] {
		t.Errorf("%d rows visible at first, want all %d", n, want["total"])
	}
	if n := eval[int](t, ctx, `document.querySelectorAll("#changes, details").length`); n != 0 {
		t.Errorf("the audit page has %d mapping sections or cards", n)
	}

	for _, k := range []string{"expired", "no_valid_token", "expiring", "never_used", "ok", "unread"} {
		pickStatus(t, ctx, k)
		if n := visibleRows(t, ctx); n != want[k] {
			t.Errorf("filter %s shows %d rows, want %d", k, n, want[k])
		}
		if keys := visibleKeys(t, ctx); len(keys) != 1 || keys[0] != k {
			t.Errorf("filter %s shows rows keyed %v", k, keys)
		}
	}
	pickStatus(t, ctx, "")

	// Clicking a bar filters by its key; clicking it again shows all.
	check(t, chromedp.Do(ctx, chromedp.Click(chromedp.CSS(`svg.chart g[data-filter="expired"] rect`))))
	if n, keys := visibleRows(t, ctx), visibleKeys(t, ctx); n != want["expired"] || len(keys) != 1 || keys[0] != "expired" {
		t.Errorf("a click on the expired bar shows %d rows keyed %v", n, keys)
	}
	if sel := eval[string](t, ctx, `document.getElementById("f-key").value`); sel != "expired" {
		t.Errorf("after a click on the expired bar the filter says %q", sel)
	}
	check(t, chromedp.Do(ctx, chromedp.Click(chromedp.CSS(`svg.chart g[data-filter="expired"] rect`))))
	if n := visibleRows(t, ctx); n != want["total"] {
		t.Errorf("a second click on the bar shows %d rows, want all %d", n, want["total"])
	}

	// The search looks in names, connection ids and token ids.
	typeSearch(t, ctx, "tok_Gen0007expiring")
	if n := visibleRows(t, ctx); n != 1 {
		t.Errorf("search by a token id shows %d rows, want 1", n)
	}
	typeSearch(t, ctx, "con_Gen000007X")
	if n := visibleRows(t, ctx); n != 2 {
		t.Errorf("search by a connection id shows %d rows, want its 2 tokens", n)
	}
	typeSearch(t, ctx, "ZURICH")
	zurich := 0
	for i := range 6 * cycles {
		if i%6 != 3 && strings.HasPrefix(namePool[i%len(namePool)], "Zürich") {
			zurich += map[int]int{0: 1, 1: 2, 2: 1, 4: 1, 5: 1}[i%6]
		}
	}
	if n := visibleRows(t, ctx); n != zurich || n == 0 {
		t.Errorf("search ZURICH shows %d rows, want %d", n, zurich)
	}
	typeSearch(t, ctx, "")

	if pwned := eval[string](t, ctx, `String(window.__pwned)`); pwned != "undefined" {
		t.Errorf("an injected script ran: window.__pwned = %s", pwned)
	}
	if n := eval[int](t, ctx, `document.querySelectorAll("img, iframe, object, embed").length`); n != 0 {
		t.Errorf("the page has %d injected elements", n)
	}
	if urls := reqs.URLs(); len(urls) != 1 || urls[0] != pageURL {
		t.Errorf("requests %q, want only the page %s", urls, pageURL)
	}
	if p := problems(); len(p) > 0 {
		t.Errorf("the page logged errors (a CSP violation means an inline hash is wrong):\n%s", strings.Join(p, "\n"))
	}
}

// visibleKeys is the set of keys (data-s) of the rows a person sees.
func visibleKeys(t *testing.T, ctx context.Context) []string {
	t.Helper()
	return eval[[]string](t, ctx, `[...new Set([...document.querySelectorAll("#rows tbody tr")].filter(r => r.getClientRects().length > 0).map(r => r.dataset.s))]`)
}
