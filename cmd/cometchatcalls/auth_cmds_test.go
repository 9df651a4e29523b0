package main

import (
	"os"
	"path/filepath"
	"runtime"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cometchat-go/cometchatcalls"
)

func TestLogin_WithUIDKeepsTheSessionInAPrivateFile(t *testing.T) {
	w := newWorld(t)
	r := ok(t, "", "login", "-uid", "cometchat-uid-1")
	assert.Equal(t, "Logged in as Andrew Joseph (cometchat-uid-1)\n", r.stdout)
	assert.Empty(t, r.stderr)

	st, err := os.Stat(w.sessionFile())
	require.NoError(t, err)
	if runtime.GOOS != "windows" {
		assert.Equal(t, os.FileMode(0o600), st.Mode().Perm())
		dir, err := os.Stat(w.config + "/cometchatcalls/emulatorapp")
		require.NoError(t, err)
		assert.Equal(t, os.FileMode(0o700), dir.Mode().Perm())
	}
	r = ok(t, "", "whoami")
	assert.Equal(t, "Logged in as Andrew Joseph (cometchat-uid-1)\n", r.stdout)
}

func TestLogin_JSONIsTheUser(t *testing.T) {
	newWorld(t)
	var u cometchatcalls.User
	ok(t, "", "-json", "login", "-uid", "cometchat-uid-2").json(t, &u)
	assert.Equal(t, "cometchat-uid-2", u.UID)
	assert.Equal(t, "George Alan", u.Name)
	ok(t, "", "whoami", "-json").json(t, &u)
	assert.Equal(t, "cometchat-uid-2", u.UID)
}

func TestLogin_AuthKeyFromStdinAndEnvironment(t *testing.T) {
	w := newWorld(t)
	ok(t, w.srv.AuthKey()+"\n", "login", "-uid", "cometchat-uid-1", "-auth-key-stdin")

	r := runCLI(t, "wrong-auth-key-0123456789\n", "login", "-uid", "cometchat-uid-3", "-auth-key-stdin")
	assert.Equal(t, exitAuth, r.code, r.stderr)
	assert.Contains(t, r.stderr, "AUTH_ERR_APIKEY_NOT_FOUND")
	assert.Contains(t, r.stderr, "what to do:")
	assert.NotContains(t, r.stderr, "wrong-auth-key-0123456789")
	assert.Empty(t, r.stdout)

	t.Setenv(envAuthKey, "another-wrong-key-abcdef")
	r = runCLI(t, "", "login", "-uid", "cometchat-uid-3")
	assert.Equal(t, exitAuth, r.code)
	assert.NotContains(t, r.stderr, "another-wrong-key-abcdef")
	assert.Equal(t, "Logged in as Andrew Joseph (cometchat-uid-1)\n", ok(t, "", "whoami").stdout, "a failed login logs nobody out")
}

func TestLogin_WithTokenFromStdin(t *testing.T) {
	w := newWorld(t)
	token, err := w.srv.IssueAuthToken("cometchat-uid-4")
	require.NoError(t, err)
	r := ok(t, token+"\n", "login", "-with-token")
	assert.Equal(t, "Logged in as Susan Marie (cometchat-uid-4)\n", r.stdout)
	assert.Equal(t, token+"\n", ok(t, "", "auth-token").stdout)

	r = runCLI(t, "", "login", "-with-token")
	assert.Equal(t, exitFailure, r.code)
	assert.Contains(t, r.stderr, "ERROR_BLANK_AUTHTOKEN")
}

func TestLogin_UsageErrors(t *testing.T) {
	newWorld(t)
	for _, args := range [][]string{
		{"login"},
		{"login", "-uid", "a", "-with-token"},
		{"login", "-with-token", "-auth-key-stdin"},
		{"login", "extra-arg"},
		{"login", "-uid"},
	} {
		r := runCLI(t, "", args...)
		assert.Equal(t, exitUsage, r.code, "%v: %s", args, r.stderr)
		assert.Contains(t, r.stderr, "Run 'cometchatcalls help login' for usage.", args)
	}
}

func TestWhoami_NobodyLoggedInIsExit4(t *testing.T) {
	newWorld(t)
	r := runCLI(t, "", "whoami")
	assert.Equal(t, exitAuth, r.code)
	assert.Empty(t, r.stdout)
	assert.Contains(t, r.stderr, "ERROR_NO_USER_LOGGED_IN")

	r = runCLI(t, "", "whoami", "-json")
	assert.Equal(t, exitAuth, r.code)
	assert.Equal(t, errorJSON{Code: "ERROR_NO_USER_LOGGED_IN", Message: "No user is currently logged in",
		Advice: advice(cometchatcalls.CodeNoUserLoggedIn)}, r.errJSON(t))
}

