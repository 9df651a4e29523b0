package cometchatcalls

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"strings"
	"sync"
	"testing"

	"github.com/jarcoal/httpmock"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestLogin_Validation(t *testing.T) {
	t.Parallel()
	long := strings.Repeat("a", 101)
	tests := []struct {
		name, uid, key, code string
	}{
		{"empty uid", "", testAuthKey, CodeInvalidUID},
		{"blank uid", "  \t", testAuthKey, CodeInvalidUID},
		{"space in uid", "user 1", testAuthKey, CodeUIDWithSpace},
		{"tab in uid", "user\t1", testAuthKey, CodeUIDWithSpace},
		{"newline in uid", "user\n1", testAuthKey, CodeUIDWithSpace},
		{"uid too long", long, testAuthKey, CodeInvalidUID},
		{"slash in uid", "a/b", testAuthKey, CodeInvalidUID},
		{"dot-dot uid", "..", testAuthKey, CodeInvalidUID},
		{"query in uid", "a?b=c", testAuthKey, CodeInvalidUID},
		{"unicode uid", "üser", testAuthKey, CodeInvalidUID},
		{"empty key", testUID, "", CodeAPIKeyNotFound},
		{"blank key", testUID, "   ", CodeAPIKeyNotFound},
		{"control in key", testUID, "key\r\nX-Evil: 1", CodeAPIKeyNotFound},
		// order: uid rules come before the key rule
		{"blank uid and key", "", "", CodeInvalidUID},
		{"space uid, blank key", "a b", "", CodeUIDWithSpace},
		{"space beats length", long + " ", testAuthKey, CodeUIDWithSpace},
		{"bad uid, blank key", "a/b", "", CodeInvalidUID},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c, mt := setup(t)
			var failures []*Error
			c.AddLoginListener("l", LoginListener{OnLoginFailure: func(e *Error) { failures = append(failures, e) }})
			u, err := c.Login(context.Background(), tt.uid, tt.key)
			assert.Nil(t, u)
			e := requireCode(t, err, tt.code)
			assert.NotEmpty(t, e.Message)
			assert.Zero(t, mt.GetTotalCallCount(), "bad input must send no request")
			require.Len(t, failures, 1, "OnLoginFailure hears validation errors")
			assert.Same(t, e, failures[0])
		})
	}
}

func TestLogin_UIDOfExactly100CharactersIsAccepted(t *testing.T) {
	t.Parallel()
	c, mt := setup(t)
	uid := strings.Repeat("u", 100)
	mockLogin(mt, uid, "Long", testToken)
	u, err := c.Login(context.Background(), uid, testAuthKey)
	require.NoError(t, err)
	assert.Equal(t, uid, u.UID)
}

func TestLoginWithAuthToken_Validation(t *testing.T) {
	t.Parallel()
	tests := []struct{ name, token, code string }{
		{"empty", "", CodeBlankAuthToken},
		{"blank", " \t\n", CodeBlankAuthToken},
		{"space", "abc def", CodeAuthTokenWithSpace},
		{"leading space", " abc", CodeAuthTokenWithSpace},
		{"newline", "abc\ndef", CodeAuthTokenWithSpace},
		{"control", "abc\x00def", CodeAuthTokenWithSpace},
		{"delete char", "abc\x7fdef", CodeAuthTokenWithSpace},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c, mt := setup(t)
			_, err := c.LoginWithAuthToken(context.Background(), tt.token)
			requireCode(t, err, tt.code)
			assert.Zero(t, mt.GetTotalCallCount())
		})
	}
}

func TestLogin_WireShape(t *testing.T) {
	t.Parallel()
	c, mt := setup(t, WithUserAgent("myapp/1.0"))
	var rec recorder
	mt.RegisterResponder(http.MethodPost, tokenURL, rec.wrap(
		dataResponder(200, map[string]any{"uid": testUID, "authToken": testToken, "createdAt": 1700000000})))
	mt.RegisterResponder(http.MethodPut, meURL, rec.wrap(dataResponder(200, userJSON(testUID, "Andrew Joseph"))))

	u, err := c.Login(context.Background(), testUID, testAuthKey)
	require.NoError(t, err)
	assert.Equal(t, &User{UID: testUID, Name: "Andrew Joseph", Status: StatusOnline, Role: "default",
		CreatedAt: 1630306819, LastActiveAt: 1700000000}, u)

	reqs := rec.all()
	require.Len(t, reqs, 2)
	post, put := reqs[0], reqs[1]

	assert.Equal(t, http.MethodPost, post.Method)
	assert.Equal(t, tokenURL, post.URL)
	assert.Equal(t, testAppID, post.Header.Get("appId"))
	assert.True(t, post.Header.Get("apiKey") == testAuthKey, "POST must carry the auth key in apiKey")
	assert.Empty(t, post.Header.Get("authToken"))
	assert.Equal(t, "application/json", post.Header.Get("Content-Type"))
	assert.Equal(t, "application/json", post.Header.Get("Accept"))
	assert.Regexp(t, `^cometchatcalls-go/`+Version+` \([a-z0-9]+; [a-z0-9]+\) go\S+ myapp/1\.0$`, post.Header.Get("User-Agent"))

	assert.Equal(t, http.MethodPut, put.Method)
	assert.Equal(t, meURL, put.URL)
	assert.Equal(t, testAppID, put.Header.Get("appId"))
	assert.True(t, put.Header.Get("authToken") == testToken, "PUT /me must carry the new token in authToken")
	assert.Empty(t, put.Header.Get("apiKey"), "the auth key must not reach the client host")

	var deviceID string
	for _, r := range reqs {
		assertJSONBody(t, r.Body, map[string]any{"platform": "web", "deviceId": bodyField(t, r.Body, "deviceId")})
		if deviceID == "" {
			deviceID = bodyField(t, r.Body, "deviceId")
		}
		assert.Equal(t, deviceID, bodyField(t, r.Body, "deviceId"), "one device ID per Client")
		assertNoSecret(t, "URL", r.URL)
	}
	assert.NotEmpty(t, deviceID)
}

