package cometchatcalls

import (
	"context"
	"crypto/subtle"
	"fmt"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"
)

// Session is what a SessionStore keeps for one app: the logged-in user and
// the auth token that proves it.
//
// The auth token is a bearer credential. fmt (every verb, %+v and %#v
// included) and slog (through LogValue) show it as "[REDACTED]", so a
// Session can be printed and logged safely. encoding/json carries the
// token: a store may persist json.Marshal(session), and a "[REDACTED]"
// there would silently corrupt its data. So never log a Session as part of
// a value that slog encodes as JSON; EncodeSession gives the versioned
// format that the SDK's own stores use.
type Session struct {
	AppID     string
	User      User
	AuthToken string
	CreatedAt time.Time
}

// String implements fmt.Stringer without revealing the token.
func (s Session) String() string {
	return fmt.Sprintf("Session{AppID:%q UID:%q AuthToken:%s CreatedAt:%s}",
		s.AppID, s.User.UID, redacted, s.CreatedAt.Format(time.RFC3339))
}

// GoString implements fmt.GoStringer without revealing the token.
func (s Session) GoString() string { return "cometchatcalls." + s.String() }

// Format implements fmt.Formatter so that every verb goes through String
// (or GoString for %#v).
func (s Session) Format(f fmt.State, verb rune) { formatRedacted(f, verb, s) }

// LogValue implements slog.LogValuer without revealing the token.
func (s Session) LogValue() slog.Value {
	return slog.GroupValue(
		slog.String("appId", s.AppID),
		slog.String("uid", s.User.UID),
		slog.String("authToken", redacted),
		slog.Time("createdAt", s.CreatedAt),
	)
}

// clone returns a deep copy of s.
func (s *Session) clone() *Session {
	c := *s
	c.User = s.User.cloneValue()
	return &c
}

// SessionStore persists the session of each app ID so that a logged-in user
// survives a restart.
//
// Implementations must be safe for concurrent use by multiple goroutines.
// Load returns (nil, nil) when no session is stored for appID; the *Session
// it returns belongs to the caller, and Save must not keep a reference to the
// value it is given (later changes to it must not change what is stored).
// Delete of an app ID with no session is not an error. Errors are reported
// to callers wrapped in an *Error with code ERROR_SESSION_STORE.
// A store's methods run inside a Client's call, with no lock held; they
// must not call that Client's Close (or Init), which waits for the call.
//
// cometchatcallstest.TestSessionStore checks an implementation against this
// contract.
type SessionStore interface {
	Load(ctx context.Context, appID string) (*Session, error)
	Save(ctx context.Context, s *Session) error
	Delete(ctx context.Context, appID string) error
}

// ConditionalDeleter is implemented by stores that can delete a session only
// while it still holds the given token (compare and delete). A Client's
// Logout and forced logout use it, so that a stale client sharing the store
// never ends another client's newer session; a store without it gets the
// plain Delete.
//
// A store that embeds MemoryStore or FileStore inherits it: override both
// Delete and DeleteIfToken, or neither.
type ConditionalDeleter interface {
	// DeleteIfToken deletes the session of appID if its auth token is
	// authToken. It returns nil also when nothing matched.
	DeleteIfToken(ctx context.Context, appID, authToken string) error
}

// ConditionalSaver is implemented by stores that can replace a session only
// while it still holds the given token (compare and swap). A Client's
// ValidateSession uses it to save the refreshed user, so that a stale
// client sharing the store never puts its session back over another
// client's newer one (or over a logout); a store without it gets the plain
// Save.
//
// A store that embeds MemoryStore or FileStore inherits it: override both
// Save and SaveIfToken, or neither.
type ConditionalSaver interface {
	// SaveIfToken saves sess if the session stored for sess.AppID has the
	// auth token authToken. It returns nil, saving nothing, when another
	// session or none is stored.
	SaveIfToken(ctx context.Context, sess *Session, authToken string) error
}

