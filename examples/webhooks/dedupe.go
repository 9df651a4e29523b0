package main

import "sync"

// state is what the key store knows about an event.
type state int

const (
	fresh state = iota // never seen, or seen and failed: handle it
	busy               // being handled right now by another delivery
	done               // handled: a repeat
)

// dedupe remembers which events were handled, by idempotency key. A key is
// done only once its event was handled successfully, so that a failed
// attempt is handled again when CometChat retries it. Keys are kept in
// memory for the example; a real backend keeps them in its database, in
// the same transaction as the work, and forgets them after a few minutes
// (CometChat's last retry comes 40 s after the first attempt).
type dedupe struct {
	mu       sync.Mutex
	state    map[string]state
	nRepeats int
}

func newDedupe() *dedupe { return &dedupe{state: map[string]state{}} }

// begin returns the key's state and, when it is fresh, marks it busy.
func (d *dedupe) begin(key string) state {
	d.mu.Lock()
	defer d.mu.Unlock()
	s := d.state[key]
	switch s {
	case fresh:
		d.state[key] = busy
	case done:
		d.nRepeats++
	}
	return s
}

// finish marks a busy key done, or fresh again when the work failed.
func (d *dedupe) finish(key string, ok bool) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if ok {
		d.state[key] = done
	} else {
		delete(d.state, key)
	}
}

// repeats counts the deliveries of events already handled.
func (d *dedupe) repeats() int {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.nRepeats
}
