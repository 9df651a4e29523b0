package cometchatcalls

import (
	"strconv"
	"strings"
	"time"
)

// Error is the one error type the SDK returns. Every error from this package
// is an *Error, so errors.As always works; the underlying cause (a context
// error, a net error, a store error) is reachable through Unwrap.
//
// Code is either a client-side code (ERROR_…) or the server's own code
// (AUTH_ERR_…, ERR_…), kept exactly as CometChat sent it. Compare codes with
// errors.Is and the sentinels below:
//
//	if errors.Is(err, cometchatcalls.ErrUIDNotFound) { … }
//
// Message and Details never contain a credential: the SDK redacts every auth
// key, auth token and API key it sent before returning an error, including
// the ones a server quotes back ("The auth token X does not exist").
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
func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString("cometchatcalls: ")
	b.WriteString(e.Code)
	if e.Message != "" {
		b.WriteString(": ")
		b.WriteString(e.Message)
	}
	if e.HTTPStatus != 0 {
		b.WriteString(" (HTTP ")
		b.WriteString(strconv.Itoa(e.HTTPStatus))
		b.WriteString(")")
	}
	return b.String()
}

// Unwrap returns the cause of the error, if any: a context error, a network
// error, a store error, or (for ERROR_LOGOUT_FAIL) the *Error behind it.
func (e *Error) Unwrap() error { return e.cause }

// Is reports whether target is an *Error with the same Code, so that
// errors.Is(err, ErrInvalidUID) matches any error carrying that code.
func (e *Error) Is(target error) bool {
	t, ok := target.(*Error)
	return ok && t != nil && e.Code == t.Code
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

// Client-side error codes. Server codes are passed through unchanged; the
// ones met around authentication have constants too.
const (
	CodeInvalidUID           = "ERROR_INVALID_UID"
	CodeUIDWithSpace         = "ERROR_UID_WITH_SPACE"
	CodeAPIKeyNotFound       = "ERROR_API_KEY_NOT_FOUND"
	CodeBlankAuthToken       = "ERROR_BLANK_AUTHTOKEN"
	CodeAuthTokenWithSpace   = "ERROR_AUTHTOKEN_WITH_SPACE"
	CodeLoginInProgress      = "ERROR_LOGIN_IN_PROGRESS"
	CodeSDKNotInitialized    = "ERROR_SDK_NOT_INITIALIZED"
	CodeNoUserLoggedIn       = "ERROR_NO_USER_LOGGED_IN"
	CodeLogoutFail           = "ERROR_LOGOUT_FAIL"
	CodeClientClosed         = "ERROR_CLIENT_CLOSED"
	CodeNetwork              = "ERROR_NETWORK"
	CodeInvalidResponse      = "ERROR_INVALID_RESPONSE"
	CodeSessionStore         = "ERROR_SESSION_STORE"
	CodeInvalidOption        = "ERROR_INVALID_OPTION"
	CodeInvalidArgument      = "ERROR_INVALID_ARGUMENT"
	CodeEmptyAppID           = "ERROR_EMPTY_APPID"
	CodeInvalidRegion        = "ERROR_INVALID_REGION"
	CodeSessionIDMissing     = "ERROR_SESSION_ID_MISSING"
	CodeAuthTokenMissing     = "ERROR_AUTH_TOKEN_MISSING"
	CodeServerUnavailable    = "ERROR_SERVER_UNAVAILABLE"
	CodeAuthTokenNotFound    = "AUTH_ERR_AUTH_TOKEN_NOT_FOUND"
	CodeAPIKeyInvalid        = "AUTH_ERR_APIKEY_NOT_FOUND"
	CodeUIDNotFound          = "ERR_UID_NOT_FOUND"
	CodeTooManyRequests      = "ERR_TOO_MANY_REQUESTS"
	CodeNoAccess             = "AUTH_ERR_NO_ACCESS"
	CodeUIDAlreadyExists     = "ERR_UID_ALREADY_EXISTS"
	CodeRESTTokenNotFound    = "ERR_AUTH_TOKEN_NOT_FOUND"
	CodeBadRequest           = "ERR_BAD_REQUEST"
	CodeEmptyAPIKeyHeader    = "AUTH_ERR_EMPTY_APIKEY"
	CodeEmptyAuthTokenHeader = "AUTH_ERR_EMPTY_AUTH_TOKEN"
	CodeEmptyAppIDHeader     = "AUTH_ERR_EMPTY_APPID"
	CodeInvalidAppID         = "AUTH_ERR_INVALID_APPID"
)

// Sentinels, one per code, for errors.Is. They carry only a Code (and a
// default message); never modify them.
var (
	ErrInvalidUID         = &Error{Code: CodeInvalidUID, Message: "UID cannot be empty"}
	ErrUIDWithSpace       = &Error{Code: CodeUIDWithSpace, Message: "UID cannot contain spaces"}
	ErrAPIKeyNotFound     = &Error{Code: CodeAPIKeyNotFound, Message: "Auth Key cannot be empty"}
	ErrBlankAuthToken     = &Error{Code: CodeBlankAuthToken, Message: "Auth token cannot be empty"}
	ErrAuthTokenWithSpace = &Error{Code: CodeAuthTokenWithSpace, Message: "Auth token cannot contain spaces"}
	ErrLoginInProgress    = &Error{Code: CodeLoginInProgress, Message: "Login is already in progress"}
	ErrSDKNotInitialized  = &Error{Code: CodeSDKNotInitialized, Message: "SDK not initialized. Call Init() first"}
	ErrNoUserLoggedIn     = &Error{Code: CodeNoUserLoggedIn, Message: "No user is currently logged in"}
	ErrLogoutFail         = &Error{Code: CodeLogoutFail, Message: "Logout could not be confirmed by the server"}
	ErrClientClosed       = &Error{Code: CodeClientClosed, Message: "the client is closed"}
	ErrNetwork            = &Error{Code: CodeNetwork, Message: "no response from the server"}
	ErrInvalidResponse    = &Error{Code: CodeInvalidResponse, Message: "the server's answer is not a valid CometChat response"}
	ErrSessionStore       = &Error{Code: CodeSessionStore, Message: "the session store failed"}
	ErrInvalidOption      = &Error{Code: CodeInvalidOption, Message: "invalid option"}
	ErrInvalidArgument    = &Error{Code: CodeInvalidArgument, Message: "invalid argument"}
	ErrEmptyAppID         = &Error{Code: CodeEmptyAppID, Message: "App ID cannot be empty"}
	ErrInvalidRegion      = &Error{Code: CodeInvalidRegion, Message: "Region must be us, eu or in"}
	ErrAuthTokenNotFound  = &Error{Code: CodeAuthTokenNotFound}
	ErrAPIKeyInvalid      = &Error{Code: CodeAPIKeyInvalid}
	ErrUIDNotFound        = &Error{Code: CodeUIDNotFound}
	ErrTooManyRequests    = &Error{Code: CodeTooManyRequests}
	ErrNoAccess           = &Error{Code: CodeNoAccess}
	ErrUIDAlreadyExists   = &Error{Code: CodeUIDAlreadyExists}
	ErrSessionIDMissing   = &Error{Code: CodeSessionIDMissing, Message: "Session ID cannot be empty"}
	ErrServerUnavailable  = &Error{Code: CodeServerUnavailable, Message: "the server is unavailable; try again later"}
	ErrAuthTokenMissing   = &Error{Code: CodeAuthTokenMissing, Message: "Auth token is required. Please login first or provide authToken."}
)
