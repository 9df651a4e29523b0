package cometchatcalls

import (
	"context"
	"errors"
	"io/fs"
	"time"

	"github.com/gofrs/flock"
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
// same goes for a platform without a file lock: readers go without,
// writers fail.
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
// (0600) if needed. gofrs/flock locks an open handle (flock(2) on most
// unix systems, LockFileEx on Windows), so two FileStores of one process
// exclude each other as two processes do. Where the platform has no lock
// (Plan 9, js, wasip1) it fails with errors.ErrUnsupported, and lock's
// rule for readers applies.
func (f *FileStore) lockFile(ctx context.Context, path string, exclusive bool) (unlock func(), err error) {
	fl := flock.New(path, flock.SetPermissions(0o600))
	try := fl.TryRLockContext
	if exclusive {
		try = fl.TryLockContext
	}
	if err = f.fail("lock"); err == nil {
		_, err = try(ctx, fileLockRetry)
	}
	switch {
	case err == nil:
		// Unlock also closes the handle; the OS drops the lock with it.
		return func() { _ = fl.Unlock() }, nil
	case ctx.Err() != nil && errors.Is(err, ctx.Err()):
		return nil, f.waitError(ctx.Err())
	case !exclusive && (errors.Is(err, fs.ErrPermission) || errors.Is(err, errReadOnlyFS) ||
		errors.Is(err, errors.ErrUnsupported)):
		return func() {}, nil // see lock: a reader may go without
	}
	return nil, f.fileError("cannot lock "+path+": "+pathErrorText(err), err)
}

// waitError is the error of a call whose ctx ended while it waited for a
// lock: nothing was read or changed.
func (f *FileStore) waitError(ctxErr error) *Error {
	return f.fileError("gave up waiting for the lock: "+ctxErr.Error(), ctxErr)
}
