package emulator

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/hex"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"time"
)

const (
	maxSCIMTokens = 2
	// minTokenLifetime is the smallest token_lifetime Auth0 accepts (900 s).
	minTokenLifetime = 900 * time.Second
)

// defaultTokenScopes are given to a SCIM token created without scopes. Every
// recorded creation sent its scopes, and the go-auth0 ones sent exactly these
// four, so what Auth0 gives a POST without "scopes" is extrapolated.
var defaultTokenScopes = []string{"get:users", "post:users", "put:users", "patch:users"}

// Why UseSCIMToken refuses a bearer token, and why SeedSCIMToken refuses a
// token; test with errors.Is.
var (
	ErrNoSuchConnection           = errors.New("no such connection")
	ErrNoSCIMConfiguration        = errors.New("the connection has no SCIM configuration")
	ErrSCIMTokenLimit             = errors.New("maximum of 2 SCIM tokens already issued for this connection")
	ErrUnknownSCIMToken           = errors.New("unknown SCIM token")
	ErrSCIMTokenOfOtherConnection = errors.New("SCIM token of another connection")
	ErrSCIMTokenExpired           = errors.New("SCIM token expired")
)

// scimToken is a bearer token of the inbound SCIM endpoint of one connection.
// Its times are UTC, to the millisecond, as Auth0 reports them.
type scimToken struct {
	id, value  string
	scopes     []string
	createdAt  time.Time
	validUntil time.Time // zero: no token_lifetime was asked
	lastUsedAt time.Time // zero: never used
}

type tokenCreated struct {
	TokenID    string   `json:"token_id"`
	Token      string   `json:"token"`
	Scopes     []string `json:"scopes"`
	CreatedAt  string   `json:"created_at"`
	ValidUntil string   `json:"valid_until,omitempty"`
}

// tokenListed is a listed token: valid_until only when a lifetime was given,
// last_used_at only once used ("If never used it won't be returned", go-auth0).
// Both are absent from the recordings, so their place after scopes is extrapolated.
type tokenListed struct {
	TokenID    string   `json:"token_id"`
	CreatedAt  string   `json:"created_at"`
	Scopes     []string `json:"scopes"`
	ValidUntil string   `json:"valid_until,omitempty"`
	LastUsedAt string   `json:"last_used_at,omitempty"`
}

// optionalTimestamp is timestamp, or "" for the zero time.
func optionalTimestamp(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return timestamp(t)
}

// validAt tells whether the token is accepted at now.
func (tok scimToken) validAt(now time.Time) bool {
	return tok.validUntil.IsZero() || now.Before(tok.validUntil)
}

func (tok scimToken) info() SCIMTokenInfo {
	return SCIMTokenInfo{ID: tok.id, Secret: tok.value, Scopes: slices.Clone(tok.scopes),
		CreatedAt: tok.createdAt, ValidUntil: tok.validUntil, LastUsedAt: tok.lastUsedAt}
}

// configuredConnLocked is scimConnLocked plus the 404 "Not Found" of a connection
// without configuration (extrapolated for the token routes).
func (t *Tenant) configuredConnLocked(id string) (*connRecord, *reply) {
	c, rep := t.scimConnLocked(id)
	if rep == nil && c.scim == nil {
		r := notFound()
		rep = &r
	}
	return c, rep
}

func (t *Tenant) listSCIMTokens(id string) reply {
	t.mu.RLock()
	defer t.mu.RUnlock()
	c, rep := t.configuredConnLocked(id)
	if rep != nil {
		return *rep
	}
	out := make([]tokenListed, 0, len(c.tokens))
	for _, tok := range c.tokens {
		out = append(out, tokenListed{TokenID: tok.id, CreatedAt: timestamp(tok.createdAt), Scopes: tok.scopes,
			ValidUntil: optionalTimestamp(tok.validUntil), LastUsedAt: optionalTimestamp(tok.lastUsedAt)})
	}
	return jsonReply(http.StatusOK, out)
}

