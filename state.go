package cometchatcalls

import (
	"slices"
	"sync"
	"sync/atomic"
)

// state owns a Client's session state: the current session, the gate that
// lets one operation at a time write the session to the store, the
// listeners, and the queue of their events. Its methods enforce the rules
// that the rest of the package relies on:
//
//   - The current session is an immutable value, read without a lock
//     (session) and replaced whole. nil means the store has not been read
//     yet; noSession means nobody is logged in.
//   - One operation holds the gate at a time (claim). Nobody waits for it:
//     a login or logout that finds it taken fails at once, a refresh or a
//     forced logout gives way. So the store runs with no lock held, and two
//     writes can never land in the store out of order.
//   - A change of the session and the events it causes are made in one
//     step under mu (commit, forceEnd), so the queue's order is the order
//     of the changes: after the last event a listener heard, the session
//     is what that event says.
//   - mu is never held while user code runs. deliver calls the listeners
//     with no lock held, one deliverer at a time, so a listener may call
//     anything; its own events follow once it returns.
//   - A panic in user code frees the gate (release is deferred by every
//     claimer and frees only the claim it is given) and keeps the events
//     not delivered yet, for the next deliver.
//
// The zero value is a state whose store has not been read.
type state struct {
	cur atomic.Pointer[session] // written only with mu held

	mu         sync.Mutex
	holder     ticket // the claim holding the gate; 0 when it is free
	holderOp   op     // what holder is doing, for the in-progress error
	tickets    ticket // the last ticket handed out
	pending    []event
	delivering bool

	listeners listeners
}

// op names what holds the gate.
type op uint8

const (
	opLogin op = iota + 1
	opLogout
	opRefresh
	opForcedLogout
)

// ticket identifies one claim of the gate, so that releasing a claim that
// has already ended (committed, or given way to a later claim) is a no-op.
type ticket uint64

// session returns the current session without a lock; nil until the
// store has been read.
func (s *state) session() *session { return s.cur.Load() }

// restore makes loaded the session of a state whose store had not been
// read, and returns the session that is current: loaded, or what another
// call set meanwhile, which wins.
func (s *state) restore(loaded *session) *session {
	s.mu.Lock()
	defer s.mu.Unlock()
	if cur := s.cur.Load(); cur != nil {
		return cur
	}
	s.cur.Store(loaded)
	return loaded
}

// claim takes the gate for o, or says what holds it.
func (s *state) claim(o op) (ticket, *Error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	switch s.holderOp {
	case opLogin:
		return 0, newError(CodeLoginInProgress, "Login is already in progress")
	case opLogout:
		return 0, newError(CodeLoginInProgress, "Logout is in progress")
	case opRefresh, opForcedLogout:
		return 0, newError(CodeLoginInProgress, "the session is being saved; try again")
	}
	return s.take(o), nil
}

// claimIfCurrent takes the gate for o only if it is free and cur is still
// the current session; ok is false otherwise.
func (s *state) claimIfCurrent(o op, cur *session) (t ticket, ok bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.holder != 0 || s.cur.Load() != cur {
		return 0, false
	}
	return s.take(o), true
}

// take hands the free gate to a new claim for o; mu is held.
func (s *state) take(o op) ticket {
	s.tickets++
	s.holder, s.holderOp = s.tickets, o
	return s.holder
}

// release frees the gate if t still holds it. Every claimer defers it, so
// the gate is freed even when user code panics.
func (s *state) release(t ticket) {
	s.mu.Lock()
	s.free(t)
	s.mu.Unlock()
}

// free is release with mu held.
func (s *state) free(t ticket) {
	if t != 0 && s.holder == t {
		s.holder, s.holderOp = 0, 0
	}
}

// commit ends the claim t in one step: next, when not nil, becomes the
// session, then evs are queued, and the gate is freed. A next that
// replaces a logged-in session first queues that session's
// OnLogoutSuccess (a forced logout may already have ended it).
func (s *state) commit(t ticket, next *session, evs ...event) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if next != nil {
		if prev := s.cur.Swap(next); prev != nil && prev.user != nil {
			s.queue(event{kind: evLogoutSuccess})
		}
	}
	s.queue(evs...)
	s.free(t)
}

// queue appends evs to the events waiting for delivery; mu is held, and
// has been since the change they report. Without listeners there is
// nobody to tell: a listener hears the changes made after it was added.
func (s *state) queue(evs ...event) {
	if len(s.listeners.snapshot()) > 0 {
		s.pending = append(s.pending, evs...)
	}
}

// replace makes next the session if old is still current, and reports
// whether it did.
func (s *state) replace(old, next *session) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.cur.CompareAndSwap(old, next)
}

// forceEnd ends cur, if it is still the current logged-in session,
// queueing OnLogoutSuccess in the same step; ended says whether it did.
// It also claims the gate for the forced logout's store write when the
// gate is free (t, or 0 when another operation holds it).
func (s *state) forceEnd(cur *session) (t ticket, ended bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if cur.user == nil || s.cur.Load() != cur {
		return 0, false
	}
	s.cur.Store(noSession)
	s.queue(event{kind: evLogoutSuccess})
	if s.holder == 0 {
		t = s.take(opForcedLogout)
	}
	return t, true
}

// deliver calls the listeners for the queued events, in order, with no
// lock held. One call delivers at a time: a call that finds another one
// delivering leaves its events to it (they follow in order, maybe just
// after this call returned). That is also what makes a listener that calls
// the Client safe: its events wait until it returns.
func (s *state) deliver() {
	s.mu.Lock()
	if s.delivering || len(s.pending) == 0 {
		s.mu.Unlock()
		return
	}
	s.delivering = true
	s.mu.Unlock()

	finished := false
	var rest []event // the events of the batch not delivered yet
	defer func() {
		if !finished {
			// A listener panicked: the events after the one it was
			// hearing go back to the front of the queue, in order, for
			// the next call to deliver.
			s.mu.Lock()
			s.pending = slices.Concat(rest, s.pending)
			s.delivering = false
			s.mu.Unlock()
		}
	}()
	for batch := s.nextBatch(); batch != nil; batch = s.nextBatch() {
		for i, ev := range batch {
			rest = batch[i+1:]
			s.listeners.fire(ev)
		}
	}
	finished = true
}

// nextBatch takes the queued events, or ends the delivery when there are
// none (in one step, so that no event is left behind undelivered).
func (s *state) nextBatch() []event {
	s.mu.Lock()
	defer s.mu.Unlock()
	b := s.pending
	s.pending = nil
	if len(b) == 0 {
		s.delivering = false
		return nil
	}
	return b
}

// addListener registers l under id (see Client.AddLoginListener).
func (s *state) addListener(id string, l LoginListener) { s.listeners.add(id, l) }

// removeListener removes the listener registered under id, if any.
func (s *state) removeListener(id string) { s.listeners.remove(id) }

// inheritListeners replaces s's listeners with those of ls.
func (s *state) inheritListeners(ls *listeners) { s.listeners.copyFrom(ls) }

// inheritListenersOf replaces s's listeners with those of old.
func (s *state) inheritListenersOf(old *state) { s.listeners.copyFrom(&old.listeners) }
