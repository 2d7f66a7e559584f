package emulator

import (
	"encoding/json"
	"net/http"
	"strings"
	"sync"
	"time"
)

// hooks are what a test may hang on the tenant's writes: a second
// administrator acting at a precise moment, or answers that come late.
type hooks struct {
	mu          sync.Mutex
	onWrite     func(connID string)
	answerDelay time.Duration
	echoStatus  int
	echoes      []string // secrets the echo fault sent back
}

// SetWriteHook calls fn when a SCIM write is about to take effect (POST,
// PATCH or DELETE …/scim-configuration, POST …/scim-configuration/tokens,
// DELETE …/tokens/{tokenId}), in the request's own goroutine, so a test can
// change the tenant, as another administrator would, at that very moment;
// nil removes it. fn runs before the handler checks the body and the state,
// so it also runs for a write that is then refused (400, 404, 409), never for
// one refused earlier (401, 403, 429, an injected fault before the effect).
func (t *Tenant) SetWriteHook(fn func(connID string)) {
	t.hooks.mu.Lock()
	defer t.hooks.mu.Unlock()
	t.hooks.onWrite = fn
}

// SetWriteAnswerDelay makes the answer of every SCIM write (the ones
// SetWriteHook names) come d after the write took effect: a client whose
// timeout is shorter loses the answer of a write the tenant holds (logged
// with status 499). For a token POST, the token then exists and its secret
// is lost.
func (t *Tenant) SetWriteAnswerDelay(d time.Duration) {
	t.hooks.mu.Lock()
	defer t.hooks.mu.Unlock()
	t.hooks.answerDelay = d
}

func (h *hooks) write(connID string) {
	h.mu.Lock()
	fn := h.onWrite
	h.mu.Unlock()
	if fn != nil {
		fn(connID)
	}
}

func (h *hooks) delay() time.Duration {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.answerDelay
}

// SetTokenEchoFault makes every token POST take effect and then answer
// status (a 500, a 400, …) with an error body that echoes what the tenant
// should never send back: the new token's secret and the request's access
// token, as a careless proxy or a tenant bug might. The token exists, its
// secret only in that body. 0 removes the fault.
func (t *Tenant) SetTokenEchoFault(status int) {
	t.hooks.mu.Lock()
	defer t.hooks.mu.Unlock()
	t.hooks.echoStatus = status
}

// echoed turns a token POST's answer into the echo fault's, when it is set.
func (h *hooks) echoed(r *http.Request, kind string, rep reply) reply {
	h.mu.Lock()
	status := h.echoStatus
	h.mu.Unlock()
	if status == 0 || kind != KindSCIMTokensCreate || rep.status != http.StatusCreated {
		return rep
	}
	var made tokenCreated
	_ = json.Unmarshal(rep.body, &made)
	bearer := strings.TrimPrefix(r.Header.Get("Authorization"), "Bearer ")
	h.mu.Lock()
	h.echoes = append(h.echoes, made.Token, bearer)
	h.mu.Unlock()
	return errReply(status, "could not finish issuing token "+made.Token+" (request authorized by "+bearer+")", "")
}

// EchoedSecrets are the secrets SetTokenEchoFault's answers held: the
// tokens' (which may be revoked since) and the access tokens.
func (t *Tenant) EchoedSecrets() []string {
	t.hooks.mu.Lock()
	defer t.hooks.mu.Unlock()
	return append([]string(nil), t.hooks.echoes...)
}
