package cometchatcallstest

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/cometchat-go/cometchatcalls"
)

// A Fault is a raw answer the server gives instead of its real one, to test
// how a client copes with proxies, outages and broken responses. The answer
// carries exactly Header (net/http adds Date and Content-Length; no
// Content-Type is added or sniffed when Header has none, and no rate-limit
// headers are added), the Status (500 when 0) and the Body.
type Fault struct {
	Status int
	Body   string
	Header http.Header
	// Disconnect, when true, closes the connection without any answer (the
	// other fields are ignored): the client sees the connection drop after
	// its request was sent.
	Disconnect bool
}

// pendingFault is a fault and how many more requests get it; route, when
// not nil, limits it to the requests whose method and path it matches.
type pendingFault struct {
	n     int
	f     Fault
	route *http.ServeMux
}

// FailNext makes the next n requests, to any endpoint, counted in arrival
// order, get f instead of their real answer. Faults queue: after the n
// requests, the faults of a later FailNext call apply. A faulted request is
// recorded in Requests but does not count against the rate limit. n <= 0
// does nothing.
func (s *Server) FailNext(n int, f Fault) { s.queueFault(n, f, nil) }

// FailNextOn is FailNext for one route: only the next n requests whose
// method and path match get f, the others are answered as usual. path is
// the path under its host, without the version prefix, and may use
// net/http.ServeMux wildcards: "/me", "/users/{uid}/auth_tokens". An empty
// method matches every method. For example
//
//	srv.FailNextOn("PUT", "/me", 1, cometchatcallstest.FaultHTML502())
//
// fails the next login's second step and nothing else. Each request gets
// the first queued fault that applies to it, whether queued by FailNext or
// FailNextOn. FailNextOn panics when method and path do not form a valid
// ServeMux pattern, as ServeMux.Handle does.
func (s *Server) FailNextOn(method, path string, n int, f Fault) {
	route := http.NewServeMux()
	pattern := path
	if method != "" {
		pattern = method + " " + path
	}
	route.Handle(pattern, http.NotFoundHandler())
	s.queueFault(n, f, route)
}

func (s *Server) queueFault(n int, f Fault, route *http.ServeMux) {
	if n <= 0 {
		return
	}
	f.Header = f.Header.Clone()
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults = append(s.faults, pendingFault{n: n, f: f, route: route})
}

// ClearFaults drops every fault still queued by FailNext or FailNextOn.
func (s *Server) ClearFaults() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults = nil
}

// nextFaultLocked takes the first queued fault that applies to r, if any.
func (s *Server) nextFaultLocked(r *http.Request) *Fault {
	for i := range s.faults {
		pf := &s.faults[i]
		if pf.route != nil && !routeMatches(pf.route, r) {
			continue
		}
		f := pf.f
		if pf.n--; pf.n == 0 {
			s.faults = append(s.faults[:i:i], s.faults[i+1:]...)
		}
		return &f
	}
	return nil
}

// routeMatches reports whether route has a pattern for r's method and its
// path under the host ("/admin/v3.0/users" is "/users").
func routeMatches(route *http.ServeMux, r *http.Request) bool {
	probe := &http.Request{Method: r.Method, Host: r.Host, URL: &url.URL{Path: pathUnderHost(r.URL.Path)}}
	_, pattern := route.Handler(probe)
	return pattern != ""
}

// pathUnderHost strips the prefix of the emulator's host p is under
// ("/client/v3.0/me" is "/me"); a path under none of them stays as it is.
func pathUnderHost(p string) string {
	for _, prefix := range []string{adminPrefix, clientPrefix, callPrefix} {
		if rest, ok := strings.CutPrefix(p, prefix); ok && strings.HasPrefix(rest, "/") {
			return rest
		}
	}
	return p
}

// write answers f.
func (f *Fault) write(w http.ResponseWriter) {
	if f.Disconnect {
		if hj, ok := w.(http.Hijacker); ok {
			if c, _, err := hj.Hijack(); err == nil {
				_ = c.Close()
				return
			}
		}
		panic(http.ErrAbortHandler) // net/http closes the connection quietly
	}
	for k, v := range f.Header {
		w.Header()[k] = append([]string(nil), v...)
	}
	if w.Header().Get("Content-Type") == "" {
		w.Header()["Content-Type"] = nil // no sniffing: the answer stays raw
	}
	status := f.Status
	if status == 0 {
		status = http.StatusInternalServerError
	}
	w.WriteHeader(status)
	_, _ = w.Write([]byte(f.Body))
}

// FaultHTML502 is a proxy's HTML "502 Bad Gateway" page: not an envelope.
func FaultHTML502() Fault {
	return Fault{
		Status: http.StatusBadGateway,
		Header: http.Header{"Content-Type": {"text/html"}},
		Body: "<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n" +
			"<center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n",
	}
}

