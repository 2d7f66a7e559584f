package scimtoken

// Action is what a token run does to one connection. It is not a
// configuration plan's action (plan.Action): a token plan and a run report
// of a token run carry it under the same name, "action".
type Action string

const (
	// ActionIssue issues a token (tokens issue).
	ActionIssue Action = "issue_token"
	// ActionRevoke revokes one token (tokens revoke, the rollback of an
	// issue or a rotation).
	ActionRevoke Action = "revoke_token"
	// ActionRotate revokes the older token of a connection at the maximum,
	// when it holds two, then issues one (tokens rotate).
	ActionRotate Action = "rotate_token"
	// ActionNone sends nothing: the connection cannot be worked on, and
	// the change's problem says why.
	ActionNone Action = "none"
)

// Actions are the token actions a report or a token plan may hold.
var Actions = []Action{ActionIssue, ActionRevoke, ActionRotate}

// IsTokenAction reports whether a report's action is a token run's.
func IsTokenAction(a string) bool {
	for _, t := range Actions {
		if string(t) == a {
			return true
		}
	}
	return false
}
