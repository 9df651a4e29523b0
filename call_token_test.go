package cometchatcalls

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jarcoal/httpmock"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const (
	callBase      = "https://call.test/call/v3.0"
	callTokensURL = callBase + "/call_tokens"
	testCallToken = "calltoken-5ecret-eyJhbGciOiJIUzI1NiJ9.c2Vzc2lvbg.c2lnbg"
)

// secretsOfCalls are every credential a call-token test knows.
var secretsOfCalls = []string{testAuthKey, testToken, testToken2, testCallToken}

// callSetup is setup with the calls host at callBase.
func callSetup(t *testing.T, opts ...Option) (*Client, *httpmock.MockTransport) {
	t.Helper()
	return setup(t, append([]Option{WithCallHost(callBase)}, opts...)...)
}

// callLoggedIn is loggedIn with the calls host at callBase.
func callLoggedIn(t *testing.T, opts ...Option) (*Client, *httpmock.MockTransport) {
	t.Helper()
	return loggedIn(t, append([]Option{WithCallHost(callBase)}, opts...)...)
}

func callTokenResponder() httpmock.Responder {
	return dataResponder(200, map[string]any{"token": testCallToken})
}

func TestGenerateCallToken_Validation(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	tests := []struct {
		name     string
		loggedIn bool
		closed   bool
		run      func(c *Client) (*CallToken, error)
		code     string
	}{
		{"closed", true, true, func(c *Client) (*CallToken, error) { return c.GenerateCallToken(ctx, "") }, CodeClientClosed},
		{"closed, explicit", false, true, func(c *Client) (*CallToken, error) {
			return c.GenerateCallTokenWithAuthToken(ctx, "", "")
		}, CodeClientClosed},
		{"empty session", true, false, func(c *Client) (*CallToken, error) { return c.GenerateCallToken(ctx, "") }, CodeSessionIDMissing},
		{"blank session", true, false, func(c *Client) (*CallToken, error) { return c.GenerateCallToken(ctx, " \t\n") }, CodeSessionIDMissing},
		{"blank session, nobody logged in", false, false, func(c *Client) (*CallToken, error) { return c.GenerateCallToken(ctx, " ") }, CodeSessionIDMissing},
		{"nobody logged in", false, false, func(c *Client) (*CallToken, error) { return c.GenerateCallToken(ctx, "room") }, CodeAuthTokenMissing},
		{"explicit: blank session beats blank token", false, false, func(c *Client) (*CallToken, error) {
			return c.GenerateCallTokenWithAuthToken(ctx, "", "")
		}, CodeSessionIDMissing},
		{"explicit: empty token", false, false, func(c *Client) (*CallToken, error) {
			return c.GenerateCallTokenWithAuthToken(ctx, "room", "")
		}, CodeAuthTokenMissing},
		{"explicit: blank token", true, false, func(c *Client) (*CallToken, error) {
			return c.GenerateCallTokenWithAuthToken(ctx, "room", "  \t")
		}, CodeAuthTokenMissing},
		{"explicit: space in token", false, false, func(c *Client) (*CallToken, error) {
			return c.GenerateCallTokenWithAuthToken(ctx, "room", "abc def")
		}, CodeAuthTokenWithSpace},
		{"explicit: newline in token", false, false, func(c *Client) (*CallToken, error) {
			return c.GenerateCallTokenWithAuthToken(ctx, "room", "abc\r\nX-Evil: 1")
		}, CodeAuthTokenWithSpace},
		{"explicit: control in token", false, false, func(c *Client) (*CallToken, error) {
			return c.GenerateCallTokenWithAuthToken(ctx, "room", "abc\x00def")
		}, CodeAuthTokenWithSpace},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c, mt := callSetup(t)
			if tt.loggedIn {
				mockLogin(mt, testUID, "A", testToken)
				_, err := c.Login(ctx, testUID, testAuthKey)
				require.NoError(t, err)
			}
			before := mt.GetTotalCallCount()
			if tt.closed {
				require.NoError(t, c.Close())
			}
			ct, err := tt.run(c)
			assert.Nil(t, ct)
			e := requireCode(t, err, tt.code)
			assert.NotEmpty(t, e.Message)
			assert.Equal(t, before, mt.GetTotalCallCount(), "bad input sends no request")
			assert.Equal(t, tt.loggedIn && !tt.closed, c.IsUserLoggedIn(ctx), "bad input changes no session")
		})
	}
}

