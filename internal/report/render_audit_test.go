package report

import (
	"bytes"
	"encoding/json"
	"maps"
	"reflect"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/scim-migrate/scim-migrate/internal/scimtoken"
)

// auditNow is when the fixture audit was made.
var auditNow = time.Date(2026, 3, 14, 9, 26, 53, 0, time.UTC)

func at(s string) time.Time {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		panic(err)
	}
	return t
}

// auditFixture is an audit made the way the audit command makes one, through
// scimtoken's own flagging and counting: every flag, a connection without
// any token, one that could not be read, a unicode name, and hostile text in
// a name, a scope and an error.
func auditFixture() *scimtoken.Audit {
	within := 30 * 24 * time.Hour
	a := &scimtoken.Audit{Tenant: "acme.eu.auth0.com", AuditedAt: auditNow, Within: within, WithinText: "30d"}
	audit := func(id, name, strategy string, tokens ...scimtoken.Token) {
		c := scimtoken.AuditedConnection{ConnectionID: id, ConnectionName: name, Strategy: strategy}
		a.Count(scimtoken.AuditConnection(c, tokens, auditNow, within))
	}
	audit("con_0a1b2c3d4e5f6g7h", "acme-okta", "okta",
		scimtoken.Token{ID: "tok_0ldN3verExp1r3", Scopes: []string{"get:users", "post:users"},
			CreatedAt: at("2025-01-02T03:04:05Z"), LastUsedAt: at("2026-03-13T08:00:00Z")},
		scimtoken.Token{ID: "tok_N3wExp1r1ng001", Scopes: scimtoken.DefaultScopes,
			CreatedAt: at("2026-03-01T10:00:00Z"), ValidUntil: at("2026-03-20T00:00:00Z")})
	audit("con_Zu3r1chAerzte9", "Zürich Ärzte – SSO ✓", "samlp",
		scimtoken.Token{ID: "tok_Exp1red000001", Scopes: []string{"get:users"},
			CreatedAt: at("2025-01-01T00:00:00Z"), ValidUntil: at("2026-02-01T00:00:00Z"), LastUsedAt: at("2026-01-31T23:00:00Z")})
	audit("con_1n1techSaml00", "initech-saml", "samlp")
	audit("con_Ev1lP1peAnsi00", "evil|name\x1b[31mRED<b>", "oidc",
		scimtoken.Token{ID: "tok_Ev1l000000001", Scopes: []string{"get:users", "<img src=x onerror=alert(1)>|*x*"},
			CreatedAt: at("2026-02-01T00:00:00Z"), ValidUntil: at("2027-02-01T00:00:00Z"), LastUsedAt: at("2026-03-14T09:00:00Z")},
		scimtoken.Token{ID: "tok_Unused0000001", Scopes: []string{"get:users"}, CreatedAt: at("2026-01-15T12:00:00Z")})
	a.Count(scimtoken.AuditedConnection{ConnectionID: "con_Br0kenWaad0000", ConnectionName: "broken-waad", Strategy: "waad",
		Error: "read scim tokens: 403 Forbidden: <b>insufficient_scope</b>\x1b[2J"})
	return a
}

func renderAudit(t *testing.T, a *scimtoken.Audit, f Format, s Style) string {
	t.Helper()
	var buf bytes.Buffer
	if err := RenderAudit(&buf, a, f, s); err != nil {
		t.Fatalf("RenderAudit(%s): %v", f, err)
	}
	return buf.String()
}

// The fixture is what the goldens say it is; a change in scimtoken's
// flagging shows here first rather than as a puzzling golden diff.
func TestAuditFixture_counts(t *testing.T) {
	want := scimtoken.AuditCounts{Connections: 5, Tokens: 5, Expired: 1, Expiring: 1, NeverUsed: 2, NoValidToken: 2, Unread: 1}
	if got := auditFixture().Counts; got != want {
		t.Fatalf("counts %+v, want %+v", got, want)
	}
}