// MemoryStore is a SessionStore that keeps sessions in memory, so they last
// as long as the process. It is the default store of a Client. The zero
// value is ready to use.
//
// A type that embeds MemoryStore also gets DeleteIfToken and SaveIfToken,
// which a Client's Logout and ValidateSession call instead of Delete and
// Save (see ConditionalDeleter and ConditionalSaver): one that overrides
// Delete or Save must override DeleteIfToken or SaveIfToken too.
type MemoryStore struct {
	mu sync.Mutex
	// sessions sits behind an atomic.Pointer, which fmt (every verb) and
	// test-failure dumps print as an address: with a plain map of
	// *Session, %s of a MemoryStore prints each stored Session whole,
	// token included.
	sessions atomic.Pointer[map[string]*Session]
}

// NewMemoryStore returns an empty MemoryStore.
func NewMemoryStore() *MemoryStore { return &MemoryStore{} }

// Load returns a copy of the session stored for appID, or (nil, nil).
func (m *MemoryStore) Load(ctx context.Context, appID string) (*Session, error) {
	if err := m.check(ctx); err != nil {
		return nil, err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	s, ok := m.table()[appID]
	if !ok {
		return nil, nil
	}
	return s.clone(), nil
}

// Save stores a copy of s under s.AppID, replacing any previous session.
func (m *MemoryStore) Save(ctx context.Context, s *Session) error {
	return m.saveIf(ctx, s, nil)
}

// Delete removes the session stored for appID, if any.
func (m *MemoryStore) Delete(ctx context.Context, appID string) error {
	if err := m.check(ctx); err != nil {
		return err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	delete(m.table(), appID)
	return nil
}

// DeleteIfToken removes the session stored for appID if its auth token is
// authToken (see ConditionalDeleter). Nothing matching is not an error.
func (m *MemoryStore) DeleteIfToken(ctx context.Context, appID, authToken string) error {
	if err := m.check(ctx); err != nil {
		return err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	t := m.table()
	if s, ok := t[appID]; ok && sameToken(s.AuthToken, authToken) {
		delete(t, appID)
	}
	return nil
}

// SaveIfToken stores a copy of s under s.AppID if the session stored there
// has the auth token authToken (see ConditionalSaver). Nothing matching is
// not an error.
func (m *MemoryStore) SaveIfToken(ctx context.Context, s *Session, authToken string) error {
	return m.saveIf(ctx, s, func(old *Session) bool { return sameToken(old.AuthToken, authToken) })
}

// saveIf stores a copy of s under s.AppID; with a match, only over a
// stored session of that app that match accepts.
func (m *MemoryStore) saveIf(ctx context.Context, s *Session, match func(*Session) bool) error {
	if err := m.check(ctx); err != nil {
		return err
	}
	if s == nil {
		return errNilSession
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	t := m.table()
	if match != nil {
		if old, ok := t[s.AppID]; !ok || !match(old) {
			return nil
		}
	}
	if t == nil {
		fresh := make(map[string]*Session) // not &t: t would live on the heap in every call
		m.sessions.Store(&fresh)
		t = fresh
	}
	t[s.AppID] = s.clone()
	return nil
}

// sameToken compares two auth tokens in constant time.
func sameToken(a, b string) bool {
	return subtle.ConstantTimeCompare([]byte(a), []byte(b)) == 1
}

// table returns the stored sessions (nil before the first Save); m.mu must
// be held.
func (m *MemoryStore) table() map[string]*Session {
	if p := m.sessions.Load(); p != nil {
		return *p
	}
	return nil
}

// check is what every MemoryStore method checks first. Stores may be called
// directly, not only through a Client, so a nil store or context is an
// *Error rather than a panic, and an ended context is ERROR_SESSION_STORE
// whose Unwrap is the context's error.
func (m *MemoryStore) check(ctx context.Context) error {
	switch {
	case m == nil:
		return errNilMemoryStore
	case ctx == nil:
		return errNilContext
	}
	if err := ctx.Err(); err != nil {
		return wrapError(CodeSessionStore, "session store: "+err.Error(), err)
	}
	return nil
}

var (
	errNilContext     = newError(CodeInvalidArgument, "nil context")
	errNilMemoryStore = newError(CodeSessionStore, "nil *MemoryStore")
)

// errNilSession is what stores answer to Save(ctx, nil).
var errNilSession = newError(CodeSessionStore, "cannot save a nil session")
