package manifest

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"

	"github.com/scim-migrate/scim-migrate/internal/scim"
)

// Known keys, listed in hints for an unknown key.
var (
	topKeys      = []string{"connections"}
	entryKeys    = []string{"connection_id", "connection_name", "select", "mode", "user_id_attribute", "mapping", "create_if_missing"}
	selectorKeys = []string{"strategy", "name_pattern"}
	pairKeys     = []string{"scim", "auth0"}
)

// ParseJSONManifest parses and validates a JSON manifest. json.Unmarshal
// reports no lines and accepts duplicate keys, so the input is walked token
// by token instead, noting the line of every key and value.
func ParseJSONManifest(name string, data []byte) (*Manifest, error) {
	ps := newProblemList(name)
	text, ok := prepareText(ps, data)
	if !ok {
		return nil, ps.err()
	}
	p := newJSONParser(ps, text)
	entries, srcs := p.manifest()
	if p.stopped {
		// Entries cut short by a syntax error would only add noise.
		return nil, ps.err()
	}
	validateEntries(ps, jsonFieldNames, entries, srcs)
	if !ps.empty() {
		return nil, ps.err()
	}
	return newManifest(name, data, entries), nil
}

// jsonParser walks a JSON manifest with json.Decoder.Token, reporting what
// does not fit the manifest's shape and building entries from what does.
type jsonParser struct {
	ps    *problemList
	dec   *json.Decoder
	lines lineIndex
	size  int
	// stopped is set once the input ends or stops being JSON; every read
	// after that fails, so the walk unwinds without further reports.
	stopped bool
	// keys holds the keys of the objects being read, innermost last.
	keys []objectKey
	// scratch gathers one mapping at a time, so that each entry's mapping
	// is allocated once at its final size.
	scratch struct {
		pairs []scim.Pair
		pos   []Pos
		srcs  []pairSource
	}
}

// jsonPath names a place in the manifest for messages, like
// "mapping[2].scim". It is formatted only when a message needs it: doing so
// for every pair would cost more than reading a large manifest.
type jsonPath struct {
	name  string
	index int    // element index, or -1
	key   string // key within the element, or ""
}

func pathOf(name string) jsonPath { return jsonPath{name: name, index: -1} }

func (jp jsonPath) String() string {
	s := jp.name
	if jp.index >= 0 {
		s += "[" + strconv.Itoa(jp.index) + "]"
	}
	if jp.key != "" {
		s += "." + jp.key
	}
	return s
}

// Where nextKey and unknownKey say a key is.
var (
	atTop       = pathOf("at the top level")
	inEntry     = pathOf("in a connection")
	inSelect    = pathOf("in select")
	inMappingAt = func(i int) jsonPath { return jsonPath{name: "in mapping", index: i} }
)

func newJSONParser(ps *problemList, text []byte) *jsonParser {
	dec := json.NewDecoder(bytes.NewReader(text))
	// Numbers are never valid in a manifest; json.Number keeps a huge one
	// from failing as a float64 before it can be reported as a wrong type.
	dec.UseNumber()
	return &jsonParser{ps: ps, dec: dec, lines: newLineIndex(text), size: len(text)}
}

// next returns the next token and its line. Tokens never span lines, so
// the line of the token's last byte is its line.
func (p *jsonParser) next() (json.Token, int, bool) {
	if p.stopped {
		return nil, 0, false
	}
	tok, err := p.dec.Token()
	if err != nil {
		p.syntaxError(err)
		return nil, 0, false
	}
	return tok, p.lines.line(p.dec.InputOffset() - 1), true
}

// syntaxError reports why the decoder stopped. Inside the top-level value
// io.EOF also means the input was cut short: Token does not check that
// every bracket was closed.
func (p *jsonParser) syntaxError(err error) {
	p.stopped = true
	if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
		p.ps.add(p.lines.lines(p.size), "unexpected end of file: the JSON is incomplete")
		return
	}
	// The decoder's SyntaxError.Offset can be relative to the value being
	// scanned; InputOffset is where the failing token starts, on its line.
	p.ps.add(p.lines.line(p.dec.InputOffset()), "invalid JSON: %v", err)
}

