//go:build darwin || dragonfly || freebsd || illumos || linux || netbsd || openbsd

package cometchatcalls

import (
	"errors"
	"os"
	"syscall"
)

// errNoFileLock is nil: flock(2) locks an open file, not the process.
var errNoFileLock error

// tryLock takes the flock(2) lock of h without waiting. It reports false
// and no error when another open file holds a lock that conflicts.
func tryLock(h *os.File, exclusive bool) (bool, error) {
	how := syscall.LOCK_SH
	if exclusive {
		how = syscall.LOCK_EX
	}
	err := syscall.Flock(int(h.Fd()), how|syscall.LOCK_NB)
	switch {
	case err == nil:
		return true, nil
	case errors.Is(err, syscall.EWOULDBLOCK), errors.Is(err, syscall.EINTR):
		return false, nil // held elsewhere, or interrupted: try again
	}
	return false, err
}

// unlock releases the lock of h.
func unlock(h *os.File) error {
	return syscall.Flock(int(h.Fd()), syscall.LOCK_UN)
}
