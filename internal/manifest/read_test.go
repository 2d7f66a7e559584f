package manifest

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"flag"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/scim-migrate/scim-migrate/internal/manifest/manifesttest"
)

// manifestsDir holds the manifest fixtures shared with the CLI's tests.
const manifestsDir = "../../testdata/manifests"

// The -update flag rewrites golden files. Another test file of the package
// may register it too; package variables are initialised before init runs,
// so registering here only when it is missing works in any file order.
func init() {
	if flag.Lookup("update") == nil {
		flag.Bool("update", false, "rewrite the golden files in testdata")
	}
}

func updateGoldens() bool {
	f := flag.Lookup("update")
	return f != nil && f.Value.String() == "true"
}

// manifestFixtures returns the manifests of one fixture folder, leaving out
// golden and want files.
func manifestFixtures(t testing.TB, dir string) []string {
	t.Helper()
	var paths []string
	for _, ext := range []string{"*.json", "*.csv"} {
		matches, err := filepath.Glob(filepath.Join(manifestsDir, dir, ext))
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range matches {
			if !strings.HasSuffix(m, ".golden.json") {
				paths = append(paths, m)
			}
		}
	}
	if len(paths) == 0 {
		t.Fatalf("no fixtures in %s", dir)
	}
	// NAME.json and NAME.csv would share one golden or want file.
	stems := map[string]string{}
	for _, p := range paths {
		stem := strings.TrimSuffix(p, filepath.Ext(p))
		if other, dup := stems[stem]; dup {
			t.Fatalf("%s and %s share the name of their golden file", other, p)
		}
		stems[stem] = p
	}
	return paths
}

func TestParseManifest_validFixtures(t *testing.T) {
	for _, path := range manifestFixtures(t, "valid") {
		t.Run(filepath.Base(path), func(t *testing.T) {
			data := readFixture(t, path)
			m, err := Parse(filepath.Base(path), data)
			if err != nil {
				t.Fatalf("unexpected problems:\n%v", err)
			}
			checkProvenance(t, m, filepath.Base(path), data)
			got, err := json.MarshalIndent(m.Entries, "", "  ")
			if err != nil {
				t.Fatal(err)
			}
			golden := strings.TrimSuffix(path, filepath.Ext(path)) + ".golden.json"
			compareGolden(t, golden, append(got, '\n'))
		})
	}
}

func TestParseManifest_invalidFixtures(t *testing.T) {
	for _, path := range manifestFixtures(t, "invalid") {
		t.Run(filepath.Base(path), func(t *testing.T) {
			m, err := Parse(filepath.Base(path), readFixture(t, path))
			if err == nil {
				t.Fatalf("parsed as valid: %+v", m.Entries)
			}
			var ps Problems
			if !errors.As(err, &ps) {
				t.Fatalf("error is %T, want Problems: %v", err, err)
			}
			compareGolden(t, strings.TrimSuffix(path, filepath.Ext(path))+".want", []byte(err.Error()+"\n"))
		})
	}
}

func readFixture(t testing.TB, path string) []byte {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return data
}

func checkProvenance(t *testing.T, m *Manifest, name string, data []byte) {
	t.Helper()
	sum := sha256.Sum256(data)
	if m.Path != name || m.SHA256 != hex.EncodeToString(sum[:]) {
		t.Errorf("provenance = %q %q, want %q and the SHA-256 of the file", m.Path, m.SHA256, name)
	}
}

