package manifest

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/scim-migrate/scim-migrate/internal/scim"
	"github.com/scim-migrate/scim-migrate/internal/suggest"
)

// field names one settable part of an entry, for entrySource.
type field uint16

const (
	fieldID field = 1 << iota
	fieldName
	fieldSelect
	fieldStrategy
	fieldPattern
	fieldMode
	fieldUserID
	fieldMapping
	fieldCreate
)

// entrySource records where each part of an entry was written, so that a
// problem is reported at the offending key or value rather than at the
// entry. A line of 0 means the part was not given at all, which differs
// from given-but-empty ("user_id_attribute": "") in what the user meant.
type entrySource struct {
	id, name, sel, strategy, pattern, mode, userID, mapping, create int
	// strategies holds the line of each select strategy (JSON elements may
	// stand on lines of their own); nil means all are on the strategy line.
	strategies []int
	// pairs holds the lines of each mapping pair's scim and auth0 values.
	pairs []pairSource
	// broken marks parts whose value the parser already reported as
	// malformed (a wrong JSON type, say): validation skips them, so one
	// mistake yields one message.
	broken field
}

// pairSource is where a mapping pair's values were written, and the pair's
// index in the manifest's own list (JSON pairs reported malformed by the
// parser are left out of Mapping, so the two indexes can differ).
type pairSource struct{ scim, auth0, index int }

func (s *entrySource) ok(f field) bool { return s.broken&f == 0 }

// strategyLine is the line of the i-th select strategy.
func (s *entrySource) strategyLine(i int) int {
	if i < len(s.strategies) {
		return s.strategies[i]
	}
	return s.strategy
}

// fieldNames spells the names of nested fields in messages the way the
// user wrote them: select.strategy and mapping[2].scim in JSON, column
// names in CSV.
type fieldNames struct {
	selectKey, strategy, pattern string
	strategyElem                 func(i int) string
	pair                         func(i int, key string) string
}

var jsonFieldNames = fieldNames{
	selectKey:    "select",
	strategy:     "select.strategy",
	pattern:      "select.name_pattern",
	strategyElem: func(i int) string { return fmt.Sprintf("select.strategy[%d]", i) },
	pair:         func(i int, key string) string { return fmt.Sprintf("mapping[%d].%s", i, key) },
}

var csvFieldNames = fieldNames{
	selectKey:    "select_strategy/select_name_pattern",
	strategy:     "select_strategy",
	pattern:      "select_name_pattern",
	strategyElem: func(int) string { return "select_strategy" },
	pair:         func(_ int, key string) string { return key },
}

// validator checks parsed entries against the rules both formats share.
// Its maps live across entries to find a connection listed twice.
type validator struct {
	ps        *problemList
	names     fieldNames
	ids       map[string]int
	connNames map[string]int
	selectors map[string]int
	scims     map[string]int // reused for each entry
}

// validateEntries reports every rule broken by entries; srcs[i] says where
// entries[i] was written.
func validateEntries(ps *problemList, names fieldNames, entries []Entry, srcs []entrySource) {
	v := &validator{
		ps: ps, names: names,
		ids: map[string]int{}, connNames: map[string]int{}, selectors: map[string]int{}, scims: map[string]int{},
	}
	for i := range entries {
		v.entry(&entries[i], &srcs[i])
	}
}

func (v *validator) entry(e *Entry, src *entrySource) {
	v.key(e, src)
	v.mode(e, src)
	if src.userID != 0 && src.ok(fieldUserID) && e.UserIDAttribute != "" {
		v.text(src.userID, "user_id_attribute", e.UserIDAttribute)
	}
	v.mapping(e, src)
}

