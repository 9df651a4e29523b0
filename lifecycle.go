package cometchatcalls

import (
	"context"
	"sync"
	"sync/atomic"
)

// lifecycle tracks the SDK's own work in flight on a Client or an
// AdminClient (requests, store reads and writes), so that Close can wait
// for it. User code (listeners, callbacks) always runs outside this count:
// Close called from a listener or a callback never waits for itself.
//
// The zero value is an open lifecycle with nothing in flight.
type lifecycle struct {
	mu       sync.Mutex  // orders enter against close, so no work starts after close began waiting
	closed   atomic.Bool // also read without mu by calls that do no I/O
	inflight sync.WaitGroup
	released sync.Once
}

// enter counts one piece of work in. It reports false, counting nothing,
// once close has begun.
func (l *lifecycle) enter() bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.closed.Load() {
		return false
	}
	l.inflight.Add(1)
	return true
}

// leave counts out the work of a successful enter.
func (l *lifecycle) leave() { l.inflight.Done() }

// close refuses new work, runs stop (which cuts short what may wait long:
// retry waits), waits for the work in flight, then runs release once.
// Every caller returns only after release has run, so a second (or
// concurrent) Close also finds the connections released.
func (l *lifecycle) close(stop, release func()) {
	l.mu.Lock()
	l.closed.Store(true)
	l.mu.Unlock()
	stop()
	l.inflight.Wait()
	l.released.Do(release)
}

// errClosed is the answer of every call on a closed (or zero, or nil)
// client.
func errClosed() *Error { return newError(CodeClientClosed, "the client is closed") }

// checkCall checks what every call needs before anything else: a context,
// and a client that is open.
func checkCall(ctx context.Context, open bool) *Error {
	if ctx == nil {
		return newError(CodeInvalidArgument, "nil context")
	}
	if !open {
		return errClosed()
	}
	return nil
}

// ctxDone is the answer of a call whose context has already ended: it
// changes nothing (no request, no store write, no listener) and says why.
func ctxDone(ctx context.Context) *Error {
	err := ctx.Err()
	if err == nil {
		return nil
	}
	e := wrapError(CodeNetwork, "not started: "+err.Error(), err)
	e.callerDone = true
	return e
}

// open reports whether c may start a call: not nil, made by New (a zero
// Client has no transport) and not closed.
func (c *Client) open() bool { return c != nil && c.t != nil && !c.life.closed.Load() }

// usable checks what every call needs before its first side effect: a
// context, an open client (Close may have begun since the call entered:
// then it stops before doing anything), and a context that has not ended.
func (c *Client) usable(ctx context.Context) *Error {
	if e := checkCall(ctx, c.open()); e != nil {
		return e
	}
	return ctxDone(ctx)
}

// run runs work as one call of c: Close waits for work, and the listener
// events work queued are delivered once work has left the count (so a
// listener may call Close, Logout or Init). Every method that does I/O
// goes through run.
func run[T any](c *Client, ctx context.Context, work func() (T, *Error)) (T, *Error) {
	var zero T
	if e := checkCall(ctx, c.open()); e != nil {
		return zero, e
	}
	if !c.life.enter() {
		return zero, errClosed()
	}
	var v T
	var e *Error
	func() {
		// Deferred, so that a panic in user code that work runs (a
		// SessionStore, a log handler) cannot leave Close waiting forever.
		defer c.life.leave()
		v, e = work()
	}()
	c.st.deliver()
	return v, e
}

// Close ends the Client: later calls fail with ERROR_CLIENT_CLOSED at once.
// Close waits for the SDK's own work of the calls in flight (requests,
// store reads and writes, synchronous and async calls alike), never for a
// listener or a callback, then releases idle connections; no store write
// happens after it returned. A call waiting to retry (a server's
// Retry-After) does not wait on: it returns the error it has. The stored
// session stays in the SessionStore.
//
// Close may be called from a listener or a callback, and any number of
// times; it always returns nil. It must not be called from a SessionStore
// method or a log handler of this Client (nor Init, which closes it): they
// run inside a call, and Close would wait for that call, so for itself.
func (c *Client) Close() error {
	if c == nil || c.t == nil {
		return nil
	}
	c.life.close(c.t.stopRetries, c.t.close)
	return nil
}

// open reports whether a may start a call (see Client.open).
func (a *AdminClient) open() bool { return a != nil && a.t != nil && !a.life.closed.Load() }

// enter starts one call of a: Close waits until the matching leave. A
// context already done sends nothing.
func (a *AdminClient) enter(ctx context.Context) *Error {
	if e := checkCall(ctx, a.open()); e != nil {
		return e
	}
	if e := ctxDone(ctx); e != nil {
		return e
	}
	if !a.life.enter() {
		return errClosed()
	}
	return nil
}

// Close ends the AdminClient: later calls fail with ERROR_CLIENT_CLOSED at
// once. It waits for the requests in flight, then releases idle
// connections. Close may be called any number of times, from any
// goroutine except a log handler of this AdminClient (which runs inside a
// call, so Close would wait for itself); it always returns nil.
func (a *AdminClient) Close() error {
	if a == nil || a.t == nil {
		return nil
	}
	a.life.close(a.t.stopRetries, a.t.close)
	return nil
}
