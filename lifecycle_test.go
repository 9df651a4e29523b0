package cometchatcalls

// Attack-style tests of the Client's lifecycle: Close, Logout and Init from
// callbacks and listeners, concurrent Close, cancelled contexts, hanging
// stores, a login racing a logout, two clients sharing one store.

import (
	"context"
	"errors"
	"net/http"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jarcoal/httpmock"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"
)

// within fails the test if fn does not return in time: a deadlock shows
// up as a failure, not as a hung test run.
func within(t *testing.T, what string, fn func()) {
	t.Helper()
	done := make(chan struct{})
	go func() { defer close(done); fn() }()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		t.Fatalf("%s: still blocked after 10s (deadlock)", what)
	}
}

// noLeak snapshots the goroutines running now; the returned func, called
// after Close, fails the test if any goroutine started since is left. The
// tests that use it do not run in parallel, so the goroutines it sees are
// their own.
func noLeak(t *testing.T) func() {
	t.Helper()
	before := goleak.IgnoreCurrent()
	return func() {
		t.Helper()
		goleak.VerifyNone(t, before)
	}
}

// blockingStore is a MemoryStore whose Save signals entered and then waits
// for release or for its context to end, as a slow store that honours its
// context does.
type blockingStore struct {
	MemoryStore
	entered chan struct{}
	release chan struct{}
	saved   atomic.Int32
}

func newBlockingStore() *blockingStore {
	return &blockingStore{entered: make(chan struct{}, 16), release: make(chan struct{})}
}

func (s *blockingStore) Save(ctx context.Context, sess *Session) error {
	return s.block(ctx, func() error { return s.MemoryStore.Save(ctx, sess) })
}

func (s *blockingStore) SaveIfToken(ctx context.Context, sess *Session, token string) error {
	return s.block(ctx, func() error { return s.MemoryStore.SaveIfToken(ctx, sess, token) })
}

func (s *blockingStore) block(ctx context.Context, save func() error) error {
	s.entered <- struct{}{}
	select {
	case <-s.release:
	case <-ctx.Done():
		return ctx.Err()
	}
	if err := save(); err != nil {
		return err
	}
	s.saved.Add(1)
	return nil
}

func TestClose_FromAsyncCallback(t *testing.T) {
	verifyNoLeak := noLeak(t)
	c, mt := setup(t)
	mockLogin(mt, testUID, "A", testToken)
	var closeErr atomic.Value
	within(t, "LoginAsync whose callback calls Close", func() {
		<-c.LoginAsync(context.Background(), testUID, testAuthKey, func(*User) { closeErr.Store(c.Close() == nil) }, nil)
	})
	assert.Equal(t, true, closeErr.Load())
	within(t, "GetLoggedInUserAsync on the closed client", func() {
		var cc callbackCounter
		<-c.GetLoggedInUserAsync(context.Background(), cc.onUser, func(e *Error) { cc.onError(e); _ = c.Close() })
		assert.Equal(t, CodeClientClosed, cc.err.Load().Code)
	})
	verifyNoLeak()
}

func TestClose_FromListenerDuringLoginAsync(t *testing.T) {
	verifyNoLeak := noLeak(t)
	c, mt := setup(t)
	mockLogin(mt, testUID, "A", testToken)
	c.AddLoginListener("closer", LoginListener{OnLoginSuccess: func(*User) { _ = c.Close() }})
	var cc callbackCounter
	within(t, "LoginAsync whose listener calls Close", func() {
		<-c.LoginAsync(context.Background(), testUID, testAuthKey, cc.onUser, cc.onError)
	})
	assert.Equal(t, int32(1), cc.success.Load(), "the login itself succeeded")
	_, err := c.GetLoggedInUser(context.Background())
	requireCode(t, err, CodeClientClosed)
	verifyNoLeak()
}

