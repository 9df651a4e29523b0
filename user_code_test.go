package cometchatcalls

// Tests of user code that misbehaves inside a call: a SessionStore or a
// log handler that panics, and a store passed as a typed nil.

import (
	"context"
	"log/slog"
	"net/http"
	"testing"

	"github.com/jarcoal/httpmock"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// setupUnclosed is setup without the Close at cleanup, for the tests of a
// Close that could hang: they fail instead of hanging the run.
func setupUnclosed(t *testing.T, opts ...Option) (*Client, *httpmock.MockTransport) {
	t.Helper()
	mt := httpmock.NewMockTransport()
	base := []Option{WithHTTPClient(&http.Client{Transport: mt}), WithAdminHost(adminBase), WithClientHost(clientBase)}
	c, err := New(testAppID, "us", append(base, opts...)...)
	require.NoError(t, err)
	return c, mt
}

// panickyStore is a MemoryStore whose Save, SaveIfToken or DeleteIfToken
// panics while armed, as a store with a bug does.
type panickyStore struct {
	MemoryStore
	armed bool
}

func (s *panickyStore) Save(ctx context.Context, sess *Session) error {
	if s.armed {
		panic("store bug")
	}
	return s.MemoryStore.Save(ctx, sess)
}

func (s *panickyStore) SaveIfToken(ctx context.Context, sess *Session, token string) error {
	if s.armed {
		panic("store bug")
	}
	return s.MemoryStore.SaveIfToken(ctx, sess, token)
}

func (s *panickyStore) DeleteIfToken(ctx context.Context, appID, token string) error {
	if s.armed {
		panic("store bug")
	}
	return s.MemoryStore.DeleteIfToken(ctx, appID, token)
}

// mustPanic runs fn, which must panic (the panic is the user's own, and
// it reaches the caller: net/http recovers a handler's panic this way).
func mustPanic(t *testing.T, what string, fn func()) {
	t.Helper()
	defer func() {
		t.Helper()
		if recover() == nil {
			t.Errorf("%s: no panic", what)
		}
	}()
	fn()
}

// TestPanickingStore_LeavesTheClientUsable: a store that panics inside
// Login, ValidateSession or Logout must not leave the call counted in flight (Close would
// wait forever) nor the gate claimed (every later login and logout would
// be ERROR_LOGIN_IN_PROGRESS).
func TestPanickingStore_LeavesTheClientUsable(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	store := &panickyStore{}
	c, mt := setupUnclosed(t, WithSessionStore(store))
	mockLogin(mt, testUID, "A", testToken)
	mockLogout(mt)

	store.armed = true
	mustPanic(t, "Login", func() { _, _ = c.Login(ctx, testUID, testAuthKey) })
	store.armed = false
	_, err := c.Login(ctx, testUID, testAuthKey)
	require.NoError(t, err, "the gate was given back")

	mt.RegisterResponder(http.MethodGet, meURL, dataResponder(200, userJSON(testUID, "A")))
	store.armed = true
	mustPanic(t, "ValidateSession", func() { _, _ = c.ValidateSession(ctx) })
	store.armed = false
	_, err = c.Login(ctx, testUID, testAuthKey)
	require.NoError(t, err, "the gate was given back")

	store.armed = true
	mustPanic(t, "Logout", func() { _ = c.Logout(ctx) })
	store.armed = false
	_, err = c.Login(ctx, testUID, testAuthKey)
	require.NoError(t, err, "the gate was given back")

	within(t, "Close after a panicking store", func() { require.NoError(t, c.Close()) })
}

// panickyHandler is a slog handler with a bug.
type panickyHandler struct{ slog.Handler }

func (panickyHandler) Enabled(context.Context, slog.Level) bool  { return true }
func (panickyHandler) Handle(context.Context, slog.Record) error { panic("handler bug") }

// TestPanickingLogHandler_DoesNotWedgeClose: the transport logs inside the
// call; a handler that panics there must not leave the call in flight.
func TestPanickingLogHandler_DoesNotWedgeClose(t *testing.T) {
	t.Parallel()
	c, mt := setupUnclosed(t, WithLogger(slog.New(panickyHandler{})))
	mockLogin(mt, testUID, "A", testToken)
	mustPanic(t, "Login", func() { _, _ = c.Login(context.Background(), testUID, testAuthKey) })
	within(t, "Close after a panicking log handler", func() { require.NoError(t, c.Close()) })
}

// TestPanickingListener_LosesNoLaterEvent: a listener that panics on one
// event does not take the events after it with it: the next call on the
// Client delivers them, in order.
func TestPanickingListener_LosesNoLaterEvent(t *testing.T) {
	t.Parallel()
	c, mt := loggedIn(t)
	mt.RegisterResponder(http.MethodPost, adminBase+"/users/cometchat-uid-2/auth_tokens",
		dataResponder(200, map[string]any{"uid": "cometchat-uid-2", "authToken": testToken2}))
	mt.RegisterResponder(http.MethodPut, meURL, dataResponder(200, userJSON("cometchat-uid-2", "B")))
	mt.RegisterResponder(http.MethodDelete, meURL, dataResponder(200, map[string]any{"success": true}))
	var heard []string
	c.AddLoginListener("l", LoginListener{
		OnLogoutSuccess: func() { panic("listener bug") },
		OnLoginSuccess:  func(u *User) { heard = append(heard, "login "+u.UID) },
	})
	// Switching users queues OnLogoutSuccess, then OnLoginSuccess.
	mustPanic(t, "Login", func() { _, _ = c.Login(context.Background(), "cometchat-uid-2", testAuthKey) })
	assert.Empty(t, heard)

	_, err := c.GenerateCallToken(context.Background(), "") // any call delivers what is queued
	requireCode(t, err, CodeSessionIDMissing)
	assert.Equal(t, []string{"login cometchat-uid-2"}, heard)
}
