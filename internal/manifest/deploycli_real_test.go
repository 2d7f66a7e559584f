package manifest

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"testing"
	"time"
)

// deployCLIPackageEnv names the directory of an installed auth0-deploy-cli
// package (…/node_modules/auth0-deploy-cli); .ci/run installs a pinned one
// and sets it.
const deployCLIPackageEnv = "SCIM_MIGRATE_DEPLOY_CLI"

// TestDeployCLIReadsOurExport checks with the real Deploy CLI that the files
// export writes are read by its own context loader and pass its own schema,
// with the same configurations.
func TestDeployCLIReadsOurExport(t *testing.T) {
	pkg := os.Getenv(deployCLIPackageEnv)
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

// loadWithDeployCLI returns the connections the Deploy CLI read from each
// input, in order. One node process loads them all: the Deploy CLI's
// schema takes seconds to compile, and load.js compiles it once.
func loadWithDeployCLI(t *testing.T, node, pkg string, inputs ...string) [][]deployConn {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 120*time.Second)
	defer cancel()
	script, _ := filepath.Abs(filepath.Join("testdata", "deploycli", "load.js"))
	args := []string{script, pkg}
	outs := make([]string, len(inputs))
	for i, input := range inputs {
		outs[i] = filepath.Join(t.TempDir(), "read.json")
		args = append(args, input, outs[i])
	}
	cmd := exec.CommandContext(ctx, node, args...)
	cmd.Dir = t.TempDir()
	if b, err := cmd.CombinedOutput(); err != nil {
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
