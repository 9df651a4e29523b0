package main

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestDoctor_EverythingPassesOnTheEmulator(t *testing.T) {
	w := newWorld(t)
	ok(t, "", "login", "-uid", "cometchat-uid-1")
	r := ok(t, "", "doctor")
	lines := strings.Split(strings.TrimSpace(r.stdout), "\n")
	require.Len(t, lines, 7, r.stdout)
	for _, l := range lines {
		assert.True(t, strings.HasPrefix(l, "✓ "), l)
	}
	assert.Contains(t, r.stdout, "✓ admin host: "+w.srv.URL()+"/admin/v3.0")
	assert.Contains(t, r.stdout, "(logged in as Andrew Joseph (cometchat-uid-1))")
	assert.Empty(t, w.srv.AuthTokens("cometchat-uid-1")[1:], "doctor issued no token")

	var results []checkResult
	ok(t, "", "doctor", "-json").json(t, &results)
	var names []string
	for _, res := range results {
		names = append(names, res.Check)
		assert.True(t, res.OK, res.Check)
		assert.Nil(t, res.Error)
	}
	assert.Equal(t, []string{"admin host", "client host", "calls host", "app ID", "REST API key", "auth key", "session file"}, names)
}

func TestDoctor_ReportsEachFailureWithAdvice(t *testing.T) {
	w := newWorld(t)
	t.Setenv(envAPIKey, "rest-key-wrong-0123456789")
	t.Setenv(envAppID, "otherapp")
	r := runCLI(t, "", "doctor")
	assert.Equal(t, exitFailure, r.code)
	assert.Contains(t, r.stdout, "✗ app ID (otherapp in region us): AUTH_ERR_INVALID_APPID")
	assert.Contains(t, r.stdout, "    what to do: check the app ID")
	assert.NotContains(t, r.stdout+r.stderr, "rest-key-wrong-0123456789")

	t.Setenv(envAppID, "")
	r = runCLI(t, "", "doctor", "-json")
	assert.Equal(t, exitFailure, r.code)
	var results []checkResult
	r.json(t, &results)
	byName := map[string]checkResult{}
	for _, res := range results {
		byName[res.Check] = res
	}
	assert.True(t, byName["app ID"].OK)
	assert.True(t, byName["auth key"].OK)
	require.NotNil(t, byName["REST API key"].Error)
	assert.Equal(t, "AUTH_ERR_APIKEY_NOT_FOUND", byName["REST API key"].Error.Code)
	assert.NotEmpty(t, byName["REST API key"].Error.Advice)
	assert.Equal(t, "ERROR_CHECKS_FAILED", r.errJSON(t).Code)
	assert.Len(t, w.srv.AuthTokens("cometchat-uid-1"), 0, "the auth key check issued no token")
}

func TestDoctor_SkipsChecksWithoutCredentials(t *testing.T) {
	newWorld(t)
	var stderr strings.Builder
	c := &cli{stderr: &stderr}
	cfg, err := c.config()
	require.NoError(t, err)
	cfg.authKey, cfg.apiKey = "", "" // as against CometChat with only the app set
	results, err := doctor(context.Background(), c, cfg)
	require.NoError(t, err)
	var names []string
	for _, res := range results {
		names = append(names, res.Check)
	}
	assert.Equal(t, []string{"admin host", "client host", "calls host", "app ID", "session file"}, names)
	assert.Contains(t, stderr.String(), "REST API key: not checked (COMETCHAT_API_KEY is not set)")
	assert.Contains(t, stderr.String(), "auth key: not checked (COMETCHAT_AUTH_KEY is not set)")
}

func TestDoctor_SessionFileThatOthersMayRead(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("no mode bits on Windows")
	}
	w := newWorld(t)
	ok(t, "", "login", "-uid", "cometchat-uid-1")
	require.NoError(t, os.Chmod(w.sessionFile(), 0o644))
	r := runCLI(t, "", "doctor")
	assert.Equal(t, exitFailure, r.code)
	assert.Contains(t, r.stdout, "✗ session file")
	assert.Contains(t, r.stdout, "mode 0644")
	assert.Contains(t, r.stdout, "chmod 600")

	require.NoError(t, os.WriteFile(w.sessionFile(), []byte("not json"), 0o600))
	r = runCLI(t, "", "doctor")
	assert.Equal(t, exitFailure, r.code)
	assert.Contains(t, r.stdout, "✗ session file")
	assert.Contains(t, r.stdout, "ERROR_SESSION_STORE")
}

func TestDoctor_UnreachableHost(t *testing.T) {
	w := newWorld(t)
	w.srv.Close()
	r := runCLI(t, "", "doctor", "-timeout", "5s")
	assert.Equal(t, exitFailure, r.code)
	assert.Contains(t, r.stdout, "✗ admin host")
	assert.Contains(t, r.stdout, "ERROR_NETWORK")
}

// TestDoctor_ServerTextCannotDriveTheTerminal: a server's error code, like
// its message, reaches the report escaped.
func TestDoctor_ServerTextCannotDriveTheTerminal(t *testing.T) {
	isolate(t, filepath.Join(t.TempDir(), "config"))
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusUnauthorized)
		_, _ = io.WriteString(w, `{"error":{"code":"ERR_\u001b[31mEVIL\u0007","message":"bad \u001b[2J"}}`)
	}))
	t.Cleanup(srv.Close)
	t.Setenv(envEmulatorURL, srv.URL)
	r := runCLI(t, "", "doctor")
	assert.Equal(t, exitFailure, r.code)
	assert.Contains(t, r.stdout, "EVIL")
	assert.NotContains(t, r.stdout+r.stderr, "\x1b")
	assert.NotContains(t, r.stdout+r.stderr, "\a")
}

// TestDoctor_AHostThatNeverAnswersLeavesTimeForTheOthers: each network
// check gets its share of -timeout, and the local session file check runs
// whatever the network does.
func TestDoctor_AHostThatNeverAnswersLeavesTimeForTheOthers(t *testing.T) {
	w := newWorld(t)
	ok(t, "", "login", "-uid", "cometchat-uid-1")
	stuck := make(chan struct{})
	hung := httptest.NewServer(http.HandlerFunc(func(_ http.ResponseWriter, r *http.Request) {
		select {
		case <-stuck:
		case <-r.Context().Done():
		}
	}))
	t.Cleanup(func() { close(stuck); hung.Close() })
	r := runCLI(t, "", "doctor", "-emulator-url", hung.URL, "-session-file", w.sessionFile(), "-timeout", "1s")
	assert.Equal(t, exitFailure, r.code)
	assert.Contains(t, r.stdout, "✓ session file")
	assert.Contains(t, r.stdout, "✗ app ID")
	assert.NotContains(t, r.stdout, "not started", "a check found no time left")
}
