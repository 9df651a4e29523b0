package cometchatcalls

// Temporary files never outlive the next call (issue 25): a writer killed
// mid-write, or a directory that turns read-only under a write, leaves a
// temporary file that may hold an auth token; the next Save, Delete,
// DeleteIfToken or SaveIfToken removes it under the exclusive lock.

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// sweepCrashEnv names the session file for the child process of
// TestFileStore_KilledWritersLeaveAtMostOneTemp.
const sweepCrashEnv = "COMETCHATCALLS_SWEEP_CRASH_PATH"

// sweepSoakEnv, set to a number, replaces the crash test's default number
// of kills (a longer soak than CI can afford).
const sweepSoakEnv = "COMETCHATCALLS_SWEEP_KILLS"

// sweepTempsOf lists the temporary files next to path, as a user would find
// them.
func sweepTempsOf(t *testing.T, path string) []string {
	t.Helper()
	temps, err := filepath.Glob(path + ".tmp-*")
	require.NoError(t, err)
	return temps
}

// sweepPlant leaves a temporary file next to path as a killed writer
// would: the whole document, token included.
func sweepPlant(t *testing.T, path string, n int) string {
	t.Helper()
	data, err := encodeFileStore(&fileDoc{Version: fileStoreVersion,
		Sessions: map[string]*fileRecord{"killed": recordOf(fsSession("killed"))}})
	require.NoError(t, err)
	tmp := path + ".tmp-" + strconv.Itoa(1000+n)
	require.NoError(t, os.WriteFile(tmp, data, 0o600))
	return tmp
}

func TestIsTempOf(t *testing.T) {
	t.Parallel()
	for name, want := range map[string]bool{
		"sessions.json.tmp-123":        true,
		"sessions.json.tmp-0":          true,
		"sessions.json.tmp-":           false,
		"sessions.json.tmp-backup":     false,
		"sessions.json.tmp-12a":        false,
		"sessions.json":                false,
		"sessions.json.lock":           false,
		"other.json.tmp-123":           false,
		"sessions.json.corrupt-17000":  false,
		"xsessions.json.tmp-123":       false,
		"sessions.json.tmp-123.backup": false,
	} {
		assert.Equal(t, want, isTempOf(name, tempPrefix("/dir/sessions.json")), name)
	}
}

// TestFileStore_EveryWriteSweepsStaleTemps: each call that takes the
// exclusive lock removes the leftovers of earlier writes, also when it has
// nothing else to do, and leaves the user's look-alike files alone.
func TestFileStore_EveryWriteSweepsStaleTemps(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	calls := map[string]func(f *FileStore) error{
		"Save":          func(f *FileStore) error { return f.Save(ctx, fsSession("app1")) },
		"Delete":        func(f *FileStore) error { return f.Delete(ctx, "app1") },
		"Delete/none":   func(f *FileStore) error { return f.Delete(ctx, "no-such-app") },
		"DeleteIfToken": func(f *FileStore) error { return f.DeleteIfToken(ctx, "app1", fsSession("app1").AuthToken) },
		"DeleteIfToken/other": func(f *FileStore) error {
			return f.DeleteIfToken(ctx, "app1", "another-token-entirely")
		},
		"SaveIfToken": func(f *FileStore) error {
			return f.SaveIfToken(ctx, fsSession("app1"), fsSession("app1").AuthToken)
		},
		"SaveIfToken/other": func(f *FileStore) error {
			return f.SaveIfToken(ctx, fsSession("app1"), "another-token-entirely")
		},
	}
	for name, call := range calls {
		for _, withFile := range []bool{true, false} {
			t.Run(fmt.Sprintf("%s/file=%v", name, withFile), func(t *testing.T) {
				t.Parallel()
				path := fsPath(t)
				f := NewFileStore(path)
				if withFile {
					require.NoError(t, f.Save(ctx, fsSession("app1")))
				}
				for i := range 3 {
					sweepPlant(t, path, i)
				}
				mine := path + ".tmp-backup" // the user's, not a temporary file
				require.NoError(t, os.WriteFile(mine, []byte("keep me"), 0o600))

				require.NoError(t, call(f))
				assert.Equal(t, []string{mine}, sweepTempsOf(t, path), "stale temporary files left")
			})
		}
	}
}

// TestFileStore_LoadNeverSweeps: Load may run where it can only read, and
// changes nothing.
func TestFileStore_LoadNeverSweeps(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	path := fsPath(t)
	f := NewFileStore(path)
	require.NoError(t, f.Save(ctx, fsSession("app1")))
	tmp := sweepPlant(t, path, 0)
	_, err := f.Load(ctx, "app1")
	require.NoError(t, err)
	assert.Equal(t, []string{tmp}, sweepTempsOf(t, path))
}

// sweepReadOnly makes f's removals and writes fail as in a directory that
// just turned read-only, until the returned function turns it writable
// again. (The tests run as root, which no permission stops.)
func sweepReadOnly(f *FileStore) (writable func()) {
	readOnly := true
	f.removeFile = func(name string) error {
		if readOnly {
			return &fs.PathError{Op: "remove", Path: name, Err: errReadOnlyFS}
		}
		return os.Remove(name)
	}
	f.failStep = func(step string) error {
		if readOnly && step == "replace the file" {
			return &os.LinkError{Op: "rename", Err: errReadOnlyFS}
		}
		return nil
	}
	return func() { readOnly = false }
}

