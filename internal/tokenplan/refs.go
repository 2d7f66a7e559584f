package tokenplan

import (
	"slices"

	"github.com/scim-migrate/scim-migrate/internal/scimtoken"
)

// FromRefs is what tokens revoke --from chooses: only the tokens a handoff
// file or a report names (ids, for scimtoken.Choice.IDs), on the
// connections that hold them (each once, in the order named), which become
// the selection unless one was given (selected: nil is returned, and the
// given selection stands).
func FromRefs(refs []scimtoken.TokenRef, selected bool) (ids map[string]bool, connections []string) {
	ids = map[string]bool{}
	for _, r := range refs {
		ids[r.TokenID] = true
		if !selected && !slices.Contains(connections, r.ConnectionID) {
			connections = append(connections, r.ConnectionID)
		}
	}
	return ids, connections
}
