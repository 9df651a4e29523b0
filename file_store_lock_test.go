package cometchatcalls

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"github.com/gofrs/flock"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// lockHolderEnv names the lock file for the child process of
// TestFileLock_OtherProcess.
const lockHolderEnv = "COMETCHATCALLS_LOCK_HOLDER_PATH"

// skipWithoutFileLock skips where the platform has no file lock (Plan 9,
// js, wasip1): there FileStore reads without one and cannot write.
func skipWithoutFileLock(t *testing.T) {
	t.Helper()
	fl := flock.New(filepath.Join(t.TempDir(), "probe.lock"))
	if _, err := fl.TryLock(); errors.Is(err, errors.ErrUnsupported) {
		t.Skip(err)
	}
	_ = fl.Unlock()
}

// lockTestOpen is a second handle on the lock file at path, as another
// FileStore would have.
func lockTestOpen(t *testing.T, path string) *flock.Flock {
	t.Helper()
	fl := flock.New(path)
	t.Cleanup(func() { _ = fl.Close() })
	return fl
}

// lockTestCtx is the ctx of a wait that must end at once. Its timeout only
// ends a test that would otherwise hang when the lock is broken.
func lockTestCtx(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	t.Cleanup(cancel)
	return ctx
}

// lockTestLocked takes the lock of path as a FileStore does, which must
// succeed at once: nothing else holds a lock that conflicts. It returns
// the release.
func lockTestLocked(t *testing.T, path string, exclusive bool) func() {
	t.Helper()
	unlock, err := NewFileStore(path).lockFile(lockTestCtx(t), path, exclusive)
	require.NoError(t, err, "lock (exclusive %v)", exclusive)
	return unlock
}

// lockTestTry reports whether fl can take the lock at once, and releases
// any lock it took.
func lockTestTry(t *testing.T, fl *flock.Flock, exclusive bool) bool {
	t.Helper()
	try := fl.TryRLock
	if exclusive {
		try = fl.TryLock
	}
	locked, err := try()
	require.NoError(t, err, "try lock (exclusive %v)", exclusive)
	if locked {
		require.NoError(t, fl.Unlock())
	}
	return locked
}

// TestFileLock_OneProcess: the lock belongs to an open file, not to the
// process, so two FileStores of one process on one file exclude each other.
// An exclusive lock excludes every other lock, shared locks coexist, and
// the release really releases.
func TestFileLock_OneProcess(t *testing.T) {
	skipWithoutFileLock(t)
	t.Parallel()
	path := fsPath(t) + ".lock"
	other := lockTestOpen(t, path)

	held := lockTestLocked(t, path, true)
	if lockTestTry(t, other, true) {
		t.Error("an exclusive lock did not exclude another exclusive one")
	}
	if lockTestTry(t, other, false) {
		t.Error("an exclusive lock did not exclude a shared one")
	}
	held()
	if !lockTestTry(t, other, true) {
		t.Error("an exclusive lock was not released")
	}

	reader1 := lockTestLocked(t, path, false)
	reader2 := lockTestLocked(t, path, false) // shared locks coexist
	if lockTestTry(t, other, true) {
		t.Error("a shared lock did not exclude an exclusive one")
	}
	reader1()
	if lockTestTry(t, other, true) {
		t.Error("releasing one shared lock released the other")
	}
	reader2()
	if !lockTestTry(t, other, true) {
		t.Error("shared locks were not released")
	}
}

// TestFileLock_WaitEndsWithCtx: a call that waits for a lock another
// FileStore holds fails with the wait error when its ctx ends, and keeps
// no lock: once the holder lets go, the lock is free.
func TestFileLock_WaitEndsWithCtx(t *testing.T) {
	skipWithoutFileLock(t)
	t.Parallel()
	path := fsPath(t)
	holder, waiter := NewFileStore(path), NewFileStore(path)
	other := lockTestOpen(t, path+".lock")

	for _, exclusive := range []bool{true, false} {
		unlockHeld, err := holder.lock(lockTestCtx(t), path, true)
		if err != nil {
			t.Fatal(err)
		}
		ctx, cancel := context.WithTimeout(context.Background(), 3*fileLockRetry)
		unlockWaiter, err := waiter.lock(ctx, path, exclusive)
		cancel()
		if err == nil {
			unlockWaiter()
			unlockHeld()
			t.Fatalf("exclusive %v: took a lock that another FileStore held", exclusive)
		}
		if !errors.Is(err, context.DeadlineExceeded) || !errors.Is(err, ErrSessionStore) {
			t.Errorf("exclusive %v: the wait ended with %v, want ERROR_SESSION_STORE and the ctx error", exclusive, err)
		}
		var e *Error
		if !errors.As(err, &e) || e.Message != "session file "+path+": gave up waiting for the lock: context deadline exceeded" {
			t.Errorf("exclusive %v: the wait error is %v", exclusive, err)
		}
		unlockHeld()
		if !lockTestTry(t, other, true) {
			t.Errorf("exclusive %v: a wait that gave up left the file locked", exclusive)
		}
		// The waiter's own semaphore was released too.
		unlock, err := waiter.lock(lockTestCtx(t), path, true)
		if err != nil {
			t.Fatal(err)
		}
		unlock()
	}
}

