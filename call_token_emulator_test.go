package cometchatcalls_test

// Call tokens end to end: the SDK over real HTTP (and TLS) against the
// emulator's calls host.

import (
	"context"
	"errors"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cometchat-go/cometchatcalls"
	"github.com/cometchat-go/cometchatcalls/cometchatcallstest"
)

func TestEmulator_GenerateCallToken(t *testing.T) {
	t.Parallel()
	overHTTPAndTLS(t, func(t *testing.T, srv *cometchatcallstest.Server, c *cometchatcalls.Client) {
		ctx := context.Background()
		_, err := c.Login(ctx, "cometchat-uid-3", srv.AuthKey())
		require.NoError(t, err)
		srv.ResetRequests()

		ct, err := c.GenerateCallToken(ctx, "daily-standup")
		require.NoError(t, err)
		assert.Equal(t, "daily-standup", ct.SessionID)
		uid, session, ok := srv.CallTokenInfo(ct.Token)
		require.True(t, ok, "the emulator issued this token")
		assert.Equal(t, "cometchat-uid-3", uid)
		assert.Equal(t, "daily-standup", session)

		again, err := c.GenerateCallToken(ctx, "daily-standup")
		require.NoError(t, err)
		assert.NotEqual(t, ct.Token, again.Token, "a fresh token each time")

		reqs := srv.Requests()
		require.Len(t, reqs, 2)
		r := reqs[0]
		assert.Equal(t, "POST", r.Method)
		assert.Equal(t, "/call/v3.0/call_tokens", r.Path)
		assert.Equal(t, cometchatcallstest.RoleCall, r.Role)
		assert.Equal(t, cometchatcallstest.CredentialAuthToken, r.Credential)
		assert.Equal(t, srv.AppID(), r.Header.Get("appId"))
		assert.Equal(t, `{"sessionId":"daily-standup"}`, string(r.Body))
		assert.NotContains(t, ct.String(), ct.Token)
	})
}

func TestEmulator_GenerateCallToken_RevokedTokenEndsTheSession(t *testing.T) {
	t.Parallel()
	srv, c := newEmulated(t, nil)
	ctx := context.Background()
	_, err := c.Login(ctx, "cometchat-uid-1", srv.AuthKey())
	require.NoError(t, err)
	var logouts atomic.Int32
	c.AddLoginListener("l", cometchatcalls.LoginListener{OnLogoutSuccess: func() { logouts.Add(1) }})
	tok, err := c.GetUserAuthToken(ctx)
	require.NoError(t, err)
	require.NoError(t, srv.RevokeAuthToken(tok))

	ct, err := c.GenerateCallToken(ctx, "room")
	assert.Nil(t, ct)
	require.ErrorIs(t, err, cometchatcalls.ErrAuthTokenNotFound)
	assert.NotContains(t, err.Error(), tok, "the emulator quotes the token; the SDK redacts it")
	assert.Equal(t, int32(1), logouts.Load(), "OnLogoutSuccess, as ValidateSession does")
	assert.False(t, c.IsUserLoggedIn(ctx))
	_, err = c.GenerateCallToken(ctx, "room")
	assert.ErrorIs(t, err, cometchatcalls.ErrAuthTokenMissing)
}

func TestEmulator_GenerateCallTokenWithAuthToken(t *testing.T) {
	t.Parallel()
	srv, c := newEmulated(t, nil)
	ctx := context.Background()
	// A backend: the admin API issues the user's token, no login.
	admin := newAdmin(t, srv, srv.APIKey())
	at, err := admin.CreateAuthToken(ctx, "cometchat-uid-5", nil)
	require.NoError(t, err)

	ct, err := c.GenerateCallTokenWithAuthToken(ctx, "town-hall", at.Token)
	require.NoError(t, err)
	uid, session, ok := srv.CallTokenInfo(ct.Token)
	require.True(t, ok)
	assert.Equal(t, "cometchat-uid-5", uid)
	assert.Equal(t, "town-hall", session)
	assert.False(t, c.IsUserLoggedIn(ctx), "no session was made")

	// An unknown token is only returned: the logged-in session stays.
	_, err = c.Login(ctx, "cometchat-uid-1", srv.AuthKey())
	require.NoError(t, err)
	require.NoError(t, srv.RevokeAuthToken(at.Token))
	_, err = c.GenerateCallTokenWithAuthToken(ctx, "town-hall", at.Token)
	require.ErrorIs(t, err, cometchatcalls.ErrAuthTokenNotFound)
	assert.NotContains(t, err.Error(), at.Token)
	assert.True(t, c.IsUserLoggedIn(ctx))
}

