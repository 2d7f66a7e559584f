package tokenplan

import (
	"time"

	"github.com/scim-migrate/scim-migrate/internal/runlog"
	"github.com/scim-migrate/scim-migrate/internal/scim"
	"github.com/scim-migrate/scim-migrate/internal/scimtoken"
)

// failed is the change of a target that cannot be worked on.
func failed(t Target) Change {
	return Change{Identity: identity(t), Action: scimtoken.ActionNone, Decided: runlog.StatusFailed, Problem: t.Problem}
}

func identity(t Target) scim.Identity {
	return scim.Identity{ID: t.Conn.ID, Name: t.Conn.Name, Strategy: t.Conn.Strategy}
}

// Issue plans one token per target; a target that cannot hold one fails
// without a request.
func Issue(targets []Target, req Request, meta Meta) *Plan {
	changes := make([]Change, 0, len(targets))
	for _, t := range targets {
		if t.Problem != "" {
			changes = append(changes, failed(t))
			continue
		}
		changes = append(changes, Change{Identity: identity(t), Action: scimtoken.ActionIssue})
	}
	p := meta.plan(runlog.KindTokenIssue, changes)
	p.Request = &req
	return p
}

// Revoke plans the revoke of the tokens choice picks among each target's
// (held[i] are targets[i]'s tokens). A connection without a configuration
// has none, and is left out.
func Revoke(targets []Target, held [][]scimtoken.Token, choice scimtoken.Choice, now time.Time, meta Meta) *Plan {
	var changes []Change
	for i, t := range targets {
		switch {
		case t.Unconfigured:
			continue
		case t.Problem != "":
			changes = append(changes, failed(t))
			continue
		}
		revoke, _ := choice.Choose(held[i], now)
		for _, tok := range revoke {
			changes = append(changes, Change{Identity: identity(t), Action: scimtoken.ActionRevoke, TokenID: tok.ID})
		}
	}
	return meta.plan(runlog.KindTokenRevoke, changes)
}

// Rotate plans a rotation per target: where the connection holds the
// maximum of tokens, the older is revoked to make room; one token is
// issued; every other token stays valid, so the identity provider keeps
// provisioning until it has the new one.
func Rotate(targets []Target, held [][]scimtoken.Token, req Request, meta Meta) *Plan {
	changes := make([]Change, 0, len(targets))
	for i, t := range targets {
		if t.Problem != "" {
			changes = append(changes, failed(t))
			continue
		}
		c := Change{Identity: identity(t), Action: scimtoken.ActionRotate}
		if tokens := scimtoken.NewestFirst(held[i]); len(tokens) >= scimtoken.MaxPerConnection {
			c.TokenID = tokens[len(tokens)-1].ID
		}
		changes = append(changes, c)
	}
	p := meta.plan(runlog.KindTokenRotate, changes)
	p.Request = &req
	return p
}
