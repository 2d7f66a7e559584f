package tokenplan

import (
	"time"

	"github.com/scim-migrate/scim-migrate/internal/scimtoken"
)

// Held is one target's tokens as the tenant listed them, or why it could
// not list them.
type Held struct {
	Tokens []scimtoken.Token
	Err    error
	// NoConfiguration says the tenant answered that the connection has no
	// SCIM configuration: it holds no token.
	NoConfiguration bool
}

// TokensOf are each target's tokens (none for a connection without a SCIM
// configuration), or the first error that kept a target's from being
// listed.
func TokensOf(held []Held) ([][]scimtoken.Token, error) {
	out := make([][]scimtoken.Token, len(held))
	for i, h := range held {
		switch {
		case h.NoConfiguration:
		case h.Err != nil:
			return nil, h.Err
		default:
			out[i] = h.Tokens
		}
	}
	return out, nil
}

// Audit flags each target's tokens (scimtoken.AuditConnection). A
// connection without a SCIM configuration (a manifest's, or one selected
// without knowing, and found to have none) is left out: it has no token;
// the manifest's are returned, to be said. One whose tokens could not be
// listed carries the error; one asked for that cannot be worked on, its
// problem.
func Audit(targets []Target, held []Held, now time.Time, within time.Duration, tenantURL string) (conns []scimtoken.AuditedConnection, leftOut []Target) {
	for i, t := range targets {
		c := scimtoken.AuditedConnection{ConnectionID: t.Conn.ID, ConnectionName: t.Conn.Name, Strategy: t.Conn.Strategy,
			Endpoint: scimtoken.EndpointURL(tenantURL, t.Conn.ID), Tokens: []scimtoken.AuditedToken{}, Flags: []scimtoken.Flag{}}
		switch {
		case t.Unconfigured:
			leftOut = append(leftOut, t)
			continue
		case t.Unsure && held[i].NoConfiguration:
			continue
		case t.Problem != "":
			c.Error, c.NotFound = t.Problem, t.NotFound
		case held[i].Err != nil:
			c.Error = held[i].Err.Error()
		default:
			c = scimtoken.AuditConnection(c, held[i].Tokens, now, within)
		}
		conns = append(conns, c)
	}
	return conns, leftOut
}
