package app

import (
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/scim-migrate/scim-migrate/internal/emulator"
	"github.com/scim-migrate/scim-migrate/internal/report"
	"github.com/scim-migrate/scim-migrate/internal/scim"
)

// TestScripts_migrateTenant runs examples/migrate-tenant.sh between two
// emulated tenants with the built binary: it goes through plan --out and
// apply --plan, so what was reviewed is what was applied, and the target
// then matches the source for every connection it has.
func TestScripts_migrateTenant(t *testing.T) {
	t.Parallel()
	src, dst := sourceTenant(t), targetTenant(t)
	work := t.TempDir()
	cmd := exec.Command("bash", "../../examples/migrate-tenant.sh")
	cmd.Env = append(os.Environ(), "SCIM_MIGRATE="+binary(t), "WORK_DIR="+work, "YES=1",
		"SOURCE_DOMAIN="+src.srv.URL, "SOURCE_CLIENT_ID="+testClientID, "SOURCE_CLIENT_SECRET="+testClientSecret,
		"TARGET_DOMAIN="+dst.srv.URL, "TARGET_CLIENT_ID="+testClientID, "TARGET_CLIENT_SECRET="+testClientSecret,
		"SCIM_MIGRATE_LOCK_DIR="+filepath.Join(work, "locks"))
	out, err := cmd.CombinedOutput()
	if code := exitCodeOf(err); code != ExitPartial { // wonka-oidc has no counterpart on the target
		t.Fatalf("exit %d\n%s", code, out)
	}
	if _, err := os.Stat(filepath.Join(work, "target-plan.json")); err != nil {
		t.Fatalf("no saved plan: the migration did not go through plan --out\n%s", out)
	}
	want, got := configsByName(src), configsByName(dst)
	for _, name := range []string{"acme-okta", "Globex SAML", "initech-azure"} {
		if !sameMapping(want[name], got[name]) {
			t.Errorf("%s: %+v, want %+v", name, got[name], want[name])
		}
	}
}

// TestScripts_cronApply runs examples/cron-apply.sh twice: the first run
// applies, the second has nothing to do; each leaves its JSON result and a
// report in REPORT_DIR.
func TestScripts_cronApply(t *testing.T) {
	t.Parallel()
	h := newHarness(t, emulator.Options{})
	dir := t.TempDir()
	for i, wantApplied := range []int{3, 0} {
		cmd := exec.Command("bash", "../../examples/cron-apply.sh")
		cmd.Env = append(os.Environ(), "SCIM_MIGRATE="+binary(t), "REPORT_DIR="+dir, "MANIFEST=../../examples/manifest.json",
			"AUTH0_DOMAIN="+h.srv.URL, "AUTH0_CLIENT_ID="+testClientID, "AUTH0_CLIENT_SECRET="+testClientSecret,
			"SCIM_MIGRATE_LOCK_DIR="+filepath.Join(dir, "locks"))
		out, err := cmd.CombinedOutput()
		if code := exitCodeOf(err); code != 0 {
			t.Fatalf("run %d: exit %d\n%s", i+1, code, out)
		}
		b, err := os.ReadFile(filepath.Join(dir, "last-result.json"))
		if err != nil {
			t.Fatal(err)
		}
		var doc report.RunResult
		if err := json.Unmarshal(b, &doc); err != nil || doc.Summary.Applied != wantApplied || !strings.HasPrefix(doc.Report, dir) {
			t.Fatalf("run %d: result %+v (%v)\n%s", i+1, doc, err, out)
		}
		if _, err := os.Stat(doc.Report); err != nil {
			t.Fatalf("run %d: the report %s: %v", i+1, doc.Report, err)
		}
	}
}

// sameMapping reports whether two configurations are equal, the order of
// their mapping entries aside.
func sameMapping(a, b *emulator.SCIMConfig) bool {
	if a == nil || b == nil {
		return a == b
	}
	c := &scim.Config{UserIDAttribute: a.UserIDAttribute, Mapping: []scim.Pair{}}
	for _, m := range a.Mapping {
		c.Mapping = append(c.Mapping, scim.Pair{SCIM: m.SCIM, Auth0: m.Auth0})
	}
	return sameConfig(c, b)
}

// firstScreenLimit is how long the README may be up to its first reference
// section: what a newcomer reads before trying the tool.
const firstScreenLimit = 120

