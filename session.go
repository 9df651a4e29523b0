package cometchatcalls

import (
	"context"
	"errors"
	"log/slog"
	"time"
)

// session is a login: an immutable value that state keeps as the current
// one, replaced whole and never edited.
type session struct {
	user      *User // nil only in noSession
	token     secret
	createdAt time.Time
}

// noSession is the session of a Client whose store has been read and that
// has nobody logged in.
var noSession = &session{}

// current returns the current session, reading the store on first use.
// The read runs with no lock held and is bounded by ctx; if another call
// set the session meanwhile, that one wins.
func (c *Client) current(ctx context.Context) (*session, *Error) {
	if s := c.st.session(); s != nil {
		return s, nil
	}
	if e := ctxDone(ctx); e != nil {
		return nil, e
	}
	stored, err := c.store.Load(ctx, c.appID)
	if err != nil {
		return nil, storeError("loading the session", err)
	}
	return c.st.restore(c.sessionOf(stored)), nil
}

// userSession returns the session of the logged-in user for a call that
// sends its token, after the checks of usable; nobody logged in is the
// error made of code and msg.
func (c *Client) userSession(ctx context.Context, code, msg string) (*session, *Error) {
	if e := c.usable(ctx); e != nil {
		return nil, e
	}
	cur, e := c.current(ctx)
	if e != nil {
		return nil, e
	}
	if cur.user == nil {
		return nil, newError(code, msg)
	}
	return cur, nil
}

// sessionOf turns what the store held into a session; anything unusable
// (another app's, no uid, a malformed token) counts as nobody logged in.
func (c *Client) sessionOf(stored *Session) *session {
	if stored == nil || stored.AppID != c.appID || stored.User.UID == "" || validateToken(stored.AuthToken) != nil {
		return noSession
	}
	return &session{user: stored.User.clone(), token: secret(stored.AuthToken), createdAt: stored.CreatedAt}
}

// sessionForLogin is current for a login: an unreadable store is logged and
// treated as empty, since the login's Save will move a corrupt file aside.
func (c *Client) sessionForLogin(ctx context.Context) *session {
	s, e := c.current(ctx)
	if e != nil {
		c.logger.LogAttrs(ctx, slog.LevelWarn, "cometchatcalls: ignoring an unreadable session store", slog.String("error", e.Error()))
		return noSession
	}
	return s
}

// save writes s to the store; the caller holds the gate.
func (c *Client) save(ctx context.Context, s *session) *Error {
	if err := c.store.Save(ctx, c.stored(s)); err != nil {
		return storeError("saving the session", err, s.token)
	}
	return nil
}

// saveRefreshed writes next, a refresh of s with the same token, to the
// store: only while the store still holds s's token when the store can
// compare and swap (ConditionalSaver), since another client sharing the
// store may have saved a newer session or logged out. The caller holds the
// gate.
func (c *Client) saveRefreshed(ctx context.Context, s, next *session) *Error {
	cs, ok := c.store.(ConditionalSaver)
	if !ok {
		return c.save(ctx, next)
	}
	if err := cs.SaveIfToken(ctx, c.stored(next), s.token.reveal()); err != nil {
		return storeError("saving the session", err, s.token)
	}
	return nil
}

// stored is s as the store keeps it.
func (c *Client) stored(s *session) *Session {
	return &Session{
		AppID:     c.appID,
		User:      s.user.cloneValue(),
		AuthToken: s.token.reveal(),
		CreatedAt: s.createdAt,
	}
}

// deleteStored deletes s from the store, only while the store still holds
// s's token when the store can compare and delete (ConditionalDeleter):
// another client sharing the store may have saved a newer session.
func (c *Client) deleteStored(ctx context.Context, s *session) *Error {
	var err error
	if cd, ok := c.store.(ConditionalDeleter); ok {
		err = cd.DeleteIfToken(ctx, c.appID, s.token.reveal())
	} else {
		err = c.store.Delete(ctx, c.appID)
	}
	if err != nil {
		return storeError("deleting the session", err, s.token)
	}
	return nil
}

// refresh makes next (s's token, a fresher user) the session and saves
// it, if s is still current. A login, logout or forced logout in flight
// owns the session: then refresh gives way and changes nothing.
func (c *Client) refresh(ctx context.Context, s, next *session) *Error {
	t, ok := c.st.claimIfCurrent(opRefresh, s)
	if !ok {
		return nil
	}
	defer c.st.release(t)
	if e := c.saveRefreshed(ctx, s, next); e != nil {
		return e
	}
	if !c.st.replace(s, next) {
		// Only a forced logout can end s while the gate is held; the save
		// may have put the revoked session back in the store.
		c.warnStore(ctx, "could not delete the revoked session", c.deleteStored(ctx, s))
	}
	return nil
}

// forceLogout ends s, if it is still the current session, because the
// server no longer knows its token: listeners hear OnLogoutSuccess. Call
// it inside run, which delivers the event.
//
// The stored session is deleted too, unless a login, logout or refresh in
// flight owns the store and the store cannot compare and delete: a login
// overwrites the session on success, a logout deletes it, a refresh
// deletes what it wrote once it sees the session ended. (A login that
// fails then leaves the revoked session stored; the next ValidateSession
// ends it.)
func (c *Client) forceLogout(ctx context.Context, s *session) {
	t, ended := c.st.forceEnd(s)
	if !ended {
		return
	}
	defer c.st.release(t)
	c.logger.LogAttrs(ctx, slog.LevelInfo, "cometchatcalls: the server no longer knows the session's token; logged out", slog.String("uid", s.user.UID))
	if _, ok := c.store.(ConditionalDeleter); t == 0 && !ok {
		return
	}
	c.warnStore(ctx, "could not delete the revoked session", c.deleteStored(ctx, s))
}

// warnStore logs a store failure that the call does not return.
func (c *Client) warnStore(ctx context.Context, msg string, e *Error) {
	if e != nil {
		c.logger.LogAttrs(ctx, slog.LevelWarn, "cometchatcalls: "+msg, slog.String("error", e.Error()))
	}
}

// storeError wraps a SessionStore failure as ERROR_SESSION_STORE, keeping a
// store's own *Error as it is (but not a nil one in an error interface).
// A store is the user's code: an error that quotes a credential of the
// call (known) is replaced by one whose text does not, as for the server's.
func storeError(what string, err error, known ...secret) *Error {
	err = newScrubber(known...).error(err)
	var e *Error
	if errors.As(err, &e) && e != nil && e.Code == CodeSessionStore {
		return e
	}
	return wrapError(CodeSessionStore, what+": "+err.Error(), err)
}
