package report

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/gocarina/gocsv"
	"github.com/scim-migrate/scim-migrate/internal/plan"
	"github.com/scim-migrate/scim-migrate/internal/runlog"
	"github.com/scim-migrate/scim-migrate/internal/scim"
)

// csvRow is one connection in the CSV form. The field order is the column
// order, a public contract: spreadsheets and scripts address columns by
// position as often as by name, so new columns only ever go at the end.
type csvRow struct {
	ConnectionName string `csv:"connection_name"`
	ConnectionID   string `csv:"connection_id"`
	Strategy       string `csv:"strategy"`
	Action         string `csv:"action"`
	// Status, Attempts and DurationMS are empty for a plan, which has not run.
	Status     string `csv:"status"`
	Attempts   string `csv:"attempts"`
	DurationMS string `csv:"duration_ms"`
	Error      string `csv:"error"`
	// Before and After are compact JSON: null, or the configuration object.
	Before string `csv:"before"`
	After  string `csv:"after"`
}

// RenderPlanCSV writes one CSV row per connection of the plan, in the plan's
// order, with the columns of csvRow.
func RenderPlanCSV(w io.Writer, p *plan.Plan) error {
	if p == nil {
		return errors.New("render plan as csv: no plan")
	}
	return writeCSV(w, planEntries(p))
}

// RenderRunCSV writes one CSV row per connection of the run, sorted by name
// as in the other audit renderings.
func RenderRunCSV(w io.Writer, run *runlog.Run) error {
	if run == nil {
		return errors.New("render run as csv: no run")
	}
	return writeCSV(w, runEntries(run))
}

// writeCSV marshals the rows through gocsv into a buffer first, so that a
// failure writes nothing.
func writeCSV(w io.Writer, entries []entry) error {
	rows := make([]csvRow, len(entries))
	for i, e := range entries {
		row, err := csvRowOf(e)
		if err != nil {
			return fmt.Errorf("render csv: connection %s: %w", e.ID, err)
		}
		rows[i] = row
	}
	var buf bytes.Buffer
	if err := gocsv.Marshal(rows, &buf); err != nil {
		return fmt.Errorf("render csv: %w", err)
	}
	if _, err := w.Write(buf.Bytes()); err != nil {
		return fmt.Errorf("render csv: %w", err)
	}
	return nil
}

func csvRowOf(e entry) (csvRow, error) {
	before, err := compactJSON(e.Before)
	if err != nil {
		return csvRow{}, err
	}
	after, err := compactJSON(e.After)
	if err != nil {
		return csvRow{}, err
	}
	row := csvRow{
		ConnectionName: csvText(e.Name), ConnectionID: e.ID, Strategy: csvText(e.Strategy),
		Action: e.Action, Status: e.Status, Error: csvText(e.Error),
		Before: before, After: after,
	}
	if e.Ran {
		row.Attempts, row.DurationMS = strconv.Itoa(e.Attempts), strconv.FormatInt(e.DurationMS, 10)
	}
	return row, nil
}

// compactJSON is a configuration on one line, with <, > and & left as they
// are (encoding/json escapes them by default), since a spreadsheet is not a
// web page and the escapes would only hinder reading.
func compactJSON(c *scim.Config) (string, error) {
	var b strings.Builder
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(c); err != nil {
		return "", err
	}
	return strings.TrimSuffix(b.String(), "\n"), nil
}

// csvText defuses a free-text cell that a spreadsheet would run as a formula
// (OWASP's "CSV injection"): a connection name or an error message starting
// with =, +, -, @, a tab or a carriage return gets a leading apostrophe,
// which spreadsheets show as plain text. The JSON cells start with { or n
// and need no such care.
func csvText(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}
