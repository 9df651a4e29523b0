package cometchatcallstest

import "github.com/cometchat-go/cometchatcalls"

// The helpers below change or read the server's state directly, without a
// request (nothing is recorded in Requests, no fault or rate limit
// applies). Their errors are *cometchatcalls.Error values carrying the code
// the HTTP API would answer (HTTPStatus 0), so errors.Is works with the
// SDK's sentinels, e.g. errors.Is(err, cometchatcalls.ErrUIDNotFound).

// AddUser adds u as POST /users would, checking the same rules (uid of 1 to
// 100 characters from [A-Za-z0-9_-], non-empty name, JSON-encodable
// metadata): ERR_BAD_REQUEST or ERR_UID_ALREADY_EXISTS (also for the uid of
// a deactivated user). Unlike POST /users it keeps u's Status, LastActiveAt
// and CreatedAt when set; an empty Role becomes "default", an empty Status
// "offline", a zero CreatedAt now. u is copied, Metadata and Tags included.
func (s *Server) AddUser(u cometchatcalls.User) error {
	if _, _, e := s.store.create(u, false); e != nil {
		return e.sdkError()
	}
	return nil
}

// DeactivateUser deactivates the user uid, as DELETE /users/{uid} without
// "permanent" does: its tokens are revoked, and it answers ERR_UID_NOT_FOUND
// from then on while its uid stays taken. ERR_UID_NOT_FOUND when there is no
// such active user.
func (s *Server) DeactivateUser(uid string) error {
	if e := s.store.remove(uid, false); e != nil {
		return e.sdkError()
	}
	return nil
}

// DeleteUser deletes the user uid for good, deactivated or not, as DELETE
// /users/{uid} with "permanent": true does: its tokens are revoked and its
// uid may be created again. ERR_UID_NOT_FOUND when there is no such user.
func (s *Server) DeleteUser(uid string) error {
	if e := s.store.remove(uid, true); e != nil {
		return e.sdkError()
	}
	return nil
}

// User returns a copy of the user uid as the server holds it (status and
// lastActiveAt included), and false when there is no such user or it is
// deactivated.
func (s *Server) User(uid string) (cometchatcalls.User, bool) {
	return s.store.user(uid)
}

// IssueAuthToken creates a new auth token for the active user uid, as POST
// /users/{uid}/auth_tokens with "force": true does, and returns it.
// ERR_UID_NOT_FOUND when there is no such active user.
func (s *Server) IssueAuthToken(uid string) (string, error) {
	t, e := s.store.issue(uid, true)
	if e != nil {
		return "", e.sdkError()
	}
	return t.AuthToken, nil
}

// RevokeAuthToken revokes token, whoever it belongs to.
// AUTH_ERR_AUTH_TOKEN_NOT_FOUND when it is not a valid token.
func (s *Server) RevokeAuthToken(token string) error {
	if e := s.store.revokeAny(token); e != nil {
		return e.sdkError()
	}
	return nil
}

// RevokeAllAuthTokens revokes every token of the active user uid.
// ERR_UID_NOT_FOUND when there is no such active user.
func (s *Server) RevokeAllAuthTokens(uid string) error {
	if e := s.store.flush(uid); e != nil {
		return e.sdkError()
	}
	return nil
}

// AuthTokens returns the valid tokens of the user uid, newest first (at most
// 100), or nil when it has none or does not exist.
func (s *Server) AuthTokens(uid string) []string {
	return s.store.authTokens(uid)
}
