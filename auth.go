package cometchatcalls

import (
	"context"
	"crypto/subtle"
	"errors"
	"log/slog"
	"net/http"
	"net/url"
	"time"
)

// Login logs the user uid in with the app's auth key: the auth key creates
// an auth token for uid on the admin host, then the token logs in on the
// client host. The returned *User is a copy.
//
// Checked in this order, before any request: a closed client
// (ERROR_CLIENT_CLOSED), a context already done (ERROR_NETWORK, wrapping
// the context's error; nothing changes), a login or logout in flight
// (ERROR_LOGIN_IN_PROGRESS), an empty uid (ERROR_INVALID_UID), whitespace
// in the uid (ERROR_UID_WITH_SPACE), a uid over 100 characters or outside
// [A-Za-z0-9_-] (ERROR_INVALID_UID), an empty auth key
// (ERROR_API_KEY_NOT_FOUND). Then the server's codes as it sent them: a
// wrong auth key is AUTH_ERR_APIKEY_NOT_FOUND (ErrAPIKeyInvalid), an
// unknown or deactivated uid ERR_UID_NOT_FOUND, an unknown app
// AUTH_ERR_INVALID_APPID, a rate limit ERR_TOO_MANY_REQUESTS (RetryAfter
// set); then ERROR_NETWORK (no answer), ERROR_SERVER_UNAVAILABLE (a 5xx
// without a CometChat body, such as a proxy's error page),
// ERROR_INVALID_RESPONSE, and ERROR_SESSION_STORE when the session cannot
// be saved (the context bounds the store too). Error.Retryable says which
// of these may succeed later.
//
// If uid is already logged in, Login returns that user without a request.
// If another user is, the new login runs first; only when it succeeded is
// the previous user logged out (DELETE /me, best effort) and replaced, and
// listeners hear OnLogoutSuccess, then OnLoginSuccess. A failed login
// leaves the current session exactly as it was.
//
// The auth key lets anyone log in as any user; ship it only in development
// builds and use LoginWithAuthToken in production.
func (c *Client) Login(ctx context.Context, uid, authKey string) (*User, error) {
	cr := credentials{withKey: true, uid: uid, authKey: secret(authKey)}
	u, e := run(c, ctx, func() (*User, *Error) { return c.login(ctx, cr) })
	if e != nil {
		return nil, e
	}
	return u, nil
}

// LoginWithAuthToken logs in with an auth token that your backend created
// (see AdminClient.CreateAuthToken): the production way to log in.
//
// Checked as Login checks, before any request: ERROR_CLIENT_CLOSED,
// ERROR_NETWORK for a context already done, ERROR_LOGIN_IN_PROGRESS, then
// a blank token (ERROR_BLANK_AUTHTOKEN) and one with whitespace
// (ERROR_AUTHTOKEN_WITH_SPACE). Then the server's codes
// (AUTH_ERR_AUTH_TOKEN_NOT_FOUND, …), ERROR_NETWORK,
// ERROR_INVALID_RESPONSE and ERROR_SESSION_STORE.
//
// The same token as the current session returns its user without a
// request; another token replaces the session as Login does.
func (c *Client) LoginWithAuthToken(ctx context.Context, authToken string) (*User, error) {
	cr := credentials{token: secret(authToken)}
	u, e := run(c, ctx, func() (*User, *Error) { return c.login(ctx, cr) })
	if e != nil {
		return nil, e
	}
	return u, nil
}

// credentials is what a login logs in with: the app's auth key for a uid
// (Login), or an auth token (LoginWithAuthToken).
type credentials struct {
	withKey bool
	uid     string // withKey
	authKey secret // withKey
	token   secret // !withKey
}

// validate checks the credentials before any request.
func (cr credentials) validate() *Error {
	if !cr.withKey {
		return validateToken(cr.token.reveal())
	}
	if e := validateUID(cr.uid); e != nil {
		return e
	}
	return validateAuthKey(cr.authKey.reveal())
}

// loggedInAs reports whether cur is already the login cr asks for: the
// same user for a key, the same token for a token.
func (cr credentials) loggedInAs(cur *session) bool {
	switch {
	case cur.user == nil:
		return false
	case cr.withKey:
		return cur.user.UID == cr.uid
	}
	return subtle.ConstantTimeCompare([]byte(cur.token.reveal()), []byte(cr.token.reveal())) == 1
}