func bodyField(t *testing.T, body []byte, key string) string {
	t.Helper()
	var m map[string]any
	require.NoError(t, json.Unmarshal(body, &m))
	s, _ := m[key].(string)
	return s
}

func TestLogin_DeviceIDDiffersBetweenClients(t *testing.T) {
	t.Parallel()
	a, _ := setup(t)
	b, _ := setup(t)
	assert.NotEqual(t, string(a.loginBody), string(b.loginBody))
}

func TestLogin_UIDIsPathEscaped(t *testing.T) {
	t.Parallel()
	// Only [A-Za-z0-9_-] passes validation, so escaping is a no-op today;
	// this pins that the path is built from the escaped form.
	c, mt := setup(t)
	mockLogin(mt, "Under_score-1", "U", testToken)
	_, err := c.Login(context.Background(), "Under_score-1", testAuthKey)
	require.NoError(t, err)
	assert.Equal(t, 1, calls(mt, http.MethodPost, adminBase+"/users/Under_score-1/auth_tokens"))
}

func TestLoginWithAuthToken_WireShape(t *testing.T) {
	t.Parallel()
	c, mt := setup(t)
	var rec recorder
	mt.RegisterResponder(http.MethodPut, meURL, rec.wrap(dataResponder(200, userJSON(testUID, "Andrew Joseph"))))
	u, err := c.LoginWithAuthToken(context.Background(), testToken)
	require.NoError(t, err)
	assert.Equal(t, testUID, u.UID)
	reqs := rec.all()
	require.Len(t, reqs, 1)
	assert.Equal(t, http.MethodPut, reqs[0].Method)
	assert.True(t, reqs[0].Header.Get("authToken") == testToken)
	assert.Equal(t, testAppID, reqs[0].Header.Get("appId"))
	assert.Equal(t, "web", bodyField(t, reqs[0].Body, "platform"))
	assert.Zero(t, mt.GetTotalCallCount()-1, "exactly one request")
	tok, err := c.GetUserAuthToken(context.Background())
	require.NoError(t, err)
	assert.True(t, tok == testToken, "GetUserAuthToken returns the session's token")
}

func TestLogin_SameUserSendsNoRequest(t *testing.T) {
	t.Parallel()
	c, mt := setup(t)
	mockLogin(mt, testUID, "Andrew", testToken)
	ctx := context.Background()
	_, err := c.Login(ctx, testUID, testAuthKey)
	require.NoError(t, err)
	var events int
	c.AddLoginListener("l", LoginListener{OnLoginSuccess: func(*User) { events++ }})

	u, err := c.Login(ctx, testUID, "another-key-entirely")
	require.NoError(t, err)
	assert.Equal(t, testUID, u.UID)
	assert.Equal(t, 2, mt.GetTotalCallCount(), "no request for the same uid")
	assert.Zero(t, events, "a no-op login fires no listener")

	u, err = c.LoginWithAuthToken(ctx, testToken)
	require.NoError(t, err)
	assert.Equal(t, testUID, u.UID)
	assert.Equal(t, 2, mt.GetTotalCallCount(), "no request for the same token")
}

func TestLogin_UIDComparisonIsCaseSensitive(t *testing.T) {
	t.Parallel()
	c, mt := setup(t)
	mockLogin(mt, "user1", "lower", testToken)
	mockLogin(mt, "USER1", "upper", testToken2)
	mockLogout(mt)
	ctx := context.Background()
	_, err := c.Login(ctx, "user1", testAuthKey)
	require.NoError(t, err)
	u, err := c.Login(ctx, "USER1", testAuthKey)
	require.NoError(t, err)
	assert.Equal(t, "USER1", u.UID)
	assert.Equal(t, 1, calls(mt, http.MethodDelete, meURL), "a different uid logs the first one out")
}

func TestLogin_DifferentUserLogsTheOldOneOutAfterTheNewLogin(t *testing.T) {
	t.Parallel()
	c, mt := setup(t)
	mockLogin(mt, testUID, "Andrew", testToken)
	mockLogin(mt, "cometchat-uid-2", "George", testToken2)
	var order []string
	mt.RegisterMatcherResponder(http.MethodDelete, meURL, httpmock.HeaderIs("authToken", testToken),
		func(r *http.Request) (*http.Response, error) {
			order = append(order, "DELETE old")
			return dataResponder(200, map[string]any{"success": true})(r)
		})
	ctx := context.Background()
	_, err := c.Login(ctx, testUID, testAuthKey)
	require.NoError(t, err)
	c.AddLoginListener("l", LoginListener{
		OnLogoutSuccess: func() { order = append(order, "OnLogoutSuccess") },
		OnLoginSuccess:  func(u *User) { order = append(order, "OnLoginSuccess "+u.UID) },
	})

	u, err := c.Login(ctx, "cometchat-uid-2", testAuthKey)
	require.NoError(t, err)
	assert.Equal(t, "cometchat-uid-2", u.UID)
	assert.Equal(t, []string{"DELETE old", "OnLogoutSuccess", "OnLoginSuccess cometchat-uid-2"}, order)
	tok, _ := c.GetUserAuthToken(ctx)
	assert.True(t, tok == testToken2, "the new token is the session's")
}

