package cometchatcalls

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io/fs"
	"log/slog"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// fsToken is the token of the sessions these tests save. Tests check that
// it never shows up in an error or a log line.
const fsToken = "filestore-secret-token-0123456789"

func fsSession(appID string) *Session {
	return &Session{
		AppID: appID,
		User: User{
			UID:      "uid-" + appID,
			Name:     "User " + appID,
			Status:   StatusOnline,
			Metadata: map[string]any{"nested": map[string]any{"n": float64(1)}, "list": []any{"x"}},
			Tags:     []string{"t1", "t2"},
		},
		AuthToken: fsToken + "-" + appID,
		CreatedAt: time.Date(2025, 1, 2, 3, 4, 5, 678, time.UTC),
	}
}

// fsPath returns a session file path in a fresh temporary directory.
func fsPath(t testing.TB) string {
	t.Helper()
	return filepath.Join(t.TempDir(), "sessions.json")
}

// fsAssertSame compares two sessions without printing their tokens.
func fsAssertSame(t *testing.T, want, got *Session) {
	t.Helper()
	require.NotNil(t, got, "no session")
	assert.Equal(t, want.AppID, got.AppID)
	assert.Equal(t, want.User, got.User)
	assert.True(t, want.AuthToken == got.AuthToken, "token mismatch")
	assert.True(t, want.CreatedAt.Equal(got.CreatedAt), "CreatedAt: want %s, got %s", want.CreatedAt, got.CreatedAt)
}

// fsDecodeFile reads the file the way a reader would and fails on anything
// that is not a valid document.
func fsDecodeFile(t *testing.T, path string) *fileDoc {
	t.Helper()
	data, err := os.ReadFile(path)
	require.NoError(t, err)
	doc, err := decodeFileStore(data)
	require.NoError(t, err)
	return doc
}

// fsAssertNoToken fails if s contains a token of these tests, without
// printing s.
func fsAssertNoToken(t *testing.T, where, s string) {
	t.Helper()
	if strings.Contains(s, fsToken) || strings.Contains(s, "corrupt-file-token") {
		t.Errorf("%s contains a token", where)
	}
}

func TestFileStore_RoundTrip(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	path := fsPath(t)
	f := NewFileStore(path)
	assert.Equal(t, path, f.Path())

	want := fsSession("app1")
	want.CreatedAt = time.Date(2025, 1, 2, 3, 4, 5, 678, time.FixedZone("x", -7*3600))
	require.NoError(t, f.Save(ctx, want))

	got, err := NewFileStore(path).Load(ctx, "app1") // a new store reads the file
	require.NoError(t, err)
	fsAssertSame(t, want, got)
	assert.Equal(t, time.UTC, got.CreatedAt.Location(), "times come back in UTC")

	// The file has the documented shape.
	var raw map[string]any
	data, err := os.ReadFile(path)
	require.NoError(t, err)
	require.NoError(t, json.Unmarshal(data, &raw))
	assert.Equal(t, float64(1), raw["version"])
	rec := raw["sessions"].(map[string]any)["app1"].(map[string]any)
	assert.Equal(t, "app1", rec["appId"])
	assert.Equal(t, "uid-app1", rec["user"].(map[string]any)["uid"])
	assert.Equal(t, "2025-01-02T10:04:05.000000678Z", rec["createdAt"])
}

func TestFileStore_LoadWithoutFileIsNilAndCreatesNothing(t *testing.T) {
	t.Parallel()
	dir := filepath.Join(t.TempDir(), "missing")
	f := NewFileStore(filepath.Join(dir, "sessions.json"))
	got, err := f.Load(context.Background(), "app1")
	require.NoError(t, err)
	assert.Nil(t, got)
	require.NoError(t, f.Delete(context.Background(), "app1"))
	_, err = os.Stat(dir)
	assert.ErrorIs(t, err, fs.ErrNotExist, "Load and Delete must not create the directory")
}

func TestFileStore_ManyAppsInOneFile(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	path := fsPath(t)
	f := NewFileStore(path)
	for _, app := range []string{"a", "b", "c"} {
		require.NoError(t, f.Save(ctx, fsSession(app)))
	}
	assert.Len(t, fsDecodeFile(t, path).Sessions, 3)

	require.NoError(t, f.Delete(ctx, "b"))
	doc := fsDecodeFile(t, path)
	assert.Len(t, doc.Sessions, 2)
	assert.Contains(t, doc.Sessions, "a")
	assert.Contains(t, doc.Sessions, "c")
	for _, app := range []string{"a", "c"} {
		got, err := f.Load(ctx, app)
		require.NoError(t, err)
		fsAssertSame(t, fsSession(app), got)
	}
}

