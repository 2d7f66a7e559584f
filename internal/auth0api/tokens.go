package auth0api

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/auth0/go-auth0/management"
	"github.com/scim-migrate/scim-migrate/internal/execute"
	"github.com/scim-migrate/scim-migrate/internal/plan"
	"github.com/scim-migrate/scim-migrate/internal/scim"
	"github.com/scim-migrate/scim-migrate/internal/scimtoken"
)

// ErrNoSCIMConfiguration is a connection without a SCIM configuration (or
// without existence): it has no tokens and cannot be given one.
var ErrNoSCIMConfiguration = errors.New("the connection has no SCIM configuration")

// ListTokens lists a connection's SCIM tokens (execute.TokenTenant).
func (c *Client) ListTokens(ctx context.Context, connID string) ([]scimtoken.Token, error) {
	if err := checkConnectionID(connID); err != nil {
		return nil, err
	}
	var listed []*management.SCIMToken
	err := c.Do(ctx, func(api *management.Management) error {
		var err error
		listed, err = api.Connection.ListSCIMToken(ctx, connID)
		return err
	})
	switch classify(err) {
	case meaningOK:
	case meaningNoConfig, meaningNoConnection, meaningUnsupported:
		return nil, fmt.Errorf("list the SCIM tokens of %s: %w", connID, ErrNoSCIMConfiguration)
	default:
		return nil, fmt.Errorf("list the SCIM tokens of %s: %w", connID, err)
	}
	out := make([]scimtoken.Token, 0, len(listed))
	for _, t := range listed {
		tok, err := tokenOf(t)
		if err != nil {
			return nil, fmt.Errorf("list the SCIM tokens of %s: %w", connID, err)
		}
		out = append(out, tok)
	}
	return out, nil
}

// IssueToken issues a SCIM token (execute.TokenTenant). The request is sent
// once: a 429 (refused before any work) is retried, but nothing that may
// have issued a token is, since a repeat would issue a second one.
func (c *Client) IssueToken(ctx context.Context, connID string, req execute.TokenRequest) (scimtoken.Issued, error) {
	if err := checkConnectionID(connID); err != nil {
		return scimtoken.Issued{}, err
	}
	// The SDK decodes the answer into the request's body: each request gets
	// its own copy of the scopes, so no answer writes into the caller's.
	scopes := slices.Clone(req.Scopes)
	body := &management.SCIMToken{Scopes: &scopes}
	if req.Lifetime > 0 {
		seconds := int(req.Lifetime / time.Second)
		body.TokenLifeTime = &seconds
	}
	ctx = sendOnce(ctx)
	err := c.Do(ctx, func(api *management.Management) error {
		return api.Connection.CreateSCIMToken(ctx, connID, body)
	})
	if err != nil {
		return scimtoken.Issued{}, issueError(connID, err)
	}
	tok, err := tokenOf(body)
	if err == nil && (tok.ID == "" || body.GetToken() == "") {
		err = errors.New("the answer lacks the token or its id")
	}
	if err != nil {
		// The tenant took the request: a token may exist whose secret this
		// answer does not give.
		return scimtoken.Issued{}, &execute.UncertainError{Err: fmt.Errorf("issue a SCIM token for %s: %w", connID, err)}
	}
	return scimtoken.Issued{Token: tok, Secret: body.GetToken()}, nil
}

// issueError classifies a failed issue: fatal, uncertain (it may have
// issued a token), or refused.
func issueError(connID string, err error) error {
	if execute.IsFatal(err) || errors.Is(err, execute.ErrNotSent) {
		return err
	}
	err = fmt.Errorf("issue a SCIM token for %s: %w", connID, err)
	switch m := classify(err); {
	case uncertain(err, plan.ActionNone):
		return &execute.UncertainError{Err: err}
	case m == meaningNoConfig, m == meaningNoConnection, m == meaningUnsupported:
		return fmt.Errorf("%w (%w)", ErrNoSCIMConfiguration, err)
	}
	return err
}

