package cometchatcalls

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/jarcoal/httpmock"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestInvalidResponses(t *testing.T) {
	t.Parallel()
	big := `{"data":{"uid":"` + strings.Repeat("x", maxBodySize) + `"}}`
	tests := []struct {
		name      string
		responder httpmock.Responder
		status    int
	}{
		{"HTML 502", rawResponder(502, "text/html", "<html><body>Bad Gateway</body></html>"), 502},
		{"empty 200", rawResponder(200, "application/json", ""), 200},
		{"empty 500", rawResponder(500, "", ""), 500},
		{"truncated JSON", rawResponder(200, "application/json", `{"data":{"uid":"cometchat-uid-1","authTok`), 200},
		{"trailing garbage", rawResponder(200, "application/json", `{"data":{"uid":"a","authToken":"t"}} junk`), 200},
		{"wrong shape", rawResponder(200, "application/json", `{"data":"a string"}`), 200},
		{"array", rawResponder(200, "application/json", `[1,2,3]`), 200},
		{"null data", rawResponder(200, "application/json", `{"data":null}`), 200},
		{"no envelope", rawResponder(200, "application/json", `{"uid":"a"}`), 200},
		{"empty object", rawResponder(200, "application/json", `{}`), 200},
		{"data on a 500", rawResponder(500, "application/json", `{"data":{"uid":"a","authToken":"t"}}`), 500},
		{"oversize body", rawResponder(200, "application/json", big), 200},
		{"redirect", func(*http.Request) (*http.Response, error) {
			r := httpmock.NewStringResponse(302, "")
			r.Header.Set("Location", "https://evil.test/steal")
			return r, nil
		}, 302},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c, mt := setup(t, WithRetries(0))
			mt.RegisterResponder(http.MethodPost, tokenURL, tt.responder)
			_, err := c.Login(context.Background(), testUID, testAuthKey)
			e := requireCode(t, err, codeOfBadBody(tt.status))
			assert.ErrorIs(t, err, ErrInvalidResponse)
			assert.Equal(t, tt.status, e.HTTPStatus)
			assert.Less(t, len(e.Error()), 300, "the body is described, not quoted")
			assert.Equal(t, 1, mt.GetTotalCallCount())
		})
	}
}

func TestNetworkErrorWrapsCause(t *testing.T) {
	t.Parallel()
	c, mt := setup(t, WithRetries(0))
	cause := errors.New("connection reset by peer")
	mt.RegisterResponder(http.MethodPost, tokenURL, httpmock.NewErrorResponder(cause))
	_, err := c.Login(context.Background(), testUID, testAuthKey)
	e := requireCode(t, err, CodeNetwork)
	assert.ErrorIs(t, err, ErrNetwork)
	assert.ErrorIs(t, err, cause)
	assert.Zero(t, e.HTTPStatus)
	assertNoSecret(t, "error", err.Error())
}

func TestContextDeadline(t *testing.T) {
	t.Parallel()
	c, mt := setup(t)
	mt.RegisterResponder(http.MethodPost, tokenURL, func(r *http.Request) (*http.Response, error) {
		<-r.Context().Done()
		return nil, r.Context().Err()
	})
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer cancel()
	_, err := c.Login(ctx, testUID, testAuthKey)
	requireCode(t, err, CodeNetwork)
	assert.ErrorIs(t, err, context.DeadlineExceeded)
	assert.Equal(t, 1, mt.GetTotalCallCount(), "a cancelled context is never retried")
}

func TestContextCancelled(t *testing.T) {
	t.Parallel()
	c, mt := setup(t)
	mt.RegisterResponder(http.MethodPost, tokenURL, dataResponder(200, map[string]any{"uid": testUID, "authToken": testToken}))
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := c.Login(ctx, testUID, testAuthKey)
	requireCode(t, err, CodeNetwork)
	assert.ErrorIs(t, err, context.Canceled)
}

func TestPerAttemptTimeout(t *testing.T) {
	t.Parallel()
	c, mt := setup(t, WithTimeout(20*time.Millisecond), WithRetries(0))
	mt.RegisterResponder(http.MethodPost, tokenURL, func(r *http.Request) (*http.Response, error) {
		<-r.Context().Done()
		return nil, r.Context().Err()
	})
	_, err := c.Login(context.Background(), testUID, testAuthKey)
	requireCode(t, err, CodeNetwork)
	assert.ErrorIs(t, err, context.DeadlineExceeded)
}