func TestRenderAudit_golden(t *testing.T) {
	tests := []struct {
		golden string
		format Format
		style  Style
	}{
		{"audit.txt", FormatText, Style{}},
		{"audit.color.txt", FormatText, Style{Color: true}},
		{"audit.md", FormatMarkdown, Style{}},
		{"audit.golden.json", FormatJSON, Style{}},
		{"audit.html", FormatHTML, Style{}},
	}
	a := auditFixture()
	for _, tt := range tests {
		t.Run(tt.golden, func(t *testing.T) {
			checkGolden(t, tt.golden, renderAudit(t, a, tt.format, tt.style))
		})
	}
}

func keysOf(m map[string]any) []string { return slices.Sorted(maps.Keys(m)) }

// TestRenderAudit_jsonShape holds the JSON contract: the field names, the
// token's fields at the token's level, valid_until and last_used_at left out
// when zero, and lists that are lists even where the audit holds nil.
func TestRenderAudit_jsonShape(t *testing.T) {
	a := auditFixture()
	out := renderAudit(t, a, FormatJSON, Style{Color: true})
	if !strings.HasPrefix(out, "{\n  \"tenant\": ") || !strings.HasSuffix(out, "}\n") {
		t.Errorf("json is not indented with two spaces and a trailing newline:\n%s", out)
	}
	var doc map[string]any
	if err := json.Unmarshal([]byte(out), &doc); err != nil {
		t.Fatal(err)
	}
	if got := keysOf(doc); !slices.Equal(got, []string{"audited_at", "connections", "counts", "tenant", "within"}) {
		t.Errorf("top-level keys %v", got)
	}
	if doc["within"] != "30d" || doc["audited_at"] != "2026-03-14T09:26:53Z" {
		t.Errorf("within %v, audited_at %v", doc["within"], doc["audited_at"])
	}
	if got := keysOf(doc["counts"].(map[string]any)); !slices.Equal(got, []string{"connections", "expired", "expiring", "never_used", "no_valid_token", "tokens", "unread"}) {
		t.Errorf("counts keys %v", got)
	}
	conns := doc["connections"].([]any)
	if len(conns) != 5 {
		t.Fatalf("%d connections", len(conns))
	}
	acme := conns[0].(map[string]any)
	if got := keysOf(acme); !slices.Equal(got, []string{"connection_id", "connection_name", "flags", "strategy", "tokens"}) {
		t.Errorf("connection keys %v", got)
	}
	tokens := acme["tokens"].([]any)
	expiring, forever := tokens[0].(map[string]any), tokens[1].(map[string]any)
	if got := keysOf(expiring); !slices.Equal(got, []string{"created_at", "flags", "scopes", "token_id", "valid_until"}) {
		t.Errorf("keys of a token never used %v: last_used_at must be left out", got)
	}
	if got := keysOf(forever); !slices.Equal(got, []string{"created_at", "flags", "last_used_at", "scopes", "token_id"}) {
		t.Errorf("keys of a token that never expires %v: valid_until must be left out", got)
	}
	if !reflect.DeepEqual(expiring["flags"], []any{"expiring", "never_used"}) || !reflect.DeepEqual(forever["flags"], []any{}) {
		t.Errorf("token flags %v and %v", expiring["flags"], forever["flags"])
	}
	if f := conns[2].(map[string]any)["flags"]; !reflect.DeepEqual(f, []any{"no_valid_token"}) {
		t.Errorf("connection without tokens has flags %v", f)
	}
	unread := conns[4].(map[string]any)
	if !reflect.DeepEqual(unread["tokens"], []any{}) || !reflect.DeepEqual(unread["flags"], []any{}) || unread["error"] == nil {
		t.Errorf("unread connection %v: tokens and flags must be [] and the error given", unread)
	}

	var back scimtoken.Audit
	if err := json.Unmarshal([]byte(out), &back); err != nil {
		t.Fatal(err)
	}
	back.Within = a.Within // not in the JSON: within is the text the user gave
	a.Connections[4].Tokens, a.Connections[4].Flags = []scimtoken.AuditedToken{}, []scimtoken.Flag{}
	if !reflect.DeepEqual(&back, a) {
		t.Errorf("decoded audit differs:\n got %+v\nwant %+v", back, *a)
	}
}