func TestWhoami_ValidateNoticesARevokedToken(t *testing.T) {
	w := newWorld(t)
	ok(t, "", "login", "-uid", "cometchat-uid-1")
	ok(t, "", "whoami", "-validate")
	require.NoError(t, w.srv.RevokeAllAuthTokens("cometchat-uid-1"))

	assert.Equal(t, exitOK, runCLI(t, "", "whoami").code, "without -validate nothing is asked")
	r := runCLI(t, "", "whoami", "-validate")
	assert.Equal(t, exitAuth, r.code)
	assert.Contains(t, r.stderr, "AUTH_ERR_AUTH_TOKEN_NOT_FOUND")
	assert.Equal(t, exitAuth, runCLI(t, "", "whoami").code, "the session has ended")
}

func TestLogout(t *testing.T) {
	w := newWorld(t)
	ok(t, "", "login", "-uid", "cometchat-uid-1")
	token := ok(t, "", "auth-token").stdout
	var u cometchatcalls.User
	ok(t, "", "logout", "-json").json(t, &u)
	assert.Equal(t, "cometchat-uid-1", u.UID)
	assert.Empty(t, w.srv.AuthTokens("cometchat-uid-1"), "the token %q is revoked", token[:4])
	assert.Equal(t, exitAuth, runCLI(t, "", "whoami").code)
	assert.Equal(t, exitAuth, runCLI(t, "", "logout").code)
	assert.Equal(t, exitAuth, runCLI(t, "", "auth-token").code)
}

func TestLogout_UnreachableServerStillEndsTheLocalSession(t *testing.T) {
	w := newWorld(t)
	ok(t, "", "login", "-uid", "cometchat-uid-1")
	w.srv.Close()
	r := runCLI(t, "", "logout", "-timeout", "5s")
	assert.Equal(t, exitFailure, r.code)
	assert.Contains(t, r.stderr, "ERROR_LOGOUT_FAIL")
	assert.Equal(t, exitAuth, runCLI(t, "", "whoami").code)
}

func TestAuthToken_JSON(t *testing.T) {
	w := newWorld(t)
	ok(t, "", "login", "-uid", "cometchat-uid-1")
	var got map[string]any
	ok(t, "", "auth-token", "-json").json(t, &got)
	assert.Equal(t, map[string]any{"uid": "cometchat-uid-1", "token": w.srv.AuthTokens("cometchat-uid-1")[0]}, got)
}

func TestCallToken(t *testing.T) {
	w := newWorld(t)
	r := runCLI(t, "", "call-token", "standup")
	assert.Equal(t, exitAuth, r.code, "nobody logged in: %s", r.stderr)
	assert.Contains(t, r.stderr, "ERROR_AUTH_TOKEN_MISSING")

	ok(t, "", "login", "-uid", "cometchat-uid-1")
	token := ok(t, "", "call-token", "standup").stdout
	uid, session, found := w.srv.CallTokenInfo(token[:len(token)-1])
	require.True(t, found)
	assert.Equal(t, "cometchat-uid-1", uid)
	assert.Equal(t, "standup", session)

	var ct map[string]string
	ok(t, "", "-json", "call-token", "standup").json(t, &ct)
	assert.Equal(t, "standup", ct["sessionId"])
	assert.NotEmpty(t, ct["token"])
	assert.Len(t, ct, 2)
}

func TestCallToken_WithAnAuthTokenFromStdin(t *testing.T) {
	w := newWorld(t)
	auth, err := w.srv.IssueAuthToken("cometchat-uid-5")
	require.NoError(t, err)
	token := ok(t, auth, "call-token", "-token-stdin", "room").stdout
	uid, _, found := w.srv.CallTokenInfo(token[:len(token)-1])
	require.True(t, found)
	assert.Equal(t, "cometchat-uid-5", uid)
	assert.Equal(t, exitAuth, runCLI(t, "", "whoami").code, "the session is not touched")
}

// TestLogout_UnreadableSessionFileStillEnds: logout moves a corrupt
// session file aside (the local session always ends) and says that no
// token was revoked.
func TestLogout_UnreadableSessionFileStillEnds(t *testing.T) {
	w := newWorld(t)
	ok(t, "", "login", "-uid", "cometchat-uid-1")
	require.NoError(t, os.WriteFile(w.sessionFile(), []byte("garbage{"), 0o600))
	r := runCLI(t, "", "logout")
	assert.Equal(t, exitFailure, r.code)
	assert.Contains(t, r.stderr, "ERROR_SESSION_STORE")
	assert.Contains(t, r.stderr, "moved aside; no token was revoked")
	aside, err := filepath.Glob(w.sessionFile() + ".corrupt-*")
	require.NoError(t, err)
	assert.Len(t, aside, 1)
	assert.Equal(t, exitAuth, runCLI(t, "", "whoami").code, "the session did not end")
}