// sequence answers with each responder in turn, then repeats the last.
func sequence(rs ...httpmock.Responder) httpmock.Responder {
	i := 0
	return func(r *http.Request) (*http.Response, error) {
		resp := rs[min(i, len(rs)-1)]
		i++
		return resp(r)
	}
}

func TestRetries(t *testing.T) {
	t.Parallel()
	okToken := dataResponder(200, map[string]any{"uid": testUID, "authToken": testToken})
	dialErr := &net.OpError{Op: "dial", Net: "tcp", Err: errors.New("connection refused")}
	tests := []struct {
		name      string
		retries   int
		responder httpmock.Responder
		wantCalls int
		wantCode  string // "" for success
	}{
		{"503 then 200", 2, sequence(errorResponder(503, "ERR_UNAVAILABLE", "busy"), okToken), 2, ""},
		{"502 HTML then 200", 2, sequence(rawResponder(502, "text/html", "<html/>"), okToken), 2, ""},
		{"504 then 200", 2, sequence(rawResponder(504, "", ""), okToken), 2, ""},
		{"429 then 200", 2, sequence(errorResponder(429, CodeTooManyRequests, "slow down"), okToken), 2, ""},
		{"dial error then 200", 2, sequence(httpmock.NewErrorResponder(dialErr), okToken), 2, ""},
		{"503 forever gives up", 2, errorResponder(503, "ERR_UNAVAILABLE", "busy"), 3, "ERR_UNAVAILABLE"},
		{"retries disabled", 0, errorResponder(503, "ERR_UNAVAILABLE", "busy"), 1, "ERR_UNAVAILABLE"},
		{"401 never retried", 2, errorResponder(401, CodeAuthTokenNotFound, "no"), 1, CodeAuthTokenNotFound},
		{"404 never retried", 2, errorResponder(404, CodeAPIKeyInvalid, "no"), 1, CodeAPIKeyInvalid},
		{"500 not retried", 2, errorResponder(500, "ERR_INTERNAL", "no"), 1, "ERR_INTERNAL"},
		{"reset after sending not retried", 2, httpmock.NewErrorResponder(errors.New("connection reset")), 1, CodeNetwork},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c, mt := setup(t, WithRetries(tt.retries))
			mt.RegisterResponder(http.MethodPost, tokenURL, tt.responder)
			mt.RegisterResponder(http.MethodPut, meURL, dataResponder(200, userJSON(testUID, "A")))
			_, err := c.Login(context.Background(), testUID, testAuthKey)
			if tt.wantCode == "" {
				require.NoError(t, err)
			} else {
				requireCode(t, err, tt.wantCode)
			}
			assert.Equal(t, tt.wantCalls, calls(mt, http.MethodPost, tokenURL))
		})
	}
}

func TestRetries_GivingUpIsLoggedAtWarn(t *testing.T) {
	t.Parallel()
	var logs strings.Builder
	c, mt := setup(t, WithRetries(1), WithLogger(newTestLogger(&logs)))
	mt.RegisterResponder(http.MethodPost, tokenURL, errorResponder(503, "ERR_UNAVAILABLE", "busy"))
	_, err := c.Login(context.Background(), testUID, testAuthKey)
	requireCode(t, err, "ERR_UNAVAILABLE")
	assert.Contains(t, logs.String(), "level=WARN")
	assert.Contains(t, logs.String(), "giving up")
	assert.Equal(t, 2, strings.Count(logs.String(), "level=DEBUG"), "one debug line per attempt")
}

func retryAfterResponder(status int, retryAfter string) httpmock.Responder {
	return func(r *http.Request) (*http.Response, error) {
		resp, err := errorResponder(status, CodeTooManyRequests, "slow down")(r)
		resp.Header.Set("Retry-After", retryAfter)
		return resp, err
	}
}

func TestRetryAfter_BeyondDeadlineFailsFast(t *testing.T) {
	t.Parallel()
	c, mt := setup(t)
	mt.RegisterResponder(http.MethodPost, tokenURL, retryAfterResponder(429, "30"))
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	_, err := c.Login(ctx, testUID, testAuthKey)
	e := requireCode(t, err, CodeTooManyRequests)
	assert.ErrorIs(t, err, ErrTooManyRequests)
	assert.Equal(t, 30*time.Second, e.RetryAfter)
	assert.Equal(t, 429, e.HTTPStatus)
	assert.Equal(t, 1, mt.GetTotalCallCount(), "no sleep, no second attempt")
	assert.NoError(t, ctx.Err(), "failed before the deadline")
}