// A nil list in a hand-made audit is written as [], and the caller's audit
// is left as it was.
func TestRenderAudit_jsonNilLists(t *testing.T) {
	a := &scimtoken.Audit{Connections: []scimtoken.AuditedConnection{{ConnectionID: "con_a",
		Tokens: []scimtoken.AuditedToken{{Token: scimtoken.Token{ID: "tok_a"}}}}}}
	out := renderAudit(t, a, FormatJSON, Style{})
	if strings.Contains(out, "null") {
		t.Errorf("json holds null:\n%s", out)
	}
	if a.Connections[0].Flags != nil || a.Connections[0].Tokens[0].Flags != nil || a.Connections[0].Tokens[0].Scopes != nil {
		t.Error("rendering changed the caller's audit")
	}
	if out := renderAudit(t, &scimtoken.Audit{}, FormatJSON, Style{}); !strings.Contains(out, `"connections": []`) {
		t.Errorf("empty audit:\n%s", out)
	}
}

func TestRenderAudit_textNeverWritesRawEscapes(t *testing.T) {
	a := auditFixture()
	plain := renderAudit(t, a, FormatText, Style{})
	if strings.ContainsRune(plain, '\x1b') {
		t.Errorf("uncolored text holds an escape code:\n%q", plain)
	}
	colored := renderAudit(t, a, FormatText, Style{Color: true})
	if rest := sgr.ReplaceAllString(colored, ""); rest != plain {
		t.Errorf("colored text, without its color codes, differs from the plain text:\n%q", rest)
	}
	for _, want := range []string{`"evil|name\x1b[31mRED<b>"`, `\x1b[2J`, `"<img src=x onerror=alert(1)>|*x*"`} {
		if !strings.Contains(plain, want) {
			t.Errorf("text does not show %s escaped:\n%s", want, plain)
		}
	}
	for _, want := range []string{"\x1b[31mexpired\x1b[0m", "\x1b[31mno_valid_token\x1b[0m", "\x1b[33mexpiring\x1b[0m", "\x1b[33mnever_used\x1b[0m"} {
		if !strings.Contains(colored, want) {
			t.Errorf("colored text lacks %q", want)
		}
	}
}

func TestRenderAudit_textSummary(t *testing.T) {
	tests := []struct {
		name string
		a    *scimtoken.Audit
		want string
	}{
		{"fixture", auditFixture(), "\n\nAudit: 5 connections, 5 tokens: 1 expired, 1 expiring, 2 never used, 2 with no valid token, 1 unread.\n"},
		{"empty", &scimtoken.Audit{}, "\nNo token needs attention.\nAudit: 0 connections, 0 tokens: 0 expired, 0 expiring, 0 never used, 0 with no valid token, 0 unread.\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := renderAudit(t, tt.a, FormatText, Style{}); !strings.HasSuffix(got, tt.want) {
				t.Errorf("text ends with\n%s\nwant it to end with\n%s", got, tt.want)
			}
		})
	}
}

