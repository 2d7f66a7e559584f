package emulator

import (
	"net/http"
	"strings"
	"testing"
)

// TestSettle_waitsForTheRequestInFlight checks that a write being answered
// is counted (Settle waits while any is), and that once Settle returns the
// write has taken its effect.
func TestSettle_waitsForTheRequestInFlight(t *testing.T) {
	f := newFixture(t, Options{}, testConns...)
	entered, release := make(chan struct{}), make(chan struct{})
	f.tenant.SetWriteHook(func(string) { close(entered); <-release })
	go func() {
		req, err := http.NewRequest(http.MethodPatch, f.srv.URL+oktaPath,
			strings.NewReader(`{"user_id_attribute":"mine","mapping":[{"scim":"x","auth0":"y"}]}`))
		if err != nil {
			return
		}
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Authorization", "Bearer "+testToken)
		if resp, err := f.srv.Client().Do(req); err == nil {
			resp.Body.Close()
		}
	}()
	<-entered
	f.tenant.busy.mu.Lock()
	inFlight := f.tenant.busy.n
	f.tenant.busy.mu.Unlock()
	if inFlight != 1 {
		t.Fatalf("%d requests counted in flight while one is being answered: Settle would not wait for it", inFlight)
	}
	close(release)
	f.tenant.Settle()
	if cfg, ok := f.tenant.SCIMConfig(oktaConn.ID); !ok || cfg.UserIDAttribute != "mine" {
		t.Errorf("after Settle the write has not taken effect: %+v", cfg)
	}
}