// login is both logins: under the gate, the new session is checked with
// the server and saved before the previous one is revoked, so a failure
// anywhere leaves the previous session as it was. The commit makes it
// current and queues the events in one step, in the order of the changes:
// OnLogoutSuccess of the previous user, then OnLoginSuccess.
func (c *Client) login(ctx context.Context, cr credentials) (*User, *Error) {
	if e := c.usable(ctx); e != nil {
		return nil, e
	}
	t, e := c.st.claim(opLogin)
	if e != nil {
		return nil, e // not an attempt: no listener
	}
	defer c.st.release(t)
	if e := cr.validate(); e != nil {
		return c.loginFailed(t, e)
	}
	cur := c.sessionForLogin(ctx)
	if cr.loggedInAs(cur) {
		return cur.user.clone(), nil
	}
	next, e := c.newSession(ctx, cur, cr)
	if e == nil {
		e = c.save(ctx, next)
	}
	if e != nil {
		return c.loginFailed(t, e)
	}
	if cur.user != nil {
		c.revokePrevious(ctx, cur, next, cr.authKey)
	}
	c.st.commit(t, next, event{kind: evLoginSuccess, user: next.user})
	return next.user.clone(), nil
}

// loginFailed ends the login t with e: listeners hear OnLoginFailure.
func (c *Client) loginFailed(t ticket, e *Error) (*User, *Error) {
	c.st.commit(t, nil, event{kind: evLoginFailure, err: e})
	return nil, e
}

// newSession checks cr with the server and returns the session it makes:
// an auth key first gets an auth token for the uid (POST auth_tokens on
// the admin host), then the token logs in (PUT /me). Every answer is
// scrubbed of the call's credentials, cur's token included.
func (c *Client) newSession(ctx context.Context, cur *session, cr credentials) (*session, *Error) {
	token := cr.token
	if cr.withKey {
		req := newRequest(roleAdmin, http.MethodPost, "/users/"+url.PathEscape(cr.uid)+"/auth_tokens", cr.authKey, c.loginBody, cur.token)
		tok, e := do[authTokenData](ctx, c.t, req)
		if e != nil {
			return nil, e
		}
		if validateToken(tok.AuthToken) != nil {
			return nil, invalidResponse(http.StatusOK, "the server sent no usable auth token", nil)
		}
		token = secret(tok.AuthToken)
	}
	u, e := c.me(ctx, http.MethodPut, token, c.loginBody, cr.authKey, cur.token)
	if e != nil {
		return nil, e
	}
	return &session{user: u, token: token, createdAt: time.Now()}, nil
}

// authTokenData is the data of POST /users/{uid}/auth_tokens.
type authTokenData struct {
	UID       string `json:"uid"`
	AuthToken string `json:"authToken"`
	CreatedAt int64  `json:"createdAt"`
}

// me sends a request to {client}/me with token and decodes the user; known
// are the call's other credentials.
func (c *Client) me(ctx context.Context, method string, token secret, body []byte, known ...secret) (*User, *Error) {
	u, e := do[User](ctx, c.t, newRequest(roleClient, method, "/me", token, body, known...))
	if e != nil {
		return nil, e
	}
	if u.UID == "" {
		return nil, invalidResponse(http.StatusOK, "the user in the answer has no uid", nil)
	}
	return u, nil
}

// revokePrevious logs prev out on the server once next replaced it in the
// store, on a best-effort basis: a failure is logged at warn level. The
// answer may quote any credential of the login (authKey, next's token).
func (c *Client) revokePrevious(ctx context.Context, prev, next *session, authKey secret) {
	if e := c.revoke(ctx, prev, authKey, next.token); e != nil {
		c.logger.LogAttrs(ctx, slog.LevelWarn, "cometchatcalls: the previous user's logout was not confirmed",
			slog.String("uid", prev.user.UID), slog.String("code", e.Code))
	}
}

// revoke asks the server to end s's token (DELETE /me). A token the server
// no longer knows counts as revoked.
func (c *Client) revoke(ctx context.Context, s *session, known ...secret) *Error {
	_, e := do[struct{}](ctx, c.t, newRequest(roleClient, http.MethodDelete, "/me", s.token, nil, known...))
	if e != nil && e.Code != CodeAuthTokenNotFound {
		return e
	}
	return nil
}

// Logout ends the session: locally (memory and SessionStore) always, and on
// the server with DELETE /me. It returns nil when the server confirmed, or
// answered that the token was already gone.
//
// Otherwise it returns ERROR_LOGOUT_FAIL, whose message names the cause and
// whose Unwrap is the underlying *Error (so errors.Is(err, ErrNetwork) also
// holds; when the store failed too, errors.Is finds both). Even then the
// local session is gone, though the token may still be valid on the
// server. A store failure alone is ERROR_SESSION_STORE. Listeners hear
// OnLogoutSuccess or OnLogoutFailure.
//
// Checked first, firing no listener: ERROR_CLIENT_CLOSED, ERROR_NETWORK
// for a context already done (nothing changes), ERROR_LOGIN_IN_PROGRESS
// while a login or logout is in flight, ERROR_NO_USER_LOGGED_IN.
func (c *Client) Logout(ctx context.Context) error {
	if _, e := run(c, ctx, func() (struct{}, *Error) { return struct{}{}, c.logout(ctx) }); e != nil {
		return e
	}
	return nil
}

