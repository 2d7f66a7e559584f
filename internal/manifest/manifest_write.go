package manifest

import (
	"bytes"
	"cmp"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/gocarina/gocsv"
	"github.com/scim-migrate/scim-migrate/internal/scim"
)

// Key says how an exported manifest names each connection.
type Key string

const (
	// KeyByID names connections by id: exact, but only for the tenant read.
	KeyByID Key = "id"
	// KeyByName names connections by name, which another tenant can resolve.
	KeyByName Key = "name"
)

// Omitted is a connection an export leaves out, and why.
type Omitted struct {
	Connection scim.Connection
	Reason     string
}

// ExportEntries turns live configurations into replace-mode entries (the
// whole mapping, in its live order, with its user_id_attribute), keyed as
// asked and sorted by that key, then by id, so that two exports of the same
// tenant are identical. A connection without a configuration is skipped. A
// configuration a valid manifest cannot state (an empty mapping, a SCIM
// attribute mapped twice, a name with leading white space...) is left out
// and returned with the reason: an export that a later plan refuses as a
// whole would be worse than one that says which connection it lacks.
func ExportEntries(conns []*scim.LiveConnection, key Key) ([]Entry, []Omitted) {
	names := map[string]int{}
	for _, lc := range conns {
		if lc.Config != nil {
			names[lc.Name]++
		}
	}
	var (
		entries []Entry
		omitted []Omitted
	)
	for _, lc := range conns {
		if lc.Config == nil {
			continue
		}
		reason := unexportable(lc, key)
		if reason == "" && key == KeyByName && names[lc.Name] > 1 {
			reason = fmt.Sprintf("its name %q is shared by %d connections, so it names none of them", lc.Name, names[lc.Name])
		}
		if reason != "" {
			omitted = append(omitted, Omitted{Connection: lc.Connection, Reason: reason})
			continue
		}
		entries = append(entries, exportEntry(lc, key))
	}
	slices.SortFunc(entries, func(a, b Entry) int {
		return cmp.Or(strings.Compare(a.ConnectionName, b.ConnectionName), strings.Compare(a.ConnectionID, b.ConnectionID))
	})
	return entries, omitted
}

// exportEntry is the replace-mode entry that gives a connection exactly its
// live configuration.
func exportEntry(lc *scim.LiveConnection, key Key) Entry {
	e := Entry{Mode: ModeReplace, UserIDAttribute: lc.Config.UserIDAttribute, Mapping: slices.Clone(lc.Config.Mapping)}
	if key == KeyByName {
		e.ConnectionName = lc.Name
	} else {
		e.ConnectionID = lc.ID
	}
	return e
}

// unexportable says why a connection's configuration cannot be written as a
// valid manifest entry keyed by key, or "" when it can. The rules are the
// manifest's own (see validate.go), so the export reads back.
func unexportable(lc *scim.LiveConnection, key Key) string {
	switch {
	case key == KeyByName && lc.Name == "":
		return "the tenant gave no name for it"
	case key == KeyByName && badText(lc.Name) != "":
		return fmt.Sprintf("its name %q %s", lc.Name, badText(lc.Name))
	case key != KeyByName && !scim.ValidConnectionID(lc.ID):
		return fmt.Sprintf("its id %q is not of the form con_ followed by letters and digits", lc.ID)
	case lc.Config.UserIDAttribute == "":
		return "its user_id_attribute is empty"
	case badText(lc.Config.UserIDAttribute) != "":
		return fmt.Sprintf("its user_id_attribute %q %s", lc.Config.UserIDAttribute, badText(lc.Config.UserIDAttribute))
	case len(lc.Config.Mapping) == 0:
		return "its mapping is empty, which a replace manifest refuses"
	}
	return unexportableMapping(lc.Config.Mapping)
}

// unexportableMapping says why a mapping cannot be stated in a manifest.
func unexportableMapping(mapping []scim.Pair) string {
	seen := make(map[string]bool, len(mapping))
	for i, p := range mapping {
		for _, v := range []struct{ key, value string }{{"scim", p.SCIM}, {"auth0", p.Auth0}} {
			switch {
			case v.value == "":
				return fmt.Sprintf("mapping[%d].%s is empty", i, v.key)
			case badText(v.value) != "":
				return fmt.Sprintf("mapping[%d].%s %q %s", i, v.key, v.value, badText(v.value))
			}
		}
		if seen[p.SCIM] {
			return fmt.Sprintf("its mapping maps the SCIM attribute %q twice", p.SCIM)
		}
		seen[p.SCIM] = true
	}
	return ""
}

// WriteJSONManifest writes entries as a JSON manifest that ParseJSONManifest
// reads back to the same entries. Each mapping pair stands on a line of its
// own, so a change to one pair is a one-line diff; defaults (replace mode,
// create_if_missing false) are left out, as people write them.
func WriteJSONManifest(w io.Writer, entries []Entry) error {
	var b bytes.Buffer
	b.WriteString("{\n  \"connections\": [")
	for i := range entries {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString("\n    {\n")
		writeJSONEntry(&b, &entries[i])
		b.WriteString("\n    }")
	}
	b.WriteString("\n  ]\n}\n")
	if _, err := w.Write(b.Bytes()); err != nil {
		return fmt.Errorf("write JSON manifest: %w", err)
	}
	return nil
}