func TestClose_ConcurrentAndRepeated(t *testing.T) {
	verifyNoLeak := noLeak(t)
	c, mt := setup(t)
	mockLogin(mt, testUID, "A", testToken)
	var wg sync.WaitGroup
	for range 8 {
		wg.Add(2)
		go func() { defer wg.Done(); assert.NoError(t, c.Close()) }()
		go func() { defer wg.Done(); _, _ = c.Login(context.Background(), testUID, testAuthKey) }()
	}
	within(t, "concurrent Close", wg.Wait)
	require.NoError(t, c.Close())
	_, err := c.Login(context.Background(), testUID, testAuthKey)
	requireCode(t, err, CodeClientClosed)
	verifyNoLeak()
}

// TestClose_WaitsForASynchronousCallsStoreWrite: a synchronous Login in
// its store write is in flight; Close returns only after the write, so no
// store write happens after Close returned.
func TestClose_WaitsForASynchronousCallsStoreWrite(t *testing.T) {
	verifyNoLeak := noLeak(t)
	store := newBlockingStore()
	c, mt := setup(t, WithSessionStore(store))
	mockLogin(mt, testUID, "A", testToken)
	loginDone := make(chan error, 1)
	go func() { _, err := c.Login(context.Background(), testUID, testAuthKey); loginDone <- err }()
	<-store.entered
	go func() {
		time.Sleep(20 * time.Millisecond) // let Close start waiting
		close(store.release)
	}()
	within(t, "Close", func() { require.NoError(t, c.Close()) })
	assert.Equal(t, int32(1), store.saved.Load(), "the store write finished before Close returned")
	require.NoError(t, <-loginDone)
	verifyNoLeak()
}

// TestZeroAndNilClients: the zero value and a nil pointer fail every call
// with a typed error and never panic.
func TestZeroAndNilClients(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	for name, c := range map[string]*Client{"zero": {}, "nil": nil} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			require.NotPanics(t, func() {
				requireCodes(t, clientCalls(ctx, c), CodeClientClosed)
				assert.False(t, c.IsUserLoggedIn(ctx))
				var cc callbackCounter
				<-c.LoginAsync(ctx, testUID, testAuthKey, cc.onUser, cc.onError)
				assert.Equal(t, CodeClientClosed, cc.err.Load().Code)
				c.AddLoginListener("l", LoginListener{})
				c.RemoveLoginListener("l")
				_ = c.String()
				_ = c.LogValue()
				require.NoError(t, c.Close())
				require.NoError(t, c.Close())
			})
		})
	}
	for name, a := range map[string]*AdminClient{"zero admin": {}, "nil admin": nil} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			require.NotPanics(t, func() {
				_, err := a.CreateUser(ctx, NewUser{UID: testUID, Name: "A"})
				requireCode(t, err, CodeClientClosed)
				_, err = a.GetUser(ctx, testUID)
				requireCode(t, err, CodeClientClosed)
				requireCode(t, a.DeleteUser(ctx, testUID, nil), CodeClientClosed)
				_, err = a.CreateAuthToken(ctx, testUID, nil)
				requireCode(t, err, CodeClientClosed)
				_, err = a.ListAuthTokens(ctx, testUID)
				requireCode(t, err, CodeClientClosed)
				requireCode(t, a.RevokeAuthToken(ctx, testUID, testToken), CodeClientClosed)
				requireCode(t, a.FlushAuthTokens(ctx, testUID), CodeClientClosed)
				_ = a.String()
				_ = a.LogValue()
				require.NoError(t, a.Close())
			})
		})
	}
}

// TestLogin_HangingStoreFailsWhenTheContextEnds: the store gets the
// caller's context, so a store that hangs ends the login with
// ERROR_SESSION_STORE when the context does, and nothing changes.
func TestLogin_HangingStoreFailsWhenTheContextEnds(t *testing.T) {
	t.Parallel()
	store := newBlockingStore()
	t.Cleanup(func() { close(store.release) })
	c, mt := setup(t, WithSessionStore(store))
	mockLogin(mt, testUID, "A", testToken)
	ctx, cancel := context.WithCancel(context.Background())
	go func() { <-store.entered; cancel() }()
	var err error
	within(t, "Login over a hanging store", func() { _, err = c.Login(ctx, testUID, testAuthKey) })
	requireCode(t, err, CodeSessionStore)
	assert.ErrorIs(t, err, context.Canceled)
	assert.False(t, c.IsUserLoggedIn(context.Background()))
}

