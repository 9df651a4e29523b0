package cometchatcalls

// A hostile or broken server (issue 12): credentials echoed back in every
// form, control characters in its text, Retry-After values from proxies
// and attackers. And which failures are worth trying again (issue 16).

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode"

	"github.com/jarcoal/httpmock"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// newTestTransport is a Client's transport sending through rt, with the
// test hosts.
func newTestTransport(t *testing.T, rt http.RoundTripper, opts ...Option) *transport {
	t.Helper()
	cfg := defaultConfig()
	cfg.httpClient = &http.Client{Transport: rt}
	cfg.adminHost, cfg.clientHost, cfg.callHost = adminBase, clientBase, "https://call.test/call/v3.0"
	for _, o := range opts {
		require.NoError(t, o(&cfg))
	}
	tr := newTransport(testAppID, &cfg)
	t.Cleanup(tr.close)
	return tr
}

// recordWaits replaces tr's sleep between attempts with one that returns
// at once and remembers how long it was asked to wait.
func recordWaits(tr *transport) func() []time.Duration {
	var mu sync.Mutex
	var waits []time.Duration
	tr.sleep = func(_ context.Context, d time.Duration) error {
		mu.Lock()
		defer mu.Unlock()
		waits = append(waits, d)
		return nil
	}
	return func() []time.Duration {
		mu.Lock()
		defer mu.Unlock()
		return append([]time.Duration(nil), waits...)
	}
}

// escapedForms are the ways a server or proxy may quote a credential:
// as it is, path-escaped, query-escaped.
func escapedForms(s string) []string {
	return []string{s, url.PathEscape(s), url.QueryEscape(s)}
}

// echoAll is a JSON string body quoting every form of s, the raw one
// \u-escaped so that it only appears once decoded.
func echoAll(s string) string {
	return jsonUnicode(s) + " " + jsonInner(url.PathEscape(s)) + " " + jsonInner(url.QueryEscape(s))
}

// TestScrub_EveryCredentialTheCallKnows: the credential header, the token
// in the path and the other credentials of the call (newRequest's known) are
// scrubbed from Code, Message, Details (nested keys and values) and
// Error(), whether the server quotes them JSON-escaped, path-escaped or
// query-escaped; and from the URL of a transport error and the log line.
func TestScrub_EveryCredentialTheCallKnows(t *testing.T) {
	t.Parallel()
	const (
		key      = testAuthKey
		known    = testToken
		pathTok  = "tok/en?x=1+2&y=%41-0123456789abcdef"
		otherKey = "another-known-5ecret-fedcba9876543210"
	)
	secrets := []string{key, known, pathTok, otherKey}
	body := `{"error":{"code":"ERR_` + jsonUnicode(known) + `","message":"key ` + echoAll(key) +
		` token ` + echoAll(known) + ` path ` + echoAll(pathTok) + ` other ` + echoAll(otherKey) + `",` +
		`"details":{"` + jsonUnicode(key) + `":[{"deep":"` + echoAll(known) + `","` + jsonInner(url.PathEscape(pathTok)) + `":1},"` + echoAll(otherKey) + `"]}}}`
	req := func() request {
		req := newRequest(roleAdmin, http.MethodDelete, "/users/u/auth_tokens/"+url.PathEscape(pathTok), secret(key), nil,
			secret(pathTok), secret(known), secret(otherKey))
		req.query = "token=" + url.QueryEscape(known)
		return req
	}
	check := func(t *testing.T, texts map[string]string) {
		t.Helper()
		for what, text := range texts {
			for i, s := range secrets {
				for j, form := range escapedForms(s) {
					if revealed(text, form) {
						t.Errorf("%s reveals form %d of credential %d", what, j, i)
					}
				}
			}
		}
	}

	t.Run("server answer", func(t *testing.T) {
		t.Parallel()
		mt := httpmock.NewMockTransport()
		mt.RegisterNoResponder(rawResponder(404, "application/json", body))
		var logs strings.Builder
		tr := newTestTransport(t, mt, WithLogger(newTestLogger(&logs)))
		e := do(context.Background(), tr, req(), &struct{}{})
		require.NotNil(t, e)
		assert.Equal(t, "ERR_"+redacted, e.Code)
		assert.Contains(t, e.Message, "key "+redacted+" "+redacted+" "+redacted+" token")
		texts := map[string]string{"Code": e.Code, "Message": e.Message, "Error()": e.Error(),
			"%+v": fmt.Sprintf("%+v", e), "Details": fmt.Sprintf("%v", e.Details), "log": logs.String()}
		walkJSON(e.Details, func(s string) { texts["Details"] += "\x00" + s })
		check(t, texts)
		assert.Contains(t, logs.String(), "path=/users/u/auth_tokens/"+redacted)
	})
	t.Run("transport error quoting the URL", func(t *testing.T) {
		t.Parallel()
		mt := httpmock.NewMockTransport()
		mt.RegisterNoResponder(httpmock.NewErrorResponder(fmt.Errorf("proxy refused %s with key %s and %s", pathTok, key, otherKey)))
		tr := newTestTransport(t, mt, WithRetries(0))
		e := do(context.Background(), tr, req(), &struct{}{})
		require.NotNil(t, e)
		texts := map[string]string{"Error()": e.Error()}
		for level, c := 0, errors.Unwrap(e); c != nil; level, c = level+1, errors.Unwrap(c) {
			texts[fmt.Sprintf("cause %d", level)] = c.Error()
		}
		check(t, texts)
	})
}

