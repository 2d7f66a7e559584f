package auth0api

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"

	"github.com/auth0/go-auth0/management"
	"github.com/scim-migrate/scim-migrate/internal/execute"
	"github.com/scim-migrate/scim-migrate/internal/manifest"
	"github.com/scim-migrate/scim-migrate/internal/plan"
	"github.com/scim-migrate/scim-migrate/internal/scim"
)

// maxPages guards against a tenant that hands out cursors forever.
const maxPages = 100_000

// ReadLive reads what a manifest needs of the tenant with as few requests as
// the API allows: one connection listing when names or selectors must be
// resolved, then the tenant-wide SCIM configuration listing (pages of 100,
// stopping early once every needed connection is seen), and one GET only for
// a connection the listings did not settle. When the tenant refuses the
// tenant-wide listing (403/404), every needed connection is read on its own.
func (c *Client) ReadLive(ctx context.Context, refs manifest.Refs, concurrency int) (*plan.Live, error) {
	live := plan.NewLive(c.Tenant().Name())
	if refs.NeedsConnectionListing() {
		if err := c.listConnections(ctx, live); err != nil {
			return nil, err
		}
		live.Complete = true
	}
	needed := neededIDs(refs, live)
	complete, err := c.listConfigs(ctx, live, needed, len(refs.Selectors) == 0)
	c.listed.Store(int64(configured(live)))
	if classifyListing(err) == meaningUnavailable {
		c.settings.Transport.Logger.Warn("the tenant refused the tenant-wide SCIM listing; reading each connection on its own",
			"error", err, "connections", len(needed))
		complete, err = false, nil
	}
	if err != nil {
		return nil, err
	}
	if err := c.readUnsettled(ctx, live, unsettled(live, needed, complete), concurrency); err != nil {
		return nil, err
	}
	if err := c.nameNameless(ctx, live, needed, concurrency); err != nil {
		return nil, err
	}
	return live, nil
}

// configured counts the connections of live that have a configuration:
// after the tenant-wide listing, the configurations it went through.
func configured(live *plan.Live) int {
	n := 0
	for _, lc := range live.Connections {
		if lc.Config != nil {
			n++
		}
	}
	return n
}

// neededIDs lists the connections the manifest reaches: its ids, the ids of
// its names, and the listed connections its selectors select.
func neededIDs(refs manifest.Refs, live *plan.Live) []string {
	seen := map[string]bool{}
	var ids []string
	add := func(id string) {
		if !seen[id] {
			seen[id] = true
			ids = append(ids, id)
		}
	}
	for _, id := range refs.IDs {
		add(id)
	}
	names := live.NameIndex()
	for _, n := range refs.Names {
		for _, c := range names[n] {
			add(c.ID)
		}
	}
	if len(refs.Selectors) == 0 {
		return ids
	}
	for _, c := range live.Sorted() {
		if refs.Selects(c.Connection) {
			add(c.ID)
		}
	}
	return ids
}

// unsettled lists the needed connections whose configuration is still
// unknown. After a complete tenant-wide listing, a listed connection missing
// from it has none; anything else must be read.
func unsettled(live *plan.Live, needed []string, complete bool) []string {
	var out []string
	for _, id := range needed {
		lc := live.Connections[id]
		if lc != nil && (lc.Config != nil || complete) {
			continue
		}
		out = append(out, id)
	}
	return out
}

// readUnsettled reads connections one by one through the worker pool.
func (c *Client) readUnsettled(ctx context.Context, live *plan.Live, ids []string, concurrency int) error {
	results := make([]*scim.LiveConnection, len(ids))
	err := execute.ForEach(ctx, len(ids), concurrency, func(ctx context.Context, i int) error {
		lc, found, err := c.readConfig(ctx, ids[i])
		if err != nil {
			return err
		}
		if found {
			results[i] = lc
		}
		return nil
	})
	if err != nil {
		return err
	}
	for _, lc := range results {
		if lc != nil {
			mergeRead(live, lc)
		}
	}
	return nil
}