// TestLogout_DuringALoginsSlowStoreWriteIsInProgress: the gate is a flag,
// not a lock held across the store write: Logout answers at once.
func TestLogout_DuringALoginsSlowStoreWriteIsInProgress(t *testing.T) {
	t.Parallel()
	store := newBlockingStore()
	c, mt := setup(t, WithSessionStore(store))
	mockLogin(mt, testUID, "A", testToken)
	loginDone := make(chan error, 1)
	go func() { _, err := c.Login(context.Background(), testUID, testAuthKey); loginDone <- err }()
	<-store.entered
	var err error
	within(t, "Logout during a slow store write", func() { err = c.Logout(context.Background()) })
	close(store.release)
	requireCode(t, err, CodeLoginInProgress)
	require.NoError(t, <-loginDone)
	assert.True(t, c.IsUserLoggedIn(context.Background()))
}

// TestLogin_AsAnotherUserThatFailsKeepsTheSession: a typo in the uid never
// logs anybody out: no DELETE /me, no listener, the store unchanged.
func TestLogin_AsAnotherUserThatFailsKeepsTheSession(t *testing.T) {
	t.Parallel()
	store := NewMemoryStore()
	c, mt := loggedIn(t, WithSessionStore(store), WithRetries(0))
	mockLogout(mt)
	mt.RegisterResponder(http.MethodPost, adminBase+"/users/typo-uid/auth_tokens", errorResponder(404, CodeUIDNotFound, "no such user"))
	var heard []string
	c.AddLoginListener("l", LoginListener{
		OnLogoutSuccess: func() { heard = append(heard, "logout") },
		OnLoginFailure:  func(e *Error) { heard = append(heard, "failure "+e.Code) },
	})
	ctx := context.Background()
	_, err := c.Login(ctx, "typo-uid", testAuthKey)
	requireCode(t, err, CodeUIDNotFound)
	assert.Equal(t, []string{"failure " + CodeUIDNotFound}, heard)
	assert.Zero(t, calls(mt, http.MethodDelete, meURL), "the current session was not logged out")
	tok, err := c.GetUserAuthToken(ctx)
	require.NoError(t, err)
	assert.True(t, tok == testToken, "the current session is unchanged")
	s, err := store.Load(ctx, testAppID)
	require.NoError(t, err)
	require.NotNil(t, s)
	assert.True(t, s.AuthToken == testToken, "the stored session is unchanged")

	// The same with a refused token.
	mt.RegisterMatcherResponder(http.MethodPut, meURL, httpmock.HeaderIs("authToken", testToken2),
		errorResponder(401, CodeAuthTokenNotFound, "unknown token"))
	_, err = c.LoginWithAuthToken(ctx, testToken2)
	requireCode(t, err, CodeAuthTokenNotFound)
	assert.Zero(t, calls(mt, http.MethodDelete, meURL))
	assert.True(t, c.IsUserLoggedIn(ctx))
}