// TestScrub_LongestCredentialFirst: a credential inside another one does
// not leave the rest of the longer one behind.
func TestScrub_LongestCredentialFirst(t *testing.T) {
	t.Parallel()
	sc := newScrubber("abc", "abcdef-long")
	assert.Equal(t, "x "+redacted+" y "+redacted, sc.string("x abcdef-long y abc"))
}

// noControl reports the first character of s that Error() must never
// show, or -1.
func noControl(s string) rune {
	for _, r := range s {
		if unicode.IsControl(r) || r == 0x2028 || r == 0x2029 || isBidiControl(r) {
			return r
		}
	}
	return -1
}

func TestError_EscapesControlCharacters(t *testing.T) {
	t.Parallel()
	tests := []struct{ code, msg, want string }{
		{"ERR\r\nX", "line\nbreak", `cometchatcalls: ERR\r\nX: line\nbreak`},
		{"E", "\x1b[31mred\x07\x00", `cometchatcalls: E: \x1b[31mred\x07\x00`},
		{"E", "del\x7f nel\u0085 csi\u009b", `cometchatcalls: E: del\x7f nel\x85 csi\x9b`},
		{"E", "ls\u2028ps\u2029", `cometchatcalls: E: ls\u2028ps\u2029`},
		{"E", "bidi\u202eevil\u2066", `cometchatcalls: E: bidi\u202eevil\u2066`},
		{"E", "bad\xffutf8", `cometchatcalls: E: bad\xffutf8`},
		{"E", "tab\tand é 😀 kept", `cometchatcalls: E: tab\tand é 😀 kept`},
	}
	for _, tt := range tests {
		e := &Error{Code: tt.code, Message: tt.msg}
		assert.Equal(t, tt.want, e.Error())
		assert.Equal(t, rune(-1), noControl(e.Error()), "%q", e.Error())
	}
}

// TestError_ServerTextCannotForgeLogLines: a server's code and message
// reach Error() escaped; the fields keep the text as it came.
func TestError_ServerTextCannotForgeLogLines(t *testing.T) {
	t.Parallel()
	c, mt := setup(t, WithRetries(0))
	mt.RegisterResponder(http.MethodPost, tokenURL, errorResponder(401, "ERR\r\nlevel=INFO msg=forged",
		"\x1b]0;pwned\x07 next\u2028line\u0085"))
	_, err := c.Login(context.Background(), testUID, testAuthKey)
	e := requireCode(t, err, "ERR\r\nlevel=INFO msg=forged")
	assert.Equal(t, "\x1b]0;pwned\x07 next\u2028line\u0085", e.Message)
	assert.Equal(t, rune(-1), noControl(err.Error()), "%q", err.Error())
	assert.Equal(t, `cometchatcalls: ERR\r\nlevel=INFO msg=forged: \x1b]0;pwned\x07 next\u2028line\x85 (HTTP 401)`, err.Error())
}

// retryAfterAnswer answers status with a body of the given type (no
// CometChat envelope unless it is JSON) and a Retry-After.
func retryAfterAnswer(status int, contentType, body, retryAfter string) httpmock.Responder {
	return func(*http.Request) (*http.Response, error) {
		resp := httpmock.NewStringResponse(status, body)
		resp.Header.Set("Content-Type", contentType)
		resp.Header.Set("Retry-After", retryAfter)
		return resp, nil
	}
}