// logout ends the session in memory at once, then deletes it from the
// store and revokes it; the gate stays claimed until the event is queued,
// so no login can slip its events in between.
func (c *Client) logout(ctx context.Context) *Error {
	if e := c.usable(ctx); e != nil {
		return e
	}
	t, e := c.st.claim(opLogout)
	if e != nil {
		return e
	}
	defer c.st.release(t)
	cur, e := c.current(ctx)
	if e != nil {
		return e
	}
	if cur.user == nil || !c.st.replace(cur, noSession) { // a forced logout may have ended it meanwhile
		return newError(CodeNoUserLoggedIn, "No user is currently logged in")
	}
	result := logoutResult(c.deleteStored(ctx, cur), c.revoke(ctx, cur))
	if result != nil {
		c.st.commit(t, nil, event{kind: evLogoutFailure, err: result})
	} else {
		c.st.commit(t, nil, event{kind: evLogoutSuccess})
	}
	return result
}

// logoutResult is Logout's error from its two parts, keeping both causes.
func logoutResult(storeErr, revokeErr *Error) *Error {
	switch {
	case revokeErr == nil && storeErr == nil:
		return nil
	case revokeErr == nil:
		return storeErr
	}
	msg := "the server did not confirm the logout (" + revokeErr.Code + ": " + revokeErr.Message + ")"
	var cause error = revokeErr
	if storeErr != nil {
		msg += ", and the stored session could not be deleted (" + storeErr.Message + ")"
		cause = errors.Join(revokeErr, storeErr)
	}
	return wrapError(CodeLogoutFail, msg+"; the local session has ended", cause)
}

// GetLoggedInUser returns a copy of the logged-in user, or (nil, nil) when
// nobody is logged in. The first call may read the SessionStore (restoring
// a session saved by an earlier run); after that it does no I/O, takes no
// lock and answers even when ctx is done. Errors: ERROR_CLIENT_CLOSED; on
// the first call ERROR_NETWORK for a context already done, and
// ERROR_SESSION_STORE.
func (c *Client) GetLoggedInUser(ctx context.Context) (*User, error) {
	s, e := c.loggedIn(ctx)
	if e != nil {
		return nil, e
	}
	if s.user == nil {
		return nil, nil
	}
	return s.user.clone(), nil
}

// GetUserAuthToken returns the auth token of the logged-in user, or
// ERROR_NO_USER_LOGGED_IN; other errors as GetLoggedInUser. The token is a
// bearer credential: keep it out of logs.
func (c *Client) GetUserAuthToken(ctx context.Context) (string, error) {
	s, e := c.loggedIn(ctx)
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
	s, e := c.loggedIn(ctx)
	return e == nil && s.user != nil
}

// loggedIn is the session for the calls that only read it: from memory,
// without a lock, once the store has been read; the first read is a call
// like any other (Close waits for it).
func (c *Client) loggedIn(ctx context.Context) (*session, *Error) {
	if e := checkCall(ctx, c.open()); e != nil {
		return nil, e
	}
	if s := c.st.session(); s != nil {
		return s, nil
	}
	return run(c, ctx, func() (*session, *Error) { return c.current(ctx) })
}

// ValidateSession checks the stored session with the server (GET /me),
// refreshes the user in the session and the store, and returns a copy. A
// store that implements ConditionalSaver is written only while it still
// holds this session's token: another client sharing it may have logged in
// or out since.
//
// If the server no longer knows the token (revoked, user deleted or
// deactivated: AUTH_ERR_AUTH_TOKEN_NOT_FOUND), the session ends as if
// logged out (listeners hear OnLogoutSuccess) and that error is returned.
// Other errors: ERROR_CLIENT_CLOSED, ERROR_NETWORK (also for a context
// already done, changing nothing), ERROR_NO_USER_LOGGED_IN,
// ERROR_INVALID_RESPONSE, ERROR_SESSION_STORE, the server's codes.
func (c *Client) ValidateSession(ctx context.Context) (*User, error) {
	u, e := run(c, ctx, func() (*User, *Error) { return c.validateSession(ctx) })
	if e != nil {
		return nil, e
	}
	return u, nil
}

func (c *Client) validateSession(ctx context.Context) (*User, *Error) {
	cur, e := c.userSession(ctx, CodeNoUserLoggedIn, "No user is currently logged in")
	if e != nil {
		return nil, e
	}
	u, e := c.me(ctx, http.MethodGet, cur.token, nil)
	if e != nil {
		if e.Code == CodeAuthTokenNotFound {
			c.forceLogout(ctx, cur)
		}
		return nil, e
	}
	if e := c.refresh(ctx, cur, &session{user: u, token: cur.token, createdAt: cur.createdAt}); e != nil {
		return nil, e
	}
	return u.clone(), nil
}
