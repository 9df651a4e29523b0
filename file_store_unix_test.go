//go:build unix

package cometchatcalls

import (
	"bytes"
	"context"
	"errors"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"syscall"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// fsReadOnlyEnv names the session file for the child process of
// TestFileStore_LoadInReadOnlyDirectory.
const fsReadOnlyEnv = "COMETCHATCALLS_FILESTORE_READONLY_PATH"

// fsNobody is the user the child runs as when the tests run as root.
const fsNobody = 65534

// TestFileStore_LoadInReadOnlyDirectory: a session file that sits, without
// its lock file, in a directory the process may only read (0500) can be
// loaded; a Save fails with ERROR_SESSION_STORE. Root ignores permissions,
// so as root the check runs in a copy of the test binary started as user
// nobody.
func TestFileStore_LoadInReadOnlyDirectory(t *testing.T) {
	if path := os.Getenv(fsReadOnlyEnv); path != "" {
		fsLoadReadOnly(t, path)
		return
	}
	t.Parallel()
	root := os.Geteuid() == 0
	base := t.TempDir()
	dir := filepath.Join(base, "readonly")
	path := filepath.Join(dir, "sessions.json")
	require.NoError(t, NewFileStore(path).Save(context.Background(), fsSession("app1")))
	require.NoError(t, os.Remove(path+".lock")) // e.g. the file was copied there
	if root {
		require.NoError(t, os.Chown(dir, fsNobody, fsNobody))
		require.NoError(t, os.Chown(path, fsNobody, fsNobody))
	}
	require.NoError(t, os.Chmod(dir, 0o500))
	t.Cleanup(func() { _ = os.Chmod(dir, 0o700) }) // so that TempDir can remove it

	if !root {
		fsLoadReadOnly(t, path)
		return
	}
	// The child must reach the file and the binary: open the way through
	// the test's own temporary directories, and copy the binary (the build
	// directory is root's alone).
	for d := base; d != os.TempDir() && d != filepath.Dir(d); d = filepath.Dir(d) {
		require.NoError(t, os.Chmod(d, 0o711))
	}
	bin := filepath.Join(base, "test.bin")
	fsCopyFile(t, os.Args[0], bin)

	cmd := exec.Command(bin, "-test.run=^TestFileStore_LoadInReadOnlyDirectory$", "-test.count=1", "-test.v")
	cmd.Env = append(os.Environ(), fsReadOnlyEnv+"="+path)
	cmd.SysProcAttr = &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: fsNobody, Gid: fsNobody}}
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	err := cmd.Run()
	var exitErr *exec.ExitError
	if err != nil && !errors.As(err, &exitErr) {
		t.Skipf("cannot start the test binary as user %d: %v", fsNobody, err)
	}
	require.NoError(t, err, "the unprivileged child failed:\n%s", out.String())
	require.Contains(t, out.String(), "--- PASS: TestFileStore_LoadInReadOnlyDirectory", "the child ran no test:\n%s", out.String())
}

// fsLoadReadOnly runs as a user who may only read the directory of path.
func fsLoadReadOnly(t *testing.T, path string) {
	ctx := context.Background()
	require.NotEqual(t, 0, os.Geteuid(), "must not run as root")
	f := NewFileStore(path)
	got, err := f.Load(ctx, "app1")
	require.NoError(t, err)
	fsAssertSame(t, fsSession("app1"), got)

	err = f.Save(ctx, fsSession("app2"))
	require.ErrorIs(t, err, ErrSessionStore)
	assert.ErrorIs(t, err, os.ErrPermission)
	_, err = os.Stat(path + ".lock")
	assert.ErrorIs(t, err, os.ErrNotExist, "nothing was created")
}

func fsCopyFile(t *testing.T, from, to string) {
	t.Helper()
	src, err := os.Open(from)
	require.NoError(t, err)
	defer src.Close()
	dst, err := os.OpenFile(to, os.O_CREATE|os.O_WRONLY|os.O_EXCL, 0o755)
	require.NoError(t, err)
	_, err = io.Copy(dst, src)
	require.NoError(t, err)
	require.NoError(t, dst.Close())
}