func TestFileStore_DeleteOfUnknownAppLeavesFileAlone(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	path := fsPath(t)
	f := NewFileStore(path)
	require.NoError(t, f.Save(ctx, fsSession("a")))
	before, err := os.Stat(path)
	require.NoError(t, err)
	require.NoError(t, f.Delete(ctx, "unknown"))
	after, err := os.Stat(path)
	require.NoError(t, err)
	assert.True(t, os.SameFile(before, after), "the file was rewritten")
}

func TestFileStore_AppIDMismatchIsIgnored(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	f := NewFileStore(fsPath(t))
	require.NoError(t, f.Save(ctx, fsSession("b")))
	got, err := f.Load(ctx, "a")
	require.NoError(t, err)
	assert.Nil(t, got)
	got, err = f.Load(ctx, "")
	require.NoError(t, err)
	assert.Nil(t, got)
}

// TestFileStore_ConcurrentSaves saves from many goroutines through two
// FileStores on the same path: the in-process semaphore serialises one
// store, the OS file lock serialises the two.
func TestFileStore_ConcurrentSaves(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	path := fsPath(t)
	stores := []*FileStore{NewFileStore(path), NewFileStore(path)}
	const n = 24
	var wg sync.WaitGroup
	errs := make(chan error, n)
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs <- stores[i%2].Save(ctx, fsSession(fmt.Sprintf("app%d", i)))
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		require.NoError(t, err)
	}
	doc := fsDecodeFile(t, path)
	assert.Len(t, doc.Sessions, n)
	for i := range n {
		got, err := stores[0].Load(ctx, fmt.Sprintf("app%d", i))
		require.NoError(t, err)
		fsAssertSame(t, fsSession(fmt.Sprintf("app%d", i)), got)
	}
}

// Environment of the child processes of TestFileStoreTwoProcesses.
const (
	fsChildAppEnv  = "COMETCHATCALLS_FILESTORE_CHILD_APP"
	fsChildPeerEnv = "COMETCHATCALLS_FILESTORE_CHILD_PEER"
	fsChildPathEnv = "COMETCHATCALLS_FILESTORE_CHILD_PATH"
)

const fsChildRounds = 40

func fsChildSession(app string, round string) *Session {
	s := fsSession(app)
	s.User.Name = round
	s.AuthToken = "twoproc-token-" + app + "-" + round
	return s
}

// TestFileStoreTwoProcesses runs two copies of the test binary that save
// different app IDs into one file in a loop, each also trying to delete the
// other's session with a stale token, while this process keeps reading it:
// every read must decode, neither child may lose the other's session, and
// both final sessions must be there at the end.
func TestFileStoreTwoProcesses(t *testing.T) {
	if app := os.Getenv(fsChildAppEnv); app != "" {
		fsTwoProcessesChild(t, app, os.Getenv(fsChildPeerEnv), os.Getenv(fsChildPathEnv))
		return
	}
	t.Parallel()
	path := fsPath(t)
	ctx := context.Background()

	type result struct {
		app string
		err error
		out *bytes.Buffer
	}
	done := make(chan result, 2)
	for _, pair := range [][2]string{{"proc-a", "proc-b"}, {"proc-b", "proc-a"}} {
		cmd := exec.Command(os.Args[0], "-test.run=^TestFileStoreTwoProcesses$", "-test.count=1")
		cmd.Env = append(os.Environ(), fsChildAppEnv+"="+pair[0], fsChildPeerEnv+"="+pair[1], fsChildPathEnv+"="+path)
		out := &bytes.Buffer{}
		cmd.Stdout, cmd.Stderr = out, out
		require.NoError(t, cmd.Start())
		go func() { done <- result{pair[0], cmd.Wait(), out} }()
	}

	reader := NewFileStore(path)
	reads := 0
	for finished := 0; finished < 2; {
		select {
		case r := <-done:
			finished++
			require.NoError(t, r.err, "child %s failed:\n%s", r.app, r.out)
			continue
		default:
		}
		for _, app := range []string{"proc-a", "proc-b"} {
			s, err := reader.Load(ctx, app)
			require.NoError(t, err, "read %d", reads)
			if s != nil {
				require.Equal(t, app, s.AppID)
				require.True(t, s.AuthToken == "twoproc-token-"+app+"-"+s.User.Name, "torn session")
			}
		}
		// A raw read takes no lock; on Windows it could make a child's
		// rename fail, so only where renaming over an open file is allowed.
		if runtime.GOOS != "windows" {
			if data, err := os.ReadFile(path); err == nil {
				_, err := decodeFileStore(data)
				require.NoError(t, err, "raw read %d saw an invalid file", reads)
			}
		}
		reads++
	}
	for _, app := range []string{"proc-a", "proc-b"} {
		got, err := reader.Load(ctx, app)
		require.NoError(t, err)
		fsAssertSame(t, fsChildSession(app, "final"), got)
	}
	t.Logf("%d reads while the children wrote", reads)
}

