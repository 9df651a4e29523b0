package cometchatcallstest_test

import (
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cometchat-go/cometchatcalls/cometchatcallstest"
)

func TestPutMe_LogsIn(t *testing.T) {
	t.Parallel()
	clock, set := fixedClock(time.Unix(1700000000, 0))
	srv := newServer(t, cometchatcallstest.WithClock(clock))
	tok, err := srv.IssueAuthToken("cometchat-uid-1")
	require.NoError(t, err)
	set(time.Unix(1700000100, 0))

	d := send(t, srv, "PUT", "/client/v3.0/me", `{"platform":"web","deviceId":"dev"}`, clientHdr(srv, tok)...).data(t)
	assert.Equal(t, "cometchat-uid-1", d["uid"])
	assert.Equal(t, "Andrew Joseph", d["name"])
	assert.Equal(t, "https://assets.cometchat.io/sampleapp/v2/users/cometchat-uid-1.webp", d["avatar"])
	assert.Equal(t, "online", d["status"])
	assert.Equal(t, "default", d["role"])
	assert.Equal(t, 1700000100.0, d["lastActiveAt"])
	assert.Equal(t, 1609459200.0, d["createdAt"])
	assert.Equal(t, tok, d["authToken"])
	assert.IsType(t, "", d["jwt"])
	assert.NotEmpty(t, d["jwt"])
	assert.IsType(t, map[string]any{}, d["wsChannel"])
	assert.IsType(t, map[string]any{}, d["settings"])
	assert.IsType(t, "", d["fat"])

	u, ok := srv.User("cometchat-uid-1")
	require.True(t, ok)
	assert.Equal(t, "online", string(u.Status))
	assert.Equal(t, int64(1700000100), u.LastActiveAt)

	r := send(t, srv, "PUT", "/client/v3.0/me", "", clientHdr(srv, tok)...)
	assert.Equal(t, http.StatusOK, r.status, "a body-less PUT is fine")
}

func TestGetMe_ChangesNothing(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	tok, err := srv.IssueAuthToken("cometchat-uid-4")
	require.NoError(t, err)
	d := send(t, srv, "GET", "/client/v3.0/me", "", clientHdr(srv, tok)...).data(t)
	assert.Equal(t, "offline", d["status"])
	assert.NotContains(t, d, "lastActiveAt")
	again := send(t, srv, "GET", "/client/v3.0/me", "", clientHdr(srv, tok)...).data(t)
	assert.Equal(t, d, again, "the same answer, extras included")
}

func TestDeleteMe_RevokesThatToken(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	other, err := srv.IssueAuthToken("cometchat-uid-1")
	require.NoError(t, err)
	tok := login(t, srv, "cometchat-uid-1") // reuses "other" (newest, no force)
	require.Equal(t, other, tok)
	tok2, err := srv.IssueAuthToken("cometchat-uid-1")
	require.NoError(t, err)

	d := send(t, srv, "DELETE", "/client/v3.0/me", "", clientHdr(srv, tok2)...).data(t)
	assert.Equal(t, map[string]any{"success": true, "message": "Logged out successfully"}, d)
	r := send(t, srv, "DELETE", "/client/v3.0/me", "", clientHdr(srv, tok2)...)
	e := assertError(t, r, http.StatusUnauthorized, "AUTH_ERR_AUTH_TOKEN_NOT_FOUND")
	assert.Contains(t, e["message"], tok2)
	assert.Equal(t, []string{tok}, srv.AuthTokens("cometchat-uid-1"))
	u, _ := srv.User("cometchat-uid-1")
	assert.Equal(t, "offline", string(u.Status))
}

func TestMe_DeactivatedUserTokenIsUnknown(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	tok := login(t, srv, "cometchat-uid-5")
	require.NoError(t, srv.DeactivateUser("cometchat-uid-5"))
	for _, m := range []string{"GET", "PUT", "DELETE"} {
		assertError(t, send(t, srv, m, "/client/v3.0/me", "", clientHdr(srv, tok)...), http.StatusUnauthorized, "AUTH_ERR_AUTH_TOKEN_NOT_FOUND")
	}
}