func TestRetryAfter_HonouredWithinDeadline(t *testing.T) {
	t.Parallel()
	c, mt := setup(t)
	waits := recordWaits(c.t)
	mt.RegisterResponder(http.MethodPost, tokenURL, sequence(retryAfterResponder(503, "1"),
		dataResponder(200, map[string]any{"uid": testUID, "authToken": testToken})))
	mt.RegisterResponder(http.MethodPut, meURL, dataResponder(200, userJSON(testUID, "A")))
	_, err := c.Login(context.Background(), testUID, testAuthKey)
	require.NoError(t, err)
	assert.Equal(t, []time.Duration{time.Second}, waits(), "the server's wait, not the backoff")
	assert.Equal(t, 2, calls(mt, http.MethodPost, tokenURL))
}

func TestParseRetryAfter(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	tests := []struct {
		in   string
		want time.Duration
		ok   bool
	}{
		{"", 0, false},
		{"0", 0, true},
		{"5", 5 * time.Second, true},
		{"-1", 0, false},
		{"abc", 0, false},
		{"1.5", 0, false},
		{"99999999999999999999999", maxRetryAfter, true}, // overflows int64: still the longest wait
		{"-99999999999999999999999", 0, false},
		{"9223372036854775807", maxRetryAfter, true},
		{"86401", maxRetryAfter, true},
		{now.Add(10 * time.Second).Format(http.TimeFormat), 10 * time.Second, true},
		{now.Add(-10 * time.Second).Format(http.TimeFormat), 0, false},
		{now.Add(1000 * time.Hour).Format(http.TimeFormat), maxRetryAfter, true},
		{"Mon, 02 Jan 2006 15:04:05 XYZ", 0, false},
		{strings.Repeat("9", 100), maxRetryAfter, true},
	}
	for _, tt := range tests {
		got, ok := parseRetryAfter(tt.in, now)
		assert.Equal(t, tt.ok, ok, "%q", tt.in)
		assert.Equal(t, tt.want, got, "%q", tt.in)
	}
}

func TestBackoffIsBoundedAndJittered(t *testing.T) {
	t.Parallel()
	for attempt := 0; attempt < 100; attempt++ {
		d := backoff(attempt)
		assert.Greater(t, d, time.Duration(0))
		assert.LessOrEqual(t, d, retryMaxDelay)
	}
	seen := map[time.Duration]bool{}
	for i := 0; i < 20; i++ {
		seen[backoff(3)] = true
	}
	assert.Greater(t, len(seen), 1, "jitter varies the delay")
}

func TestDebugLogLines(t *testing.T) {
	t.Parallel()
	var logs strings.Builder
	c, mt := setup(t, WithLogger(newTestLogger(&logs)), WithRetries(0))
	mockLogin(mt, testUID, "A", testToken)
	_, err := c.Login(context.Background(), testUID, testAuthKey)
	require.NoError(t, err)
	mt.RegisterResponder(http.MethodGet, meURL, errorResponder(401, CodeAuthTokenNotFound, "gone"))
	_, err = c.ValidateSession(context.Background())
	requireCode(t, err, CodeAuthTokenNotFound)
	lines := strings.Split(strings.TrimSpace(logs.String()), "\n")
	var debug []string
	for _, l := range lines {
		if strings.Contains(l, "level=DEBUG") {
			debug = append(debug, l)
		}
	}
	require.Len(t, debug, 3, "one line per attempt")
	assert.Contains(t, debug[0], `msg="cometchatcalls: request" role=admin method=POST path=/users/cometchat-uid-1/auth_tokens status=200 attempt=1 duration=`)
	assert.Contains(t, debug[1], "role=client method=PUT path=/me status=200 attempt=1 duration=")
	assert.Contains(t, debug[2], "role=client method=GET path=/me status=401 code=AUTH_ERR_AUTH_TOKEN_NOT_FOUND attempt=1 duration=")
	for _, l := range debug[:2] {
		assert.NotContains(t, l, "code=", "no empty fields on success")
	}
	assertNoSecret(t, "log", logs.String())
}

