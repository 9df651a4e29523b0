package cometchatcalls

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
)

// CallToken is a token to join one call session: what the Calls SDK v5's
// generateToken(sessionId) returns, and what a call client (a web or mobile
// app, a recorder, a bot) passes on when it joins the session.
//
// Token is a bearer credential for that session. fmt (every verb, %+v and
// %#v included) and slog show it as "[REDACTED]", so a CallToken can be
// logged safely. encoding/json does carry the value, on purpose: a backend
// that generates the token for an app sends it as JSON
// ({"sessionId":…,"token":…}). Keep marshalled CallTokens out of logs.
type CallToken struct {
	// SessionID is the call session the token joins.
	SessionID string `json:"sessionId"`
	// Token is the call token.
	Token string `json:"token"`
}

// String implements fmt.Stringer without revealing the token.
func (t CallToken) String() string {
	return fmt.Sprintf("CallToken{SessionID:%q Token:%s}", t.SessionID, redacted)
}

// GoString implements fmt.GoStringer without revealing the token.
func (t CallToken) GoString() string { return "cometchatcalls." + t.String() }

// Format implements fmt.Formatter so that every verb goes through String
// (or GoString for %#v).
func (t CallToken) Format(f fmt.State, verb rune) { formatRedacted(f, verb, t) }

// LogValue implements slog.LogValuer without revealing the token.
func (t CallToken) LogValue() slog.Value {
	return slog.GroupValue(
		slog.String("sessionId", t.SessionID),
		slog.String("token", redacted),
	)
}

// GenerateCallToken turns the logged-in session into a token to join the
// call session sessionID: POST /call_tokens on the calls host with the
// session's auth token. It is the step after login in the Calls SDK v5
// (generateToken in JavaScript, generateCallToken in Flutter).
//
// Checked in this order, without a request: a closed client
// (ERROR_CLIENT_CLOSED), an empty or blank sessionID
// (ERROR_SESSION_ID_MISSING), a context already done (ERROR_NETWORK
// wrapping the context's error), nobody logged in
// (ERROR_AUTH_TOKEN_MISSING). The request is retried, timed out and
// redacted like every other call (ERROR_NETWORK, server codes as sent); an
// answer without a usable token is ERROR_INVALID_RESPONSE.
//
// If the server no longer knows the session's auth token
// (AUTH_ERR_AUTH_TOKEN_NOT_FOUND), the session ends as in ValidateSession
// (listeners hear OnLogoutSuccess) and that error is returned.
func (c *Client) GenerateCallToken(ctx context.Context, sessionID string) (*CallToken, error) {
	t, e := run(c, ctx, func() (*CallToken, *Error) { return c.generateCallToken(ctx, sessionID) })
	if e != nil {
		return nil, e
	}
	return t, nil
}

func (c *Client) generateCallToken(ctx context.Context, sessionID string) (*CallToken, *Error) {
	if e := validateSessionID(sessionID); e != nil {
		return nil, e
	}
	// userSession checks the context before the session is read: a first
	// read goes to the SessionStore, and a done context is ERROR_NETWORK
	// whatever the store would say.
	cur, e := c.userSession(ctx, CodeAuthTokenMissing, ErrAuthTokenMissing.Message)
	if e != nil {
		return nil, e
	}
	t, e := c.requestCallToken(ctx, sessionID, cur.token)
	if e != nil {
		if e.Code == CodeAuthTokenNotFound {
			c.forceLogout(ctx, cur)
		}
		return nil, e
	}
	return t, nil
}

// GenerateCallTokenWithAuthToken is GenerateCallToken with an auth token
// given explicitly instead of the session's, as the Calls SDK v4's
// generateToken(sessionId, authToken) did: for a backend that holds a
// user's token (see AdminClient.CreateAuthToken) without logging in. The
// Client's session, if any, is neither used nor changed.
//
// Checked in this order, without a request: a closed client
// (ERROR_CLIENT_CLOSED), an empty or blank sessionID
// (ERROR_SESSION_ID_MISSING), an empty or blank authToken
// (ERROR_AUTH_TOKEN_MISSING), an authToken holding whitespace or control
// characters (ERROR_AUTHTOKEN_WITH_SPACE), a context already done
// (ERROR_NETWORK). A token the server does not know is
// AUTH_ERR_AUTH_TOKEN_NOT_FOUND, only returned.
func (c *Client) GenerateCallTokenWithAuthToken(ctx context.Context, sessionID, authToken string) (*CallToken, error) {
	t, e := run(c, ctx, func() (*CallToken, *Error) {
		if e := validateSessionID(sessionID); e != nil {
			return nil, e
		}
		if e := validateToken(authToken); e != nil {
			if e.Code == CodeBlankAuthToken {
				return nil, newError(CodeAuthTokenMissing, "Auth token cannot be empty")
			}
			return nil, e
		}
		if e := c.usable(ctx); e != nil {
			return nil, e
		}
		// The session's token, if any, is a credential this call knows too.
		var sessionToken secret
		if s := c.st.session(); s != nil {
			sessionToken = s.token
		}
		return c.requestCallToken(ctx, sessionID, secret(authToken), sessionToken)
	})
	if e != nil {
		return nil, e
	}
	return t, nil
}

// GenerateCallTokenAsync runs GenerateCallToken on its own goroutine; see
// LoginAsync for the callback rules.
func (c *Client) GenerateCallTokenAsync(ctx context.Context, sessionID string, onSuccess func(*CallToken), onError func(*Error)) <-chan struct{} {
	return goAsync(c, func() (*CallToken, error) { return c.GenerateCallToken(ctx, sessionID) }, onSuccess, onError)
}

// validateSessionID refuses an empty or blank session ID, as the Calls SDK
// v5 does. Anything else is the server's to judge: the ID travels in a
// JSON body, where no character can break out.
func validateSessionID(sessionID string) *Error {
	if strings.TrimSpace(sessionID) == "" {
		return newError(CodeSessionIDMissing, ErrSessionIDMissing.Message)
	}
	return nil
}

// callTokenData is the data of POST /call_tokens.
type callTokenData struct {
	Token string `json:"token"`
}

// requestCallToken asks the calls host for a call token for sessionID on
// behalf of the user whose auth token is token; known are the other
// credentials the call knows, scrubbed from its errors.
func (c *Client) requestCallToken(ctx context.Context, sessionID string, token secret, known ...secret) (*CallToken, *Error) {
	// Marshal escapes what JSON needs (and replaces invalid UTF-8); a
	// string never fails to encode.
	body, _ := json.Marshal(struct {
		SessionID string `json:"sessionId"`
	}{sessionID})
	data, e := do[callTokenData](ctx, c.t, newRequest(roleCall, http.MethodPost, "/call_tokens", token, body, known...))
	if e != nil {
		return nil, e
	}
	// A call token goes into another client's header next: the auth token
	// rules (printable, no whitespace) apply to it too. Its value is never
	// quoted: a token the server botched is still a credential.
	if validateToken(data.Token) != nil {
		return nil, invalidResponse(http.StatusOK, "the server sent no usable call token", nil)
	}
	return &CallToken{SessionID: sessionID, Token: data.Token}, nil
}
