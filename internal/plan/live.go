package plan

import (
	"cmp"
	"slices"
	"strings"

	"github.com/scim-migrate/scim-migrate/internal/scim"
)

// Live is the tenant's state as read for one manifest: only what the
// manifest needs, not necessarily the whole tenant.
type Live struct {
	// Tenant names the tenant the state was read from.
	Tenant string
	// Connections holds every connection the read learned of, by id. A
	// referenced id absent from it does not exist on the tenant.
	Connections map[string]*scim.LiveConnection
	// Complete is true when Connections holds every SCIM-capable connection of
	// the tenant, which selectors and name references need.
	Complete bool
}

// NewLive returns an empty live state for a tenant.
func NewLive(tenant string) *Live {
	return &Live{Tenant: tenant, Connections: map[string]*scim.LiveConnection{}}
}

// Put records a connection, keeping a configuration already known for it when
// the new record has none (a connection listing carries no configurations).
func (l *Live) Put(c *scim.LiveConnection) {
	if old, ok := l.Connections[c.ID]; ok && c.Config == nil {
		c.Config = old.Config
	}
	l.Connections[c.ID] = c
}

// NameIndex maps each connection name to its connections. Auth0 keeps
// connection names unique within a tenant, but a name may still reach two
// connections (renamed while being read, or a tenant that does not keep
// them unique): resolving such a name is refused rather than guessed.
func (l *Live) NameIndex() map[string][]*scim.LiveConnection {
	idx := make(map[string][]*scim.LiveConnection, len(l.Connections))
	for _, c := range l.Connections {
		if c.Name != "" {
			idx[c.Name] = append(idx[c.Name], c)
		}
	}
	for _, cs := range idx {
		if len(cs) > 1 {
			slices.SortFunc(cs, func(a, b *scim.LiveConnection) int { return strings.Compare(a.ID, b.ID) })
		}
	}
	return idx
}

// Sorted returns the connections ordered by name, then id, so that everything
// derived from a listing is stable.
func (l *Live) Sorted() []*scim.LiveConnection {
	out := make([]*scim.LiveConnection, 0, len(l.Connections))
	for _, c := range l.Connections {
		out = append(out, c)
	}
	slices.SortFunc(out, func(a, b *scim.LiveConnection) int {
		return cmp.Or(strings.Compare(a.Name, b.Name), strings.Compare(a.ID, b.ID))
	})
	return out
}