func TestEmulator_GenerateCallToken_FaultsAndRetries(t *testing.T) {
	t.Parallel()
	srv, c := newEmulated(t, nil, cometchatcalls.WithRetries(1))
	ctx := context.Background()
	_, err := c.Login(ctx, "cometchat-uid-2", srv.AuthKey())
	require.NoError(t, err)

	srv.FailNext(1, cometchatcallstest.Fault503())
	ct, err := c.GenerateCallToken(ctx, "room")
	require.NoError(t, err, "a 503 is retried")
	_, _, ok := srv.CallTokenInfo(ct.Token)
	assert.True(t, ok)

	srv.FailNext(1, cometchatcallstest.FaultTruncatedJSON())
	_, err = c.GenerateCallToken(ctx, "room")
	assert.ErrorIs(t, err, cometchatcalls.ErrInvalidResponse)
	assert.True(t, c.IsUserLoggedIn(ctx), "a bad answer ends no session")
}

func TestEmulator_GenerateCallTokenAsync(t *testing.T) {
	t.Parallel()
	srv, c := newEmulated(t, nil)
	ctx := context.Background()
	_, err := c.Login(ctx, "cometchat-uid-4", srv.AuthKey())
	require.NoError(t, err)

	var successes, failures atomic.Int32
	var got atomic.Pointer[cometchatcalls.CallToken]
	<-c.GenerateCallTokenAsync(ctx, "room", func(ct *cometchatcalls.CallToken) {
		successes.Add(1)
		got.Store(ct)
	}, func(*cometchatcalls.Error) { failures.Add(1) })
	assert.Equal(t, int32(1), successes.Load())
	assert.Zero(t, failures.Load())
	uid, _, ok := srv.CallTokenInfo(got.Load().Token)
	assert.True(t, ok)
	assert.Equal(t, "cometchat-uid-4", uid)

	var gotErr atomic.Pointer[cometchatcalls.Error]
	<-c.GenerateCallTokenAsync(ctx, "", func(*cometchatcalls.CallToken) { successes.Add(1) },
		func(e *cometchatcalls.Error) { failures.Add(1); gotErr.Store(e) })
	assert.Equal(t, int32(1), successes.Load())
	assert.Equal(t, int32(1), failures.Load())
	assert.True(t, errors.Is(gotErr.Load(), cometchatcalls.ErrSessionIDMissing))
}

// Not parallel: the facade is package-level state.
func TestEmulator_FacadeGenerateCallToken(t *testing.T) {
	srv := emulator(t)
	require.NoError(t, cometchatcalls.Init(srv.AppID(), srv.Region(), srv.ClientOptions()...))
	t.Cleanup(func() { _ = cometchatcalls.Default().Close() })
	ctx := context.Background()
	_, err := cometchatcalls.Login(ctx, "cometchat-uid-1", srv.AuthKey())
	require.NoError(t, err)

	ct, err := cometchatcalls.GenerateCallToken(ctx, "room")
	require.NoError(t, err)
	uid, session, ok := srv.CallTokenInfo(ct.Token)
	require.True(t, ok)
	assert.Equal(t, "cometchat-uid-1", uid)
	assert.Equal(t, "room", session)

	var n atomic.Int32
	<-cometchatcalls.GenerateCallTokenAsync(ctx, "room-2", func(ct *cometchatcalls.CallToken) {
		n.Add(1)
		_, session, _ := srv.CallTokenInfo(ct.Token)
		assert.Equal(t, "room-2", session)
	}, func(*cometchatcalls.Error) { n.Add(10) })
	assert.Equal(t, int32(1), n.Load())
	require.NoError(t, cometchatcalls.Logout(ctx))
}
