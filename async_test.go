package cometchatcalls

import (
	"context"
	"net/http"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// callbackCounter checks the "exactly one callback, exactly once" rule.
type callbackCounter struct {
	success, failure atomic.Int32
	user             atomic.Pointer[User]
	err              atomic.Pointer[Error]
}

func (cc *callbackCounter) onUser(u *User)   { cc.success.Add(1); cc.user.Store(u) }
func (cc *callbackCounter) onMsg(string)     { cc.success.Add(1) }
func (cc *callbackCounter) onError(e *Error) { cc.failure.Add(1); cc.err.Store(e) }

func wait(t *testing.T, done <-chan struct{}) {
	t.Helper()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		t.Fatal("the channel was not closed")
	}
}

func TestLoginAsync_Success(t *testing.T) {
	t.Parallel()
	c, mt := setup(t)
	mockLogin(mt, testUID, "A", testToken)
	var cc callbackCounter
	wait(t, c.LoginAsync(context.Background(), testUID, testAuthKey, cc.onUser, cc.onError))
	assert.Equal(t, int32(1), cc.success.Load())
	assert.Zero(t, cc.failure.Load())
	assert.Equal(t, testUID, cc.user.Load().UID)
}

func TestLoginAsync_Error(t *testing.T) {
	t.Parallel()
	c, mt := setup(t)
	var cc callbackCounter
	wait(t, c.LoginAsync(context.Background(), "bad uid", testAuthKey, cc.onUser, cc.onError))
	assert.Zero(t, cc.success.Load())
	assert.Equal(t, int32(1), cc.failure.Load())
	assert.Equal(t, CodeUIDWithSpace, cc.err.Load().Code)
	assert.Zero(t, mt.GetTotalCallCount())
}

func TestLoginWithAuthTokenAsync(t *testing.T) {
	t.Parallel()
	c, mt := setup(t)
	mt.RegisterResponder(http.MethodPut, meURL, dataResponder(200, userJSON(testUID, "A")))
	var ok, bad callbackCounter
	wait(t, c.LoginWithAuthTokenAsync(context.Background(), testToken, ok.onUser, ok.onError))
	wait(t, c.LoginWithAuthTokenAsync(context.Background(), "", bad.onUser, bad.onError))
	assert.Equal(t, int32(1), ok.success.Load())
	assert.Zero(t, ok.failure.Load())
	assert.Zero(t, bad.success.Load())
	assert.Equal(t, CodeBlankAuthToken, bad.err.Load().Code)
}

func TestLogoutAsync(t *testing.T) {
	t.Parallel()
	c, mt := loggedIn(t)
	mockLogout(mt)
	var msg atomic.Value
	var cc callbackCounter
	wait(t, c.LogoutAsync(context.Background(), func(m string) { msg.Store(m); cc.onMsg(m) }, cc.onError))
	assert.Equal(t, "Logout successful", msg.Load())
	assert.Equal(t, int32(1), cc.success.Load())

	var again callbackCounter
	wait(t, c.LogoutAsync(context.Background(), again.onMsg, again.onError))
	assert.Equal(t, CodeNoUserLoggedIn, again.err.Load().Code)
	assert.Zero(t, again.success.Load())
}

func TestGetLoggedInUserAsync(t *testing.T) {
	t.Parallel()
	c, mt := setup(t)
	var none callbackCounter
	wait(t, c.GetLoggedInUserAsync(context.Background(), none.onUser, none.onError))
	assert.Equal(t, int32(1), none.success.Load(), "onSuccess(nil) when nobody is logged in")
	assert.Nil(t, none.user.Load())

	mockLogin(mt, testUID, "A", testToken)
	_, err := c.Login(context.Background(), testUID, testAuthKey)
	require.NoError(t, err)
	var some callbackCounter
	wait(t, c.GetLoggedInUserAsync(context.Background(), some.onUser, some.onError))
	assert.Equal(t, testUID, some.user.Load().UID)
}

func TestAsync_NilCallbacks(t *testing.T) {
	t.Parallel()
	c, mt := setup(t)
	mockLogin(mt, testUID, "A", testToken)
	mockLogout(mt)
	ctx := context.Background()
	wait(t, c.LoginAsync(ctx, testUID, testAuthKey, nil, nil))
	assert.True(t, c.IsUserLoggedIn(ctx), "the call runs even with nil callbacks")
	wait(t, c.LoginAsync(ctx, "", "", nil, nil))
	wait(t, c.GetLoggedInUserAsync(ctx, nil, nil))
	wait(t, c.LogoutAsync(ctx, nil, nil))
	wait(t, c.LoginWithAuthTokenAsync(ctx, "", nil, nil))
	assert.False(t, c.IsUserLoggedIn(ctx))
}

func TestAsync_ChannelClosedAfterCallbackReturns(t *testing.T) {
	t.Parallel()
	c, mt := setup(t)
	mockLogin(mt, testUID, "A", testToken)
	var returned atomic.Bool
	done := c.LoginAsync(context.Background(), testUID, testAuthKey, func(*User) {
		time.Sleep(10 * time.Millisecond)
		returned.Store(true)
	}, nil)
	wait(t, done)
	assert.True(t, returned.Load())
}

func TestClose_WaitsForAsyncCalls(t *testing.T) {
	t.Parallel()
	c, mt := setup(t)
	entered, release := make(chan struct{}, 1), make(chan struct{})
	mt.RegisterResponder(http.MethodPut, meURL, blockingResponder(entered, release, dataResponder(200, userJSON(testUID, "A"))))
	var cc callbackCounter
	done := c.LoginWithAuthTokenAsync(context.Background(), testToken, cc.onUser, cc.onError)
	<-entered
	closed := make(chan struct{})
	go func() { _ = c.Close(); close(closed) }()
	select {
	case <-closed:
		t.Fatal("Close returned while an async call was in flight")
	case <-time.After(20 * time.Millisecond):
	}
	close(release)
	wait(t, done)
	wait(t, closed)
	assert.Equal(t, int32(1), cc.success.Load())

	var late callbackCounter
	wait(t, c.LoginAsync(context.Background(), testUID, testAuthKey, late.onUser, late.onError))
	assert.Equal(t, CodeClientClosed, late.err.Load().Code)
}
