package runlog

import (
	"errors"

	"github.com/scim-migrate/scim-migrate/internal/scimtoken"
)

// KindOf tells what a report's run wrote: the header's kind since
// version 6; for older reports, from its intents (then, for a run that
// sent nothing, its command). A rollback must undo each kind its own way,
// and never take a token's intent for a configuration's (its before is
// empty, which would read as "delete").
func KindOf(run *Run) (Kind, error) {
	if run.Header.Kind != "" {
		return run.Header.Kind, nil
	}
	kinds := map[Kind]bool{}
	for _, in := range run.Intents {
		switch scimtoken.Action(in.Action) {
		case scimtoken.ActionIssue:
			kinds[KindTokenIssue] = true
		case scimtoken.ActionRevoke:
			kinds[KindTokenRevoke] = true
		default:
			kinds[KindConfig] = true
		}
	}
	if len(kinds) > 1 {
		return "", errMixed
	}
	for k := range kinds {
		return k, nil
	}
	switch run.Header.Command {
	case "tokens revoke":
		return KindTokenRevoke, nil
	case "tokens issue":
		return KindTokenIssue, nil
	}
	return KindConfig, nil
}

var errMixed = errors.New("the report mixes configuration and token writes, which no run of scim-migrate does; it was edited or concatenated")
