package app

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/scim-migrate/scim-migrate/internal/emulator"
	"github.com/scim-migrate/scim-migrate/internal/scimtoken"
)

// leakCheck fails if any secret appears in what a command printed or in any
// file it wrote.
func (h *harness) leakCheck(what string, r result) {
	h.t.Helper()
	secrets := append([]string{testClientSecret, testToken, "readonly-secret", "ro-" + testToken}, h.tenant.IssuedTokens()...)
	scimSecrets := h.scimSecrets()
	texts := map[string]string{"stdout": r.stdout, "stderr": r.stderr}
	_ = filepath.Walk(h.dir, func(p string, fi os.FileInfo, err error) error {
		if err == nil && !fi.IsDir() {
			b, _ := os.ReadFile(p)
			texts[p] = string(b)
		}
		return nil
	})
	for where, text := range texts {
		forbidden := secrets
		if !isHandoff(where) {
			// A SCIM token's secret is allowed in the handoff file only.
			forbidden = append(slices.Clone(secrets), scimSecrets...)
		}
		for _, s := range forbidden {
			if s != "" && strings.Contains(text, s) {
				h.t.Fatalf("%s: a secret (%.6s…) appears in %s", what, s, where)
			}
		}
		if strings.Contains(text, "Bearer ") {
			h.t.Fatalf("%s: an Authorization header appears in %s", what, where)
		}
	}
}

// scimSecrets are the SCIM tokens' secrets: those the tenant holds, and
// those of every handoff file written (their tokens may be revoked since).
func (h *harness) scimSecrets() []string {
	var out []string
	for _, tokens := range h.tenant.AllSCIMTokens() {
		for _, t := range tokens {
			out = append(out, t.Secret)
		}
	}
	entries, _ := os.ReadDir(h.dir)
	for _, e := range entries {
		if isHandoff(e.Name()) {
			b, _ := os.ReadFile(h.path(e.Name()))
			if _, secrets, err := scimtoken.ParseHandoff(b); err == nil {
				out = append(out, secrets...)
			}
		}
	}
	return out
}

// isHandoff reports whether a file is a handoff file of the tests.
func isHandoff(path string) bool { return strings.HasPrefix(filepath.Base(path), "handoff") }

// TestSecrets_neverInAnyOutput runs every command with client credentials
// and with a static token, at debug level, through every failure path, and
// checks that no secret reaches stdout, stderr, a plan, a report or an error.
func TestSecrets_neverInAnyOutput(t *testing.T) {
	t.Parallel()
	credentials := map[string]map[string]string{
		"client credentials": {"AUTH0_CLIENT_ID": testClientID, "AUTH0_CLIENT_SECRET": testClientSecret},
		"static token":       {"AUTH0_API_TOKEN": testToken},
		// --tenant: the same client credentials, through the tenants file
		// (client id) and a variable it names (the secret).
		"named tenant": {"AUTH0_CLIENT_ID": testClientID, "AUTH0_CLIENT_SECRET": testClientSecret},
	}
	for credName, creds := range credentials {
		for _, fault := range []string{"none", "refused", "expired", "scope", "5xx"} {
			t.Run(credName+"/"+fault, func(t *testing.T) {
				t.Parallel()
				virtual(t, func(t *testing.T) { secretsNeverInAnyOutput(t, creds, credName, fault) })
			})
		}
	}
}

// namedTenant moves the harness's client credentials into a tenants file
// (the secret into a variable that file names) and returns the flags that
// select it.
func (h *harness) namedTenant() []string {
	h.t.Helper()
	cfg := h.path("tenants.yaml")
	body := "tenants:\n  acme:\n    domain: " + h.srv.URL + "\n    client_id: " + h.env["AUTH0_CLIENT_ID"] + "\n    client_secret_env: ACME_SECRET\n"
	if err := os.WriteFile(cfg, []byte(body), 0o600); err != nil {
		h.t.Fatal(err)
	}
	h.env["ACME_SECRET"] = h.env["AUTH0_CLIENT_SECRET"]
	delete(h.env, "AUTH0_CLIENT_ID")
	delete(h.env, "AUTH0_CLIENT_SECRET")
	return []string{"--tenant", "acme", "--config", cfg}
}

