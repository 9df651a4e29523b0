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
	u, e := run(c, ctx, func() (*User, *Error) {
		valid := func() *Error {
			if e := validateUID(uid); e != nil {
				return e
			}
			return validateAuthKey(authKey)
		}
		try := func(cur *session) (*User, *session, *Error) { return c.loginWithKey(ctx, cur, uid, authKey) }
		return c.login(ctx, valid, try, secret(authKey))
	})
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
	u, e := run(c, ctx, func() (*User, *Error) {
		valid := func() *Error { return validateToken(authToken) }
		return c.login(ctx, valid, func(cur *session) (*User, *session, *Error) { return c.loginWithToken(ctx, cur, authToken) })
	})
	if e != nil {
		return nil, e
	}
	return u, nil
}

// attempt is one login's own part, after its input was checked: given the
// current session, it returns either that session's user (the same login:
// nothing to do) or the new session, checked with the server.
type attempt func(cur *session) (same *User, next *session, e *Error)

// login is what both logins share: the gate, then the attempt, then the
// switch from the previous session. known is the credential the caller
// gave besides the token (Login's auth key), scrubbed from every request
// of the call.
func (c *Client) login(ctx context.Context, valid func() *Error, try attempt, known ...secret) (*User, *Error) {
	if e := c.usable(ctx); e != nil {
		return nil, e
	}
	if e := c.claim(opLogin); e != nil {
		return nil, e // not an attempt: no listener
	}
	ended := false
	defer c.releaseUnless(&ended)
	same, next, e := c.attemptLogin(ctx, valid, try, known)
	ended = true
	return c.endLogin(same, next, e)
}

// attemptLogin does a login's I/O, under the gate: the new session is
// checked with the server and saved before the previous one is revoked,
// so a failure anywhere leaves the previous session as it was.
func (c *Client) attemptLogin(ctx context.Context, valid func() *Error, try attempt, known []secret) (same *User, next *session, e *Error) {
	if e := valid(); e != nil {
		return nil, nil, e
	}
	cur := c.sessionForLogin(ctx)
	same, next, e = try(cur)
	if e != nil || next == nil {
		return same, nil, e
	}
	if e := c.save(ctx, next); e != nil {
		return nil, nil, e
	}
	if cur.user != nil {
		c.revokePrevious(ctx, cur, next, known)
	}
	return nil, next, nil
}

// endLogin opens the gate and, in the same step, makes next the session
// and queues the events, so their order is the order of the changes:
// OnLogoutSuccess of the previous user, then OnLoginSuccess.
func (c *Client) endLogin(same *User, next *session, e *Error) (*User, *Error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.busy = opNone
	switch {
	case e != nil:
		c.queue(event{kind: evLoginFailure, err: e})
		return nil, e
	case next == nil:
		return same, nil
	}
	if prev := c.cur.Swap(next); prev != nil && prev.user != nil {
		c.queue(event{kind: evLogoutSuccess}) // unless a forced logout ended it already
	}
	c.queue(event{kind: evLoginSuccess, user: next.user})
	return next.user.clone(), nil
}

// loginWithKey is Login's attempt: POST auth_tokens, then PUT /me.
func (c *Client) loginWithKey(ctx context.Context, cur *session, uid, authKey string) (*User, *session, *Error) {
	if cur.user != nil && cur.user.UID == uid {
		return cur.user.clone(), nil, nil
	}
	var tok authTokenData
	err := do(ctx, c.t, &request{
		role:   roleAdmin,
		method: http.MethodPost,
		path:   "/users/" + url.PathEscape(uid) + "/auth_tokens",
		cred:   secret(authKey),
		body:   c.loginBody,
		known:  knownSecrets(cur.token),
	}, &tok)
	if err != nil {
		return nil, nil, err
	}
	if validateToken(tok.AuthToken) != nil {
		return nil, nil, invalidResponse(http.StatusOK, "the server sent no usable auth token", nil)
	}
	next, e := c.checkToken(ctx, secret(tok.AuthToken), secret(authKey), cur.token)
	return nil, next, e
}

