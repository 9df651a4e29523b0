package cometchatcallstest

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"net/http"
	"strings"
)

// callGrant is what a call token was issued for.
type callGrant struct {
	uid       string
	sessionID string
}

// maxCallTokens bounds the call tokens a server remembers, so that a
// long-running emulator does not grow without end; the oldest are
// forgotten first.
const maxCallTokens = 100000

// maxSessionIDLength bounds a call's sessionId, in bytes of UTF-8 (so 255
// ASCII characters). The limit is the emulator's own: CometChat documents
// none. The IDs CometChat's own SDKs send are far shorter, and ASCII: a
// group call uses the group's GUID (at most 100 characters from
// [A-Za-z0-9_-], CometChat's documented rule for GUIDs, as for UIDs), a
// direct call an ID the Chat SDK generates (a version and region prefix,
// the app ID and a random hex string). 255 leaves room for IDs of an
// app's own (a UUID, a meeting URL's path) and keeps every remembered call
// token small: maxCallTokens of them hold about 40 MB at worst.
const maxSessionIDLength = 255

// callTokens is the store's record of the call tokens it issued.
type callTokens struct {
	grants map[string]callGrant // call token → what it was issued for
	order  []string             // oldest first
}

// CallURL returns the calls ("call") base URL, version path included: the
// value for cometchatcalls.WithCallHost. The official JavaScript Calls SDK
// takes it, with a trailing slash, as its host setting.
func (s *Server) CallURL() string { return s.url + callPrefix }

// CallTokenInfo reports which user and call session callToken was issued
// for, and false when the server never issued it. It reads the state
// directly: nothing is recorded in Requests, no fault applies.
func (s *Server) CallTokenInfo(callToken string) (uid, sessionID string, ok bool) {
	g, ok := s.store.grant(callToken)
	return g.uid, g.sessionID, ok
}

// checkRequestAppID is checkAppID, except that a calls-host request
// without an appId header is let through: the Calls SDK v4 sends none (its
// host names the app), and the credential it sends (an auth token or a call
// token, checked by the endpoint) names the app here, since the emulator
// serves one.
func (s *Server) checkRequestAppID(r *http.Request) *apiError {
	appID := r.Header.Get(headerAppID)
	if appID == "" && roleOf(r.URL.Path) == RoleCall {
		return nil
	}
	return s.checkAppID(appID)
}

// callCredential classifies the credential of a calls-host request: the
// call token of a verification, else the auth token.
func (s *Server) callCredential(h http.Header) string {
	if ct := h.Get(headerCallToken); ct != "" {
		if _, ok := s.store.grant(ct); ok {
			return CredentialCallToken
		}
		return CredentialUnknown
	}
	return s.authTokenCredential(h)
}

// POST /call_tokens, header authToken, body {"sessionId": "…"}: a call
// token for the token's user to join that session.
func (s *Server) createCallToken(w http.ResponseWriter, r *http.Request) *apiError {
	var b struct {
		SessionID string `json:"sessionId"`
	}
	if e := decodeBody(r, &b); e != nil {
		return e
	}
	if strings.TrimSpace(b.SessionID) == "" {
		return errBadRequest(map[string]string{"sessionId": "The sessionId field is required."},
			"Failed to validate the data sent with the request: the sessionId field is required.")
	}
	if n := len(b.SessionID); n > maxSessionIDLength {
		// Not quoted: it may be a megabyte.
		return errBadRequest(map[string]string{"sessionId": fmt.Sprintf("The sessionId may not be longer than %d bytes.", maxSessionIDLength)},
			"Failed to validate the data sent with the request: the sessionId has %d bytes, at most %d are allowed.", n, maxSessionIDLength)
	}
	token, e := s.store.issueCallToken(r.Header.Get(headerAuthToken), b.SessionID)
	if e != nil {
		return e
	}
	writeData(w, struct {
		Token string `json:"token"`
	}{token})
	return nil
}

// GET /call_tokens, header callToken (v4) or calltoken with
// ?configVersion=1 (v5): verifies a call token, answering what the
// official Calls SDK reads when it joins: the session, the app and the
// user in data.payload.data, the call settings in data.settings.
func (s *Server) verifyCallToken(w http.ResponseWriter, r *http.Request) *apiError {
	ct := r.Header.Get(headerCallToken)
	if ct == "" {
		return newAPIError(http.StatusUnauthorized, codeEmptyCallToken,
			"The callToken header is missing or empty. Please provide a valid call token.")
	}
	g, ok := s.store.grant(ct)
	if !ok {
		return newAPIError(http.StatusUnauthorized, codeCallTokenNotFound,
			"The call token %s does not exist. Please generate a new one.", ct)
	}
	u, ok := s.store.user(g.uid)
	if !ok { // the user was deleted or deactivated since
		return errUIDNotFound(g.uid)
	}
	type userInfo struct {
		UID    string `json:"uid"`
		Name   string `json:"name"`
		Avatar string `json:"avatar,omitempty"`
	}
	type payloadData struct {
		SessionID string   `json:"sessionId"`
		AppID     string   `json:"appId"`
		Region    string   `json:"region"`
		User      userInfo `json:"user"`
	}
	var answer struct {
		Payload struct {
			Data payloadData `json:"data"`
		} `json:"payload"`
		Settings map[string]any `json:"settings"`
	}
	answer.Payload.Data = payloadData{
		SessionID: g.sessionID,
		AppID:     s.cfg.appID,
		Region:    s.cfg.region,
		User:      userInfo{UID: u.UID, Name: u.Name, Avatar: u.Avatar},
	}
	answer.Settings = map[string]any{"emulator": true}
	writeData(w, answer)
	return nil
}

// Error codes of GET /call_tokens (the emulator's own: CometChat does not
// document them).
const (
	codeEmptyCallToken    = "AUTH_ERR_EMPTY_CALL_TOKEN"
	codeCallTokenNotFound = "AUTH_ERR_CALL_TOKEN_NOT_FOUND"
)

// newCallToken returns a fresh random call token: "ct_" and 48 lowercase
// hex digits, in the same character set as auth tokens.
func newCallToken() string {
	var b [24]byte
	_, _ = rand.Read(b[:]) // never fails since Go 1.24
	return "ct_" + hex.EncodeToString(b[:])
}

// issueCallToken issues a call token for the owner of authToken to join
// sessionID.
func (st *store) issueCallToken(authToken, sessionID string) (string, *apiError) {
	st.mu.Lock()
	defer st.mu.Unlock()
	rec, e := st.ownerLocked(authToken)
	if e != nil {
		return "", e
	}
	c := &st.calls
	if c.grants == nil {
		c.grants = map[string]callGrant{}
	}
	ct := newCallToken()
	for _, taken := c.grants[ct]; taken; _, taken = c.grants[ct] {
		ct = newCallToken()
	}
	if len(c.order) >= maxCallTokens {
		delete(c.grants, c.order[0])
		c.order = c.order[1:]
	}
	c.grants[ct] = callGrant{uid: rec.user.UID, sessionID: sessionID}
	c.order = append(c.order, ct)
	return ct, nil
}

// grant returns what callToken was issued for.
func (st *store) grant(callToken string) (callGrant, bool) {
	st.mu.Lock()
	defer st.mu.Unlock()
	g, ok := st.calls.grants[callToken]
	return g, ok
}

// callHost wraps a calls-host endpoint that checks its own credential.
func (s *Server) callHost(h handlerFunc) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if e := h(w, r); e != nil {
			writeError(w, e)
		}
	})
}
