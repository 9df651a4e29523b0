package cometchatcallstest

import (
	"net/http"
	"net/url"
	"strings"
	"time"
)

// The request log is bounded in entries and in bytes, so that a
// long-running emulator (cmd/cometchat-emulator) does not grow without
// end whatever its clients send: 10,000 entries of 1 MiB bodies and 1 MB
// headers would otherwise be gigabytes.
const (
	maxLoggedRequests = 10000
	// maxLoggedBytes bounds the log's estimated size (logSize): the
	// oldest entries go first.
	maxLoggedBytes = 32 << 20
	// maxLoggedBody is the longest body kept whole in the log; a longer
	// one is cut there and ends in truncatedMarker. Far more than any
	// CometChat request body; a test that needs a huge body reads it in
	// its own handler.
	maxLoggedBody = 64 << 10
)

// truncatedMarker ends a body that the log cut at maxLoggedBody bytes.
const truncatedMarker = "…[truncated by the emulator's request log]"

// Request is one request as the server received it, recorded in arrival
// order whatever its answer (faults, rate limits and errors included). The
// log keeps the newest 10,000 requests, fewer when they are large: it
// holds about 32 MiB at most.
//
// The values of the credential headers (apiKey, authToken and callToken,
// any case) are masked: "****" followed by the last four characters for a
// value of 12 characters or more, else "****". Authorization keeps only its
// scheme ("Basic ****"): the end of a Basic value is the end of the
// password, base64-encoded. So is the
// token in the path of /admin/v3.0/users/{uid}/auth_tokens/{authToken}
// (Path and RawPath). Credential tells which credential was sent without
// revealing it.
type Request struct {
	Method   string
	Path     string // decoded, as in url.URL.Path
	RawPath  string // as sent on the wire (url.URL.EscapedPath)
	RawQuery string
	Header   http.Header // canonical names (Apikey, Authtoken, Appid); credentials masked
	// Body is the request body, or for one over 64 KiB its first 64 KiB
	// followed by "…[truncated by the emulator's request log]".
	Body []byte
	// Role is RoleAdmin for paths under /admin/v3.0/, RoleClient under
	// /client/v3.0/, RoleCall under /call/v3.0/, "" otherwise.
	Role string
	// Credential is the kind of credential the request carried for its
	// role, as the server saw it on arrival: one of the Credential…
	// constants.
	Credential string
	// Time is when the request arrived, on the server's clock.
	Time time.Time
}

// The values of Request.Credential.
const (
	CredentialNone      = ""           // no credential header for the role
	CredentialAuthKey   = "auth-key"   // apiKey: the auth key
	CredentialAPIKey    = "api-key"    // apiKey: the REST API key
	CredentialAuthToken = "auth-token" // authToken: a valid token
	CredentialCallToken = "call-token" // callToken (GET /call_tokens): a call token the server issued
	CredentialUnknown   = "unknown"    // a key or token the server does not know
)

// Requests returns a copy of the request log, oldest first.
func (s *Server) Requests() []Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]Request, len(s.log))
	for i, r := range s.log {
		r.Header = r.Header.Clone()
		r.Body = append([]byte(nil), r.Body...)
		out[i] = r
	}
	return out
}

// ResetRequests empties the request log.
func (s *Server) ResetRequests() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.log = nil
	s.logBytes = 0
}

// appendLocked adds r to the log, dropping the oldest entries while it
// would exceed maxLoggedRequests or maxLoggedBytes; the caller holds s.mu.
func (s *Server) appendLocked(r Request) {
	size := logSize(&r)
	for len(s.log) > 0 && (len(s.log) >= maxLoggedRequests || s.logBytes+size > maxLoggedBytes) {
		s.logBytes -= logSize(&s.log[0])
		// Cleared, or the backing array would keep the dropped body
		// alive until append reallocates it.
		s.log[0] = Request{}
		s.log = s.log[1:]
	}
	s.log = append(s.log, r)
	s.logBytes += size
}

