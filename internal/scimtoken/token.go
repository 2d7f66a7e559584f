package scimtoken

import (
	"strings"
	"time"
)

// Token is one SCIM token of a connection, as the tenant lists it: never
// its secret, which the tenant returns once, when it issues the token.
type Token struct {
	ID        string    `json:"token_id"`
	Scopes    []string  `json:"scopes"`
	CreatedAt time.Time `json:"created_at"`
	// ValidUntil is zero for a token issued without a lifetime: it never
	// expires.
	ValidUntil time.Time `json:"valid_until,omitzero"`
	// LastUsedAt is zero for a token never used (Auth0 omits the field).
	LastUsedAt time.Time `json:"last_used_at,omitzero"`
}

// Expires reports whether the token has an end of validity.
func (t Token) Expires() bool { return !t.ValidUntil.IsZero() }

// ValidAt reports whether the token can still be used at now.
func (t Token) ValidAt(now time.Time) bool { return !t.Expires() || now.Before(t.ValidUntil) }

// Issued is a token the tenant has just issued, with its secret. It lives in
// memory until the handoff file is written, and nowhere else.
type Issued struct {
	Token
	Secret string
}

// MaxPerConnection is how many tokens Auth0 lets a connection hold; a third
// is refused with 409 "Maximum of 2 tokens already issued for this connection".
const MaxPerConnection = 2

// MinLifetime is the shortest token_lifetime Auth0 accepts (900 seconds).
const MinLifetime = 15 * time.Minute

// DefaultScopes are the scopes a token gets when --scopes is not given: the
// ones Auth0 gave a token created through the official Go SDK without
// scopes in the recorded traffic (TestConnectionManager_CreateSCIMToken),
// which is what an identity provider needs to create, read, replace and
// update users. Deleting users is not among them: an IdP deactivates.
var DefaultScopes = []string{"get:users", "post:users", "put:users", "patch:users"}

// KnownScopes are the scopes a SCIM token can carry.
var KnownScopes = []string{"get:users", "post:users", "put:users", "patch:users", "delete:users"}

// ValidTokenID reports whether id has the form of a token id Auth0 gives
// (tok_ then letters and digits). Ids read from files end up in request
// paths, so nothing else is accepted.
func ValidTokenID(id string) bool {
	rest, ok := strings.CutPrefix(id, "tok_")
	if !ok || rest == "" || len(rest) > 64 {
		return false
	}
	for _, r := range rest {
		if !('a' <= r && r <= 'z' || 'A' <= r && r <= 'Z' || '0' <= r && r <= '9') {
			return false
		}
	}
	return true
}