func fsTwoProcessesChild(t *testing.T, app, peer, path string) {
	ctx := context.Background()
	f := NewFileStore(path)
	seenPeer := false
	deadline := time.Now().Add(2 * time.Second)
	for i := 0; i < fsChildRounds && time.Now().Before(deadline); i++ {
		round := strconv.Itoa(i)
		require.NoError(t, f.Save(ctx, fsChildSession(app, round)))
		// A stale logout of the peer: the peer's newer session stays.
		require.NoError(t, f.DeleteIfToken(ctx, peer, "twoproc-token-"+peer+"-stale"))
		own, err := f.Load(ctx, app)
		require.NoError(t, err)
		require.NotNil(t, own, "own session lost")
		require.True(t, own.AuthToken == "twoproc-token-"+app+"-"+round, "own session overwritten by an older one")
		other, err := f.Load(ctx, peer)
		require.NoError(t, err)
		if other == nil {
			require.False(t, seenPeer, "the peer's session was lost")
			continue
		}
		seenPeer = true
		require.True(t, other.AuthToken == "twoproc-token-"+peer+"-"+other.User.Name, "torn peer session")
	}
	require.NoError(t, f.Save(ctx, fsChildSession(app, "final")))
}

// fsBadFileProblems is what Load says of each of fsBadFiles, after
// "session file <path>: ".
var fsBadFileProblems = map[string]string{
	"not JSON":             "not valid JSON: syntax error at byte 2",
	"truncated":            "not valid JSON: truncated",
	"empty":                "empty; not a session document",
	"whitespace only":      "empty; not a session document",
	"JSON array":           "not a cometchatcalls session document: unexpected JSON array",
	"JSON null":            "not a cometchatcalls session document: JSON null",
	"JSON string":          "not a cometchatcalls session document: unexpected JSON string",
	"foreign document":     `not a cometchatcalls session document: no "version" field`,
	"foreign with version": `not a cometchatcalls session document: "version" is not an integer`,
	"newer version":        "format version 2 is newer than this SDK's (1); upgrade the SDK",
	"version zero":         "invalid format version 0",
	"version null":         `not a cometchatcalls session document: "version" is not an integer`,
	"version float":        `not a cometchatcalls session document: "version" is not an integer`,
	"no sessions":          `no "sessions" object`,
	"sessions null":        `no "sessions" object`,
	"sessions array":       `invalid "sessions" object: unexpected JSON array`,
	"unknown top field":    `unknown field "extra"`,
	"unknown record field": `invalid "sessions" object: unknown field "refresh"`,
	"unknown user field":   `invalid "sessions" object: unknown field "secret"`,
	"record null":          `the session for app ID "app1" is null`,
	"missing appId":        `the session for app ID "app1" has no appId`,
	"missing user":         `the session for app ID "app1" has no user`,
	"missing uid":          `the session for app ID "app1" has no user uid`,
	"missing authToken":    `the session for app ID "app1" has no authToken`,
	"appId mismatch":       `the session for app ID "app1" names another app ID, "app2"`,
	"token is a number":    `invalid "sessions" object: field "authToken": unexpected JSON number`,
	"bad createdAt":        `invalid "sessions" object: createdAt is not an RFC 3339 time`,
	"createdAt year 10000": `the session for app ID "app1" has a createdAt outside the years 0-9999`,
	"trailing bytes":       "data after the JSON value (at byte 27)",
	"two documents":        "data after the JSON value (at byte 27)",
	"too large":            fmt.Sprintf("larger than 1 MiB (%d bytes); not a session file", 27+maxFileStoreSize),
}

