package cometchatcalls

import (
	"sync"
	"sync/atomic"
)

// LoginListener hears about logins and logouts of a Client. Nil fields are
// skipped. Listeners are called synchronously, before the method that
// caused the event returns, on the caller's goroutine, with no lock held;
// when another call on the same Client is delivering events at that moment,
// it delivers this call's events too, in order, possibly just after this
// method returned. Events come in the order the session changed: after the
// last event a listener heard, the session is what that event says. A
// listener hears the changes made after it was added.
//
// A listener may add or remove listeners and call the Client (Logout,
// Close, …) or the package-level Init; the events those calls cause are
// delivered after the listener returns.
//
// OnLoginFailure hears every failed Login/LoginWithAuthToken (bad input and
// server errors alike) except an ERROR_LOGIN_IN_PROGRESS rejection. A login
// as the user who is already logged in changes nothing and fires nothing.
// OnLogoutSuccess also fires when a session ends without Logout: before a
// different user logs in, and when the server no longer knows the token.
type LoginListener struct {
	OnLoginSuccess  func(*User)
	OnLoginFailure  func(*Error)
	OnLogoutSuccess func()
	OnLogoutFailure func(*Error)
}

// AddLoginListener registers l under id; an existing id is replaced in
// place (keeping its position in the call order). It may be called from a
// listener; the change applies from the next event.
func (c *Client) AddLoginListener(id string, l LoginListener) {
	if c != nil {
		c.st.addListener(id, l)
	}
}

// RemoveLoginListener removes the listener registered under id, if any.
func (c *Client) RemoveLoginListener(id string) {
	if c != nil {
		c.st.removeListener(id)
	}
}

type listenerEntry struct {
	id string
	l  LoginListener
}

// listeners is copy-on-write: notification walks an immutable slice with
// no lock held, so listeners can change the set while being called.
type listeners struct {
	mu   sync.Mutex // serialises writers
	list atomic.Pointer[[]listenerEntry]
}

func (ls *listeners) snapshot() []listenerEntry {
	if p := ls.list.Load(); p != nil {
		return *p
	}
	return nil
}

func (ls *listeners) add(id string, l LoginListener) {
	ls.mu.Lock()
	defer ls.mu.Unlock()
	old := ls.snapshot()
	next := make([]listenerEntry, len(old), len(old)+1)
	copy(next, old)
	for i := range next {
		if next[i].id == id {
			next[i].l = l
			ls.list.Store(&next)
			return
		}
	}
	next = append(next, listenerEntry{id, l})
	ls.list.Store(&next)
}

// copyFrom replaces ls's listeners with other's.
func (ls *listeners) copyFrom(other *listeners) {
	ls.mu.Lock()
	defer ls.mu.Unlock()
	src := other.snapshot()
	next := append([]listenerEntry(nil), src...)
	ls.list.Store(&next)
}

func (ls *listeners) remove(id string) {
	ls.mu.Lock()
	defer ls.mu.Unlock()
	old := ls.snapshot()
	next := make([]listenerEntry, 0, len(old))
	for _, e := range old {
		if e.id != id {
			next = append(next, e)
		}
	}
	ls.list.Store(&next)
}

// eventKind says which LoginListener field an event calls.
type eventKind uint8

const (
	evLoginSuccess eventKind = iota
	evLoginFailure
	evLogoutSuccess
	evLogoutFailure
)

// event is one listener event, queued when the state changed.
type event struct {
	kind eventKind
	user *User  // evLoginSuccess; each listener gets its own copy
	err  *Error // evLoginFailure, evLogoutFailure
}

// fire calls every listener's field for ev, with no lock held.
func (ls *listeners) fire(ev event) {
	for _, e := range ls.snapshot() {
		switch l := e.l; ev.kind {
		case evLoginSuccess:
			if l.OnLoginSuccess != nil {
				l.OnLoginSuccess(ev.user.clone())
			}
		case evLoginFailure:
			if l.OnLoginFailure != nil {
				l.OnLoginFailure(ev.err)
			}
		case evLogoutSuccess:
			if l.OnLogoutSuccess != nil {
				l.OnLogoutSuccess()
			}
		case evLogoutFailure:
			if l.OnLogoutFailure != nil {
				l.OnLogoutFailure(ev.err)
			}
		}
	}
}
