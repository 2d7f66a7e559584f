package report

import (
	"bytes"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/scim-migrate/scim-migrate/internal/manifest"
	"github.com/scim-migrate/scim-migrate/internal/plan"
	"github.com/scim-migrate/scim-migrate/internal/runlog"
	"github.com/scim-migrate/scim-migrate/internal/scim"
)

func runHTML(t *testing.T, run *runlog.Run, source string) string {
	t.Helper()
	var buf bytes.Buffer
	if err := RenderRunHTML(&buf, run, source); err != nil {
		t.Fatal(err)
	}
	return buf.String()
}

func planHTML(t *testing.T, p *plan.Plan) string {
	t.Helper()
	var buf bytes.Buffer
	if err := RenderPlanHTML(&buf, p); err != nil {
		t.Fatal(err)
	}
	return buf.String()
}

func TestRenderHTML_golden(t *testing.T) {
	checkGolden(t, "run.html", runHTML(t, loadRunFixture(t), fixturePath))
	checkGolden(t, "plan.html", planHTML(t, loadFixture(t)))
}

// hostilePlan has a script in a connection name and in a mapping value, and
// an attribute-breaking quote, on a change that is shown with its diff.
func hostilePlan() *plan.Plan {
	after := &scim.Config{UserIDAttribute: `"><svg onload=alert(1)>`, Mapping: []scim.Pair{
		{SCIM: "title", Auth0: `app_metadata.</script><script>alert("value")</script>`},
	}}
	c := plan.Change{Identity: scim.Identity{ID: "con_X1", Name: `<script>alert("name")</script>`, Strategy: "oidc"},
		Action: plan.ActionCreate, Mode: manifest.ModeReplace, After: after, From: manifest.Pos{File: "<b>m</b>.json", Line: 1}}
	return &plan.Plan{Version: plan.FormatVersion, Tenant: "acme<i>", Changes: []plan.Change{c}, Summary: plan.Summarize([]plan.Change{c}),
		Warnings: []string{"<img src=x onerror=alert(1)>"}}
}

// TestRenderHTML_escapesScripts: a script in a connection name or a mapping
// value never reaches the page as markup, in the table, the cards or the
// diff data; the page's only scripts are its own two.
func TestRenderHTML_escapesScripts(t *testing.T) {
	pages := map[string]string{"plan": planHTML(t, hostilePlan()), "run": runHTML(t, loadRunFixture(t), "<x>.jsonl")}
	for name, page := range pages {
		t.Run(name, func(t *testing.T) {
			if n := strings.Count(strings.ToLower(page), "<script"); n != 2 {
				t.Errorf("%d <script tags, want the page's own 2", n)
			}
			for _, bad := range []string{"<svg onload", "<img", "<b>m</b>", "acme<i>", "<x>.jsonl"} {
				if strings.Contains(page, bad) {
					t.Errorf("the page holds %q unescaped", bad)
				}
			}
			if !strings.Contains(page, "&lt;script&gt;alert(") {
				t.Error("the hostile name is not shown escaped")
			}
			if !strings.Contains(page, `\u003c/script\u003e\u003cscript\u003ealert(`) && !strings.Contains(page, `\u003cscript\u003ealert(`) {
				t.Error("the hostile mapping value is not escaped in the diff data")
			}
		})
	}
}

// TestRenderHTML_invisibleCharactersShown: a bidi override in a name, which
// would let one name pass for another, is shown as an escape.
func TestRenderHTML_invisibleCharactersShown(t *testing.T) {
	page := runHTML(t, loadRunFixture(t), "")
	if strings.Contains(page, "\u202e") || !strings.Contains(page, `\u202eevil`) {
		t.Fatal("the bidi override is not shown as an escape")
	}
}

