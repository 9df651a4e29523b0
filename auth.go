package cometchatcalls

import (
	"context"
	"crypto/subtle"
	"errors"
	"log/slog"
	"net/http"
	"net/url"
	"sync/atomic"
	"time"
)

// session is the current login: an immutable value behind Client.cur,
// replaced whole and never edited.
type session struct {
	user      *User // nil only in noSession
	token     secret
	createdAt time.Time
}

// noSession is the session of a Client whose store has been read and that
// has nobody logged in.
var noSession = &session{}

// Login logs the user uid in with the app's auth key: the auth key creates
// an auth token for uid on the admin host, then the token logs in on the
// client host. The returned *User is a copy.
//
// Input is checked before any request, in this order: a login already in
// flight (ERROR_LOGIN_IN_PROGRESS), an empty uid (ERROR_INVALID_UID),
// whitespace in the uid (ERROR_UID_WITH_SPACE), a uid over 100 characters or
// outside [A-Za-z0-9_-] (ERROR_INVALID_UID), an empty auth key
// (ERROR_API_KEY_NOT_FOUND).
//
// If uid is already logged in, Login returns that user without a request.
// If another user is, that user is logged out first (listeners hear
// OnLogoutSuccess).
//
// The auth key lets anyone log in as any user; ship it only in development
// builds and use LoginWithAuthToken in production.
func (c *Client) Login(ctx context.Context, uid, authKey string) (*User, error) {
	return c.runLogin(ctx, func() (*User, bool, *Error) { return c.loginWithKey(ctx, uid, authKey) })
}

// LoginWithAuthToken logs in with an auth token that your backend created
// (see AdminClient.CreateAuthToken): the production way to log in. A blank
// token is ERROR_BLANK_AUTHTOKEN, one with whitespace
// ERROR_AUTHTOKEN_WITH_SPACE; the same token as the current session returns
// its user without a request.
func (c *Client) LoginWithAuthToken(ctx context.Context, authToken string) (*User, error) {
	return c.runLogin(ctx, func() (*User, bool, *Error) { return c.loginWithToken(ctx, authToken) })
}

// runLogin is what both logins share: the in-progress gate, then listeners
// (which hear the outcome before the caller, with the gate already open so
// that they may log in again).
func (c *Client) runLogin(ctx context.Context, login func() (*User, bool, *Error)) (*User, error) {
	if e := c.usable(ctx); e != nil {
		return nil, e
	}
	if e := c.beginLogin(); e != nil {
		return nil, e
	}
	u, changed, e := login()
	c.endLogin()
	if e != nil {
		c.listeners.loginFailure(e)
		return nil, e
	}
	if changed {
		c.listeners.loginSuccess(u)
	}
	return u, nil
}

func (c *Client) beginLogin() *Error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.loggingIn {
		return newError(CodeLoginInProgress, "Login is already in progress")
	}
	c.loggingIn = true
	return nil
}

func (c *Client) endLogin() {
	c.mu.Lock()
	c.loggingIn = false
	c.mu.Unlock()
}

// loginWithKey reports the user, and whether the session changed.
func (c *Client) loginWithKey(ctx context.Context, uid, authKey string) (*User, bool, *Error) {
	if e := validateUID(uid); e != nil {
		return nil, false, e
	}
	if e := validateAuthKey(authKey); e != nil {
		return nil, false, e
	}
	cur := c.sessionForLogin(ctx)
	if cur.user != nil && cur.user.UID == uid {
		return cur.user.clone(), false, nil
	}
	c.endSessionBeforeSwitch(ctx, cur)

	var tok authTokenData
	err := do(ctx, c.t, &request{
		role:   roleAdmin,
		method: http.MethodPost,
		path:   "/users/" + url.PathEscape(uid) + "/auth_tokens",
		cred:   secret(authKey),
		body:   c.loginBody,
	}, &tok)
	if err != nil {
		return nil, false, err
	}
	if validateToken(tok.AuthToken) != nil {
		return nil, false, invalidResponse(http.StatusOK, "the server sent no usable auth token", nil)
	}
	return c.loginToken(ctx, secret(tok.AuthToken))
}