func TestLoginWithAuthToken_DifferentTokenLogsTheOldOneOut(t *testing.T) {
	t.Parallel()
	c, mt := setup(t)
	mt.RegisterMatcherResponder(http.MethodPut, meURL, httpmock.HeaderIs("authToken", testToken), dataResponder(200, userJSON(testUID, "A")))
	mt.RegisterMatcherResponder(http.MethodPut, meURL, httpmock.HeaderIs("authToken", testToken2), dataResponder(200, userJSON(testUID, "A")))
	mockLogout(mt)
	ctx := context.Background()
	_, err := c.LoginWithAuthToken(ctx, testToken)
	require.NoError(t, err)
	_, err = c.LoginWithAuthToken(ctx, testToken2)
	require.NoError(t, err)
	assert.Equal(t, 1, calls(mt, http.MethodDelete, meURL))
	assert.Equal(t, 3, mt.GetTotalCallCount(), "two PUT /me and one DELETE /me")
}

func TestLogin_FailedImplicitLogoutIsLoggedAndLoginGoesOn(t *testing.T) {
	t.Parallel()
	var logs strings.Builder
	c, mt := setup(t, WithLogger(newTestLogger(&logs)), WithRetries(0))
	mockLogin(mt, testUID, "A", testToken)
	mockLogin(mt, "cometchat-uid-2", "B", testToken2)
	mt.RegisterResponder(http.MethodDelete, meURL, errorResponder(500, "ERR_INTERNAL", "boom"))
	ctx := context.Background()
	_, err := c.Login(ctx, testUID, testAuthKey)
	require.NoError(t, err)
	logoutOK := 0
	c.AddLoginListener("l", LoginListener{OnLogoutSuccess: func() { logoutOK++ }})
	u, err := c.Login(ctx, "cometchat-uid-2", testAuthKey)
	require.NoError(t, err)
	assert.Equal(t, "cometchat-uid-2", u.UID)
	assert.Equal(t, 1, logoutOK, "the local session ended: OnLogoutSuccess")
	assert.Contains(t, logs.String(), "level=WARN")
	assert.Contains(t, logs.String(), "ERR_INTERNAL")
	assertNoSecret(t, "log", logs.String())
}

func TestLogin_ServerErrorsKeepTheirCodes(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name      string
		status    int
		code      string
		failOnPut bool
		sentinel  *Error
	}{
		{"unknown uid", 404, "ERR_UID_NOT_FOUND", false, ErrUIDNotFound},
		{"wrong key", 404, "AUTH_ERR_APIKEY_NOT_FOUND", false, ErrAPIKeyInvalid},
		{"no access", 403, "AUTH_ERR_NO_ACCESS", false, ErrNoAccess},
		{"token unknown on /me", 401, "AUTH_ERR_AUTH_TOKEN_NOT_FOUND", true, ErrAuthTokenNotFound},
		{"unknown code passes through", 400, "ERR_SOMETHING_NEW", false, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c, mt := setup(t)
			msg := "server says: " + tt.code
			if tt.failOnPut {
				mt.RegisterResponder(http.MethodPost, tokenURL, dataResponder(200, map[string]any{"uid": testUID, "authToken": testToken}))
				mt.RegisterResponder(http.MethodPut, meURL, errorResponder(tt.status, tt.code, msg))
			} else {
				mt.RegisterResponder(http.MethodPost, tokenURL, errorResponder(tt.status, tt.code, msg))
			}
			var heard *Error
			c.AddLoginListener("l", LoginListener{OnLoginFailure: func(e *Error) { heard = e }})
			u, err := c.Login(context.Background(), testUID, testAuthKey)
			assert.Nil(t, u)
			e := requireCode(t, err, tt.code)
			assert.Equal(t, tt.status, e.HTTPStatus)
			assert.Equal(t, msg, e.Message)
			if tt.sentinel != nil {
				assert.ErrorIs(t, err, tt.sentinel)
			}
			assert.Same(t, e, heard)
			assert.False(t, c.IsUserLoggedIn(context.Background()))
			assert.Equal(t, 1, calls(mt, http.MethodPost, tokenURL), "auth errors are never retried")
		})
	}
}

func TestLogin_ErrorInA2xxIsAnError(t *testing.T) {
	t.Parallel()
	c, mt := setup(t)
	mt.RegisterResponder(http.MethodPost, tokenURL, errorResponder(200, "ERR_UID_NOT_FOUND", "no such user"))
	_, err := c.Login(context.Background(), testUID, testAuthKey)
	e := requireCode(t, err, CodeUIDNotFound)
	assert.Equal(t, 200, e.HTTPStatus)
}