// mergeRead records a connection read on its own, keeping the name and
// strategy a connection listing gave when the read could not tell them.
func mergeRead(live *plan.Live, lc *scim.LiveConnection) {
	if old, ok := live.Connections[lc.ID]; ok {
		if lc.Name == "" {
			lc.Name = old.Name
		}
		if lc.Strategy == "" {
			lc.Strategy = old.Strategy
		}
	}
	live.Put(lc)
}

// listConfigs reads the tenant-wide SCIM configuration listing into live.
// When stopEarly is set it stops as soon as every needed connection has been
// seen. It reports whether it read the listing to its end.
func (c *Client) listConfigs(ctx context.Context, live *plan.Live, needed []string, stopEarly bool) (bool, error) {
	missing := map[string]bool{}
	for _, id := range needed {
		missing[id] = true
	}
	from := ""
	for range maxPages {
		configs, next, err := c.listPage(ctx, from, pageSize)
		if err != nil {
			return false, err
		}
		for _, lc := range configs {
			mergeRead(live, lc)
			delete(missing, lc.ID)
		}
		if next == "" {
			return true, nil
		}
		if next == from {
			return false, errors.New("list SCIM configurations: the tenant returned the same cursor twice")
		}
		if stopEarly && len(missing) == 0 {
			return false, nil
		}
		from = next
	}
	return false, fmt.Errorf("list SCIM configurations: more than %d pages", maxPages)
}

// listPage reads one page of the tenant-wide SCIM configuration listing,
// from a cursor the tenant returned ("" for the first page): Auth0
// documents from as a checkpoint to continue from, and answers 400
// "Invalid pagination cursor" to one it does not know.
func (c *Client) listPage(ctx context.Context, from string, take int) ([]*scim.LiveConnection, string, error) {
	var page scimListPage
	q := url.Values{"take": {itoa(take)}}
	if from != "" {
		q.Set("from", from)
	}
	err := c.Do(ctx, func(api *management.Management) error {
		return api.Request(ctx, http.MethodGet, listURL(api, "connections-scim-configurations", q), &page)
	})
	if err != nil {
		return nil, "", fmt.Errorf("list SCIM configurations: %w", err)
	}
	bodies, err := page.configs()
	if err != nil {
		return nil, "", fmt.Errorf("list SCIM configurations: %w", err)
	}
	out := make([]*scim.LiveConnection, len(bodies))
	for i := range bodies {
		if out[i], err = bodies[i].live(); err != nil {
			return nil, "", fmt.Errorf("list SCIM configurations: %w", err)
		}
	}
	return out, page.Next, nil
}

// listConnections reads every SCIM-capable connection (id, name, strategy
// only) into live, to resolve names and selectors.
func (c *Client) listConnections(ctx context.Context, live *plan.Live) error {
	return c.listConnectionsOf(ctx, live, scim.SCIMStrategies)
}

// listConnectionsOf reads the connections of the given strategies (id, name,
// strategy only) into live. Narrowing the listing to the strategies a caller
// needs saves pages under the connection listing's own, lower rate limit.
func (c *Client) listConnectionsOf(ctx context.Context, live *plan.Live, strategies []string) error {
	from := ""
	for range maxPages {
		var page connectionPage
		q := url.Values{"strategy": strategies, "fields": {"id,name,strategy"},
			"include_fields": {"true"}, "take": {itoa(pageSize)}}
		if from != "" {
			q.Set("from", from)
		}
		err := c.Do(ctx, func(api *management.Management) error {
			return api.Request(ctx, http.MethodGet, listURL(api, "connections", q), &page)
		})
		if err != nil {
			return fmt.Errorf("list connections: %w", err)
		}
		conns, err := page.connections()
		if err != nil {
			return fmt.Errorf("list connections: %w", err)
		}
		for _, conn := range conns {
			if conn.ID == "" {
				return errors.New("list connections: the tenant answered a connection without an id")
			}
			live.Put(&scim.LiveConnection{Connection: conn})
		}
		if page.Next == "" {
			return nil
		}
		if page.Next == from {
			return errors.New("list connections: the tenant returned the same cursor twice")
		}
		from = page.Next
	}
	return fmt.Errorf("list connections: more than %d pages", maxPages)
}
