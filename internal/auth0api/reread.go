package auth0api

import (
	"context"
	"fmt"
	"slices"

	"github.com/scim-migrate/scim-migrate/internal/execute"
	"github.com/scim-migrate/scim-migrate/internal/scim"
)

// Read reads the configurations of connections now (execute.Tenant), for
// the run to decide each write against the state just before it. A run of
// consecutive connections (in id order, the listing's order) costs one page
// of the tenant-wide listing, started at the first id; a lone connection,
// and any the page did not settle, cost one GET each. When the tenant's
// listing cannot serve this (refused, or not in id order), the client reads
// one by one from then on.
func (c *Client) Read(ctx context.Context, ids []string) (map[string]execute.Fresh, error) {
	ids = slices.Sorted(slices.Values(ids))
	out := make(map[string]execute.Fresh, len(ids))
	rest := ids
	for len(rest) > 1 && c.rangeReads.Load() {
		next, err := c.readRange(ctx, rest, out)
		if err != nil {
			return nil, err
		}
		if len(next) == len(rest) {
			break
		}
		rest = next
	}
	for _, id := range rest {
		lc, found, err := c.readConfig(ctx, id)
		if err != nil {
			return nil, err
		}
		f := execute.Fresh{Found: found}
		if found {
			f.Config = lc.Config
		}
		out[id] = f
	}
	return out, nil
}

// readRange reads one listing page from ids[0] and settles, into out, the
// ids the page covers: each one listed, and each one absent from a stretch
// the page spans (it has no configuration). ids[0] itself is settled only
// when listed, since whether a page starts at its "from" or after it is not
// documented. It returns the ids left to read.
func (c *Client) readRange(ctx context.Context, ids []string, out map[string]execute.Fresh) ([]string, error) {
	page, next, err := c.listPage(ctx, ids[0], pageSize)
	if m := classifyListing(err); m == meaningUnavailable || m == meaningRejected || (err == nil && !inIDOrder(page, ids[0])) {
		c.stopRangeReads(err)
		return ids, nil
	}
	if err != nil {
		return nil, err
	}
	listed := make(map[string]*scim.Config, len(page))
	for _, lc := range page {
		listed[lc.ID] = lc.Config
	}
	var rest []string
	for _, id := range ids {
		cfg, ok := listed[id]
		switch {
		case ok:
			out[id] = execute.Fresh{Found: true, Config: cfg}
		case id != ids[0] && covers(page, next, id):
			out[id] = execute.Fresh{Found: true}
		default:
			rest = append(rest, id)
		}
	}
	return rest, nil
}

// covers reports whether a page read in id order spans id: the listing has
// no further page, or its last id is past id.
func covers(page []*scim.LiveConnection, next, id string) bool {
	return next == "" || (len(page) > 0 && page[len(page)-1].ID > id)
}

// inIDOrder reports whether a page lists connections from "from" on in
// strictly increasing id order, as reading ranges needs.
func inIDOrder(page []*scim.LiveConnection, from string) bool {
	prev := from
	for i, lc := range page {
		if lc.ID < prev || (i > 0 && lc.ID == prev) {
			return false
		}
		prev = lc.ID
	}
	return true
}

// stopRangeReads makes every later read one GET per connection, saying why
// once.
func (c *Client) stopRangeReads(err error) {
	if c.rangeReads.Swap(false) {
		reason := "its pages are not in connection id order"
		if err != nil {
			reason = fmt.Sprintf("it refused a page from a connection id (%v)", err)
		}
		c.settings.Transport.Logger.Info("reading connections again one by one before their writes: the tenant-wide listing cannot serve ranges, " + reason)
	}
}