func TestLogin_ServerQuotingACredentialIsRedacted(t *testing.T) {
	t.Parallel()
	c, mt := setup(t)
	mt.RegisterResponder(http.MethodPost, tokenURL, httpmock.NewJsonResponderOrPanic(404, map[string]any{
		"error": map[string]any{
			"code":    "AUTH_ERR_APIKEY_NOT_FOUND",
			"message": "The apiKey " + testAuthKey + " does not exist.",
			"details": map[string]any{"apiKey": testAuthKey, "list": []any{testAuthKey, 1.0}},
		},
	}))
	_, err := c.Login(context.Background(), testUID, testAuthKey)
	e := requireCode(t, err, CodeAPIKeyInvalid)
	assert.Equal(t, "The auth key [REDACTED] does not exist.", e.Message)
	assert.Equal(t, map[string]any{"apiKey": "[REDACTED]", "list": []any{"[REDACTED]", 1.0}}, e.Details)
	assertNoSecret(t, "error", err.Error())

	c2, mt2 := setup(t)
	mt2.RegisterResponder(http.MethodPut, meURL, errorResponder(401, "AUTH_ERR_AUTH_TOKEN_NOT_FOUND",
		"The auth token "+testToken+" does not exist."))
	_, err = c2.LoginWithAuthToken(context.Background(), testToken)
	e = requireCode(t, err, CodeAuthTokenNotFound)
	assert.Equal(t, "The auth token [REDACTED] does not exist.", e.Message)
}

func TestLogin_TokenResponseWithoutTokenIsInvalid(t *testing.T) {
	t.Parallel()
	for name, data := range map[string]any{
		"no token":    map[string]any{"uid": testUID},
		"blank token": map[string]any{"uid": testUID, "authToken": "  "},
		"token w/ CR": map[string]any{"uid": testUID, "authToken": "a\rb"},
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			c, mt := setup(t)
			mt.RegisterResponder(http.MethodPost, tokenURL, dataResponder(200, data))
			_, err := c.Login(context.Background(), testUID, testAuthKey)
			requireCode(t, err, CodeInvalidResponse)
			assert.Equal(t, 1, mt.GetTotalCallCount(), "no PUT /me without a token")
		})
	}
}

func TestLoginWithAuthToken_UserWithoutUIDIsInvalid(t *testing.T) {
	t.Parallel()
	c, mt := setup(t)
	mt.RegisterResponder(http.MethodPut, meURL, dataResponder(200, map[string]any{"name": "nobody"}))
	_, err := c.LoginWithAuthToken(context.Background(), testToken)
	requireCode(t, err, CodeInvalidResponse)
	assert.False(t, c.IsUserLoggedIn(context.Background()))
}

// blockingResponder answers only after release is closed, and signals
// entered when a request arrives: it makes "in progress" deterministic.
func blockingResponder(entered chan<- struct{}, release <-chan struct{}, next httpmock.Responder) httpmock.Responder {
	return func(r *http.Request) (*http.Response, error) {
		entered <- struct{}{}
		<-release
		return next(r)
	}
}

func TestLogin_ConcurrentLoginIsRejectedAtOnce(t *testing.T) {
	t.Parallel()
	c, mt := setup(t)
	entered, release := make(chan struct{}, 1), make(chan struct{})
	mt.RegisterResponder(http.MethodPost, tokenURL, blockingResponder(entered, release,
		dataResponder(200, map[string]any{"uid": testUID, "authToken": testToken})))
	mt.RegisterResponder(http.MethodPut, meURL, dataResponder(200, userJSON(testUID, "A")))
	var failures int
	c.AddLoginListener("l", LoginListener{OnLoginFailure: func(*Error) { failures++ }})

	ctx := context.Background()
	var wg sync.WaitGroup
	wg.Add(1)
	var firstErr error
	go func() {
		defer wg.Done()
		_, firstErr = c.Login(ctx, testUID, testAuthKey)
	}()
	<-entered

	_, err := c.Login(ctx, "cometchat-uid-2", testAuthKey)
	requireCode(t, err, CodeLoginInProgress)
	_, err = c.LoginWithAuthToken(ctx, testToken2)
	requireCode(t, err, CodeLoginInProgress)
	_, err = c.Login(ctx, "", "") // in-progress is checked before the input
	requireCode(t, err, CodeLoginInProgress)
	err = c.Logout(ctx)
	requireCode(t, err, CodeLoginInProgress)
	assert.Zero(t, failures, "an in-progress rejection is not an attempt")

	close(release)
	wg.Wait()
	require.NoError(t, firstErr)
	assert.True(t, c.IsUserLoggedIn(ctx))
	// the gate is open again
	mockLogout(mt)
	require.NoError(t, c.Logout(ctx))
}

func loggedIn(t *testing.T, opts ...Option) (*Client, *httpmock.MockTransport) {
	t.Helper()
	c, mt := setup(t, opts...)
	mockLogin(mt, testUID, "Andrew Joseph", testToken)
	_, err := c.Login(context.Background(), testUID, testAuthKey)
	require.NoError(t, err)
	return c, mt
}

