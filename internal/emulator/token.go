package emulator

import (
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"mime"
	"net/http"
	"net/url"
	"slices"
	"strings"
)

// oauthError is the body of /oauth/token errors (RFC 6749 style, as Auth0 sends them).
type oauthError struct {
	Error       string `json:"error"`
	Description string `json:"error_description"`
}

func oauthReply(status int, code, description string) reply {
	return jsonReply(status, oauthError{Error: code, Description: description})
}

type tokenResponse struct {
	AccessToken string `json:"access_token"`
	ExpiresIn   int    `json:"expires_in"`
	Scope       string `json:"scope"`
	TokenType   string `json:"token_type"`
}

// serveToken answers the client-credentials grant. It is logged and counted
// under KindToken but never rate limited, delayed or faulted.
func (t *Tenant) serveToken(w http.ResponseWriter, r *http.Request) {
	slot := t.rec.arrive(r, KindToken, "", t.now(), false)
	rep := t.tokenReply(r)
	rep.header = http.Header{"Cache-Control": {"no-store"}, "Pragma": {"no-cache"}}
	t.rec.finish(slot, rep.status, false, false)
	rep.write(w)
}

func (t *Tenant) tokenReply(r *http.Request) reply {
	if r.Method != http.MethodPost {
		return notFound()
	}
	params, err := tokenParams(r)
	if err != nil {
		return oauthReply(http.StatusBadRequest, "invalid_request", err.Error())
	}
	grant := params.Get("grant_type")
	if grant == "" {
		return oauthReply(http.StatusBadRequest, "invalid_request", "Missing required parameter: grant_type")
	}
	client, ok := t.clientFor(r, params)
	if !ok {
		return oauthReply(http.StatusUnauthorized, "access_denied", "Unauthorized")
	}
	if grant != "client_credentials" {
		return jsonReply(http.StatusForbidden, map[string]string{
			"error":             "unauthorized_client",
			"error_description": fmt.Sprintf("Grant type '%s' not allowed for the client.", grant),
			"error_uri":         "https://auth0.com/docs/clients/client-grant-types",
		})
	}
	return t.grant(r, client, params)
}

// grant checks the audience and the requested scopes, then issues a token.
func (t *Tenant) grant(r *http.Request, client Client, params url.Values) reply {
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	want := scheme + "://" + r.Host + "/api/v2/"
	switch aud := params.Get("audience"); {
	case aud == "":
		return oauthReply(http.StatusForbidden, "access_denied",
			"No audience parameter was provided, and no default audience has been configured")
	case aud != want:
		return oauthReply(http.StatusForbidden, "access_denied", "Service not enabled within domain: "+aud)
	case len(client.Scopes) == 0:
		return oauthReply(http.StatusForbidden, "access_denied", fmt.Sprintf(
			"Client is not authorized to access %q. You need to create a \"client-grant\" associated to this API.", want))
	}
	scopes := client.Scopes
	if requested := strings.Fields(params.Get("scope")); len(requested) > 0 {
		var missing []string
		for _, s := range requested {
			if !slices.Contains(client.Scopes, s) {
				missing = append(missing, s)
			}
		}
		if len(missing) > 0 {
			return oauthReply(http.StatusForbidden, "access_denied",
				"Client has not been granted scopes: "+strings.Join(missing, " "))
		}
		scopes = requested
	}
	return jsonReply(http.StatusOK, t.issue(client.ID, scopes))
}

func (t *Tenant) issue(clientID string, scopes []string) tokenResponse {
	raw := make([]byte, 32)
	if _, err := rand.Read(raw); err != nil {
		panic(fmt.Sprintf("emulator: crypto/rand: %v", err))
	}
	value := base64.RawURLEncoding.EncodeToString(raw)
	now := t.now()
	t.mu.Lock()
	t.tokens[value] = accessToken{client: clientID, scopes: scopeSet(scopes), expires: now.Add(t.lifetime), gen: t.tokenGen, revoke: t.revokeGen}
	advertised := t.advertised
	t.mu.Unlock()
	t.rec.addIssued()
	return tokenResponse{AccessToken: value, ExpiresIn: int(advertised.Seconds()),
		Scope: strings.Join(scopes, " "), TokenType: "Bearer"}
}

// clientFor authenticates the client by HTTP Basic (client_secret_basic, values
// form-encoded as RFC 6749 §2.3.1 says) or by body parameters (client_secret_post).
func (t *Tenant) clientFor(r *http.Request, params url.Values) (Client, bool) {
	id, secret := params.Get("client_id"), params.Get("client_secret")
	if user, pass, ok := r.BasicAuth(); ok {
		var err1, err2 error
		id, err1 = url.QueryUnescape(user)
		secret, err2 = url.QueryUnescape(pass)
		if err1 != nil || err2 != nil {
			return Client{}, false
		}
	}
	t.mu.RLock()
	c, ok := t.clients[id]
	t.mu.RUnlock()
	if !ok || id == "" || c.Secret != secret {
		return Client{}, false
	}
	return c, true
}

// tokenParams reads a form or JSON body into url.Values.
func tokenParams(r *http.Request) (url.Values, error) {
	r.Body = http.MaxBytesReader(nil, r.Body, 64<<10)
	mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	switch mt {
	case "application/x-www-form-urlencoded":
		if err := r.ParseForm(); err != nil {
			return nil, fmt.Errorf("invalid form body: %w", err)
		}
		return r.PostForm, nil
	case "application/json":
		var body map[string]any
		if err := json.NewDecoder(r.Body).Decode(&body); err != nil {
			return nil, fmt.Errorf("invalid JSON body: %w", err)
		}
		v := url.Values{}
		for k, val := range body {
			s, ok := val.(string)
			if !ok {
				return nil, fmt.Errorf("parameter %s must be a string", k)
			}
			v.Set(k, s)
		}
		return v, nil
	}
	return nil, fmt.Errorf("unsupported content type %q", mt)
}