// manifest walks the top-level object.
func (p *jsonParser) manifest() ([]Entry, []entrySource) {
	tok, line, ok := p.next()
	if !ok {
		return nil, nil
	}
	if tok != json.Delim('{') {
		p.ps.add(line, "the manifest must be a JSON object with a \"connections\" array, not %s", kindOf(tok))
		p.skip(tok)
		p.end()
		return nil, nil
	}
	entries, srcs, found := p.topMembers()
	if !found && !p.stopped {
		p.ps.add(line, "missing key \"connections\": the manifest must list its connections there")
	}
	p.end()
	return entries, srcs
}

func (p *jsonParser) topMembers() (entries []Entry, srcs []entrySource, found bool) {
	base := len(p.keys)
	for {
		key, keyLine, more := p.nextKey(base, atTop)
		if !more {
			return entries, srcs, found
		}
		if key != "connections" {
			p.unknownKey(key, keyLine, atTop, topKeys)
			continue
		}
		found = true
		entries, srcs = p.connections()
	}
}

// end checks that nothing follows the top-level value.
func (p *jsonParser) end() {
	if p.stopped {
		return
	}
	tok, err := p.dec.Token()
	if err == io.EOF {
		return
	}
	if err != nil {
		p.syntaxError(err)
		return
	}
	// The manifest itself was read whole, so it is still validated.
	p.ps.add(p.lines.line(p.dec.InputOffset()-1), "unexpected data after the top-level object (%s): a manifest is a single JSON object", kindOf(tok))
}

// connections reads the value of "connections".
func (p *jsonParser) connections() ([]Entry, []entrySource) {
	tok, line, ok := p.next()
	if !ok {
		return nil, nil
	}
	if tok != json.Delim('[') {
		p.ps.add(line, "connections must be an array of objects, not %s", kindOf(tok))
		p.skip(tok)
		return nil, nil
	}
	var entries []Entry
	var srcs []entrySource
	i := 0
	for ; ; i++ {
		tok, elemLine, ok := p.next()
		if !ok || tok == json.Delim(']') {
			break
		}
		if tok != json.Delim('{') {
			p.ps.add(elemLine, "connections[%d] must be an object, not %s", i, kindOf(tok))
			p.skip(tok)
			continue
		}
		e, src := p.entry(elemLine)
		entries, srcs = append(entries, e), append(srcs, src)
	}
	// An array of malformed elements is reported as such, not as empty.
	if i == 0 && !p.stopped {
		p.ps.add(line, "connections is empty: the manifest must list at least one connection")
	}
	return entries, srcs
}

// entry reads one connection object whose '{' is on line.
func (p *jsonParser) entry(line int) (Entry, entrySource) {
	e := Entry{Pos: Pos{File: p.ps.file, Line: line}, Mode: ModeReplace}
	src := entrySource{}
	base := len(p.keys)
	for {
		key, keyLine, more := p.nextKey(base, inEntry)
		if !more {
			return e, src
		}
		p.entryMember(&e, &src, key, keyLine)
	}
}

// entryMember reads the value of one key of a connection object.
func (p *jsonParser) entryMember(e *Entry, src *entrySource, key string, keyLine int) {
	ok := true
	var f field
	switch key {
	case "connection_id":
		f = fieldID
		src.id, ok = p.stringValue(pathOf(key), &e.ConnectionID)
	case "connection_name":
		f = fieldName
		src.name, ok = p.stringValue(pathOf(key), &e.ConnectionName)
	case "user_id_attribute":
		f = fieldUserID
		src.userID, ok = p.stringValue(pathOf(key), &e.UserIDAttribute)
	case "mode":
		f = fieldMode
		var mode string
		if src.mode, ok = p.stringValue(pathOf(key), &mode); ok {
			e.Mode = Mode(mode)
		}
	case "create_if_missing":
		f = fieldCreate
		src.create, ok = p.boolValue(pathOf(key), &e.CreateIfMissing)
	case "select":
		e.Select, src.sel = p.selector(src)
	case "mapping":
		src.mapping = p.mapping(e, src)
	default:
		p.unknownKey(key, keyLine, inEntry, entryKeys)
	}
	if !ok {
		src.broken |= f
	}
}

