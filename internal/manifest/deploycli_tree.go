package manifest

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"regexp"
	"strconv"

	"gopkg.in/yaml.v3"
)

// The Auth0 Deploy CLI keeps a tenant's configuration in a YAML file or in
// a directory of JSON files. Both are read into the same small tree of
// values with lines (dnode), from which deploycli.go takes the connections:
// one reader of the Deploy CLI's shape serves both formats.

// dkind is the kind of a Deploy CLI value.
type dkind int

const (
	dString dkind = iota
	dMap
	dSeq
	// dOther is any other scalar (number, boolean, null).
	dOther
)

// dnode is one value of a Deploy CLI file, with the line it starts on.
type dnode struct {
	kind dkind
	line int
	// text is a string's value, or the literal of another scalar.
	text string
	// keys and vals are a map's members in file order; keyLines their lines.
	keys     []string
	keyLines []int
	vals     []*dnode
	// items are a sequence's elements.
	items []*dnode
}

// get returns the value of key in a map, the line of the key, and whether
// the key is there. A repeated key is reported by dupKeys, not here.
func (n *dnode) get(key string) (*dnode, int, bool) {
	if n == nil || n.kind != dMap {
		return nil, 0, false
	}
	for i, k := range n.keys {
		if k == key {
			return n.vals[i], n.keyLines[i], true
		}
	}
	return nil, 0, false
}

// isNull reports whether n is YAML's or JSON's null (or absent).
func (n *dnode) isNull() bool {
	return n == nil || (n.kind == dOther && (n.text == "null" || n.text == "~" || n.text == ""))
}

// describe names a value's kind for messages.
func (n *dnode) describe() string {
	switch {
	case n.isNull():
		return "null"
	case n.kind == dString:
		return "a string"
	case n.kind == dMap:
		return "a map"
	case n.kind == dSeq:
		return "a list"
	}
	return strconv.Quote(n.text)
}

// yamlTree parses a YAML file. A syntax error is reported on the line the
// parser names, as yaml.v3 gives it no other way ("yaml: line N: ...").
func yamlTree(ps *problemList, text []byte) (*dnode, bool) {
	var doc yaml.Node
	if err := yaml.Unmarshal(text, &doc); err != nil {
		line, msg := yamlErrorLine(err)
		ps.add(line, "invalid YAML: %s", msg)
		return nil, false
	}
	if doc.Kind == 0 || len(doc.Content) == 0 {
		ps.add(1, "file is empty")
		return nil, false
	}
	budget := maxYAMLNodes
	root := fromYAML(doc.Content[0], 0, &budget)
	if budget < 0 {
		ps.add(1, "the YAML expands to more than %d values through its aliases: is this the right file?", maxYAMLNodes)
		return nil, false
	}
	return root, true
}

// maxYAMLNodes bounds the values a YAML file may expand to: aliases of
// aliases can make a small file stand for billions of values.
const maxYAMLNodes = 4 << 20

var yamlLineRE = regexp.MustCompile(`^yaml: line (\d+): (.*)$`)

func yamlErrorLine(err error) (int, string) {
	var te *yaml.TypeError
	if errors.As(err, &te) && len(te.Errors) > 0 {
		err = errors.New(te.Errors[0])
	}
	if m := yamlLineRE.FindStringSubmatch(err.Error()); m != nil {
		n, _ := strconv.Atoi(m[1])
		return max(n, 1), m[2]
	}
	return 1, err.Error()
}

// maxAliasDepth bounds alias chains, so that a file of nested aliases (the
// "billion laughs") cannot make the tree grow without end.
const maxAliasDepth = 16