// TestScripts_readmeFirstScreen takes a newcomer from a clone to a plan of
// their own manifest on the local tenant with the README's first screen
// only: its "Try it on the local tenant" block runs as written in a fresh
// directory, make build standing for the binaries the test built.
func TestScripts_readmeFirstScreen(t *testing.T) {
	t.Parallel()
	b, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	readme := string(b)
	firstScreen, _, found := strings.Cut(readme, "\n## Documentation\n")
	if n := strings.Count(firstScreen, "\n") + 1; !found || n >= firstScreenLimit {
		t.Fatalf("the README up to its first reference section (## Documentation) is %d lines, want under %d", n, firstScreenLimit)
	}
	block := shellBlockAfter(t, firstScreen, "## Try it on the local tenant")
	work := t.TempDir()
	localTenant := filepath.Join(work, "build", "local-tenant")
	if out, err := exec.Command("go", "build", "-o", localTenant, "../../examples/local-tenant").CombinedOutput(); err != nil {
		t.Fatalf("build local-tenant: %v\n%s", err, out)
	}
	preamble := `set -e
make() { mkdir -p bin && ln -sf "$TEST_SCIM_MIGRATE" bin/scim-migrate && ln -sf "$TEST_LOCAL_TENANT" bin/local-tenant; }
trap 'kill $(jobs -p) 2>/dev/null || true' EXIT
`
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, "bash", "-c", preamble+block)
	cmd.Dir = work
	cmd.Env = []string{"PATH=" + os.Getenv("PATH"), "HOME=" + work, "TEST_SCIM_MIGRATE=" + binary(t),
		"TEST_LOCAL_TENANT=" + localTenant, "SCIM_MIGRATE_LOCK_DIR=" + filepath.Join(work, "locks")}
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("the README's first steps failed: %v\n%s\n--- the block:\n%s", err, out, block)
	}
	if !strings.Contains(string(out), "Plan: 0 to create, 1 to update") {
		t.Fatalf("the README's first steps end without a plan of the manifest:\n%s", out)
	}
	if _, err := os.Stat(filepath.Join(work, "current.json")); err != nil {
		t.Fatalf("the export of the README's first steps: %v", err)
	}
}

// shellBlockAfter is the first ```sh block after the heading.
func shellBlockAfter(t *testing.T, text, heading string) string {
	t.Helper()
	_, rest, ok := strings.Cut(text, "\n"+heading+"\n")
	if !ok {
		t.Fatalf("no %q in the README's first screen", heading)
	}
	_, rest, ok = strings.Cut(rest, "```sh\n")
	block, _, closed := strings.Cut(rest, "\n```")
	if !ok || !closed {
		t.Fatalf("no shell block under %q", heading)
	}
	return block + "\n"
}

// TestScripts_migrateTenantNamed runs the same migration between two tenants
// named in a tenants file: the script passes --tenant and never handles a
// secret; the environment holds only the variables the file names.
func TestScripts_migrateTenantNamed(t *testing.T) {
	t.Parallel()
	src, dst := sourceTenant(t), targetTenant(t)
	work := t.TempDir()
	cfg := filepath.Join(t.TempDir(), "tenants.yaml")
	body := "tenants:\n" +
		"  old:\n    domain: " + src.srv.URL + "\n    client_id: " + testClientID + "\n    client_secret_env: OLD_TENANT_SECRET\n" +
		"  new:\n    domain: " + dst.srv.URL + "\n    client_id: " + testClientID + "\n    client_secret_env: NEW_TENANT_SECRET\n"
	if err := os.WriteFile(cfg, []byte(body), 0o600); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command("bash", "../../examples/migrate-tenant.sh")
	cmd.Env = append(os.Environ(), "SCIM_MIGRATE="+binary(t), "WORK_DIR="+work, "YES=1",
		"SOURCE_TENANT=old", "TARGET_TENANT=new", "SCIM_MIGRATE_CONFIG="+cfg,
		"OLD_TENANT_SECRET="+testClientSecret, "NEW_TENANT_SECRET="+testClientSecret,
		"SCIM_MIGRATE_LOCK_DIR="+filepath.Join(work, "locks"))
	out, err := cmd.CombinedOutput()
	if code := exitCodeOf(err); code != ExitPartial { // wonka-oidc has no counterpart on the target
		t.Fatalf("exit %d\n%s", code, out)
	}
	if strings.Contains(string(out), testClientSecret) {
		t.Fatal("the secret appears in the script's output")
	}
	want, got := configsByName(src), configsByName(dst)
	for _, name := range []string{"acme-okta", "Globex SAML", "initech-azure"} {
		if !sameMapping(want[name], got[name]) {
			t.Errorf("%s: %+v, want %+v", name, got[name], want[name])
		}
	}
}
