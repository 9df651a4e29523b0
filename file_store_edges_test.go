package cometchatcalls

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"runtime"
	"sync"
	"syscall"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// fsFailAt returns a failStep that fails the named step with err.
func fsFailAt(name string, err error) func(string) error {
	return func(step string) error {
		if step == name {
			return err
		}
		return nil
	}
}

// fsAssertNoTemp fails if a temporary file is left next to path.
func fsAssertNoTemp(t *testing.T, path string) {
	t.Helper()
	leftovers, err := filepath.Glob(path + ".tmp-*")
	require.NoError(t, err)
	assert.Empty(t, leftovers, "a temporary file was left behind")
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

// fsRequireUnchanged fails unless the file at path still holds before.
func fsRequireUnchanged(t *testing.T, path string, before []byte) {
	t.Helper()
	after, err := os.ReadFile(path)
	require.NoError(t, err)
	require.True(t, bytes.Equal(before, after), "the file changed")
}

// TestFileStore_SymlinkStaysASymlink: through a link, Save replaces the
// file the link points to, leaves the link, and locks next to the target;
// a corrupt target is moved aside next to itself; a dangling link gets its
// target created.
func TestFileStore_SymlinkStaysASymlink(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("creating symbolic links needs a privilege on Windows")
	}
	t.Parallel()
	ctx := context.Background()
	dir := t.TempDir()
	targetDir := filepath.Join(dir, "real")
	require.NoError(t, os.Mkdir(targetDir, 0o700))
	target := filepath.Join(targetDir, "sessions.json")
	link := filepath.Join(dir, "sessions.json")
	require.NoError(t, os.Symlink(filepath.Join("real", "sessions.json"), link)) // relative, dangling for now

	requireLink := func() {
		t.Helper()
		info, err := os.Lstat(link)
		require.NoError(t, err)
		require.True(t, info.Mode()&fs.ModeSymlink != 0, "the link was replaced by a regular file")
	}

	f := NewFileStore(link)
	require.NoError(t, f.Save(ctx, fsSession("app1")))
	requireLink()
	assert.Len(t, fsDecodeFile(t, target).Sessions, 1, "the target holds the session")
	_, err := os.Stat(target + ".lock")
	require.NoError(t, err, "the lock sits next to the target")
	_, err = os.Lstat(link + ".lock")
	assert.ErrorIs(t, err, fs.ErrNotExist, "no lock next to the link")

	require.NoError(t, f.Save(ctx, fsSession("app2")))
	requireLink()
	got, err := NewFileStore(target).Load(ctx, "app2")
	require.NoError(t, err)
	fsAssertSame(t, fsSession("app2"), got)

	require.NoError(t, f.DeleteIfToken(ctx, "app1", fsSession("app1").AuthToken))
	requireLink()
	assert.Len(t, fsDecodeFile(t, target).Sessions, 1)

	// A corrupt target is moved aside next to itself; the link stays.
	require.NoError(t, os.WriteFile(target, []byte("garbage"), 0o600))
	require.NoError(t, f.Save(ctx, fsSession("app3")))
	requireLink()
	fsOnlyAside(t, target)
	assert.Len(t, fsDecodeFile(t, target).Sessions, 1)
	fsAssertNoTemp(t, target)
	fsAssertNoTemp(t, link)
}

// TestFileStore_NoTempFileAfterFailedWrite fails each step of a write in
// turn, after the temporary file exists: the Save fails with
// ERROR_SESSION_STORE naming the step, the file is unchanged and no
// temporary file remains.
func TestFileStore_NoTempFileAfterFailedWrite(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	path := fsPath(t)
	var steps []string
	f := NewFileStore(path)
	f.failStep = func(step string) error { steps = append(steps, step); return nil }
	require.NoError(t, f.Save(ctx, fsSession("app1")))
	require.Contains(t, steps, "write the temporary file")
	require.Contains(t, steps, "replace the file")
	before, err := os.ReadFile(path)
	require.NoError(t, err)

	injected := errors.New("injected failure")
	for _, step := range steps {
		f := NewFileStore(path)
		f.failStep = fsFailAt(step, injected)
		err := f.Save(ctx, fsSession("app2"))
		require.ErrorIs(t, err, ErrSessionStore, step)
		require.ErrorIs(t, err, injected, step)
		assert.Contains(t, err.Error(), step)
		fsRequireUnchanged(t, path, before)
		fsAssertNoTemp(t, path)
	}
}

