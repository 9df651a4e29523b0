package cometchatcalls

import (
	"strings"
	"unicode"
)

// maxUIDLength is CometChat's documented limit on a uid.
const maxUIDLength = 100

// validateUID applies the uid rules in the order of the Calls SDK v5, with
// CometChat's documented character set last: blank, whitespace, then
// length and characters.
func validateUID(uid string) *Error {
	if strings.TrimSpace(uid) == "" {
		return newError(CodeInvalidUID, "UID cannot be empty")
	}
	if strings.IndexFunc(uid, unicode.IsSpace) >= 0 {
		return newError(CodeUIDWithSpace, "UID cannot contain spaces")
	}
	if len(uid) > maxUIDLength {
		return newError(CodeInvalidUID, "UID cannot be longer than 100 characters")
	}
	for i := 0; i < len(uid); i++ {
		if !isUIDByte(uid[i]) {
			return newError(CodeInvalidUID, "UID can contain only letters, digits, '_' and '-'")
		}
	}
	return nil
}

func isUIDByte(b byte) bool {
	return b >= 'a' && b <= 'z' || b >= 'A' && b <= 'Z' || b >= '0' && b <= '9' || b == '_' || b == '-'
}

// validateAuthKey checks the auth key of Login before it becomes a header
// value; validateAPIKey the REST API key of an AdminClient. The key itself
// never appears in the message.
func validateAuthKey(key string) *Error { return validateKey(key, "Auth Key") }
func validateAPIKey(key string) *Error  { return validateKey(key, "API Key") }

func validateKey(key, what string) *Error {
	if strings.TrimSpace(key) == "" {
		return newError(CodeAPIKeyNotFound, what+" cannot be empty")
	}
	if hasControl(key) {
		return newError(CodeAPIKeyNotFound, what+" cannot contain control characters")
	}
	return nil
}

// validateToken applies the auth token rules: blank, then whitespace. A
// control character would corrupt the header, so it is refused with the
// whitespace code.
func validateToken(token string) *Error {
	if strings.TrimSpace(token) == "" {
		return newError(CodeBlankAuthToken, "Auth token cannot be empty")
	}
	if strings.IndexFunc(token, unicode.IsSpace) >= 0 {
		return newError(CodeAuthTokenWithSpace, "Auth token cannot contain spaces")
	}
	if hasControl(token) {
		return newError(CodeAuthTokenWithSpace, "Auth token cannot contain control characters")
	}
	return nil
}

// hasControl reports whether s holds a control character (which would let a
// value break out of its HTTP header).
func hasControl(s string) bool {
	return strings.IndexFunc(s, unicode.IsControl) >= 0
}