// key checks that exactly one connection key is given and that it is
// well-formed and not listed before.
func (v *validator) key(e *Entry, src *entrySource) {
	if len(v.givenKeys(src, false)) == 0 {
		v.ps.add(e.Pos.Line, "missing connection key: give one of connection_id, connection_name or %s", v.names.selectKey)
		return
	}
	if given := v.givenKeys(src, true); len(given) > 1 {
		v.ps.add(src.maxKeyLine(), "%s: give exactly one of connection_id, connection_name or %s", bothGiven(given), v.names.selectKey)
	}
	if src.id != 0 && src.ok(fieldID) && v.connectionID(src.id, e.ConnectionID) {
		if first, dup := firstSeen(v.ids, e.ConnectionID, src.id); dup {
			v.ps.add(src.id, "connection_id %q is listed twice; first at line %d", e.ConnectionID, first)
		}
	}
	if src.name != 0 && src.ok(fieldName) && v.connectionName(src.name, e.ConnectionName) {
		if first, dup := firstSeen(v.connNames, e.ConnectionName, src.name); dup {
			v.ps.add(src.name, "connection_name %q is listed twice; first at line %d", e.ConnectionName, first)
		}
	}
	if src.sel != 0 && src.ok(fieldSelect) && e.Select != nil && v.selector(e.Select, src) {
		if first, dup := firstSeen(v.selectors, selectorKey(e.Select), src.sel); dup {
			v.ps.add(src.sel, "the same select is listed twice; first at line %d", first)
		}
	}
}

// givenKeys lists the connection keys given, leaving out those whose value
// the parser reported as malformed when sound is set: "select": null is
// already one problem, and not also a second key.
func (v *validator) givenKeys(src *entrySource, sound bool) []string {
	var given []string
	if src.id != 0 && (!sound || src.ok(fieldID)) {
		given = append(given, "connection_id")
	}
	if src.name != 0 && (!sound || src.ok(fieldName)) {
		given = append(given, "connection_name")
	}
	if src.sel != 0 && (!sound || src.ok(fieldSelect)) {
		given = append(given, v.names.selectKey)
	}
	return given
}

func bothGiven(given []string) string {
	if len(given) == 2 {
		return given[0] + " and " + given[1] + " are both given"
	}
	return strings.Join(given[:len(given)-1], ", ") + " and " + given[len(given)-1] + " are all given"
}

func (s *entrySource) maxKeyLine() int { return max(s.id, s.name, s.sel) }

// firstSeen records that key is used on line, unless an earlier entry
// already used it: then it returns that entry's line and true.
func firstSeen(seen map[string]int, key string, line int) (int, bool) {
	if first, dup := seen[key]; dup {
		return first, true
	}
	seen[key] = line
	return 0, false
}

// connectionID reports whether id has Auth0's form con_ + letters and digits.
func (v *validator) connectionID(line int, id string) bool {
	if !v.text(line, "connection_id", id) {
		return false
	}
	if scim.ValidConnectionID(id) {
		return true
	}
	hint := ""
	if !strings.HasPrefix(id, "con_") && id != "" {
		hint = " (to name a connection, use connection_name)"
	}
	v.ps.add(line, "connection_id %q is malformed: want \"con_\" followed by letters and digits%s", id, hint)
	return false
}

func (v *validator) connectionName(line int, name string) bool {
	if name == "" {
		v.ps.add(line, "connection_name must not be empty")
		return false
	}
	return v.text(line, "connection_name", name)
}

// MaxValueBytes caps every text value of a manifest (ids, names, attribute
// names): real ones are a few dozen bytes, and a longer one is a mistake that
// would otherwise be sent to the tenant, or printed whole in a message.
const MaxValueBytes = 1024

// text reports a value that cannot be what the user meant: white space at
// either end, a control character, or an invisible format character such
// as a zero-width space, which copying from web pages brings along. None of
// them shows in most editors and spreadsheets. Emptiness is checked by the
// caller, where it matters.
func (v *validator) text(line int, what, value string) bool {
	if len(value) > MaxValueBytes {
		v.ps.add(line, "%s is %d bytes long, more than the %d-byte limit", what, len(value), MaxValueBytes)
		return false
	}
	if bad := badText(value); bad != "" {
		v.ps.add(line, "%s %q %s", what, value, bad)
		return false
	}
	return true
}

// badText says what is wrong with value for text, or "" if nothing is.
func badText(value string) string {
	first, _ := utf8.DecodeRuneInString(value)
	last, _ := utf8.DecodeLastRuneInString(value)
	switch {
	case value != "" && (unicode.IsSpace(first) || unicode.IsSpace(last)):
		return "has leading or trailing white space"
	case strings.IndexFunc(value, unicode.IsControl) >= 0:
		return "contains a control character"
	case strings.IndexFunc(value, isFormatChar) >= 0:
		return "contains an invisible character (like a zero-width space)"
	}
	return ""
}

