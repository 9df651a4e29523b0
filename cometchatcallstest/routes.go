package cometchatcallstest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"path"
	"strings"
)

// The base paths of the three hosts and the headers the emulator reads.
// Go's http.Header makes header names case-insensitive.
const (
	adminPrefix     = "/admin/v3.0"
	clientPrefix    = "/client/v3.0"
	callPrefix      = "/call/v3.0"
	headerAppID     = "appId"
	headerAPIKey    = "apiKey"
	headerAuthToken = "authToken"
	headerCallToken = "callToken" // v4 sends callToken, v5 calltoken: one header to net/http
)

// The roles recorded in Request.Role.
const (
	RoleAdmin  = "admin"
	RoleClient = "client"
	RoleCall   = "call" // the calls host
)

// handlerFunc is an endpoint: it writes the success answer itself and
// returns the failure, if any, for the caller to write.
type handlerFunc func(http.ResponseWriter, *http.Request) *apiError

// keyScope is which admin key an endpoint accepts.
type keyScope int

const (
	authKeyScope keyScope = iota // the auth key or the REST API key
	restKeyScope                 // the REST API key only
)

// routes builds the endpoint table (protocol.md §3–5, §9).
func (s *Server) routes() *http.ServeMux {
	mux := http.NewServeMux()
	admin := func(method, p string, sc keyScope, h handlerFunc) {
		mux.Handle(method+" "+adminPrefix+p, s.admin(sc, h))
	}
	admin("POST", "/users", authKeyScope, s.createUser)
	admin("GET", "/users", restKeyScope, s.listUsers)
	admin("GET", "/users/{uid}", restKeyScope, s.getUser)
	admin("DELETE", "/users/{uid}", restKeyScope, s.deleteUser)
	admin("POST", "/users/{uid}/auth_tokens", authKeyScope, s.createToken)
	admin("GET", "/users/{uid}/auth_tokens", restKeyScope, s.listTokens)
	admin("DELETE", "/users/{uid}/auth_tokens", restKeyScope, s.flushTokens)
	admin("GET", "/users/{uid}/auth_tokens/{authToken}", restKeyScope, s.getToken)
	admin("DELETE", "/users/{uid}/auth_tokens/{authToken}", restKeyScope, s.deleteToken)
	mux.Handle("PUT "+clientPrefix+"/me", s.client(s.putMe))
	mux.Handle("GET "+clientPrefix+"/me", s.client(s.getMe))
	mux.Handle("DELETE "+clientPrefix+"/me", s.client(s.deleteMe))
	mux.Handle("POST "+callPrefix+"/call_tokens", s.client(s.createCallToken))
	mux.Handle("GET "+callPrefix+"/call_tokens", s.callHost(s.verifyCallToken))
	mux.Handle("POST /emulator/simulate-call-session", s.admin(restKeyScope, s.simulateRoute))
	mux.HandleFunc("/", s.noRoute)
	return mux
}

// roleOf names the API a path belongs to, or "" for neither.
func roleOf(p string) string {
	switch {
	case strings.HasPrefix(p, adminPrefix+"/"):
		return RoleAdmin
	case strings.HasPrefix(p, clientPrefix+"/"):
		return RoleClient
	case strings.HasPrefix(p, callPrefix+"/"):
		return RoleCall
	}
	return ""
}

// route answers a request that passed the rate limit and the appId check.
// The body of a request that exceeded maxBodyBytes ends in errTooLarge,
// which decodeBody reports once the route and the credentials are checked.
func (s *Server) route(w http.ResponseWriter, r *http.Request, body []byte, tooLarge bool) {
	if !isClean(r.URL.Path) { // ServeMux would answer a bare redirect
		writeError(w, errRouteNotFound(r.URL.Path))
		return
	}
	var rd io.Reader = bytes.NewReader(body)
	if tooLarge {
		rd = io.MultiReader(rd, failingReader{errTooLarge})
	}
	r.Body = io.NopCloser(rd)
	s.mux.ServeHTTP(w, r)
}

var errTooLarge = fmt.Errorf("the request body is larger than %d bytes", maxBodyBytes)

type failingReader struct{ err error }

func (f failingReader) Read([]byte) (int, error) { return 0, f.err }

// isClean reports whether ServeMux would serve p as it is.
func isClean(p string) bool {
	c := path.Clean(p)
	if strings.HasSuffix(p, "/") && c != "/" {
		c += "/"
	}
	return c == p
}

// noRoute answers 404, or 405 when the path exists for another method.
func (s *Server) noRoute(w http.ResponseWriter, r *http.Request) {
	var allowed []string
	for _, m := range []string{http.MethodGet, http.MethodPost, http.MethodPut, http.MethodDelete} {
		probe := r.Clone(r.Context())
		probe.Method = m
		if _, pattern := s.mux.Handler(probe); pattern != "/" {
			allowed = append(allowed, m)
		}
	}
	if len(allowed) == 0 {
		writeError(w, errRouteNotFound(r.URL.Path))
		return
	}
	w.Header().Set("Allow", strings.Join(allowed, ", "))
	writeError(w, errMethodNotAllowed(r.Method, r.URL.Path))
}

// admin wraps an admin endpoint with the apiKey check, which comes before
// anything the endpoint checks (the uid included).
func (s *Server) admin(sc keyScope, h handlerFunc) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if e := s.checkAPIKey(r.Header.Get(headerAPIKey), sc); e != nil {
			writeError(w, e)
			return
		}
		if e := h(w, r); e != nil {
			writeError(w, e)
		}
	})
}

func (s *Server) checkAPIKey(key string, sc keyScope) *apiError {
	switch {
	case key == "":
		return errEmptyAPIKey()
	case key == s.cfg.apiKey:
		return nil
	case key == s.cfg.authKey && sc == authKeyScope:
		return nil
	case key == s.cfg.authKey:
		return errNoAccess(key)
	}
	return errAPIKeyNotFound(key, s.cfg.appID)
}

// client wraps a /me endpoint with the authToken check.
func (s *Server) client(h handlerFunc) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		e := s.checkAuthToken(r.Header.Get(headerAuthToken))
		if e == nil {
			e = h(w, r)
		}
		if e != nil {
			writeError(w, e)
		}
	})
}

func (s *Server) checkAuthToken(token string) *apiError {
	switch {
	case token == "":
		return errEmptyAuthToken()
	case !s.store.known(token):
		return errAuthTokenNotFound(token)
	}
	return nil
}

// checkAppID is the first check of every request that is not a fault or
// rate limited.
func (s *Server) checkAppID(appID string) *apiError {
	switch {
	case appID == "":
		return errEmptyAppID()
	case appID != s.cfg.appID:
		return errInvalidAppID(appID)
	}
	return nil
}

// decodeBody decodes the request's JSON body into v; an empty body leaves
// v as it is. Unknown fields are ignored, as the real API does.
func decodeBody(r *http.Request, v any) *apiError {
	b, err := io.ReadAll(r.Body) // set by route
	if err != nil {
		return errBadRequest(nil, "Failed to read the request body: %v.", err)
	}
	if len(bytes.TrimSpace(b)) == 0 {
		return nil
	}
	if err := json.Unmarshal(b, v); err != nil {
		return errBadRequest(nil, "The request body is not valid JSON for this endpoint: %v.", err)
	}
	return nil
}
