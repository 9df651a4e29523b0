package cometchatcalls

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/jarcoal/httpmock"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

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

// okTokenAnswer is a good answer to POST auth_tokens.
var okTokenAnswer = dataResponder(200, map[string]any{"uid": testUID, "authToken": testToken})