// authTokenData is the data of POST /users/{uid}/auth_tokens.
type authTokenData struct {
	UID       string `json:"uid"`
	AuthToken string `json:"authToken"`
	CreatedAt int64  `json:"createdAt"`
}

func (c *Client) loginWithToken(ctx context.Context, authToken string) (*User, bool, *Error) {
	if e := validateToken(authToken); e != nil {
		return nil, false, e
	}
	cur := c.sessionForLogin(ctx)
	if cur.user != nil && subtle.ConstantTimeCompare([]byte(cur.token.reveal()), []byte(authToken)) == 1 {
		return cur.user.clone(), false, nil
	}
	c.endSessionBeforeSwitch(ctx, cur)
	return c.loginToken(ctx, secret(authToken))
}

// loginToken logs in with token (PUT /me) and makes it the session.
func (c *Client) loginToken(ctx context.Context, token secret) (*User, bool, *Error) {
	u, e := c.me(ctx, http.MethodPut, token, c.loginBody)
	if e != nil {
		return nil, false, e
	}
	s := &session{user: u, token: token, createdAt: time.Now()}
	if e := c.commit(ctx, nil, s); e != nil {
		return nil, false, e
	}
	return u.clone(), true, nil
}

// me sends a request to {client}/me with token and decodes the user.
func (c *Client) me(ctx context.Context, method string, token secret, body []byte) (*User, *Error) {
	var u User
	e := do(ctx, c.t, &request{role: roleClient, method: method, path: "/me", cred: token, body: body}, &u)
	if e != nil {
		return nil, e
	}
	if u.UID == "" {
		return nil, invalidResponse(http.StatusOK, "the user in the answer has no uid", nil)
	}
	return &u, nil
}

// Logout ends the session: locally (memory and SessionStore) always, and on
// the server with DELETE /me. It returns nil when the server confirmed, or
// answered that the token was already gone; otherwise ERROR_LOGOUT_FAIL,
// whose Unwrap is the underlying *Error (so errors.Is(err, ErrNetwork) also
// holds). Even then the local session is gone, though the token may still
// be valid on the server.
//
// Nobody logged in is ERROR_NO_USER_LOGGED_IN; a login in flight is
// ERROR_LOGIN_IN_PROGRESS. Neither fires a listener.
func (c *Client) Logout(ctx context.Context) error {
	if e := c.usable(ctx); e != nil {
		return e
	}
	cur, storeErr, e := c.endSessionForLogout(ctx)
	if e != nil {
		return e
	}
	if e := c.revoke(ctx, cur); e != nil {
		fail := wrapError(CodeLogoutFail, "the server did not confirm the logout; the local session has ended", e)
		c.listeners.logoutFailure(fail)
		return fail
	}
	if storeErr != nil {
		c.listeners.logoutFailure(storeErr)
		return storeErr
	}
	c.listeners.logoutSuccess()
	return nil
}

// endSessionForLogout ends the local session under the gate. storeErr is a
// failure to delete the stored session (the in-memory one has ended).
func (c *Client) endSessionForLogout(ctx context.Context) (cur *session, storeErr, e *Error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.loggingIn {
		return nil, nil, newError(CodeLoginInProgress, "Login is already in progress")
	}
	cur, e = c.loadLocked(ctx)
	if e != nil {
		return nil, nil, e
	}
	if cur.user == nil {
		return nil, nil, newError(CodeNoUserLoggedIn, "No user is currently logged in")
	}
	return cur, c.clearLocked(ctx), nil
}

// revoke asks the server to end token's session. A token the server no
// longer knows counts as revoked.
func (c *Client) revoke(ctx context.Context, s *session) *Error {
	var ignored struct{}
	e := do(ctx, c.t, &request{role: roleClient, method: http.MethodDelete, path: "/me", cred: s.token}, &ignored)
	if e != nil && e.Code != CodeAuthTokenNotFound {
		return e
	}
	return nil
}

