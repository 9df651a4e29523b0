package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"

	"github.com/cometchat-go/cometchatcalls/cometchatcallstest"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

func runOnce(t *testing.T, args ...string) string {
	t.Helper()
	var out, errOut bytes.Buffer
	code := run(context.Background(), args, &out, &errOut, func(string) string { return "" })
	require.Equal(t, 0, code, errOut.String())
	return out.String()
}

func TestRun_SecondRunRestoresTheSession(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "nested")
	path := filepath.Join(dir, "session.json")

	first := runOnce(t, "-store", path)
	assert.Contains(t, first, "The emulator keeps its users and auth tokens in "+filepath.Join(dir, "emulator-state.json"))
	assert.Contains(t, first, "Logged in as Andrew Joseph (cometchat-uid-1); session saved to "+path)
	for _, name := range []string{"session.json", "emulator-state.json"} {
		info, err := os.Stat(filepath.Join(dir, name))
		require.NoError(t, err)
		assert.Equal(t, os.FileMode(0o600), info.Mode().Perm(), name)
	}

	// A new process, a new emulator: it restores its state from the file,
	// so the stored token is still valid and nobody logs in.
	second := runOnce(t, "-store", path)
	assert.Contains(t, second, "Found a stored session for Andrew Joseph (cometchat-uid-1): no login needed\n"+
		"The server confirms the session is valid\n")
	assert.NotContains(t, second, "Logged in as")

	third := runOnce(t, "-store", path, "-logout")
	assert.Contains(t, third, "Logged out; the stored session is gone")
	fourth := runOnce(t, "-store", path, "-logout")
	assert.Contains(t, fourth, "Nobody is logged in")

	// Every file the example wrote is the README's list.
	entries, err := os.ReadDir(dir)
	require.NoError(t, err)
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	slices.Sort(names)
	assert.Equal(t, []string{"emulator-state.json", "session.json", "session.json.lock"}, names)
}

func TestRun_RevokedTokenLogsInAgain(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "session.json")
	runOnce(t, "-store", path)

	// Revoke the token between the runs, as a backend would.
	srv, err := cometchatcallstest.Start(cometchatcallstest.WithStateFile(filepath.Join(dir, "emulator-state.json")))
	require.NoError(t, err)
	require.NoError(t, srv.RevokeAllAuthTokens("cometchat-uid-1"))
	require.NoError(t, srv.SaveState())
	srv.Close()

	second := runOnce(t, "-store", path)
	assert.Contains(t, second, "Found a stored session for Andrew Joseph (cometchat-uid-1): no login needed\n"+
		"The server no longer knows the stored token: the SDK ended the session\n"+
		"Logged in as Andrew Joseph")
}
