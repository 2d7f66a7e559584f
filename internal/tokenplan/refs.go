package tokenplan

import (
	"slices"

	"github.com/scim-migrate/scim-migrate/internal/scimtoken"
)

// FromRefs is what tokens revoke --from chooses: only the tokens a handoff
// file or a report names (ids, for scimtoken.Choice.IDs), on the
// connections that hold them (each once, in the order named), which are
// the selection when none is given.
func FromRefs(refs []scimtoken.TokenRef) (ids map[string]bool, connections []string) {
	ids = map[string]bool{}
	for _, r := range refs {
		ids[r.TokenID] = true
		if !slices.Contains(connections, r.ConnectionID) {
			connections = append(connections, r.ConnectionID)
		}
	}
	return ids, connections
}