// secretsNeverInAnyOutput runs every command with creds under fault, and
// checks their outputs.
func secretsNeverInAnyOutput(t *testing.T, creds map[string]string, credName, fault string) {
	h := newHarness(t, emulator.Options{})
	h.tenant.AddClient(emulator.Client{ID: "ro-client", Secret: "readonly-secret", Scopes: []string{"read:connections", "read:scim_config"}})
	h.tenant.AddStaticToken(emulator.StaticToken{Token: "ro-" + testToken, Scopes: []string{"read:connections", "read:scim_config"}})
	h.env = map[string]string{"SCIM_MIGRATE_LOCK_DIR": h.env["SCIM_MIGRATE_LOCK_DIR"]}
	for k, v := range creds {
		h.env[k] = v
	}
	applyFault(h, fault)
	var named []string
	if credName == "named tenant" {
		named = h.namedTenant()
	}
	h.leakCheck("validate", h.runRaw("scim-migrate", "validate", "-f", "../../examples/manifest.json"))
	for _, args := range secretRuns(h) {
		r := h.run(args[0], append(args[1:], named...)...)
		h.leakCheck(credName+" "+fault+" "+strings.Join(args, " "), r)
	}
}

func applyFault(h *harness, fault string) {
	switch fault {
	case "refused":
		if h.env["AUTH0_API_TOKEN"] != "" {
			h.env["AUTH0_API_TOKEN"] = "unknown-" + testToken
		} else {
			h.env["AUTH0_CLIENT_SECRET"] = "wrong-" + testClientSecret
		}
	case "expired":
		h.tenant.ExpireTokens()
	case "scope":
		if h.env["AUTH0_API_TOKEN"] != "" {
			h.env["AUTH0_API_TOKEN"] = "ro-" + testToken
		} else {
			h.env["AUTH0_CLIENT_ID"], h.env["AUTH0_CLIENT_SECRET"] = "ro-client", "readonly-secret"
		}
	case "5xx":
		h.tenant.SetFaults(emulator.Faults{Seed: 1, ServerErrorRate: 0.5, DropRate: 0.1})
	}
}

// secretRuns is every command, in the order a user would run them.
func secretRuns(h *harness) [][]string {
	rep := h.path("apply.jsonl")
	return [][]string{
		{"plan", "--max-retries", "1", "--out", h.path("plan.json"), "-f", "../../examples/manifest.json"},
		{"plan", "--max-retries", "1", "--format", "json", "-f", "../../examples/manifest.csv"},
		{"apply", "--max-retries", "1", "--report", rep, "-f", "../../examples/manifest.json"},
		{"apply", "--max-retries", "1", "--report", h.path("apply2.jsonl"), "--plan", h.path("plan.json")},
		{"rollback", "--max-retries", "1", "--report", h.path("rollback.jsonl"), "--from", rep},
		{"tokens", "audit", "--max-retries", "1", "--format", "json"},
		{"tokens", "issue", "--yes", "--max-retries", "1", "--all", "--out", h.path("handoff.json"), "--report", h.path("issue.jsonl")},
		{"tokens", "audit", "--max-retries", "1", "--out", h.path("audit.html")},
		{"tokens", "revoke", "--yes", "--max-retries", "1", "--dry-run", "--from", h.path("handoff.json")},
		{"tokens", "revoke", "--yes", "--max-retries", "1", "--keep-newest", "1", "--all", "--report", h.path("revoke.jsonl")},
		{"rollback", "--max-retries", "1", "--report", h.path("rollback-tokens.jsonl"), "--from", h.path("issue.jsonl")},
	}
}

func TestFiles_privateAndNeverLoosened(t *testing.T) {
	t.Parallel()
	h := newHarness(t, emulator.Options{})
	loose, strict := h.file("loose.json", "old"), h.file("strict.json", "old")
	if err := os.Chmod(loose, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(strict, 0o400); err != nil {
		t.Fatal(err)
	}
	for path, want := range map[string]os.FileMode{loose: 0o600, strict: 0o400, h.path("new.json"): 0o600} {
		h.expect(h.run("plan", "--out", path, "-f", "../../examples/manifest.json"), 0)
		fi, err := os.Stat(path)
		if err != nil || fi.Mode().Perm() != want {
			t.Errorf("%s: mode %v, want %v", filepath.Base(path), fi.Mode().Perm(), want)
		}
	}
}