func TestGenerateCallToken_ErrorsMatchTheSentinels(t *testing.T) {
	t.Parallel()
	c, _ := callSetup(t)
	_, err := c.GenerateCallToken(context.Background(), "")
	assert.ErrorIs(t, err, ErrSessionIDMissing)
	assert.Equal(t, "Session ID cannot be empty", asError(err).Message)
	_, err = c.GenerateCallToken(context.Background(), "room")
	assert.ErrorIs(t, err, ErrAuthTokenMissing)
	assert.Equal(t, "Auth token is required. Please login first or provide authToken.", asError(err).Message)
}

func TestGenerateCallToken_NilContext(t *testing.T) {
	t.Parallel()
	c, mt := callLoggedIn(t)
	var nilCtx context.Context
	_, err := c.GenerateCallToken(nilCtx, "room")
	requireCode(t, err, CodeInvalidArgument)
	_, err = c.GenerateCallTokenWithAuthToken(nilCtx, "room", testToken)
	requireCode(t, err, CodeInvalidArgument)
	var cc callTokenCounter
	wait(t, c.GenerateCallTokenAsync(nilCtx, "room", cc.onToken, cc.onError))
	assert.Equal(t, CodeInvalidArgument, cc.err.Load().Code)
	assert.Equal(t, 2, mt.GetTotalCallCount(), "only the login's requests")
}

func TestGenerateCallToken_WireShape(t *testing.T) {
	t.Parallel()
	c, mt := callLoggedIn(t, WithUserAgent("recorder/2.0"))
	var rec recorder
	mt.RegisterResponder(http.MethodPost, callTokensURL, rec.wrap(callTokenResponder()))

	ct, err := c.GenerateCallToken(context.Background(), "room-42")
	require.NoError(t, err)
	require.NotNil(t, ct)
	assert.Equal(t, "room-42", ct.SessionID)
	assert.True(t, ct.Token == testCallToken, "the call token from the answer")

	reqs := rec.all()
	require.Len(t, reqs, 1)
	r := reqs[0]
	assert.Equal(t, http.MethodPost, r.Method)
	assert.Equal(t, callTokensURL, r.URL, "POST {call}/call_tokens")
	assert.Equal(t, testAppID, r.Header.Get("appId"))
	assert.True(t, r.Header.Get("authToken") == testToken, "the session's auth token in authToken")
	assert.Empty(t, r.Header.Get("apiKey"), "the calls host gets no key")
	assert.Equal(t, "application/json", r.Header.Get("Content-Type"))
	assert.Equal(t, "application/json", r.Header.Get("Accept"))
	assert.Regexp(t, `^cometchatcalls-go/`+Version+` .* recorder/2\.0$`, r.Header.Get("User-Agent"))
	assert.Equal(t, `{"sessionId":"room-42"}`, string(r.Body), "the body exactly")
	assert.Equal(t, 3, mt.GetTotalCallCount(), "login (2) and one call-token request")
	assert.True(t, c.IsUserLoggedIn(context.Background()))
}

func TestGenerateCallToken_SessionIDIsJSONEncoded(t *testing.T) {
	t.Parallel()
	c, mt := callLoggedIn(t)
	var rec recorder
	mt.RegisterResponder(http.MethodPost, callTokensURL, rec.wrap(callTokenResponder()))
	id := "a \"quoted\" <room> & \\ ünïcode\x01"
	ct, err := c.GenerateCallToken(context.Background(), id)
	require.NoError(t, err)
	assert.Equal(t, id, ct.SessionID)
	body := rec.all()[0].Body
	assert.Equal(t, `{"sessionId":"a \"quoted\" \u003croom\u003e \u0026 \\ ünïcode\u0001"}`, string(body))
	var back struct{ SessionID string }
	require.NoError(t, json.Unmarshal(body, &back))
	assert.Equal(t, id, back.SessionID)
}

