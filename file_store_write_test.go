package cometchatcalls

import (
	"context"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
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

func TestFileStore_Permissions(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("Unix permissions")
	}
	t.Parallel()
	ctx := context.Background()
	root := t.TempDir()
	path := filepath.Join(root, "a", "b", "sessions.json")
	f := NewFileStore(path)
	require.NoError(t, f.Save(ctx, fsSession("app1")))

	for _, d := range []string{filepath.Join(root, "a"), filepath.Join(root, "a", "b")} {
		info, err := os.Stat(d)
		require.NoError(t, err)
		assert.Equal(t, fs.FileMode(0o700), info.Mode().Perm(), d)
	}
	for _, p := range []string{path, path + ".lock"} {
		info, err := os.Stat(p)
		require.NoError(t, err)
		assert.Equal(t, fs.FileMode(0o600), info.Mode().Perm(), p)
	}

	// A file left readable by others (an older version, a copy) is
	// tightened by the next Save.
	require.NoError(t, os.Chmod(path, 0o644))
	require.NoError(t, f.Save(ctx, fsSession("app2")))
	info, err := os.Stat(path)
	require.NoError(t, err)
	assert.Equal(t, fs.FileMode(0o600), info.Mode().Perm())
}

// TestFileStore_CrashLeftovers: a process that died mid-write leaves its
// temporary file, and the lock file always stays. Neither may hide the last
// good session or block the next Save.
func TestFileStore_CrashLeftovers(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	path := fsPath(t)
	require.NoError(t, NewFileStore(path).Save(ctx, fsSession("app1")))
	tmp := path + ".tmp-123456"
	require.NoError(t, os.WriteFile(tmp, []byte(`{"version":1,"sessions":{"app1":{"ap`), 0o600))
	_, err := os.Stat(path + ".lock")
	require.NoError(t, err, "the lock file stays after a write")

	f := NewFileStore(path) // a restarted process
	got, err := f.Load(ctx, "app1")
	require.NoError(t, err)
	fsAssertSame(t, fsSession("app1"), got)

	require.NoError(t, f.Save(ctx, fsSession("app2")))
	for _, app := range []string{"app1", "app2"} {
		got, err := f.Load(ctx, app)
		require.NoError(t, err)
		fsAssertSame(t, fsSession(app), got)
	}
	// A lock file that exists but is not held (its owner died) does not block.
	require.NoError(t, os.Remove(path+".lock"))
	require.NoError(t, os.WriteFile(path+".lock", nil, 0o600))
	require.NoError(t, f.Delete(ctx, "app1"))
}
