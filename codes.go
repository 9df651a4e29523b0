package cometchatcalls

// Error codes and their sentinels. Each code is declared once, next to the
// sentinel that carries it: compare with errors.Is(err, ErrX), which matches
// any *Error whose Code is ErrX's. Client-side codes start with ERROR_; the
// server's (AUTH_ERR_…, ERR_…) are passed through as CometChat sent them,
// and the ones met around authentication have a constant and a sentinel here
// too. Sentinels carry a Code and a default message only; never modify them.

// CodeInvalidUID is the code of ErrInvalidUID.
const CodeInvalidUID = "ERROR_INVALID_UID"

// ErrInvalidUID means a uid argument is empty or blank, longer than 100
// characters, or holds a character other than letters, digits, '_' and '-'.
// Client-side: no request was sent.
var ErrInvalidUID = newError(CodeInvalidUID, "UID cannot be empty")

// CodeUIDWithSpace is the code of ErrUIDWithSpace.
const CodeUIDWithSpace = "ERROR_UID_WITH_SPACE"

// ErrUIDWithSpace means a uid argument holds whitespace. Client-side: no
// request was sent.
var ErrUIDWithSpace = newError(CodeUIDWithSpace, "UID cannot contain spaces")

// CodeAPIKeyNotFound is the code of ErrAPIKeyNotFound.
const CodeAPIKeyNotFound = "ERROR_API_KEY_NOT_FOUND"

// ErrAPIKeyNotFound means the key argument is missing, that is the auth key
// given to Login or the REST API key given to NewAdminClient is empty, blank
// or holds control characters. Client-side: no request was sent. A key the
// server does not know is ErrAPIKeyInvalid instead.
var ErrAPIKeyNotFound = newError(CodeAPIKeyNotFound, "Auth Key cannot be empty")

// CodeBlankAuthToken is the code of ErrBlankAuthToken.
const CodeBlankAuthToken = "ERROR_BLANK_AUTHTOKEN"

// ErrBlankAuthToken means the auth token given to LoginWithAuthToken is
// empty or blank. Client-side: no request was sent.
var ErrBlankAuthToken = newError(CodeBlankAuthToken, "Auth token cannot be empty")

// CodeAuthTokenWithSpace is the code of ErrAuthTokenWithSpace.
const CodeAuthTokenWithSpace = "ERROR_AUTHTOKEN_WITH_SPACE"

// ErrAuthTokenWithSpace means the auth token given to LoginWithAuthToken
// holds whitespace or control characters. Client-side: no request was sent.
var ErrAuthTokenWithSpace = newError(CodeAuthTokenWithSpace, "Auth token cannot contain spaces")

// CodeLoginInProgress is the code of ErrLoginInProgress.
const CodeLoginInProgress = "ERROR_LOGIN_IN_PROGRESS"

// ErrLoginInProgress means Login, LoginWithAuthToken or Logout was called
// while a login of the same Client was still in flight. Nothing was changed;
// wait for the login to finish.
var ErrLoginInProgress = newError(CodeLoginInProgress, "Login is already in progress")

// CodeSDKNotInitialized is the code of ErrSDKNotInitialized.
const CodeSDKNotInitialized = "ERROR_SDK_NOT_INITIALIZED"

// ErrSDKNotInitialized means a package-level function was called before Init
// succeeded.
var ErrSDKNotInitialized = newError(CodeSDKNotInitialized, "SDK not initialized. Call Init() first")

// CodeNoUserLoggedIn is the code of ErrNoUserLoggedIn.
const CodeNoUserLoggedIn = "ERROR_NO_USER_LOGGED_IN"

// ErrNoUserLoggedIn means Logout, ValidateSession or GetUserAuthToken was
// called with nobody logged in.
var ErrNoUserLoggedIn = newError(CodeNoUserLoggedIn, "No user is currently logged in")

// CodeLogoutFail is the code of ErrLogoutFail.
const CodeLogoutFail = "ERROR_LOGOUT_FAIL"

// ErrLogoutFail means Logout ended the local session, but the server did not
// confirm that the token was revoked (a network error, a server error).
// Unwrap gives the underlying *Error; the token may still be valid.
var ErrLogoutFail = newError(CodeLogoutFail, "Logout could not be confirmed by the server")

// CodeClientClosed is the code of ErrClientClosed.
const CodeClientClosed = "ERROR_CLIENT_CLOSED"

// ErrClientClosed means a method was called on a Client or AdminClient after
// its Close, or on a zero value that New or NewAdminClient did not make.
var ErrClientClosed = newError(CodeClientClosed, "the client is closed")

