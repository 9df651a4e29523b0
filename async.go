package cometchatcalls

import (
	"context"
	"errors"
)

// LoginAsync runs Login on its own goroutine and returns at once. Exactly
// one of onSuccess and onError is called, exactly once (either may be nil);
// the returned channel is closed after that callback returns.
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

// goAsync runs fn on a goroutine that Close waits for, and reports its
// outcome through exactly one callback.
func goAsync[T any](c *Client, fn func() (T, error), onSuccess func(T), onError func(*Error)) <-chan struct{} {
	c.closeMu.RLock()
	if c.closed.Load() {
		c.closeMu.RUnlock()
		return failAsync(onError, newError(CodeClientClosed, "the client is closed"))
	}
	c.async.Add(1)
	c.closeMu.RUnlock()

	done := make(chan struct{})
	go func() {
		defer c.async.Done()
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
