package report

import (
	"bytes"
	"crypto/sha256"
	"embed"
	"encoding/base64"
	"errors"
	"fmt"
	"html/template"
	"io"

	"github.com/scim-migrate/scim-migrate/internal/plan"
	"github.com/scim-migrate/scim-migrate/internal/runlog"
)

// The audit page is one file an auditor can open anywhere, offline and
// years later: its style and script are inlined from these files, and
// html/template escapes every value from the tenant or the manifest.
//
//go:embed templates/report.html.tmpl templates/report.css templates/report.js
var templateFiles embed.FS

var (
	pageCSS      = mustReadTemplateFile("templates/report.css")
	pageJS       = mustReadTemplateFile("templates/report.js")
	pageTemplate = template.Must(template.ParseFS(templateFiles, "templates/report.html.tmpl"))
	pageCSP      = contentSecurityPolicy(pageCSS, pageJS)
)

func mustReadTemplateFile(name string) string {
	b, err := templateFiles.ReadFile(name)
	if err != nil {
		panic(err)
	}
	return string(b)
}

// contentSecurityPolicy forbids every fetch the page could make (images,
// fonts, frames, connections, form posts, a changed base URL) and allows only
// the page's own inline style and script, by hash. A value that slipped past
// escaping could therefore still neither run a script nor send data anywhere.
func contentSecurityPolicy(css, js string) string {
	return "default-src 'none'; style-src '" + sha256Source(css) + "'; script-src '" + sha256Source(js) +
		"'; base-uri 'none'; form-action 'none'"
}

func sha256Source(s string) string {
	sum := sha256.Sum256([]byte(s))
	return "sha256-" + base64.StdEncoding.EncodeToString(sum[:])
}

// RenderPlanHTML writes the audit page of a plan: the page of a run, with
// each connection's planned action where a run shows its status.
func RenderPlanHTML(w io.Writer, p *plan.Plan) error {
	if p == nil {
		return errors.New("render plan as html: no plan")
	}
	return writePage(w, planPage(p))
}

// RenderRunHTML writes the audit page of a run report. source is the
// report's path, shown in the header (empty: not shown).
func RenderRunHTML(w io.Writer, run *runlog.Run, source string) error {
	if run == nil {
		return errors.New("render run as html: no run")
	}
	return writePage(w, runPage(run, source))
}

// writePage renders the whole page before writing it, so a failure writes
// nothing.
func writePage(w io.Writer, pg *page) error {
	pg.CSP, pg.CSS, pg.JS = pageCSP, template.CSS(pageCSS), template.JS(pageJS)
	var buf bytes.Buffer
	if err := pageTemplate.Execute(&buf, pg); err != nil {
		return fmt.Errorf("render html: %w", err)
	}
	if _, err := w.Write(buf.Bytes()); err != nil {
		return fmt.Errorf("render html: %w", err)
	}
	return nil
}
