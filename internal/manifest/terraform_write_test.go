package manifest

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/scim-migrate/scim-migrate/internal/scim"
)

func TestTerraformName(t *testing.T) {
	for in, want := range map[string]string{
		"acme-okta": "acme_okta", "Acme SAML (EU)": "acme_saml_eu", "123-okta": "okta", "__x__": "x", "Ünïcode": "n_code", "!!!": "",
	} {
		if got := TerraformName(in); got != want {
			t.Errorf("TerraformName(%q) = %q, want %q", in, got, want)
		}
	}
	conns := []ExportedConnection{
		{Connection: scim.Connection{ID: "con_A", Name: "acme okta"}},
		{Connection: scim.Connection{ID: "con_B", Name: "acme-okta"}},
		{Connection: scim.Connection{ID: "con_C", Name: "!!!"}},
		{Connection: scim.Connection{ID: "con_D", Name: "solo"}},
	}
	got := TerraformNames(conns)
	want := []string{"acme_okta_con_a", "acme_okta_con_b", "con_c", "solo"}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("TerraformNames = %v, want %v", got, want)
	}
}

// parseTerraform parses src as HCL and returns its resource and import
// blocks, failing the test on any diagnostic.
func parseTerraform(t *testing.T, src []byte) (resources, imports []*hclsyntax.Block) {
	t.Helper()
	f, diags := hclsyntax.ParseConfig(src, "scim.tf", hcl.InitialPos)
	if diags.HasErrors() {
		t.Fatalf("HCL: %v\n%s", diags, src)
	}
	for _, b := range f.Body.(*hclsyntax.Body).Blocks {
		switch b.Type {
		case "resource":
			resources = append(resources, b)
		case "import":
			imports = append(imports, b)
		}
	}
	return resources, imports
}

func TestWriteTerraformParses(t *testing.T) {
	conns, _ := ExportConnections(liveFixture(), KeyByID)
	var b bytes.Buffer
	if err := WriteTerraform(&b, conns); err != nil {
		t.Fatal(err)
	}
	resources, imports := parseTerraform(t, b.Bytes())
	if len(resources) != 2 || len(imports) != 2 {
		t.Fatalf("%d resources, %d imports\n%s", len(resources), len(imports), b.String())
	}
	r := resources[0]
	if r.Labels[0] != TerraformResourceType || r.Labels[1] != "acme_okta" {
		t.Errorf("labels %v", r.Labels)
	}
	// The literal values read back exactly, templates included.
	var mappings []string
	for _, blk := range r.Body.Blocks {
		v, diags := blk.Body.Attributes["auth0"].Expr.Value(nil)
		if diags.HasErrors() {
			t.Fatal(diags)
		}
		mappings = append(mappings, v.AsString())
	}
	if fmt.Sprint(mappings) != fmt.Sprint([]string{"preferred_username", `app_metadata."${x}"`}) {
		t.Errorf("mapping values %q", mappings)
	}
	id, _ := imports[0].Body.Attributes["id"].Expr.Value(nil)
	if id.AsString() != "con_1" {
		t.Errorf("import id %q", id.AsString())
	}
	// Stable: a second rendering is identical.
	var again bytes.Buffer
	_ = WriteTerraform(&again, conns)
	if !bytes.Equal(b.Bytes(), again.Bytes()) {
		t.Error("two renderings differ")
	}
	t.Run("terraform validate", func(t *testing.T) { terraformValidate(t, b.Bytes()) })
}

// terraformValidate runs `terraform validate` where a terraform binary and
// the auth0 provider are installed; the provider comes from a registry this
// machine may not reach, so without a local copy of it the check is skipped.
func terraformValidate(t *testing.T, src []byte) {
	bin, err := exec.LookPath("terraform")
	if err != nil {
		t.Skip("terraform validate skipped: no terraform binary on PATH (the HCL parse above still ran)")
	}
	dir := t.TempDir()
	providers := `terraform {
  required_providers {
    auth0 = { source = "auth0/auth0" }
  }
}
`
	for name, data := range map[string][]byte{"main.tf": []byte(providers), "scim.tf": src} {
		if err := os.WriteFile(filepath.Join(dir, name), data, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	run := func(args ...string) ([]byte, error) {
		ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
		defer cancel()
		cmd := exec.CommandContext(ctx, bin, args...)
		cmd.Dir = dir
		cmd.Env = append(os.Environ(), "TF_IN_AUTOMATION=1", "CHECKPOINT_DISABLE=1")
		return cmd.CombinedOutput()
	}
	if out, err := run("init", "-backend=false", "-input=false"); err != nil {
		t.Skipf("terraform validate skipped: terraform init could not install the auth0 provider (no registry access here?): %v\n%s",
			err, firstLines(out, 8))
	}
	if out, err := run("validate", "-no-color"); err != nil {
		t.Fatalf("terraform validate: %v\n%s", err, out)
	}
}

func firstLines(b []byte, n int) string {
	lines := strings.SplitN(string(b), "\n", n+1)
	return strings.Join(lines[:min(n, len(lines))], "\n")
}

// TestWriteTerraform_namesStayUnique: among many connections whose names
// collide once made resource names, every resource still gets a name of
// its own. How fast 3,000 render is BenchmarkWriteTerraform3000's to say.
func TestWriteTerraform_namesStayUnique(t *testing.T) {
	const n = 300
	conns, _ := ExportConnections(terraformLive(n, n-n/30), KeyByID)
	var b bytes.Buffer
	if err := WriteTerraform(&b, conns); err != nil {
		t.Fatal(err)
	}
	resources, _ := parseTerraform(t, b.Bytes())
	seen := map[string]bool{}
	for _, r := range resources {
		if seen[r.Labels[1]] {
			t.Fatalf("resource name %s twice", r.Labels[1])
		}
		seen[r.Labels[1]] = true
	}
	if len(seen) != n {
		t.Errorf("%d resources, want %d", len(seen), n)
	}
}

// BenchmarkWriteTerraform3000 renders 3,000 configurations (a large
// tenant's export), a hundred of whose names collide.
func BenchmarkWriteTerraform3000(b *testing.B) {
	conns, _ := ExportConnections(terraformLive(3000, 2900), KeyByID)
	for b.Loop() {
		if err := WriteTerraform(io.Discard, conns); err != nil {
			b.Fatal(err)
		}
	}
}

// terraformLive is n okta connections named acme-0 … acme-(names-1), over
// again: n-names of them share a name with another.
func terraformLive(n, names int) []*scim.LiveConnection {
	live := make([]*scim.LiveConnection, n)
	for i := range live {
		live[i] = &scim.LiveConnection{
			Connection: scim.Connection{ID: fmt.Sprintf("con_%06d", i), Name: fmt.Sprintf("acme-%d", i%names), Strategy: "okta"},
			Config:     &scim.Config{UserIDAttribute: "externalId", Mapping: []scim.Pair{{SCIM: "userName", Auth0: "username"}, {SCIM: "title", Auth0: "app_metadata.title"}}},
		}
	}
	return live
}