// TestRenderHTML_selfContained: nothing in the page points outside it, and
// its Content-Security-Policy allows exactly its own inline style and
// script (their hashes match what the page holds) and no fetch at all.
func TestRenderHTML_selfContained(t *testing.T) {
	page := runHTML(t, loadRunFixture(t), "")
	for _, m := range regexp.MustCompile(`(?i)\b(src|href|action|srcset|xlink:href)\s*=\s*"([^"]*)"`).FindAllStringSubmatch(page, -1) {
		if !strings.HasPrefix(m[2], "#") {
			t.Errorf("%s=%q points outside the page", m[1], m[2])
		}
	}
	if regexp.MustCompile(`(?i)@import|url\(|https?:`).MatchString(pageCSS) {
		t.Error("the stylesheet refers to something outside the page")
	}
	csp := regexp.MustCompile(`<meta http-equiv="Content-Security-Policy" content="([^"]*)">`).FindStringSubmatch(page)
	if csp == nil {
		t.Fatal("no Content-Security-Policy meta element")
	}
	style := regexp.MustCompile(`(?s)<style>(.*?)</style>`).FindStringSubmatch(page)
	script := regexp.MustCompile(`(?s)<script>(.*?)</script>`).FindStringSubmatch(page)
	policy := strings.ReplaceAll(strings.ReplaceAll(csp[1], "&#39;", "'"), "&#43;", "+")
	for _, want := range []string{"default-src 'none'", "base-uri 'none'", "form-action 'none'",
		"style-src '" + sha256Source(style[1]) + "'", "script-src '" + sha256Source(script[1]) + "'"} {
		if !strings.Contains(policy, want) {
			t.Errorf("the policy %q lacks %q", policy, want)
		}
	}
	if strings.Contains(policy, "unsafe") || strings.Contains(policy, "*") {
		t.Errorf("the policy %q allows too much", policy)
	}
}

func TestRenderHTML_planShowsActionsNotStatuses(t *testing.T) {
	page := planHTML(t, loadFixture(t))
	for _, want := range []string{`<th scope="col">action</th>`, `data-count="create">1<`, `data-count="update">2<`, `data-count="none">1<`, `data-count="missing">1<`, `<option value="missing">`} {
		if !strings.Contains(page, want) {
			t.Errorf("the plan page lacks %s", want)
		}
	}
	if strings.Contains(page, "attempts") || strings.Contains(page, `data-count="applied"`) {
		t.Error("the plan page shows run columns")
	}
}

// TestRenderHTML_fiveThousandConnectionsStayLean: a large run's page grows
// by a few hundred bytes per connection, because diffs travel as compact
// JSON rather than as tables.
func TestRenderHTML_fiveThousandConnectionsStayLean(t *testing.T) {
	run := &runlog.Run{Header: runlog.Header{Type: runlog.TypeRun, Tenant: "acme.eu.auth0.com", Command: "apply", StartedAt: time.Unix(0, 0)}}
	before := &scim.Config{UserIDAttribute: "userName", Mapping: []scim.Pair{{SCIM: "userName", Auth0: "email"}, {SCIM: "title", Auth0: "title"}}}
	after := &scim.Config{UserIDAttribute: "externalId", Mapping: []scim.Pair{{SCIM: "userName", Auth0: "email"}, {SCIM: "title", Auth0: "app_metadata.title"}}}
	for i := range 5000 {
		run.Results = append(run.Results, runlog.Result{ConnectionID: "con_abcdefghijklmnop", ConnectionName: "connection-name-of-some-length",
			Strategy: "samlp", Status: runlog.StatusApplied, Action: plan.ActionUpdate, Before: before, After: after, Attempts: 1, DurationMS: int64(i)})
	}
	page := runHTML(t, run, "")
	if perConn := len(page) / 5000; perConn > 700 {
		t.Errorf("%d bytes per connection", perConn)
	}
	if n := strings.Count(page, "<td"); n != 5000*8+6 {
		t.Errorf("%d cells, want only the table's and the summary's", n)
	}
}

func TestRenderHTML_nil(t *testing.T) {
	if RenderRunHTML(&bytes.Buffer{}, nil, "") == nil || RenderPlanHTML(&bytes.Buffer{}, nil) == nil {
		t.Fatal("nil input must be an error")
	}
}

func TestBarChart_smallCountsStayVisible(t *testing.T) {
	ch := barChart([]tally{{"applied", 4999}, {"failed", 1}, {"skipped", 0}})
	if ch.Bars[0].W != chartBarMax || ch.Bars[1].W < 2 || ch.Bars[2].W != 0 {
		t.Fatalf("bars %+v", ch.Bars)
	}
}
