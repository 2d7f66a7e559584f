// Package filekind tells which of the tool's documents a file holds (a
// saved plan, a run report, a manifest), by content, and names the command
// that takes each.
package filekind

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

// Kind names what a file scim-migrate reads holds.
type Kind string

const (
	Unknown  Kind = ""
	Plan     Kind = "plan"
	Report   Kind = "report"
	Manifest Kind = "manifest"
)

// sniffLimit is how much of a file is read to tell its kind: the first
// object of a plan or a report, or a manifest's first key, is near its start
// in a file scim-migrate wrote, and a large file is not read whole twice.
const sniffLimit = 64 << 20

// Of reads what the file at path holds; Unknown when it cannot be read or
// is none of the kinds.
func Of(path string) Kind {
	data, err := fileutil.ReadLimited(path, sniffLimit)
	if err != nil {
		return Unknown
	}
	return ofData(data)
}

// ofData tells a saved plan, a run report and a JSON manifest apart.
func ofData(data []byte) Kind {
	switch k, err := report.DetectKind(data); {
	case err == nil && k == report.KindPlan:
		return Plan
	case err == nil && k == report.KindRun:
		return Report
	}
	var top map[string]json.RawMessage
	if json.NewDecoder(bytes.NewReader(bytes.TrimPrefix(data, []byte("\xef\xbb\xbf")))).Decode(&top) == nil {
		if _, ok := top["connections"]; ok {
			return Manifest
		}
	}
	return Unknown
}

// Mismatch says that the file at path, given as flag where a want was
// expected, is a got instead, and which command takes it; "" when got is
// not another known kind, so that the reader's own error stands.
func Mismatch(path, flag string, want, got Kind) string {
	if got == Unknown || got == want {
		return ""
	}
	return fmt.Sprintf("%s %s is %s, not %s: %s", flag, path, describe(got), describe(want), commandFor(got, path))
}

func describe(k Kind) string {
	switch k {
	case Plan:
		return "a plan saved by plan --out"
	case Report:
		return "the report of a run"
	}
	return "a manifest"
}

// commandFor names the commands that take a file of kind k.
func commandFor(k Kind, path string) string {
	switch k {
	case Plan:
		return fmt.Sprintf("apply it with: scim-migrate apply --plan %s (scim-migrate report --from %s shows it)", path, path)
	case Report:
		return fmt.Sprintf("undo its run with: scim-migrate rollback --from %s (scim-migrate report --from %s shows it)", path, path)
	}
	return fmt.Sprintf("plan or apply it with: scim-migrate plan -f %s, scim-migrate apply -f %s", path, path)
}