func TestCheckTLS(t *testing.T) {
	t.Parallel()
	verified := [][]*x509.Certificate{{&x509.Certificate{}}}
	assert.Nil(t, checkTLS(&http.Response{}), "plain http (loopback only) has no TLS state")
	assert.Nil(t, checkTLS(&http.Response{TLS: &tls.ConnectionState{Version: tls.VersionTLS13, VerifiedChains: verified}}))
	assert.Nil(t, checkTLS(&http.Response{TLS: &tls.ConnectionState{Version: tls.VersionTLS12, VerifiedChains: verified}}))
	e := checkTLS(&http.Response{TLS: &tls.ConnectionState{Version: tls.VersionTLS11, VerifiedChains: verified}})
	require.NotNil(t, e)
	assert.Equal(t, CodeNetwork, e.Code)
	e = checkTLS(&http.Response{TLS: &tls.ConnectionState{Version: tls.VersionTLS13}})
	require.NotNil(t, e)
	assert.Contains(t, e.Message, "not verified")
}

// stallingBody sends the start of an answer, then nothing until ctx ends.
type stallingBody struct {
	ctx  context.Context
	sent bool
}

func (b *stallingBody) Read(p []byte) (int, error) {
	if !b.sent {
		b.sent = true
		return copy(p, `{"data":{"uid":"cometchat-uid-1",`), nil
	}
	<-b.ctx.Done()
	return 0, b.ctx.Err()
}

func (b *stallingBody) Close() error { return nil }

func TestDeadlineWhileReadingTheBodyIsANetworkError(t *testing.T) {
	t.Parallel()
	c, mt := setup(t, WithRetries(0))
	mt.RegisterResponder(http.MethodPost, tokenURL, func(r *http.Request) (*http.Response, error) {
		return &http.Response{StatusCode: 200, Header: http.Header{"Content-Type": {"application/json"}},
			Body: &stallingBody{ctx: r.Context()}, ContentLength: -1, Request: r}, nil
	})
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Millisecond)
	defer cancel()
	_, err := c.Login(ctx, testUID, testAuthKey)
	requireCode(t, err, CodeNetwork)
	assert.ErrorIs(t, err, context.DeadlineExceeded)
}

// A body-less request reaches net/http as http.NoBody, so net/http sends
// it without first reading it on a goroutine; a request with a body keeps
// its length and bytes.
func TestBodylessRequestIsNoBody(t *testing.T) {
	t.Parallel()
	type seen struct {
		body          io.ReadCloser
		contentLength int64
		contentType   string
		bytes         string
	}
	var got []seen
	record := func(next httpmock.Responder) httpmock.Responder {
		return func(r *http.Request) (*http.Response, error) {
			s := seen{body: r.Body, contentLength: r.ContentLength, contentType: r.Header.Get("Content-Type")}
			if r.Body != nil {
				b, err := io.ReadAll(r.Body)
				require.NoError(t, err)
				s.bytes = string(b)
			}
			got = append(got, s)
			return next(r)
		}
	}
	c, mt := setup(t)
	mt.RegisterResponder(http.MethodPost, tokenURL, record(dataResponder(200, map[string]any{"uid": testUID, "authToken": testToken})))
	mt.RegisterResponder(http.MethodPut, meURL, record(dataResponder(200, userJSON(testUID, "A"))))
	mt.RegisterResponder(http.MethodDelete, meURL, record(dataResponder(200, map[string]any{"success": true})))

	_, err := c.Login(context.Background(), testUID, testAuthKey)
	require.NoError(t, err)
	require.NoError(t, c.Logout(context.Background()))

	require.Len(t, got, 3)
	for i, s := range got[:2] {
		assert.NotEqual(t, http.NoBody, s.body, "request %d has a body", i)
		assert.Equal(t, int64(len(s.bytes)), s.contentLength, "request %d", i)
		assert.Contains(t, s.bytes, `"platform"`, "request %d", i)
		assert.Equal(t, "application/json", s.contentType, "request %d", i)
	}
	logout := got[2]
	assert.Equal(t, http.NoBody, logout.body, "DELETE /me goes as http.NoBody")
	assert.Zero(t, logout.contentLength)
	assert.Empty(t, logout.bytes)
	assert.Empty(t, logout.contentType, "no body, no Content-Type")
}
