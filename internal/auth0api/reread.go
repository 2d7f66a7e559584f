package auth0api

import (
	"context"
	"fmt"

	"github.com/scim-migrate/scim-migrate/internal/execute"
)

// ListConfigPage reads one page of the tenant-wide SCIM configuration
// listing for a run's reads just before its writes (execute.Tenant): the
// first page for an empty cursor, else the page after the one whose next
// value the cursor is. It relies only on what Auth0 documents: a cursor is
// always one the tenant returned, never made from a connection id, and the
// page is taken in the tenant's order, whatever it is. A listing the tenant
// refuses (400, 403, 404) is an error wrapping execute.ErrListingRefused,
// said once in the log.
func (c *Client) ListConfigPage(ctx context.Context, cursor string, take int) (execute.ConfigPage, error) {
	page, next, err := c.listPage(ctx, cursor, take)
	if m := classifyListing(err); m == meaningUnavailable || m == meaningRejected {
		c.refusedOnce.Do(func() {
			c.settings.Transport.Logger.Info("reading each connection on its own just before its write: the tenant refused its SCIM configuration listing", "error", err)
		})
		return execute.ConfigPage{}, fmt.Errorf("%w: %w", execute.ErrListingRefused, err)
	}
	if err != nil {
		return execute.ConfigPage{}, err
	}
	out := execute.ConfigPage{Configs: make([]execute.Listed, len(page)), Next: next}
	for i, lc := range page {
		out.Configs[i] = execute.Listed{ID: lc.ID, Config: lc.Config}
	}
	return out, nil
}

// ReadConnection reads one connection's configuration now, with one GET
// (execute.Tenant).
func (c *Client) ReadConnection(ctx context.Context, id string) (execute.ReadState, error) {
	lc, found, err := c.readConfig(ctx, id)
	if err != nil {
		return execute.ReadState{}, err
	}
	f := execute.ReadState{Found: found}
	if found {
		f.Config = lc.Config
	}
	return f, nil
}

// Listed is how many SCIM configurations the client's last live read went
// through in the tenant-wide listing (execute.Options.Listed); 0 when it
// did not walk it (refused).
func (c *Client) Listed() int { return int(c.listed.Load()) }