func isFormatChar(r rune) bool { return unicode.Is(unicode.Cf, r) }

// selector checks a select's strategies and name pattern, and reports
// whether it is sound enough to compare with other selects.
func (v *validator) selector(s *Selector, src *entrySource) bool {
	if src.strategy == 0 && src.pattern == 0 {
		v.ps.add(src.sel, "%s needs a strategy, a name_pattern or both", v.names.selectKey)
		return false
	}
	ok := src.ok(fieldStrategy) && src.ok(fieldPattern)
	if src.strategy != 0 && src.ok(fieldStrategy) {
		ok = v.strategies(s.Strategies, src) && ok
	}
	if src.pattern != 0 && src.ok(fieldPattern) {
		ok = v.pattern(src.pattern, s.NamePattern) && ok
	}
	return ok
}

func (v *validator) strategies(list []string, src *entrySource) bool {
	if len(list) == 0 {
		v.ps.add(src.strategy, "%s must not be empty: leave it out to match every SCIM strategy", v.names.strategy)
		return false
	}
	ok := true
	for i, s := range list {
		ok = v.strategy(src.strategyLine(i), v.names.strategyElem(i), s, list[:i]) && ok
	}
	return ok
}

func (v *validator) strategy(line int, what, s string, before []string) bool {
	switch {
	case s == "":
		v.ps.add(line, "%s has an empty strategy", what)
	case !v.text(line, what, s):
	case !scim.SupportsSCIM(s):
		v.ps.add(line, "%s %q does not support SCIM: use one of %s%s", what, s, strings.Join(scim.SCIMStrategies, ", "), didYouMean(s, scim.SCIMStrategies))
	case slices.Contains(before, s):
		v.ps.add(line, "%s %q is listed twice", what, s)
	default:
		return true
	}
	return false
}

func (v *validator) pattern(line int, p string) bool {
	if p == "" {
		v.ps.add(line, "%s must not be empty: leave it out to match every name", v.names.pattern)
		return false
	}
	if !v.text(line, v.names.pattern, p) {
		return false
	}
	if err := ValidPattern(p); err != nil {
		v.ps.add(line, "%s %q: %v", v.names.pattern, p, err)
		return false
	}
	return true
}

// selectorKey identifies a select by what it matches: the order of its
// strategies does not change that.
func selectorKey(s *Selector) string {
	strategies := slices.Sorted(slices.Values(s.Strategies))
	return strings.Join(strategies, "|") + "\x00" + s.NamePattern
}

// mode checks the mode and what it requires of user_id_attribute and mapping.
func (v *validator) mode(e *Entry, src *entrySource) {
	switch {
	case !src.ok(fieldMode):
	case e.Mode == ModeReplace:
		v.replaceMode(e, src)
	case e.Mode == ModeMerge:
		v.mergeMode(e, src)
	default:
		v.ps.add(max(src.mode, e.Pos.Line), "unknown mode %q: use \"replace\" or \"merge\"%s", e.Mode, didYouMean(string(e.Mode), []string{"replace", "merge"}))
	}
}

func (v *validator) replaceMode(e *Entry, src *entrySource) {
	switch {
	case src.userID == 0:
		v.ps.add(e.Pos.Line, "replace mode needs user_id_attribute (use mode \"merge\" to keep the live one)")
	case src.ok(fieldUserID) && e.UserIDAttribute == "":
		v.ps.add(src.userID, "user_id_attribute must not be empty")
	}
	switch {
	case !src.ok(fieldMapping):
	case src.mapping == 0:
		v.ps.add(e.Pos.Line, "replace mode needs a mapping (use mode \"merge\" to change only some entries)")
	case len(e.Mapping) == 0:
		v.ps.add(src.mapping, "mapping must not be empty in replace mode: it would remove every attribute mapping")
	}
}

func (v *validator) mergeMode(e *Entry, src *entrySource) {
	if src.userID != 0 && src.ok(fieldUserID) && e.UserIDAttribute == "" {
		v.ps.add(src.userID, "user_id_attribute must not be empty (leave it out to keep the live one)")
	}
	if src.userID == 0 && len(e.Mapping) == 0 && src.ok(fieldMapping) {
		v.ps.add(max(src.mapping, e.Pos.Line), "merge mode needs user_id_attribute or at least one mapping entry: nothing would change")
	}
}

