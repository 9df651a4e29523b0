package cometchatcallstest_test

import (
	"context"
	"errors"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cometchat-go/cometchatcalls"
	"github.com/cometchat-go/cometchatcalls/cometchatcallstest"
)

func TestFailNextOn_OnlyThatRoute(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	srv.FailNextOn("PUT", "/me", 1, cometchatcallstest.Fault503())

	// Other routes, and /me with other methods, are answered as usual and
	// do not use the fault up.
	d := send(t, srv, "POST", "/admin/v3.0/users/cometchat-uid-1/auth_tokens", "{}", authKeyHdr(srv)...).data(t)
	token := d["authToken"].(string)
	send(t, srv, "GET", "/client/v3.0/me", "", clientHdr(srv, token)...).data(t)

	assert.Equal(t, 503, send(t, srv, "PUT", "/client/v3.0/me", "{}", clientHdr(srv, token)...).status)
	send(t, srv, "PUT", "/client/v3.0/me", "{}", clientHdr(srv, token)...).data(t) // n was 1
}

func TestFailNextOn_WildcardsAndAnyMethod(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	srv.FailNextOn("", "/users/{uid}/auth_tokens", 2, cometchatcallstest.FaultHTML502())

	assert.Equal(t, 200, send(t, srv, "GET", "/admin/v3.0/users/cometchat-uid-2", "", adminHdr(srv)...).status,
		"/users/{uid} is another route")
	assert.Equal(t, 502, send(t, srv, "POST", "/admin/v3.0/users/cometchat-uid-1/auth_tokens", "{}", authKeyHdr(srv)...).status)
	assert.Equal(t, 502, send(t, srv, "GET", "/admin/v3.0/users/cometchat-uid-3/auth_tokens", "", adminHdr(srv)...).status)
	assert.Equal(t, 200, send(t, srv, "GET", "/admin/v3.0/users/cometchat-uid-3/auth_tokens", "", adminHdr(srv)...).status)
}

func TestFailNextOn_QueuesWithFailNext(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	srv.FailNextOn("GET", "/me", 1, cometchatcallstest.Fault503())
	srv.FailNext(1, cometchatcallstest.FaultHTML502())

	// The route fault does not apply to /users, so the FailNext behind it
	// does; then the route fault waits for its route.
	assert.Equal(t, 502, send(t, srv, "GET", "/admin/v3.0/users/cometchat-uid-1", "", adminHdr(srv)...).status)
	assert.Equal(t, 200, send(t, srv, "GET", "/admin/v3.0/users/cometchat-uid-1", "", adminHdr(srv)...).status)
	assert.Equal(t, 503, send(t, srv, "GET", "/client/v3.0/me", "", "appId", srv.AppID()).status)
	assert.Equal(t, 401, send(t, srv, "GET", "/client/v3.0/me", "", "appId", srv.AppID()).status)

	srv.FailNextOn("GET", "/me", 1, cometchatcallstest.Fault503())
	srv.ClearFaults()
	assert.Equal(t, 401, send(t, srv, "GET", "/client/v3.0/me", "", "appId", srv.AppID()).status, "cleared")
	srv.FailNextOn("GET", "/me", 0, cometchatcallstest.Fault503())
	assert.Equal(t, 401, send(t, srv, "GET", "/client/v3.0/me", "", "appId", srv.AppID()).status, "n = 0")
}

func TestFailNextOn_InvalidPatternPanics(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	assert.Panics(t, func() { srv.FailNextOn("GET", "me", 1, cometchatcallstest.Fault503()) })
}

// A test can fail the second step of a login only: the token is issued,
// PUT /me meets a proxy error page, and the SDK reports it.
func TestFailNextOn_LoginSecondStep(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	c, err := cometchatcalls.New(srv.AppID(), srv.Region(),
		append(srv.ClientOptions(), cometchatcalls.WithRetries(0))...)
	require.NoError(t, err)
	defer c.Close()

	srv.FailNextOn("PUT", "/me", 1, cometchatcallstest.FaultHTML502())
	_, err = c.Login(context.Background(), "cometchat-uid-1", srv.AuthKey())
	var e *cometchatcalls.Error
	require.True(t, errors.As(err, &e), "%v", err)
	assert.Equal(t, 502, e.HTTPStatus)
	assert.Len(t, srv.AuthTokens("cometchat-uid-1"), 1, "the first step succeeded")

	user, err := c.Login(context.Background(), "cometchat-uid-1", srv.AuthKey())
	require.NoError(t, err)
	assert.Equal(t, "cometchat-uid-1", user.UID)
}

// The path is under one of the emulator's hosts: a request elsewhere whose
// path merely ends the same way is not that route.
func TestFailNextOn_OnlyUnderTheEmulatorsHosts(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	srv.FailNextOn("GET", "/me", 1, cometchatcallstest.Fault503())

	assert.Equal(t, 404, send(t, srv, "GET", "/other/v3.0/me", "", "appId", srv.AppID()).status)
	assert.Equal(t, 404, send(t, srv, "GET", "/client/v2.0/me", "", "appId", srv.AppID()).status)
	assert.Equal(t, 503, send(t, srv, "GET", "/client/v3.0/me", "", "appId", srv.AppID()).status, "the fault waited for its route")
}