// createSCIMToken answers POST …/tokens: at most two tokens per connection (409).
func (t *Tenant) createSCIMToken(pl payload, id string) reply {
	body, rep := pl.data, pl.err
	if rep != nil {
		return *rep
	}
	scopes, lifetime, rep := parseTokenBody(body)
	if rep != nil {
		return *rep
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	c, rep := t.configuredConnLocked(id)
	if rep != nil {
		return *rep
	}
	if len(c.tokens) >= maxSCIMTokens {
		return errReply(http.StatusConflict, "Maximum of 2 tokens already issued for this connection", "")
	}
	now := toMillis(t.now())
	tok := newSCIMToken(scopes, now)
	if lifetime > 0 {
		tok.validUntil = now.Add(time.Duration(lifetime) * time.Second)
	}
	c.tokens = append(c.tokens, tok)
	t.rec.addTokenWrite(id)
	return jsonReply(http.StatusCreated, tokenCreated{TokenID: tok.id, Token: tok.value, Scopes: tok.scopes,
		CreatedAt: timestamp(tok.createdAt), ValidUntil: optionalTimestamp(tok.validUntil)})
}

// toMillis is t in UTC, truncated to the millisecond Auth0's timestamps carry,
// so that what the API reports and what SCIMTokens returns are the same instant.
func toMillis(t time.Time) time.Time {
	return t.UTC().Truncate(time.Millisecond)
}

// newSCIMToken makes a token of Auth0's form: tok_ + 16 alphanumerics, and as
// secret the id, a dot and 64 hex digits.
func newSCIMToken(scopes []string, createdAt time.Time) scimToken {
	secret := make([]byte, 32)
	if _, err := rand.Read(secret); err != nil {
		panic(fmt.Sprintf("emulator: crypto/rand: %v", err))
	}
	id := "tok_" + randomAlnum(16)
	return scimToken{id: id, value: id + "." + hex.EncodeToString(secret), scopes: scopes, createdAt: createdAt}
}

// parseTokenBody validates {scopes?: [string, ≥1], token_lifetime?: integer ≥ 900 | null}.
func parseTokenBody(body []byte) ([]string, int64, *reply) {
	obj, rep := parseObject(body, true)
	if rep == nil {
		rep = checkProperties(obj, nil, []string{"scopes", "token_lifetime"})
	}
	if rep != nil {
		return nil, 0, rep
	}
	scopes := slices.Clone(defaultTokenScopes)
	if raw, ok := obj["scopes"]; ok {
		if scopes, rep = stringList(raw, "scopes"); rep != nil {
			return nil, 0, rep
		}
		if len(scopes) == 0 {
			r := payloadPropertyError("Array is too short (0), minimum 1", "scopes")
			return nil, 0, &r
		}
	}
	var lifetime int64
	if raw, ok := obj["token_lifetime"]; ok && jsonType(raw) != "null" {
		if rep := typed(raw, "integer", "token_lifetime", &lifetime); rep != nil {
			return nil, 0, rep
		}
		if lifetime < int64(minTokenLifetime/time.Second) {
			r := payloadPropertyError(fmt.Sprintf("Value %d is less than minimum 900", lifetime), "token_lifetime")
			return nil, 0, &r
		}
	}
	return scopes, lifetime, nil
}

// deleteSCIMToken answers DELETE …/tokens/{tokenId}: 204, or 404 "Not Found" for
// an unknown token (extrapolated).
func (t *Tenant) deleteSCIMToken(id, tokenID string) reply {
	t.mu.Lock()
	defer t.mu.Unlock()
	c, rep := t.scimConnLocked(id)
	if rep != nil {
		return *rep
	}
	i := slices.IndexFunc(c.tokens, func(tok scimToken) bool { return tok.id == tokenID })
	if i < 0 {
		return notFound()
	}
	c.tokens = slices.Delete(c.tokens, i, i+1)
	t.rec.addTokenWrite(id)
	return emptyReply(http.StatusNoContent)
}

// TokenSeed describes a SCIM token put on a connection directly (tests, the demo).
type TokenSeed struct {
	Scopes     []string  // nil: the default scopes
	CreatedAt  time.Time // zero: now (the tenant's clock)
	ValidUntil time.Time // zero: never expires
	LastUsedAt time.Time // zero: never used
}

// SCIMTokenInfo is a token as the emulator holds it, secret included (tests).
// Times are UTC, to the millisecond; ValidUntil is zero for a token that never
// expires, LastUsedAt for one never used.
type SCIMTokenInfo struct {
	ID, Secret                        string
	Scopes                            []string
	CreatedAt, ValidUntil, LastUsedAt time.Time
}

// SeedSCIMToken puts a token on a connection that has a SCIM configuration,
// without a request, and returns its id and secret. The maximum of 2 tokens
// holds (ErrSCIMTokenLimit), and the token must be one Auth0 could have made:
// scopes, if given, not empty; created no later than now; valid_until at least
// 900 s after created_at; last used between its creation and now, and before
// it expired. Times are kept to the millisecond.
func (t *Tenant) SeedSCIMToken(connID string, s TokenSeed) (tokenID, secret string, err error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	c, err := t.configuredConnForTokenLocked(connID)
	if err != nil {
		return "", "", err
	}
	if len(c.tokens) >= maxSCIMTokens {
		return "", "", fmt.Errorf("emulator: seeding a SCIM token on %s: %w", connID, ErrSCIMTokenLimit)
	}
	tok, err := t.tokenFromSeedLocked(s)
	if err != nil {
		return "", "", fmt.Errorf("emulator: seeding a SCIM token on %s: %w", connID, err)
	}
	c.tokens = append(c.tokens, tok)
	return tok.id, tok.value, nil
}

func (t *Tenant) tokenFromSeedLocked(s TokenSeed) (scimToken, error) {
	now := toMillis(t.now())
	scopes := slices.Clone(defaultTokenScopes)
	if s.Scopes != nil {
		if len(s.Scopes) == 0 || slices.Contains(s.Scopes, "") {
			return scimToken{}, errors.New("scopes must be nil (the default) or non-empty strings")
		}
		scopes = slices.Clone(s.Scopes)
	}
	created := now
	if !s.CreatedAt.IsZero() {
		created = toMillis(s.CreatedAt)
	}
	tok := newSCIMToken(scopes, created)
	if !s.ValidUntil.IsZero() {
		tok.validUntil = toMillis(s.ValidUntil)
	}
	if !s.LastUsedAt.IsZero() {
		tok.lastUsedAt = toMillis(s.LastUsedAt)
	}
	switch {
	case created.After(now):
		return scimToken{}, fmt.Errorf("created_at %s is after now (%s)", timestamp(created), timestamp(now))
	case !tok.validUntil.IsZero() && tok.validUntil.Sub(created) < minTokenLifetime:
		return scimToken{}, fmt.Errorf("valid_until %s is less than 900 s after created_at %s", timestamp(tok.validUntil), timestamp(created))
	case tok.lastUsedAt.IsZero():
	case tok.lastUsedAt.Before(created) || tok.lastUsedAt.After(now):
		return scimToken{}, fmt.Errorf("last_used_at %s is not between created_at %s and now (%s)",
			timestamp(tok.lastUsedAt), timestamp(created), timestamp(now))
	case !tok.validAt(tok.lastUsedAt):
		return scimToken{}, fmt.Errorf("last_used_at %s is not before valid_until %s", timestamp(tok.lastUsedAt), timestamp(tok.validUntil))
	}
	return tok, nil
}

// configuredConnForTokenLocked finds a connection with a SCIM configuration.
func (t *Tenant) configuredConnForTokenLocked(connID string) (*connRecord, error) {
	c := t.conns[connID]
	switch {
	case c == nil:
		return nil, fmt.Errorf("emulator: connection %q: %w", connID, ErrNoSuchConnection)
	case c.scim == nil:
		return nil, fmt.Errorf("emulator: connection %s: %w", connID, ErrNoSCIMConfiguration)
	}
	return c, nil
}

// SCIMTokens returns a connection's tokens in creation order (nil when it has
// none or does not exist).
func (t *Tenant) SCIMTokens(connID string) []SCIMTokenInfo {
	t.mu.RLock()
	defer t.mu.RUnlock()
	c := t.conns[connID]
	if c == nil || len(c.tokens) == 0 {
		return nil
	}
	out := make([]SCIMTokenInfo, 0, len(c.tokens))
	for _, tok := range c.tokens {
		out = append(out, tok.info())
	}
	return out
}

// AllSCIMTokens returns every token of the tenant by connection id; connections
// without tokens are not in the map (never nil).
func (t *Tenant) AllSCIMTokens() map[string][]SCIMTokenInfo {
	t.mu.RLock()
	defer t.mu.RUnlock()
	out := map[string][]SCIMTokenInfo{}
	for id, c := range t.conns {
		for _, tok := range c.tokens {
			out[id] = append(out[id], tok.info())
		}
	}
	return out
}

// UseSCIMToken is an identity provider calling the connection's inbound SCIM
// endpoint with a bearer token: nil when the token is one of this connection's
// tokens and is valid now, and the token's last_used_at becomes now; otherwise
// an error saying why, matching ErrNoSuchConnection, ErrNoSCIMConfiguration,
// ErrUnknownSCIMToken (never issued, or revoked), ErrSCIMTokenOfOtherConnection
// or ErrSCIMTokenExpired (errors.Is). Errors name tokens by id, never by secret.
func (t *Tenant) UseSCIMToken(connID, secret string) error {
	t.mu.Lock()
	defer t.mu.Unlock()
	c, err := t.configuredConnForTokenLocked(connID)
	if err != nil {
		return err
	}
	now := toMillis(t.now())
	for i := range c.tokens {
		tok := &c.tokens[i]
		if !sameSecret(tok.value, secret) {
			continue
		}
		if !tok.validAt(now) {
			return fmt.Errorf("emulator: token %s of connection %s: %w at %s", tok.id, connID, ErrSCIMTokenExpired, timestamp(tok.validUntil))
		}
		tok.lastUsedAt = now
		return nil
	}
	for id, other := range t.conns {
		for _, tok := range other.tokens {
			if sameSecret(tok.value, secret) {
				return fmt.Errorf("emulator: token %s used on connection %s: %w (%s)", tok.id, connID, ErrSCIMTokenOfOtherConnection, id)
			}
		}
	}
	return fmt.Errorf("emulator: connection %s: %w", connID, ErrUnknownSCIMToken)
}

func sameSecret(a, b string) bool {
	return subtle.ConstantTimeCompare([]byte(a), []byte(b)) == 1
}
