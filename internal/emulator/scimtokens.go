package emulator

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"net/http"
	"slices"
	"time"
)

const maxSCIMTokens = 2

// defaultTokenScopes are given to a SCIM token created without scopes (extrapolated).
var defaultTokenScopes = []string{"get:users", "post:users", "put:users", "patch:users", "delete:users"}

// scimToken is a bearer token of the inbound SCIM endpoint of one connection.
type scimToken struct {
	id, value  string
	scopes     []string
	createdAt  time.Time
	validUntil time.Time // zero: no token_lifetime was asked
}

type tokenCreated struct {
	TokenID    string   `json:"token_id"`
	Token      string   `json:"token"`
	Scopes     []string `json:"scopes"`
	CreatedAt  string   `json:"created_at"`
	ValidUntil string   `json:"valid_until,omitempty"`
}

type tokenListed struct {
	TokenID    string   `json:"token_id"`
	CreatedAt  string   `json:"created_at"`
	Scopes     []string `json:"scopes"`
	ValidUntil string   `json:"valid_until,omitempty"`
}

func (tok scimToken) validUntilText() string {
	if tok.validUntil.IsZero() {
		return ""
	}
	return timestamp(tok.validUntil)
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
		out = append(out, tokenListed{TokenID: tok.id, CreatedAt: timestamp(tok.createdAt),
			Scopes: tok.scopes, ValidUntil: tok.validUntilText()})
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
	tok := newSCIMToken(scopes, t.now().UTC(), lifetime)
	c.tokens = append(c.tokens, tok)
	return jsonReply(http.StatusCreated, tokenCreated{TokenID: tok.id, Token: tok.value, Scopes: tok.scopes,
		CreatedAt: timestamp(tok.createdAt), ValidUntil: tok.validUntilText()})
}

func newSCIMToken(scopes []string, now time.Time, lifetime int64) scimToken {
	secret := make([]byte, 32)
	if _, err := rand.Read(secret); err != nil {
		panic(fmt.Sprintf("emulator: crypto/rand: %v", err))
	}
	id := "tok_" + randomAlnum(16)
	tok := scimToken{id: id, value: id + "." + hex.EncodeToString(secret), scopes: scopes, createdAt: now}
	if lifetime > 0 {
		tok.validUntil = now.Add(time.Duration(lifetime) * time.Second)
	}
	return tok
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
		if lifetime < 900 {
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
	return emptyReply(http.StatusNoContent)
}