// mapping checks each pair, and that no SCIM attribute is mapped twice:
// Auth0 would keep one of the two silently. Pair names are only formatted
// for a message: doing it for every pair would dominate the cost.
func (v *validator) mapping(e *Entry, src *entrySource) {
	clear(v.scims)
	for i, p := range e.Mapping {
		at := v.pairSource(e, src, i)
		okSCIM := v.pairValue(at.scim, at.index, "scim", p.SCIM)
		v.pairValue(at.auth0, at.index, "auth0", p.Auth0)
		if !okSCIM {
			continue
		}
		if first, dup := firstSeen(v.scims, p.SCIM, at.scim); dup {
			v.ps.add(at.scim, "%s %q is mapped twice in this connection; first at line %d", v.names.pair(at.index, "scim"), p.SCIM, first)
		}
	}
}

func (v *validator) pairSource(e *Entry, src *entrySource, i int) pairSource {
	if i < len(src.pairs) {
		return src.pairs[i]
	}
	line := e.MappingPos[i].Line
	return pairSource{scim: line, auth0: line, index: i}
}

func (v *validator) pairValue(line, i int, key, value string) bool {
	problem := valueProblem(func() string { return v.names.pair(i, key) }, value)
	if problem != "" {
		v.ps.add(line, "%s", problem)
	}
	return problem == ""
}

// didYouMean returns a hint naming the candidate closest to word, or "" when
// none is close enough to be a likely typo.
func didYouMean(word string, candidates []string) string {
	if c := suggest.Closest(word, candidates); c != "" {
		return fmt.Sprintf("; did you mean %q?", c)
	}
	return ""
}

// errTrailingBackslash is returned by ValidPattern for a pattern whose last
// backslash escapes nothing.
var errTrailingBackslash = errors.New(`ends with a lone "\": write "\\" for a literal backslash`)

// ValidPattern reports whether pattern is a well-formed name pattern for
// MatchName: the only malformed pattern is one ending in a lone backslash.
func ValidPattern(pattern string) error {
	for i := 0; i < len(pattern); i++ {
		if pattern[i] == '\\' {
			if i == len(pattern)-1 {
				return errTrailingBackslash
			}
			i++ // the escaped byte starts a rune; its continuation bytes are never '\\'
		}
	}
	return nil
}

// MatchName reports whether name matches the glob pattern: '*' matches any
// run of characters (none included), '?' exactly one character, '\' makes
// the next character literal, and everything else matches itself.
// Characters are runes, so '?' matches "é" as one. A malformed pattern (see
// ValidPattern) matches nothing.
//
// It backtracks only to the most recent '*', which keeps it linear in
// practice and quadratic at worst, never exponential.
func MatchName(pattern, name string) bool {
	if ValidPattern(pattern) != nil {
		return false
	}
	p, n := 0, 0
	starP, starN := -1, 0
	for n < len(name) {
		if p < len(pattern) && pattern[p] == '*' {
			p++
			starP, starN = p, n
			continue
		}
		if width, ok := matchOne(pattern[p:], name[n:]); ok {
			p, n = p+width.pattern, n+width.name
			continue
		}
		if starP < 0 {
			return false
		}
		// Let the last '*' swallow one more character and retry from there.
		_, size := utf8.DecodeRuneInString(name[starN:])
		starN += size
		p, n = starP, starN
	}
	for p < len(pattern) && pattern[p] == '*' {
		p++
	}
	return p == len(pattern)
}

type widths struct{ pattern, name int }

// matchOne matches the pattern's first element, other than '*', against the
// first rune of name, and returns how many bytes of each it consumed.
func matchOne(pattern, name string) (widths, bool) {
	if pattern == "" {
		return widths{}, false
	}
	_, nsize := utf8.DecodeRuneInString(name)
	skip := 0
	switch pattern[0] {
	case '?':
		return widths{1, nsize}, true
	case '\\':
		skip = 1
	}
	_, psize := utf8.DecodeRuneInString(pattern[skip:])
	// Comparing bytes, not decoded runes, keeps two different invalid bytes
	// (both decoded as U+FFFD) from matching each other.
	return widths{skip + psize, nsize}, pattern[skip:skip+psize] == name[:nsize]
}
