package cometchatcalls

// NewStoreError returns an *Error with code ERROR_SESSION_STORE, the given
// message and cause (reachable with errors.Is and errors.As, nil for none).
// It is for SessionStore implementations outside this package, such as
// redisstore, so that their failures are the SDK's one error type too.
//
// The message must not quote a credential. Like every *Error, its Error()
// escapes control characters, so text that came from elsewhere (a
// database's error message) cannot forge log lines.
func NewStoreError(message string, cause error) *Error {
	return wrapError(CodeSessionStore, message, cause)
}
