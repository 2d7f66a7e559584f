package emulator

import "net/http"

// scimConnLocked finds a connection whose strategy supports SCIM, or returns the
// 404 Auth0 gives: inexistent connection, or unsupported strategy (recorded for
// POST; extrapolated to every other SCIM route).
func (t *Tenant) scimConnLocked(id string) (*connRecord, *reply) {
	c := t.conns[id]
	if c == nil {
		rep := inexistentConnection()
		return nil, &rep
	}
	if !scimStrategies[c.strategy] {
		rep := unsupportedStrategy()
		return nil, &rep
	}
	return c, nil
}

// getSCIM answers GET …/scim-configuration: 404 "Not Found" without errorCode when
// the connection has no configuration.
func (t *Tenant) getSCIM(id string) reply {
	t.mu.RLock()
	defer t.mu.RUnlock()
	c, rep := t.scimConnLocked(id)
	if rep != nil {
		return *rep
	}
	if c.scim == nil {
		return notFound()
	}
	return jsonReply(http.StatusOK, t.configBodyLocked(c))
}

// createSCIM answers POST …/scim-configuration: missing properties take the
// strategy's defaults. A second POST is a 400 whose message contains "already
// exists" (unverified: inferred from auth0-deploy-cli's error handling).
func (t *Tenant) createSCIM(pl payload, id string) reply {
	return t.writeSCIM(pl, id, false, func(c *connRecord, in configInput) reply {
		if c.scim != nil {
			return errReply(http.StatusBadRequest, "A SCIM configuration already exists for this connection", "")
		}
		now := t.now().UTC()
		st := &scimState{userIDAttribute: defaultUserIDAttribute(c.strategy), mapping: DefaultMapping(c.strategy),
			createdAt: now, updatedOn: now}
		if in.userIDAttribute != nil {
			st.userIDAttribute = *in.userIDAttribute
		}
		if in.mapping != nil {
			st.mapping = in.mapping
		}
		c.scim = st
		t.rec.addWrite(id)
		return jsonReply(http.StatusCreated, t.configBodyLocked(c))
	})
}

// updateSCIM answers PATCH …/scim-configuration: the body replaces both fields,
// created_at stays, updated_on moves. 404 "Not Found" without a configuration.
func (t *Tenant) updateSCIM(pl payload, id string) reply {
	return t.writeSCIM(pl, id, true, func(c *connRecord, in configInput) reply {
		if c.scim == nil {
			return notFound()
		}
		c.scim.userIDAttribute = *in.userIDAttribute
		c.scim.mapping = in.mapping
		c.scim.touch(t.now().UTC())
		t.rec.addWrite(id)
		return jsonReply(http.StatusOK, t.configBodyLocked(c))
	})
}

// writeSCIM validates a POST or PATCH body (full: both fields required, as
// PATCH does), then runs apply on the connection with the tenant locked.
func (t *Tenant) writeSCIM(pl payload, id string, full bool, apply func(*connRecord, configInput) reply) reply {
	if pl.err != nil {
		return *pl.err
	}
	in, rep := parseConfigBody(pl.data, full)
	if rep != nil {
		return *rep
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	c, rep := t.scimConnLocked(id)
	if rep != nil {
		return *rep
	}
	return apply(c, in)
}

// deleteSCIM answers DELETE …/scim-configuration: 204 whether or not a
// configuration existed (recorded). The connection's SCIM tokens go with it
// (extrapolated).
func (t *Tenant) deleteSCIM(id string) reply {
	t.mu.Lock()
	defer t.mu.Unlock()
	c, rep := t.scimConnLocked(id)
	if rep != nil {
		return *rep
	}
	if c.scim != nil {
		c.scim, c.tokens = nil, nil
		t.rec.addWrite(id)
	}
	return emptyReply(http.StatusNoContent)
}

// defaultMapping answers GET …/default-mapping with the strategy's default,
// whether or not the connection has a configuration (extrapolated).
func (t *Tenant) defaultMapping(id string) reply {
	t.mu.RLock()
	c, rep := t.scimConnLocked(id)
	t.mu.RUnlock()
	if rep != nil {
		return *rep
	}
	defaults := DefaultMapping(c.strategy)
	items := make([]defaultMappingItem, 0, len(defaults))
	for _, m := range defaults {
		items = append(items, defaultMappingItem{Auth0: m.Auth0, SCIM: m.SCIM})
	}
	return jsonReply(http.StatusOK, struct {
		Mapping []defaultMappingItem `json:"mapping"`
	}{items})
}
