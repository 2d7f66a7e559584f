// Package fileutil owns how scim-migrate creates the files it writes (plans,
// reports, exports): private to the user (0600), durable, and never loosening
// the mode of a file it replaces; and how it reads what it is given, never
// past a size limit.
package fileutil

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"strings"
)

// PrivateMode is the mode of every file the tool creates: plans and reports
// hold a tenant's configuration, which is not for other users of the machine.
const PrivateMode fs.FileMode = 0o600

// modeFor keeps an existing file's mode when it is stricter than PrivateMode.
func modeFor(path string) fs.FileMode {
	if fi, err := os.Stat(path); err == nil {
		return fi.Mode().Perm() & PrivateMode
	}
	return PrivateMode
}

// WriteAtomic writes data to path through a temporary file in the same
// directory, synced and then renamed over path, so a reader never sees half
// a file and a crash leaves either the old file or the new one.
func WriteAtomic(path string, data []byte) error {
	mode := modeFor(path)
	dir := filepath.Dir(path)
	tmp, err := os.CreateTemp(dir, "."+filepath.Base(path)+".tmp-*")
	if err != nil {
		return Wrap("write", path, err)
	}
	defer os.Remove(tmp.Name()) // no-op after the rename
	if err := writeSync(tmp, data, mode); err != nil {
		return Wrap("write", path, err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return Wrap("write", path, err)
	}
	return syncDir(dir)
}

func writeSync(f *os.File, data []byte, mode fs.FileMode) error {
	defer f.Close()
	if err := f.Chmod(mode); err != nil {
		return err
	}
	if _, err := f.Write(data); err != nil {
		return err
	}
	if err := f.Sync(); err != nil {
		return err
	}
	return f.Close()
}

// CreateAppend opens path for appending, creating it with PrivateMode. An
// existing file keeps its mode if stricter; a looser one is tightened,
// because the tool is about to write a tenant's configuration into it.
func CreateAppend(path string) (*os.File, error) {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_APPEND, PrivateMode)
	if err != nil {
		return nil, Wrap("open", path, err)
	}
	fi, err := f.Stat()
	if err == nil && fi.Mode().Perm()&^PrivateMode != 0 {
		err = f.Chmod(fi.Mode().Perm() & PrivateMode)
	}
	if err != nil {
		f.Close()
		return nil, Wrap("open", path, err)
	}
	return f, syncDir(filepath.Dir(path))
}

// syncDir makes a new directory entry durable, so a file created just before
// a crash is still there after it.
func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return fmt.Errorf("sync directory %s: %w", dir, err)
	}
	defer d.Close()
	if err := d.Sync(); err != nil {
		return fmt.Errorf("sync directory %s: %w", dir, err)
	}
	return nil
}

// ReadLimited reads a whole file, refusing one larger than limit bytes with
// a message naming the limit, before reading it into memory.
func ReadLimited(path string, limit int64) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return nil, err
	}
	if fi.IsDir() {
		return nil, fmt.Errorf("%s is a directory", path)
	}
	if fi.Size() > limit {
		return nil, fmt.Errorf("%s is %d bytes, larger than the %s limit", path, fi.Size(), HumanBytes(limit))
	}
	data, err := ReadAtMost(f, limit)
	if err != nil {
		return nil, err
	}
	if int64(len(data)) > limit {
		return nil, fmt.Errorf("%s is larger than the %s limit", path, HumanBytes(limit))
	}
	return data, nil
}

// ReadAtMost reads r to its end or to one byte past limit, whichever comes
// first: a stream that never ends (a FIFO, /dev/zero, a file growing while
// it is read) is not read whole, and a result longer than limit tells the
// caller the stream was too large.
func ReadAtMost(r io.Reader, limit int64) ([]byte, error) {
	return io.ReadAll(io.LimitReader(r, limit+1))
}

// HumanBytes prints a size limit the way people say it.
func HumanBytes(n int64) string {
	switch {
	case n >= 1<<30 && n%(1<<30) == 0:
		return fmt.Sprintf("%d GiB", n>>30)
	case n >= 1<<20 && n%(1<<20) == 0:
		return fmt.Sprintf("%d MiB", n>>20)
	case n >= 1<<10 && n%(1<<10) == 0:
		return fmt.Sprintf("%d KiB", n>>10)
	}
	return fmt.Sprintf("%d bytes", n)
}

// Wrap names a failed file operation and its path once. An error from the
// os package already names its own operation and path ("open X: ..."), and
// wrapping it again would say the path twice; its cause is kept, so
// errors.Is still finds, say, fs.ErrNotExist.
func Wrap(op, path string, err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) && pe.Path == path {
		err = pe.Err
	}
	return fmt.Errorf("%s %s: %w", op, path, err)
}

// SamePath reports whether two paths name one file, existing or not: the
// same path once made absolute and its directory's symlinks resolved (on
// macOS and Windows, whose file systems ignore case by default, in any
// case), or two names of one existing file (a hard link, a symlink). Two
// outputs of one command must never be one file: the second would replace
// the first.
func SamePath(a, b string) bool {
	ra, rb := resolved(a), resolved(b)
	if ra == rb || (caseInsensitive && strings.EqualFold(ra, rb)) {
		return true
	}
	fa, errA := os.Stat(a)
	fb, errB := os.Stat(b)
	return errA == nil && errB == nil && os.SameFile(fa, fb)
}

// caseInsensitive is whether the default file systems of this system ignore
// case in names.
const caseInsensitive = runtime.GOOS == "darwin" || runtime.GOOS == "windows"

// resolved is p made absolute, with the symlinks of its directory resolved
// (p itself may not exist yet).
func resolved(p string) string {
	abs, err := filepath.Abs(p)
	if err != nil {
		return filepath.Clean(p)
	}
	if dir, err := filepath.EvalSymlinks(filepath.Dir(abs)); err == nil {
		return filepath.Join(dir, filepath.Base(abs))
	}
	return abs
}
