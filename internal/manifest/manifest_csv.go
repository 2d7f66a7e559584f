package manifest

import (
	"bytes"
	"encoding/csv"
	"errors"
	"io"
	"slices"
	"strings"

	"github.com/gocarina/gocsv"
	"github.com/scim-migrate/scim-migrate/internal/scim"
	"github.com/scim-migrate/scim-migrate/internal/suggest"
)

// init pins gocsv's process-wide settings. This is the only place in the
// module that sets them: csvRow's tags rely on the tag name and on header
// names reaching gocsv unchanged, and init runs before any goroutine could
// be reading them.
func init() {
	gocsv.TagName = "csv"
	gocsv.TagSeparator = ","
	gocsv.SetHeaderNormalizer(gocsv.DefaultNameNormalizer())
	gocsv.FailIfUnmatchedStructTags = false // optional columns may be absent
	gocsv.FailIfDoubleHeaderNames = false   // checkHeader reports them, with a better message
	gocsv.ShouldAlignDuplicateHeadersWithStructFieldOrder = false
}

// csvRow is one CSV row as gocsv decodes it. Every field is a string so that
// decoding never fails: values are checked afterwards, with the row's line.
type csvRow struct {
	ConnectionID    string `csv:"connection_id"`
	ConnectionName  string `csv:"connection_name"`
	SelectStrategy  string `csv:"select_strategy"`
	SelectPattern   string `csv:"select_name_pattern"`
	Mode            string `csv:"mode"`
	UserIDAttribute string `csv:"user_id_attribute"`
	SCIM            string `csv:"scim"`
	Auth0           string `csv:"auth0"`
	CreateIfMissing string `csv:"create_if_missing"`
}

// csvColumns are the known columns, in the order hints list them.
var csvColumns = []string{
	"connection_id", "connection_name", "select_strategy", "select_name_pattern",
	"mode", "user_id_attribute", "scim", "auth0", "create_if_missing",
}

var csvKeyColumns = []string{"connection_id", "connection_name", "select_strategy", "select_name_pattern"}

// ParseCSVManifest parses and validates a CSV manifest: a header, then one
// row per mapping pair, the rows of one connection grouped wherever they
// stand.
func ParseCSVManifest(name string, data []byte) (*Manifest, error) {
	ps := newProblemList(name)
	text, ok := prepareText(ps, data)
	if !ok {
		return nil, ps.err()
	}
	g, ok := readCSV(ps, text)
	if !ok {
		return nil, ps.err()
	}
	entries, srcs := g.finish()
	validateEntries(ps, csvFieldNames, entries, srcs)
	if !ps.empty() {
		return nil, ps.err()
	}
	return newManifest(name, data, entries), nil
}

// readCSV decodes the rows with gocsv from a strict encoding/csv reader,
// whose FieldPos gives each row's line even after a quoted field spanning
// several lines. It reports false when the header is unusable.
func readCSV(ps *problemList, text []byte) (*csvGrouper, bool) {
	r := csv.NewReader(bytes.NewReader(text))
	r.FieldsPerRecord = 0 // every row must have as many fields as the header
	r.LazyQuotes = false
	r.ReuseRecord = false
	um, err := gocsv.NewUnmarshaller(r, &csvRow{})
	if err != nil {
		csvReadError(ps, err)
		return nil, false
	}
	headerLine, _ := r.FieldPos(0)
	if !checkHeader(ps, headerLine, um.Headers) {
		return nil, false
	}
	g := newCSVGrouper(ps)
	for {
		v, err := um.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			if !csvReadError(ps, err) {
				break
			}
			continue
		}
		line, _ := r.FieldPos(0)
		g.add(v.(*csvRow), line)
	}
	if len(g.groups) == 0 && ps.empty() {
		ps.add(headerLine, "the manifest lists no connections: add one row per mapping pair under the header")
	}
	return g, true
}

// csvReadError reports an error from the CSV reader and whether reading can
// go on. encoding/csv recovers from a malformed row by starting afresh on
// the next line, so every bad row gets its own report.
func csvReadError(ps *problemList, err error) bool {
	var pe *csv.ParseError
	switch {
	case !errors.As(err, &pe):
		ps.add(1, "reading CSV: %v", err)
		return false
	case errors.Is(pe.Err, csv.ErrFieldCount):
		ps.add(pe.StartLine, "wrong number of fields: every row must have as many as the header")
	case errors.Is(pe.Err, csv.ErrBareQuote):
		ps.add(pe.Line, `bare " in an unquoted field: quote the whole field and double each " inside it`)
	case errors.Is(pe.Err, csv.ErrQuote) && pe.Line != pe.StartLine:
		ps.add(pe.StartLine, `extraneous or missing " in a quoted field that starts on this row and runs to line %d`, pe.Line)
	case errors.Is(pe.Err, csv.ErrQuote):
		ps.add(pe.Line, `extraneous or missing " in a quoted field`)
	default:
		ps.add(pe.StartLine, "invalid CSV: %v", pe.Err)
	}
	return true
}

