package emulator

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"hash/fnv"
	"slices"
	"sort"
	"strings"
)

// ListingBehaviour is how the tenant-wide listings choose where Auth0's reference is silent.
// It applies to GET /api/v2/connections-scim-configurations and to the checkpoint
// mode of GET /api/v2/connections; its zero value is the emulator's historic
// choice (connection ids accepted as from, id order, pages of at most 100).
type ListingBehaviour struct {
	OwnCursorsOnly bool      // `from` accepts only a `next` value this tenant returned; anything else (e.g. a connection id) -> 400 "Invalid pagination cursor" (errorCode invalid_query_string / as auth0-api.md says)
	Order          ListOrder // order of both checkpoint listings
	PageCap        int       // most items one page holds whatever `take` asks (0: 100); some tenants cap at 50
}

// ListOrder is the order both checkpoint listings list connections in.
type ListOrder int

const (
	// OrderByID lists connections by id (the zero value).
	OrderByID ListOrder = iota
	// OrderByCreation lists connections in the order they were created.
	OrderByCreation
	// OrderShuffled lists connections in a stable order seeded by
	// Faults.Seed: the same between pages and walks, unrelated to ids.
	OrderShuffled /* stable seeded shuffle */
)

// String names an order, for test names and tables.
func (o ListOrder) String() string {
	switch o {
	case OrderByID:
		return "by-id"
	case OrderByCreation:
		return "by-creation"
	case OrderShuffled:
		return "shuffled"
	}
	return fmt.Sprintf("order(%d)", int(o))
}

// listingState is what the listings keep to serve a ListingBehaviour: each
// connection's place in the order is a key that never changes while the
// connection exists, and a cursor carries the key of the last connection a
// page returned, so a walk lists every connection that exists throughout it
// exactly once whatever is created or deleted between its pages.
type listingState struct {
	behaviour  ListingBehaviour
	seed       int64
	seq        uint64   // the last creation number handed out
	sealKey    []byte   // signs the cursors of the sealed format
	order      []string // ids in listing order, valid unless orderDirty
	orderDirty bool
}

func (l *listingState) init(b ListingBehaviour, seed int64) {
	l.behaviour, l.seed, l.orderDirty = b, seed, true
	l.sealKey = make([]byte, 16)
	if _, err := rand.Read(l.sealKey); err != nil {
		panic(fmt.Sprintf("emulator: crypto/rand: %v", err))
	}
}

// pageCap is the most items a page holds.
func (l *listingState) pageCap() int {
	if l.behaviour.PageCap > 0 {
		return min(l.behaviour.PageCap, maxPageSize)
	}
	return maxPageSize
}

// legacy reports whether cursors are the historic ones (the last id, and
// connection ids accepted as from on the SCIM listing).
func (l *listingState) legacy() bool {
	return l.behaviour.Order == OrderByID && !l.behaviour.OwnCursorsOnly
}

// keyOf is a connection's place in the listing order.
func (l *listingState) keyOf(c *connRecord) string {
	switch l.behaviour.Order {
	case OrderByCreation:
		return fmt.Sprintf("%016x", c.seq)
	case OrderShuffled:
		return l.shuffleKey(c.id)
	}
	return c.id
}

func (l *listingState) shuffleKey(id string) string {
	h := fnv.New64a()
	var seed [8]byte
	binary.BigEndian.PutUint64(seed[:], uint64(l.seed))
	h.Write(seed[:])
	h.Write([]byte(id))
	return fmt.Sprintf("%016x", h.Sum64()) + id
}

// cursorAfter is the next value of a page whose last connection is c.
func (l *listingState) cursorAfter(c *connRecord) string {
	if l.legacy() {
		return encodeCursor(c.id)
	}
	key := l.keyOf(c)
	return base64.RawURLEncoding.EncodeToString([]byte(sealedPrefix + key + "." + l.seal(key)))
}