func TestGenerateCallToken_DefaultCallHost(t *testing.T) {
	t.Parallel()
	c, mt := loggedIn(t) // no WithCallHost
	url := "https://" + testAppID + ".call-us.cometchat.io/v3.0/call_tokens"
	mt.RegisterResponder(http.MethodPost, url, callTokenResponder())
	_, err := c.GenerateCallToken(context.Background(), "room")
	require.NoError(t, err)
	assert.Equal(t, 1, calls(mt, http.MethodPost, url))
}

func TestGenerateCallTokenWithAuthToken_WireShapeAndSessionUntouched(t *testing.T) {
	t.Parallel()
	c, mt := callLoggedIn(t) // as testUID with testToken
	var rec recorder
	mt.RegisterResponder(http.MethodPost, callTokensURL, rec.wrap(callTokenResponder()))
	ct, err := c.GenerateCallTokenWithAuthToken(context.Background(), "room", testToken2)
	require.NoError(t, err)
	assert.Equal(t, "room", ct.SessionID)
	assert.True(t, ct.Token == testCallToken)
	r := rec.all()[0]
	assert.True(t, r.Header.Get("authToken") == testToken2, "the explicit token, not the session's")
	assert.Equal(t, `{"sessionId":"room"}`, string(r.Body))
	tok, err := c.GetUserAuthToken(context.Background())
	require.NoError(t, err)
	assert.True(t, tok == testToken, "the session is not changed")
}

func TestGenerateCallTokenWithAuthToken_NeedsNoSession(t *testing.T) {
	t.Parallel()
	c, mt := callSetup(t)
	mt.RegisterResponder(http.MethodPost, callTokensURL, callTokenResponder())
	ct, err := c.GenerateCallTokenWithAuthToken(context.Background(), "room", testToken)
	require.NoError(t, err)
	assert.True(t, ct.Token == testCallToken)
	assert.False(t, c.IsUserLoggedIn(context.Background()), "no login happens")
}

func TestGenerateCallToken_DoneContextChangesNothing(t *testing.T) {
	t.Parallel()
	store := NewMemoryStore()
	c, mt := callLoggedIn(t, WithSessionStore(store))
	mt.RegisterResponder(http.MethodPost, callTokensURL, errorResponder(401, CodeAuthTokenNotFound, "gone"))
	logouts := 0
	c.AddLoginListener("l", LoginListener{OnLogoutSuccess: func() { logouts++ }})
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	expired, cancel2 := context.WithDeadline(context.Background(), time.Now().Add(-time.Second))
	defer cancel2()

	for name, run := range map[string]func() (*CallToken, error){
		"session":  func() (*CallToken, error) { return c.GenerateCallToken(ctx, "room") },
		"explicit": func() (*CallToken, error) { return c.GenerateCallTokenWithAuthToken(ctx, "room", testToken2) },
		"deadline": func() (*CallToken, error) { return c.GenerateCallToken(expired, "room") },
	} {
		ct, err := run()
		assert.Nil(t, ct, name)
		e := requireCode(t, err, CodeNetwork)
		assert.False(t, e.Retryable(), "%s: the caller's context ended", name)
	}
	_, err := c.GenerateCallToken(ctx, "room")
	assert.ErrorIs(t, err, context.Canceled)
	_, err = c.GenerateCallToken(expired, "room")
	assert.ErrorIs(t, err, context.DeadlineExceeded)

	assert.Zero(t, calls(mt, http.MethodPost, callTokensURL), "no request")
	assert.Zero(t, logouts, "no session ended")
	assert.True(t, c.IsUserLoggedIn(context.Background()))
	s, _ := store.Load(context.Background(), testAppID)
	require.NotNil(t, s)
}

