package emulator

import (
	"sync"
	"time"
)

// hooks are what a test may hang on the tenant's writes: a second
// administrator acting at a precise moment, or answers that come late.
type hooks struct {
	mu          sync.Mutex
	onWrite     func(connID string)
	answerDelay time.Duration
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