// TestLogin_AsAnotherUserChecksTheNewTokenFirst: POST and PUT for the new
// user come before the DELETE of the old token; listeners hear the logout,
// then the login.
func TestLogin_AsAnotherUserChecksTheNewTokenFirst(t *testing.T) {
	t.Parallel()
	c, mt := loggedIn(t)
	var rec recorder
	mt.RegisterResponder(http.MethodPost, adminBase+"/users/cometchat-uid-2/auth_tokens", rec.wrap(
		dataResponder(200, map[string]any{"uid": "cometchat-uid-2", "authToken": testToken2})))
	mt.RegisterMatcherResponder(http.MethodPut, meURL, httpmock.HeaderIs("authToken", testToken2),
		rec.wrap(dataResponder(200, userJSON("cometchat-uid-2", "B"))))
	mt.RegisterMatcherResponder(http.MethodDelete, meURL, httpmock.HeaderIs("authToken", testToken),
		rec.wrap(dataResponder(200, map[string]any{"success": true})))
	var heard []string
	c.AddLoginListener("l", LoginListener{
		OnLogoutSuccess: func() { heard = append(heard, "logout") },
		OnLoginSuccess:  func(u *User) { heard = append(heard, "login "+u.UID) },
	})
	_, err := c.Login(context.Background(), "cometchat-uid-2", testAuthKey)
	require.NoError(t, err)
	var order []string
	for _, r := range rec.all() {
		order = append(order, r.Method)
	}
	assert.Equal(t, []string{"POST", "PUT", "DELETE"}, order)
	assert.Equal(t, []string{"logout", "login cometchat-uid-2"}, heard)
}

// TestCancelledContext_ChangesNothing: no request, no store write, no
// session ended, no listener; ERROR_NETWORK wrapping the context's error.
func TestCancelledContext_ChangesNothing(t *testing.T) {
	t.Parallel()
	store := NewMemoryStore()
	c, mt := loggedIn(t, WithSessionStore(store))
	mockLogin(mt, "cometchat-uid-2", "B", testToken2)
	mockLogout(mt)
	fired := 0
	c.AddLoginListener("l", LoginListener{
		OnLoginSuccess: func(*User) { fired++ }, OnLoginFailure: func(*Error) { fired++ },
		OnLogoutSuccess: func() { fired++ }, OnLogoutFailure: func(*Error) { fired++ },
	})
	before := mt.GetTotalCallCount()
	ctx, cancel := context.WithCancel(context.Background())
	cancel()

	check := func(what string, err error) {
		t.Helper()
		requireCode(t, err, CodeNetwork)
		assert.ErrorIs(t, err, context.Canceled, what)
		var e *Error
		require.ErrorAs(t, err, &e)
		assert.False(t, e.Retryable(), "%s: the caller's own context is not retryable", what)
	}
	_, err := c.Login(ctx, "cometchat-uid-2", testAuthKey)
	check("Login", err)
	_, err = c.Login(ctx, "bad uid", testAuthKey)
	check("Login with bad input", err)
	_, err = c.LoginWithAuthToken(ctx, testToken2)
	check("LoginWithAuthToken", err)
	check("Logout", c.Logout(ctx))
	_, err = c.ValidateSession(ctx)
	check("ValidateSession", err)

	assert.Equal(t, before, mt.GetTotalCallCount(), "no request")
	assert.Zero(t, fired, "no listener")
	tok, err := c.GetUserAuthToken(ctx)
	require.NoError(t, err, "read from memory even with a done context")
	assert.True(t, tok == testToken, "the session is unchanged")
	u, err := c.GetLoggedInUser(ctx)
	require.NoError(t, err)
	assert.Equal(t, testUID, u.UID)
	s, err := store.Load(context.Background(), testAppID)
	require.NoError(t, err)
	require.NotNil(t, s)
	assert.True(t, s.AuthToken == testToken, "the stored session is unchanged")
}

func TestGetLoggedInUser_FirstReadWithACancelledContextIsNetwork(t *testing.T) {
	t.Parallel()
	c, _ := setup(t)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := c.GetLoggedInUser(ctx)
	requireCode(t, err, CodeNetwork)
	assert.ErrorIs(t, err, context.Canceled)
	u, err := c.GetLoggedInUser(context.Background())
	require.NoError(t, err, "the failed first read left nothing behind")
	assert.Nil(t, u)
}

