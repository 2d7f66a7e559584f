package runlog

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/scim-migrate/scim-migrate/internal/fileutil"
)

// Writer appends the lines of one run's report. Every line is written whole
// and synced to disk before the call returns, so what the report says
// happened is on disk before the next write to the tenant is sent.
type Writer struct {
	mu   sync.Mutex
	f    File
	path string
}

// File is what a report is written to: the file itself, or, in tests, one
// that fails on demand as a full disk does.
type File interface {
	io.Writer
	Sync() error
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

// ReportFile is a report found in a directory by its default name.
type ReportFile struct {
	Path    string
	Started time.Time
}

// ReportsOf lists the reports in dir that DefaultPath named for a tenant,
// whatever their command.
func ReportsOf(dir, tenant string) []ReportFile {
	entries, _ := os.ReadDir(dir)
	suffix := "-" + safeName(tenant) + "-"
	var out []ReportFile
	for _, en := range entries {
		name := en.Name()
		rest, ok := strings.CutPrefix(name, "scim-migrate-")
		stamp, ok2 := strings.CutSuffix(rest, ".jsonl")
		i := strings.LastIndex(stamp, suffix)
		if !ok || !ok2 || en.IsDir() || i < 0 {
			continue
		}
		if t, err := time.Parse(reportTime, stamp[i+len(suffix):]); err == nil {
			out = append(out, ReportFile{Path: filepath.Join(dir, name), Started: t})
		}
	}
	return out
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
	return w.write(r)
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
// can cut off at most the last line, which the reader tolerates.
func (w *Writer) write(v any) error {
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Errorf("report %s: encode: %w", w.path, err)
	}
	b = append(b, '\n')
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.f == nil {
		return fmt.Errorf("report %s: already closed", w.path)
	}
	if _, err := w.f.Write(b); err != nil {
		return fileutil.Wrap("write report", w.path, err)
	}
	if err := w.f.Sync(); err != nil {
		return fileutil.Wrap("sync report", w.path, err)
	}
	return nil
}
