package report

import (
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"strings"
	"testing"

	"github.com/scim-migrate/scim-migrate/internal/scim"

	"github.com/scim-migrate/scim-migrate/internal/plan"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

// loadFixture reads the hand-made plan that every golden is rendered from.
func loadFixture(t *testing.T) *plan.Plan {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", "plan.json"))
	if err != nil {
		t.Fatal(err)
	}
	var p plan.Plan
	if err := json.Unmarshal(data, &p); err != nil {
		t.Fatalf("decode fixture: %v", err)
	}
	return &p
}

func render(t *testing.T, p *plan.Plan, f Format, s Style) string {
	t.Helper()
	var buf bytes.Buffer
	if err := RenderPlan(&buf, p, f, s); err != nil {
		t.Fatalf("RenderPlan(%s): %v", f, err)
	}
	return buf.String()
}

// checkGolden compares got with testdata/name, or rewrites it under -update.
func checkGolden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if got != string(want) {
		t.Errorf("%s differs from the rendering (run go test -update to accept it)\n--- got ---\n%s\n--- want ---\n%s", name, got, want)
	}
}

func TestRenderPlan_golden(t *testing.T) {
	tests := []struct {
		golden string
		format Format
		style  Style
	}{
		{"plan.txt", FormatText, Style{}},
		{"plan.color.txt", FormatText, Style{Color: true}},
		{"plan.md", FormatMarkdown, Style{}},
		{"plan.golden.json", FormatJSON, Style{}},
	}
	p := loadFixture(t)
	for _, tt := range tests {
		t.Run(tt.golden, func(t *testing.T) {
			checkGolden(t, tt.golden, render(t, p, tt.format, tt.style))
		})
	}
}

func TestRenderPlan_jsonRoundTrips(t *testing.T) {
	p := loadFixture(t)
	out := render(t, p, FormatJSON, Style{Color: true})
	if !strings.HasSuffix(out, "}\n") || !strings.HasPrefix(out, "{\n  \"version\": 2,") {
		t.Errorf("json is not indented with two spaces and a trailing newline:\n%s", out)
	}
	var back plan.Plan
	if err := json.Unmarshal([]byte(out), &back); err != nil {
		t.Fatal(err)
	}
	if !back.CreatedAt.Equal(p.CreatedAt) {
		t.Errorf("created_at = %v, want %v", back.CreatedAt, p.CreatedAt)
	}
	back.CreatedAt = p.CreatedAt
	if !reflect.DeepEqual(&back, p) {
		t.Errorf("decoded plan differs:\n got %+v\nwant %+v", back, *p)
	}
}

// sgr matches exactly the codes the renderings are allowed to write.
var sgr = regexp.MustCompile(`\x1b\[(0|1|31|32|33)m`)

func TestRenderPlan_textNeverWritesRawEscapes(t *testing.T) {
	p := loadFixture(t)
	plain := render(t, p, FormatText, Style{})
	if strings.ContainsRune(plain, '\x1b') {
		t.Errorf("uncolored text holds an escape code:\n%q", plain)
	}
	colored := render(t, p, FormatText, Style{Color: true})
	if rest := sgr.ReplaceAllString(colored, ""); rest != plain {
		t.Errorf("colored text, without its color codes, differs from the plain text:\n%q", rest)
	}
	for _, want := range []string{`"evil|name\x1b[31mRED"`, `"x\x1b[2J\ny"`} {
		if !strings.Contains(plain, want) {
			t.Errorf("text does not show %s escaped:\n%s", want, plain)
		}
	}
}

func TestRenderPlan_markdownEscapesValues(t *testing.T) {
	out := render(t, loadFixture(t), FormatMarkdown, Style{})
	for _, bad := range []string{"\x1b", "<b>", "evil|", "*y*", "`x`", "app_metadata"} {
		if strings.Contains(out, bad) {
			t.Errorf("markdown holds %q unescaped", bad)
		}
	}
	unescapedPipe := regexp.MustCompile(`(^|[^\\])\|`)
	for _, line := range strings.Split(out, "\n") {
		if strings.HasPrefix(line, "|") {
			if n := len(unescapedPipe.FindAllString(line, -1)); n != 5 {
				t.Errorf("row has %d cell separators, want 5: %s", n, line)
			}
		}
	}
	if !strings.Contains(out, `### + con\_Ev1lP1peAnsi00 evil\|name\\x1b\[31mRED (oidc)`) {
		t.Errorf("create heading not escaped as expected:\n%s", out)
	}
}

func TestRenderPlan_summaryLine(t *testing.T) {
	noChange := &plan.Plan{Changes: []plan.Change{
		{Identity: scim.Identity{ID: "con_a"}, Action: plan.ActionNone},
		{Identity: scim.Identity{ID: "con_b"}, Action: plan.ActionMissing},
	}}
	noChange.Summary = plan.Summarize(noChange.Changes)
	tests := []struct {
		name string
		p    *plan.Plan
		want string
	}{
		{"empty plan", &plan.Plan{}, "No changes. The tenant matches the manifest.\nPlan: 0 to create, 0 to update, 0 unchanged, 0 missing.\n"},
		{"no-change plan", noChange, "No changes. The tenant matches the manifest.\nPlan: 0 to create, 0 to update, 1 unchanged, 1 missing.\n"},
		{"fixture", loadFixture(t), "\n\nPlan: 1 to create, 2 to update, 1 unchanged, 1 missing.\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := render(t, tt.p, FormatText, Style{}); !strings.HasSuffix(got, tt.want) {
				t.Errorf("text ends with\n%s\nwant it to end with\n%s", got, tt.want)
			}
		})
	}
}

func TestRenderPlan_noChangeInMarkdown(t *testing.T) {
	out := render(t, &plan.Plan{}, FormatMarkdown, Style{})
	if !strings.Contains(out, "## Changes\n\nNo changes. The tenant matches the manifest.\n") {
		t.Errorf("markdown of an empty plan:\n%s", out)
	}
}

type failingWriter struct{}

func (failingWriter) Write([]byte) (int, error) { return 0, errors.New("disk full") }

func TestRenderPlan_errors(t *testing.T) {
	tests := []struct {
		name string
		w    interface{ Write([]byte) (int, error) }
		p    *plan.Plan
		f    Format
		want string
	}{
		{"nil plan", &bytes.Buffer{}, nil, FormatText, "render plan: no plan"},
		{"unknown format", &bytes.Buffer{}, &plan.Plan{}, "yaml", `render plan: format "yaml" is not supported`},
		{"write fails", failingWriter{}, &plan.Plan{}, FormatJSON, "render plan: disk full"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := RenderPlan(tt.w, tt.p, tt.f, Style{})
			if err == nil || err.Error() != tt.want {
				t.Errorf("err = %v, want %q", err, tt.want)
			}
		})
	}
}