// TestFileStore_LoggerChoice: a logger set with SetLogger, even a discarding
// one, wins over the Client's logger; without one, the Client's is used.
func TestFileStore_LoggerChoice(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name             string
		set              bool
		discard          bool
		wantOwn, wantCli bool
	}{
		{name: "SetLogger wins", set: true, wantOwn: true},
		{name: "SetLogger(discard) silences", discard: true},
		{name: "Client logger by default", wantCli: true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			path := fsPath(t)
			require.NoError(t, os.WriteFile(path, []byte("garbage"), 0o600))
			var own, cli bytes.Buffer
			f := NewFileStore(path)
			if tc.set {
				require.NoError(t, f.SetLogger(newFSTestLogger(&own)))
			}
			if tc.discard {
				require.NoError(t, f.SetLogger(slog.New(slog.DiscardHandler)))
			}
			f.setLoggerIfUnset(newFSTestLogger(&cli))
			require.NoError(t, f.Save(context.Background(), fsSession("app1")))
			assert.Equal(t, tc.wantOwn, own.Len() > 0, "SetLogger's logger used")
			assert.Equal(t, tc.wantCli, cli.Len() > 0, "Client's logger used")
		})
	}
}

func TestFileStore_PathIsADirectory(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	path := fsPath(t)
	require.NoError(t, os.Mkdir(path, 0o700))
	f := NewFileStore(path)
	_, err := f.Load(ctx, "app1")
	require.ErrorIs(t, err, ErrSessionStore)
	assert.Equal(t, "session file "+path+": a directory, not a file", err.(*Error).Message)

	err = f.Save(ctx, fsSession("app1"))
	require.ErrorIs(t, err, ErrSessionStore)
	assert.Equal(t, "session file "+path+": a directory, not a file", err.(*Error).Message)
	info, err := os.Stat(path)
	require.NoError(t, err)
	assert.True(t, info.IsDir(), "the directory was moved")
}

func TestFileStore_SaveRefusesWhatItCannotStore(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	path := fsPath(t)
	f := NewFileStore(path)
	require.NoError(t, f.Save(ctx, fsSession("kept")))
	before, err := os.ReadFile(path)
	require.NoError(t, err)

	huge := fsSession("huge")
	huge.User.Metadata = map[string]any{"blob": strings.Repeat("x", maxFileStoreSize)}
	nan := fsSession("nan")
	nan.User.Metadata = map[string]any{"n": math.NaN()}
	for name, s := range map[string]*Session{
		"nil":       nil,
		"no app ID": func() *Session { s := fsSession("x"); s.AppID = ""; return s }(),
		"no uid":    func() *Session { s := fsSession("x"); s.User.UID = ""; return s }(),
		"no token":  func() *Session { s := fsSession("x"); s.AuthToken = ""; return s }(),
		"year 10000": func() *Session {
			s := fsSession("x")
			s.CreatedAt = time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC)
			return s
		}(),
		"more than 1MiB": huge,
		"NaN metadata":   nan,
	} {
		err := f.Save(ctx, s)
		require.ErrorIs(t, err, ErrSessionStore, name)
		fsAssertNoToken(t, name, err.Error())
	}
	after, err := os.ReadFile(path)
	require.NoError(t, err)
	assert.True(t, bytes.Equal(before, after), "a refused Save changed the file")
	leftovers, err := filepath.Glob(path + ".tmp-*")
	require.NoError(t, err)
	assert.Empty(t, leftovers, "a failed Save left its temporary file")
}

func TestFileStore_ZeroValueFails(t *testing.T) {
	t.Parallel()
	var f FileStore
	_, err := f.Load(context.Background(), "app1")
	assert.ErrorIs(t, err, ErrSessionStore)
	assert.ErrorIs(t, f.Save(context.Background(), fsSession("app1")), ErrSessionStore)
	assert.ErrorIs(t, f.Delete(context.Background(), "app1"), ErrSessionStore)
}

func TestFileStore_CancelledContext(t *testing.T) {
	t.Parallel()
	path := fsPath(t)
	f := NewFileStore(path)
	require.NoError(t, f.Save(context.Background(), fsSession("app1")))
	before, err := os.ReadFile(path)
	require.NoError(t, err)

	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err = f.Load(ctx, "app1")
	fsRequireCtxError(t, err, context.Canceled)
	fsRequireCtxError(t, f.Save(ctx, fsSession("app2")), context.Canceled)
	fsRequireCtxError(t, f.Delete(ctx, "app1"), context.Canceled)
	fsRequireCtxError(t, f.DeleteIfToken(ctx, "app1", fsSession("app1").AuthToken), context.Canceled)
	fsRequireCtxError(t, f.SaveIfToken(ctx, fsSession("app1"), fsSession("app1").AuthToken), context.Canceled)

	after, err := os.ReadFile(path)
	require.NoError(t, err)
	assert.True(t, bytes.Equal(before, after), "the file changed")

	// Nothing is created either.
	other := NewFileStore(filepath.Join(t.TempDir(), "d", "sessions.json"))
	fsRequireCtxError(t, other.Save(ctx, fsSession("app1")), context.Canceled)
	_, err = os.Stat(filepath.Dir(other.Path()))
	assert.ErrorIs(t, err, fs.ErrNotExist)
}

