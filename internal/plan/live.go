package plan

import (
	"cmp"
	"slices"
	"strings"
)

// Connection identifies a live connection.
type Connection struct {
	ID       string `json:"id"`
	Name     string `json:"name"`
	Strategy string `json:"strategy"`
}

// LiveConnection is a connection as read from the tenant, with its SCIM
// configuration (nil when it has none).
type LiveConnection struct {
	Connection
	Config *Config
	// NoSCIM is set when the API said the connection's strategy does not
	// support SCIM, though the strategy itself was not read.
	NoSCIM bool
}

// Live is the tenant's state as read for one manifest: only what the
// manifest needs, not necessarily the whole tenant.
type Live struct {
	// Tenant names the tenant the state was read from.
	Tenant string
	// Connections holds every connection the read learned of, by id. A
	// referenced id absent from it does not exist on the tenant.
	Connections map[string]*LiveConnection
	// Complete is true when Connections holds every SCIM-capable connection of
	// the tenant, which selectors and name references need.
	Complete bool
}

// NewLive returns an empty live state for a tenant.
func NewLive(tenant string) *Live {
	return &Live{Tenant: tenant, Connections: map[string]*LiveConnection{}}
}

// Put records a connection, keeping a configuration already known for it when
// the new record has none (a connection listing carries no configurations).
func (l *Live) Put(c *LiveConnection) {
	if old, ok := l.Connections[c.ID]; ok && c.Config == nil {
		c.Config = old.Config
	}
	l.Connections[c.ID] = c
}

// NameIndex maps each connection name to its connection. Auth0 connection
// names are unique within a tenant.
func (l *Live) NameIndex() map[string]*LiveConnection {
	idx := make(map[string]*LiveConnection, len(l.Connections))
	for _, c := range l.Connections {
		if c.Name != "" {
			idx[c.Name] = c
		}
	}
	return idx
}

// Sorted returns the connections ordered by name, then id, so that everything
// derived from a listing is stable.
func (l *Live) Sorted() []*LiveConnection {
	out := make([]*LiveConnection, 0, len(l.Connections))
	for _, c := range l.Connections {
		out = append(out, c)
	}
	slices.SortFunc(out, func(a, b *LiveConnection) int {
		return cmp.Or(strings.Compare(a.Name, b.Name), strings.Compare(a.ID, b.ID))
	})
	return out
}

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
func (r Refs) Selects(c Connection) bool {
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
