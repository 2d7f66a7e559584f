package emulator

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"slices"
	"time"
)

// LoadSeedFile reads a Seed from a JSON file, refusing unknown fields.
func LoadSeedFile(path string) (Seed, error) {
	var s Seed
	data, err := os.ReadFile(path)
	if err != nil {
		return s, fmt.Errorf("reading seed: %w", err)
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&s); err != nil {
		return s, fmt.Errorf("decoding seed %s: %w", path, err)
	}
	return s, nil
}

// LoadSeed adds the seed's clients, tokens and connections; a non-empty
// TenantName replaces the tenant's. The connections are all validated first,
// so nothing is added when one of them is invalid.
func (t *Tenant) LoadSeed(s Seed) error {
	t.mu.Lock()
	defer t.mu.Unlock()
	batch := map[string]bool{}
	recs := make([]*connRecord, 0, len(s.Connections))
	for i, c := range s.Connections {
		rec, err := t.recordFromSeedLocked(c, batch)
		if err != nil {
			return fmt.Errorf("seed connection %d (%q): %w", i, c.Name, err)
		}
		recs = append(recs, rec)
	}
	for i, c := range s.Clients {
		if c.ID == "" || c.Secret == "" {
			return fmt.Errorf("seed client %d: client_id and client_secret are required", i)
		}
	}
	for i, tok := range s.Tokens {
		if tok.Token == "" {
			return fmt.Errorf("seed token %d: token is required", i)
		}
	}
	if s.TenantName != "" {
		t.tenantName = s.TenantName
	}
	for _, c := range s.Clients {
		t.clients[c.ID] = Client{ID: c.ID, Secret: c.Secret, Scopes: slices.Clone(c.Scopes)}
	}
	for _, tok := range s.Tokens {
		t.addStaticLocked(tok)
	}
	for _, rec := range recs {
		t.insertLocked(rec)
	}
	return nil
}

// AddClient registers (or replaces) a client-credentials application.
func (t *Tenant) AddClient(c Client) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.clients[c.ID] = Client{ID: c.ID, Secret: c.Secret, Scopes: slices.Clone(c.Scopes)}
}

// AddStaticToken registers a bearer token that never expires unless ExpireTokens is called.
func (t *Tenant) AddStaticToken(tok StaticToken) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.addStaticLocked(tok)
}

// recordFromSeedLocked validates a seeded connection against the tenant and the
// ids and names already taken in the same batch (keys "id:" and "name:").
func (t *Tenant) recordFromSeedLocked(c Connection, batch map[string]bool) (*connRecord, error) {
	if batch == nil {
		batch = map[string]bool{}
	}
	id := c.ID
	if id == "" {
		id = t.freshIDLocked()
	}
	switch {
	case !connIDPattern.MatchString(id):
		return nil, fmt.Errorf("id %q does not match %s", id, connIDPattern)
	case t.conns[id] != nil || batch["id:"+id]:
		return nil, fmt.Errorf("duplicate connection id %q", id)
	case c.Name == "":
		return nil, errors.New("name is required")
	case t.byName[c.Name] != "" || batch["name:"+c.Name]:
		return nil, fmt.Errorf("duplicate connection name %q", c.Name)
	case !knownStrategies[c.Strategy]:
		return nil, fmt.Errorf("unknown strategy %q", c.Strategy)
	}
	rec := &connRecord{id: id, name: c.Name, strategy: c.Strategy, displayName: c.Name,
		options: json.RawMessage(`{}`), realms: []string{c.Name}}
	if c.SCIM != nil {
		st, err := seedSCIM(c.Strategy, c.SCIM, t.now())
		if err != nil {
			return nil, err
		}
		rec.scim = st
	}
	batch["id:"+id], batch["name:"+c.Name] = true, true
	return rec, nil
}

// seedSCIM turns a seeded configuration into stored state, filling defaults like POST {} does.
func seedSCIM(strategy string, cfg *SCIMConfig, now time.Time) (*scimState, error) {
	if !scimStrategies[strategy] {
		return nil, fmt.Errorf("strategy %q does not support SCIM", strategy)
	}
	for i, m := range cfg.Mapping {
		if m.SCIM == "" || m.Auth0 == "" {
			return nil, fmt.Errorf("scim_configuration mapping[%d]: scim and auth0 must be non-empty", i)
		}
	}
	st := &scimState{userIDAttribute: cfg.UserIDAttribute, mapping: slices.Clone(cfg.Mapping)}
	if st.userIDAttribute == "" {
		st.userIDAttribute = defaultUserIDAttribute(strategy)
	}
	if st.mapping == nil {
		st.mapping = DefaultMapping(strategy)
	}
	st.createdAt = now.UTC()
	st.updatedOn = st.createdAt
	return st, nil
}