// TestFileStore_SeedCorpus keeps the fuzz seeds honest: the "valid_" ones
// decode, every other one is refused.
func TestFileStore_SeedCorpus(t *testing.T) {
	t.Parallel()
	files, err := filepath.Glob(filepath.Join("testdata", "fuzz", "FuzzFileStoreDecode", "*"))
	require.NoError(t, err)
	require.NotEmpty(t, files)
	for _, file := range files {
		raw, err := os.ReadFile(file)
		require.NoError(t, err)
		lit, ok := strings.CutPrefix(strings.TrimSpace(string(raw)), "go test fuzz v1\n[]byte(")
		require.True(t, ok, "%s is not in the corpus format", file)
		data, err := strconv.Unquote(strings.TrimSuffix(lit, ")"))
		require.NoError(t, err, file)
		doc, err := decodeFileStore([]byte(data))
		if strings.HasPrefix(filepath.Base(file), "valid_") {
			assert.NoError(t, err, file)
			assert.NotNil(t, doc, file)
		} else {
			assert.Error(t, err, file)
			assert.Nil(t, doc, file)
		}
	}
}

func BenchmarkFileStoreSave(b *testing.B) {
	ctx := context.Background()
	f := NewFileStore(fsPath(b))
	s := fsSession("app1")
	b.ReportAllocs()
	for b.Loop() {
		if err := f.Save(ctx, s); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkFileStoreLoad(b *testing.B) {
	ctx := context.Background()
	f := NewFileStore(fsPath(b))
	if err := f.Save(ctx, fsSession("app1")); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		s, err := f.Load(ctx, "app1")
		if err != nil || s == nil {
			b.Fatal("load failed", err)
		}
	}
}

// fsRequireUnchanged fails unless the file at path still holds before.
func fsRequireUnchanged(t *testing.T, path string, before []byte) {
	t.Helper()
	after, err := os.ReadFile(path)
	require.NoError(t, err)
	require.True(t, bytes.Equal(before, after), "the file changed")
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

// TestFileStore_LogsWithNoLockHeld: the warning about a corrupt file moved
// aside goes to user code (the logger); a handler that uses the same
// FileStore must not wait for the lock the warning's call holds.
func TestFileStore_LogsWithNoLockHeld(t *testing.T) {
	t.Parallel()
	path := fsPath(t)
	require.NoError(t, os.WriteFile(path, []byte("garbage"), 0o600))
	f := NewFileStore(path)
	var inHandler error
	require.NoError(t, f.SetLogger(slog.New(storeUsingHandler{use: func() {
		// Bounded, so that a handler left waiting fails the test instead
		// of hanging it.
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		inHandler = f.Save(ctx, fsSession("app2"))
	}})))
	require.NoError(t, f.Save(context.Background(), fsSession("app1")))
	require.NoError(t, inHandler, "the handler's own Save")
	got, err := f.Load(context.Background(), "app2")
	require.NoError(t, err)
	assert.NotNil(t, got)
}

// TestFileStore_EmptyPathIsAnError: NewFileStore("") cleans to ".", the
// working directory: every call fails before touching the disk (it used to
// create "..lock" in the working directory).
func TestFileStore_EmptyPathIsAnError(t *testing.T) {
	dir := t.TempDir()
	t.Chdir(dir)
	f := NewFileStore("")
	ctx := context.Background()
	_, err := f.Load(ctx, "app1")
	requireCode(t, err, CodeSessionStore)
	requireCode(t, f.Save(ctx, fsSession("app1")), CodeSessionStore)
	requireCode(t, f.Delete(ctx, "app1"), CodeSessionStore)
	requireCode(t, f.DeleteIfToken(ctx, "app1", "t"), CodeSessionStore)
	entries, err := os.ReadDir(dir)
	require.NoError(t, err)
	assert.Empty(t, entries, "nothing created in the working directory")
}

// storeUsingHandler is a slog handler that uses a SessionStore, as a
// handler that records log lines next to the session might.
type storeUsingHandler struct {
	slog.Handler
	use func()
}

func (storeUsingHandler) Enabled(context.Context, slog.Level) bool { return true }

func (h storeUsingHandler) Handle(context.Context, slog.Record) error {
	h.use()
	return nil
}