// checkHeader reports unknown, unnamed, repeated and missing columns.
func checkHeader(ps *problemList, line int, header []string) bool {
	before := len(ps.list)
	if !slices.ContainsFunc(header, looksLikeColumn) {
		ps.add(line, "the first row is not a header: it must name the columns, e.g. connection_id,user_id_attribute,scim,auth0")
		return false
	}
	// seen maps each column to its index. covered adds the columns that
	// misspelt ones were reported as likely typos of: those are not also
	// reported missing.
	seen, covered := map[string]int{}, map[string]bool{}
	for i, col := range header {
		if near := checkColumn(ps, line, i, col, seen); near != "" {
			covered[near] = true
		}
	}
	for col := range seen {
		covered[col] = true
	}
	for _, col := range []string{"scim", "auth0"} {
		if !covered[col] {
			ps.add(line, "missing column %q", col)
		}
	}
	if !slices.ContainsFunc(csvKeyColumns, func(c string) bool { return covered[c] }) {
		ps.add(line, "no connection key column: add connection_id, connection_name or select_strategy/select_name_pattern")
	}
	return len(ps.list) == before
}

// looksLikeColumn reports whether a header cell is, or nearly is, a column
// name: a first row with none is data, not a header.
func looksLikeColumn(cell string) bool {
	return slices.Contains(csvColumns, cell) || suggest.Closest(cell, csvColumns) != ""
}

// checkColumn checks the header cell of column i. For an unknown column it
// returns the known one it likely misspells, if any.
func checkColumn(ps *problemList, line, i int, col string, seen map[string]int) (near string) {
	switch first, dup := seen[col]; {
	case col == "":
		ps.add(line, "column %d has no name", i+1)
	case !slices.Contains(csvColumns, col):
		if near = suggest.Closest(col, csvColumns); near == "" {
			ps.add(line, "unknown column %q; known columns: %s", col, strings.Join(csvColumns, ", "))
		} else {
			ps.add(line, "unknown column %q; did you mean %q?", col, near)
		}
	case dup:
		ps.add(line, "column %q appears twice (columns %d and %d)", col, first+1, i+1)
	default:
		seen[col] = i
	}
	return near
}

// csvGroupKey identifies the connection a row belongs to: all its key
// cells, with a select's strategies sorted so their order does not matter.
type csvGroupKey struct{ id, name, strategies, pattern string }

// csvGrouper folds rows into entries, one per connection, in the order each
// connection first appears. Pairs are gathered first and laid out once at
// the end, because growing each entry's mapping row by row costs more than
// everything else in reading a large manifest.
type csvGrouper struct {
	ps     *problemList
	index  map[csvGroupKey]int
	groups []*csvGroup
	rows   csvPairRows
	pairs  int
}

// csvGroup is one connection's entry while its rows are read.
type csvGroup struct {
	entry Entry
	src   entrySource
	// create is create_if_missing as first given, lowercased, on createLine:
	// it must agree across rows like the cells Entry keeps as given.
	create     string
	createLine int
	pairs      int
}

// csvPairRow is a row that contributes a mapping pair to group. The
// narrow ints keep the list of a large manifest's rows small; a file within
// MaxManifestBytes has fewer lines and connections than they can count.
type csvPairRow struct {
	row   *csvRow
	line  int32
	group int32
}

// csvPairRows is a list of rows kept in chunks that are never copied: a
// single slice would be copied again and again as it grows, allocating
// several times its final size on a large manifest. Chunks start small for
// small manifests and double up to a ceiling.
type csvPairRows [][]csvPairRow

const csvPairRowsMaxChunk = 4096

func (rs *csvPairRows) add(r csvPairRow) {
	if n := len(*rs); n == 0 || len((*rs)[n-1]) == cap((*rs)[n-1]) {
		size := min(csvPairRowsMaxChunk, 64<<min(n, 6))
		*rs = append(*rs, make([]csvPairRow, 0, size))
	}
	last := &(*rs)[len(*rs)-1]
	*last = append(*last, r)
}

func newCSVGrouper(ps *problemList) *csvGrouper {
	return &csvGrouper{ps: ps, index: map[csvGroupKey]int{}}
}

// add folds one row, on line, into its connection's entry.
func (g *csvGrouper) add(row *csvRow, line int) {
	key := csvGroupKey{row.ConnectionID, row.ConnectionName, sortedStrategies(row.SelectStrategy), row.SelectPattern}
	if key == (csvGroupKey{}) {
		if *row != (csvRow{}) { // a row of empty cells says nothing
			g.ps.add(line, "row names no connection: fill connection_id, connection_name or select_strategy/select_name_pattern")
		}
		return
	}
	i, ok := g.index[key]
	if !ok {
		i = len(g.groups)
		g.groups = append(g.groups, g.newGroup(row, line))
		g.index[key] = i
	}
	grp := g.groups[i]
	g.settings(grp, row, line)
	if row.SCIM != "" || row.Auth0 != "" {
		grp.pairs++
		g.pairs++
		g.rows.add(csvPairRow{row: row, line: int32(line), group: int32(i)})
	}
}

