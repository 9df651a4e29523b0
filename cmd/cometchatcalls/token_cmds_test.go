package main

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestTokenCreate(t *testing.T) {
	w := newWorld(t)
	first := strings.TrimSpace(ok(t, "", "token", "create", "cometchat-uid-1").stdout)
	assert.Equal(t, []string{first}, w.srv.AuthTokens("cometchat-uid-1"))
	assert.Equal(t, first+"\n", ok(t, "", "token", "create", "cometchat-uid-1").stdout, "without -force the token is reused")

	var tok tokenJSON
	ok(t, "", "token", "create", "cometchat-uid-1", "-force", "-json").json(t, &tok)
	assert.Equal(t, "cometchat-uid-1", tok.UID)
	assert.NotEqual(t, first, tok.Token)
	assert.NotZero(t, tok.CreatedAt)
	assert.Len(t, w.srv.AuthTokens("cometchat-uid-1"), 2)

	r := runCLI(t, "", "token", "create", "nobody")
	assert.Equal(t, exitFailure, r.code)
	assert.Contains(t, r.stderr, "ERR_UID_NOT_FOUND")
	assert.Contains(t, r.stderr, "user create")
}

func TestTokenCreate_KeyFromStdinOrEnvironment(t *testing.T) {
	w := newWorld(t)
	ok(t, w.srv.APIKey(), "token", "create", "cometchat-uid-2", "-api-key-stdin")

	t.Setenv(envAPIKey, "rest-key-wrong-0123456789")
	r := runCLI(t, "", "token", "create", "cometchat-uid-2")
	assert.Equal(t, exitAuth, r.code)
	assert.Contains(t, r.stderr, "AUTH_ERR_APIKEY_NOT_FOUND")
	assert.NotContains(t, r.stderr, "rest-key-wrong-0123456789")
}

func TestTokenList_MasksUnlessShowTokens(t *testing.T) {
	w := newWorld(t)
	for range 2 {
		_, err := w.srv.IssueAuthToken("cometchat-uid-1")
		require.NoError(t, err)
	}
	tokens := w.srv.AuthTokens("cometchat-uid-1")

	r := ok(t, "", "token", "list", "cometchat-uid-1")
	lines := strings.Split(strings.TrimSpace(r.stdout), "\n")
	require.Len(t, lines, 3)
	assert.Regexp(t, `^TOKEN\s+CREATED$`, lines[0])
	for i, tok := range tokens {
		assert.NotContains(t, r.stdout, tok)
		assert.True(t, strings.HasPrefix(lines[i+1], "****"+tok[len(tok)-4:]), lines[i+1])
	}

	var list []tokenJSON
	ok(t, "", "token", "list", "-json", "cometchat-uid-1").json(t, &list)
	require.Len(t, list, 2)
	assert.Equal(t, "****"+tokens[0][len(tokens[0])-4:], list[0].Token)
	assert.Equal(t, "cometchat-uid-1", list[0].UID)
	assert.NotZero(t, list[0].CreatedAt)

	ok(t, "", "token", "list", "-json", "-show-tokens", "cometchat-uid-1").json(t, &list)
	assert.Equal(t, tokens, []string{list[0].Token, list[1].Token})

	ok(t, "", "token", "list", "-json", "cometchat-uid-2").json(t, &list)
	assert.Empty(t, list)
	assert.Equal(t, "[]\n", ok(t, "", "token", "list", "-json", "cometchat-uid-2").stdout, "an empty list is [], not null")
	r = ok(t, "", "token", "list", "cometchat-uid-2")
	assert.Empty(t, r.stdout)
	assert.Contains(t, r.stderr, "no auth tokens")
}

func TestMask(t *testing.T) {
	assert.Equal(t, "****", mask(""))
	assert.Equal(t, "****", mask("short-token1"))
	assert.Equal(t, "****cdef", mask("0123456789abcdef"))
}

func TestTokenRevoke(t *testing.T) {
	newWorld(t)
	ok(t, "", "login", "-uid", "cometchat-uid-1")
	token := ok(t, "", "auth-token").stdout

	var got revokedJSON
	ok(t, token, "token", "revoke", "cometchat-uid-1", "-json").json(t, &got)
	assert.Equal(t, revokedJSON{UID: "cometchat-uid-1", Revoked: "token"}, got)
	assert.Equal(t, exitAuth, runCLI(t, "", "whoami", "-validate").code)

	r := runCLI(t, token, "token", "revoke", "cometchat-uid-1")
	assert.Equal(t, exitFailure, r.code)
	assert.Contains(t, r.stderr, "ERR_AUTH_TOKEN_NOT_FOUND")
	assert.NotContains(t, r.stderr, strings.TrimSpace(token))

	r = runCLI(t, "", "token", "revoke", "cometchat-uid-1")
	assert.Equal(t, exitFailure, r.code, "no token on stdin")
	assert.Contains(t, r.stderr, "ERROR_BLANK_AUTHTOKEN")
	assert.Equal(t, exitUsage, runCLI(t, "", "token", "revoke", "cometchat-uid-1", "-api-key-stdin").code)
}

func TestTokenRevoke_All(t *testing.T) {
	w := newWorld(t)
	for range 3 {
		_, err := w.srv.IssueAuthToken("cometchat-uid-3")
		require.NoError(t, err)
	}
	r := ok(t, "", "token", "revoke", "-all", "cometchat-uid-3")
	assert.Equal(t, "Revoked every auth token of cometchat-uid-3\n", r.stdout)
	assert.Empty(t, w.srv.AuthTokens("cometchat-uid-3"))

	var got revokedJSON
	ok(t, w.srv.APIKey(), "token", "revoke", "cometchat-uid-3", "-all", "-api-key-stdin", "-json").json(t, &got)
	assert.Equal(t, revokedJSON{UID: "cometchat-uid-3", Revoked: "all"}, got)
}

func TestTokenGroup_Usage(t *testing.T) {
	newWorld(t)
	r := runCLI(t, "", "token")
	assert.Equal(t, exitUsage, r.code)
	assert.Contains(t, r.stderr, "missing subcommand: create, list, revoke")
	r = runCLI(t, "", "token", "frob")
	assert.Equal(t, exitUsage, r.code)
	assert.Contains(t, r.stderr, `unknown subcommand "frob"`)
	r = ok(t, "", "token", "-h")
	assert.Contains(t, r.stdout, "cometchatcalls token revoke UID")
	assert.Equal(t, exitUsage, runCLI(t, "", "token", "create").code)
	assert.Equal(t, exitUsage, runCLI(t, "", "token", "create", "a", "b").code)
}