// logSize estimates the memory an entry holds: its strings, header and
// body, plus a fixed share for the struct and the header map.
func logSize(r *Request) int {
	const overhead = 256
	n := overhead + len(r.Method) + len(r.Path) + len(r.RawPath) + len(r.RawQuery) + len(r.Body) +
		len(r.Role) + len(r.Credential)
	for k, vs := range r.Header {
		n += len(k) + 16
		for _, v := range vs {
			n += len(v) + 16
		}
	}
	return n
}

// logBody is what the log keeps of a request body: a copy, cut at
// maxLoggedBody with the marker.
func logBody(body []byte) []byte {
	if len(body) <= maxLoggedBody {
		return append([]byte(nil), body...)
	}
	out := make([]byte, 0, maxLoggedBody+len(truncatedMarker))
	return append(append(out, body[:maxLoggedBody]...), truncatedMarker...)
}

// record builds the log entry of r; the caller holds s.mu.
func (s *Server) record(r *http.Request, body []byte) Request {
	role := roleOf(r.URL.Path)
	path, rawPath := r.URL.Path, r.URL.EscapedPath()
	if prefix, token, ok := splitTokenPath(path); ok {
		// The raw path holds the token too, in whatever encoding the
		// client chose (the router matches auth%5Ftokens as well).
		path = prefix + mask(token)
		rawPath = (&url.URL{Path: prefix}).EscapedPath() + mask(token)
	}
	return Request{
		Method:     r.Method,
		Path:       path,
		RawPath:    rawPath,
		RawQuery:   r.URL.RawQuery,
		Header:     maskHeader(r.Header),
		Body:       logBody(body),
		Role:       role,
		Credential: s.credential(r.Header, role),
		Time:       s.cfg.clock(),
	}
}

// credential classifies the credential r carries for role.
func (s *Server) credential(h http.Header, role string) string {
	switch role {
	case RoleAdmin:
		switch key := h.Get(headerAPIKey); key {
		case "":
			return CredentialNone
		case s.cfg.authKey:
			return CredentialAuthKey
		case s.cfg.apiKey:
			return CredentialAPIKey
		}
		return CredentialUnknown
	case RoleClient:
		return s.authTokenCredential(h)
	case RoleCall:
		return s.callCredential(h)
	}
	return CredentialNone
}

// authTokenCredential classifies the authToken header of a client-host or
// calls-host request.
func (s *Server) authTokenCredential(h http.Header) string {
	token := h.Get(headerAuthToken)
	switch {
	case token == "":
		return CredentialNone
	case s.store.known(token):
		return CredentialAuthToken
	}
	return CredentialUnknown
}

// maskHeader returns a copy of h with credential values masked.
func maskHeader(h http.Header) http.Header {
	c := h.Clone()
	for _, name := range []string{headerAPIKey, headerAuthToken, headerCallToken} {
		key := http.CanonicalHeaderKey(name)
		for i, v := range c[key] {
			c[key][i] = mask(v)
		}
	}
	for i, v := range c["Authorization"] {
		scheme, _, _ := strings.Cut(v, " ")
		c["Authorization"][i] = scheme + " ****"
	}
	return c
}

// splitTokenPath splits an admin path .../users/{uid}/auth_tokens/{authToken},
// which a revocation sends, before the token; ok is false for other paths.
func splitTokenPath(p string) (prefix, token string, ok bool) {
	const marker = "/auth_tokens/"
	i := strings.LastIndex(p, marker)
	if i < 0 || !strings.HasPrefix(p, "/admin/v3.0/users/") || i+len(marker) == len(p) {
		return "", "", false
	}
	return p[:i+len(marker)], p[i+len(marker):], true
}

// mask hides a credential, keeping its last four characters when it is
// long enough for them not to give it away.
func mask(v string) string {
	if len(v) < 12 {
		return "****"
	}
	return "****" + v[len(v)-4:]
}