// FaultTruncatedJSON is a 200 answer whose JSON body is cut short: a
// success status with no valid envelope.
func FaultTruncatedJSON() Fault {
	return Fault{
		Status: http.StatusOK,
		Header: http.Header{"Content-Type": {"application/json"}},
		Body:   `{"data":{"uid":"cometchat-uid-1","name":"Andrew Jos`,
	}
}

// Fault503 is a 503 Service Unavailable with an empty body and no
// Retry-After: a transient outage.
func Fault503() Fault { return Fault{Status: http.StatusServiceUnavailable} }

// Fault429 is a 429 ERR_TOO_MANY_REQUESTS in the error envelope, with
// Retry-After set to retryAfter verbatim (seconds or an HTTP date; omitted
// when empty).
func Fault429(retryAfter string) Fault {
	f := FaultError(http.StatusTooManyRequests, cometchatcalls.CodeTooManyRequests, "Too many requests. Please retry later.")
	if retryAfter != "" {
		f.Header.Set("Retry-After", retryAfter)
	}
	return f
}

// FaultError is an error envelope with any status and code, e.g. a 500
// from the real API, or a 200 that carries an "error" object.
func FaultError(status int, code, message string) Fault {
	rec := &recorder{header: http.Header{}}
	writeError(rec, &apiError{status: status, code: code, message: message})
	return Fault{Status: status, Header: rec.header, Body: rec.body}
}

// FaultDisconnect closes the connection without answering.
func FaultDisconnect() Fault { return Fault{Disconnect: true} }

// recorder is the minimal http.ResponseWriter FaultError renders into.
type recorder struct {
	header http.Header
	body   string
}

func (r *recorder) Header() http.Header         { return r.header }
func (r *recorder) WriteHeader(int)             {}
func (r *recorder) Write(b []byte) (int, error) { r.body += string(b); return len(b), nil }

// SetLatency delays every answer by d (0 removes the delay), from the next
// request on. A request whose client gives up meanwhile is dropped; Close
// cuts the wait short.
func (s *Server) SetLatency(d time.Duration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.latency = d
}

// delay waits while the request is held, then for its latency. It reports
// false when the client gave up first; Close and Shutdown end both waits.
func (s *Server) delay(ctx context.Context, adm admission) bool {
	if adm.hold != nil && !s.waitHeld(ctx, adm.hold) {
		return false
	}
	if adm.latency <= 0 {
		return true
	}
	t := time.NewTimer(adm.latency)
	defer t.Stop()
	select {
	case <-t.C:
	case <-s.closing:
	case <-ctx.Done():
		return false
	}
	return true
}

// holdState tracks Hold: requests arriving while holds > 0 wait on gate,
// which the last release closes.
type holdState struct {
	holds   int
	gate    chan struct{}
	held    int           // requests waiting right now
	changed chan struct{} // closed and replaced whenever held changes
}

// gateLocked returns the gate an arriving request must wait on, or nil.
func (h *holdState) gateLocked() chan struct{} {
	if h.holds == 0 {
		return nil
	}
	return h.gate
}

// changedLocked returns the channel closed at the next change of held.
func (h *holdState) changedLocked() chan struct{} {
	if h.changed == nil {
		h.changed = make(chan struct{})
	}
	return h.changed
}

func (h *holdState) addHeldLocked(d int) {
	h.held += d
	if h.changed != nil {
		close(h.changed)
		h.changed = nil
	}
}

// Hold makes every request that arrives from now on wait, before any
// answer, until release is called (or the server closes, or the client
// gives up). Requests are held while at least one Hold is unreleased.
// release may be called any number of times. Use WaitHeld to know when the
// requests under test are waiting.
func (s *Server) Hold() (release func()) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.hold.holds == 0 {
		s.hold.gate = make(chan struct{})
	}
	s.hold.holds++
	released := false
	return func() {
		s.mu.Lock()
		defer s.mu.Unlock()
		if released {
			return
		}
		released = true
		if s.hold.holds--; s.hold.holds == 0 {
			close(s.hold.gate)
		}
	}
}

// waitHeld waits for gate, counting the request as held meanwhile.
func (s *Server) waitHeld(ctx context.Context, gate chan struct{}) bool {
	s.mu.Lock()
	s.hold.addHeldLocked(1)
	s.mu.Unlock()
	defer func() {
		s.mu.Lock()
		s.hold.addHeldLocked(-1)
		s.mu.Unlock()
	}()
	select {
	case <-gate:
	case <-s.closing:
	case <-ctx.Done():
		return false
	}
	return true
}

// HeldCount returns how many requests are waiting on Hold right now.
func (s *Server) HeldCount() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.hold.held
}

// WaitHeld blocks until at least n requests are waiting on Hold, and
// returns nil, or until ctx is done, and returns ctx.Err().
func (s *Server) WaitHeld(ctx context.Context, n int) error {
	for {
		s.mu.Lock()
		held, changed := s.hold.held, s.hold.changedLocked()
		s.mu.Unlock()
		if held >= n {
			return nil
		}
		select {
		case <-changed:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
}
