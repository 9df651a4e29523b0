package cometchatcalls

import (
	"context"
	"errors"
	"net"
	"net/http"
	"testing"
	"time"
	"unicode"

	"github.com/jarcoal/httpmock"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

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

// TestError_NilNeverPanics: a nil *Error in an error interface (the
// classic typed-nil mistake in the caller's code) prints, unwraps and
// compares without panicking, like the rest of the SDK's nil values.
func TestError_NilNeverPanics(t *testing.T) {
	t.Parallel()
	var e *Error
	var err error = e
	require.NotPanics(t, func() {
		assert.Equal(t, "cometchatcalls: <nil>", err.Error())
		assert.Nil(t, e.Unwrap())
		assert.False(t, errors.Is(err, ErrNetwork))
		assert.False(t, e.Retryable())
	})
}