func TestLogout_WireShapeAndSuccess(t *testing.T) {
	t.Parallel()
	c, mt := loggedIn(t)
	var rec recorder
	mt.RegisterResponder(http.MethodDelete, meURL, rec.wrap(dataResponder(200, map[string]any{"success": true})))
	var events []string
	c.AddLoginListener("l", LoginListener{
		OnLogoutSuccess: func() { events = append(events, "ok") },
		OnLogoutFailure: func(*Error) { events = append(events, "fail") },
	})
	require.NoError(t, c.Logout(context.Background()))
	reqs := rec.all()
	require.Len(t, reqs, 1)
	assert.Equal(t, http.MethodDelete, reqs[0].Method)
	assert.True(t, reqs[0].Header.Get("authToken") == testToken)
	assert.Equal(t, testAppID, reqs[0].Header.Get("appId"))
	assert.Empty(t, reqs[0].Header.Get("apiKey"))
	assert.Equal(t, []string{"ok"}, events)
	u, err := c.GetLoggedInUser(context.Background())
	assert.NoError(t, err)
	assert.Nil(t, u)
}

func TestLogout_NobodyLoggedIn(t *testing.T) {
	t.Parallel()
	c, mt := setup(t)
	fired := false
	c.AddLoginListener("l", LoginListener{OnLogoutFailure: func(*Error) { fired = true }, OnLogoutSuccess: func() { fired = true }})
	requireCode(t, c.Logout(context.Background()), CodeNoUserLoggedIn)
	assert.Zero(t, mt.GetTotalCallCount())
	assert.False(t, fired)
}

func TestLogout_TokenAlreadyGoneIsSuccess(t *testing.T) {
	t.Parallel()
	c, mt := loggedIn(t)
	mt.RegisterResponder(http.MethodDelete, meURL, errorResponder(401, CodeAuthTokenNotFound, "The auth token "+testToken+" does not exist"))
	require.NoError(t, c.Logout(context.Background()))
	assert.False(t, c.IsUserLoggedIn(context.Background()))
}

func TestLogout_ServerFailureEndsLocalSessionAndReportsLogoutFail(t *testing.T) {
	t.Parallel()
	tests := map[string]struct {
		responder httpmock.Responder
		inner     *Error
	}{
		"server error":     {errorResponder(500, "ERR_INTERNAL", "boom"), &Error{Code: "ERR_INTERNAL"}},
		"network error":    {httpmock.NewErrorResponder(errors.New("connection reset")), ErrNetwork},
		"proxy error page": {rawResponder(502, "text/html", "<html>bad gateway</html>"), ErrServerUnavailable},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			store := NewMemoryStore()
			c, mt := loggedIn(t, WithRetries(0), WithSessionStore(store))
			mt.RegisterResponder(http.MethodDelete, meURL, tt.responder)
			var heard *Error
			okFired := false
			c.AddLoginListener("l", LoginListener{OnLogoutFailure: func(e *Error) { heard = e }, OnLogoutSuccess: func() { okFired = true }})
			err := c.Logout(context.Background())
			requireCode(t, err, CodeLogoutFail)
			assert.ErrorIs(t, err, ErrLogoutFail)
			assert.ErrorIs(t, err, tt.inner, "Unwrap reaches the underlying error")
			var inner *Error
			require.ErrorAs(t, errors.Unwrap(err), &inner)
			assert.Equal(t, tt.inner.Code, inner.Code)
			assert.NotNil(t, heard)
			assert.False(t, okFired)
			assert.False(t, c.IsUserLoggedIn(context.Background()), "the local session ends anyway")
			s, err := store.Load(context.Background(), testAppID)
			assert.NoError(t, err)
			assert.Nil(t, s, "the stored session ends anyway")
		})
	}
}

func TestLogout_Twice(t *testing.T) {
	t.Parallel()
	c, mt := loggedIn(t)
	mockLogout(mt)
	require.NoError(t, c.Logout(context.Background()))
	requireCode(t, c.Logout(context.Background()), CodeNoUserLoggedIn)
	assert.Equal(t, 1, calls(mt, http.MethodDelete, meURL))
}

func TestGetLoggedInUser_ReturnsDeepCopies(t *testing.T) {
	t.Parallel()
	c, mt := setup(t)
	u := userJSON(testUID, "A")
	u["metadata"] = map[string]any{"plan": "pro", "nested": map[string]any{"k": []any{"v"}}}
	u["tags"] = []any{"t1", "t2"}
	mt.RegisterResponder(http.MethodPut, meURL, dataResponder(200, u))
	ctx := context.Background()
	first, err := c.LoginWithAuthToken(ctx, testToken)
	require.NoError(t, err)

	first.Name = "changed"
	first.Metadata["plan"] = "free"
	first.Metadata["nested"].(map[string]any)["k"].([]any)[0] = "changed"
	first.Tags[0] = "changed"

	again, err := c.GetLoggedInUser(ctx)
	require.NoError(t, err)
	assert.Equal(t, "A", again.Name)
	assert.Equal(t, "pro", again.Metadata["plan"])
	assert.Equal(t, "v", again.Metadata["nested"].(map[string]any)["k"].([]any)[0])
	assert.Equal(t, []string{"t1", "t2"}, again.Tags)
}

func TestGetLoggedInUser_NobodyIsNilNil(t *testing.T) {
	t.Parallel()
	c, mt := setup(t)
	u, err := c.GetLoggedInUser(context.Background())
	assert.NoError(t, err)
	assert.Nil(t, u)
	assert.False(t, c.IsUserLoggedIn(context.Background()))
	_, err = c.GetUserAuthToken(context.Background())
	requireCode(t, err, CodeNoUserLoggedIn)
	_, err = c.ValidateSession(context.Background())
	requireCode(t, err, CodeNoUserLoggedIn)
	assert.Zero(t, mt.GetTotalCallCount())
}