// writeJSONEntry writes the members of one connection object.
func writeJSONEntry(b *bytes.Buffer, e *Entry) {
	const indent = "      "
	var members []string
	member := func(key, value string) { members = append(members, indent+jsonString(key)+": "+value) }
	switch {
	case e.ConnectionID != "":
		member("connection_id", jsonString(e.ConnectionID))
	case e.ConnectionName != "":
		member("connection_name", jsonString(e.ConnectionName))
	case e.Select != nil:
		member("select", jsonSelector(e.Select))
	}
	if e.Mode != "" && e.Mode != ModeReplace {
		member("mode", jsonString(string(e.Mode)))
	}
	if e.UserIDAttribute != "" {
		member("user_id_attribute", jsonString(e.UserIDAttribute))
	}
	if e.CreateIfMissing {
		member("create_if_missing", "true")
	}
	if len(e.Mapping) > 0 || e.Mode != ModeMerge {
		member("mapping", jsonMapping(e.Mapping, indent))
	}
	b.WriteString(strings.Join(members, ",\n"))
}

func jsonSelector(s *Selector) string {
	var parts []string
	if len(s.Strategies) > 0 {
		quoted := make([]string, len(s.Strategies))
		for i, st := range s.Strategies {
			quoted[i] = jsonString(st)
		}
		parts = append(parts, `"strategy": [`+strings.Join(quoted, ", ")+"]")
	}
	if s.NamePattern != "" {
		parts = append(parts, `"name_pattern": `+jsonString(s.NamePattern))
	}
	return "{" + strings.Join(parts, ", ") + "}"
}

// jsonMapping writes a mapping one pair a line, closing at indent.
func jsonMapping(mapping []scim.Pair, indent string) string {
	if len(mapping) == 0 {
		return "[]"
	}
	lines := make([]string, len(mapping))
	for i, p := range mapping {
		lines[i] = indent + `  {"scim": ` + jsonString(p.SCIM) + `, "auth0": ` + jsonString(p.Auth0) + "}"
	}
	return "[\n" + strings.Join(lines, ",\n") + "\n" + indent + "]"
}

// jsonString quotes s as JSON, leaving <, > and & as they are: a manifest is
// never embedded in HTML, and mapping values read better unescaped.
func jsonString(s string) string {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(s) // encoding a string cannot fail
	return strings.TrimSuffix(b.String(), "\n")
}

// WriteCSVManifest writes entries as a CSV manifest that ParseCSVManifest
// reads back to the same entries: one row per mapping pair (one row with
// empty scim and auth0 for an entry without pairs), every row carrying its
// connection's settings. The rows are encoded by gocsv from csvRow, the
// struct the parser decodes, so the two cannot disagree on a column's name;
// columns left empty on every row are then dropped, except the required
// scim and auth0, so an export by id has no empty name or select columns.
func WriteCSVManifest(w io.Writer, entries []Entry) error {
	var table csvTable
	if err := gocsv.MarshalCSV(csvRowsOf(entries), &table); err != nil {
		return fmt.Errorf("write CSV manifest: %w", err)
	}
	out := csv.NewWriter(w)
	keep := table.usedColumns("scim", "auth0")
	for _, rec := range table.records {
		if err := out.Write(pick(rec, keep)); err != nil {
			return fmt.Errorf("write CSV manifest: %w", err)
		}
	}
	out.Flush()
	if err := out.Error(); err != nil {
		return fmt.Errorf("write CSV manifest: %w", err)
	}
	return nil
}

// csvRowsOf lays entries out as CSV rows.
func csvRowsOf(entries []Entry) []*csvRow {
	var rows []*csvRow
	for i := range entries {
		e := &entries[i]
		base := csvRow{ConnectionID: e.ConnectionID, ConnectionName: e.ConnectionName, UserIDAttribute: e.UserIDAttribute}
		if e.Mode != ModeReplace {
			base.Mode = string(e.Mode)
		}
		if e.CreateIfMissing {
			base.CreateIfMissing = "true"
		}
		if e.Select != nil {
			base.SelectStrategy = strings.Join(e.Select.Strategies, "|")
			base.SelectPattern = e.Select.NamePattern
		}
		if len(e.Mapping) == 0 {
			rows = append(rows, &base)
		}
		for _, p := range e.Mapping {
			row := base
			row.SCIM, row.Auth0 = p.SCIM, p.Auth0
			rows = append(rows, &row)
		}
	}
	return rows
}

// csvTable is a gocsv.CSVWriter that keeps the records, header first, so
// that the columns to write can be chosen once every row is known.
type csvTable struct{ records [][]string }

// Write keeps a copy: gocsv reuses one slice for every row.
func (t *csvTable) Write(row []string) error {
	t.records = append(t.records, slices.Clone(row))
	return nil
}

func (t *csvTable) Flush()       {}
func (t *csvTable) Error() error { return nil }

// usedColumns returns the indexes of the columns that have a value in some
// row, or whose header is one of required.
func (t *csvTable) usedColumns(required ...string) []int {
	if len(t.records) == 0 {
		return nil
	}
	var keep []int
	for col, name := range t.records[0] {
		used := slices.Contains(required, name)
		for _, rec := range t.records[1:] {
			used = used || rec[col] != ""
		}
		if used {
			keep = append(keep, col)
		}
	}
	return keep
}

func pick(rec []string, cols []int) []string {
	out := make([]string, len(cols))
	for i, c := range cols {
		out[i] = rec[c]
	}
	return out
}
