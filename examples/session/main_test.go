package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

func runOnce(t *testing.T, args ...string) string {
	t.Helper()
	var out, errOut bytes.Buffer
	code := run(context.Background(), args, &out, &errOut, func(string) string { return "" })
	require.Equal(t, 0, code, errOut.String())
	return out.String()
}

func TestRun_SecondRunFindsTheUser(t *testing.T) {
	path := filepath.Join(t.TempDir(), "nested", "session.json")

	first := runOnce(t, "-store", path)
	assert.Contains(t, first, "Logged in as Andrew Joseph (cometchat-uid-1); session saved to "+path)
	info, err := os.Stat(path)
	require.NoError(t, err)
	assert.Equal(t, os.FileMode(0o600), info.Mode().Perm())

	// Each run starts a fresh emulator, which does not know the previous
	// run's token: the second run finds the user, then notices the token is
	// stale and logs in again.
	second := runOnce(t, "-store", path)
	assert.Contains(t, second, "Found a stored session for Andrew Joseph (cometchat-uid-1): no login needed\n"+
		"The server no longer knows the stored token: the SDK ended the session\n"+
		"Logged in as Andrew Joseph")

	third := runOnce(t, "-store", path, "-logout")
	assert.Contains(t, third, "Logged out")
	fourth := runOnce(t, "-store", path, "-logout")
	assert.Contains(t, fourth, "Nobody is logged in")
}