// TestFileLock_Unsupported: where the platform has no file lock FileStore
// can use (errNoFileLock, injected here), Load reads without the lock and
// a writer fails with ERROR_SESSION_STORE that says so.
func TestFileLock_Unsupported(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	path := fsPath(t)
	if err := NewFileStore(path).Save(ctx, fsSession("app1")); err != nil {
		t.Skipf("no store to read on this platform: %v", err)
	}
	f := NewFileStore(path)
	f.failStep = fsFailAt("lock", fmt.Errorf("plan9 has no file lock FileStore can use: %w", errors.ErrUnsupported))

	got, err := f.Load(ctx, "app1")
	if err != nil || got == nil || got.AppID != "app1" {
		t.Fatalf("Load without a file lock: %v (session found: %v)", err, got != nil)
	}
	err = f.Save(ctx, fsSession("app2"))
	if !errors.Is(err, ErrSessionStore) || !errors.Is(err, errors.ErrUnsupported) {
		t.Fatalf("Save without a file lock: %v, want ERROR_SESSION_STORE and errors.ErrUnsupported", err)
	}
	if got, err := NewFileStore(path).Load(ctx, "app2"); err != nil || got != nil {
		t.Errorf("the Save that failed wrote anyway (%v)", err)
	}
}

// TestFileLock_OtherProcess: a lock held by another process excludes this
// one until that process lets go. The child (this test binary, started
// again) takes the exclusive lock, says so on stdout, and releases it when
// its stdin closes.
func TestFileLock_OtherProcess(t *testing.T) {
	if path := os.Getenv(lockHolderEnv); path != "" {
		lockHolder(t, path)
		return
	}
	skipWithoutFileLock(t)
	t.Parallel()
	path := fsPath(t) + ".lock"
	other := lockTestOpen(t, path)

	cmd := exec.Command(os.Args[0], "-test.run=^TestFileLock_OtherProcess$", "-test.count=1")
	cmd.Env = append(os.Environ(), lockHolderEnv+"="+path)
	stdin, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Skipf("cannot start the test binary: %v", err)
	}
	defer func() { _ = cmd.Process.Kill(); _ = cmd.Wait() }()
	line, err := bufio.NewReader(stdout).ReadString('\n')
	if line != "locked\n" {
		t.Fatalf("the child did not take the lock: %q, %v", line, err)
	}

	if lockTestTry(t, other, true) {
		t.Error("another process's exclusive lock did not exclude an exclusive one")
	}
	if lockTestTry(t, other, false) {
		t.Error("another process's exclusive lock did not exclude a shared one")
	}
	if err := stdin.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := io.Copy(io.Discard, stdout); err != nil { // until the child exits
		t.Fatal(err)
	}
	if err := cmd.Wait(); err != nil {
		t.Fatalf("the child failed: %v", err)
	}
	if !lockTestTry(t, other, true) {
		t.Error("the lock is still held after the other process released it")
	}
}

// lockHolder runs in the child of TestFileLock_OtherProcess.
func lockHolder(t *testing.T, path string) {
	fl := flock.New(path)
	_, err := fl.TryLockContext(context.Background(), fileLockRetry)
	require.NoError(t, err)
	_, err = os.Stdout.WriteString("locked\n")
	require.NoError(t, err)
	_, _ = io.Copy(io.Discard, os.Stdin)
	_ = fl.Unlock()
}

