package cometchatcalls

import (
	"strconv"
	"strings"
	"unicode"
)

// NewStoreError returns an *Error with code ERROR_SESSION_STORE, the given
// message and cause (reachable with errors.Is and errors.As, nil for none).
// It is for SessionStore implementations outside this package, such as
// redisstore, so that their failures are the SDK's one error type too.
//
// The message must not quote a credential. Control characters in it are
// escaped, so text that came from a server (a database's error message)
// cannot forge log lines.
func NewStoreError(message string, cause error) *Error {
	return wrapError(CodeSessionStore, escapeControl(message), cause)
}

// escapeControl replaces every control character in s with its Go escape
// (\n, \x1b, \u0085…).
func escapeControl(s string) string {
	if !strings.ContainsFunc(s, unicode.IsControl) {
		return s
	}
	var b strings.Builder
	for _, r := range s {
		if !unicode.IsControl(r) {
			b.WriteRune(r)
			continue
		}
		q := strconv.QuoteRune(r)
		b.WriteString(q[1 : len(q)-1])
	}
	return b.String()
}