func TestRenderAudit_markdownEscapesValues(t *testing.T) {
	out := renderAudit(t, auditFixture(), FormatMarkdown, Style{})
	for _, bad := range []string{"\x1b", "<b>", "<img", "evil|", "*x*", "never_used", "con_"} {
		if strings.Contains(out, bad) {
			t.Errorf("markdown holds %q unescaped", bad)
		}
	}
	unescapedPipe := regexp.MustCompile(`(^|[^\\])\|`)
	rows := 0
	for _, line := range strings.Split(out, "\n") {
		if !strings.HasPrefix(line, "| ") && !strings.HasPrefix(line, "|-") {
			continue
		}
		if n := len(unescapedPipe.FindAllString(line, -1)); n != 8 && n != 9 {
			t.Errorf("row has %d cell separators, want 8 (counts) or 9 (tokens): %s", n, line)
		}
		rows++
	}
	if rows != 3+2+7 {
		t.Errorf("%d table lines, want the counts' 3 and the tokens' 2 + 7", rows)
	}
	for _, want := range []string{
		"| initech-saml | con\\_1n1techSaml00 | samlp | (none) |  |  |  | no\\_valid\\_token |",
		"| broken-waad | con\\_Br0kenWaad0000 | waad | (not read) |  |  |  | could not be read: read scim tokens: 403 Forbidden: &lt;b&gt;insufficient\\_scope&lt;/b&gt;\\\\x1b\\[2J |",
		"never expires", "| never |", "(in 5 days)", "(26 minutes ago)",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("markdown lacks %s", want)
		}
	}
}

func auditHTML(t *testing.T, a *scimtoken.Audit) string {
	t.Helper()
	return renderAudit(t, a, FormatHTML, Style{})
}

// TestRenderAudit_htmlPage: the audit page counts its rows by their most
// severe flag, has the audit's columns and no mapping section, and shows
// hostile text as text.
func TestRenderAudit_htmlPage(t *testing.T) {
	page := auditHTML(t, auditFixture())
	for _, want := range []string{
		`<body class="audit">`, `<th scope="col">flag</th><th scope="col">rows</th>`,
		`data-count="expired">1<`, `data-count="no_valid_token">1<`, `data-count="expiring">1<`,
		`data-count="never_used">1<`, `data-count="ok">2<`, `data-count="unread">1<`, `data-count="total">7<`,
		`<option value="unread">unread (1)</option>`, `aria-label="rows per flag"`, `<h2 id="h-connections">Tokens</h2>`,
		`<table class="rows" id="rows" data-search="0 1 3">`,
		`<tr data-s="expiring"><td>acme-okta</td><td>con_0a1b2c3d4e5f6g7h</td><td>okta</td><td>tok_N3wExp1r1ng001</td><td>get:users post:users put:users patch:users</td><td>2026-03-01 10:00:00Z</td><td>2026-03-20 00:00:00Z (in 5 days)</td><td>never</td><td>expiring, never_used</td></tr>`,
		`<tr data-s="expired"><td>Zürich Ärzte – SSO ✓</td><td>con_Zu3r1chAerzte9</td><td>samlp</td><td>tok_Exp1red000001</td><td>get:users</td><td>2025-01-01 00:00:00Z</td><td>2026-02-01 00:00:00Z (41 days ago)</td><td>2026-01-31 23:00:00Z (41 days ago)</td><td>expired, no_valid_token</td></tr>`,
		`<tr data-s="no_valid_token"><td>initech-saml</td><td>con_1n1techSaml00</td><td>samlp</td><td>(none)</td><td></td><td></td><td></td><td></td><td>no_valid_token</td></tr>`,
		`<tr data-s="unread"><td>broken-waad</td>`,
	} {
		if !strings.Contains(page, want) {
			t.Errorf("the audit page lacks %s", want)
		}
	}
	for _, bad := range []string{`id="changes"`, "<details", "Mapping changes", `data-count="applied"`, "<b>", "<img", "\x1b"} {
		if strings.Contains(page, bad) {
			t.Errorf("the audit page holds %q", bad)
		}
	}
	if n := strings.Count(strings.ToLower(page), "<script"); n != 2 {
		t.Errorf("%d <script tags, want the page's own 2", n)
	}
	for _, want := range []string{`evil|name\x1b[31mRED&lt;b&gt;`, `&lt;img src=x onerror=alert(1)&gt;|*x*`, `&lt;b&gt;insufficient_scope&lt;/b&gt;\x1b[2J`} {
		if !strings.Contains(page, want) {
			t.Errorf("the audit page does not show %s escaped", want)
		}
	}
}