// finish returns the entries. Their mappings share two arrays sized once,
// each capped at its own end so an append never reaches the next entry's.
func (g *csvGrouper) finish() ([]Entry, []entrySource) {
	pairs := make([]scim.Pair, g.pairs)
	pos := make([]Pos, g.pairs)
	next := make([]int, len(g.groups))
	for i, off := 1, 0; i < len(g.groups); i++ {
		off += g.groups[i-1].pairs
		next[i] = off
	}
	for _, chunk := range g.rows {
		for _, r := range chunk {
			k := next[r.group]
			pairs[k] = scim.Pair{SCIM: r.row.SCIM, Auth0: r.row.Auth0}
			pos[k] = Pos{File: g.ps.file, Line: int(r.line)}
			next[r.group]++
		}
	}
	entries := make([]Entry, len(g.groups))
	srcs := make([]entrySource, len(g.groups))
	for i, grp := range g.groups {
		entries[i], srcs[i] = grp.entry, grp.src
		if end := next[i]; grp.pairs > 0 {
			entries[i].Mapping = pairs[end-grp.pairs : end : end]
			entries[i].MappingPos = pos[end-grp.pairs : end : end]
		}
	}
	return entries, srcs
}

func sortedStrategies(cell string) string {
	if !strings.Contains(cell, "|") {
		return cell
	}
	list := strings.Split(cell, "|")
	slices.Sort(list)
	return strings.Join(list, "|")
}

// newGroup starts the entry of a connection first seen on line.
func (g *csvGrouper) newGroup(row *csvRow, line int) *csvGroup {
	grp := &csvGroup{entry: Entry{
		Pos:  Pos{File: g.ps.file, Line: line},
		Mode: ModeReplace, ConnectionID: row.ConnectionID, ConnectionName: row.ConnectionName,
	}}
	e, src := &grp.entry, &grp.src
	src.id = lineIf(row.ConnectionID != "", line)
	src.name = lineIf(row.ConnectionName != "", line)
	src.strategy = lineIf(row.SelectStrategy != "", line)
	src.pattern = lineIf(row.SelectPattern != "", line)
	if src.strategy != 0 || src.pattern != 0 {
		src.sel = line
		e.Select = &Selector{NamePattern: row.SelectPattern}
		if row.SelectStrategy != "" {
			e.Select.Strategies = strings.Split(row.SelectStrategy, "|")
		}
	}
	// A CSV mapping is always given, maybe empty: rows only add pairs.
	src.mapping = line
	return grp
}

func lineIf(given bool, line int) int {
	if given {
		return line
	}
	return 0
}

// settings applies a row's per-connection cells to its entry. An empty cell
// leaves the value as other rows set it; two different values conflict.
func (g *csvGrouper) settings(grp *csvGroup, row *csvRow, line int) {
	e, src := &grp.entry, &grp.src
	if g.agree("user_id_attribute", e.UserIDAttribute, src.userID, row.UserIDAttribute, line) {
		e.UserIDAttribute, src.userID = row.UserIDAttribute, line
	}
	if g.agree("mode", string(e.Mode), src.mode, row.Mode, line) {
		e.Mode, src.mode = Mode(row.Mode), line
	}
	if row.CreateIfMissing == "" {
		return
	}
	create, ok := parseCSVBool(row.CreateIfMissing)
	if !ok {
		g.ps.add(line, "create_if_missing must be true or false, not %q", row.CreateIfMissing)
		src.broken |= fieldCreate
		return
	}
	if cell := strings.ToLower(row.CreateIfMissing); g.agree("create_if_missing", grp.create, grp.createLine, cell, line) {
		grp.create, grp.createLine = cell, line
		e.CreateIfMissing, src.create = create, line
	}
}

// agree reports whether cell, on line, should set a value so far set to
// have on haveLine (0: not yet set). It reports the conflict when both are
// set and differ.
func (g *csvGrouper) agree(column, have string, haveLine int, cell string, line int) bool {
	switch {
	case cell == "":
		return false
	case haveLine == 0:
		return true
	case cell != have:
		g.ps.add(line, "%s %q conflicts with %q at line %d for the same connection", column, cell, have, haveLine)
	}
	return false
}

func parseCSVBool(cell string) (value, ok bool) {
	switch {
	case strings.EqualFold(cell, "true"):
		return true, true
	case strings.EqualFold(cell, "false"):
		return false, true
	}
	return false, false
}
