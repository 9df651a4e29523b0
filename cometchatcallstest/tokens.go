package cometchatcallstest

import (
	"math"
	"net/http"
	"strconv"
)

// Pagination of GET /users/{uid}/auth_tokens.
const (
	defaultPerPage = 100
	maxPerPage     = 1000
)

// tokenView is an auth token as the REST API shows it.
type tokenView struct {
	UID       string `json:"uid"`
	AuthToken string `json:"authToken"`
	CreatedAt int64  `json:"createdAt"`
}

func (rec *userRecord) tokenView(t tokenRecord) tokenView {
	return tokenView{UID: rec.user.UID, AuthToken: t.token, CreatedAt: t.createdAt}
}

// POST /users/{uid}/auth_tokens, body {"force": bool} or {"platform",
// "deviceId"} (optional; platform and deviceId are accepted and ignored).
func (s *Server) createToken(w http.ResponseWriter, r *http.Request) *apiError {
	var b struct {
		Force    bool   `json:"force"`
		Platform string `json:"platform"`
		DeviceID string `json:"deviceId"`
	}
	if e := decodeBody(r, &b); e != nil {
		return e
	}
	view, e := s.store.issue(r.PathValue("uid"), b.Force)
	if e != nil {
		return e
	}
	writeData(w, view)
	return nil
}

// GET /users/{uid}/auth_tokens?perPage=&page=
func (s *Server) listTokens(w http.ResponseWriter, r *http.Request) *apiError {
	perPage, e := queryInt(r, "perPage", defaultPerPage, maxPerPage)
	if e != nil {
		return e
	}
	page, e := queryInt(r, "page", 1, math.MaxInt)
	if e != nil {
		return e
	}
	all, e := s.store.list(r.PathValue("uid"))
	if e != nil {
		return e
	}
	items, p := paginate(all, perPage, page)
	writeList(w, items, p)
	return nil
}

// queryInt reads a positive integer query parameter, at most limit.
func queryInt(r *http.Request, name string, def, limit int) (int, *apiError) {
	raw := r.URL.Query().Get(name)
	if raw == "" {
		return def, nil
	}
	n, err := strconv.Atoi(raw)
	if err != nil || n < 1 || n > limit {
		return 0, errBadRequest(map[string]string{name: "The " + name + " must be an integer from 1 to " + strconv.Itoa(limit) + "."},
			"Failed to validate the data sent with the request: %s=%q is invalid.", name, raw)
	}
	return n, nil
}

// paginate returns one page of all. A page beyond the end is empty.
func paginate[T any](all []T, perPage, page int) ([]T, pagination) {
	p := pagination{Total: len(all), PerPage: perPage, CurrentPage: page}
	p.TotalPages = (len(all) + perPage - 1) / perPage
	items := []T{}
	if start := (page - 1) * perPage; page <= p.TotalPages {
		items = all[start:min(start+perPage, len(all))]
	}
	p.Count = len(items)
	return items, p
}

// GET /users/{uid}/auth_tokens/{authToken}
func (s *Server) getToken(w http.ResponseWriter, r *http.Request) *apiError {
	view, e := s.store.token(r.PathValue("uid"), r.PathValue("authToken"))
	if e != nil {
		return e
	}
	writeData(w, view)
	return nil
}

// DELETE /users/{uid}/auth_tokens/{authToken}
func (s *Server) deleteToken(w http.ResponseWriter, r *http.Request) *apiError {
	uid := r.PathValue("uid")
	if e := s.store.revoke(uid, r.PathValue("authToken")); e != nil {
		return e
	}
	writeDeleted(w, "Auth token deleted successfully for uid "+uid+".")
	return nil
}

// DELETE /users/{uid}/auth_tokens
func (s *Server) flushTokens(w http.ResponseWriter, r *http.Request) *apiError {
	uid := r.PathValue("uid")
	if e := s.store.flush(uid); e != nil {
		return e
	}
	writeDeleted(w, "Cleared Auth Tokens successfully for uid "+uid+".")
	return nil
}
