package cometchatcalls

import (
	"context"
	"net/http"
	"testing"

	"github.com/jarcoal/httpmock"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The facade shares package-level state, so these tests do not run in
// parallel with each other; resetFacade restores a clean slate.
func resetFacade(t *testing.T) {
	t.Helper()
	initMu.Lock()
	old := defaultClient.Swap(nil)
	pendingListeners = listeners{}
	initMu.Unlock()
	if old != nil {
		_ = old.Close()
	}
}

func TestFacade_BeforeInit(t *testing.T) {
	resetFacade(t)
	t.Cleanup(func() { resetFacade(t) })
	ctx := context.Background()
	assert.False(t, IsInitialized())
	assert.Nil(t, Default())

	_, err := Login(ctx, "", "") // whatever the arguments
	requireCode(t, err, CodeSDKNotInitialized)
	assert.ErrorIs(t, err, ErrSDKNotInitialized)
	_, err = LoginWithAuthToken(ctx, testToken)
	requireCode(t, err, CodeSDKNotInitialized)
	requireCode(t, Logout(ctx), CodeSDKNotInitialized)
	_, err = GetLoggedInUser(ctx)
	requireCode(t, err, CodeSDKNotInitialized)
	_, err = GetUserAuthToken(ctx)
	requireCode(t, err, CodeSDKNotInitialized)
	assert.False(t, IsUserLoggedIn(ctx))

	for name, start := range map[string]func(*callbackCounter) <-chan struct{}{
		"LoginAsync": func(cc *callbackCounter) <-chan struct{} {
			return LoginAsync(ctx, testUID, testAuthKey, cc.onUser, cc.onError)
		},
		"LoginWithAuthTokenAsync": func(cc *callbackCounter) <-chan struct{} {
			return LoginWithAuthTokenAsync(ctx, testToken, cc.onUser, cc.onError)
		},
		"LogoutAsync": func(cc *callbackCounter) <-chan struct{} { return LogoutAsync(ctx, cc.onMsg, cc.onError) },
		"GetLoggedInUserAsync": func(cc *callbackCounter) <-chan struct{} {
			return GetLoggedInUserAsync(ctx, cc.onUser, cc.onError)
		},
	} {
		var cc callbackCounter
		wait(t, start(&cc))
		assert.Zero(t, cc.success.Load(), name)
		require.Equal(t, int32(1), cc.failure.Load(), name)
		assert.Equal(t, CodeSDKNotInitialized, cc.err.Load().Code, name)
	}
}

func TestFacade_AfterInit(t *testing.T) {
	resetFacade(t)
	t.Cleanup(func() { resetFacade(t) })
	mt := httpmock.NewMockTransport()
	mockLogin(mt, testUID, "A", testToken)
	mockLogout(mt)
	opts := []Option{WithHTTPClient(&http.Client{Transport: mt}), WithAdminHost(adminBase), WithClientHost(clientBase)}

	var events []string
	AddLoginListener("early", LoginListener{OnLoginSuccess: func(u *User) { events = append(events, "login "+u.UID) }})
	AddLoginListener("removed", LoginListener{OnLoginSuccess: func(*User) { events = append(events, "removed") }})
	RemoveLoginListener("removed")

	require.Error(t, Init("", "us"), "a failed Init")
	assert.False(t, IsInitialized())
	require.NoError(t, Init(testAppID, "US", opts...))
	require.True(t, IsInitialized())
	first := Default()
	require.NotNil(t, first)
	assert.Equal(t, "us", first.Region())

	ctx := context.Background()
	u, err := Login(ctx, testUID, testAuthKey)
	require.NoError(t, err)
	assert.Equal(t, testUID, u.UID)
	assert.Equal(t, []string{"login " + testUID}, events, "listeners added before Init are kept")
	assert.True(t, IsUserLoggedIn(ctx))
	got, err := GetLoggedInUser(ctx)
	require.NoError(t, err)
	assert.Equal(t, testUID, got.UID)
	tok, err := GetUserAuthToken(ctx)
	require.NoError(t, err)
	assert.True(t, tok == testToken)

	var cc callbackCounter
	wait(t, GetLoggedInUserAsync(ctx, cc.onUser, cc.onError))
	assert.Equal(t, testUID, cc.user.Load().UID)
	wait(t, LogoutAsync(ctx, cc.onMsg, cc.onError))
	assert.False(t, IsUserLoggedIn(ctx))
	var lw callbackCounter
	wait(t, LoginWithAuthTokenAsync(ctx, "", lw.onUser, lw.onError))
	assert.Equal(t, CodeBlankAuthToken, lw.err.Load().Code)
	var la callbackCounter
	wait(t, LoginAsync(ctx, testUID, testAuthKey, la.onUser, la.onError))
	assert.Equal(t, int32(1), la.success.Load())
	require.NoError(t, Logout(ctx))
	_, err = LoginWithAuthToken(ctx, " ")
	requireCode(t, err, CodeBlankAuthToken)

	require.Error(t, Init(testAppID, "mars", opts...))
	assert.Same(t, first, Default(), "a failed Init keeps the current client")

	require.NoError(t, Init(testAppID, "eu", opts...))
	assert.NotSame(t, first, Default())
	_, err = first.GetLoggedInUser(ctx)
	requireCode(t, err, CodeClientClosed) // the old one was closed
	_, err = Login(ctx, testUID, testAuthKey)
	require.NoError(t, err)
	assert.Equal(t, []string{"login " + testUID, "login " + testUID, "login " + testUID}, events,
		"listeners carry over to the new default client")
}