var okTokenAnswer = dataResponder(200, map[string]any{"uid": testUID, "authToken": testToken})

// TestRetryAfter_WithOrWithoutEnvelope: a proxy's 429 or 503 in plain text
// or HTML has its Retry-After honoured like CometChat's own.
func TestRetryAfter_WithOrWithoutEnvelope(t *testing.T) {
	t.Parallel()
	answers := map[string]httpmock.Responder{
		"429 envelope":   retryAfterAnswer(429, "application/json", `{"error":{"code":"ERR_TOO_MANY_REQUESTS","message":"slow down"}}`, "3"),
		"429 plain text": retryAfterAnswer(429, "text/plain", "Too Many Requests", "3"),
		"503 HTML":       retryAfterAnswer(503, "text/html", "<html><h1>503 Service Unavailable</h1></html>", "3"),
		"503 empty":      retryAfterAnswer(503, "", "", "3"),
		"503 HTTP date":  retryAfterAnswer(503, "text/html", "<html/>", time.Now().Add(time.Hour).UTC().Format(http.TimeFormat)),
	}
	for name, answer := range answers {
		t.Run(name+", then success", func(t *testing.T) {
			t.Parallel()
			c, mt := setup(t, WithMaxRetryWait(2*time.Hour))
			waits := recordWaits(c.t)
			mt.RegisterResponder(http.MethodPost, tokenURL, sequence(answer, okTokenAnswer))
			mt.RegisterResponder(http.MethodPut, meURL, dataResponder(200, userJSON(testUID, "A")))
			_, err := c.Login(context.Background(), testUID, testAuthKey)
			require.NoError(t, err)
			w := waits()
			require.Len(t, w, 1)
			assert.GreaterOrEqual(t, w[0], 3*time.Second, "the server's wait, not the backoff (≤ 2 s)")
		})
		t.Run(name+", retries used up", func(t *testing.T) {
			t.Parallel()
			c, mt := setup(t, WithRetries(0))
			mt.RegisterResponder(http.MethodPost, tokenURL, answer)
			_, err := c.Login(context.Background(), testUID, testAuthKey)
			var e *Error
			require.ErrorAs(t, err, &e)
			assert.GreaterOrEqual(t, e.RetryAfter, 3*time.Second)
			assert.True(t, e.Retryable())
			if strings.HasPrefix(name, "429") {
				assert.ErrorIs(t, err, ErrTooManyRequests)
				assert.Equal(t, 429, e.HTTPStatus)
			} else {
				assert.ErrorIs(t, err, ErrServerUnavailable)
				assert.ErrorIs(t, err, ErrInvalidResponse, "the body is still described")
				assert.Equal(t, 503, e.HTTPStatus)
			}
		})
	}
}

// TestRetryAfter_BeyondMaxWaitFailsAtOnce: a wait longer than
// WithMaxRetryWait (default 1 minute) is not slept: the call fails at once
// with RetryAfter set, even with no deadline at all.
func TestRetryAfter_BeyondMaxWaitFailsAtOnce(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name       string
		opts       []Option
		retryAfter string
		want       time.Duration
	}{
		{"an hour, default bound", nil, "3600", time.Hour},
		{"2 s, bound 1 s", []Option{WithMaxRetryWait(time.Second)}, "2", 2 * time.Second},
		{"1 s, bound 0", []Option{WithMaxRetryWait(0)}, "1", time.Second},
		{"a day as an HTTP date", nil, time.Now().Add(25 * time.Hour).UTC().Format(http.TimeFormat), maxRetryAfter},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c, mt := setup(t, tt.opts...)
			waits := recordWaits(c.t)
			mt.RegisterResponder(http.MethodPost, tokenURL, retryAfterAnswer(429, "text/plain", "slow down", tt.retryAfter))
			_, err := c.Login(context.Background(), testUID, testAuthKey)
			e := requireCode(t, err, CodeTooManyRequests)
			assert.Equal(t, tt.want, e.RetryAfter)
			assert.Empty(t, waits(), "no sleep")
			assert.Equal(t, 1, mt.GetTotalCallCount(), "no second attempt")
		})
	}
}

