package cometchatcalls

import "context"

// Each function below delegates to the Client that the last successful
// Init made (Default). A call that raced an Init and reached the replaced
// Client after it closed fails with ERROR_CLIENT_CLOSED; one that began
// there before finishes there.

// Login logs in with the default Client, as Client.Login does.
//
// Its errors: ERROR_SDK_NOT_INITIALIZED before Init; then, before any
// request, ERROR_CLIENT_CLOSED, ERROR_NETWORK for a context already done,
// ERROR_LOGIN_IN_PROGRESS, ERROR_INVALID_UID, ERROR_UID_WITH_SPACE and
// ERROR_API_KEY_NOT_FOUND (an empty auth key); from the server,
// AUTH_ERR_APIKEY_NOT_FOUND (ErrAPIKeyInvalid: a wrong auth key),
// ERR_UID_NOT_FOUND, AUTH_ERR_INVALID_APPID, ERR_TOO_MANY_REQUESTS and any
// other code as CometChat sent it; ERROR_NETWORK (no answer),
// ERROR_SERVER_UNAVAILABLE, ERROR_INVALID_RESPONSE, and ERROR_SESSION_STORE
// when the session cannot be saved. Each code has an Err… sentinel for
// errors.Is; the README's error guide says what to do about each.
func Login(ctx context.Context, uid, authKey string) (*User, error) {
	if c := Default(); c != nil {
		return c.Login(ctx, uid, authKey)
	}
	return nil, notInitialized()
}

// LoginWithAuthToken logs in with the default Client:
// ERROR_SDK_NOT_INITIALIZED before Init, otherwise as
// Client.LoginWithAuthToken (its errors included).
func LoginWithAuthToken(ctx context.Context, authToken string) (*User, error) {
	if c := Default(); c != nil {
		return c.LoginWithAuthToken(ctx, authToken)
	}
	return nil, notInitialized()
}

// Logout logs out with the default Client: ERROR_SDK_NOT_INITIALIZED
// before Init, otherwise as Client.Logout (its errors included).
func Logout(ctx context.Context) error {
	if c := Default(); c != nil {
		return c.Logout(ctx)
	}
	return notInitialized()
}

// GetLoggedInUser returns the default Client's user:
// ERROR_SDK_NOT_INITIALIZED before Init, otherwise as
// Client.GetLoggedInUser.
func GetLoggedInUser(ctx context.Context) (*User, error) {
	if c := Default(); c != nil {
		return c.GetLoggedInUser(ctx)
	}
	return nil, notInitialized()
}

// GetUserAuthToken returns the default Client's token:
// ERROR_SDK_NOT_INITIALIZED before Init, otherwise as
// Client.GetUserAuthToken.
func GetUserAuthToken(ctx context.Context) (string, error) {
	if c := Default(); c != nil {
		return c.GetUserAuthToken(ctx)
	}
	return "", notInitialized()
}

// IsUserLoggedIn reports whether the default Client has a user; false before Init.
func IsUserLoggedIn(ctx context.Context) bool {
	if c := Default(); c != nil {
		return c.IsUserLoggedIn(ctx)
	}
	return false
}

// LoginAsync is Login with callbacks; see Client.LoginAsync.
func LoginAsync(ctx context.Context, uid, authKey string, onSuccess func(*User), onError func(*Error)) <-chan struct{} {
	if c := Default(); c != nil {
		return c.LoginAsync(ctx, uid, authKey, onSuccess, onError)
	}
	return failAsync(onError, notInitialized())
}

// LoginWithAuthTokenAsync is LoginWithAuthToken with callbacks; see Client.LoginWithAuthTokenAsync.
func LoginWithAuthTokenAsync(ctx context.Context, authToken string, onSuccess func(*User), onError func(*Error)) <-chan struct{} {
	if c := Default(); c != nil {
		return c.LoginWithAuthTokenAsync(ctx, authToken, onSuccess, onError)
	}
	return failAsync(onError, notInitialized())
}

// LogoutAsync is Logout with callbacks; see Client.LogoutAsync.
func LogoutAsync(ctx context.Context, onSuccess func(message string), onError func(*Error)) <-chan struct{} {
	if c := Default(); c != nil {
		return c.LogoutAsync(ctx, onSuccess, onError)
	}
	return failAsync(onError, notInitialized())
}

// GetLoggedInUserAsync is GetLoggedInUser with callbacks; see Client.GetLoggedInUserAsync.
func GetLoggedInUserAsync(ctx context.Context, onSuccess func(*User), onError func(*Error)) <-chan struct{} {
	if c := Default(); c != nil {
		return c.GetLoggedInUserAsync(ctx, onSuccess, onError)
	}
	return failAsync(onError, notInitialized())
}

// AddLoginListener adds a listener to the default Client. Listeners added
// before Init are kept and handed to the client Init makes; a later Init
// carries the listeners of the client it replaces over to the new one.
func AddLoginListener(id string, l LoginListener) {
	initMu.Lock()
	defer initMu.Unlock()
	if c := Default(); c != nil {
		c.AddLoginListener(id, l)
		return
	}
	pendingListeners.add(id, l)
}

// RemoveLoginListener removes a listener from the default Client (or from
// those waiting for Init).
func RemoveLoginListener(id string) {
	initMu.Lock()
	defer initMu.Unlock()
	if c := Default(); c != nil {
		c.RemoveLoginListener(id)
		return
	}
	pendingListeners.remove(id)
}

// pendingListeners holds the listeners added before Init (guarded by initMu).
var pendingListeners listeners

// GenerateCallToken generates a call token with the default Client; see
// Client.GenerateCallToken.
func GenerateCallToken(ctx context.Context, sessionID string) (*CallToken, error) {
	if c := Default(); c != nil {
		return c.GenerateCallToken(ctx, sessionID)
	}
	return nil, notInitialized()
}

// GenerateCallTokenAsync is GenerateCallToken with callbacks; see
// Client.GenerateCallTokenAsync.
func GenerateCallTokenAsync(ctx context.Context, sessionID string, onSuccess func(*CallToken), onError func(*Error)) <-chan struct{} {
	if c := Default(); c != nil {
		return c.GenerateCallTokenAsync(ctx, sessionID, onSuccess, onError)
	}
	return failAsync(onError, notInitialized())
}