// The audit page runs the same script as the others, under the same policy.
func TestRenderAudit_htmlSameScriptAndPolicy(t *testing.T) {
	page := auditHTML(t, &scimtoken.Audit{Tenant: "t"})
	if !strings.Contains(page, "<script>"+pageJS+"</script>") || !strings.Contains(page, "<style>"+pageCSS+"</style>") {
		t.Error("the audit page does not inline the page's own script and style")
	}
	if !strings.Contains(page, `data-count="total">0<`) || strings.Contains(page, `data-count="unread"`) {
		t.Error("an empty audit's page must count 0 rows and leave unread out")
	}
}

// Every flag scimtoken has is a key of the audit page, in the order of
// severity the page sorts and colours by.
func TestAuditRow_key(t *testing.T) {
	want := []string{"expired", "no_valid_token", "expiring", "never_used", "ok", "unread"}
	if !slices.Equal(auditKeys, want) {
		t.Fatalf("auditKeys %v, want %v", auditKeys, want)
	}
	tests := []struct {
		row  auditRow
		want string
	}{
		{auditRow{}, "ok"},
		{auditRow{Flags: []scimtoken.Flag{scimtoken.FlagNeverUsed, scimtoken.FlagExpiring}}, "expiring"},
		{auditRow{Flags: []scimtoken.Flag{scimtoken.FlagNeverUsed}}, "never_used"},
		{auditRow{Flags: []scimtoken.Flag{scimtoken.FlagExpired, scimtoken.FlagNeverUsed, scimtoken.FlagNoValidToken}}, "expired"},
		{auditRow{Flags: []scimtoken.Flag{scimtoken.FlagNoValidToken}}, "no_valid_token"},
		{auditRow{Flags: []scimtoken.Flag{"revoked"}}, "revoked"},
		{auditRow{Error: "403", Flags: []scimtoken.Flag{scimtoken.FlagNoValidToken}}, "unread"},
	}
	for _, tt := range tests {
		if got := tt.row.key(); got != tt.want {
			t.Errorf("key of %+v = %q, want %q", tt.row, got, tt.want)
		}
	}
}

func TestRelativeText(t *testing.T) {
	tests := []struct {
		d    time.Duration
		want string
	}{
		{0, "now"},
		{-59 * time.Second, "now"},
		{time.Minute, "in 1 minute"},
		{-26 * time.Minute, "26 minutes ago"},
		{47*time.Hour + 59*time.Minute, "in 47 hours"},
		{-48 * time.Hour, "2 days ago"},
		{5*24*time.Hour + 14*time.Hour, "in 5 days"},
	}
	for _, tt := range tests {
		if got := relativeText(tt.d); got != tt.want {
			t.Errorf("relativeText(%s) = %q, want %q", tt.d, got, tt.want)
		}
	}
}

func TestRenderAudit_errors(t *testing.T) {
	tests := []struct {
		name string
		w    interface{ Write([]byte) (int, error) }
		a    *scimtoken.Audit
		f    Format
		want string
	}{
		{"nil audit", &bytes.Buffer{}, nil, FormatText, "render audit: no audit"},
		{"unknown format", &bytes.Buffer{}, &scimtoken.Audit{}, FormatCSV, `render audit: format "csv" is not supported`},
		{"write fails", failingWriter{}, &scimtoken.Audit{}, FormatJSON, "render audit: disk full"},
		{"html write fails", failingWriter{}, &scimtoken.Audit{}, FormatHTML, "render html: disk full"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := RenderAudit(tt.w, tt.a, tt.f, Style{})
			if err == nil || err.Error() != tt.want {
				t.Errorf("err = %v, want %q", err, tt.want)
			}
		})
	}
}
