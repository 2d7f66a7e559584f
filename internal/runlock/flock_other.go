//go:build !unix

package runlock

import (
	"errors"
	"os"
)

var errLocked = errors.New("locked")

// tryLock is unsupported off Unix: runs are not serialised there.
func tryLock(*os.File) error { return nil }

func unlock(*os.File) error { return nil }
