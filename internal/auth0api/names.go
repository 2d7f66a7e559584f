package auth0api

import (
	"context"
	"fmt"
	"net/http"
	"net/url"

	"github.com/auth0/go-auth0/management"
	"github.com/scim-migrate/scim-migrate/internal/execute"
	"github.com/scim-migrate/scim-migrate/internal/plan"
	"github.com/scim-migrate/scim-migrate/internal/scim"
)

// maxNameReads is how many connections are named one GET each; past it, one
// listing of the tenant's connections is cheaper.
const maxNameReads = 20

// nameNameless learns the name and strategy of the needed connections no
// read has named: those without a SCIM configuration, read by id (the SCIM
// routes answer them with a bare 404). A plan to create a configuration
// should say on which connection. It costs one GET per connection, or one
// connection listing when there are many; a client without read:connections
// keeps the ids alone, as names are only shown.
func (c *Client) nameNameless(ctx context.Context, live *plan.Live, needed []string, concurrency int) error {
	var ids []string
	for _, id := range needed {
		if lc := live.Connections[id]; lc != nil && lc.Name == "" {
			ids = append(ids, id)
		}
	}
	var err error
	switch {
	case len(ids) == 0:
		return nil
	case len(ids) > maxNameReads && !live.Complete:
		err = c.listConnections(ctx, live)
	default:
		err = c.readNames(ctx, live, ids, concurrency)
	}
	if classifyListing(err) == meaningUnavailable {
		c.settings.Transport.Logger.Debug("connections without a SCIM configuration are shown by id only: the client may not read connections",
			"error", err)
		return nil
	}
	return err
}

// readNames reads connections one by one (id, name, strategy only).
func (c *Client) readNames(ctx context.Context, live *plan.Live, ids []string, concurrency int) error {
	conns := make([]scim.Connection, len(ids))
	err := execute.ForEach(ctx, len(ids), concurrency, func(ctx context.Context, i int) error {
		return c.readConnection(ctx, ids[i], &conns[i])
	})
	if err != nil {
		return err
	}
	for _, conn := range conns {
		if lc := live.Connections[conn.ID]; lc != nil && conn.ID != "" {
			lc.Name, lc.Strategy = conn.Name, conn.Strategy
		}
	}
	return nil
}

// readConnection reads one connection's id, name and strategy.
func (c *Client) readConnection(ctx context.Context, id string, out *scim.Connection) error {
	if err := checkConnectionID(id); err != nil {
		return err
	}
	q := url.Values{"fields": {"id,name,strategy"}, "include_fields": {"true"}}
	err := c.Do(ctx, func(api *management.Management) error {
		return api.Request(ctx, http.MethodGet, api.URI("connections", id)+"?"+q.Encode(), out)
	})
	if err != nil {
		return fmt.Errorf("read connection %s: %w", id, err)
	}
	if out.ID != id {
		return fmt.Errorf("read connection %s: the answer is connection %q", id, out.ID)
	}
	return nil
}
