package main

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cometchat-go/cometchatcalls"
)

func TestUserCreate_FlagsBeforeOrAfterTheUID(t *testing.T) {
	w := newWorld(t)
	r := ok(t, "", "user", "create", "alice", "-name", "Alice Smith", "-avatar", "https://example.com/a.png")
	assert.Equal(t, "Created Alice Smith (alice)\n", r.stdout)
	var u cometchatcalls.User
	ok(t, "", "user", "create", "-name", "Bob", "bob", "-json").json(t, &u)
	assert.Equal(t, "bob", u.UID)
	assert.Equal(t, "Bob", u.Name)

	got, found := w.srv.User("alice")
	require.True(t, found)
	assert.Equal(t, "https://example.com/a.png", got.Avatar)

	r = runCLI(t, "", "user", "create", "alice", "-name", "Again")
	assert.Equal(t, exitFailure, r.code)
	assert.Contains(t, r.stderr, "ERR_UID_ALREADY_EXISTS")
	assert.Equal(t, exitUsage, runCLI(t, "", "user", "create", "carol").code, "-name is required")
	r = runCLI(t, "", "user", "create", "has space", "-name", "X")
	assert.Equal(t, exitFailure, r.code)
	assert.Contains(t, r.stderr, "ERROR_UID_WITH_SPACE")
}

func TestUserGet(t *testing.T) {
	w := newWorld(t)
	r := ok(t, "", "user", "get", "cometchat-uid-3")
	assert.Contains(t, r.stdout, "uid:")
	assert.Regexp(t, `(?m)^name:\s+Nancy Grace$`, r.stdout)
	assert.Regexp(t, `(?m)^created:\s+2021-01-01T00:00:00Z$`, r.stdout)
	var u cometchatcalls.User
	ok(t, "", "user", "get", "cometchat-uid-3", "-json").json(t, &u)
	assert.Equal(t, "Nancy Grace", u.Name)

	r = runCLI(t, "", "user", "get", "nobody")
	assert.Equal(t, exitFailure, r.code)
	assert.Contains(t, r.stderr, "ERR_UID_NOT_FOUND")

	// A name is server text: it cannot move the cursor or forge a line.
	err := w.srv.AddUser(cometchatcalls.User{UID: "mallory", Name: "M\x1b[2J\nfake: line"})
	require.NoError(t, err)
	r = ok(t, "", "user", "get", "mallory")
	assert.NotContains(t, r.stdout, "\x1b")
	assert.Contains(t, r.stdout, `M\u001b[2J\u000afake: line`)
}

func TestUserList_Pages(t *testing.T) {
	newWorld(t)
	r := ok(t, "", "user", "list")
	lines := strings.Split(strings.TrimSpace(r.stdout), "\n")
	require.Len(t, lines, 6)
	assert.Regexp(t, `^UID\s+NAME\s+STATUS$`, lines[0])
	assert.Regexp(t, `^cometchat-uid-1\s+Andrew Joseph\s+offline$`, lines[1])
	assert.Equal(t, "page 1 of 1 (5 users)\n", r.stderr)

	var users []cometchatcalls.User
	r = ok(t, "", "user", "list", "-page", "2", "-per-page", "2", "-json")
	r.json(t, &users)
	require.Len(t, users, 2)
	assert.Equal(t, "cometchat-uid-3", users[0].UID)
	assert.Equal(t, "page 2 of 3 (5 users)\n", r.stderr)

	assert.Equal(t, "[]\n", ok(t, "", "user", "list", "-page", "9", "-json").stdout)
	for _, args := range [][]string{{"-page", "0"}, {"-per-page", "1001"}, {"-per-page", "x"}, {"extra"}} {
		assert.Equal(t, exitUsage, runCLI(t, "", append([]string{"user", "list"}, args...)...).code, args)
	}
}

func TestUserList_AuthKeyIsNotEnough(t *testing.T) {
	w := newWorld(t)
	t.Setenv(envAPIKey, w.srv.AuthKey())
	r := runCLI(t, "", "user", "list", "-json")
	assert.Equal(t, exitAuth, r.code)
	e := r.errJSON(t)
	assert.Equal(t, "AUTH_ERR_NO_ACCESS", e.Code)
	assert.False(t, e.Retryable)
	assert.NotContains(t, r.stderr, w.srv.AuthKey())
	assert.Empty(t, r.stdout)
}

func TestUserDelete(t *testing.T) {
	w := newWorld(t)
	var got deletedJSON
	ok(t, "", "user", "delete", "cometchat-uid-4", "-json").json(t, &got)
	assert.Equal(t, deletedJSON{UID: "cometchat-uid-4", Deleted: true}, got)
	_, found := w.srv.User("cometchat-uid-4")
	assert.False(t, found)
	assert.Equal(t, exitFailure, runCLI(t, "", "user", "create", "cometchat-uid-4", "-name", "X").code, "the uid stays taken")

	assert.Equal(t, "Deleted cometchat-uid-4\n", ok(t, "", "user", "delete", "-permanent", "cometchat-uid-4").stdout)
	ok(t, "", "user", "create", "cometchat-uid-4", "-name", "X")
}