// RevokeToken revokes a SCIM token (execute.TokenTenant). A revoke is safe
// to repeat, so it is retried like a read; a 404 means the token is gone.
func (c *Client) RevokeToken(ctx context.Context, connID, tokenID string) error {
	if err := checkConnectionID(connID); err != nil {
		return err
	}
	if !scimtoken.ValidTokenID(tokenID) {
		return fmt.Errorf("revoke SCIM token of %s: invalid token id %q", connID, tokenID)
	}
	ctx, attempts := WithAttemptCounter(ctx)
	err := c.Do(ctx, func(api *management.Management) error {
		return api.Connection.DeleteSCIMToken(ctx, connID, tokenID)
	})
	switch {
	case err == nil:
		return nil
	case statusOf(err) == 404 && attempts.Load() > 1:
		// An earlier attempt, whose answer was lost, revoked it.
		return nil
	case statusOf(err) == 404:
		return execute.ErrTokenGone
	case execute.IsFatal(err) || errors.Is(err, execute.ErrNotSent):
		return err
	}
	err = fmt.Errorf("revoke SCIM token %s of %s: %w", tokenID, connID, err)
	if uncertain(err, plan.ActionNone) {
		return &execute.UncertainError{Err: err}
	}
	return err
}

// tokenOf reads a token as the tenant gave it, leaving its secret out.
func tokenOf(t *management.SCIMToken) (scimtoken.Token, error) {
	tok := scimtoken.Token{ID: t.GetTokenID(), Scopes: t.GetScopes()}
	if tok.ID != "" && !scimtoken.ValidTokenID(tok.ID) {
		return tok, fmt.Errorf("the tenant answered an unexpected token id %q", tok.ID)
	}
	for _, f := range []struct {
		name  string
		value *string
		into  *time.Time
	}{{"created_at", t.CreatedAt, &tok.CreatedAt}, {"valid_until", t.ValidUntil, &tok.ValidUntil}, {"last_used_at", t.LastUsedAt, &tok.LastUsedAt}} {
		if f.value == nil || *f.value == "" {
			continue
		}
		v, err := time.Parse(time.RFC3339Nano, *f.value)
		if err != nil {
			return tok, fmt.Errorf("token %s: %s %q is not a time", tok.ID, f.name, *f.value)
		}
		*f.into = v.UTC()
	}
	return tok, nil
}

type sendOnceKey struct{}

// sendOnce marks a request that must not be repeated once it may have
// reached the tenant: only a 429 (refused before any work) is retried.
func sendOnce(ctx context.Context) context.Context {
	return context.WithValue(ctx, sendOnceKey{}, true)
}

func isSendOnce(ctx context.Context) bool {
	once, _ := ctx.Value(sendOnceKey{}).(bool)
	return once
}

// ConfiguredConnections lists the connections that have a SCIM
// configuration, from the tenant-wide SCIM listing (which names them and
// gives their strategies). When the tenant refuses that listing, it lists
// the connections of the SCIM strategies instead and says it could not tell
// which have a configuration (complete false): a token request then tells.
func (c *Client) ConfiguredConnections(ctx context.Context) (conns []scim.Connection, complete bool, err error) {
	live := plan.NewLive(c.Tenant().Name())
	_, err = c.listConfigs(ctx, live, nil, false)
	if classifyListing(err) == meaningUnavailable {
		c.settings.Transport.Logger.Warn("the tenant refused the tenant-wide SCIM listing; listing the connections of the SCIM strategies instead", "error", err)
		live = plan.NewLive(c.Tenant().Name())
		if err := c.listConnections(ctx, live); err != nil {
			return nil, false, err
		}
		return connectionsOf(live, false), false, nil
	}
	if err != nil {
		return nil, false, err
	}
	return connectionsOf(live, true), true, nil
}

// connectionsOf lists a live state's connections in name order, those with
// a configuration only when configured is set.
func connectionsOf(live *plan.Live, configured bool) []scim.Connection {
	var out []scim.Connection
	for _, lc := range live.Sorted() {
		if !configured || lc.Config != nil {
			out = append(out, lc.Connection)
		}
	}
	return out
}
