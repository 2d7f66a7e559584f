package manifest

import (
	"slices"

	"github.com/scim-migrate/scim-migrate/internal/scim"
)

// Refs is what the live read must cover for a manifest.
type Refs struct {
	// IDs are the connection ids named by the manifest.
	IDs []string
	// Names are the connection names named by the manifest; resolving them
	// needs a connection listing.
	Names []string
	// Selectors are the manifest's selectors; resolving them needs a listing
	// of every SCIM-capable connection.
	Selectors []*Selector
}

// NeedsConnectionListing reports whether the read must list connections.
func (r Refs) NeedsConnectionListing() bool { return len(r.Names) > 0 || len(r.Selectors) > 0 }

// Selects reports whether any of the selectors selects the connection.
func (r Refs) Selects(c scim.Connection) bool {
	for _, s := range r.Selectors {
		if s.Matches(c) {
			return true
		}
	}
	return false
}

// Refs lists what the manifest refers to.
func (m *Manifest) Refs() Refs {
	var r Refs
	for i := range m.Entries {
		e := &m.Entries[i]
		switch {
		case e.ConnectionID != "":
			r.IDs = append(r.IDs, e.ConnectionID)
		case e.ConnectionName != "":
			r.Names = append(r.Names, e.ConnectionName)
		case e.Select != nil:
			r.Selectors = append(r.Selectors, e.Select)
		}
	}
	return r
}

// Matches reports whether the selector selects a connection. Only
// SCIM-capable connections are ever selected.
func (s *Selector) Matches(c scim.Connection) bool {
	if !scim.SupportsSCIM(c.Strategy) {
		return false
	}
	if len(s.Strategies) > 0 && !slices.Contains(s.Strategies, c.Strategy) {
		return false
	}
	return s.NamePattern == "" || MatchName(s.NamePattern, c.Name)
}
