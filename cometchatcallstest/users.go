package cometchatcallstest

import (
	"math"
	"net/http"

	"github.com/cometchat-go/cometchatcalls"
)

// userView is a user as the API shows it (protocol.md §7).
type userView struct {
	UID           string         `json:"uid"`
	Name          string         `json:"name"`
	Avatar        string         `json:"avatar,omitempty"`
	Link          string         `json:"link,omitempty"`
	Role          string         `json:"role"`
	Status        string         `json:"status"`
	StatusMessage string         `json:"statusMessage,omitempty"`
	Metadata      map[string]any `json:"metadata,omitempty"`
	Tags          []string       `json:"tags,omitempty"`
	LastActiveAt  int64          `json:"lastActiveAt,omitempty"`
	CreatedAt     int64          `json:"createdAt"`
	UpdatedAt     int64          `json:"updatedAt,omitempty"`
	DeactivatedAt int64          `json:"deactivatedAt,omitempty"`
}

// view returns rec as the API shows it. Metadata and Tags are shared with
// rec, which never changes them, so the view may be encoded after the lock
// is released.
func (rec *userRecord) view() userView {
	u := rec.user
	return userView{
		UID: u.UID, Name: u.Name, Avatar: u.Avatar, Link: u.Link, Role: u.Role,
		Status: string(u.Status), StatusMessage: u.StatusMessage,
		Metadata: u.Metadata, Tags: u.Tags, LastActiveAt: u.LastActiveAt,
		CreatedAt: u.CreatedAt, UpdatedAt: rec.updatedAt, DeactivatedAt: rec.deactivatedAt,
	}
}

// createUserBody is the body of POST /users.
type createUserBody struct {
	UID           string         `json:"uid"`
	Name          string         `json:"name"`
	Avatar        string         `json:"avatar"`
	Link          string         `json:"link"`
	Role          string         `json:"role"`
	StatusMessage string         `json:"statusMessage"`
	Metadata      map[string]any `json:"metadata"`
	Tags          []string       `json:"tags"`
	WithAuthToken bool           `json:"withAuthToken"`
}

// POST /users
func (s *Server) createUser(w http.ResponseWriter, r *http.Request) *apiError {
	var b createUserBody
	if e := decodeBody(r, &b); e != nil {
		return e
	}
	u := cometchatcalls.User{
		UID: b.UID, Name: b.Name, Avatar: b.Avatar, Link: b.Link, Role: b.Role,
		StatusMessage: b.StatusMessage, Metadata: b.Metadata, Tags: b.Tags,
	}
	view, token, e := s.store.create(u, b.WithAuthToken)
	if e != nil {
		return e
	}
	writeData(w, struct {
		userView
		AuthToken string `json:"authToken,omitempty"`
	}{view, token})
	return nil
}

// GET /users/{uid}
func (s *Server) getUser(w http.ResponseWriter, r *http.Request) *apiError {
	view, e := s.store.get(r.PathValue("uid"))
	if e != nil {
		return e
	}
	writeData(w, view)
	return nil
}

// DELETE /users/{uid}, body {"permanent": bool} (optional, default false).
func (s *Server) deleteUser(w http.ResponseWriter, r *http.Request) *apiError {
	var b struct {
		Permanent bool `json:"permanent"`
	}
	if e := decodeBody(r, &b); e != nil {
		return e
	}
	uid := r.PathValue("uid")
	if e := s.store.remove(uid, b.Permanent); e != nil {
		return e
	}
	writeDeleted(w, "User "+uid+" has been deleted successfully.")
	return nil
}

// GET /users?perPage=&page=: the active users, by uid, one page at a time
// (pagination as for auth tokens). Deactivated users are left out, as
// GET /users/{uid} answers ERR_UID_NOT_FOUND for them.
func (s *Server) listUsers(w http.ResponseWriter, r *http.Request) *apiError {
	perPage, e := queryInt(r, "perPage", defaultPerPage, maxPerPage)
	if e != nil {
		return e
	}
	page, e := queryInt(r, "page", 1, math.MaxInt)
	if e != nil {
		return e
	}
	items, p := paginate(s.store.activeUsers(), perPage, page)
	writeList(w, items, p)
	return nil
}