// TestRetryAfter_NotPastTheDeadline: within the bound but past the
// context's deadline: no sleep either, and the context is still alive.
func TestRetryAfter_NotPastTheDeadline(t *testing.T) {
	t.Parallel()
	c, mt := setup(t)
	waits := recordWaits(c.t)
	mt.RegisterResponder(http.MethodPost, tokenURL, retryAfterAnswer(503, "text/html", "<html/>", "30"))
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	_, err := c.Login(ctx, testUID, testAuthKey)
	e := requireCode(t, err, CodeServerUnavailable)
	assert.Equal(t, 30*time.Second, e.RetryAfter)
	assert.Empty(t, waits())
	assert.Equal(t, 1, mt.GetTotalCallCount())
	assert.NoError(t, ctx.Err())
}

// TestRetryAfter_OnlyOn429And503: other statuses keep RetryAfter 0.
func TestRetryAfter_OnlyOn429And503(t *testing.T) {
	t.Parallel()
	for _, status := range []int{400, 500, 502, 504} {
		c, mt := setup(t, WithRetries(0))
		mt.RegisterResponder(http.MethodPost, tokenURL, retryAfterAnswer(status, "application/json", `{"error":{"code":"ERR_X","message":"m"}}`, "5"))
		_, err := c.Login(context.Background(), testUID, testAuthKey)
		e := requireCode(t, err, "ERR_X")
		assert.Zero(t, e.RetryAfter, "HTTP %d", status)
	}
}

// TestServerUnavailable_ProxyPages: a 5xx without an envelope is
// ERROR_SERVER_UNAVAILABLE with its status, wrapping the invalid response;
// 502/503/504 are retried as before.
func TestServerUnavailable_ProxyPages(t *testing.T) {
	t.Parallel()
	for _, status := range []int{500, 502, 503, 504} {
		for kind, body := range map[string]string{"html": "<html><body>Bad Gateway</body></html>", "empty": ""} {
			t.Run(fmt.Sprintf("%d %s", status, kind), func(t *testing.T) {
				t.Parallel()
				c, mt := setup(t, WithRetries(1))
				recordWaits(c.t)
				ct := "text/html"
				if body == "" {
					ct = ""
				}
				mt.RegisterResponder(http.MethodPost, tokenURL, rawResponder(status, ct, body))
				_, err := c.Login(context.Background(), testUID, testAuthKey)
				e := requireCode(t, err, CodeServerUnavailable)
				assert.ErrorIs(t, err, ErrServerUnavailable)
				assert.ErrorIs(t, err, ErrInvalidResponse)
				var inner *Error
				require.ErrorAs(t, errors.Unwrap(err), &inner)
				assert.Equal(t, CodeInvalidResponse, inner.Code)
				assert.Equal(t, status, e.HTTPStatus)
				assert.Equal(t, status, inner.HTTPStatus)
				assert.True(t, e.Retryable())
				wantCalls := 2
				if status == 500 {
					wantCalls = 1 // a 500 may have done its work: not retried
				}
				assert.Equal(t, wantCalls, mt.GetTotalCallCount())
			})
		}
	}
}