func TestGenerateCallToken_InvalidAnswers(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name      string
		responder httpmock.Responder
		status    int
	}{
		{"no token", dataResponder(200, map[string]any{}), 200},
		{"empty token", dataResponder(200, map[string]any{"token": ""}), 200},
		{"token with space", dataResponder(200, map[string]any{"token": testCallToken + " x"}), 200},
		{"token with newline", dataResponder(200, map[string]any{"token": testCallToken + "\r\nX: y"}), 200},
		{"token not a string", rawResponder(200, "application/json", `{"data":{"token":42}}`), 200},
		{"null data", rawResponder(200, "application/json", `{"data":null}`), 200},
		{"no envelope", rawResponder(200, "application/json", `{"token":"`+testCallToken+`"}`), 200},
		{"HTML", rawResponder(200, "text/html", "<html>"+testCallToken+"</html>"), 200},
		{"data on a 500", rawResponder(500, "application/json", `{"data":{"token":"`+testCallToken+`"}}`), 500},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c, mt := callLoggedIn(t, WithRetries(0))
			mt.RegisterResponder(http.MethodPost, callTokensURL, tt.responder)
			ct, err := c.GenerateCallToken(context.Background(), "room")
			assert.Nil(t, ct)
			want := CodeInvalidResponse
			if tt.status >= 500 {
				want = CodeServerUnavailable // a 5xx without an error envelope
			}
			e := requireCode(t, err, want)
			assert.ErrorIs(t, err, ErrInvalidResponse)
			assert.Equal(t, tt.status, e.HTTPStatus)
			assertNoSecret(t, "error", fmt.Sprintf("%v %+v %#v", e, e, e.Details), secretsOfCalls...)
			assert.True(t, c.IsUserLoggedIn(context.Background()), "a bad answer ends no session")
		})
	}
}

func TestGenerateCallToken_RevokedTokenEndsTheSession(t *testing.T) {
	t.Parallel()
	store := NewMemoryStore()
	c, mt := callLoggedIn(t, WithSessionStore(store))
	mt.RegisterResponder(http.MethodPost, callTokensURL,
		errorResponder(401, CodeAuthTokenNotFound, "The auth token "+testToken+" does not exist"))
	var events []string
	c.AddLoginListener("l", LoginListener{
		OnLogoutSuccess: func() { events = append(events, "logout") },
		OnLogoutFailure: func(*Error) { events = append(events, "logout failure") },
	})
	ct, err := c.GenerateCallToken(context.Background(), "room")
	assert.Nil(t, ct)
	e := requireCode(t, err, CodeAuthTokenNotFound)
	assert.ErrorIs(t, err, ErrAuthTokenNotFound)
	assert.Equal(t, http.StatusUnauthorized, e.HTTPStatus)
	assert.Contains(t, e.Message, redacted, "the quoted token is redacted")
	assertNoSecret(t, "error", e.Error(), secretsOfCalls...)
	assert.Equal(t, []string{"logout"}, events)
	assert.False(t, c.IsUserLoggedIn(context.Background()))
	s, _ := store.Load(context.Background(), testAppID)
	assert.Nil(t, s, "the stored session is gone too")
	assert.Equal(t, 1, calls(mt, http.MethodPost, callTokensURL), "never retried")

	_, err = c.GenerateCallToken(context.Background(), "room")
	requireCode(t, err, CodeAuthTokenMissing)
}

func TestGenerateCallToken_RevokedTokenDoesNotEndANewerSession(t *testing.T) {
	t.Parallel()
	c, mt := callLoggedIn(t)
	mt.RegisterMatcherResponder(http.MethodPut, meURL, httpmock.HeaderIs("authToken", testToken2),
		dataResponder(200, userJSON("cometchat-uid-2", "B")))
	mockLogout(mt)
	// While the call-token request is in flight, another login replaces
	// the session: the old token's revocation must not end the new one.
	mt.RegisterResponder(http.MethodPost, callTokensURL, func(*http.Request) (*http.Response, error) {
		_, err := c.LoginWithAuthToken(context.Background(), testToken2)
		require.NoError(t, err)
		return errorResponder(401, CodeAuthTokenNotFound, "gone")(nil)
	})
	logouts := 0
	c.AddLoginListener("l", LoginListener{OnLogoutSuccess: func() { logouts++ }})
	_, err := c.GenerateCallToken(context.Background(), "room")
	requireCode(t, err, CodeAuthTokenNotFound)
	tok, err := c.GetUserAuthToken(context.Background())
	require.NoError(t, err)
	assert.True(t, tok == testToken2, "the newer session stays")
	assert.Equal(t, 1, logouts, "only the switch's logout")
}