// endSessionBeforeSwitch logs cur out before another user logs in: the
// local session ends, the server is told on a best-effort basis (a failure
// is logged at warn level), and listeners hear OnLogoutSuccess.
func (c *Client) endSessionBeforeSwitch(ctx context.Context, cur *session) {
	if cur.user == nil {
		return
	}
	c.mu.Lock()
	storeErr := c.clearLocked(ctx)
	c.mu.Unlock()
	if storeErr != nil {
		c.logger.LogAttrs(ctx, slog.LevelWarn, "cometchatcalls: could not delete the stored session", slog.String("error", storeErr.Error()))
	}
	if e := c.revoke(ctx, cur); e != nil {
		c.logger.LogAttrs(ctx, slog.LevelWarn, "cometchatcalls: the previous user's logout was not confirmed",
			slog.String("uid", cur.user.UID), slog.String("code", e.Code))
	}
	c.listeners.logoutSuccess()
}

// GetLoggedInUser returns a copy of the logged-in user, or (nil, nil) when
// nobody is logged in. The first call may read the SessionStore (restoring
// a session saved by an earlier run); after that it does no I/O and takes
// no lock.
func (c *Client) GetLoggedInUser(ctx context.Context) (*User, error) {
	// Kept small enough for the compiler to inline: the copy is then
	// allocated in the caller's frame, so a caller that only reads its
	// fields allocates nothing (TestGetLoggedInUser_AllocatesOnlyTheCopy).
	return c.copyLoggedInUser(ctx, new(User))
}

// copyLoggedInUser deep-copies the logged-in user into dst and returns dst,
// or nil when nobody is logged in.
func (c *Client) copyLoggedInUser(ctx context.Context, dst *User) (*User, error) {
	s, e := c.current(ctx)
	if e != nil {
		return nil, e
	}
	if s.user == nil {
		return nil, nil
	}
	s.user.copyTo(dst)
	return dst, nil
}

// GetUserAuthToken returns the auth token of the logged-in user, or
// ERROR_NO_USER_LOGGED_IN. The token is a bearer credential: keep it out of
// logs.
func (c *Client) GetUserAuthToken(ctx context.Context) (string, error) {
	s, e := c.current(ctx)
	if e != nil {
		return "", e
	}
	if s.user == nil {
		return "", newError(CodeNoUserLoggedIn, "No user is currently logged in")
	}
	return s.token.reveal(), nil
}

// IsUserLoggedIn reports whether a user is logged in. Any error (a closed
// client, an unreadable store) counts as no.
func (c *Client) IsUserLoggedIn(ctx context.Context) bool {
	s, e := c.current(ctx)
	return e == nil && s.user != nil
}

// ValidateSession checks the stored session with the server (GET /me),
// refreshes the user in the session and the store, and returns a copy.
//
// If the server no longer knows the token (revoked, user deleted or
// deactivated: AUTH_ERR_AUTH_TOKEN_NOT_FOUND), the session ends as if
// logged out (listeners hear OnLogoutSuccess) and that error is returned.
// Nobody logged in is ERROR_NO_USER_LOGGED_IN.
func (c *Client) ValidateSession(ctx context.Context) (*User, error) {
	cur, e := c.current(ctx)
	if e != nil {
		return nil, e
	}
	if cur.user == nil {
		return nil, newError(CodeNoUserLoggedIn, "No user is currently logged in")
	}
	u, e := c.me(ctx, http.MethodGet, cur.token, nil)
	if e != nil {
		if e.Code == CodeAuthTokenNotFound {
			c.forceLogout(ctx, cur)
		}
		return nil, e
	}
	if e := c.commit(ctx, cur, &session{user: u, token: cur.token, createdAt: cur.createdAt}); e != nil {
		return nil, e
	}
	return u.clone(), nil
}