// TestListeners_HearEventsInStateOrder: a Logout that runs while the
// login's listeners are still being called is heard after the login, so
// the last event each listener heard matches the state.
func TestListeners_HearEventsInStateOrder(t *testing.T) {
	t.Parallel()
	c, mt := setup(t)
	mockLogin(mt, testUID, "A", testToken)
	mockLogout(mt)
	logoutReturned := make(chan error, 1)
	var mu sync.Mutex
	var heard []string
	record := func(s string) { mu.Lock(); heard = append(heard, s); mu.Unlock() }
	c.AddLoginListener("first", LoginListener{OnLoginSuccess: func(*User) {
		// Another goroutine logs out while this listener runs.
		go func() { logoutReturned <- c.Logout(context.Background()) }()
		select {
		case err := <-logoutReturned:
			logoutReturned <- err
		case <-time.After(10 * time.Second):
		}
	}})
	c.AddLoginListener("second", LoginListener{
		OnLoginSuccess:  func(*User) { record("login") },
		OnLogoutSuccess: func() { record("logout") },
	})
	within(t, "Login", func() {
		_, err := c.Login(context.Background(), testUID, testAuthKey)
		require.NoError(t, err)
	})
	require.NoError(t, <-logoutReturned)
	mu.Lock()
	defer mu.Unlock()
	assert.Equal(t, []string{"login", "logout"}, heard)
	assert.False(t, c.IsUserLoggedIn(context.Background()), "the state is what the last event says")
}

// TestListeners_MayCallLogoutCloseAndListenerMethods: a listener that
// logs out, changes listeners and closes the client deadlocks nothing.
func TestListeners_MayCallLogoutCloseAndListenerMethods(t *testing.T) {
	verifyNoLeak := noLeak(t)
	c, mt := setup(t)
	mockLogin(mt, testUID, "A", testToken)
	mockLogout(mt)
	var heard []string
	c.AddLoginListener("l", LoginListener{
		OnLoginSuccess: func(*User) {
			heard = append(heard, "login")
			c.AddLoginListener("other", LoginListener{})
			assert.NoError(t, c.Logout(context.Background()))
			heard = append(heard, "logout returned")
		},
		OnLogoutSuccess: func() {
			heard = append(heard, "logout")
			c.RemoveLoginListener("other")
			assert.NoError(t, c.Close())
		},
	})
	within(t, "Login", func() {
		_, err := c.Login(context.Background(), testUID, testAuthKey)
		require.NoError(t, err)
	})
	assert.Equal(t, []string{"login", "logout returned", "logout"}, heard, "the logout is heard after the listener that caused it")
	verifyNoLeak()
}

// TestSharedStore_StaleLogoutKeepsTheNewerSession: two clients share one
// store; the one whose session was replaced must not delete the newer one.
func TestSharedStore_StaleLogoutKeepsTheNewerSession(t *testing.T) {
	t.Parallel()
	store := NewMemoryStore()
	ctx := context.Background()
	stale, mt1 := loggedIn(t, WithSessionStore(store))
	mockLogout(mt1)
	fresh, mt2 := setup(t, WithSessionStore(store))
	mt2.RegisterResponder(http.MethodPut, meURL, dataResponder(200, userJSON("cometchat-uid-2", "B")))
	_, err := fresh.LoginWithAuthToken(ctx, testToken2)
	require.NoError(t, err)

	require.NoError(t, stale.Logout(ctx))
	s, err := store.Load(ctx, testAppID)
	require.NoError(t, err)
	require.NotNil(t, s, "the stale Logout kept the newer session")
	assert.True(t, s.AuthToken == testToken2)

	// A forced logout of a stale session keeps it too.
	stale2, mt3 := setup(t, WithSessionStore(store))
	_, err = stale2.GetLoggedInUser(ctx) // loads testToken2's session
	require.NoError(t, err)
	mt2.RegisterMatcherResponder(http.MethodPut, meURL, httpmock.HeaderIs("authToken", testToken),
		dataResponder(200, userJSON(testUID, "A")))
	mockLogout(mt2)
	_, err = fresh.LoginWithAuthToken(ctx, testToken) // replaces testToken2 in the store
	require.NoError(t, err)
	mt3.RegisterResponder(http.MethodGet, meURL, errorResponder(401, CodeAuthTokenNotFound, "gone"))
	_, err = stale2.ValidateSession(ctx)
	requireCode(t, err, CodeAuthTokenNotFound)
	s, err = store.Load(ctx, testAppID)
	require.NoError(t, err)
	require.NotNil(t, s, "the forced logout kept the newer session")
	assert.True(t, s.AuthToken == testToken)
}

