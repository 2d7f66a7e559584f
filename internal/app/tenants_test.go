package app

import (
	"os"
	"strings"
	"testing"

	"github.com/scim-migrate/scim-migrate/internal/emulator"
)

// --tenant takes the domain and the credentials from the tenants file; the
// environment still wins; a loose file is refused before anything is sent.
func TestTenants_namedTenant(t *testing.T) {
	t.Parallel()
	h := newHarness(t, emulator.Options{})
	cfg := h.path("tenants.yaml")
	body := "tenants:\n  acme:\n    domain: " + h.srv.URL + "\n    client_id: " + testClientID + "\n    client_secret_env: ACME_SECRET\n"
	if err := os.WriteFile(cfg, []byte(body), 0o600); err != nil {
		t.Fatal(err)
	}
	h.env = map[string]string{"SCIM_MIGRATE_LOCK_DIR": h.env["SCIM_MIGRATE_LOCK_DIR"], "ACME_SECRET": testClientSecret}
	plan := func(extra ...string) result {
		return h.runRaw(append([]string{"scim-migrate", "plan", "--tenant", "acme", "--config", cfg, "-f", "../../examples/manifest.json"}, extra...)...)
	}
	r := h.expect(plan(), 0)
	if !strings.Contains(r.stdout, "Plan:") && !strings.Contains(r.stdout, "No changes") {
		t.Errorf("plan through --tenant:\n%s", r)
	}
	// The environment wins: a wrong secret there is used, and refused.
	h.env["AUTH0_CLIENT_ID"], h.env["AUTH0_CLIENT_SECRET"] = testClientID, "wrong-secret"
	h.expect(plan(), ExitError)
	delete(h.env, "AUTH0_CLIENT_ID")
	delete(h.env, "AUTH0_CLIENT_SECRET")

	if err := os.Chmod(cfg, 0o644); err != nil {
		t.Fatal(err)
	}
	before := h.tenant.Stats().Total()
	r = h.expect(plan(), ExitError)
	if !strings.Contains(r.stderr, "chmod 600") || h.tenant.Stats().Total() != before {
		t.Errorf("a readable tenants file with a client id:\n%s", r)
	}
	_ = os.Chmod(cfg, 0o600)
	r = h.expect(h.runRaw("scim-migrate", "plan", "--tenant", "nope", "--config", cfg, "-f", "../../examples/manifest.json"), ExitError)
	if !strings.Contains(r.stderr, `no tenant "nope"`) {
		t.Errorf("unknown tenant:\n%s", r)
	}
}