// compareGolden compares got with the golden file, or rewrites it under -update.
func compareGolden(t *testing.T, golden string, got []byte) {
	t.Helper()
	if updateGoldens() {
		if err := os.WriteFile(golden, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("output differs from %s (run go test -update to accept):\n--- got\n%s--- want\n%s", golden, got, want)
	}
}

func TestParseManifest_extensions(t *testing.T) {
	data := manifesttest.GenerateCSVManifest(1, 1)
	if _, err := Parse("UPPER.CSV", data); err != nil {
		t.Errorf("upper-case .CSV: %v", err)
	}
	// A .yaml file is a Deploy CLI file: CSV in it is refused as such.
	_, err := Parse("m.yaml", data)
	want := `m.yaml:1: a Deploy CLI file must be a map with a connections: list, not a string`
	if err == nil || err.Error() != want {
		t.Errorf("got %v, want %s", err, want)
	}
	_, err = Parse("noext", data)
	if err == nil || !strings.Contains(err.Error(), `extension ""`) {
		t.Errorf("no extension: got %v", err)
	}
}

func TestParseManifest_tooLarge(t *testing.T) {
	_, err := Parse("big.json", make([]byte, MaxManifestBytes+1))
	if err == nil || !strings.Contains(err.Error(), "64 MiB") {
		t.Errorf("got %v, want a problem naming the 64 MiB limit", err)
	}
}

func TestReadManifest(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "m.csv")
	if err := os.WriteFile(path, manifesttest.GenerateCSVManifest(2, 3), 0o600); err != nil {
		t.Fatal(err)
	}
	m, err := Read(path)
	if err != nil {
		t.Fatal(err)
	}
	if m.Path != path || len(m.Entries) != 2 || m.Entries[1].Pos.File != path {
		t.Errorf("got path %q, %d entries, pos %v", m.Path, len(m.Entries), m.Entries[1].Pos)
	}
}

func TestReadManifest_missingFile(t *testing.T) {
	_, err := Read(filepath.Join(t.TempDir(), "absent.json"))
	if !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("got %v, want a not-exist error", err)
	}
}

// TestReadManifest_tooLarge uses a sparse file, so the test writes nothing
// near the limit to disk; the size check must refuse it without reading.
func TestReadManifest_tooLarge(t *testing.T) {
	path := filepath.Join(t.TempDir(), "big.json")
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := f.Truncate(MaxManifestBytes + 1); err != nil {
		t.Fatal(err)
	}
	f.Close()
	_, err = Read(path)
	var ps Problems
	if !errors.As(err, &ps) || len(ps) != 1 || !strings.Contains(ps[0].Message, "64 MiB") {
		t.Errorf("got %v, want one problem naming the 64 MiB limit", err)
	}
}

func TestLineIndex(t *testing.T) {
	data := []byte("a\nbc\n\nd")
	idx := newLineIndex(data)
	for off, want := range []int{1, 1, 2, 2, 2, 3, 4} {
		if got := idx.line(int64(off)); got != want {
			t.Errorf("line(%d) = %d, want %d", off, got, want)
		}
	}
	if got := idx.lines(len(data)); got != 4 {
		t.Errorf("lines = %d, want 4", got)
	}
}

func TestProblems_sortedAndDeduplicated(t *testing.T) {
	ps := newProblemList("f")
	ps.add(3, "b")
	ps.add(1, "z")
	ps.add(3, "a")
	ps.add(3, "b")
	got := ps.err().Error()
	want := "f:1: z\nf:3: a\nf:3: b"
	if got != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
	if newProblemList("f").err() != nil {
		t.Error("no problems must give a nil error")
	}
}

func TestParseManifestDetect(t *testing.T) {
	m, err := ParseDetect("stdin", []byte("\xef\xbb\xbf\n  {\"connections\": [{\"connection_id\": \"con_a1\", \"user_id_attribute\": \"u\", \"mapping\": [{\"scim\": \"a\", \"auth0\": \"b\"}]}]}"))
	if err != nil || len(m.Entries) != 1 || m.Path != "stdin" {
		t.Fatalf("json: %+v %v", m, err)
	}
	m, err = ParseDetect("stdin", []byte("connection_id,user_id_attribute,scim,auth0\ncon_a1,u,a,b\n"))
	if err != nil || len(m.Entries) != 1 {
		t.Fatalf("csv: %+v %v", m, err)
	}
	_, err = ParseDetect("stdin", []byte("connection_id,user_id_attribute,scim,auth0\ncon_a1,u,,b\n"))
	if err == nil || !strings.HasPrefix(err.Error(), "stdin:2: ") {
		t.Fatalf("problems name stdin and the line: %v", err)
	}
}