// TestSharedStore_StaleValidateKeepsTheNewerSession: two clients share one
// store; the stale one's ValidateSession (its token still good on the
// server) must neither overwrite the newer session nor bring a logged-out
// one back. Run for both stores that can compare and swap.
func TestSharedStore_StaleValidateKeepsTheNewerSession(t *testing.T) {
	t.Parallel()
	for name, newStore := range map[string]func() SessionStore{
		"MemoryStore": func() SessionStore { return NewMemoryStore() },
		"FileStore":   func() SessionStore { return NewFileStore(filepath.Join(t.TempDir(), "s.json")) },
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			store := newStore()
			ctx := context.Background()
			stale, mt1 := loggedIn(t, WithSessionStore(store))
			mt1.RegisterResponder(http.MethodGet, meURL, dataResponder(200, userJSON(testUID, "Renamed")))
			fresh, mt2 := setup(t, WithSessionStore(store))
			mt2.RegisterResponder(http.MethodPut, meURL, dataResponder(200, userJSON("cometchat-uid-2", "B")))
			mockLogout(mt2)
			_, err := fresh.LoginWithAuthToken(ctx, testToken2)
			require.NoError(t, err)

			u, err := stale.ValidateSession(ctx)
			require.NoError(t, err)
			assert.Equal(t, "Renamed", u.Name, "the stale client refreshes its own session")
			s, err := store.Load(ctx, testAppID)
			require.NoError(t, err)
			require.NotNil(t, s)
			assert.True(t, s.AuthToken == testToken2, "the stale refresh overwrote the newer session")
			assert.Equal(t, "cometchat-uid-2", s.User.UID)

			require.NoError(t, fresh.Logout(ctx))
			_, err = stale.ValidateSession(ctx)
			require.NoError(t, err)
			s, err = store.Load(ctx, testAppID)
			require.NoError(t, err)
			assert.Nil(t, s, "the stale refresh brought a logged-out session back")
		})
	}
}

// TestLogout_BothFailuresAreKept: the revocation and the store delete both
// fail; the message names the cause and errors.Is finds both.
func TestLogout_BothFailuresAreKept(t *testing.T) {
	t.Parallel()
	boom := errors.New("disk on fire")
	fs := &failingStore{}
	c, mt := loggedIn(t, WithSessionStore(fs), WithRetries(0))
	mt.RegisterResponder(http.MethodDelete, meURL, errorResponder(500, "ERR_INTERNAL", "boom"))
	fs.deleteErr = boom
	err := c.Logout(context.Background())
	e := requireCode(t, err, CodeLogoutFail)
	assert.ErrorIs(t, err, boom, "the store's error")
	assert.ErrorIs(t, err, ErrSessionStore)
	assert.ErrorIs(t, err, &Error{Code: "ERR_INTERNAL"}, "the server's error")
	assert.Contains(t, e.Message, "ERR_INTERNAL", "the message names the cause")
	assert.Contains(t, e.Message, "disk on fire")
	assert.False(t, c.IsUserLoggedIn(context.Background()))
}

