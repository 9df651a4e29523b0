package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/cometchat-go/cometchatcalls/examples/internal/exampleenv"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"
)

// TestMain keeps the tests' session files out of the real $TMPDIR.
func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "quickstart-test-")
	if err != nil {
		panic(err)
	}
	sessionFile = filepath.Join(dir, "session.json")
	// goleak.Cleanup replaces its os.Exit: the cleanup must exit with the code.
	goleak.VerifyTestMain(m, goleak.Cleanup(func(code int) {
		_ = os.RemoveAll(dir)
		os.Exit(code)
	}))
}

func TestRun_PrintsTheWholeFlow(t *testing.T) {
	target := exampleenv.Emulated()
	defer target.Close()
	var out bytes.Buffer

	require.NoError(t, run(context.Background(), &out, target))
	assert.Equal(t, `1. GetLoggedInUser: nobody is logged in
2. Login: logged in as Andrew Joseph (cometchat-uid-1)
3. GetLoggedInUser: Andrew Joseph, status online
4. Logout: done
5. LoginWithAuthToken: logged in as George Alan (cometchat-uid-2)
6. LoginAsync: onSuccess: cometchat-uid-1
6. GetLoggedInUserAsync: onSuccess: Andrew Joseph
6. LogoutAsync: onSuccess: Logout successful
7. Login("user with spaces"): error ERROR_UID_WITH_SPACE: UID cannot contain spaces
8. GenerateCallToken: CallToken{SessionID:"quickstart-call" Token:[REDACTED]}
`, out.String())
	reqs := target.Server().Requests()
	last := reqs[len(reqs)-2] // the call token, then the logout
	assert.Equal(t, "/call/v3.0/call_tokens", last.Path)
	assert.Equal(t, `{"sessionId":"quickstart-call"}`, string(last.Body))
}

func TestRun_ReportsServerErrors(t *testing.T) {
	target := exampleenv.Emulated()
	defer target.Close()
	target.AuthKey = "wrong-key"
	var out bytes.Buffer
	err := run(context.Background(), &out, target)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "AUTH_ERR_APIKEY_NOT_FOUND")
	assert.NotContains(t, err.Error(), "wrong-key")
}

// A corrupt session file does not stop the quickstart: step 1 warns, the
// login moves the bad file aside, and the flow goes on.
func TestRun_RecoversFromACorruptSessionFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "session.json")
	old := sessionFile
	sessionFile = path
	t.Cleanup(func() { sessionFile = old })
	require.NoError(t, os.WriteFile(path, []byte("{this is not a session"), 0o600))

	target := exampleenv.Emulated()
	defer target.Close()
	var out bytes.Buffer
	require.NoError(t, run(context.Background(), &out, target))

	first, rest, _ := strings.Cut(out.String(), "\n")
	assert.Contains(t, first, "1. GetLoggedInUser: warning: the stored session cannot be read; logging in replaces it: cometchatcalls: ERROR_SESSION_STORE")
	assert.True(t, strings.HasPrefix(rest, "2. Login: logged in as Andrew Joseph (cometchat-uid-1)\n"), rest)
	moved, err := filepath.Glob(path + ".corrupt-*")
	require.NoError(t, err)
	require.Len(t, moved, 1, "the bad file was moved aside")
	b, err := os.ReadFile(moved[0])
	require.NoError(t, err)
	assert.Equal(t, "{this is not a session", string(b), "nothing lost")

	entries, err := os.ReadDir(filepath.Dir(path))
	require.NoError(t, err)
	var names []string
	for _, e := range entries {
		names = append(names, strings.Replace(e.Name(), filepath.Base(moved[0]), "session.json.corrupt-<unix time>", 1))
	}
	slices.Sort(names)
	assert.Equal(t, []string{"session.json", "session.json.corrupt-<unix time>", "session.json.lock"}, names,
		"the files the README lists")

	out.Reset() // the next run finds a good file
	require.NoError(t, run(context.Background(), &out, target))
	assert.True(t, strings.HasPrefix(out.String(), "1. GetLoggedInUser: nobody is logged in\n"), out.String())
}
