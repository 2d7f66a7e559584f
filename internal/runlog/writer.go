package runlog

import (
	"bufio"
	"cmp"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/scim-migrate/scim-migrate/internal/fileutil"
	"github.com/scim-migrate/scim-migrate/internal/plan"
	"github.com/scim-migrate/scim-migrate/internal/scim"
)

// Writer appends the lines of one run's report. Every line is written whole
// and synced to disk before the call returns, so what the report says
// happened is on disk before the next write to the tenant is sent.
//
// A write that fails part-way (a full disk) may leave the start of a line in
// the file; the next line appended after it would be glued to it and both
// lost to the reader. So a failed line is cut off again (the file truncated
// to its last whole line) before the error is returned, and when even that
// fails the writer refuses every later line: the report then ends at its
// last whole line, as a killed run's does.
type Writer struct {
	mu   sync.Mutex
	f    File
	path string
	// size is the length of the file's whole lines, where a failed line is
	// cut back to.
	size int64
	// broken is why nothing more may be appended: a failed line that could
	// not be cut off.
	broken error
}

// File is what a report is written to: the file itself, or, in tests, one
// that fails on demand as a full disk does. Truncate cuts off a line whose
// write failed part-way.
type File interface {
	io.Writer
	Sync() error
	Truncate(size int64) error
	Close() error
}

// Opener creates a new report file for appending.
type Opener func(path string) (File, error)

// openPrivate creates a report file, private (0600) and durable.
func openPrivate(path string) (File, error) { return fileutil.CreateAppend(path) }

// reportTime is the form of the start time in a report's default name,
// to the millisecond so that runs one after the other never share a name.
const reportTime = "20060102T150405.000Z"

// DefaultPath is where a run's report goes when --report is not given: the
// tenant and the UTC start time in the name, so runs never overwrite each
// other and sort by time.
func DefaultPath(command, tenant string, start time.Time) string {
	return fmt.Sprintf("scim-migrate-%s-%s-%s.jsonl", safeName(command), safeName(tenant), start.UTC().Format(reportTime))
}

// safeName keeps a name part (a tenant, a command such as "tokens issue")
// to the characters every file system and shell takes as they are.
func safeName(tenant string) string {
	return strings.Map(func(r rune) rune {
		if r == '.' || r == '-' || r == '_' || ('a' <= r && r <= 'z') || ('A' <= r && r <= 'Z') || ('0' <= r && r <= '9') {
			return r
		}
		return '_'
	}, tenant)
}

// ReportFile is a file in a directory named as DefaultPath names a report.
// Its name proves nothing (anyone can name a file so): ProveReport reads
// what it is.
type ReportFile struct {
	Path string
	// Command is the command part of the name, in its file-name form.
	Command string
	Started time.Time
}

// ReportsOf lists the files in dir named exactly as DefaultPath names a
// report of tenant, whatever their command: the tenant part must be the
// whole tenant, so acme.eu.auth0.com never lists dev-acme.eu.auth0.com's.
func ReportsOf(dir, tenant string) []ReportFile {
	entries, _ := os.ReadDir(dir)
	var out []ReportFile
	for _, en := range entries {
		if rf, ok := parseReportName(en.Name(), tenant); ok {
			rf.Path = filepath.Join(dir, en.Name())
			out = append(out, rf)
		}
	}
	return out
}

// parseReportName reads a name DefaultPath made for tenant: a command
// (whose file-name form has no dash), the tenant, the start time.
func parseReportName(name, tenant string) (ReportFile, bool) {
	rest, ok := strings.CutPrefix(name, "scim-migrate-")
	rest, ok2 := strings.CutSuffix(rest, ".jsonl")
	command, rest, ok3 := strings.Cut(rest, "-")
	stamp, ok4 := strings.CutPrefix(rest, safeName(tenant)+"-")
	if !ok || !ok2 || !ok3 || !ok4 || command == "" {
		return ReportFile{}, false
	}
	t, err := time.Parse(reportTime, stamp)
	if err != nil || t.Format(reportTime) != stamp {
		return ReportFile{}, false
	}
	return ReportFile{Command: command, Started: t}, true
}

// maxHeaderBytes bounds the first line ProveReport reads: a header is a few
// hundred bytes.
const maxHeaderBytes = 64 << 10

// ProveReport reads what the file rf names is, and returns its header when
// it is a report this tool wrote under that name: a regular file (a symlink
// is never followed), whose first line is a run header of the command and
// the start time the name says. Whose tenant it is stays the caller's to
// compare (the header records the tenant as it was spelled).
func ProveReport(rf ReportFile) (Header, error) {
	fi, err := os.Lstat(rf.Path)
	if err != nil {
		return Header{}, err
	}
	if !fi.Mode().IsRegular() {
		return Header{}, fmt.Errorf("not a regular file (%s)", fi.Mode().Type())
	}
	f, err := os.Open(rf.Path)
	if err != nil {
		return Header{}, err
	}
	defer f.Close()
	if now, err := f.Stat(); err != nil || !os.SameFile(fi, now) {
		return Header{}, errors.New("the file changed while it was read")
	}
	line, _, err := readLine(bufio.NewReaderSize(io.LimitReader(f, maxHeaderBytes), maxHeaderBytes))
	if err != nil || line == nil {
		return Header{}, errors.New("empty, or not a report")
	}
	run := &Run{}
	if err := run.add(1, line); err != nil {
		return Header{}, err
	}
	h := run.Header
	if safeName(h.Command) != rf.Command || h.StartedAt.UTC().Format(reportTime) != rf.Started.Format(reportTime) {
		return Header{}, fmt.Errorf("its header (%s, started %s) is not the run its name says", h.Command, h.StartedAt.UTC().Format(reportTime))
	}
	return h, nil
}

