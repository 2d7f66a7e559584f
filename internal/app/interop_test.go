package app

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/scim-migrate/scim-migrate/internal/emulator"
	"github.com/scim-migrate/scim-migrate/internal/manifest"
)

// Deploy CLI files exported from a tenant plan no changes against it,
// through validate, plan and the token commands' selection.
func TestInterop_deployCLIRoundTrip(t *testing.T) {
	t.Parallel()
	conns := emulator.Generate(120, 5)
	h := newHarness(t, emulator.Options{}, conns...)
	want := configured(conns)
	yamlOut, dirOut := h.path("tenant.yaml"), h.path("deploy")
	h.expect(h.run("export", "--format", "deploy-cli-yaml", "--out", yamlOut), 0)
	h.expect(h.run("export", "--format", "deploy-cli-dir", "--out", dirOut), 0)
	for _, src := range []string{yamlOut, dirOut} {
		m, err := manifest.Read(src)
		if err != nil || len(m.Entries) != want {
			t.Fatalf("%s: %v, %d entries, want %d", src, err, entriesOf(m), want)
		}
		h.expect(h.runRaw("scim-migrate", "validate", "-f", src), 0)
		r := h.expect(h.run("plan", "--detailed-exitcode", "-f", src), 0)
		if !strings.Contains(r.stdout, "No changes.") {
			t.Fatalf("%s: plan of the export:\n%s", src, r)
		}
	}
	body, _ := os.ReadFile(yamlOut)
	for _, key := range []string{"connections:", "name:", "strategy:", "scim_configuration:", "user_id_attribute:", "mapping:"} {
		if !strings.Contains(string(body), key) {
			t.Errorf("the YAML export lacks %s", key)
		}
	}
	// The same export again over its own files is allowed; over a user's
	// connection file holding options it is refused.
	h.expect(h.run("export", "--format", "deploy-cli-dir", "--out", dirOut), 0)
	files, _ := filepath.Glob(filepath.Join(dirOut, "connections", "*.json"))
	if len(files) != want {
		t.Fatalf("%d files, want %d", len(files), want)
	}
	if err := os.WriteFile(files[0], []byte(`{"name": "x", "options": {"domain": "keep me"}}`), 0o600); err != nil {
		t.Fatal(err)
	}
	r := h.expect(h.run("export", "--format", "deploy-cli-dir", "--out", dirOut), 1)
	if !strings.Contains(r.stderr, "hold more than a SCIM configuration") {
		t.Errorf("overwrite not refused:\n%s", r)
	}
	if st := h.tenant.Stats(); st.Count(emulator.KindSCIMUpdate)+st.Count(emulator.KindSCIMCreate) != 0 {
		t.Fatal("export or plan wrote to the tenant")
	}
}

func TestInterop_deployCLIProblemsAreFileLine(t *testing.T) {
	t.Parallel()
	h := newHarness(t, emulator.Options{})
	bad := h.file("tenant.yaml", "connections:\n  - name: acme-okta\n    strategy: okta\n    scim_configuration:\n      user_id_attribute: \"##UID##\"\n      mapping: [{scim: userName, auth0: username}]\n")
	r := h.expect(h.runRaw("scim-migrate", "validate", "--format", "json", "-f", bad), 1)
	if !strings.Contains(r.stdout, `"line": 5`) || !strings.Contains(r.stdout, "##UID##") {
		t.Errorf("validate --format json:\n%s", r)
	}
	r = h.expect(h.run("plan", "-f", bad), 1)
	if !strings.Contains(r.stderr, bad+":5: ") {
		t.Errorf("plan:\n%s", r)
	}
	if h.tenant.Stats().Total() != 0 {
		t.Error("an invalid Deploy CLI file sent requests")
	}
}

// A Deploy CLI export of 500 connections is planned with the same requests
// as the equivalent JSON manifest (connections by name).
func TestInterop_deployCLIPlanRequests(t *testing.T) {
	t.Parallel()
	// 150 connections: two pages of each listing, for counts that depend on
	// the pages.
	conns := emulator.Generate(150, 9)
	h := newHarness(t, emulator.Options{}, conns...)
	jsonOut, yamlOut, dirOut := h.path("m.json"), h.path("m.yaml"), h.path("dir")
	h.expect(h.run("export", "--key", "name", "--out", jsonOut), 0)
	h.expect(h.run("export", "--format", "deploy-cli-yaml", "--out", yamlOut), 0)
	h.expect(h.run("export", "--format", "deploy-cli-dir", "--out", dirOut), 0)
	counts := map[string]int{}
	for _, src := range []string{jsonOut, yamlOut, dirOut} {
		h.tenant.ResetStats()
		h.expect(h.run("plan", "--detailed-exitcode", "-f", src), 0)
		counts[src] = h.tenant.Stats().Total()
	}
	if counts[yamlOut] != counts[jsonOut] || counts[dirOut] != counts[jsonOut] {
		t.Errorf("requests: JSON %d, Deploy CLI YAML %d, directory %d; want equal", counts[jsonOut], counts[yamlOut], counts[dirOut])
	}
	t.Logf("plan of %d configurations: %d requests for each format", configured(conns), counts[jsonOut])
}

// export --format terraform costs the listing's requests only.
func TestInterop_terraformExport(t *testing.T) {
	t.Parallel()
	// 300 connections, several listing pages: the pages and stable names
	// show as well as with more (BenchmarkWriteTerraform3000 in
	// internal/manifest times the rendering of 3,000).
	conns := emulator.Generate(300, 13)
	h := newHarness(t, emulator.Options{}, conns...)
	out := h.path("scim.tf")
	h.expect(h.run("export", "--out", out), 0) // warm: nothing
	h.tenant.ResetStats()
	h.expect(h.run("export", "--format", "terraform", "--out", out), 0)
	pages := (configured(conns) + 99) / 100
	if st := h.tenant.Stats(); st.Total() != pages {
		t.Errorf("%d requests, want the %d listing pages", st.Total(), pages)
	}
	body, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	if n := strings.Count(string(body), "resource \"auth0_connection_scim_configuration\""); n != configured(conns) {
		t.Errorf("%d resources, want %d", n, configured(conns))
	}
	if n := strings.Count(string(body), "import {"); n != configured(conns) {
		t.Errorf("%d import blocks, want %d", n, configured(conns))
	}
	again := h.path("again.tf")
	h.expect(h.run("export", "--out", again), 0) // .tf names the format
	second, _ := os.ReadFile(again)
	if string(second) != string(body) {
		t.Error("two Terraform exports differ")
	}
}
