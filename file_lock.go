package cometchatcalls

import (
	"context"
	"errors"
	"io/fs"
	"os"
	"time"
)

// fileLockRetry is how often a waiting call retries the file lock.
const fileLockRetry = 10 * time.Millisecond

// lock takes the FileStore's in-process semaphore, then the cross-process
// lock on "<file>.lock", where file is the session file the path resolves
// to (so that stores reaching one file through different names, a
// symbolic link included, share one lock). The lock is shared for reads
// (on Windows a file that another process is reading cannot be renamed
// over) and exclusive for read-modify-write. Both waits end when ctx is
// done; a ctx that ends while the locks are being taken counts as a wait
// that failed, so the caller changes nothing.
//
// A reader that cannot open the lock file because it may only read the
// directory or the file system (or the lock file belongs to another user)
// reads without the lock. That is safe: writers replace the session file
// by an atomic rename, so an unlocked reader sees the old file or the new
// one, whole, never a torn one. The shared lock only spares a Windows
// writer a failed rename (an error for that writer, not a corrupt file).
// A writer has no such way out: it could not replace the file either. The
// same goes for a platform without a file lock FileStore can trust
// (errNoFileLock): readers go without, writers fail.
func (f *FileStore) lock(ctx context.Context, file string, exclusive bool) (unlock func(), err error) {
	select {
	case f.sem <- struct{}{}:
	case <-ctx.Done():
		return nil, f.waitError(ctx.Err())
	}
	unlockFile, err := f.lockFile(ctx, file+".lock", exclusive)
	if err == nil && ctx.Err() != nil {
		unlockFile()
		err = f.waitError(ctx.Err())
	}
	if err != nil {
		<-f.sem
		return nil, err
	}
	return func() {
		unlockFile()
		<-f.sem
	}, nil
}

// lockFile takes the OS lock on the lock file at path, creating the file
// (0600) if needed.
func (f *FileStore) lockFile(ctx context.Context, path string, exclusive bool) (unlock func(), err error) {
	var h *os.File
	if err = f.fail("lock"); err == nil {
		h, err = openLocked(ctx, path, exclusive)
	}
	switch {
	case err == nil:
		return func() { closeLocked(h) }, nil
	case ctx.Err() != nil && errors.Is(err, ctx.Err()):
		return nil, f.waitError(ctx.Err())
	case !exclusive && (errors.Is(err, fs.ErrPermission) || errors.Is(err, errReadOnlyFS) ||
		errors.Is(err, errors.ErrUnsupported)):
		return func() {}, nil // see lock: a reader may go without
	}
	return nil, f.fileError("cannot lock "+path+": "+pathErrorText(err), err)
}

// openLocked opens the lock file at path, creating it (0600) if needed,
// and locks it, shared or exclusive. While another handle holds a lock
// that conflicts, it tries again every fileLockRetry until ctx is done,
// and then returns ctx.Err(). The lock belongs to the returned handle (not
// to the process), so two FileStores of one process exclude each other
// like two processes do; closeLocked releases it and closes the handle.
func openLocked(ctx context.Context, path string, exclusive bool) (*os.File, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if errNoFileLock != nil {
		return nil, errNoFileLock // and create no lock file that nothing will lock
	}
	// Linux emulates flock on NFS with fcntl, whose exclusive lock needs a
	// file open for writing; a writer may write in the directory anyway.
	flag := os.O_RDONLY
	if exclusive {
		flag = os.O_RDWR
	}
	h, err := os.OpenFile(path, flag|os.O_CREATE, 0o600)
	if err != nil {
		return nil, err
	}
	for {
		locked, err := tryLock(h, exclusive)
		if locked {
			return h, nil
		}
		if err != nil {
			_ = h.Close()
			return nil, &fs.PathError{Op: "lock", Path: path, Err: err}
		}
		select {
		case <-ctx.Done():
			_ = h.Close()
			return nil, ctx.Err()
		case <-time.After(fileLockRetry):
		}
	}
}

// closeLocked releases the lock of a handle from openLocked and closes it.
// Closing alone would release it too, but on Windows maybe not at once.
func closeLocked(h *os.File) {
	_ = unlock(h)
	_ = h.Close()
}

// waitError is the error of a call whose ctx ended while it waited for a
// lock: nothing was read or changed.
func (f *FileStore) waitError(ctxErr error) *Error {
	return f.fileError("gave up waiting for the lock: "+ctxErr.Error(), ctxErr)
}