// Create starts a report at path with its header. An existing file is never
// appended to: a report holds one run.
func Create(path string, h Header) (*Writer, error) { return CreateWith(path, h, nil) }

// CreateWith is Create with the file opened by open (nil: a private file).
func CreateWith(path string, h Header, open Opener) (*Writer, error) {
	if open == nil {
		open = openPrivate
	}
	if _, err := os.Stat(path); err == nil {
		return nil, fmt.Errorf("report %s already exists; choose another --report path", path)
	} else if !errors.Is(err, os.ErrNotExist) {
		return nil, fileutil.Wrap("report", path, err)
	}
	if dir := filepath.Dir(path); dir != "" {
		if err := os.MkdirAll(dir, 0o700); err != nil {
			return nil, fmt.Errorf("report directory: %w", err)
		}
	}
	f, err := open(path)
	if err != nil {
		return nil, err
	}
	w := &Writer{f: f, path: path}
	h.Type, h.Version = TypeRun, RunFormatVersion
	if err := w.write(h); err != nil {
		f.Close()
		return nil, err
	}
	return w, nil
}

// Path is the report's file.
func (w *Writer) Path() string { return w.path }

// Intent records a write about to be sent.
func (w *Writer) Intent(i Intent) error {
	i.Type = TypeIntent
	return w.write(i)
}

// Result records how a connection ended.
func (w *Writer) Result(r Result) error {
	r.Type = TypeResult
	return w.write(compact(r))
}

// compact leaves out the states of a connection found as asked and never
// written, keeping their digest: rollback has nothing to undo there (no
// intent), and the audit needs only that it was unchanged, and as what.
// A result with an intent (a write that turned out unneeded) keeps its
// states.
func compact(r Result) Result {
	if r.Status != StatusUnchanged || r.Action != plan.ActionNone || r.Before == nil || (r.After != nil && !r.After.Equal(r.Before)) {
		return r
	}
	r.StateSHA256 = ConfigSHA256(r.Before)
	r.Before, r.After = nil, nil
	return r
}

// ConfigSHA256 is the hex SHA-256 of a configuration's JSON with its mapping
// sorted: two configurations equal but for the order of their mapping have
// the same digest, as they are the same to the tenant.
func ConfigSHA256(c *scim.Config) string {
	sorted := c.Clone()
	slices.SortFunc(sorted.Mapping, func(a, b scim.Pair) int {
		return cmp.Or(cmp.Compare(a.SCIM, b.SCIM), cmp.Compare(a.Auth0, b.Auth0))
	})
	b, _ := json.Marshal(sorted)
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}

// Summary records the end of the run.
func (w *Writer) Summary(s Summary) error {
	s.Type = TypeSummary
	return w.write(s)
}

// Close closes the file.
func (w *Writer) Close() error {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.f == nil {
		return nil
	}
	err := w.f.Close()
	w.f = nil
	return err
}

// write appends one line and syncs it: one Write call per line, so a crash
// can cut off at most the last line, which the reader tolerates. A line that
// fails is cut off again (see Writer), so it is never glued to the next.
func (w *Writer) write(v any) error {
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Errorf("report %s: encode: %w", w.path, err)
	}
	b = append(b, '\n')
	w.mu.Lock()
	defer w.mu.Unlock()
	switch {
	case w.f == nil:
		return fmt.Errorf("report %s: already closed", w.path)
	case w.broken != nil:
		return fmt.Errorf("report %s: nothing more is written to it after a line that could not be cut off: %w", w.path, w.broken)
	}
	if _, err := w.f.Write(b); err != nil {
		return w.cutBack(fileutil.Wrap("write report", w.path, err))
	}
	if err := w.f.Sync(); err != nil {
		// The line may be on disk or not, or part of it: it is not
		// recorded, and its caller is told so.
		return w.cutBack(fileutil.Wrap("sync report", w.path, err))
	}
	w.size += int64(len(b))
	return nil
}

// cutBack truncates the file to its last whole line after a failed write,
// and returns that write's error. When the file cannot be cut back, the
// writer is broken: appending after a torn line would glue the two.
func (w *Writer) cutBack(failed error) error {
	err := w.f.Truncate(w.size)
	if err == nil {
		err = w.f.Sync()
	}
	if err != nil {
		w.broken = failed
		return fmt.Errorf("%w; the torn line could not be cut off (%v), so the report ends at its last whole line and nothing more is written to it", failed, err)
	}
	return failed
}