// fromYAML converts a yaml.v3 node, following aliases, spending budget one
// value at a time; it stops converting once the budget is spent.
func fromYAML(y *yaml.Node, depth int, budget *int) *dnode {
	if *budget--; *budget < 0 {
		return &dnode{kind: dOther, line: y.Line}
	}
	for y.Kind == yaml.AliasNode && y.Alias != nil && depth < maxAliasDepth {
		y, depth = y.Alias, depth+1
	}
	n := &dnode{line: y.Line}
	switch y.Kind {
	case yaml.MappingNode:
		n.kind = dMap
		for i := 0; i+1 < len(y.Content); i += 2 {
			k, v := y.Content[i], y.Content[i+1]
			n.keys = append(n.keys, k.Value)
			n.keyLines = append(n.keyLines, k.Line)
			n.vals = append(n.vals, fromYAML(v, depth, budget))
		}
	case yaml.SequenceNode:
		n.kind = dSeq
		for _, c := range y.Content {
			n.items = append(n.items, fromYAML(c, depth, budget))
		}
	case yaml.ScalarNode:
		n.kind, n.text = dOther, y.Value
		if y.ShortTag() == "!!str" {
			n.kind = dString
		}
	default:
		n.kind = dOther
	}
	return n
}

// jsonTree parses a JSON file token by token, noting lines as the JSON
// manifest parser does.
func jsonTree(ps *problemList, text []byte) (*dnode, bool) {
	dec := json.NewDecoder(bytes.NewReader(text))
	dec.UseNumber()
	t := &jsonTreeReader{dec: dec, lines: newLineIndex(text)}
	n, err := t.value()
	if err == nil {
		if _, extra := dec.Token(); extra != io.EOF {
			err = errors.New("unexpected data after the top-level value")
		}
	}
	if err != nil {
		if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
			ps.add(t.lines.lines(len(text)), "unexpected end of file: the JSON is incomplete")
		} else {
			ps.add(t.lines.line(dec.InputOffset()), "invalid JSON: %v", err)
		}
		return nil, false
	}
	return n, true
}

type jsonTreeReader struct {
	dec   *json.Decoder
	lines lineIndex
	depth int
}

// maxJSONDepth bounds nesting: a Deploy CLI connection is a few levels deep.
const maxJSONDepth = 64

func (t *jsonTreeReader) next() (json.Token, int, error) {
	tok, err := t.dec.Token()
	if err != nil {
		return nil, 0, err
	}
	return tok, t.lines.line(t.dec.InputOffset() - 1), nil
}

func (t *jsonTreeReader) value() (*dnode, error) {
	tok, line, err := t.next()
	if err != nil {
		return nil, err
	}
	return t.valueFrom(tok, line)
}

func (t *jsonTreeReader) valueFrom(tok json.Token, line int) (*dnode, error) {
	n := &dnode{line: line}
	switch v := tok.(type) {
	case json.Delim:
		if t.depth++; t.depth > maxJSONDepth {
			return nil, errors.New("values nested too deep")
		}
		defer func() { t.depth-- }()
		if v == '{' {
			n.kind = dMap
			return n, t.members(n)
		}
		n.kind = dSeq
		return n, t.elements(n)
	case string:
		n.kind, n.text = dString, v
	case nil:
		n.kind, n.text = dOther, "null"
	case bool:
		n.kind, n.text = dOther, strconv.FormatBool(v)
	case json.Number:
		n.kind, n.text = dOther, v.String()
	}
	return n, nil
}

func (t *jsonTreeReader) members(n *dnode) error {
	for {
		tok, line, err := t.next()
		if err != nil {
			return err
		}
		if tok == json.Delim('}') {
			return nil
		}
		key, _ := tok.(string)
		v, err := t.value()
		if err != nil {
			return err
		}
		n.keys, n.keyLines, n.vals = append(n.keys, key), append(n.keyLines, line), append(n.vals, v)
	}
}

func (t *jsonTreeReader) elements(n *dnode) error {
	for {
		tok, line, err := t.next()
		if err != nil {
			return err
		}
		if tok == json.Delim(']') {
			return nil
		}
		v, err := t.valueFrom(tok, line)
		if err != nil {
			return err
		}
		n.items = append(n.items, v)
	}
}