func TestGenerateCallTokenWithAuthToken_RevokedTokenIsOnlyReturned(t *testing.T) {
	t.Parallel()
	c, mt := callLoggedIn(t)
	mt.RegisterResponder(http.MethodPost, callTokensURL,
		errorResponder(401, CodeAuthTokenNotFound, "The auth token "+testToken+" does not exist"))
	logouts := 0
	c.AddLoginListener("l", LoginListener{OnLogoutSuccess: func() { logouts++ }})
	// Even the session's own token, given explicitly, only gets the error.
	_, err := c.GenerateCallTokenWithAuthToken(context.Background(), "room", testToken)
	e := requireCode(t, err, CodeAuthTokenNotFound)
	assertNoSecret(t, "error", e.Error(), secretsOfCalls...)
	assert.Zero(t, logouts)
	assert.True(t, c.IsUserLoggedIn(context.Background()))
}

func TestGenerateCallToken_OtherErrorsKeepTheSession(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		status int
		code   string
	}{
		{500, "ERR_INTERNAL"},
		{400, CodeBadRequest},
		{403, CodeNoAccess},
		{404, "ERR_NOT_FOUND"},
	} {
		c, mt := callLoggedIn(t, WithRetries(0))
		mt.RegisterResponder(http.MethodPost, callTokensURL, errorResponder(tt.status, tt.code, "no"))
		_, err := c.GenerateCallToken(context.Background(), "room")
		e := requireCode(t, err, tt.code)
		assert.Equal(t, tt.status, e.HTTPStatus)
		assert.True(t, c.IsUserLoggedIn(context.Background()), tt.code)
	}
}

func TestGenerateCallToken_Retries(t *testing.T) {
	t.Parallel()
	dialErr := &net.OpError{Op: "dial", Net: "tcp", Err: errors.New("connection refused")}
	tests := []struct {
		name      string
		responder httpmock.Responder
		wantCalls int
		wantCode  string
	}{
		{"503 then 200", sequence(errorResponder(503, "ERR_UNAVAILABLE", "busy"), callTokenResponder()), 2, ""},
		{"429 then 200", sequence(errorResponder(429, CodeTooManyRequests, "slow"), callTokenResponder()), 2, ""},
		{"502 HTML then 200", sequence(rawResponder(502, "text/html", "<html/>"), callTokenResponder()), 2, ""},
		{"dial error then 200", sequence(httpmock.NewErrorResponder(dialErr), callTokenResponder()), 2, ""},
		{"503 forever", errorResponder(503, "ERR_UNAVAILABLE", "busy"), 3, "ERR_UNAVAILABLE"},
		{"reset after sending", httpmock.NewErrorResponder(errors.New("connection reset")), 1, CodeNetwork},
		{"500 not retried", errorResponder(500, "ERR_INTERNAL", "no"), 1, "ERR_INTERNAL"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c, mt := callLoggedIn(t, WithRetries(2))
			mt.RegisterResponder(http.MethodPost, callTokensURL, tt.responder)
			ct, err := c.GenerateCallToken(context.Background(), "room")
			if tt.wantCode == "" {
				require.NoError(t, err)
				assert.True(t, ct.Token == testCallToken)
			} else {
				requireCode(t, err, tt.wantCode)
			}
			assert.Equal(t, tt.wantCalls, calls(mt, http.MethodPost, callTokensURL))
		})
	}
}

func TestGenerateCallToken_RetryAfterBeyondDeadlineFailsFast(t *testing.T) {
	t.Parallel()
	c, mt := callLoggedIn(t)
	mt.RegisterResponder(http.MethodPost, callTokensURL, retryAfterResponder(429, "30"))
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	_, err := c.GenerateCallToken(ctx, "room")
	e := requireCode(t, err, CodeTooManyRequests)
	assert.Equal(t, 30*time.Second, e.RetryAfter)
	assert.Equal(t, 1, calls(mt, http.MethodPost, callTokensURL))
}