// keptUser makes the copies GetLoggedInUser returns escape to the heap.
var keptUser *User

// TestGetLoggedInUser_AllocatesOnlyTheCopy: after the first load, a read is
// an atomic load and the copy it returns, whatever the compiler inlines.
func TestGetLoggedInUser_AllocatesOnlyTheCopy(t *testing.T) {
	c, _ := loggedIn(t)
	ctx := context.Background()
	_, err := c.GetLoggedInUser(ctx)
	require.NoError(t, err)
	allocs := testing.AllocsPerRun(1000, func() {
		keptUser, _ = c.GetLoggedInUser(ctx)
	})
	require.NotNil(t, keptUser)
	assert.LessOrEqual(t, allocs, 1.0)
}

func TestValidateSession_RefreshesUserAndStore(t *testing.T) {
	t.Parallel()
	store := NewMemoryStore()
	c, mt := loggedIn(t, WithSessionStore(store))
	var rec recorder
	mt.RegisterResponder(http.MethodGet, meURL, rec.wrap(dataResponder(200, userJSON(testUID, "Renamed"))))
	u, err := c.ValidateSession(context.Background())
	require.NoError(t, err)
	assert.Equal(t, "Renamed", u.Name)
	reqs := rec.all()
	require.Len(t, reqs, 1)
	assert.True(t, reqs[0].Header.Get("authToken") == testToken)
	assert.Empty(t, reqs[0].Body)
	got, _ := c.GetLoggedInUser(context.Background())
	assert.Equal(t, "Renamed", got.Name)
	s, err := store.Load(context.Background(), testAppID)
	require.NoError(t, err)
	assert.Equal(t, "Renamed", s.User.Name)
	assert.True(t, s.AuthToken == testToken)
}

func TestValidateSession_RevokedTokenEndsSession(t *testing.T) {
	t.Parallel()
	store := NewMemoryStore()
	c, mt := loggedIn(t, WithSessionStore(store))
	mt.RegisterResponder(http.MethodGet, meURL, errorResponder(401, CodeAuthTokenNotFound, "The auth token "+testToken+" does not exist"))
	logouts := 0
	c.AddLoginListener("l", LoginListener{OnLogoutSuccess: func() { logouts++ }})
	_, err := c.ValidateSession(context.Background())
	e := requireCode(t, err, CodeAuthTokenNotFound)
	assert.ErrorIs(t, err, ErrAuthTokenNotFound)
	assertNoSecret(t, "error", e.Error())
	assert.Equal(t, 1, logouts)
	assert.False(t, c.IsUserLoggedIn(context.Background()))
	s, _ := store.Load(context.Background(), testAppID)
	assert.Nil(t, s)
}

func TestValidateSession_OtherErrorsKeepSession(t *testing.T) {
	t.Parallel()
	c, mt := loggedIn(t, WithRetries(0))
	mt.RegisterResponder(http.MethodGet, meURL, errorResponder(500, "ERR_INTERNAL", "boom"))
	_, err := c.ValidateSession(context.Background())
	requireCode(t, err, "ERR_INTERNAL")
	assert.True(t, c.IsUserLoggedIn(context.Background()))
}

func TestValidateSession_DoesNotUndoAConcurrentLogout(t *testing.T) {
	t.Parallel()
	c, mt := loggedIn(t)
	mockLogout(mt)
	entered, release := make(chan struct{}, 1), make(chan struct{})
	mt.RegisterResponder(http.MethodGet, meURL, blockingResponder(entered, release, dataResponder(200, userJSON(testUID, "A"))))
	done := make(chan error)
	go func() { _, err := c.ValidateSession(context.Background()); done <- err }()
	<-entered
	require.NoError(t, c.Logout(context.Background()))
	close(release)
	require.NoError(t, <-done)
	assert.False(t, c.IsUserLoggedIn(context.Background()), "a refresh must not resurrect a logged-out session")
}

func TestRestore_NewClientFindsStoredSessionWithoutRequests(t *testing.T) {
	t.Parallel()
	store := NewMemoryStore()
	first, _ := loggedIn(t, WithSessionStore(store))
	require.NoError(t, first.Close())

	c, mt := setup(t, WithSessionStore(store))
	u, err := c.GetLoggedInUser(context.Background())
	require.NoError(t, err)
	require.NotNil(t, u)
	assert.Equal(t, testUID, u.UID)
	u, err = c.Login(context.Background(), testUID, testAuthKey)
	require.NoError(t, err)
	assert.Equal(t, testUID, u.UID)
	assert.Zero(t, mt.GetTotalCallCount())
}

func TestRestore_SessionOfAnotherAppIsIgnored(t *testing.T) {
	t.Parallel()
	store := NewMemoryStore()
	require.NoError(t, store.Save(context.Background(), &Session{AppID: "otherapp", User: User{UID: "x"}, AuthToken: testToken}))
	c, _ := setup(t, WithSessionStore(store))
	u, err := c.GetLoggedInUser(context.Background())
	assert.NoError(t, err)
	assert.Nil(t, u)
}

// failingStore fails the operations named in fail.
type failingStore struct {
	MemoryStore
	loadErr, saveErr, deleteErr error
}

func (f *failingStore) Load(ctx context.Context, appID string) (*Session, error) {
	if f.loadErr != nil {
		return nil, f.loadErr
	}
	return f.MemoryStore.Load(ctx, appID)
}