// sealedPrefix starts the cursors of every behaviour but the zero value: a
// key and its signature, so that only a next value this tenant returned is
// taken for one.
const sealedPrefix = "cp2:"

func (l *listingState) seal(key string) string {
	m := hmac.New(sha256.New, l.sealKey)
	m.Write([]byte(key))
	return hex.EncodeToString(m.Sum(nil)[:8])
}

// startFrom is the position in order (the ids in listing order) of a page's
// first connection for the from parameter; a connection id is accepted (the
// page starts at it) only when ids are and the listing allows it.
func (t *Tenant) startFromLocked(order []string, from string, ids bool) (int, *reply) {
	if from == "" {
		return 0, nil
	}
	l := &t.listing
	if l.legacy() {
		if ids && connIDPattern.MatchString(from) {
			return sort.SearchStrings(order, from), nil
		}
		id, rep := decodeCursor(from)
		return after(order, id), rep
	}
	if key, ok := l.unseal(from); ok {
		return t.searchLocked(order, key, false), nil
	}
	if ids && !l.behaviour.OwnCursorsOnly && connIDPattern.MatchString(from) {
		if l.behaviour.Order == OrderShuffled {
			return t.searchLocked(order, l.shuffleKey(from), true), nil
		}
		if c := t.conns[from]; c != nil {
			return t.searchLocked(order, l.keyOf(c), true), nil
		}
	}
	r := invalidCursor()
	return 0, &r
}

// searchLocked is the position of the first connection whose key is past
// key (or equal to it, when inclusive).
func (t *Tenant) searchLocked(order []string, key string, inclusive bool) int {
	return sort.Search(len(order), func(i int) bool {
		k := t.listing.keyOf(t.conns[order[i]])
		return k > key || (inclusive && k == key)
	})
}

// unseal reads a cursor of the sealed format; false for anything else.
func (l *listingState) unseal(from string) (string, bool) {
	raw, err := base64.RawURLEncoding.DecodeString(from)
	if err != nil {
		return "", false
	}
	body, found := strings.CutPrefix(string(raw), sealedPrefix)
	i := strings.LastIndexByte(body, '.')
	if !found || i < 0 {
		return "", false
	}
	key, sig := body[:i], body[i+1:]
	return key, hmac.Equal([]byte(sig), []byte(l.seal(key)))
}

// withOrder runs fn with the ids in listing order under the tenant lock,
// rebuilding the order first when connections came or went.
func (t *Tenant) withOrder(fn func(ids []string)) {
	if t.listing.behaviour.Order == OrderByID {
		t.withIndex(fn)
		return
	}
	t.mu.RLock()
	if !t.listing.orderDirty {
		defer t.mu.RUnlock()
		fn(t.listing.order)
		return
	}
	t.mu.RUnlock()
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.listing.orderDirty {
		type keyed struct{ key, id string }
		all := make([]keyed, 0, len(t.conns))
		for id, c := range t.conns {
			all = append(all, keyed{t.listing.keyOf(c), id})
		}
		slices.SortFunc(all, func(a, b keyed) int { return strings.Compare(a.key, b.key) })
		order := make([]string, len(all))
		for i, k := range all {
			order[i] = k.id
		}
		t.listing.order, t.listing.orderDirty = order, false
	}
	fn(t.listing.order)
}

// decodeCursor reads a cursor of the historic format: the last id a page
// returned, or the 400 "Invalid pagination cursor".
func decodeCursor(s string) (string, *reply) {
	raw, err := base64.RawURLEncoding.DecodeString(s)
	id, found := strings.CutPrefix(string(raw), cursorPrefix)
	if err != nil || !found || !connIDPattern.MatchString(id) {
		r := invalidCursor()
		return "", &r
	}
	return id, nil
}

// SetListingDisabled makes GET /api/v2/connections-scim-configurations
// answer 404 from now on (as DisableSCIMListing does from the start), or
// serve again: a tenant that refuses its listing in the middle of a run.
func (t *Tenant) SetListingDisabled(disabled bool) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.noListing = disabled
}
