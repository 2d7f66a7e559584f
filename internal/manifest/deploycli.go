package manifest

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"

	"github.com/scim-migrate/scim-migrate/internal/fileutil"
	"github.com/scim-migrate/scim-migrate/internal/scim"
)

// Auth0 Deploy CLI files as manifests. A Deploy CLI YAML file lists the
// tenant's connections under "connections:"; a Deploy CLI directory holds
// one connections/<name>.json per connection. Each connection with a
// scim_configuration ({user_id_attribute, mapping: [{scim, auth0}]}) is a
// replace-mode entry, keyed by its id when the file gives one, else by its
// name; every other key (options, enabled_clients...) is the Deploy CLI's
// business and is ignored. The Deploy CLI substitutes ##KEY## and @@KEY@@
// placeholders from its own configuration before using a value;
// scim-migrate cannot, so a placeholder where it reads a value is refused.

// DeployCLIConnectionsDir is the Deploy CLI's folder of connection files
// within a directory export (its AUTH0_CONNECTIONS_DIRECTORY default).
const DeployCLIConnectionsDir = "connections"

// deployPlaceholder matches the Deploy CLI's keyword placeholders.
var deployPlaceholder = regexp.MustCompile(`##[^#\s]+##|@@[^@\s]+@@`)

// deployFieldNames spells nested fields as a Deploy CLI file writes them.
var deployFieldNames = fieldNames{
	selectKey:    "select",
	strategy:     "strategy",
	pattern:      "name_pattern",
	strategyElem: func(i int) string { return fmt.Sprintf("strategy[%d]", i) },
	pair:         func(i int, key string) string { return fmt.Sprintf("scim_configuration.mapping[%d].%s", i, key) },
}

// IsDeployCLIYAML reports whether name is read as a Deploy CLI YAML file.
func IsDeployCLIYAML(name string) bool {
	ext := strings.ToLower(filepath.Ext(name))
	return ext == ".yaml" || ext == ".yml"
}

// ParseDeployCLIYAML parses and validates a Deploy CLI YAML file.
func ParseDeployCLIYAML(name string, data []byte) (*Manifest, error) {
	ps := newProblemList(name)
	text, ok := prepareText(ps, data)
	if !ok {
		return nil, ps.err()
	}
	root, ok := yamlTree(ps, text)
	if !ok {
		placeholderLines(ps, text)
		return nil, ps.err()
	}
	entries, srcs := deployConnections(&deployReader{ps: ps, marks: placeholderMarks(text)}, root)
	if !ps.empty() {
		return nil, ps.err()
	}
	if len(entries) == 0 {
		ps.add(1, "no connection in connections: has a scim_configuration, so there is nothing to plan")
		return nil, ps.err()
	}
	validateEntries(ps, deployFieldNames, entries, srcs)
	if !ps.empty() {
		return nil, ps.err()
	}
	return newManifest(name, data, entries), nil
}

// placeholderLines reports the lines holding a placeholder when the YAML
// did not parse: an unquoted @@KEY@@ is not valid YAML, and the message
// should say why the line is there.
func placeholderLines(ps *problemList, text []byte) {
	for i, line := range strings.Split(string(text), "\n") {
		if m := deployPlaceholder.FindString(line); m != "" {
			ps.add(i+1, "Deploy CLI placeholder %s: scim-migrate does not replace keywords; write the value itself", m)
		}
	}
}

// deployReader takes entries from a Deploy CLI file's tree, reporting to ps.
// marks holds the placeholder found on each line of a YAML file: there a
// ##KEY## after a space starts a comment, so the value YAML sees is null and
// only the line still shows what the user wrote.
type deployReader struct {
	ps    *problemList
	marks map[int]string
}

func placeholderMarks(text []byte) map[int]string {
	marks := map[int]string{}
	for i, line := range strings.Split(string(text), "\n") {
		if m := deployPlaceholder.FindString(line); m != "" {
			marks[i+1] = m
		}
	}
	return marks
}

// deployConnections takes the SCIM entries of a YAML file's connections list.
func deployConnections(r *deployReader, root *dnode) ([]Entry, []entrySource) {
	ps := r.ps
	if root.kind != dMap {
		ps.add(root.line, "a Deploy CLI file must be a map with a connections: list, not %s", root.describe())
		return nil, nil
	}
	list, line, found := root.get("connections")
	switch {
	case !found:
		ps.add(1, "no connections: key: a Deploy CLI manifest lists its connections there")
		return nil, nil
	case list.isNull():
		return nil, nil
	case list.kind != dSeq:
		ps.add(line, "connections must be a list, not %s", list.describe())
		return nil, nil
	}
	var (
		entries []Entry
		srcs    []entrySource
	)
	for i, c := range list.items {
		if c.kind != dMap {
			ps.add(c.line, "connections[%d] must be a map, not %s", i, c.describe())
			continue
		}
		if e, src, ok := r.entry(c); ok {
			entries, srcs = append(entries, e), append(srcs, src)
		}
	}
	return entries, srcs
}