// TestFileStore_NoTempFileAfterFailedRename makes the rename fail for real:
// between the read and the write, the session file becomes a directory
// that a file cannot be renamed over.
func TestFileStore_NoTempFileAfterFailedRename(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	path := fsPath(t)
	f := NewFileStore(path)
	require.NoError(t, f.Save(ctx, fsSession("app1")))
	err := f.update(ctx, f.target(), func(doc *fileDoc) bool {
		require.NoError(t, os.Remove(path))
		require.NoError(t, os.MkdirAll(filepath.Join(path, "occupied"), 0o700))
		doc.Sessions["app2"] = recordOf(fsSession("app2"))
		return true
	})
	require.ErrorIs(t, err, ErrSessionStore)
	assert.Contains(t, err.Error(), "cannot replace the file")
	fsAssertNoTemp(t, path)
}

func TestFileStore_DeleteIfToken(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	path := fsPath(t)
	f := NewFileStore(path)
	for _, app := range []string{"app1", "app2"} {
		require.NoError(t, f.Save(ctx, fsSession(app)))
	}
	before, err := os.ReadFile(path)
	require.NoError(t, err)

	// Nothing matches: no error, no change.
	for name, tc := range map[string][2]string{
		"another token":       {"app1", fsSession("app2").AuthToken},
		"a prefix":            {"app1", fsSession("app1").AuthToken[:10]},
		"an empty token":      {"app1", ""},
		"an unknown app":      {"app3", fsSession("app1").AuthToken},
		"an empty app ID":     {"", fsSession("app1").AuthToken},
		"a longer token":      {"app1", fsSession("app1").AuthToken + "x"},
		"the same, other app": {"app2", fsSession("app1").AuthToken},
	} {
		require.NoError(t, f.DeleteIfToken(ctx, tc[0], tc[1]), name)
		fsRequireUnchanged(t, path, before)
	}

	require.NoError(t, f.DeleteIfToken(ctx, "app1", fsSession("app1").AuthToken))
	got, err := f.Load(ctx, "app1")
	require.NoError(t, err)
	assert.Nil(t, got, "the matching session is deleted")
	got, err = f.Load(ctx, "app2")
	require.NoError(t, err)
	fsAssertSame(t, fsSession("app2"), got)

	// Without a file, nothing is created.
	dir := filepath.Join(t.TempDir(), "missing")
	require.NoError(t, NewFileStore(filepath.Join(dir, "s.json")).DeleteIfToken(ctx, "app1", "t"))
	_, err = os.Stat(dir)
	assert.ErrorIs(t, err, fs.ErrNotExist)

	var _ ConditionalDeleter = f
}

func TestFileStore_SaveIfToken(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	path := fsPath(t)
	f := NewFileStore(path)
	for _, app := range []string{"app1", "app2"} {
		require.NoError(t, f.Save(ctx, fsSession(app)))
	}
	before, err := os.ReadFile(path)
	require.NoError(t, err)
	refreshed := fsSession("app1")
	refreshed.User.Name = "Renamed"

	// Nothing matches: no error, no change.
	for name, token := range map[string]string{
		"another app's token": fsSession("app2").AuthToken,
		"a prefix":            fsSession("app1").AuthToken[:10],
		"an empty token":      "",
		"a longer token":      fsSession("app1").AuthToken + "x",
	} {
		require.NoError(t, f.SaveIfToken(ctx, refreshed, token), name)
		fsRequireUnchanged(t, path, before)
	}
	unknown := fsSession("app3")
	require.NoError(t, f.SaveIfToken(ctx, unknown, unknown.AuthToken), "nothing stored for the app")
	fsRequireUnchanged(t, path, before)

	require.NoError(t, f.SaveIfToken(ctx, refreshed, fsSession("app1").AuthToken))
	got, err := f.Load(ctx, "app1")
	require.NoError(t, err)
	fsAssertSame(t, refreshed, got)
	got, err = f.Load(ctx, "app2")
	require.NoError(t, err)
	fsAssertSame(t, fsSession("app2"), got)

	// Invalid sessions are refused as Save refuses them.
	requireCode(t, f.SaveIfToken(ctx, nil, "t"), CodeSessionStore)
	requireCode(t, f.SaveIfToken(ctx, &Session{AppID: "app1"}, fsSession("app1").AuthToken), CodeSessionStore)

	// Without a file, nothing is created.
	dir := filepath.Join(t.TempDir(), "missing")
	require.NoError(t, NewFileStore(filepath.Join(dir, "s.json")).SaveIfToken(ctx, fsSession("app1"), "t"))
	_, err = os.Stat(dir)
	assert.ErrorIs(t, err, fs.ErrNotExist)

	var _ ConditionalSaver = f
}

