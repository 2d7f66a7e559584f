package emulator

import (
	"net/http"
	"strings"
	"time"
)

// accessToken is an issued or static Management API token.
type accessToken struct {
	client  string // who holds it: the client id, or a static token's Client
	scopes  map[string]bool
	expires time.Time // zero: never (static tokens)
	gen     int       // expired when older than Tenant.tokenGen
	revoke  int       // revoked when issued (expires set) and older than Tenant.revokeGen
}

func scopeSet(scopes []string) map[string]bool {
	m := make(map[string]bool, len(scopes))
	for _, s := range scopes {
		m[s] = true
	}
	return m
}

func (t *Tenant) addStaticLocked(tok StaticToken) {
	client := tok.Client
	if client == "" {
		client = staticClient
	}
	t.tokens[tok.Token] = accessToken{client: client, scopes: scopeSet(tok.Scopes), gen: t.tokenGen}
}

// staticClient is the request log's name for the holder of a static token
// registered without a Client.
const staticClient = "static"

// owner is who holds the request's bearer token, valid or not, for the
// request log; "" when the token is missing or unknown. It decides nothing.
func (t *Tenant) owner(r *http.Request) string {
	scheme, token, ok := strings.Cut(r.Header.Get("Authorization"), " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") {
		return ""
	}
	t.mu.RLock()
	defer t.mu.RUnlock()
	return t.tokens[strings.TrimSpace(token)].client
}

// ExpireTokens makes every token issued so far, static ones included, answer the
// 401 "Expired token…" body; tokens issued or added later are valid.
func (t *Tenant) ExpireTokens() {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.tokenGen++
}

// RevokeAccessTokens revokes every access token issued so far by
// /oauth/token, as an administrator rotating the application's credentials
// or a tenant invalidating its signing key would: each is refused with the
// 401 "Invalid token" body from now on. Static tokens and tokens issued
// later are valid.
func (t *Tenant) RevokeAccessTokens() {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.revokeGen++
}

const expiredMessage = "Expired token received for JSON Web Token validation"

// authenticate checks the bearer token and returns its scopes, or the 401 Auth0 sends.
func (t *Tenant) authenticate(r *http.Request, now time.Time) (map[string]bool, *reply) {
	h := r.Header.Get("Authorization")
	if strings.TrimSpace(h) == "" {
		rep := unauthorized("Missing authentication", false)
		return nil, &rep
	}
	scheme, token, ok := strings.Cut(h, " ")
	token = strings.TrimSpace(token)
	if !ok || !strings.EqualFold(scheme, "Bearer") || token == "" {
		rep := unauthorized("Bad HTTP authentication header format", true)
		return nil, &rep
	}
	t.mu.RLock()
	tok, known := t.tokens[token]
	gen, revoke := t.tokenGen, t.revokeGen
	t.mu.RUnlock()
	switch {
	case !known, !tok.expires.IsZero() && tok.revoke < revoke:
		rep := unauthorized("Invalid token", true)
		return nil, &rep
	case tok.gen < gen || (!tok.expires.IsZero() && !now.Before(tok.expires)):
		rep := unauthorized(expiredMessage, true)
		return nil, &rep
	}
	return tok.scopes, nil
}

// IssuedTokens returns every access token value the tenant has issued or
// accepts, so tests can check that none of them leaks into an output.
func (t *Tenant) IssuedTokens() []string {
	t.mu.Lock()
	defer t.mu.Unlock()
	out := make([]string, 0, len(t.tokens))
	for v := range t.tokens {
		out = append(out, v)
	}
	return out
}