func (f *failingStore) Save(ctx context.Context, s *Session) error {
	if f.saveErr != nil {
		return f.saveErr
	}
	return f.MemoryStore.Save(ctx, s)
}

func (f *failingStore) Delete(ctx context.Context, appID string) error {
	if f.deleteErr != nil {
		return f.deleteErr
	}
	return f.MemoryStore.Delete(ctx, appID)
}

// SaveIfToken overrides MemoryStore's, as Save does: a store that embeds
// MemoryStore overrides both or neither.
func (f *failingStore) SaveIfToken(ctx context.Context, s *Session, token string) error {
	if f.saveErr != nil {
		return f.saveErr
	}
	return f.MemoryStore.SaveIfToken(ctx, s, token)
}

// DeleteIfToken overrides MemoryStore's, as Delete does: a store that
// embeds MemoryStore overrides both or neither.
func (f *failingStore) DeleteIfToken(ctx context.Context, appID, token string) error {
	if f.deleteErr != nil {
		return f.deleteErr
	}
	return f.MemoryStore.DeleteIfToken(ctx, appID, token)
}

func TestStoreErrors(t *testing.T) {
	t.Parallel()
	boom := errors.New("disk on fire")
	ctx := context.Background()

	t.Run("load error on GetLoggedInUser", func(t *testing.T) {
		t.Parallel()
		c, _ := setup(t, WithSessionStore(&failingStore{loadErr: boom}))
		_, err := c.GetLoggedInUser(ctx)
		requireCode(t, err, CodeSessionStore)
		assert.ErrorIs(t, err, boom)
		assert.False(t, c.IsUserLoggedIn(ctx))
	})
	t.Run("login over an unreadable store succeeds", func(t *testing.T) {
		t.Parallel()
		var logs strings.Builder
		c, mt := setup(t, WithSessionStore(&failingStore{loadErr: boom}), WithLogger(newTestLogger(&logs)))
		mockLogin(mt, testUID, "A", testToken)
		_, err := c.Login(ctx, testUID, testAuthKey)
		require.NoError(t, err)
		assert.Contains(t, logs.String(), "unreadable session store")
	})
	t.Run("save error fails the login", func(t *testing.T) {
		t.Parallel()
		c, mt := setup(t, WithSessionStore(&failingStore{saveErr: boom}))
		mockLogin(mt, testUID, "A", testToken)
		_, err := c.Login(ctx, testUID, testAuthKey)
		requireCode(t, err, CodeSessionStore)
		assert.ErrorIs(t, err, boom)
		assert.False(t, c.IsUserLoggedIn(ctx))
	})
	t.Run("save error fails ValidateSession and keeps the session", func(t *testing.T) {
		t.Parallel()
		fs := &failingStore{}
		c, mt := loggedIn(t, WithSessionStore(fs))
		mt.RegisterResponder(http.MethodGet, meURL, dataResponder(200, userJSON(testUID, "Renamed")))
		before, err := c.GetLoggedInUser(ctx)
		require.NoError(t, err)
		fs.saveErr = boom
		_, err = c.ValidateSession(ctx)
		requireCode(t, err, CodeSessionStore)
		assert.ErrorIs(t, err, boom)
		u, err := c.GetLoggedInUser(ctx)
		require.NoError(t, err)
		assert.Equal(t, before.Name, u.Name, "the refresh that could not be saved is not kept")
		assert.NotEqual(t, "Renamed", u.Name)
	})
	t.Run("delete error on logout", func(t *testing.T) {
		t.Parallel()
		fs := &failingStore{}
		c, mt := loggedIn(t, WithSessionStore(fs))
		mockLogout(mt)
		fs.deleteErr = boom
		var heard *Error
		c.AddLoginListener("l", LoginListener{OnLogoutFailure: func(e *Error) { heard = e }})
		err := c.Logout(ctx)
		requireCode(t, err, CodeSessionStore)
		assert.NotNil(t, heard)
		assert.Equal(t, 1, calls(mt, http.MethodDelete, meURL), "the server is still told")
		assert.False(t, c.IsUserLoggedIn(ctx))
	})
}

// cancellingStore cancels the caller's context as Save begins, then saves
// only if the context it was given is still live, as a store that honours
// its context does.
type cancellingStore struct {
	MemoryStore
	cancel context.CancelFunc
}

func (s *cancellingStore) Save(ctx context.Context, sess *Session) error {
	s.cancel()
	if err := ctx.Err(); err != nil {
		return err
	}
	return s.MemoryStore.Save(ctx, sess)
}

// TestLogin_StoreWriteIsBoundedByTheCallersContext: the store gets the
// caller's context; when it ends during the write, the login fails with
// ERROR_SESSION_STORE and changes nothing.
func TestLogin_StoreWriteIsBoundedByTheCallersContext(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	store := &cancellingStore{cancel: cancel}
	c, mt := setup(t, WithSessionStore(store))
	mockLogin(mt, testUID, "A", testToken)
	var heard []string
	c.AddLoginListener("l", LoginListener{
		OnLoginSuccess: func(*User) { heard = append(heard, "login") },
		OnLoginFailure: func(e *Error) { heard = append(heard, "failure "+e.Code) },
	})
	_, err := c.Login(ctx, testUID, testAuthKey)
	requireCode(t, err, CodeSessionStore)
	assert.ErrorIs(t, err, context.Canceled)
	assert.Equal(t, []string{"failure " + CodeSessionStore}, heard)
	assert.False(t, c.IsUserLoggedIn(context.Background()))
	s, err := store.Load(context.Background(), testAppID)
	require.NoError(t, err)
	assert.Nil(t, s)
}

