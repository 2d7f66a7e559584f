package emulator

import (
	"crypto/rand"
	"encoding/json"
	"fmt"
	"slices"
	"time"
)

// connRecord is the stored state of one connection.
type connRecord struct {
	id, name, strategy, displayName string
	options                         json.RawMessage
	metadata                        json.RawMessage
	isDomain, showAsButton          bool
	enabledClients, realms          []string
	scim                            *scimState
	tokens                          []scimToken
	seq                             uint64 // creation number: the place in OrderByCreation
}

// scimState is a stored SCIM configuration.
type scimState struct {
	userIDAttribute      string
	mapping              []Mapping
	createdAt, updatedOn time.Time
}

func (s *scimState) public() *SCIMConfig {
	return &SCIMConfig{UserIDAttribute: s.userIDAttribute, Mapping: slices.Clone(s.mapping)}
}

// touch moves updated_on forward, strictly, even within one millisecond, so that
// a PATCH is always visible in the body.
func (s *scimState) touch(now time.Time) {
	if earliest := s.updatedOn.Add(time.Millisecond); now.Before(earliest) {
		now = earliest
	}
	s.updatedOn = now
}

const alnum = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"

// randomAlnum returns n random letters and digits (crypto/rand: ids and tokens
// made at run time need no reproducibility, only uniqueness).
func randomAlnum(n int) string {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		panic(fmt.Sprintf("emulator: crypto/rand: %v", err))
	}
	for i := range b {
		b[i] = alnum[int(b[i])%len(alnum)]
	}
	return string(b)
}

// freshIDLocked returns a con_ id used by no live or deleted connection.
func (t *Tenant) freshIDLocked() string {
	for {
		id := "con_" + randomAlnum(16)
		if t.conns[id] == nil && !t.deleted[id] {
			return id
		}
	}
}

// insertLocked stores a validated record; the sorted index is rebuilt lazily.
func (t *Tenant) insertLocked(c *connRecord) {
	t.conns[c.id] = c
	t.byName[c.name] = c.id
	delete(t.deleted, c.id)
	t.index = append(t.index, c.id)
	t.indexDirty = true
	t.listing.seq++
	c.seq = t.listing.seq
	t.listing.orderDirty = true
}

func (t *Tenant) removeLocked(id string) {
	c := t.conns[id]
	delete(t.conns, id)
	delete(t.byName, c.name)
	t.deleted[id] = true
	t.indexDirty = true
	t.listing.orderDirty = true
}

// withIndex runs fn with the sorted id index under the tenant lock: a read lock
// normally, a write lock when the index has to be rebuilt first (O(n log n) once
// after a batch of inserts or deletes, never per insert).
func (t *Tenant) withIndex(fn func(ids []string)) {
	t.mu.RLock()
	if !t.indexDirty {
		defer t.mu.RUnlock()
		fn(t.index)
		return
	}
	t.mu.RUnlock()
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.indexDirty {
		ids := make([]string, 0, len(t.conns))
		for id := range t.conns {
			ids = append(ids, id)
		}
		slices.Sort(ids)
		t.index, t.indexDirty = ids, false
	}
	fn(t.index)
}

// AddConnection adds a connection (with its SCIM configuration when c.SCIM is set)
// and returns its id: c.ID, or a fresh con_ + 16 alphanumerics when empty.
func (t *Tenant) AddConnection(c Connection) (string, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	rec, err := t.recordFromSeedLocked(c, nil)
	if err != nil {
		return "", err
	}
	t.insertLocked(rec)
	return rec.id, nil
}

// Connections returns the tenant's connections sorted by id, with their SCIM configurations.
func (t *Tenant) Connections() []Connection {
	var out []Connection
	t.withIndex(func(ids []string) {
		out = make([]Connection, 0, len(ids))
		for _, id := range ids {
			c := t.conns[id]
			pc := Connection{ID: c.id, Name: c.name, Strategy: c.strategy}
			if c.scim != nil {
				pc.SCIM = c.scim.public()
			}
			out = append(out, pc)
		}
	})
	return out
}

// SCIMConfig returns a copy of a connection's SCIM configuration; false when it has none.
func (t *Tenant) SCIMConfig(id string) (*SCIMConfig, bool) {
	t.mu.RLock()
	defer t.mu.RUnlock()
	c := t.conns[id]
	if c == nil || c.scim == nil {
		return nil, false
	}
	return c.scim.public(), true
}

// SetSCIMConfig changes a configuration out of band (drift), without a request:
// nil removes it. created_at is kept when one existed. Unknown ids are ignored.
func (t *Tenant) SetSCIMConfig(id string, cfg *SCIMConfig) {
	t.mu.Lock()
	defer t.mu.Unlock()
	c := t.conns[id]
	if c == nil {
		return
	}
	if cfg == nil {
		c.scim, c.tokens = nil, nil
		return
	}
	now := t.now().UTC()
	if c.scim == nil {
		c.scim = &scimState{createdAt: now, updatedOn: now}
	} else {
		c.scim.touch(now)
	}
	c.scim.userIDAttribute = cfg.UserIDAttribute
	c.scim.mapping = slices.Clone(cfg.Mapping)
}

// Snapshot returns a copy of every connection's configuration, nil for connections without one.
func (t *Tenant) Snapshot() map[string]*SCIMConfig {
	t.mu.RLock()
	defer t.mu.RUnlock()
	out := make(map[string]*SCIMConfig, len(t.conns))
	for id, c := range t.conns {
		if c.scim != nil {
			out[id] = c.scim.public()
		} else {
			out[id] = nil
		}
	}
	return out
}
