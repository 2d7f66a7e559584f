package manifest

import (
	"bytes"
	"cmp"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/scim-migrate/scim-migrate/internal/fileutil"
)

// MaxManifestBytes is the largest manifest accepted. A real manifest of
// 100,000 rows is a few MiB; the cap only keeps a wrong path (a disk image,
// a log) from being read into memory whole.
const MaxManifestBytes = 64 << 20

// maxEncodingProblems caps the per-line reports for a file that is not UTF-8
// text: past a few lines the file is simply the wrong file, and a line for
// each of its thousands of lines would bury that message.
const maxEncodingProblems = 20

// Read reads, parses and validates the manifest at path. The format
// follows the extension, .json, .csv, or .yaml/.yml (a Deploy CLI file) in
// any case; a directory is a Deploy CLI directory export. A file larger than
// MaxManifestBytes is refused without being read whole. Problems with the
// manifest's content are returned as Problems; failing to open or read the
// file is returned as the underlying error.
func Read(path string) (*Manifest, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("read manifest: %w", err)
	}
	defer f.Close()
	fi, err := f.Stat()
	if err == nil && fi.IsDir() {
		return ReadDeployCLIDir(path)
	}
	if err == nil && fi.Mode().IsRegular() && fi.Size() > MaxManifestBytes {
		return nil, tooLarge(path)
	}
	// The stat above cannot see through pipes or a file that grows while it
	// is read, so the read itself is bounded too.
	data, err := fileutil.ReadAtMost(f, MaxManifestBytes)
	if err != nil {
		return nil, fmt.Errorf("read manifest: %w", err)
	}
	return Parse(path, data)
}

// Parse parses and validates a manifest held in memory. name is used
// in every problem's position and chooses the format by its extension.
func Parse(name string, data []byte) (*Manifest, error) {
	if len(data) > MaxManifestBytes {
		return nil, tooLarge(name)
	}
	switch ext := strings.ToLower(filepath.Ext(name)); ext {
	case ".json":
		return ParseJSONManifest(name, data)
	case ".csv":
		return ParseCSVManifest(name, data)
	case ".yaml", ".yml":
		return ParseDeployCLIYAML(name, data)
	default:
		ps := newProblemList(name)
		ps.add(1, "unsupported manifest extension %q: use .json, .csv, a Deploy CLI .yaml or a Deploy CLI directory", ext)
		return nil, ps.err()
	}
}

// ParseDetect parses a manifest that has no file name to tell its
// format by (standard input): JSON when its first character, after a
// byte-order mark and white space, is '{', CSV otherwise. name is used in
// every problem's position. A Deploy CLI YAML file is told by a line that
// starts with "connections:" (a CSV header never does).
func ParseDetect(name string, data []byte) (*Manifest, error) {
	if len(data) > MaxManifestBytes {
		return nil, tooLarge(name)
	}
	if t := bytes.TrimLeft(bytes.TrimPrefix(data, utf8BOM), " \t\r\n"); len(t) > 0 && t[0] == '{' {
		return ParseJSONManifest(name, data)
	}
	if deployYAMLStart.Match(data) {
		return ParseDeployCLIYAML(name, data)
	}
	return ParseCSVManifest(name, data)
}

var deployYAMLStart = regexp.MustCompile(`(?m)^connections:`)

func tooLarge(name string) error {
	ps := newProblemList(name)
	ps.add(1, "file is larger than %d MiB (MaxManifestBytes), the limit for a manifest", MaxManifestBytes>>20)
	return ps.err()
}

// newManifest wraps validated entries with the provenance a plan records.
func newManifest(name string, data []byte, entries []Entry) *Manifest {
	sum := sha256.Sum256(data)
	return &Manifest{Path: name, SHA256: hex.EncodeToString(sum[:]), Entries: entries}
}

// problemList collects the problems of one file. Parsers keep going after
// a problem wherever they can, so that a user fixes everything in one pass.
type problemList struct {
	file string
	list Problems
}