func TestClosedClient(t *testing.T) {
	t.Parallel()
	c, mt := loggedIn(t)
	require.NoError(t, c.Close())
	require.NoError(t, c.Close(), "Close is idempotent")
	ctx := context.Background()
	_, err := c.Login(ctx, testUID, testAuthKey)
	requireCode(t, err, CodeClientClosed)
	_, err = c.LoginWithAuthToken(ctx, testToken)
	requireCode(t, err, CodeClientClosed)
	requireCode(t, c.Logout(ctx), CodeClientClosed)
	_, err = c.GetLoggedInUser(ctx)
	requireCode(t, err, CodeClientClosed)
	_, err = c.GetUserAuthToken(ctx)
	requireCode(t, err, CodeClientClosed)
	_, err = c.ValidateSession(ctx)
	requireCode(t, err, CodeClientClosed)
	assert.False(t, c.IsUserLoggedIn(ctx))
	assert.Equal(t, 2, mt.GetTotalCallCount())
}

func TestNilContext(t *testing.T) {
	t.Parallel()
	c, mt := setup(t)
	var nilCtx context.Context
	requireCodes(t, clientCalls(nilCtx, c), CodeInvalidArgument)
	assert.False(t, c.IsUserLoggedIn(nilCtx))
	assert.Zero(t, mt.GetTotalCallCount())
}

func TestLogin_ConcurrentCallsAreRaceFree(t *testing.T) {
	t.Parallel()
	c, mt := setup(t)
	mockLogin(mt, testUID, "A", testToken)
	mockLogout(mt)
	ctx := context.Background()
	var wg sync.WaitGroup
	for i := 0; i < 8; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := 0; j < 20; j++ {
				_, _ = c.Login(ctx, testUID, testAuthKey)
				_, _ = c.GetLoggedInUser(ctx)
				_ = c.Logout(ctx)
				_ = c.IsUserLoggedIn(ctx)
			}
		}()
	}
	wg.Wait()
	// whatever interleaving happened, the state is consistent
	u, err := c.GetLoggedInUser(ctx)
	require.NoError(t, err)
	_, tokErr := c.GetUserAuthToken(ctx)
	assert.Equal(t, u != nil, tokErr == nil)
}

// The same wire contract as TestLogin_WireShape, written as httpmock
// matchers: a request that differs in a header or the body finds no
// responder and the login fails.
func TestLogin_MatchersOnHeadersAndBody(t *testing.T) {
	t.Parallel()
	c, mt := setup(t)
	admin := httpmock.HeaderIs("appId", testAppID).
		And(httpmock.HeaderIs("apiKey", testAuthKey)).
		And(httpmock.HeaderIs("Content-Type", "application/json")).
		And(httpmock.BodyContainsString(`"platform":"web"`)).
		And(httpmock.BodyContainsString(`"deviceId":"go-`))
	client := httpmock.HeaderIs("appId", testAppID).
		And(httpmock.HeaderIs("authToken", testToken)).
		And(httpmock.NewMatcher("no apiKey", func(r *http.Request) bool { return r.Header.Get("apiKey") == "" })).
		And(httpmock.BodyContainsString(`"platform":"web"`))
	mt.RegisterMatcherResponder(http.MethodPost, tokenURL, admin,
		dataResponder(200, map[string]any{"uid": testUID, "authToken": testToken}))
	mt.RegisterMatcherResponder(http.MethodPut, meURL, client, dataResponder(200, userJSON(testUID, "A")))

	_, err := c.Login(context.Background(), testUID, testAuthKey)
	require.NoError(t, err)
	assert.Equal(t, 2, mt.GetTotalCallCount())

	other, mt2 := setup(t, WithRetries(0))
	mt2.RegisterMatcherResponder(http.MethodPost, tokenURL, admin,
		dataResponder(200, map[string]any{"uid": testUID, "authToken": testToken}))
	_, err = other.Login(context.Background(), testUID, "a-different-key")
	requireCode(t, err, CodeNetwork) // httpmock: no responder matches
}

// TestLogin_SwitchingUsersScrubsTheAuthKeyFromTheRevocation: when Login
// switches users, the previous user's DELETE /me belongs to the same call,
// which knows the auth key: an answer quoting it must not reach the logs.
func TestLogin_SwitchingUsersScrubsTheAuthKeyFromTheRevocation(t *testing.T) {
	t.Parallel()
	var logs strings.Builder
	c, mt := loggedIn(t, WithLogger(newTestLogger(&logs)))
	mockLogin(mt, "cometchat-uid-2", "B", testToken2)
	mt.RegisterResponder(http.MethodDelete, meURL, errorResponder(500, "ERR_"+testAuthKey, "no such key "+testAuthKey))
	_, err := c.Login(context.Background(), "cometchat-uid-2", testAuthKey)
	require.NoError(t, err)
	require.Equal(t, 1, calls(mt, http.MethodDelete, meURL))
	assert.Contains(t, logs.String(), "the previous user's logout was not confirmed")
	assertNoSecret(t, "the log", logs.String())
}