// forceLogout ends s, if it is still the current session, because the
// server no longer knows its token.
func (c *Client) forceLogout(ctx context.Context, s *session) {
	c.mu.Lock()
	if c.cur.Load() != s {
		c.mu.Unlock()
		return
	}
	storeErr := c.clearLocked(ctx)
	c.mu.Unlock()
	if storeErr != nil {
		c.logger.LogAttrs(ctx, slog.LevelWarn, "cometchatcalls: could not delete the revoked session", slog.String("error", storeErr.Error()))
	}
	c.logger.LogAttrs(ctx, slog.LevelInfo, "cometchatcalls: the server no longer knows the session's token; logged out", slog.String("uid", s.user.UID))
	c.listeners.logoutSuccess()
}

// usable checks what every call needs: a context and an open client.
func (c *Client) usable(ctx context.Context) *Error { return checkUsable(ctx, &c.closed) }

// checkUsable is usable for Client and AdminClient alike.
func checkUsable(ctx context.Context, closed *atomic.Bool) *Error {
	if ctx == nil {
		return newError(CodeInvalidArgument, "nil context")
	}
	if closed.Load() {
		return newError(CodeClientClosed, "the client is closed")
	}
	return nil
}

// current returns the current session, reading the store on first use.
func (c *Client) current(ctx context.Context) (*session, *Error) {
	if e := c.usable(ctx); e != nil {
		return nil, e
	}
	if s := c.cur.Load(); s != nil {
		return s, nil
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.loadLocked(ctx)
}

// sessionForLogin is current for a login: an unreadable store is logged and
// treated as empty, since the login's Save will move a corrupt file aside.
func (c *Client) sessionForLogin(ctx context.Context) *session {
	s, e := c.current(ctx)
	if e != nil {
		c.logger.LogAttrs(ctx, slog.LevelWarn, "cometchatcalls: ignoring an unreadable session store", slog.String("error", e.Error()))
		return noSession
	}
	return s
}

// loadLocked reads the store once; c.mu must be held.
func (c *Client) loadLocked(ctx context.Context) (*session, *Error) {
	if s := c.cur.Load(); s != nil {
		return s, nil
	}
	stored, err := c.store.Load(ctx, c.appID)
	if err != nil {
		return nil, storeError("loading the session", err)
	}
	s := noSession
	if stored != nil && stored.AppID == c.appID && stored.User.UID != "" && validateToken(stored.AuthToken) == nil {
		s = &session{user: stored.User.clone(), token: secret(stored.AuthToken), createdAt: stored.CreatedAt}
	}
	c.cur.Store(s)
	return s, nil
}

// commit makes s the session and saves it. With expect set, it does so only
// if expect is still current (a refresh must not undo a logout or a newer
// login). The store write outlives the caller's context: the server already
// holds the new session, so it must not be half-recorded.
func (c *Client) commit(ctx context.Context, expect, s *session) *Error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if expect != nil && c.cur.Load() != expect {
		return nil
	}
	err := c.store.Save(detach(ctx), &Session{
		AppID:     c.appID,
		User:      s.user.cloneValue(),
		AuthToken: s.token.reveal(),
		CreatedAt: s.createdAt,
	})
	if err != nil {
		return storeError("saving the session", err)
	}
	c.cur.Store(s)
	return nil
}

// detach is context.WithoutCancel without its allocation when ctx can
// never be cancelled anyway (context.Background, context.TODO).
func detach(ctx context.Context) context.Context {
	if ctx.Done() == nil {
		if _, ok := ctx.Deadline(); !ok {
			return ctx
		}
	}
	return context.WithoutCancel(ctx)
}

// clearLocked ends the local session; c.mu must be held. The in-memory
// session ends even if the store fails, whose error is returned.
func (c *Client) clearLocked(ctx context.Context) *Error {
	c.cur.Store(noSession)
	if err := c.store.Delete(detach(ctx), c.appID); err != nil {
		return storeError("deleting the session", err)
	}
	return nil
}

// storeError wraps a SessionStore failure as ERROR_SESSION_STORE, keeping a
// store's own *Error as it is.
func storeError(what string, err error) *Error {
	var e *Error
	if errors.As(err, &e) && e.Code == CodeSessionStore {
		return e
	}
	return wrapError(CodeSessionStore, what+": "+err.Error(), err)
}
