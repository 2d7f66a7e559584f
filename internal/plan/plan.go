package plan

import (
	"time"

	"github.com/scim-migrate/scim-migrate/internal/manifest"
	"github.com/scim-migrate/scim-migrate/internal/scim"
)

// FormatVersion is the version of the plan's JSON form. It changes whenever
// a consumer of saved plans would have to change; apply refuses other versions.
const FormatVersion = 2

// Action is what applying a change does to one connection.
type Action string

const (
	// ActionCreate creates a SCIM configuration where the connection has none.
	ActionCreate Action = "create"
	// ActionUpdate replaces the live configuration with After.
	ActionUpdate Action = "update"
	// ActionNone means the live configuration already equals the desired one.
	ActionNone Action = "none"
	// ActionMissing means the connection has no SCIM configuration and the
	// manifest did not ask for one to be created: nothing is done.
	ActionMissing Action = "missing"
	// ActionDelete removes the connection's SCIM configuration. Only a
	// rollback plans it, to undo a create; a manifest never asks for it.
	ActionDelete Action = "delete"
)

// Origin says what a plan was made from, so that renderings and commands
// never have to guess it from other fields.
type Origin string

const (
	// OriginManifest is a plan made from a manifest against the live state.
	OriginManifest Origin = "manifest"
	// OriginRollback is the undoing of a run, made from its report; it is
	// shown for review and applied at once, never saved.
	OriginRollback Origin = "rollback"
)

// Plan is the complete, self-contained result of planning: everything a
// rendering needs and everything apply --plan needs to detect drift. It is a
// plain value, saved as JSON and read back unchanged.
type Plan struct {
	Version     int       `json:"version"`
	Origin      Origin    `json:"origin"`
	ToolVersion string    `json:"tool_version"`
	Tenant      string    `json:"tenant"`
	CreatedAt   time.Time `json:"created_at"`
	Manifest    Source    `json:"manifest"`
	Summary     Summary   `json:"summary"`
	Changes     []Change  `json:"changes"`
	// Warnings are things the user should know that do not stop the plan,
	// such as a selector that matches no connection.
	Warnings []string `json:"warnings,omitempty"`
	// Unresolved lists the entries that name a connection the tenant does
	// not have (see Unresolved); apply reports each one as failed.
	Unresolved []Unresolved `json:"unresolved,omitempty"`
	// SavedAs is the file a saved plan was read from; empty for a plan made
	// in this run.
	SavedAs string `json:"-"`
}

// Source identifies the manifest a plan was made from.
type Source struct {
	Path   string `json:"path"`
	SHA256 string `json:"sha256"`
}

// Summary counts the plan's changes by action.
type Summary struct {
	Create    int `json:"create"`
	Update    int `json:"update"`
	Unchanged int `json:"unchanged"`
	Missing   int `json:"missing"`
	// Delete counts deletions, which only rollback plans have.
	Delete int `json:"delete,omitempty"`
	// Conflict counts the changes that will not be written because the live
	// state is no longer the one they were computed against.
	Conflict int `json:"conflict,omitempty"`
	// NotFound counts the manifest entries naming a connection the tenant
	// does not have (Plan.Unresolved): a difference no write can close.
	NotFound int `json:"not_found,omitempty"`
}

// HasChanges reports whether applying the plan would write anything.
// Connections that are only missing do not count.
func (s Summary) HasChanges() bool { return s.Create+s.Update+s.Delete > 0 }

// Differs reports whether the tenant differs from what the plan was made
// from: it has changes, or an entry names a connection the tenant lacks (a
// deleted or renamed connection must fail a drift check, plan
// --detailed-exitcode, though no write can fix it).
func (s Summary) Differs() bool { return s.HasChanges() || s.NotFound > 0 }

// Change is the plan for one connection of the manifest.
type Change struct {
	scim.Identity
	Action Action        `json:"action"`
	Mode   manifest.Mode `json:"mode"`
	// Before is the live configuration the change was computed against (nil
	// when the connection has none). apply --plan compares it with the live
	// state again to detect drift.
	Before *scim.Config `json:"before"`
	// After is the configuration the connection will have (nil for missing).
	After *scim.Config `json:"after"`
	// Asked is, in merge mode, what the manifest entry itself asked for (an
	// empty user_id_attribute keeps the live one). When the live state moves
	// between the plan and the write, it is merged again onto the state read
	// just before the write, so other entries made meanwhile survive.
	Asked *scim.Config `json:"asked,omitempty"`
	// From is the manifest entry the change came from (zero in a rollback).
	From manifest.Pos `json:"from"`
	// Conflict, when set, says why the change will not be written: the live
	// state moved away from Before (see Recheck).
	Conflict string `json:"conflict,omitempty"`
}

// SummarizePlan counts a plan's changes by action, and its unresolved
// entries.
func SummarizePlan(p *Plan) Summary {
	s := Summarize(p.Changes)
	s.NotFound = len(p.Unresolved)
	return s
}

// Summarize counts changes by action.
func Summarize(changes []Change) Summary {
	var s Summary
	for _, c := range changes {
		if c.Conflict != "" {
			s.Conflict++
			continue
		}
		switch c.Action {
		case ActionCreate:
			s.Create++
		case ActionUpdate:
			s.Update++
		case ActionNone:
			s.Unchanged++
		case ActionMissing:
			s.Missing++
		case ActionDelete:
			s.Delete++
		}
	}
	return s
}