func TestGenerateCallToken_Timeouts(t *testing.T) {
	t.Parallel()
	hang := func(r *http.Request) (*http.Response, error) {
		<-r.Context().Done()
		return nil, r.Context().Err()
	}
	t.Run("per attempt", func(t *testing.T) {
		t.Parallel()
		c, mt := callLoggedIn(t, WithTimeout(20*time.Millisecond), WithRetries(0))
		mt.RegisterResponder(http.MethodPost, callTokensURL, hang)
		_, err := c.GenerateCallToken(context.Background(), "room")
		requireCode(t, err, CodeNetwork)
		assert.ErrorIs(t, err, context.DeadlineExceeded)
		assert.True(t, c.IsUserLoggedIn(context.Background()))
	})
	t.Run("caller's deadline", func(t *testing.T) {
		t.Parallel()
		c, mt := callLoggedIn(t)
		mt.RegisterResponder(http.MethodPost, callTokensURL, hang)
		ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
		defer cancel()
		_, err := c.GenerateCallToken(ctx, "room")
		requireCode(t, err, CodeNetwork)
		assert.ErrorIs(t, err, context.DeadlineExceeded)
		assert.Equal(t, 1, calls(mt, http.MethodPost, callTokensURL), "never retried")
	})
}

func TestGenerateCallToken_ServerQuotingCredentialsIsRedacted(t *testing.T) {
	t.Parallel()
	c, mt := callLoggedIn(t, WithRetries(0))
	quote := "token " + testToken + " and " + testToken2
	mt.RegisterResponder(http.MethodPost, callTokensURL, httpmock.NewJsonResponderOrPanic(400, map[string]any{
		"error": map[string]any{"code": "ERR_" + testToken2, "message": quote, "details": map[string]any{"authToken": testToken2, quote: []any{testToken}}},
	}))
	// explicit token testToken2, session token testToken: each scrubbed
	// where it is the request's credential.
	_, err := c.GenerateCallTokenWithAuthToken(context.Background(), "room", testToken2)
	e := requireCode(t, err, "ERR_"+redacted)
	assertNoSecret(t, "explicit-token error", fmt.Sprintf("%v|%+v|%v", e, e.Details, e.Code), testToken2)

	_, err = c.GenerateCallToken(context.Background(), "room")
	e = asError(err)
	assertNoSecret(t, "session-token error", fmt.Sprintf("%v|%+v", e, e.Details), testToken)
}

func TestGenerateCallToken_LogsShowNoCredential(t *testing.T) {
	t.Parallel()
	var logs bytes.Buffer
	c, mt := callLoggedIn(t, WithLogger(newTestLogger(&logs)), WithRetries(1))
	mt.RegisterResponder(http.MethodPost, callTokensURL,
		sequence(errorResponder(503, "ERR_UNAVAILABLE", "busy"), callTokenResponder()))
	ct, err := c.GenerateCallToken(context.Background(), "room")
	require.NoError(t, err)
	c.logger.Info("generated", slog.Any("callToken", ct), slog.Any("value", *ct))
	out := logs.String()
	assert.Contains(t, out, "role=call")
	assert.Contains(t, out, "path=/call_tokens")
	assert.Contains(t, out, "sessionId=room")
	assertNoSecret(t, "logs", out, secretsOfCalls...)
}

func TestCallToken_NeverPrintsTheToken(t *testing.T) {
	t.Parallel()
	ct := CallToken{SessionID: "room-1", Token: testCallToken}
	for _, f := range []string{"%v", "%+v", "%#v", "%s", "%q", "%x", "%X", "%d", "%T %v", "%10.3v"} {
		assertNoSecret(t, f, fmt.Sprintf(f, ct), testCallToken)
		assertNoSecret(t, "pointer "+f, fmt.Sprintf(f, &ct), testCallToken)
	}
	assert.Equal(t, `CallToken{SessionID:"room-1" Token:[REDACTED]}`, ct.String())
	assert.Equal(t, `cometchatcalls.CallToken{SessionID:"room-1" Token:[REDACTED]}`, fmt.Sprintf("%#v", ct))
	assert.Equal(t, ct.String(), fmt.Sprint(&ct))
	assertNoSecret(t, "in a slice", fmt.Sprintf("%+v", []*CallToken{&ct}), testCallToken)
	assertNoSecret(t, "in a struct", fmt.Sprintf("%+v", struct{ T CallToken }{ct}), testCallToken)

	for name, h := range map[string]func(*bytes.Buffer) slog.Handler{
		"text": func(b *bytes.Buffer) slog.Handler { return slog.NewTextHandler(b, nil) },
		"json": func(b *bytes.Buffer) slog.Handler { return slog.NewJSONHandler(b, nil) },
	} {
		var b bytes.Buffer
		slog.New(h(&b)).Info("x", "ct", ct, "ptr", &ct)
		assert.Contains(t, b.String(), "room-1", name)
		assertNoSecret(t, name, b.String(), testCallToken)
	}
}

