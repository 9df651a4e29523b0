package cometchatcallstest

// The auth tokens of the emulator's store: issuing, listing, revoking, and
// what a token says about its user.

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"strconv"

	"github.com/cometchat-go/cometchatcalls"
)

// maxTokensPerUser is how many auth tokens a user keeps: issuing one more
// revokes the oldest, as CometChat keeps "the newest 100".
const maxTokensPerUser = 100

// maxAuthTokens bounds the auth tokens of all users together (about 27 MB
// at most), so that forced tokens for many users cannot grow the emulator
// without end: beyond it, a token that would not replace one of its user's
// is refused until some are revoked. It is the emulator's limit, not
// CometChat's.
const maxAuthTokens = 100000

// newToken returns a fresh token in CometChat's format:
// {uid}_{unix seconds}{40 lowercase hex digits}.
func newToken(uid string, now int64) string {
	var b [20]byte
	_, _ = rand.Read(b[:]) // never fails since Go 1.24
	return uid + "_" + strconv.FormatInt(now, 10) + hex.EncodeToString(b[:])
}

// tokenRoomLocked is the error for issuing one more token to rec (nil:
// a new user) when maxAuthTokens are kept, unless the token replaces
// rec's oldest. The caller holds the lock.
func (st *store) tokenRoomLocked(rec *userRecord) *apiError {
	if len(st.tokens) < maxAuthTokens || (rec != nil && len(rec.tokens) >= maxTokensPerUser) {
		return nil
	}
	return errBadRequest(map[string]string{"authToken": fmt.Sprintf("The emulator keeps at most %d auth tokens; revoke some first.", maxAuthTokens)},
		"Failed to validate the data sent with the request: the emulator keeps as many auth tokens as it can.")
}

// issueLocked creates a token for rec, revoking the oldest beyond
// maxTokensPerUser. The caller holds the lock.
func (st *store) issueLocked(rec *userRecord) tokenRecord {
	now := st.now().Unix()
	t := tokenRecord{token: newToken(rec.user.UID, now), createdAt: now}
	for st.tokens[t.token] != "" {
		t.token = newToken(rec.user.UID, now)
	}
	rec.tokens = append(rec.tokens, t)
	st.tokens[t.token] = rec.user.UID
	if n := len(rec.tokens) - maxTokensPerUser; n > 0 {
		for _, old := range rec.tokens[:n] {
			delete(st.tokens, old.token)
		}
		rec.tokens = append([]tokenRecord(nil), rec.tokens[n:]...)
	}
	return t
}

// issue answers POST /users/{uid}/auth_tokens: without force the newest
// existing token is returned when there is one.
func (st *store) issue(uid string, force bool) (tokenView, *apiError) {
	st.mu.Lock()
	defer st.mu.Unlock()
	rec, e := st.active(uid)
	if e != nil {
		return tokenView{}, e
	}
	if !force && len(rec.tokens) > 0 {
		return rec.tokenView(rec.tokens[len(rec.tokens)-1]), nil
	}
	if e := st.tokenRoomLocked(rec); e != nil {
		return tokenView{}, e
	}
	return rec.tokenView(st.issueLocked(rec)), nil
}

// list returns the tokens of uid, newest first.
func (st *store) list(uid string) ([]tokenView, *apiError) {
	st.mu.Lock()
	defer st.mu.Unlock()
	rec, e := st.active(uid)
	if e != nil {
		return nil, e
	}
	views := make([]tokenView, 0, len(rec.tokens))
	for i := len(rec.tokens) - 1; i >= 0; i-- {
		views = append(views, rec.tokenView(rec.tokens[i]))
	}
	return views, nil
}

// findLocked returns the index of token among rec's tokens, or -1.
func (rec *userRecord) findLocked(token string) int {
	for i, t := range rec.tokens {
		if t.token == token {
			return i
		}
	}
	return -1
}

// token answers GET /users/{uid}/auth_tokens/{authToken}.
func (st *store) token(uid, token string) (tokenView, *apiError) {
	st.mu.Lock()
	defer st.mu.Unlock()
	rec, e := st.active(uid)
	if e != nil {
		return tokenView{}, e
	}
	i := rec.findLocked(token)
	if i < 0 {
		return tokenView{}, errRESTTokenNotFound(uid, token)
	}
	return rec.tokenView(rec.tokens[i]), nil
}

// revoke removes one token of the active user uid.
func (st *store) revoke(uid, token string) *apiError {
	st.mu.Lock()
	defer st.mu.Unlock()
	rec, e := st.active(uid)
	if e != nil {
		return e
	}
	if !st.revokeLocked(rec, token) {
		return errRESTTokenNotFound(uid, token)
	}
	return nil
}

// revokeLocked removes token from rec and reports whether it was there.
func (st *store) revokeLocked(rec *userRecord, token string) bool {
	i := rec.findLocked(token)
	if i < 0 {
		return false
	}
	rec.tokens = append(rec.tokens[:i:i], rec.tokens[i+1:]...)
	delete(st.tokens, token)
	return true
}

// flush removes every token of the active user uid.
func (st *store) flush(uid string) *apiError {
	st.mu.Lock()
	defer st.mu.Unlock()
	rec, e := st.active(uid)
	if e != nil {
		return e
	}
	st.flushLocked(rec)
	return nil
}

func (st *store) flushLocked(rec *userRecord) {
	for _, t := range rec.tokens {
		delete(st.tokens, t.token)
	}
	rec.tokens = nil
}

// authTokens returns the tokens of uid, newest first (nil for an unknown
// or deactivated user).
func (st *store) authTokens(uid string) []string {
	views, _ := st.list(uid)
	var tokens []string
	for _, v := range views {
		tokens = append(tokens, v.AuthToken)
	}
	return tokens
}

// known reports whether token is a valid auth token.
func (st *store) known(token string) bool {
	st.mu.Lock()
	defer st.mu.Unlock()
	return st.tokens[token] != ""
}

// owner returns the user a valid token belongs to; the caller holds the lock.
func (st *store) ownerLocked(token string) (*userRecord, *apiError) {
	uid := st.tokens[token]
	if uid == "" {
		return nil, errAuthTokenNotFound(token)
	}
	return st.users[uid], nil // tokens of removed users are revoked with them
}

// me answers /me: GET leaves the user as it is, PUT (login) marks it online.
func (st *store) me(token string, login bool) (userView, *apiError) {
	st.mu.Lock()
	defer st.mu.Unlock()
	rec, e := st.ownerLocked(token)
	if e != nil {
		return userView{}, e
	}
	if login {
		rec.user.Status = cometchatcalls.StatusOnline
		rec.user.LastActiveAt = st.now().Unix()
	}
	return rec.view(), nil
}

// logout revokes token (DELETE /me) and marks its user offline.
func (st *store) logout(token string) *apiError { return st.revokeToken(token, true) }

// revokeAny revokes token whoever owns it.
func (st *store) revokeAny(token string) *apiError { return st.revokeToken(token, false) }

func (st *store) revokeToken(token string, markOffline bool) *apiError {
	st.mu.Lock()
	defer st.mu.Unlock()
	rec, e := st.ownerLocked(token)
	if e != nil {
		return e
	}
	st.revokeLocked(rec, token)
	if markOffline {
		rec.user.Status = cometchatcalls.StatusOffline
	}
	return nil
}