// TestFacade_InitFromACallback: the old client's Close does not wait for
// the callback that called Init.
func TestFacade_InitFromACallback(t *testing.T) {
	verifyNoLeak := noLeak(t)
	resetFacade(t)
	t.Cleanup(func() { resetFacade(t) })
	opts, mt := facadeOptions()
	mockLogin(mt, testUID, "A", testToken)
	require.NoError(t, Init(testAppID, "us", opts...))
	first := Default()
	var initErr error
	within(t, "Init from an async callback", func() {
		<-LoginAsync(context.Background(), testUID, testAuthKey, func(*User) { initErr = Init(testAppID, "us", opts...) }, nil)
	})
	require.NoError(t, initErr)
	assert.NotSame(t, first, Default())

	AddLoginListener("reinit", LoginListener{OnLogoutSuccess: func() { initErr = Init(testAppID, "eu", opts...) }})
	mockLogout(mt)
	within(t, "Init from a listener", func() { require.NoError(t, Logout(context.Background())) })
	require.NoError(t, initErr)
	assert.Equal(t, "eu", Default().Region())
	resetFacade(t)
	verifyNoLeak()
}

// TestFacade_InitWithTheSameAppKeepsTheSession: the new client starts
// from the old one's store; another region starts afresh.
func TestFacade_InitWithTheSameAppKeepsTheSession(t *testing.T) {
	resetFacade(t)
	t.Cleanup(func() { resetFacade(t) })
	opts, mt := facadeOptions()
	mockLogin(mt, testUID, "A", testToken)
	ctx := context.Background()
	require.NoError(t, Init(testAppID, "us", opts...))
	_, err := Login(ctx, testUID, testAuthKey)
	require.NoError(t, err)

	require.NoError(t, Init(testAppID, "US", opts...))
	u, err := GetLoggedInUser(ctx)
	require.NoError(t, err)
	require.NotNil(t, u, "Init with the same app ID and region keeps the session")
	assert.Equal(t, testUID, u.UID)

	require.NoError(t, Init(testAppID, "us", append(opts, WithSessionStore(NewMemoryStore()))...))
	assert.False(t, IsUserLoggedIn(ctx), "a store option wins")
	require.NoError(t, Init(testAppID, "eu", opts...))
	assert.False(t, IsUserLoggedIn(ctx), "another region starts afresh")
}

// TestFacade_CallOnTheReplacedClientFailsTyped: a facade call that reached
// the old client after Init closed it gets ERROR_CLIENT_CLOSED.
func TestFacade_CallOnTheReplacedClientFinishesOrFailsTyped(t *testing.T) {
	resetFacade(t)
	t.Cleanup(func() { resetFacade(t) })
	opts, mt := facadeOptions()
	entered, release := make(chan struct{}, 1), make(chan struct{})
	mt.RegisterResponder(http.MethodPut, meURL, blockingResponder(entered, release, dataResponder(200, userJSON(testUID, "A"))))
	require.NoError(t, Init(testAppID, "us", opts...))
	old := Default()
	done := make(chan error, 1)
	go func() { _, err := LoginWithAuthToken(context.Background(), testToken); done <- err }()
	<-entered
	initDone := make(chan error, 1)
	go func() { initDone <- Init(testAppID, "us", opts...) }()
	time.Sleep(20 * time.Millisecond) // let Init begin closing the old client
	close(release)
	require.NoError(t, <-done, "the call that began on the old client finished there")
	require.NoError(t, <-initDone)
	_, err := old.GetLoggedInUser(context.Background())
	requireCode(t, err, CodeClientClosed)
	assert.True(t, IsUserLoggedIn(context.Background()), "the new client starts from the old one's store")
}

func facadeOptions() ([]Option, *httpmock.MockTransport) {
	mt := httpmock.NewMockTransport()
	return []Option{WithHTTPClient(&http.Client{Transport: mt}), WithAdminHost(adminBase), WithClientHost(clientBase)}, mt
}

