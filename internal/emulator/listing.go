package emulator

import (
	"encoding/json"
	"fmt"
	"math"
	"net/http"
	"sort"
)

const (
	defaultPageSize = 50
	maxPageSize     = 100
)

// connQuery is a validated GET /api/v2/connections query.
type connQuery struct {
	checkpoint    bool // from or take present: checkpoint mode, offset parameters ignored
	page, perPage int
	totals        bool
	from, name    string
	take          int
	strategies    map[string]bool
	proj          projection
}

func parseConnQuery(raw string) (connQuery, *reply) {
	var cq connQuery
	q, rep := parseQuery(raw, "page", "per_page", "include_totals", "from", "take",
		"strategy", "name", "fields", "include_fields")
	if rep != nil {
		return cq, rep
	}
	cq.checkpoint = q.has("from") || q.has("take")
	steps := []func() *reply{
		func() (r *reply) { cq.page, r = q.integer("page", 0, 0, 0); return },
		func() (r *reply) { cq.perPage, r = q.integer("per_page", 1, maxPageSize, defaultPageSize); return },
		func() (r *reply) { cq.totals, r = q.boolean("include_totals", false); return },
		func() (r *reply) { cq.take, r = q.integer("take", 1, maxPageSize, defaultPageSize); return },
		func() (r *reply) { cq.from, r = q.from(); return },
		func() (r *reply) { cq.name, r = q.text("name"); return },
		func() (r *reply) { cq.proj, r = q.projection(); return },
		func() (r *reply) { cq.strategies, r = strategyFilter(q); return },
	}
	for _, step := range steps {
		if rep := step(); rep != nil {
			return cq, rep
		}
	}
	return cq, nil
}

// strategyFilter reads the repeatable strategy parameter.
func strategyFilter(q query) (map[string]bool, *reply) {
	vs := q.vals["strategy"]
	if len(vs) == 0 {
		return nil, nil
	}
	set := map[string]bool{}
	for _, s := range vs {
		if !knownStrategies[s] {
			rep := queryError(fmt.Sprintf("No enum match for: %q", s), "strategy")
			return nil, &rep
		}
		set[s] = true
	}
	return set, nil
}

func (cq connQuery) match(c *connRecord) bool {
	return (cq.strategies == nil || cq.strategies[c.strategy]) && (cq.name == "" || c.name == cq.name)
}

// listConnections answers GET /api/v2/connections in offset or checkpoint mode.
func (t *Tenant) listConnections(r *http.Request) reply {
	cq, rep := parseConnQuery(r.URL.RawQuery)
	if rep != nil {
		return *rep
	}
	var out reply
	order := t.withIndex
	if cq.checkpoint {
		order = t.withOrder
	}
	order(func(ids []string) {
		if cq.name != "" { // names are unique: look the one candidate up instead of scanning
			ids = nil
			if id := t.byName[cq.name]; id != "" {
				ids = []string{id}
			}
		}
		if cq.checkpoint {
			out = t.connCheckpointLocked(ids, cq)
		} else {
			out = t.connOffsetLocked(ids, cq)
		}
	})
	return out
}

// scanLocked collects up to n records matching from position start of the sorted
// ids, and tells whether another match follows (so the last page has no next).
func (t *Tenant) scanLocked(ids []string, start, n int, match func(*connRecord) bool) ([]*connRecord, bool) {
	var page []*connRecord
	for i := start; i < len(ids); i++ {
		c := t.conns[ids[i]]
		if !match(c) {
			continue
		}
		if len(page) == n {
			return page, true
		}
		page = append(page, c)
	}
	return page, false
}

// after returns the position of the first id greater than the cursor's.
func after(ids []string, cursor string) int {
	if cursor == "" {
		return 0
	}
	return sort.Search(len(ids), func(i int) bool { return ids[i] > cursor })
}

func (t *Tenant) connCheckpointLocked(ids []string, cq connQuery) reply {
	start, rep := t.startFromLocked(ids, cq.from, false)
	if rep != nil {
		return *rep
	}
	page, more := t.scanLocked(ids, start, min(cq.take, t.listing.pageCap()), cq.match)
	body := struct {
		Connections []json.RawMessage `json:"connections"`
		Next        string            `json:"next,omitempty"`
	}{Connections: renderAll(page, cq.proj)}
	if more {
		body.Next = t.listing.cursorAfter(page[len(page)-1])
	}
	return jsonReply(http.StatusOK, body)
}

func (t *Tenant) connOffsetLocked(ids []string, cq connQuery) reply {
	matched := ids
	if cq.strategies != nil || cq.name != "" {
		matched = nil
		for _, id := range ids {
			if cq.match(t.conns[id]) {
				matched = append(matched, id)
			}
		}
	}
	start := len(matched) // computed without overflow for absurd page numbers
	if cq.page <= len(matched)/cq.perPage {
		start = cq.page * cq.perPage
	}
	end := min(start+cq.perPage, len(matched))
	page := make([]*connRecord, 0, end-start)
	for _, id := range matched[start:end] {
		page = append(page, t.conns[id])
	}
	items := renderAll(page, cq.proj)
	if !cq.totals {
		return jsonReply(http.StatusOK, items)
	}
	return jsonReply(http.StatusOK, struct {
		Total       int               `json:"total"`
		Start       int               `json:"start"`
		Limit       int               `json:"limit"`
		Connections []json.RawMessage `json:"connections"`
	}{len(matched), saturatedProduct(cq.page, cq.perPage), cq.perPage, items})
}

func renderAll(page []*connRecord, p projection) []json.RawMessage {
	out := make([]json.RawMessage, 0, len(page))
	for _, c := range page {
		out = append(out, c.render(p))
	}
	return out
}

// listSCIMConfigs answers GET /api/v2/connections-scim-configurations: checkpoint
// pages of the connections that have a configuration, in the order and with
// the cursors of the tenant's ListingBehaviour (by connection id by default).
func (t *Tenant) listSCIMConfigs(r *http.Request) reply {
	q, rep := parseQuery(r.URL.RawQuery, "from", "take")
	if rep != nil {
		return *rep
	}
	take, rep := q.integer("take", 1, maxPageSize, defaultPageSize)
	if rep != nil {
		return *rep
	}
	var out reply
	from, rep := q.from()
	if rep != nil {
		return *rep
	}
	t.withOrder(func(ids []string) {
		start, rep := t.startFromLocked(ids, from, true)
		if rep != nil {
			out = *rep
			return
		}
		hasConfig := func(c *connRecord) bool { return c.scim != nil }
		page, more := t.scanLocked(ids, start, min(take, t.listing.pageCap()), hasConfig)
		body := struct {
			Configs []configBody `json:"scim_configurations"`
			Next    string       `json:"next,omitempty"`
		}{Configs: make([]configBody, 0, len(page))}
		for _, c := range page {
			body.Configs = append(body.Configs, t.configBodyLocked(c))
		}
		if more {
			body.Next = t.listing.cursorAfter(page[len(page)-1])
		}
		out = jsonReply(http.StatusOK, body)
	})
	return out
}

// saturatedProduct multiplies page and page size, capping instead of overflowing.
func saturatedProduct(a, b int) int {
	if b != 0 && a > math.MaxInt/b {
		return math.MaxInt
	}
	return a * b
}