// CodeNetwork is the code of ErrNetwork.
const CodeNetwork = "ERROR_NETWORK"

// ErrNetwork means no answer was received: DNS, a refused connection, TLS,
// the per-attempt timeout (WithTimeout), or the caller's context ending
// (then errors.Is(err, context.Canceled) or context.DeadlineExceeded holds
// too, and Retryable is false).
var ErrNetwork = newError(CodeNetwork, "no response from the server")

// CodeInvalidResponse is the code of ErrInvalidResponse.
const CodeInvalidResponse = "ERROR_INVALID_RESPONSE"

// ErrInvalidResponse means the answer is not a valid CometChat response (not
// JSON, no envelope, a missing field, larger than 1 MiB, a redirect). It is
// also behind ErrServerUnavailable and an ErrTooManyRequests that came
// without an envelope, so errors.Is matches those as well.
var ErrInvalidResponse = newError(CodeInvalidResponse, "the server's answer is not a valid CometChat response")

// CodeSessionStore is the code of ErrSessionStore.
const CodeSessionStore = "ERROR_SESSION_STORE"

// ErrSessionStore means the SessionStore failed (Unwrap gives its error) or
// holds a session that cannot be read. Logging in again replaces it.
var ErrSessionStore = newError(CodeSessionStore, "the session store failed")

// CodeInvalidOption is the code of ErrInvalidOption.
const CodeInvalidOption = "ERROR_INVALID_OPTION"

// ErrInvalidOption means New or NewAdminClient got a bad option (a nil
// value, a negative count, a base URL that is not https).
var ErrInvalidOption = newError(CodeInvalidOption, "invalid option")

// CodeInvalidArgument is the code of ErrInvalidArgument.
const CodeInvalidArgument = "ERROR_INVALID_ARGUMENT"

// ErrInvalidArgument means an argument other than a uid, key or token is
// invalid (a nil context, a user without a name, metadata that cannot be
// encoded). Client-side: no request was sent.
var ErrInvalidArgument = newError(CodeInvalidArgument, "invalid argument")

// CodeEmptyAppID is the code of ErrEmptyAppID.
const CodeEmptyAppID = "ERROR_EMPTY_APPID"

// ErrEmptyAppID means New, NewAdminClient or Init got an empty or blank app
// ID.
var ErrEmptyAppID = newError(CodeEmptyAppID, "App ID cannot be empty")

// CodeInvalidRegion is the code of ErrInvalidRegion.
const CodeInvalidRegion = "ERROR_INVALID_REGION"

// ErrInvalidRegion means New, NewAdminClient or Init got a region other than
// us, eu or in.
var ErrInvalidRegion = newError(CodeInvalidRegion, "Region must be us, eu or in")

// CodeSessionIDMissing is the code of ErrSessionIDMissing.
const CodeSessionIDMissing = "ERROR_SESSION_ID_MISSING"

// ErrSessionIDMissing means a call token was asked for without a session ID.
// Client-side: no request was sent.
var ErrSessionIDMissing = newError(CodeSessionIDMissing, "Session ID cannot be empty")

// CodeAuthTokenMissing is the code of ErrAuthTokenMissing.
const CodeAuthTokenMissing = "ERROR_AUTH_TOKEN_MISSING"

// ErrAuthTokenMissing means a call token was asked for with nobody logged in
// and no auth token given. Client-side: no request was sent.
var ErrAuthTokenMissing = newError(CodeAuthTokenMissing, "Auth token is required. Please login first or provide authToken.")

// CodeServerUnavailable is the code of ErrServerUnavailable.
const CodeServerUnavailable = "ERROR_SERVER_UNAVAILABLE"

// ErrServerUnavailable means the server answered 5xx without a CometChat
// envelope, such as a proxy's HTML error page or an empty body: the service,
// or something in front of it, is down. HTTPStatus holds the status; Unwrap
// gives the ErrInvalidResponse describing the body. 502, 503 and 504 were
// retried (WithRetries); Retryable is true.
var ErrServerUnavailable = newError(CodeServerUnavailable, "the server is unavailable; try again later")

// CodeAuthTokenNotFound is the code of ErrAuthTokenNotFound.
const CodeAuthTokenNotFound = "AUTH_ERR_AUTH_TOKEN_NOT_FOUND"

// ErrAuthTokenNotFound (a server code) means the auth token is unknown to
// CometChat: revoked, flushed, or its user deleted. ValidateSession ends the
// session when it gets it; log in again.
var ErrAuthTokenNotFound = newError(CodeAuthTokenNotFound, "")