// deployEntry reads one connection map. ok is false when the connection
// has no scim_configuration (it is not a SCIM entry) or is malformed.
func (r *deployReader) entry(c *dnode) (Entry, entrySource, bool) {
	ps := r.ps
	e := Entry{Pos: Pos{File: ps.file, Line: c.line}, Mode: ModeReplace}
	var src entrySource
	sc, scLine, has := c.get("scim_configuration")
	if has && sc.isNull() {
		r.placeholder(sc, "scim_configuration")
	}
	if !has || sc.isNull() {
		return e, src, false
	}
	before := len(ps.list)
	dupKeys(ps, c, "connection", "name", "id", "scim_configuration")
	if id, line, given := c.get("id"); given && !id.isNull() {
		src.id = line
		r.str(id, "id", &e.ConnectionID)
	} else if name, line, given := c.get("name"); given {
		src.name = line
		r.str(name, "name", &e.ConnectionName)
	} else {
		ps.add(c.line, "connection has no name (nor id): the Deploy CLI matches connections by name")
	}
	if strategy, _, given := c.get("strategy"); given {
		var s string
		r.str(strategy, "strategy", &s)
	}
	if sc.kind != dMap {
		ps.add(scLine, "scim_configuration must be a map with user_id_attribute and mapping, not %s", sc.describe())
		return e, src, false
	}
	r.scimConfig(sc, &e, &src)
	return e, src, len(ps.list) == before
}

// deploySCIM reads a scim_configuration map into e.
func (r *deployReader) scimConfig(sc *dnode, e *Entry, src *entrySource) {
	ps := r.ps
	dupKeys(ps, sc, "scim_configuration", "user_id_attribute", "mapping")
	if uid, line, given := sc.get("user_id_attribute"); given {
		src.userID = line
		r.str(uid, "scim_configuration.user_id_attribute", &e.UserIDAttribute)
	}
	m, line, given := sc.get("mapping")
	if !given {
		return
	}
	src.mapping = line
	if m.kind != dSeq {
		if !r.placeholder(m, "scim_configuration.mapping") {
			ps.add(line, "scim_configuration.mapping must be a list of {scim, auth0} maps, not %s", m.describe())
		}
		return
	}
	for i, item := range m.items {
		if item.kind != dMap {
			ps.add(item.line, "scim_configuration.mapping[%d] must be a map with scim and auth0, not %s", i, item.describe())
			continue
		}
		r.pair(item, i, e, src)
	}
}

func (r *deployReader) pair(item *dnode, i int, e *Entry, src *entrySource) {
	ps := r.ps
	where := fmt.Sprintf("scim_configuration.mapping[%d]", i)
	dupKeys(ps, item, where, "scim", "auth0")
	var p scim.Pair
	at := pairSource{index: i}
	scimNode, scimLine, hasSCIM := item.get("scim")
	auth0Node, auth0Line, hasAuth0 := item.get("auth0")
	if !hasSCIM || !hasAuth0 {
		ps.add(item.line, "%s must have both scim and auth0", where)
		return
	}
	at.scim, at.auth0 = scimLine, auth0Line
	okS := r.str(scimNode, where+".scim", &p.SCIM)
	okA := r.str(auth0Node, where+".auth0", &p.Auth0)
	if okS && okA {
		e.Mapping = append(e.Mapping, p)
		e.MappingPos = append(e.MappingPos, Pos{File: ps.file, Line: item.line})
		src.pairs = append(src.pairs, at)
	}
}

// str reads a string value, refusing another type or a placeholder.
func (r *deployReader) str(n *dnode, what string, dst *string) bool {
	if n.kind != dString {
		if !r.placeholder(n, what) {
			r.ps.add(n.line, "%s must be a string, not %s", what, n.describe())
		}
		return false
	}
	if r.placeholder(n, what) {
		return false
	}
	*dst = n.text
	return true
}

// placeholder reports a placeholder in a scalar value, or on the line of a
// null one (see deployReader).
func (r *deployReader) placeholder(n *dnode, what string) bool {
	if n.kind == dMap || n.kind == dSeq {
		return false
	}
	m := deployPlaceholder.FindString(n.text)
	if m == "" && n.isNull() {
		m = r.marks[n.line]
	}
	if m == "" {
		return false
	}
	r.ps.add(n.line, "%s holds the Deploy CLI placeholder %s: scim-migrate does not replace keywords; write the value itself", what, m)
	return true
}

