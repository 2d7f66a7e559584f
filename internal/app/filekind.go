package app

import (
	"bytes"
	"encoding/json"
	"fmt"

	"github.com/scim-migrate/scim-migrate/internal/fileutil"
	"github.com/scim-migrate/scim-migrate/internal/report"
)

// Users bring terraform's habits: a saved plan handed to apply as a
// manifest, a plan handed to rollback as a report. A file of the wrong kind
// is named for what it is, with the command that takes it, instead of the
// parser's complaint about its first line (told by content, never by name).

// fileKind names what a file scim-migrate reads holds.
type fileKind string

const (
	kindUnknown  fileKind = ""
	kindPlan     fileKind = "plan"
	kindReport   fileKind = "report"
	kindManifest fileKind = "manifest"
)

// sniffLimit is how much of a file is read to tell its kind: the first
// object of a plan or a report, or a manifest's first key, is near its start
// in a file scim-migrate wrote, and a large file is not read whole twice.
const sniffLimit = 64 << 20

// kindOfFile reads what the file at path holds; kindUnknown when it cannot
// be read or is none of the kinds.
func kindOfFile(path string) fileKind {
	if isStdin(path) {
		return kindUnknown
	}
	data, err := fileutil.ReadLimited(path, sniffLimit)
	if err != nil {
		return kindUnknown
	}
	return kindOfData(data)
}

// kindOfData tells a saved plan, a run report and a JSON manifest apart.
func kindOfData(data []byte) fileKind {
	switch k, err := report.DetectKind(data); {
	case err == nil && k == report.KindPlan:
		return kindPlan
	case err == nil && k == report.KindRun:
		return kindReport
	}
	var top map[string]json.RawMessage
	if json.NewDecoder(bytes.NewReader(bytes.TrimPrefix(data, []byte("\xef\xbb\xbf")))).Decode(&top) == nil {
		if _, ok := top["connections"]; ok {
			return kindManifest
		}
	}
	return kindUnknown
}

// wrongKind is the error for a file of kind got given where want was
// expected (flag: how the user gave it); nil when the file is not of
// another known kind, so that the reader's own error stands.
func wrongKind(path, flag string, want, got fileKind) error {
	if got == kindUnknown || got == want {
		return nil
	}
	return &usageError{err: fmt.Errorf("%s %s is %s, not %s: %s", flag, path, describeKind(got), describeKind(want), commandFor(got, path)),
		hint: "Run 'scim-migrate --help' for the commands."}
}

func describeKind(k fileKind) string {
	switch k {
	case kindPlan:
		return "a plan saved by plan --out"
	case kindReport:
		return "the report of a run"
	}
	return "a manifest"
}

// commandFor names the commands that take a file of kind k.
func commandFor(k fileKind, path string) string {
	switch k {
	case kindPlan:
		return fmt.Sprintf("apply it with: scim-migrate apply --plan %s (scim-migrate report --from %s shows it)", path, path)
	case kindReport:
		return fmt.Sprintf("undo its run with: scim-migrate rollback --from %s (scim-migrate report --from %s shows it)", path, path)
	}
	return fmt.Sprintf("plan or apply it with: scim-migrate plan -f %s, scim-migrate apply -f %s", path, path)
}
