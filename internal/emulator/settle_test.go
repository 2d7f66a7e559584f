package emulator

import (
	"net/http"
	"strings"
	"testing"
)

// TestSettle_waitsForTheRequestInFlight checks that Settle returns only once
// a write being answered has taken its effect and been answered.
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
	settled := make(chan struct{})
	go func() { f.tenant.Settle(); close(settled) }()
	select {
	case <-settled:
		t.Fatal("Settle returned while a write was being answered")
	default:
	}
	close(release)
	<-settled
	if cfg, ok := f.tenant.SCIMConfig(oktaConn.ID); !ok || cfg.UserIDAttribute != "mine" {
		t.Errorf("after Settle the write has not taken effect: %+v", cfg)
	}
}
