package cometchatcalls

import (
	"context"
	"errors"
)

// LoginAsync runs Login on its own goroutine and returns at once. Exactly
// one of onSuccess and onError is called, exactly once (either may be nil);
// the returned channel is closed after that callback returns. A callback
// may call any method of the Client, Close included, and the package-level
// Init.
func (c *Client) LoginAsync(ctx context.Context, uid, authKey string, onSuccess func(*User), onError func(*Error)) <-chan struct{} {
	return goAsync(c, func() (*User, error) { return c.Login(ctx, uid, authKey) }, onSuccess, onError)
}

// LoginWithAuthTokenAsync runs LoginWithAuthToken on its own goroutine; see
// LoginAsync for the callback rules.
func (c *Client) LoginWithAuthTokenAsync(ctx context.Context, authToken string, onSuccess func(*User), onError func(*Error)) <-chan struct{} {
	return goAsync(c, func() (*User, error) { return c.LoginWithAuthToken(ctx, authToken) }, onSuccess, onError)
}

// LogoutMessage is what LogoutAsync passes to onSuccess.
const LogoutMessage = "Logout successful"

// LogoutAsync runs Logout on its own goroutine; onSuccess receives
// LogoutMessage. See LoginAsync for the callback rules.
func (c *Client) LogoutAsync(ctx context.Context, onSuccess func(message string), onError func(*Error)) <-chan struct{} {
	return goAsync(c, func() (string, error) { return LogoutMessage, c.Logout(ctx) }, onSuccess, onError)
}

// GetLoggedInUserAsync runs GetLoggedInUser on its own goroutine;
// onSuccess receives nil when nobody is logged in. See LoginAsync for the
// callback rules.
func (c *Client) GetLoggedInUserAsync(ctx context.Context, onSuccess func(*User), onError func(*Error)) <-chan struct{} {
	return goAsync(c, func() (*User, error) { return c.GetLoggedInUser(ctx) }, onSuccess, onError)
}

// goAsync runs fn on its own goroutine and reports its outcome through
// exactly one callback. fn is one of the Client's synchronous methods, so
// Close waits for its work (not for the callback, which runs after it);
// an async call that Close overtook before it started fails with
// ERROR_CLIENT_CLOSED.
func goAsync[T any](c *Client, fn func() (T, error), onSuccess func(T), onError func(*Error)) <-chan struct{} {
	if !c.open() {
		return failAsync(onError, errClosed())
	}
	done := make(chan struct{})
	go func() {
		defer close(done)
		v, err := fn()
		if err != nil {
			if onError != nil {
				onError(asError(err))
			}
			return
		}
		if onSuccess != nil {
			onSuccess(v)
		}
	}()
	return done
}

// failAsync reports e through onError on a goroutine, like a call would.
func failAsync(onError func(*Error), e *Error) <-chan struct{} {
	done := make(chan struct{})
	go func() {
		defer close(done)
		if onError != nil {
			onError(e)
		}
	}()
	return done
}

// asError returns err as the *Error every SDK call returns.
func asError(err error) *Error {
	var e *Error
	if errors.As(err, &e) {
		return e
	}
	return wrapError(CodeInvalidResponse, err.Error(), err)
}
