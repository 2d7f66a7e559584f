package report

import (
	"fmt"
	"html/template"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/scim-migrate/scim-migrate/internal/plan"
	"github.com/scim-migrate/scim-migrate/internal/runlog"
	"github.com/scim-migrate/scim-migrate/internal/scimtoken"
)

// page is everything the HTML template shows, computed in Go so that the
// template holds no logic. Text fields are shown through sanitize and then
// escaped by html/template: markup cannot get in, and invisible characters
// (such as a bidi override that would make one name look like another) are
// shown as escapes.
type page struct {
	Title   string
	CSP     string
	CSS     template.CSS
	JS      template.JS
	Kind    Kind
	KeyName string // what rows are counted and filtered by: "status", "action" or "flag"
	// RowNoun is what the counts count ("connections", or "rows" in an
	// audit, where a connection has a row per token); RowsTitle heads the
	// table, and SearchHint says what the search looks in.
	RowNoun, RowsTitle, SearchHint string
	// SearchColumns, when set, are the indexes of the columns the search
	// looks in, space-separated; the script's default is the first two
	// (name and connection id).
	SearchColumns string
	// Mappings shows the section of mapping diffs (plans and runs; an audit
	// has none).
	Mappings bool
	Fields   []field
	Notes    []string
	Counts   []tally
	Total    int
	Chart    chart
	Columns  []string
	Rows     []pageRow
	Cards    []card
	// Diffs holds one mapping diff per card, as JSON the page's script turns
	// into a side-by-side table when the card is opened: 5,000 connections
	// then cost 5,000 closed <details> instead of a hundred thousand cells.
	Diffs []cardDiff
}

// pageRow is one connection in the table; Cells are the columns after the
// name.
type pageRow struct {
	Key   string
	Name  string
	Card  string // id of the connection's diff card, empty when it has none
	Cells []string
}

// card is the closed <details> of one connection that has a mapping diff.
type card struct {
	ID      string
	Row     int // index of the connection's table row, for the filter
	Key     string
	Name    string
	ConnID  string
	Summary string
}

// cardDiff is one connection's diff in the page's JSON; short names keep a
// page of thousands of diffs small.
type cardDiff struct {
	HasBefore bool        `json:"b"`
	HasAfter  bool        `json:"a"`
	UserID    [2]string   `json:"u"`
	Entries   [][4]string `json:"e"` // marker (+ - ~), scim attribute, before, after
	Unchanged int         `json:"n"`
}

func runPage(run *runlog.Run, source string) *page {
	entries := runEntries(run)
	counts := countEntries(entries, runKeys)
	pg := &page{
		Title:   "scim-migrate " + sanitize(run.Header.Command) + " run, " + sanitize(run.Header.Tenant),
		Kind:    KindRun,
		KeyName: "status",
		Fields:  sanitizeFields(runFields(run, source)),
		Notes:   runNotes(run, counts),
		Columns: []string{"name", "connection", "strategy", "action", "status", "attempts", "duration", "error"},
	}
	pg.ofConnections()
	pg.fill(entries, counts, func(e entry) []string {
		return []string{e.ID, sanitize(e.Strategy), e.Action, e.Status, strconv.Itoa(e.Attempts), durationText(e.DurationMS), sanitize(e.Error)}
	})
	return pg
}

func planPage(p *plan.Plan) *page {
	entries := planEntries(p)
	pg := &page{
		Title:   "scim-migrate plan, " + sanitize(p.Tenant),
		Kind:    KindPlan,
		KeyName: "action",
		Fields:  sanitizeFields(planFields(p)),
		Columns: []string{"name", "connection", "strategy", "action", "mode", "manifest entry"},
	}
	pg.ofConnections()
	for _, w := range notices(p) {
		pg.Notes = append(pg.Notes, "Warning: "+w)
	}
	pg.fill(entries, countEntries(entries, planKeys), func(e entry) []string {
		return []string{e.ID, sanitize(e.Strategy), e.Action, sanitize(e.Mode), sanitize(e.From)}
	})
	return pg
}

// ofConnections sets what a page of one row per connection (a plan or a
// run) says about its rows, and shows its mapping diffs.
func (pg *page) ofConnections() {
	pg.RowNoun, pg.RowsTitle, pg.SearchHint, pg.Mappings = "connections", "Connections", "connection name or id", true
}

// auditPage is the page of a token audit: a row per token, and one per
// connection without any token or that could not be read, counted and
// filtered by the row's most severe flag. It has no mapping diffs.
func auditPage(a *scimtoken.Audit) *page {
	pg := &page{
		Title:         "scim-migrate SCIM token audit, " + sanitize(a.Tenant),
		Kind:          KindAudit,
		KeyName:       "flag",
		RowNoun:       "rows",
		RowsTitle:     "Tokens",
		SearchHint:    "connection name or id, token id",
		SearchColumns: "0 1 3",
		Fields:        sanitizeFields(auditFields(a)),
		Notes:         auditNotes(a),
		Columns:       []string{"name", "connection", "strategy", "token", "scopes", "created", "valid until", "last used", "flags"},
	}
	for i, n := range pg.Notes {
		pg.Notes[i] = sanitize(n)
	}
	rows := auditRows(a)
	keys := make([]string, len(rows))
	pg.Rows = make([]pageRow, len(rows))
	for i, r := range rows {
		keys[i] = r.key()
		pg.Rows[i] = pageRow{Key: sanitize(keys[i]), Name: displayName(r.Name), Cells: auditCells(r, htmlClock(a.AuditedAt))}
	}
	counts := countKeys(keys, auditKeys)
	pg.Counts, pg.Total, pg.Chart = counts, len(rows), barChart(counts)
	return pg
}