// knownSecrets is the non-empty ones of ss (nobody logged in has no token).
func knownSecrets(ss ...secret) []secret {
	var known []secret
	for _, s := range ss {
		if s != "" {
			known = append(known, s)
		}
	}
	return known
}

// authTokenData is the data of POST /users/{uid}/auth_tokens.
type authTokenData struct {
	UID       string `json:"uid"`
	AuthToken string `json:"authToken"`
	CreatedAt int64  `json:"createdAt"`
}

// loginWithToken is LoginWithAuthToken's attempt: PUT /me.
func (c *Client) loginWithToken(ctx context.Context, cur *session, authToken string) (*User, *session, *Error) {
	if cur.user != nil && subtle.ConstantTimeCompare([]byte(cur.token.reveal()), []byte(authToken)) == 1 {
		return cur.user.clone(), nil, nil
	}
	next, e := c.checkToken(ctx, secret(authToken), cur.token)
	return nil, next, e
}

// checkToken logs in with token (PUT /me) and returns the session it makes.
// known lists the other credentials the call knows, to scrub from errors.
func (c *Client) checkToken(ctx context.Context, token secret, known ...secret) (*session, *Error) {
	u, e := c.me(ctx, http.MethodPut, token, c.loginBody, known)
	if e != nil {
		return nil, e
	}
	return &session{user: u, token: token, createdAt: time.Now()}, nil
}

// me sends a request to {client}/me with token and decodes the user.
func (c *Client) me(ctx context.Context, method string, token secret, body []byte, known []secret) (*User, *Error) {
	var u User
	e := do(ctx, c.t, &request{role: roleClient, method: method, path: "/me", cred: token, body: body, known: knownSecrets(known...)}, &u)
	if e != nil {
		return nil, e
	}
	if u.UID == "" {
		return nil, invalidResponse(http.StatusOK, "the user in the answer has no uid", nil)
	}
	return &u, nil
}

// revokePrevious logs prev out on the server once next replaced it in the
// store, on a best-effort basis: a failure is logged at warn level. The
// answer may quote any credential of the login (known: the auth key).
func (c *Client) revokePrevious(ctx context.Context, prev, next *session, known []secret) {
	if e := c.revoke(ctx, prev, append(known, next.token)...); e != nil {
		c.logger.LogAttrs(ctx, slog.LevelWarn, "cometchatcalls: the previous user's logout was not confirmed",
			slog.String("uid", prev.user.UID), slog.String("code", e.Code))
	}
}

// revoke asks the server to end s's token (DELETE /me). A token the server
// no longer knows counts as revoked.
func (c *Client) revoke(ctx context.Context, s *session, known ...secret) *Error {
	var ignored struct{}
	e := do(ctx, c.t, &request{role: roleClient, method: http.MethodDelete, path: "/me", cred: s.token, known: knownSecrets(known...)}, &ignored)
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

func (c *Client) logout(ctx context.Context) *Error {
	if e := c.usable(ctx); e != nil {
		return e
	}
	if e := c.claim(opLogout); e != nil {
		return e
	}
	ended := false
	defer c.releaseUnless(&ended)
	cur, e := c.endCurrent(ctx)
	if e != nil {
		return e
	}
	// The gate stays claimed until the event is queued, so no login can
	// slip its events in between the state change and this one.
	result := logoutResult(c.deleteStored(ctx, cur), c.revoke(ctx, cur))
	c.mu.Lock()
	defer c.mu.Unlock()
	c.busy = opNone
	ended = true
	if result != nil {
		c.queue(event{kind: evLogoutFailure, err: result})
	} else {
		c.queue(event{kind: evLogoutSuccess})
	}
	return result
}

// endCurrent ends the session in memory for Logout, which holds the gate.
func (c *Client) endCurrent(ctx context.Context) (*session, *Error) {
	cur, e := c.current(ctx)
	if e != nil {
		return nil, e
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if cur.user == nil || !c.cur.CompareAndSwap(cur, noSession) { // a forced logout may have ended it meanwhile
		return nil, newError(CodeNoUserLoggedIn, "No user is currently logged in")
	}
	return cur, nil
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
	if s := c.cur.Load(); s != nil {
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
	u, e := c.me(ctx, http.MethodGet, cur.token, nil, nil)
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
