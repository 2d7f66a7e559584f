package report

import (
	"bytes"
	"io"
	"slices"
	"testing"

	"github.com/scim-migrate/scim-migrate/internal/plan"
)

func TestParseFormat(t *testing.T) {
	tests := []struct {
		name    string
		in      string
		doc     Document
		want    Format
		wantErr string
	}{
		{"text", "text", DocPlan, FormatText, ""},
		{"markdown", "markdown", DocPlan, FormatMarkdown, ""},
		{"case and spaces ignored", " JSON ", DocPlan, FormatJSON, ""},
		{"csv is not a plan format", "csv", DocPlan, "", `unknown format "csv": use one of text, json, markdown, html`},
		{"empty refused", "", DocPlan, "", `unknown format "": use one of text, json, markdown, html`},
		{"outside the document's set", "json", DocSaved, "", `unknown format "json": use one of text, markdown, html, csv`},
		{"inside the document's set", "csv", DocSaved, "csv", ""},
		{"an export format", "terraform", DocManifest, FormatTerraform, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseFormat(tt.in, tt.doc)
			if tt.wantErr != "" {
				if err == nil || err.Error() != tt.wantErr {
					t.Fatalf("err = %v, want %q", err, tt.wantErr)
				}
				return
			}
			if err != nil || got != tt.want {
				t.Fatalf("ParseFormat(%q) = %q, %v; want %q", tt.in, got, err, tt.want)
			}
		})
	}
}

// The lists each command offers are the contract's (CONTRACT.md), in the
// table's order.
func TestFormatsOf_theContractsLists(t *testing.T) {
	tests := map[Document][]Format{
		DocPlan:     {FormatText, FormatJSON, FormatMarkdown, FormatHTML},
		DocSaved:    {FormatText, FormatMarkdown, FormatHTML, FormatCSV},
		DocAudit:    {FormatText, FormatJSON, FormatMarkdown, FormatHTML},
		DocResult:   {FormatText, FormatJSON},
		DocManifest: {FormatJSON, FormatCSV, FormatDeployYAML, FormatDeployDir, FormatTerraform},
	}
	for doc, want := range tests {
		if got := FormatsOf(doc); !slices.Equal(got, want) {
			t.Errorf("FormatsOf(%s) = %v, want %v", doc, got, want)
		}
	}
}

// A format offered for a document this package renders has the renderer:
// the table cannot promise what it cannot draw.
func TestFormats_everyOfferHasItsRenderer(t *testing.T) {
	for _, r := range formats {
		for _, doc := range r.docs {
			missing := (doc == DocPlan && r.plan == nil) || (doc == DocSaved && (r.plan == nil || r.run == nil)) ||
				(doc == DocAudit && r.audit == nil)
			if missing {
				t.Errorf("%s offers %s without its renderer", r.format, doc)
			}
		}
		if len(r.extensions) == 0 && r.format != FormatDeployDir {
			t.Errorf("%s has no extension: --out cannot name it", r.format)
		}
	}
}

func TestFormatOfExtension(t *testing.T) {
	for ext, want := range map[string]Format{".json": FormatJSON, ".MD": FormatMarkdown, ".markdown": FormatMarkdown,
		".htm": FormatHTML, ".txt": FormatText, ".csv": FormatCSV, ".yml": FormatDeployYAML, ".tf": FormatTerraform} {
		if got, ok := FormatOfExtension(ext); !ok || got != want {
			t.Errorf("FormatOfExtension(%q) = %q, %v; want %q", ext, got, ok, want)
		}
	}
	if _, ok := FormatOfExtension(".pdf"); ok {
		t.Error(".pdf names a format")
	}
}

func TestFormatHelp(t *testing.T) {
	tests := map[Document]string{
		DocPlan:     "text, json (for scripts), markdown or html (one self-contained page)",
		DocResult:   "text or json (for scripts)",
		DocManifest: "json (for scripts), csv (one row per connection), deploy-cli-yaml, deploy-cli-dir (--out names the directory) or terraform",
	}
	for doc, want := range tests {
		if got := FormatHelp(doc); got != want {
			t.Errorf("FormatHelp(%s) = %q, want %q", doc, got, want)
		}
	}
	if got := Extensions(FormatsOf(DocPlan)); got != ".txt, .json, .md, .html" {
		t.Errorf("Extensions(plan) = %q", got)
	}
}

// Adding a format is one row and its renderer: validation, the extension
// --out names, the help and the rendering all follow from the row.
func TestFormats_aNewFormatIsOneRow(t *testing.T) {
	saved := formats
	t.Cleanup(func() { formats = saved })
	formats = append(slices.Clone(formats), formatRow{format: "yaml", extensions: []string{".yamlplan"}, docs: []Document{DocPlan},
		plan: func(w io.Writer, p *plan.Plan, _ Style) error {
			_, err := io.WriteString(w, "origin: "+string(p.Origin)+"\n")
			return err
		}})

	if f, err := ParseFormat("YAML", DocPlan); err != nil || f != "yaml" {
		t.Fatalf("ParseFormat = %q, %v", f, err)
	}
	if f, _ := FormatOfExtension(".yamlplan"); f != "yaml" {
		t.Errorf(".yamlplan names %q, not the new format", f)
	}
	if got := FormatHelp(DocPlan); got != "text, json (for scripts), markdown, html (one self-contained page) or yaml" {
		t.Errorf("help = %q", got)
	}
	var b bytes.Buffer
	if err := RenderPlan(&b, &plan.Plan{Origin: plan.OriginManifest}, "yaml", Style{}); err != nil || b.String() != "origin: manifest\n" {
		t.Errorf("RenderPlan = %q, %v", b.String(), err)
	}
}
