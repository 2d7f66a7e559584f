package fileutil

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestWriteAtomic_privateAndNeverLoosened(t *testing.T) {
	dir := t.TempDir()
	cases := map[string]struct {
		before os.FileMode // 0: no file yet
		want   os.FileMode
	}{
		"new file":     {0, 0o600},
		"loose file":   {0o644, 0o600},
		"strict file":  {0o400, 0o400},
		"private file": {0o600, 0o600},
	}
	for name, c := range cases {
		p := filepath.Join(dir, strings.ReplaceAll(name, " ", "-"))
		if c.before != 0 {
			if err := os.WriteFile(p, []byte("old"), c.before); err != nil {
				t.Fatal(err)
			}
			_ = os.Chmod(p, c.before)
		}
		if err := WriteAtomic(p, []byte("new")); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		fi, _ := os.Stat(p)
		got, _ := os.ReadFile(p)
		if fi.Mode().Perm() != c.want || string(got) != "new" {
			t.Errorf("%s: mode %v content %q, want %v %q", name, fi.Mode().Perm(), got, c.want, "new")
		}
	}
	left, _ := filepath.Glob(filepath.Join(dir, ".*tmp*"))
	if len(left) != 0 {
		t.Fatalf("temporary files left behind: %v", left)
	}
}

func TestCreateAppend_tightensALooseFile(t *testing.T) {
	p := filepath.Join(t.TempDir(), "r.jsonl")
	if err := os.WriteFile(p, nil, 0o666); err != nil {
		t.Fatal(err)
	}
	_ = os.Chmod(p, 0o666)
	f, err := CreateAppend(p)
	if err != nil {
		t.Fatal(err)
	}
	f.Close()
	if fi, _ := os.Stat(p); fi.Mode().Perm() != 0o600 {
		t.Fatalf("mode %v", fi.Mode().Perm())
	}
}

func TestReadLimited(t *testing.T) {
	p := filepath.Join(t.TempDir(), "f")
	if err := os.WriteFile(p, []byte("12345"), 0o600); err != nil {
		t.Fatal(err)
	}
	if b, err := ReadLimited(p, 5); err != nil || string(b) != "12345" {
		t.Fatalf("%q %v", b, err)
	}
	if _, err := ReadLimited(p, 4); err == nil || !strings.Contains(err.Error(), "4 bytes limit") {
		t.Fatalf("err = %v", err)
	}
	if _, err := ReadLimited(filepath.Dir(p), 4); err == nil {
		t.Fatal("a directory was read")
	}
	if HumanBytes(64<<20) != "64 MiB" || HumanBytes(1<<30) != "1 GiB" || HumanBytes(1000) != "1000 bytes" {
		t.Fatal("HumanBytes")
	}
}

func TestWrap_namesThePathOnce(t *testing.T) {
	_, err := os.Open("/nonexistent/x.json")
	got := Wrap("read plan", "/nonexistent/x.json", err)
	if got.Error() != "read plan /nonexistent/x.json: no such file or directory" || !errors.Is(got, fs.ErrNotExist) {
		t.Errorf("%q", got)
	}
	if got := Wrap("write", "b", errors.New("disk full")); got.Error() != "write b: disk full" {
		t.Errorf("%q", got)
	}
}

func TestSamePath(t *testing.T) {
	dir := t.TempDir()
	a := filepath.Join(dir, "a.json")
	if err := os.WriteFile(a, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(dir, filepath.Join(dir, "via")); err != nil {
		t.Fatal(err)
	}
	if err := os.Link(a, filepath.Join(dir, "hard.json")); err != nil {
		t.Fatal(err)
	}
	for _, b := range []string{a, dir + "/x/../a.json", dir + "/via/a.json", dir + "/hard.json"} {
		if !SamePath(a, b) {
			t.Errorf("%s and %s: not the same", a, b)
		}
	}
	for _, b := range []string{dir + "/b.json", dir + "/via/new.json", dir} {
		if SamePath(a, b) {
			t.Errorf("%s and %s: the same", a, b)
		}
	}
	if !SamePath(dir+"/new.json", dir+"/via/new.json") {
		t.Error("a new file through a symlinked directory")
	}
}

func TestReadAtMost_limitHoldsWithoutStat(t *testing.T) {
	// A FIFO or a file growing under us has no useful size: the bounded
	// read must still stop one byte past the limit, which tells the caller
	// it is too large (manifest.Parse refuses it: TestParseManifest_tooLarge).
	// /dev/zero never ends; the limit here is small because a manifest's
	// 64 MiB costs seconds under the race detector.
	f, err := os.Open("/dev/zero")
	if err != nil {
		t.Skip("no /dev/zero")
	}
	defer f.Close()
	const limit = 1 << 20
	data, err := ReadAtMost(f, limit)
	if err != nil || len(data) != limit+1 {
		t.Errorf("read %d bytes (%v) of an endless stream, want the limit and one more: %d", len(data), err, limit+1)
	}
}
