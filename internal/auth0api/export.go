package auth0api

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/scim-migrate/scim-migrate/internal/plan"
	"github.com/scim-migrate/scim-migrate/internal/scim"
)

// ExportOptions says which connections an export reads and what it must
// know of each.
type ExportOptions struct {
	// Strategies keeps only the connections of these strategies; empty keeps
	// every connection that has a SCIM configuration.
	Strategies []string
	// NeedNames asks for every exported connection's name, for a manifest
	// keyed by name.
	NeedNames bool
	// NeedStrategies asks for every exported connection's strategy, which
	// Deploy CLI files state.
	NeedStrategies bool
	// Concurrency bounds the per-connection reads of the fallback.
	Concurrency int
}

// Export reads the SCIM configuration of every connection that has one and
// returns those connections sorted by id. The tenant-wide listing carries
// each configuration with its connection's name and strategy, so a normal
// export costs its pages and nothing else: the connection listing is read
// only when an answer lacked a name or strategy the export needs. When the
// tenant refuses the tenant-wide listing (403/404), the connections are
// listed and each one is read on its own.
func (c *Client) Export(ctx context.Context, opts ExportOptions) ([]*scim.LiveConnection, error) {
	live := plan.NewLive(c.Tenant().Name())
	_, err := c.listConfigs(ctx, live, nil, false)
	switch {
	case classifyListing(err) == meaningUnavailable:
		c.settings.Transport.Logger.Warn("the tenant refused the tenant-wide SCIM listing; listing the connections and reading each one on its own",
			"error", err)
		err = c.readEach(ctx, live, opts)
	case err == nil && lacksIdentity(live, opts):
		c.settings.Transport.Logger.Debug("the SCIM listing left names or strategies out; listing the connections to learn them")
		err = c.listConnectionsOf(ctx, live, exportStrategies(opts))
	}
	if err != nil {
		return nil, fmt.Errorf("export the SCIM configurations of %s: %w", c.Tenant().Name(), err)
	}
	return exported(live, opts.Strategies), nil
}

// readEach is the fallback of Export: it lists the connections, since no
// other answer says which exist, then reads each configuration not yet known.
func (c *Client) readEach(ctx context.Context, live *plan.Live, opts ExportOptions) error {
	if err := c.listConnectionsOf(ctx, live, exportStrategies(opts)); err != nil {
		return err
	}
	ids := make([]string, 0, len(live.Connections))
	for id := range live.Connections {
		ids = append(ids, id)
	}
	slices.Sort(ids) // a stable request order makes logs comparable
	return c.readUnsettled(ctx, live, unsettled(live, ids, false), opts.Concurrency)
}

// exportStrategies is the strategy filter of the connection listing: the
// requested ones, or every strategy that can have a SCIM configuration.
func exportStrategies(opts ExportOptions) []string {
	if len(opts.Strategies) > 0 {
		return opts.Strategies
	}
	return scim.SCIMStrategies
}

// lacksIdentity reports whether a configuration read lacks what the export
// needs of its connection: the strategy to filter on, or the name to key by.
// The API documents both as always present, so this is only a safeguard.
func lacksIdentity(live *plan.Live, opts ExportOptions) bool {
	for _, lc := range live.Connections {
		if lc.Config == nil {
			continue
		}
		if ((len(opts.Strategies) > 0 || opts.NeedStrategies) && lc.Strategy == "") || (opts.NeedNames && lc.Name == "") {
			return true
		}
	}
	return false
}

// exported lists the connections that have a configuration, of the given
// strategies when any are given, sorted by id.
func exported(live *plan.Live, strategies []string) []*scim.LiveConnection {
	out := make([]*scim.LiveConnection, 0, len(live.Connections))
	for _, lc := range live.Connections {
		if lc.Config != nil && (len(strategies) == 0 || slices.Contains(strategies, lc.Strategy)) {
			out = append(out, lc)
		}
	}
	slices.SortFunc(out, func(a, b *scim.LiveConnection) int { return strings.Compare(a.ID, b.ID) })
	return out
}