func newProblemList(file string) *problemList { return &problemList{file: file} }

func (p *problemList) add(line int, format string, args ...any) {
	p.list = append(p.list, Problem{Pos: Pos{File: p.file, Line: line}, Message: fmt.Sprintf(format, args...)})
}

func (p *problemList) empty() bool { return len(p.list) == 0 }

// err returns the problems sorted by line then message, without repeats, or
// nil when there are none. Returning a typed nil would make a non-nil error.
func (p *problemList) err() error {
	if len(p.list) == 0 {
		return nil
	}
	slices.SortFunc(p.list, func(a, b Problem) int {
		return cmp.Or(cmp.Compare(a.Pos.Line, b.Pos.Line), strings.Compare(a.Message, b.Message))
	})
	return slices.Compact(p.list)
}

var utf8BOM = []byte{0xEF, 0xBB, 0xBF}

// prepareText strips a UTF-8 byte-order mark and checks that data is UTF-8
// text, before any parser sees it: encoding/json silently turns bad bytes
// into U+FFFD and encoding/csv passes them through, so neither would report
// them. It reports false when parsing should not be attempted.
func prepareText(ps *problemList, data []byte) ([]byte, bool) {
	data = bytes.TrimPrefix(data, utf8BOM)
	switch {
	case bytes.HasPrefix(data, []byte{0xFE, 0xFF}), bytes.HasPrefix(data, []byte{0xFF, 0xFE}):
		ps.add(1, "file is UTF-16 encoded: save it as UTF-8")
		return nil, false
	case len(bytes.TrimSpace(data)) == 0:
		ps.add(1, "file is empty")
		return nil, false
	}
	if i := bytes.IndexByte(data, 0); i >= 0 {
		ps.add(1+bytes.Count(data[:i], []byte{'\n'}), "file contains a NUL byte: it is binary, not a text manifest")
		return nil, false
	}
	if utf8.Valid(data) {
		return data, true
	}
	reportInvalidUTF8(ps, data)
	return nil, false
}

// reportInvalidUTF8 reports each line holding bytes that are not UTF-8, up to
// maxEncodingProblems lines.
func reportInvalidUTF8(ps *problemList, data []byte) {
	bad := 0
	for line := 1; len(data) > 0; line++ {
		text, rest, _ := bytes.Cut(data, []byte{'\n'})
		data = rest
		col := invalidUTF8At(text)
		if col < 0 {
			continue
		}
		if bad++; bad > maxEncodingProblems {
			ps.add(line, "more lines are not valid UTF-8: is this the right file?")
			return
		}
		ps.add(line, "invalid UTF-8 (byte 0x%02x at column %d): save the file as UTF-8", text[col], col+1)
	}
}

// invalidUTF8At returns the byte index of the first invalid UTF-8 sequence
// in b, or -1.
func invalidUTF8At(b []byte) int {
	for i := 0; i < len(b); {
		r, size := utf8.DecodeRune(b[i:])
		if r == utf8.RuneError && size == 1 {
			return i
		}
		i += size
	}
	return -1
}

// lineIndex maps byte offsets to 1-based line numbers by binary search over
// the offsets of the newlines, computed once per file.
type lineIndex []int

func newLineIndex(data []byte) lineIndex {
	idx := make(lineIndex, 0, bytes.Count(data, []byte{'\n'}))
	for off := 0; ; {
		i := bytes.IndexByte(data[off:], '\n')
		if i < 0 {
			return idx
		}
		off += i
		idx = append(idx, off)
		off++
	}
}

// line returns the line holding the byte at offset off.
func (l lineIndex) line(off int64) int {
	n, _ := slices.BinarySearch(l, int(off))
	return n + 1
}

// lines returns the number of lines of the file: the line of its last byte.
func (l lineIndex) lines(size int) int { return l.line(int64(max(size-1, 0))) }
