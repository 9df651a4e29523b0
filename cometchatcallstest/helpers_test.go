package cometchatcallstest_test

import (
	"errors"
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cometchat-go/cometchatcalls"
)

func userNamed(uid string) cometchatcalls.User {
	return cometchatcalls.User{UID: uid, Name: "User " + uid}
}

func TestAddUser(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	in := cometchatcalls.User{
		UID: "dave", Name: "Dave", Status: cometchatcalls.StatusOnline, LastActiveAt: 42, CreatedAt: 7,
		Metadata: map[string]any{"k": map[string]any{"n": 1}}, Tags: []string{"t"},
	}
	require.NoError(t, srv.AddUser(in))
	in.Metadata["k"].(map[string]any)["n"] = 2
	in.Tags[0] = "changed"

	u, ok := srv.User("dave")
	require.True(t, ok)
	assert.Equal(t, cometchatcalls.User{
		UID: "dave", Name: "Dave", Status: cometchatcalls.StatusOnline, Role: "default", LastActiveAt: 42, CreatedAt: 7,
		Metadata: map[string]any{"k": map[string]any{"n": 1.0}}, Tags: []string{"t"},
	}, u)
	u.Metadata["k"] = "mutated"
	u.Tags[0] = "mutated"
	again, _ := srv.User("dave")
	assert.Equal(t, map[string]any{"n": 1.0}, again.Metadata["k"])
	assert.Equal(t, []string{"t"}, again.Tags)

	d := send(t, srv, "GET", "/admin/v3.0/users/dave", "", adminHdr(srv)...).data(t)
	assert.Equal(t, "online", d["status"])
}

func TestAddUser_Errors(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	err := srv.AddUser(userNamed("cometchat-uid-1"))
	assert.ErrorIs(t, err, cometchatcalls.ErrUIDAlreadyExists)

	for _, u := range []cometchatcalls.User{{UID: "", Name: "x"}, {UID: "a b", Name: "x"}, {UID: "ok"}, {UID: "ok", Name: "x", Metadata: map[string]any{"f": func() {}}}} {
		err := srv.AddUser(u)
		var e *cometchatcalls.Error
		require.True(t, errors.As(err, &e), "%v", err)
		assert.Equal(t, cometchatcalls.CodeBadRequest, e.Code)
		assert.Zero(t, e.HTTPStatus)
	}
}

func TestHelpers_UserLifecycle(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	require.NoError(t, srv.AddUser(userNamed("erin")))
	tok, err := srv.IssueAuthToken("erin")
	require.NoError(t, err)
	assert.Equal(t, []string{tok}, srv.AuthTokens("erin"))

	require.NoError(t, srv.DeactivateUser("erin"))
	_, ok := srv.User("erin")
	assert.False(t, ok)
	assert.Nil(t, srv.AuthTokens("erin"))
	assert.ErrorIs(t, srv.DeactivateUser("erin"), cometchatcalls.ErrUIDNotFound)
	_, err = srv.IssueAuthToken("erin")
	assert.ErrorIs(t, err, cometchatcalls.ErrUIDNotFound)
	assert.ErrorIs(t, srv.AddUser(userNamed("erin")), cometchatcalls.ErrUIDAlreadyExists)

	require.NoError(t, srv.DeleteUser("erin"))
	assert.ErrorIs(t, srv.DeleteUser("erin"), cometchatcalls.ErrUIDNotFound)
	require.NoError(t, srv.AddUser(userNamed("erin")))
}

func TestHelpers_Revoke(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	a, err := srv.IssueAuthToken("cometchat-uid-1")
	require.NoError(t, err)
	b, err := srv.IssueAuthToken("cometchat-uid-1")
	require.NoError(t, err)
	assert.NotEqual(t, a, b)

	require.NoError(t, srv.RevokeAuthToken(a))
	assert.ErrorIs(t, srv.RevokeAuthToken(a), cometchatcalls.ErrAuthTokenNotFound)
	assertError(t, send(t, srv, "GET", "/client/v3.0/me", "", clientHdr(srv, a)...), http.StatusUnauthorized, "AUTH_ERR_AUTH_TOKEN_NOT_FOUND")
	assert.Equal(t, []string{b}, srv.AuthTokens("cometchat-uid-1"))

	require.NoError(t, srv.RevokeAllAuthTokens("cometchat-uid-1"))
	assert.Empty(t, srv.AuthTokens("cometchat-uid-1"))
	assert.ErrorIs(t, srv.RevokeAllAuthTokens("nobody"), cometchatcalls.ErrUIDNotFound)
	assert.Nil(t, srv.AuthTokens("nobody"))

	assert.Len(t, srv.Requests(), 1, "only the GET /me: helpers send no request")
}