func TestCallToken_JSONCarriesTheToken(t *testing.T) {
	t.Parallel()
	// Documented: a backend hands the token on as JSON.
	ct := CallToken{SessionID: "room-1", Token: testCallToken}
	b, err := json.Marshal(ct)
	require.NoError(t, err)
	assert.True(t, string(b) == `{"sessionId":"room-1","token":"`+testCallToken+`"}`, "sessionId and token")
	var back CallToken
	require.NoError(t, json.Unmarshal(b, &back))
	assert.True(t, back == ct)
}

// callTokenCounter checks the "exactly one callback, exactly once" rule.
type callTokenCounter struct {
	success, failure atomic.Int32
	token            atomic.Pointer[CallToken]
	err              atomic.Pointer[Error]
}

func (cc *callTokenCounter) onToken(t *CallToken) { cc.success.Add(1); cc.token.Store(t) }
func (cc *callTokenCounter) onError(e *Error)     { cc.failure.Add(1); cc.err.Store(e) }

func TestGenerateCallTokenAsync(t *testing.T) {
	t.Parallel()
	c, mt := callLoggedIn(t)
	mt.RegisterResponder(http.MethodPost, callTokensURL, callTokenResponder())
	ctx := context.Background()

	var ok callTokenCounter
	wait(t, c.GenerateCallTokenAsync(ctx, "room", ok.onToken, ok.onError))
	assert.Equal(t, int32(1), ok.success.Load())
	assert.Zero(t, ok.failure.Load())
	assert.Equal(t, "room", ok.token.Load().SessionID)

	var bad callTokenCounter
	wait(t, c.GenerateCallTokenAsync(ctx, " ", bad.onToken, bad.onError))
	assert.Zero(t, bad.success.Load())
	assert.Equal(t, int32(1), bad.failure.Load())
	assert.Equal(t, CodeSessionIDMissing, bad.err.Load().Code)

	wait(t, c.GenerateCallTokenAsync(ctx, "room", nil, nil)) // nil callbacks are fine
	assert.Equal(t, 2, calls(mt, http.MethodPost, callTokensURL))

	require.NoError(t, c.Close())
	var closed callTokenCounter
	wait(t, c.GenerateCallTokenAsync(ctx, "room", closed.onToken, closed.onError))
	assert.Equal(t, int32(1), closed.failure.Load())
	assert.Equal(t, CodeClientClosed, closed.err.Load().Code)
}

func TestGenerateCallTokenAsync_CloseWaits(t *testing.T) {
	t.Parallel()
	c, mt := callLoggedIn(t)
	release := make(chan struct{})
	started := make(chan struct{})
	mt.RegisterResponder(http.MethodPost, callTokensURL, func(r *http.Request) (*http.Response, error) {
		close(started)
		<-release
		return callTokenResponder()(r)
	})
	var cc callTokenCounter
	done := c.GenerateCallTokenAsync(context.Background(), "room", cc.onToken, cc.onError)
	<-started
	closed := make(chan struct{})
	go func() { _ = c.Close(); close(closed) }()
	select {
	case <-closed:
		t.Fatal("Close returned while the async call was in flight")
	case <-time.After(20 * time.Millisecond):
	}
	close(release)
	wait(t, done)
	wait(t, closed)
	assert.Equal(t, int32(1), cc.success.Load())
}