// CodeAPIKeyInvalid is the code of ErrAPIKeyInvalid.
const CodeAPIKeyInvalid = "AUTH_ERR_APIKEY_NOT_FOUND"

// ErrAPIKeyInvalid (server code AUTH_ERR_APIKEY_NOT_FOUND) means the server
// rejected the key: a wrong auth key given to Login, or a wrong REST API key
// given to NewAdminClient (or one of another app). An empty key is
// ErrAPIKeyNotFound instead, found before any request.
var ErrAPIKeyInvalid = newError(CodeAPIKeyInvalid, "")

// CodeUIDNotFound is the code of ErrUIDNotFound.
const CodeUIDNotFound = "ERR_UID_NOT_FOUND"

// ErrUIDNotFound (a server code) means no user has this uid in the app, or
// the user is deactivated. Create the user first (AdminClient.CreateUser).
var ErrUIDNotFound = newError(CodeUIDNotFound, "")

// CodeTooManyRequests is the code of ErrTooManyRequests.
const CodeTooManyRequests = "ERR_TOO_MANY_REQUESTS"

// ErrTooManyRequests (a server code, HTTP 429) means the app is
// rate-limited. RetryAfter says how long to wait when the server said so;
// the SDK already waited and retried when that was within WithMaxRetryWait
// and the context's deadline. A 429 without an envelope gets this code too.
var ErrTooManyRequests = newError(CodeTooManyRequests, "")

// CodeNoAccess is the code of ErrNoAccess.
const CodeNoAccess = "AUTH_ERR_NO_ACCESS"

// ErrNoAccess (a server code) means the key may not do this, e.g. an
// AdminClient made with the auth key calling anything but CreateUser and
// CreateAuthToken. Use the REST API key.
var ErrNoAccess = newError(CodeNoAccess, "")

// CodeUIDAlreadyExists is the code of ErrUIDAlreadyExists.
const CodeUIDAlreadyExists = "ERR_UID_ALREADY_EXISTS"

// ErrUIDAlreadyExists (a server code) means AdminClient.CreateUser was given
// a uid that exists.
var ErrUIDAlreadyExists = newError(CodeUIDAlreadyExists, "")

// CodeRESTTokenNotFound is the code of ErrRESTTokenNotFound.
const CodeRESTTokenNotFound = "ERR_AUTH_TOKEN_NOT_FOUND"

// ErrRESTTokenNotFound (a server code) means AdminClient.RevokeAuthToken was
// given a token the user does not have.
var ErrRESTTokenNotFound = newError(CodeRESTTokenNotFound, "")

// CodeBadRequest is the code of ErrBadRequest.
const CodeBadRequest = "ERR_BAD_REQUEST"

// ErrBadRequest (a server code) means CometChat refused the request's body;
// Details says which field.
var ErrBadRequest = newError(CodeBadRequest, "")

// CodeEmptyAPIKeyHeader is the code of ErrEmptyAPIKeyHeader.
const CodeEmptyAPIKeyHeader = "AUTH_ERR_EMPTY_APIKEY"

// ErrEmptyAPIKeyHeader (a server code) means the request reached CometChat
// without its apiKey header. The SDK always sends it, so something in
// between (a proxy) removed it.
var ErrEmptyAPIKeyHeader = newError(CodeEmptyAPIKeyHeader, "")

// CodeEmptyAuthTokenHeader is the code of ErrEmptyAuthTokenHeader.
const CodeEmptyAuthTokenHeader = "AUTH_ERR_EMPTY_AUTH_TOKEN"

// ErrEmptyAuthTokenHeader (a server code) means the request reached
// CometChat without its authToken header, which the SDK always sends: a
// proxy removed it.
var ErrEmptyAuthTokenHeader = newError(CodeEmptyAuthTokenHeader, "")

// CodeEmptyAppIDHeader is the code of ErrEmptyAppIDHeader.
const CodeEmptyAppIDHeader = "AUTH_ERR_EMPTY_APPID"

// ErrEmptyAppIDHeader (a server code) means the request reached CometChat
// without its appId header, which the SDK always sends: a proxy removed it.
var ErrEmptyAppIDHeader = newError(CodeEmptyAppIDHeader, "")

// CodeInvalidAppID is the code of ErrInvalidAppID.
const CodeInvalidAppID = "AUTH_ERR_INVALID_APPID"

// ErrInvalidAppID (a server code) means no app has this ID in this region.
// Check the app ID and region given to New.
var ErrInvalidAppID = newError(CodeInvalidAppID, "")