// selector reads the value of "select".
func (p *jsonParser) selector(src *entrySource) (*Selector, int) {
	tok, line, ok := p.next()
	if !ok {
		return nil, line
	}
	if tok != json.Delim('{') {
		p.typeError(line, pathOf("select"), "an object with strategy and/or name_pattern", tok)
		src.broken |= fieldSelect
		return nil, line
	}
	s := &Selector{}
	base := len(p.keys)
	for {
		key, keyLine, more := p.nextKey(base, inSelect)
		if !more {
			return s, line
		}
		switch key {
		case "strategy":
			s.Strategies, src.strategy = p.strategies(src)
		case "name_pattern":
			var ok bool
			if src.pattern, ok = p.stringValue(pathOf("select.name_pattern"), &s.NamePattern); !ok {
				src.broken |= fieldPattern
			}
		default:
			p.unknownKey(key, keyLine, inSelect, selectorKeys)
		}
	}
}

// strategies reads the value of select.strategy: an array of strings, kept
// non-nil when given empty so validation can tell [] from absent.
func (p *jsonParser) strategies(src *entrySource) ([]string, int) {
	tok, line, ok := p.next()
	if !ok {
		return nil, line
	}
	if tok != json.Delim('[') {
		hint := "an array of strings"
		if s, isString := tok.(string); isString {
			hint = fmt.Sprintf("an array of strings, like [%q]", s)
		}
		p.typeError(line, pathOf("select.strategy"), hint, tok)
		src.broken |= fieldStrategy
		return nil, line
	}
	list := []string{}
	for i := 0; ; i++ {
		tok, elemLine, ok := p.next()
		if !ok || tok == json.Delim(']') {
			return list, line
		}
		s, isString := tok.(string)
		if !isString {
			p.typeError(elemLine, jsonPath{"select.strategy", i, ""}, "a string", tok)
			src.broken |= fieldStrategy
			continue
		}
		list = append(list, s)
		src.strategies = append(src.strategies, elemLine)
	}
}

// mapping reads the value of "mapping" into e and returns its line.
// Malformed pairs are reported and left out.
func (p *jsonParser) mapping(e *Entry, src *entrySource) int {
	tok, line, ok := p.next()
	if !ok {
		return line
	}
	if tok != json.Delim('[') {
		p.typeError(line, pathOf("mapping"), `an array of {"scim": ..., "auth0": ...} objects`, tok)
		src.broken |= fieldMapping
		return line
	}
	sc := &p.scratch
	sc.pairs, sc.pos, sc.srcs = sc.pairs[:0], sc.pos[:0], sc.srcs[:0]
	for i := 0; ; i++ {
		tok, elemLine, ok := p.next()
		if !ok || tok == json.Delim(']') {
			if len(sc.pairs) > 0 {
				e.Mapping, e.MappingPos, src.pairs = slices.Clone(sc.pairs), slices.Clone(sc.pos), slices.Clone(sc.srcs)
			}
			return line
		}
		if tok != json.Delim('{') {
			p.typeError(elemLine, jsonPath{"mapping", i, ""}, `an object {"scim": ..., "auth0": ...}`, tok)
			src.broken |= fieldMapping
			continue
		}
		if pair, at, ok := p.pair(i, elemLine); ok {
			sc.pairs = append(sc.pairs, pair)
			sc.pos = append(sc.pos, Pos{File: p.ps.file, Line: elemLine})
			sc.srcs = append(sc.srcs, at)
		} else {
			src.broken |= fieldMapping
		}
	}
}

// pair reads one mapping object whose '{' is on line. It reports false when
// the pair was malformed, which has been reported.
func (p *jsonParser) pair(i, line int) (scim.Pair, pairSource, bool) {
	var pair scim.Pair
	at := pairSource{index: i}
	base := len(p.keys)
	where := inMappingAt(i)
	sound := true
	for {
		key, keyLine, more := p.nextKey(base, where)
		if !more {
			break
		}
		ok := false
		switch key {
		case "scim":
			at.scim, ok = p.stringValue(jsonPath{"mapping", i, "scim"}, &pair.SCIM)
		case "auth0":
			at.auth0, ok = p.stringValue(jsonPath{"mapping", i, "auth0"}, &pair.Auth0)
		default:
			p.unknownKey(key, keyLine, where, pairKeys)
		}
		sound = sound && ok
	}
	if p.stopped {
		return pair, at, false
	}
	if at.scim == 0 || at.auth0 == 0 {
		p.ps.add(line, "mapping[%d] must have both \"scim\" and \"auth0\"", i)
		sound = false
	}
	return pair, at, sound
}