// TestFileStore_ReadOnlyFlipLeavesTempUntilNextCall: the directory turns
// read-only between a write's temporary file and its rename, so the
// write's own cleanup fails too. Calls while it stays read-only fail and
// say why; the first call after it is writable again removes the file.
func TestFileStore_ReadOnlyFlipLeavesTempUntilNextCall(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	path := fsPath(t)
	f := NewFileStore(path)
	require.NoError(t, f.Save(ctx, fsSession("app1")))

	writable := sweepReadOnly(f)
	err := f.Save(ctx, fsSession("app2"))
	require.ErrorIs(t, err, ErrSessionStore)
	require.Len(t, sweepTempsOf(t, path), 1, "the failed write's temporary file")

	// Still read-only: a second write fails too, and says so without a
	// token.
	err = f.Save(ctx, fsSession("app2"))
	require.ErrorIs(t, err, ErrSessionStore)
	assert.NotContains(t, err.Error(), fsToken, "a token in the error")

	// A Delete with nothing to change still reports the leftover: the
	// caller (a Logout) learns that a credential may remain.
	err = f.Delete(ctx, "no-such-app")
	require.ErrorIs(t, err, ErrSessionStore)
	assert.Contains(t, err.Error(), "stale temporary file")

	writable()
	require.NoError(t, f.DeleteIfToken(ctx, "app1", fsSession("app1").AuthToken))
	assert.Empty(t, sweepTempsOf(t, path), "temporary files after the first call that succeeded")
}

// TestFileStore_SweepRetriedAfterTheChange: the sweep fails at first, the
// call's own change succeeds, and the retry after it removes the leftover.
func TestFileStore_SweepRetriedAfterTheChange(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	path := fsPath(t)
	f := NewFileStore(path)
	sweepPlant(t, path, 0)
	failures := 1
	f.removeFile = func(name string) error {
		if failures > 0 {
			failures--
			return &fs.PathError{Op: "remove", Path: name, Err: errReadOnlyFS}
		}
		return os.Remove(name)
	}
	require.NoError(t, f.Save(ctx, fsSession("app1")))
	assert.Empty(t, sweepTempsOf(t, path))
	got, err := f.Load(ctx, "app1")
	require.NoError(t, err)
	fsAssertSame(t, fsSession("app1"), got)
}

// TestFileStore_KilledWritersLeaveAtMostOneTemp SIGKILLs a child process
// (this test binary, re-executed) that saves and deletes sessions in a
// loop, at random moments, many times over. After every kill at most one
// temporary file exists; after the next Save, none, and the session file
// is readable throughout.
func TestFileStore_KilledWritersLeaveAtMostOneTemp(t *testing.T) {
	if path := os.Getenv(sweepCrashEnv); path != "" {
		sweepCrashChild(path)
		return
	}
	skipWithoutFileLock(t)
	t.Parallel()
	kills := 40
	if n, err := strconv.Atoi(os.Getenv(sweepSoakEnv)); err == nil && n > 0 {
		kills = n
	}
	ctx := context.Background()
	path := fsPath(t)
	f := NewFileStore(path)
	leftBehind, most := 0, 0
	for i := range kills {
		sweepKillChild(t, path)
		temps := len(sweepTempsOf(t, path))
		if temps > 0 {
			leftBehind++
		}
		most = max(most, temps)
		require.LessOrEqual(t, temps, 1, "temporary files after kill %d", i+1)
		if _, err := f.Load(ctx, "app1"); err != nil {
			require.NoError(t, err, "the session file after kill %d", i+1)
		}
	}
	t.Logf("%d kills: %d left a temporary file, at most %d at once", kills, leftBehind, most)
	require.NoError(t, f.Save(ctx, fsSession("app1")))
	assert.Empty(t, sweepTempsOf(t, path), "temporary files after the next Save")
}

// sweepKillChild starts the child writer on path, waits until it has
// completed a first write, lets it run a random moment more and kills it.
func sweepKillChild(t *testing.T, path string) {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^TestFileStore_KilledWritersLeaveAtMostOneTemp$", "-test.count=1")
	cmd.Env = append(os.Environ(), sweepCrashEnv+"="+path)
	out, err := cmd.StdoutPipe()
	require.NoError(t, err)
	require.NoError(t, cmd.Start())
	line, err := bufio.NewReader(out).ReadString('\n')
	if err != nil || line != "writing\n" {
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
		t.Fatalf("the child did not start writing: %q, %v", line, err)
	}
	// A write takes about a millisecond, mostly fsync: kill within a few.
	time.Sleep(time.Duration(rand.IntN(5000)) * time.Microsecond)
	require.NoError(t, cmd.Process.Kill())
	_ = cmd.Wait() // "signal: killed"
}

// sweepCrashChild saves and deletes sessions on path until it is killed,
// as a process logging users in and out would.
func sweepCrashChild(path string) {
	ctx := context.Background()
	f := NewFileStore(path)
	for i := 0; ; i++ {
		s := fsSession("app" + strconv.Itoa(i%3))
		var err error
		if i%4 == 3 {
			err = f.DeleteIfToken(ctx, s.AppID, s.AuthToken)
		} else {
			err = f.Save(ctx, s)
		}
		if err != nil && !errors.Is(err, ErrSessionStore) {
			panic(err)
		}
		if i == 0 {
			fmt.Println("writing")
		}
	}
}