// auditCells are an audit row's columns after the name.
func auditCells(r auditRow, clk clock) []string {
	cells := []string{sanitize(r.ID), sanitize(r.Strategy), "(none)", "", "", "", "", sanitize(flagNames(r.Flags))}
	switch {
	case r.Error != "":
		cells[2], cells[7] = "(not read)", "could not be read: "+sanitize(r.Error)
	case r.Token != nil:
		t := *r.Token
		scopes := make([]string, len(t.Scopes))
		for i, s := range t.Scopes {
			scopes[i] = sanitize(s)
		}
		cells[2], cells[3] = sanitize(t.ID), strings.Join(scopes, " ")
		cells[4], cells[5], cells[6] = clk.created(t), clk.validUntil(t), clk.lastUsed(t)
	}
	return cells
}

// fill adds the counts, the chart, the rows and the diff cards.
func (pg *page) fill(entries []entry, counts []tally, cells func(entry) []string) {
	for i, n := range pg.Notes {
		pg.Notes[i] = sanitize(n)
	}
	pg.Counts, pg.Total, pg.Chart = counts, len(entries), barChart(counts)
	pg.Rows = make([]pageRow, len(entries))
	for i, e := range entries {
		pg.Rows[i] = pageRow{Key: e.key(), Name: displayName(e.Name), Cells: cells(e)}
		if e.changed() {
			pg.Rows[i].Card = "c" + strconv.Itoa(len(pg.Cards))
			pg.Cards = append(pg.Cards, cardOf(pg.Rows[i].Card, i, e))
			pg.Diffs = append(pg.Diffs, cardDiffOf(e))
		}
	}
}

// displayName shows a name safely, and says so when there is none rather
// than leaving an empty cell to click.
func displayName(name string) string {
	if name == "" {
		return "(no name)"
	}
	return sanitize(name)
}

func sanitizeFields(fields []field) []field {
	for i := range fields {
		fields[i].Value = sanitize(fields[i].Value)
	}
	return fields
}

func cardOf(id string, row int, e entry) card {
	return card{ID: id, Row: row, Key: e.key(), Name: displayName(e.Name), ConnID: e.ID, Summary: diffSummary(e)}
}

// diffSummary says in a few words what the diff holds, so a reviewer can
// decide which cards to open.
func diffSummary(e entry) string {
	before, after := configOf(e.Before), configOf(e.After)
	var parts []string
	switch {
	case e.Before == nil:
		parts = append(parts, "new configuration")
	case e.After == nil:
		parts = append(parts, "configuration removed")
	case before.UserIDAttribute != after.UserIDAttribute:
		parts = append(parts, "user_id_attribute "+sanitize(before.UserIDAttribute)+" → "+sanitize(after.UserIDAttribute))
	}
	changed, unchanged := diffRows(e)
	n := map[plan.PairChangeKind]int{}
	for _, pc := range changed {
		n[pc.Kind]++
	}
	for _, k := range []plan.PairChangeKind{plan.PairAdded, plan.PairRemoved, plan.PairChanged} {
		if n[k] > 0 {
			parts = append(parts, fmt.Sprintf("%d %s", n[k], k))
		}
	}
	if unchanged > 0 {
		parts = append(parts, fmt.Sprintf("%d unchanged", unchanged))
	}
	return strings.Join(parts, " · ")
}

func cardDiffOf(e entry) cardDiff {
	before, after := configOf(e.Before), configOf(e.After)
	d := cardDiff{
		HasBefore: e.Before != nil, HasAfter: e.After != nil,
		UserID: [2]string{sanitize(before.UserIDAttribute), sanitize(after.UserIDAttribute)},
	}
	changed, unchanged := diffRows(e)
	d.Entries, d.Unchanged = make([][4]string, len(changed)), unchanged
	for i, pc := range changed {
		d.Entries[i] = [4]string{pairMarker(pc.Kind), sanitize(pc.SCIM), sanitize(pc.Old), sanitize(pc.New)}
	}
	return d
}

// chart is the summary's horizontal bar chart, laid out here so the SVG
// needs neither script nor style attributes (which the page's
// Content-Security-Policy forbids).
type chart struct {
	Width, Height int
	Bars          []bar
}

type bar struct {
	Key            string
	N              int
	Y, W, TextY    int
	LabelX, CountX int
	BarX, BarH     int
}

// Chart geometry, in SVG user units.
const (
	chartLabelW = 96
	chartBarMax = 320
	chartRowH   = 26
	chartBarH   = 18
	chartCharW  = 8 // a generous width of one character of a label
)

func barChart(counts []tally) chart {
	top, labelW := 0, chartLabelW
	for _, c := range counts {
		top = max(top, c.N)
		// A long key (no_valid_token) widens the labels' column rather
		// than run off the chart's left edge.
		labelW = max(labelW, chartCharW*utf8.RuneCountInString(c.Key)+16)
	}
	ch := chart{Width: labelW + chartBarMax + 72, Height: len(counts)*chartRowH + 4}
	for i, c := range counts {
		w := 0
		if top > 0 {
			w = (c.N*chartBarMax + top/2) / top
		}
		if c.N > 0 {
			w = max(w, 2) // a small count must stay visible next to a large one
		}
		y := 2 + i*chartRowH
		ch.Bars = append(ch.Bars, bar{
			Key: c.Key, N: c.N, Y: y + (chartRowH-chartBarH)/2, W: w, TextY: y + chartRowH/2 + 5,
			LabelX: labelW - 8, BarX: labelW, BarH: chartBarH, CountX: labelW + w + 6,
		})
	}
	return ch
}