func TestFacade_GenerateCallToken(t *testing.T) {
	resetFacade(t)
	t.Cleanup(func() { resetFacade(t) })
	ctx := context.Background()

	_, err := GenerateCallToken(ctx, "")
	requireCode(t, err, CodeSDKNotInitialized)
	var before callTokenCounter
	wait(t, GenerateCallTokenAsync(ctx, "room", before.onToken, before.onError))
	assert.Equal(t, int32(1), before.failure.Load())
	assert.Equal(t, CodeSDKNotInitialized, before.err.Load().Code)

	mt := httpmock.NewMockTransport()
	mockLogin(mt, testUID, "A", testToken)
	mt.RegisterResponder(http.MethodPost, callTokensURL, callTokenResponder())
	require.NoError(t, Init(testAppID, "us", WithHTTPClient(&http.Client{Transport: mt}),
		WithAdminHost(adminBase), WithClientHost(clientBase), WithCallHost(callBase)))
	_, err = GenerateCallToken(ctx, "room")
	requireCode(t, err, CodeAuthTokenMissing)
	_, err = Login(ctx, testUID, testAuthKey)
	require.NoError(t, err)
	ct, err := GenerateCallToken(ctx, "room")
	require.NoError(t, err)
	assert.Equal(t, "room", ct.SessionID)
	var after callTokenCounter
	wait(t, GenerateCallTokenAsync(ctx, "room-2", after.onToken, after.onError))
	assert.Equal(t, int32(1), after.success.Load())
	assert.Equal(t, "room-2", after.token.Load().SessionID)
	assert.Equal(t, 2, calls(mt, http.MethodPost, callTokensURL))
}

func TestGenerateCallToken_ConcurrentCallsAreRaceFree(t *testing.T) {
	t.Parallel()
	c, mt := callLoggedIn(t)
	mt.RegisterResponder(http.MethodPost, callTokensURL, callTokenResponder())
	errs := make(chan error, 16)
	for i := range 16 {
		go func() {
			_, err := c.GenerateCallToken(context.Background(), fmt.Sprint("room-", i))
			errs <- err
		}()
	}
	for range 16 {
		assert.NoError(t, <-errs)
	}
	assert.Equal(t, 16, calls(mt, http.MethodPost, callTokensURL))
	assert.False(t, strings.Contains(fmt.Sprint(c), testToken))
}

func TestGenerateCallToken_UnreadableStore(t *testing.T) {
	t.Parallel()
	boom := errors.New("disk on fire")
	c, mt := callSetup(t, WithSessionStore(&failingStore{loadErr: boom}))
	_, err := c.GenerateCallToken(context.Background(), "room")
	requireCode(t, err, CodeSessionStore)
	assert.ErrorIs(t, err, boom)
	assert.Zero(t, mt.GetTotalCallCount())
}

func TestGenerateCallToken_RestoredSession(t *testing.T) {
	t.Parallel()
	// A session saved by an earlier run is used without logging in again.
	store := NewMemoryStore()
	require.NoError(t, store.Save(context.Background(), &Session{AppID: testAppID, User: User{UID: testUID}, AuthToken: testToken}))
	c, mt := callSetup(t, WithSessionStore(store))
	var rec recorder
	mt.RegisterResponder(http.MethodPost, callTokensURL, rec.wrap(callTokenResponder()))
	_, err := c.GenerateCallToken(context.Background(), "room")
	require.NoError(t, err)
	require.Len(t, rec.all(), 1)
	assert.True(t, rec.all()[0].Header.Get("authToken") == testToken)
	assert.Equal(t, 1, mt.GetTotalCallCount())
}

// TestGenerateCallTokenWithAuthToken_ScrubsTheSessionsToken: a server that
// quotes the logged-in session's token in the error of an explicit-token
// call gets it scrubbed too: every credential the call knows.
func TestGenerateCallTokenWithAuthToken_ScrubsTheSessionsToken(t *testing.T) {
	t.Parallel()
	c, mt := callLoggedIn(t, WithRetries(0))
	const other = "other-user-token-123"
	mt.RegisterResponder(http.MethodPost, callTokensURL, quotingError(403, CodeNoAccess, other, testToken))
	_, err := c.GenerateCallTokenWithAuthToken(context.Background(), "room", other)
	e := requireCode(t, err, CodeNoAccess)
	assertNoSecret(t, "error", fmt.Sprintf("%v %+v", e, e.Details), testToken, other)
}
