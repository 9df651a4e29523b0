package cometchatcalls

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// fsBadFiles are session files this SDK must refuse to read. Each holds a
// token-like value so the tests can check that no message quotes it.
func fsBadFiles() map[string]string {
	rec := func(fields string) string {
		return `{"version":1,"sessions":{"app1":{` + fields + `}}}`
	}
	const user = `"user":{"uid":"u1"}`
	const token = `"authToken":"corrupt-file-token"`
	return map[string]string{
		"not JSON":             `this is not json corrupt-file-token`,
		"truncated":            `{"version":1,"sessions":{"app1":{"appId":"app1","authToken":"corrupt-file-token`,
		"empty":                ``,
		"whitespace only":      " \n\t ",
		"JSON array":           `["corrupt-file-token"]`,
		"JSON null":            `null`,
		"JSON string":          `"corrupt-file-token"`,
		"foreign document":     `{"name":"some-app","token":"corrupt-file-token"}`,
		"foreign with version": `{"version":"1.0.0","token":"corrupt-file-token"}`,
		"newer version":        `{"version":2,"sessions":{},"future":"corrupt-file-token"}`,
		"version zero":         `{"version":0,"sessions":{}}`,
		"version null":         `{"version":null,"sessions":{}}`,
		"version float":        `{"version":1.5,"sessions":{}}`,
		"no sessions":          `{"version":1}`,
		"sessions null":        `{"version":1,"sessions":null}`,
		"sessions array":       `{"version":1,"sessions":["corrupt-file-token"]}`,
		"unknown top field":    `{"version":1,"sessions":{},"extra":"corrupt-file-token"}`,
		"unknown record field": rec(`"appId":"app1",` + user + `,` + token + `,"refresh":"corrupt-file-token"`),
		"unknown user field":   rec(`"appId":"app1","user":{"uid":"u1","secret":"x"},` + token),
		"record null":          `{"version":1,"sessions":{"app1":null}}`,
		"missing appId":        rec(user + `,` + token),
		"missing user":         rec(`"appId":"app1",` + token),
		"missing uid":          rec(`"appId":"app1","user":{"name":"n"},` + token),
		"missing authToken":    rec(`"appId":"app1",` + user),
		"appId mismatch":       rec(`"appId":"app2",` + user + `,` + token),
		"token is a number":    rec(`"appId":"app1",` + user + `,"authToken":123456789`),
		"bad createdAt":        rec(`"appId":"app1",` + user + `,` + token + `,"createdAt":"corrupt-file-token"`),
		"createdAt year 10000": rec(`"appId":"app1",` + user + `,` + token + `,"createdAt":"9999-12-31T23:59:59-23:00"`),
		"trailing bytes":       `{"version":1,"sessions":{}} corrupt-file-token`,
		"two documents":        `{"version":1,"sessions":{}}{"version":1,"sessions":{}}`,
		"too large":            `{"version":1,"sessions":{}}` + strings.Repeat(" ", maxFileStoreSize),
	}
}

// TestFileStore_BadFiles: Load refuses each bad file with
// ERROR_SESSION_STORE naming the path and the problem, leaves it byte for
// byte, and the next Save moves it aside intact and writes a fresh file.
func TestFileStore_BadFiles(t *testing.T) {
	t.Parallel()
	for name, content := range fsBadFiles() {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			path := fsPath(t)
			require.NoError(t, os.WriteFile(path, []byte(content), 0o600))
			var logs bytes.Buffer
			f := NewFileStore(path)
			require.NoError(t, f.SetLogger(newFSTestLogger(&logs)))

			for range 2 { // a second Load sees the same file
				got, err := f.Load(ctx, "app1")
				assert.Nil(t, got)
				require.Error(t, err)
				assert.ErrorIs(t, err, ErrSessionStore)
				require.Contains(t, fsBadFileProblems, name)
				assert.Equal(t, "session file "+path+": "+fsBadFileProblems[name], err.(*Error).Message)
				fsAssertNoToken(t, "the error", err.Error())
				data, rerr := os.ReadFile(path)
				require.NoError(t, rerr)
				assert.True(t, string(data) == content, "Load changed the file")
			}

			require.NoError(t, f.Save(ctx, fsSession("app1")))
			got, err := f.Load(ctx, "app1")
			require.NoError(t, err)
			fsAssertSame(t, fsSession("app1"), got)
			assert.Len(t, fsDecodeFile(t, path).Sessions, 1, "the fresh file holds the new session only")

			aside := fsOnlyAside(t, path)
			data, err := os.ReadFile(aside)
			require.NoError(t, err)
			assert.True(t, string(data) == content, "the moved-aside file differs from the bad file")
			assert.Contains(t, logs.String(), "level=WARN")
			fsAssertNoToken(t, "the log", logs.String())
		})
	}
}

// fsOnlyAside returns the one "<path>.corrupt-*" file.
func fsOnlyAside(t *testing.T, path string) string {
	t.Helper()
	matches, err := filepath.Glob(path + ".corrupt-*")
	require.NoError(t, err)
	require.Len(t, matches, 1, "moved-aside files")
	return matches[0]
}

func newFSTestLogger(w *bytes.Buffer) *slog.Logger {
	return slog.New(slog.NewTextHandler(w, &slog.HandlerOptions{Level: slog.LevelDebug}))
}

func TestFileStore_MoveAsideLogsAndKeepsEarlierCopies(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	path := fsPath(t)
	bad := []byte(`{"version":1,"sessions":{"app1":{"appId":"app1","authToken":"corrupt-file-token"}}}`)
	require.NoError(t, os.WriteFile(path, bad, 0o600))

	// Earlier moved-aside files with the names this Save would use.
	now := time.Now().Unix()
	var earlier []string
	for s := now; s <= now+2; s++ {
		p := fmt.Sprintf("%s.corrupt-%d", path, s)
		require.NoError(t, os.WriteFile(p, []byte("earlier"), 0o600))
		earlier = append(earlier, p)
	}

	var logs bytes.Buffer
	f := NewFileStore(path)
	f.setLoggerIfUnset(newFSTestLogger(&logs)) // as a Client does
	require.NoError(t, f.Save(ctx, fsSession("app2")))

	for _, p := range earlier {
		data, err := os.ReadFile(p)
		require.NoError(t, err)
		assert.Equal(t, "earlier", string(data), "an earlier copy was overwritten")
	}
	matches, err := filepath.Glob(path + ".corrupt-*-1")
	require.NoError(t, err)
	require.Len(t, matches, 1)
	data, err := os.ReadFile(matches[0])
	require.NoError(t, err)
	assert.True(t, bytes.Equal(bad, data), "the bad file was not preserved byte for byte")

	line := logs.String()
	assert.Contains(t, line, "level=WARN")
	assert.Contains(t, line, "path="+path)
	assert.Contains(t, line, "moved_to="+matches[0])
	assert.Contains(t, line, `problem="the session for app ID \"app1\" has no user"`)
	fsAssertNoToken(t, "the log", line)
	assert.Len(t, fsDecodeFile(t, path).Sessions, 1)
}

func TestFileStore_DeleteOverBadFileMovesItAside(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	path := fsPath(t)
	require.NoError(t, os.WriteFile(path, []byte("garbage"), 0o600))
	f := NewFileStore(path)
	require.NoError(t, f.Delete(ctx, "app1"))
	fsOnlyAside(t, path)
	assert.Empty(t, fsDecodeFile(t, path).Sessions)
}