// TestFileStore_DeleteIfTokenTwoStores: two FileStores on one path stand for
// two processes (the OS file lock serialises them as it does processes). A
// stale one cannot delete the other's newer session, and under concurrent
// saves and stale deletes no session is lost.
func TestFileStore_DeleteIfTokenTwoStores(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	path := fsPath(t)
	stale, current := NewFileStore(path), NewFileStore(path)

	old := fsSession("app1")
	old.AuthToken = "old-token"
	require.NoError(t, stale.Save(ctx, old))
	newer := fsSession("app1")
	require.NoError(t, current.Save(ctx, newer))

	require.NoError(t, stale.DeleteIfToken(ctx, "app1", "old-token"))
	got, err := stale.Load(ctx, "app1")
	require.NoError(t, err)
	fsAssertSame(t, newer, got)

	require.NoError(t, current.DeleteIfToken(ctx, "app1", newer.AuthToken))
	got, err = stale.Load(ctx, "app1")
	require.NoError(t, err)
	assert.Nil(t, got)

	// Concurrently: each app's session is saved by one store while the
	// other keeps deleting it with a stale token.
	const n = 12
	var wg sync.WaitGroup
	errs := make(chan error, 2*n)
	for i := range n {
		app := fmt.Sprintf("app%d", i)
		saver, deleter := stale, current
		if i%2 == 1 {
			saver, deleter = current, stale
		}
		wg.Add(2)
		go func() { defer wg.Done(); errs <- saver.Save(ctx, fsSession(app)) }()
		go func() { defer wg.Done(); errs <- deleter.DeleteIfToken(ctx, app, "stale-"+app) }()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		require.NoError(t, err)
	}
	for i := range n {
		app := fmt.Sprintf("app%d", i)
		got, err := current.Load(ctx, app)
		require.NoError(t, err)
		fsAssertSame(t, fsSession(app), got)
	}
}

// TestFileStore_NilAndZeroValue: every method of a nil or zero FileStore
// returns an ERROR_SESSION_STORE that says how to make one, never panics,
// and touches nothing.
func TestFileStore_NilAndZeroValue(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	for name, f := range map[string]*FileStore{"nil": nil, "zero": {}} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			requireNoStore := func(err error) {
				t.Helper()
				var e *Error
				require.ErrorAs(t, err, &e)
				assert.Equal(t, CodeSessionStore, e.Code)
				assert.Equal(t, "the FileStore was not made by NewFileStore (nil or zero value)", e.Message)
			}
			require.NotPanics(t, func() {
				got, err := f.Load(ctx, "app1")
				assert.Nil(t, got)
				requireNoStore(err)
				requireNoStore(f.Save(ctx, fsSession("app1")))
				requireNoStore(f.Delete(ctx, "app1"))
				requireNoStore(f.DeleteIfToken(ctx, "app1", "t"))
				requireNoStore(f.SaveIfToken(ctx, fsSession("app1"), "t"))
				requireNoStore(f.SetLogger(slog.New(slog.DiscardHandler)))
				assert.Equal(t, "", f.Path())
				f.setLoggerIfUnset(slog.New(slog.DiscardHandler))
			})
		})
	}
	t.Run("as a Client's store", func(t *testing.T) {
		t.Parallel()
		require.NotPanics(t, func() {
			c, err := New(testAppID, "us", WithSessionStore((*FileStore)(nil)), WithLogger(slog.New(slog.DiscardHandler)))
			if err == nil {
				_ = c.Close()
			}
		})
	})
}

// TestFileStore_SetLoggerNil: SetLogger(nil) is ERROR_INVALID_OPTION, like
// WithLogger(nil), and keeps the logger that was set.
func TestFileStore_SetLoggerNil(t *testing.T) {
	t.Parallel()
	path := fsPath(t)
	require.NoError(t, os.WriteFile(path, []byte("garbage"), 0o600))
	var logs bytes.Buffer
	f := NewFileStore(path)
	require.NoError(t, f.SetLogger(newFSTestLogger(&logs)))
	err := f.SetLogger(nil)
	require.ErrorIs(t, err, ErrInvalidOption)
	assert.Contains(t, err.Error(), "nil")
	require.NoError(t, f.Save(context.Background(), fsSession("app1")))
	assert.Contains(t, logs.String(), "level=WARN", "the logger set before is still used")
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