// dupKeys reports a key of interest given twice in one map: YAML and JSON
// readers differ in which one wins, so neither is taken.
func dupKeys(ps *problemList, n *dnode, where string, keys ...string) {
	for _, k := range keys {
		first := 0
		for i, key := range n.keys {
			if key != k {
				continue
			}
			if first == 0 {
				first = n.keyLines[i]
				continue
			}
			ps.add(n.keyLines[i], "duplicate key %q in %s; first at line %d", k, where, first)
		}
	}
}

// ReadDeployCLIDir reads a Deploy CLI directory export: dir/connections/*.json,
// one connection per file, in name order. A file of the wrong shape is
// reported at its own name and line; the same connection in two files is
// reported too. Files other than .json (an email template's .html) are
// skipped, as the Deploy CLI does.
func ReadDeployCLIDir(dir string) (*Manifest, error) {
	folder := filepath.Join(dir, DeployCLIConnectionsDir)
	files, err := deployFiles(folder)
	if err != nil {
		return nil, err
	}
	var (
		all     Problems
		entries []Entry
		total   int64
		hash    = sha256.New()
		seen    = map[string]Pos{}
	)
	for _, f := range files {
		data, err := readBounded(f, MaxManifestBytes-total)
		if err != nil {
			return nil, err
		}
		total += int64(len(data))
		if total > MaxManifestBytes {
			return nil, tooLarge(dir)
		}
		fmt.Fprintf(hash, "%s\x00%d\x00", filepath.Base(f), len(data))
		hash.Write(data)
		e, ok, problems := parseDeployFile(f, data)
		all = append(all, problems...)
		if ok {
			all = append(all, crossFileDuplicate(seen, &e)...)
			entries = append(entries, e)
		}
	}
	if len(all) > 0 {
		return nil, all
	}
	if len(entries) == 0 {
		ps := newProblemList(folder)
		ps.add(1, "no file in this folder holds a connection with a scim_configuration, so there is nothing to plan")
		return nil, ps.err()
	}
	return &Manifest{Path: dir, SHA256: hex.EncodeToString(hash.Sum(nil)), Entries: entries}, nil
}

// deployFiles lists the .json files of a connections folder, sorted.
func deployFiles(folder string) ([]string, error) {
	des, err := os.ReadDir(folder)
	if err != nil {
		return nil, fmt.Errorf("read the Deploy CLI directory: %w (a Deploy CLI directory export holds a %s/ folder)", err, DeployCLIConnectionsDir)
	}
	var files []string
	for _, de := range des {
		if !de.IsDir() && filepath.Ext(de.Name()) == ".json" {
			files = append(files, filepath.Join(folder, de.Name()))
		}
	}
	slices.Sort(files)
	return files, nil
}

func readBounded(path string, limit int64) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("read manifest: %w", err)
	}
	defer f.Close()
	data, err := fileutil.ReadAtMost(f, max(limit, 0))
	if err != nil {
		return nil, fmt.Errorf("read manifest: %w", err)
	}
	return data, nil
}

// parseDeployFile reads one connection file. ok is false when the file is
// not a SCIM entry or has problems, which are returned.
func parseDeployFile(name string, data []byte) (Entry, bool, Problems) {
	ps := newProblemList(name)
	text, ok := prepareText(ps, data)
	if !ok {
		return Entry{}, false, problemsOf(ps)
	}
	root, ok := jsonTree(ps, text)
	if !ok {
		return Entry{}, false, problemsOf(ps)
	}
	if root.kind != dMap {
		ps.add(root.line, "a Deploy CLI connection file must hold one JSON object, not %s", root.describe())
		return Entry{}, false, problemsOf(ps)
	}
	e, src, isEntry := (&deployReader{ps: ps}).entry(root)
	if !ps.empty() || !isEntry {
		return Entry{}, false, problemsOf(ps)
	}
	validateEntries(ps, deployFieldNames, []Entry{e}, []entrySource{src})
	if !ps.empty() {
		return Entry{}, false, problemsOf(ps)
	}
	return e, true, nil
}

func problemsOf(ps *problemList) Problems {
	if err := ps.err(); err != nil {
		return err.(Problems)
	}
	return nil
}

// crossFileDuplicate reports a connection that an earlier file already holds.
func crossFileDuplicate(seen map[string]Pos, e *Entry) Problems {
	key := "name\x00" + e.ConnectionName
	what := fmt.Sprintf("connection %q", e.ConnectionName)
	if e.ConnectionID != "" {
		key, what = "id\x00"+e.ConnectionID, "connection id "+e.ConnectionID
	}
	if first, dup := seen[key]; dup {
		return Problems{{Pos: e.Pos, Message: fmt.Sprintf("%s is listed twice; first at %s", what, first)}}
	}
	seen[key] = e.Pos
	return nil
}
