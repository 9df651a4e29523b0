package cometchatcalls

import (
	"errors"
	"os"

	"golang.org/x/sys/windows"
)

// errNoFileLock is nil: LockFileEx locks a handle, not the process.
var errNoFileLock error

// The lock covers the first byte of the lock file, the range that earlier
// versions of this SDK locked (through github.com/gofrs/flock), so that
// they and this one exclude each other. The file stays empty: Windows
// locks are mandatory, but nothing reads or writes it.
const (
	lockOffset = 0 // in the Overlapped that LockFileEx requires
	lockLength = 1
)

// tryLock takes the LockFileEx lock of h without waiting. It reports false
// and no error when another handle holds a lock that conflicts.
func tryLock(h *os.File, exclusive bool) (bool, error) {
	flags := uint32(windows.LOCKFILE_FAIL_IMMEDIATELY)
	if exclusive {
		flags |= windows.LOCKFILE_EXCLUSIVE_LOCK
	}
	ol := &windows.Overlapped{Offset: lockOffset}
	err := windows.LockFileEx(windows.Handle(h.Fd()), flags, 0, lockLength, 0, ol)
	switch {
	case err == nil:
		return true, nil
	case errors.Is(err, windows.ERROR_LOCK_VIOLATION):
		return false, nil
	}
	return false, err
}

// unlock releases the lock of h.
func unlock(h *os.File) error {
	ol := &windows.Overlapped{Offset: lockOffset}
	return windows.UnlockFileEx(windows.Handle(h.Fd()), 0, lockLength, 0, ol)
}