// TestFileStore_LoadWithoutLockAccess: a Load that cannot open the lock file
// because it may only read the directory (EACCES) or the file system
// (EROFS) reads without the lock; a writer cannot, and says why. The tests
// run as root, which no permission stops, so the refusal is injected where
// the lock file is opened; TestFileStore_LoadInReadOnlyDirectory does the
// same for real.
func TestFileStore_LoadWithoutLockAccess(t *testing.T) {
	t.Parallel()
	for name, osErr := range map[string]error{"permission denied": syscall.EACCES, "read-only file system": errReadOnlyFS} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			path := fsPath(t)
			require.NoError(t, NewFileStore(path).Save(ctx, fsSession("app1")))
			before, err := os.ReadFile(path)
			require.NoError(t, err)

			f := NewFileStore(path)
			f.failStep = fsFailAt("lock", &fs.PathError{Op: "open", Path: path + ".lock", Err: osErr})
			got, err := f.Load(ctx, "app1")
			require.NoError(t, err)
			fsAssertSame(t, fsSession("app1"), got)

			err = f.Save(ctx, fsSession("app2"))
			require.ErrorIs(t, err, ErrSessionStore)
			require.ErrorIs(t, err, osErr)
			assert.Equal(t, "session file "+path+": cannot lock "+path+".lock: "+osErr.Error(), err.(*Error).Message)
			fsRequireUnchanged(t, path, before)
		})
	}
	t.Run("other errors are not ignored", func(t *testing.T) {
		t.Parallel()
		path := fsPath(t)
		require.NoError(t, NewFileStore(path).Save(context.Background(), fsSession("app1")))
		f := NewFileStore(path)
		f.failStep = fsFailAt("lock", &fs.PathError{Op: "open", Path: path + ".lock", Err: syscall.EIO})
		_, err := f.Load(context.Background(), "app1")
		require.ErrorIs(t, err, ErrSessionStore)
		require.ErrorIs(t, err, syscall.EIO)
	})
}

// TestFileStore_ContextEndsWhileLocking: a ctx that ends while the lock is
// being taken fails the call, which then changes nothing, even though the
// lock was obtained.
func TestFileStore_ContextEndsWhileLocking(t *testing.T) {
	t.Parallel()
	path := fsPath(t)
	require.NoError(t, NewFileStore(path).Save(context.Background(), fsSession("app1")))
	before, err := os.ReadFile(path)
	require.NoError(t, err)

	calls := map[string]func(*FileStore, context.Context) error{
		"Load": func(f *FileStore, ctx context.Context) error { _, err := f.Load(ctx, "app1"); return err },
		"Save": func(f *FileStore, ctx context.Context) error { return f.Save(ctx, fsSession("app2")) },
		"Delete": func(f *FileStore, ctx context.Context) error {
			return f.Delete(ctx, "app1")
		},
		"DeleteIfToken": func(f *FileStore, ctx context.Context) error {
			return f.DeleteIfToken(ctx, "app1", fsSession("app1").AuthToken)
		},
		"SaveIfToken": func(f *FileStore, ctx context.Context) error {
			return f.SaveIfToken(ctx, fsSession("app1"), fsSession("app1").AuthToken)
		},
	}
	for name, call := range calls {
		ctx, cancel := context.WithCancel(context.Background())
		f := NewFileStore(path)
		f.failStep = func(step string) error {
			if step == "lock" {
				cancel()
			}
			return nil
		}
		fsRequireCtxError(t, call(f, ctx), context.Canceled)
		fsRequireUnchanged(t, path, before)
		cancel()
		// The locks were released: the next call goes through.
		_, err := f.Load(context.Background(), "app1")
		require.NoError(t, err, name)
	}
}

// TestFileStore_ContextEndsTheWait: waiting for a lock held by another
// process, or by another goroutine of this one, ends with ctx.
func TestFileStore_ContextEndsTheWait(t *testing.T) {
	t.Parallel()
	path := fsPath(t)
	f := NewFileStore(path)
	require.NoError(t, f.Save(context.Background(), fsSession("app1")))

	t.Run("file lock", func(t *testing.T) {
		unlock, err := NewFileStore(path).lock(context.Background(), path, true)
		require.NoError(t, err)
		defer unlock()
		ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
		defer cancel()
		fsRequireCtxError(t, f.Save(ctx, fsSession("app2")), context.DeadlineExceeded)
		fsRequireCtxError(t, f.DeleteIfToken(ctx, "app1", fsSession("app1").AuthToken), context.DeadlineExceeded)
		_, err = f.Load(ctx, "app1")
		fsRequireCtxError(t, err, context.DeadlineExceeded)
	})
	t.Run("in-process", func(t *testing.T) {
		f.sem <- struct{}{}
		defer func() { <-f.sem }()
		ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
		defer cancel()
		fsRequireCtxError(t, f.Save(ctx, fsSession("app2")), context.DeadlineExceeded)
		fsRequireCtxError(t, f.Delete(ctx, "app1"), context.DeadlineExceeded)
		_, err := f.Load(ctx, "app1")
		fsRequireCtxError(t, err, context.DeadlineExceeded)
	})
	got, err := f.Load(context.Background(), "app2")
	require.NoError(t, err)
	assert.Nil(t, got, "a Save that gave up wrote anyway")
	got, err = f.Load(context.Background(), "app1")
	require.NoError(t, err)
	assert.NotNil(t, got, "a Delete that gave up deleted anyway")
}

func fsRequireCtxError(t *testing.T, err error, want error) {
	t.Helper()
	require.ErrorIs(t, err, want)
	require.ErrorIs(t, err, ErrSessionStore)
}
