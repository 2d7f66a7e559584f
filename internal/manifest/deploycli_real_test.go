package manifest

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"
)

// deployCLIPackageEnv names the directory of an installed auth0-deploy-cli
// package (…/node_modules/auth0-deploy-cli); .ci/run installs a pinned one
// and sets it.
const deployCLIPackageEnv = "SCIM_MIGRATE_DEPLOY_CLI"

// TestDeployCLIReadsOurExport checks with the real Deploy CLI that the files
// export writes are read by its own context loader and pass its own schema,
// with the same configurations; and that a file its schema refuses is
// refused (load.js checks against the schema cut to the asset types a file
// holds: the check must still bite).
func TestDeployCLIReadsOurExport(t *testing.T) {
	node, pkg := deployCLI(t)
	conns, _ := ExportConnections(liveFixture(), KeyByName)
	dir := t.TempDir()
	var y bytes.Buffer
	if err := WriteDeployCLIYAML(&y, conns); err != nil {
		t.Fatal(err)
	}
	yamlPath := filepath.Join(dir, "tenant.yaml")
	if err := os.WriteFile(yamlPath, y.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	dirPath := filepath.Join(dir, "export")
	files, _ := DeployCLIFiles(conns)
	for _, f := range files {
		p := filepath.Join(dirPath, filepath.FromSlash(f.Path))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, f.Data, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	bad := filepath.Join(dir, "bad.yaml")
	if err := os.WriteFile(bad, []byte("connections:\n  - name: x\n    strategy: okta\n    options:\n      dpop_signing_alg: none\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if out, err := runDeployCLI(t, node, pkg, bad, filepath.Join(dir, "bad.json")); err == nil || !strings.Contains(string(out), "Schema validation failed") {
		t.Errorf("the Deploy CLI's schema did not refuse a connection with an unknown dpop_signing_alg: %v\n%s", err, out)
	}
	inputs := []string{yamlPath, dirPath}
	for i, got := range loadWithDeployCLI(t, node, pkg, inputs...) {
		input := inputs[i]
		if len(got) != len(conns) {
			t.Fatalf("%s: the Deploy CLI read %d connections, want %d", input, len(got), len(conns))
		}
		byName := map[string]deployConn{}
		for _, c := range got {
			byName[c.Name] = c
		}
		for i := range conns {
			want := deployConnOf(&conns[i])
			if !reflect.DeepEqual(byName[want.Name], want) {
				t.Errorf("%s: the Deploy CLI read %+v, want %+v", input, byName[want.Name], want)
			}
		}
	}
}

// deployCLI is node and the installed Deploy CLI package the test runs, or
// it skips the test.
func deployCLI(t *testing.T) (node, pkg string) {
	t.Helper()
	pkg = os.Getenv(deployCLIPackageEnv)
	node, err := exec.LookPath("node")
	switch {
	case pkg == "":
		t.Skipf("the real Deploy CLI check is skipped: set %s to an installed auth0-deploy-cli package (.ci/run does)", deployCLIPackageEnv)
	case err != nil:
		t.Skip("the real Deploy CLI check is skipped: no node on PATH")
	}
	if _, err := os.Stat(filepath.Join(pkg, "lib", "context")); err != nil {
		t.Fatalf("%s=%s is not an installed auth0-deploy-cli package: %v", deployCLIPackageEnv, pkg, err)
	}
	return node, pkg
}

// loadWithDeployCLI returns the connections the Deploy CLI read from each
// input, in order, loaded by one node process.
func loadWithDeployCLI(t *testing.T, node, pkg string, inputs ...string) [][]deployConn {
	t.Helper()
	outs := make([]string, len(inputs))
	var pairs []string
	for i, input := range inputs {
		outs[i] = filepath.Join(t.TempDir(), "read.json")
		pairs = append(pairs, input, outs[i])
	}
	if b, err := runDeployCLI(t, node, pkg, pairs...); err != nil {
		t.Fatalf("the Deploy CLI refused %v: %v\n%s", inputs, err, b)
	}
	read := make([][]deployConn, len(inputs))
	for i, out := range outs {
		data, err := os.ReadFile(out)
		if err != nil {
			t.Fatal(err)
		}
		if err := json.Unmarshal(data, &read[i]); err != nil {
			t.Fatal(err)
		}
	}
	return read
}

// runDeployCLI runs load.js on INPUT OUTPUT pairs and returns what it said.
func runDeployCLI(t *testing.T, node, pkg string, pairs ...string) ([]byte, error) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 120*time.Second)
	defer cancel()
	script, _ := filepath.Abs(filepath.Join("testdata", "deploycli", "load.js"))
	cmd := exec.CommandContext(ctx, node, append([]string{script, pkg}, pairs...)...)
	cmd.Dir = t.TempDir()
	return cmd.CombinedOutput()
}