// stringValue reads a string value into *dst and returns its line. Any
// other type is reported and skipped, and ok is false.
func (p *jsonParser) stringValue(what jsonPath, dst *string) (line int, ok bool) {
	tok, line, ok := p.next()
	if !ok {
		return line, false
	}
	if s, isString := tok.(string); isString {
		*dst = s
		return line, true
	}
	p.typeError(line, what, "a string", tok)
	return line, false
}

func (p *jsonParser) boolValue(what jsonPath, dst *bool) (line int, ok bool) {
	tok, line, ok := p.next()
	if !ok {
		return line, false
	}
	if b, isBool := tok.(bool); isBool {
		*dst = b
		return line, true
	}
	p.typeError(line, what, "a boolean (true or false)", tok)
	return line, false
}

// typeError reports a value of the wrong type and skips it.
func (p *jsonParser) typeError(line int, what jsonPath, want string, tok json.Token) {
	p.ps.add(line, "%v must be %s, not %s", what, want, kindOf(tok))
	p.skip(tok)
}

// skip consumes the rest of a value whose first token was tok.
func (p *jsonParser) skip(tok json.Token) {
	if tok != json.Delim('{') && tok != json.Delim('[') {
		return
	}
	for depth := 1; depth > 0; {
		tok, _, ok := p.next()
		if !ok {
			return
		}
		switch tok {
		case json.Delim('{'), json.Delim('['):
			depth++
		case json.Delim('}'), json.Delim(']'):
			depth--
		}
	}
}

// objectKey is a key of an object being read, kept to catch a repeated key
// that encoding/json would silently let win.
type objectKey struct {
	key  string
	line int
}

// nextKey returns the next key of the object being read, whose keys start
// at base in p.keys, or more=false at its end. A repeated key is reported
// and its value skipped, keeping the first: whichever the user meant, the
// file is refused. Objects have a handful of keys, so a scan beats a map,
// and one stack shared by nested objects saves an allocation per object.
func (p *jsonParser) nextKey(base int, where jsonPath) (key string, line int, more bool) {
	for {
		tok, line, ok := p.next()
		if !ok || tok == json.Delim('}') {
			p.keys = p.keys[:base]
			return "", 0, false
		}
		key, _ := tok.(string) // the decoder only returns strings as keys
		if first, dup := p.firstKey(base, key); dup {
			p.ps.add(line, "duplicate key %q %v; first at line %d", key, where, first)
			p.skipValue()
			continue
		}
		p.keys = append(p.keys, objectKey{key, line})
		return key, line, true
	}
}

func (p *jsonParser) firstKey(base int, key string) (int, bool) {
	for _, k := range p.keys[base:] {
		if k.key == key {
			return k.line, true
		}
	}
	return 0, false
}

func (p *jsonParser) skipValue() {
	if tok, _, ok := p.next(); ok {
		p.skip(tok)
	}
}

// unknownKey reports a key that is not part of the manifest and skips its
// value, with a hint when the key looks like a misspelt known one.
func (p *jsonParser) unknownKey(key string, line int, where jsonPath, known []string) {
	hint := didYouMean(key, known)
	if hint == "" {
		hint = "; known keys: " + strings.Join(known, ", ")
	}
	p.ps.add(line, "unknown key %q %v%s", key, where, hint)
	p.skipValue()
}

// kindOf names a token's JSON type for messages.
func kindOf(tok json.Token) string {
	switch t := tok.(type) {
	case json.Delim:
		if t == '{' {
			return "an object"
		}
		return "an array"
	case string:
		return "a string"
	case json.Number, float64:
		return "a number"
	case bool:
		return "a boolean"
	case nil:
		return "null"
	}
	return fmt.Sprintf("%T", tok)
}
