//go:build !(darwin || dragonfly || freebsd || illumos || linux || netbsd || openbsd || windows)

package cometchatcalls

import (
	"errors"
	"fmt"
	"os"
	"runtime"
)

// errNoFileLock says why FileStore does not lock files here. What these
// platforms offer (fcntl on aix and solaris, nothing on plan9, js and
// wasip1) is no lock FileStore can trust: an fcntl lock belongs to the
// process, so two FileStores of one process on one file would not exclude
// each other, and closing any handle of the file would drop the lock.
// Writers fail with this error; readers go without the lock (see lock).
var errNoFileLock = fmt.Errorf("%s has no file lock FileStore can use: %w", runtime.GOOS, errors.ErrUnsupported)

func tryLock(*os.File, bool) (bool, error) { return false, errNoFileLock }

func unlock(*os.File) error { return errNoFileLock }