// TestRetryable_EachClass: which failures are worth trying again.
func TestRetryable_EachClass(t *testing.T) {
	t.Parallel()
	wait := func(r *http.Request) (*http.Response, error) {
		<-r.Context().Done()
		return nil, r.Context().Err()
	}
	dialErr := &net.OpError{Op: "dial", Net: "tcp", Err: errors.New("connection refused")}
	tests := []struct {
		name      string
		opts      []Option
		responder func(cancel context.CancelFunc) httpmock.Responder
		ctx       func() (context.Context, context.CancelFunc)
		code      string
		retryable bool
		cause     error
	}{
		{name: "never connected", responder: func(context.CancelFunc) httpmock.Responder { return httpmock.NewErrorResponder(dialErr) },
			code: CodeNetwork, retryable: true},
		{name: "connection reset", responder: func(context.CancelFunc) httpmock.Responder {
			return httpmock.NewErrorResponder(errors.New("connection reset by peer"))
		}, code: CodeNetwork, retryable: true},
		{name: "caller cancelled", responder: func(cancel context.CancelFunc) httpmock.Responder {
			return func(r *http.Request) (*http.Response, error) { cancel(); return wait(r) }
		}, code: CodeNetwork, retryable: false, cause: context.Canceled},
		{name: "caller deadline", responder: func(context.CancelFunc) httpmock.Responder { return wait },
			ctx: func() (context.Context, context.CancelFunc) {
				return context.WithTimeout(context.Background(), 20*time.Millisecond)
			}, code: CodeNetwork, retryable: false, cause: context.DeadlineExceeded},
		{name: "per-attempt timeout", opts: []Option{WithTimeout(20 * time.Millisecond)},
			responder: func(context.CancelFunc) httpmock.Responder { return wait },
			code:      CodeNetwork, retryable: true, cause: context.DeadlineExceeded},
		{name: "429", responder: func(context.CancelFunc) httpmock.Responder {
			return errorResponder(429, CodeTooManyRequests, "slow down")
		}, code: CodeTooManyRequests, retryable: true},
		{name: "500", responder: func(context.CancelFunc) httpmock.Responder { return errorResponder(500, "ERR_INTERNAL", "boom") },
			code: "ERR_INTERNAL", retryable: true},
		{name: "502 HTML", responder: func(context.CancelFunc) httpmock.Responder {
			return rawResponder(502, "text/html", "<html>Bad Gateway</html>")
		}, code: CodeServerUnavailable, retryable: true},
		{name: "503 HTML", responder: func(context.CancelFunc) httpmock.Responder {
			return rawResponder(503, "text/html", "<html>down</html>")
		}, code: CodeServerUnavailable, retryable: true},
		{name: "404", responder: func(context.CancelFunc) httpmock.Responder {
			return errorResponder(404, CodeUIDNotFound, "no such user")
		}, code: CodeUIDNotFound, retryable: false},
		{name: "401", responder: func(context.CancelFunc) httpmock.Responder {
			return errorResponder(401, CodeAPIKeyInvalid, "wrong key")
		}, code: CodeAPIKeyInvalid, retryable: false},
		{name: "200 without envelope", responder: func(context.CancelFunc) httpmock.Responder {
			return rawResponder(200, "text/html", "<html/>")
		}, code: CodeInvalidResponse, retryable: false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c, mt := setup(t, append([]Option{WithRetries(0)}, tt.opts...)...)
			ctx, cancel := context.WithCancel(context.Background())
			if tt.ctx != nil {
				ctx, cancel = tt.ctx()
			}
			defer cancel()
			mt.RegisterResponder(http.MethodPost, tokenURL, tt.responder(cancel))
			_, err := c.Login(ctx, testUID, testAuthKey)
			e := requireCode(t, err, tt.code)
			assert.Equal(t, tt.retryable, e.Retryable())
			if tt.cause != nil {
				assert.ErrorIs(t, err, tt.cause)
			}
		})
	}
	assert.False(t, (*Error)(nil).Retryable())
}

// TestKeyErrors_NameTheKeyTheUserGave: CometChat says "apiKey" for any
// key; the message names the one the SDK sent.
func TestKeyErrors_NameTheKeyTheUserGave(t *testing.T) {
	t.Parallel()
	keyError := func(code, key string) httpmock.Responder {
		return errorResponder(404, code, "The apiKey "+key+" does not exist for the app "+testAppID+". Please make sure you are using a valid apiKey.")
	}
	t.Run("Client: the auth key", func(t *testing.T) {
		t.Parallel()
		c, mt := setup(t)
		mt.RegisterResponder(http.MethodPost, tokenURL, keyError(CodeAPIKeyInvalid, testAuthKey))
		_, err := c.Login(context.Background(), testUID, testAuthKey)
		e := requireCode(t, err, CodeAPIKeyInvalid)
		assert.Equal(t, "The auth key [REDACTED] does not exist for the app "+testAppID+". Please make sure you are using a valid auth key.", e.Message)
	})
	for _, code := range []string{CodeAPIKeyInvalid, CodeNoAccess} {
		t.Run("AdminClient: the REST API key, "+code, func(t *testing.T) {
			t.Parallel()
			a, mt, _ := adminSetup(t)
			mt.RegisterNoResponder(keyError(code, testAPIKey))
			_, err := a.CreateAuthToken(context.Background(), testUID, nil)
			e := requireCode(t, err, code)
			assert.Equal(t, "The REST API key [REDACTED] does not exist for the app "+testAppID+". Please make sure you are using a valid REST API key.", e.Message)
		})
	}
	t.Run("other codes and hosts keep the server's words", func(t *testing.T) {
		t.Parallel()
		c, mt := setup(t)
		mt.RegisterResponder(http.MethodPut, meURL, keyError(CodeAuthTokenNotFound, "x"))
		_, err := c.LoginWithAuthToken(context.Background(), testToken)
		e := requireCode(t, err, CodeAuthTokenNotFound)
		assert.Contains(t, e.Message, "The apiKey x")
	})
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