// TestLogin_SecondStepErrorsScrubWhatTheCallKnows: a PUT /me that fails
// quoting the auth key and the token just received shows neither.
func TestLogin_SecondStepErrorsScrubWhatTheCallKnows(t *testing.T) {
	t.Parallel()
	c, mt := setup(t, WithRetries(0))
	mt.RegisterResponder(http.MethodPost, tokenURL, dataResponder(200, map[string]any{"uid": testUID, "authToken": testToken}))
	mt.RegisterResponder(http.MethodPut, meURL, quotingError(401, CodeAuthTokenNotFound, testAuthKey, testToken))
	_, err := c.Login(context.Background(), testUID, testAuthKey)
	e := requireCode(t, err, CodeAuthTokenNotFound)
	assertNoSecret(t, "error", e.Error())
	assertNoSecret(t, "details", strings.Join(flatten(e.Details), " "))
}

// flatten lists the strings in a decoded JSON value.
func flatten(v any) []string {
	switch v := v.(type) {
	case string:
		return []string{v}
	case map[string]any:
		var out []string
		for k, e := range v {
			out = append(append(out, k), flatten(e)...)
		}
		return out
	case []any:
		var out []string
		for _, e := range v {
			out = append(out, flatten(e)...)
		}
		return out
	}
	return nil
}

// TestLogin_DuringALogoutIsInProgress: one login or logout at a time; a
// login racing a logout is refused at once and fires nothing, so the
// logout's event cannot come after a login it did not see.
func TestLogin_DuringALogoutIsInProgress(t *testing.T) {
	t.Parallel()
	c, mt := loggedIn(t)
	entered, release := make(chan struct{}, 1), make(chan struct{})
	mt.RegisterResponder(http.MethodDelete, meURL, blockingResponder(entered, release,
		dataResponder(200, map[string]any{"success": true})))
	var mu sync.Mutex
	var heard []string
	c.AddLoginListener("l", LoginListener{
		OnLoginSuccess:  func(*User) { mu.Lock(); heard = append(heard, "login"); mu.Unlock() },
		OnLoginFailure:  func(*Error) { mu.Lock(); heard = append(heard, "failure"); mu.Unlock() },
		OnLogoutSuccess: func() { mu.Lock(); heard = append(heard, "logout"); mu.Unlock() },
	})
	ctx := context.Background()
	logoutDone := make(chan error, 1)
	go func() { logoutDone <- c.Logout(ctx) }()
	<-entered
	var err error
	within(t, "Login during a Logout", func() { _, err = c.Login(ctx, testUID, testAuthKey) })
	e := requireCode(t, err, CodeLoginInProgress)
	assert.Contains(t, e.Message, "Logout")
	close(release)
	require.NoError(t, <-logoutDone)
	_, err = c.Login(ctx, testUID, testAuthKey)
	require.NoError(t, err)
	mu.Lock()
	defer mu.Unlock()
	assert.Equal(t, []string{"logout", "login"}, heard)
}

// TestClose_CutsRetryWaitsShort: a call waiting out a server's Retry-After
// gives up when Close begins and returns the answer it has, so Close does
// not wait the server's 50 seconds.
func TestClose_CutsRetryWaitsShort(t *testing.T) {
	t.Parallel()
	c, mt := setupUnclosed(t, WithRetries(2))
	asked := make(chan struct{}, 3)
	mt.RegisterResponder(http.MethodPut, meURL, func(r *http.Request) (*http.Response, error) {
		asked <- struct{}{}
		return withRetryAfter("50", errorResponder(503, CodeTooManyRequests, "busy"))(r)
	})
	done := make(chan error, 1)
	go func() { _, err := c.LoginWithAuthToken(context.Background(), testToken); done <- err }()
	<-asked // the first answer is in: the call now waits 50 s to retry
	within(t, "Close during a retry wait", func() { require.NoError(t, c.Close()) })
	e := requireCode(t, <-done, CodeTooManyRequests)
	assert.Equal(t, 503, e.HTTPStatus)
	assert.Equal(t, 50*time.Second, e.RetryAfter)
	assert.Equal(t, 1, mt.GetTotalCallCount(), "no attempt after Close began")
}
