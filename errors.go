package cometchatcalls

import (
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// Error is the one error type the SDK returns. Every error from this package
// is an *Error, so errors.As always works; the underlying cause (a context
// error, a net error, a store error) is reachable through Unwrap.
//
// Code is either a client-side code (ERROR_…) or the server's own code
// (AUTH_ERR_…, ERR_…), kept exactly as CometChat sent it. Compare codes with
// errors.Is and the Err… sentinels, one per code, whose doc says when each
// happens:
//
//	if errors.Is(err, cometchatcalls.ErrUIDNotFound) { … }
//
// Code, Message and Details never contain a credential: the SDK redacts
// every auth key, auth token, call token and REST API key the call knows
// before returning an error, including the ones a server quotes back ("The auth token X does
// not exist"). Code and Message hold the server's text as it came; Error
// escapes any control character in them, so printing an error can't forge
// a log line or drive a terminal.
type Error struct {
	// Code is the machine-readable error code.
	Code string
	// Message is a human-readable description.
	Message string
	// Details holds the server's details (a string or a JSON object), if any.
	Details any
	// HTTPStatus is the status of the answer, or 0 when no answer was received.
	HTTPStatus int
	// RetryAfter is the server's Retry-After on 429/503 answers, else 0.
	RetryAfter time.Duration

	cause error
	// neverSent marks a network error that happened before a connection
	// existed: such a request is safe to send again.
	neverSent bool
	// callerDone marks a network error caused by the caller's own context
	// (cancelled or past its deadline): trying again cannot help.
	callerDone bool
}

// Error returns one readable line: "cometchatcalls: CODE: message (HTTP 404)".
// Control characters in Code and Message are escaped (a line feed reads \n,
// an escape \x1b, a line separator \u2028).
func (e *Error) Error() string {
	if e == nil {
		return "cometchatcalls: <nil>" // a typed nil in an error interface
	}
	var b strings.Builder
	b.WriteString("cometchatcalls: ")
	writeEscaped(&b, e.Code)
	if e.Message != "" {
		b.WriteString(": ")
		writeEscaped(&b, e.Message)
	}
	if e.HTTPStatus != 0 {
		b.WriteString(" (HTTP ")
		b.WriteString(strconv.Itoa(e.HTTPStatus))
		b.WriteString(")")
	}
	return b.String()
}

// writeEscaped writes s to b with every character that could move a
// terminal's cursor, end a log line or reorder text escaped Go-style: C0
// controls, DEL and C1 controls, the Unicode line and paragraph separators,
// bidirectional overrides, and bytes that are not UTF-8.
func writeEscaped(b *strings.Builder, s string) {
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			writeHex(b, `\x`, uint32(s[i]), 2)
		case r == '\n':
			b.WriteString(`\n`)
		case r == '\r':
			b.WriteString(`\r`)
		case r == '\t':
			b.WriteString(`\t`)
		case r < 0x20 || r >= 0x7f && r <= 0x9f:
			writeHex(b, `\x`, uint32(r), 2)
		case r == 0x2028 || r == 0x2029 || isBidiControl(r):
			writeHex(b, `\u`, uint32(r), 4)
		default:
			b.WriteString(s[i : i+size])
		}
		i += size
	}
}

// isBidiControl reports the characters that reorder displayed text
// (U+202A–U+202E, U+2066–U+2069, U+200E, U+200F).
func isBidiControl(r rune) bool {
	return r >= 0x202a && r <= 0x202e || r >= 0x2066 && r <= 0x2069 || r == 0x200e || r == 0x200f
}

func writeHex(b *strings.Builder, prefix string, v uint32, digits int) {
	const hex = "0123456789abcdef"
	b.WriteString(prefix)
	for shift := 4 * (digits - 1); shift >= 0; shift -= 4 {
		b.WriteByte(hex[v>>shift&0xf])
	}
}

// Unwrap returns the cause of the error, if any: a context error, a network
// error, a store error, or the *Error behind it (ERROR_LOGOUT_FAIL,
// ERROR_SERVER_UNAVAILABLE).
func (e *Error) Unwrap() error {
	if e == nil {
		return nil
	}
	return e.cause
}

// Is reports whether target is an *Error with the same Code, so that
// errors.Is(err, ErrInvalidUID) matches any error carrying that code.
func (e *Error) Is(target error) bool {
	t, ok := target.(*Error)
	return ok && e != nil && t != nil && e.Code == t.Code
}

// Retryable reports whether the same call may succeed if tried again
// later: a network error other than the caller's context ending, a rate
// limit (429, wait RetryAfter first when it is set), or a server error
// (5xx). The SDK already retried such a call (WithRetries) before it
// returned the error.
func (e *Error) Retryable() bool {
	switch {
	case e == nil:
		return false
	case e.Code == CodeNetwork:
		return !e.callerDone
	case e.HTTPStatus == 429 || e.HTTPStatus >= 500:
		return true
	}
	return false
}

// newError returns an *Error with the given code and message.
func newError(code, msg string) *Error { return &Error{Code: code, Message: msg} }

// wrapError returns an *Error with the given code and message whose Unwrap is cause.
func wrapError(code, msg string, cause error) *Error {
	return &Error{Code: code, Message: msg, cause: cause}
}
