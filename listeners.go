package cometchatcalls

import (
	"sync"
	"sync/atomic"
)

// LoginListener hears about logins and logouts of a Client. Nil fields are
// skipped. Listeners are called synchronously, before the method that
// caused the event returns, on the caller's goroutine; a listener may add
// or remove listeners, and may call the Client.
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
// place (keeping its position in the call order).
func (c *Client) AddLoginListener(id string, l LoginListener) { c.listeners.add(id, l) }

// RemoveLoginListener removes the listener registered under id, if any.
func (c *Client) RemoveLoginListener(id string) { c.listeners.remove(id) }

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

// loginSuccess gives each listener its own copy of u.
func (ls *listeners) loginSuccess(u *User) {
	for _, e := range ls.snapshot() {
		if e.l.OnLoginSuccess != nil {
			e.l.OnLoginSuccess(u.clone())
		}
	}
}

func (ls *listeners) loginFailure(err *Error) {
	for _, e := range ls.snapshot() {
		if e.l.OnLoginFailure != nil {
			e.l.OnLoginFailure(err)
		}
	}
}

func (ls *listeners) logoutSuccess() {
	for _, e := range ls.snapshot() {
		if e.l.OnLogoutSuccess != nil {
			e.l.OnLogoutSuccess()
		}
	}
}

func (ls *listeners) logoutFailure(err *Error) {
	for _, e := range ls.snapshot() {
		if e.l.OnLogoutFailure != nil {
			e.l.OnLogoutFailure(err)
		}
	}
}
