package manifest

import (
	"fmt"
	"strings"

	"github.com/scim-migrate/scim-migrate/internal/scim"
)

// Mode says how an entry's mapping combines with the live mapping.
type Mode string

const (
	// ModeReplace makes the manifest's mapping the whole mapping.
	ModeReplace Mode = "replace"
	// ModeMerge sets each manifest entry by its scim key and keeps every other
	// live entry.
	ModeMerge Mode = "merge"
)

// Pos is a place in an input file, printed as FILE:LINE the way compilers do,
// so editors and terminals can jump to it.
type Pos struct {
	File string `json:"file"`
	Line int    `json:"line"`
}

func (p Pos) String() string { return fmt.Sprintf("%s:%d", p.File, p.Line) }

// Selector names a set of connections instead of one (see the selectors issue).
type Selector struct {
	Strategies  []string `json:"strategy,omitempty"`
	NamePattern string   `json:"name_pattern,omitempty"`
}

// Entry is one connection's desired SCIM configuration as the manifest states it.
// Exactly one of ConnectionID, ConnectionName and Select is set.
type Entry struct {
	// Pos is where the entry starts: the JSON object's line, or the first CSV row.
	Pos            Pos
	ConnectionID   string
	ConnectionName string
	Select         *Selector
	Mode           Mode
	// UserIDAttribute is empty when the manifest leaves it out (merge mode only).
	UserIDAttribute string
	Mapping         []scim.Pair
	// MappingPos holds the position of each Mapping element, in the same order.
	MappingPos      []Pos
	CreateIfMissing bool
}

// Key names the entry's connection for messages: its id, its name or its selector.
func (e *Entry) Key() string {
	switch {
	case e.ConnectionID != "":
		return e.ConnectionID
	case e.ConnectionName != "":
		return fmt.Sprintf("name %q", e.ConnectionName)
	case e.Select != nil:
		return fmt.Sprintf("select strategy=%s name_pattern=%q", strings.Join(e.Select.Strategies, ","), e.Select.NamePattern)
	}
	return "(no connection)"
}

// Manifest is a parsed and validated manifest.
type Manifest struct {
	// Path is the file the manifest was read from, as the user named it.
	Path string
	// SHA256 is the hex SHA-256 of the file's bytes, recorded in plans and
	// reports so a run can be traced to the exact manifest.
	SHA256  string
	Entries []Entry
}

// Problem is one thing wrong with an input file, at a position.
type Problem struct {
	Pos     Pos
	Message string
}

func (p Problem) Error() string { return p.Pos.String() + ": " + p.Message }

// Problems is every problem found in an input; as an error it prints one
// problem per line, so a user can fix them all in one pass.
type Problems []Problem

func (ps Problems) Error() string {
	lines := make([]string, len(ps))
	for i, p := range ps {
		lines[i] = p.Error()
	}
	return strings.Join(lines, "\n")
}
