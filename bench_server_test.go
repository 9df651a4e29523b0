package cometchatcalls

// The loopback server the benchmarks send to, deliberately small and
// self-contained (it does not use package cometchatcallstest): the figures
// must measure the SDK, not an emulator. It answers with pre-encoded,
// realistic CometChat envelopes, so server-side cost is the same for the SDK
// and the hand-written clients.

import (
	"bytes"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
)

const (
	benchAppID   = "benchapp1"
	benchAuthKey = "authkey-bench-0123456789abcdef0123456789abcdef"
	benchUID     = "cometchat-uid-1"
)

// benchServer answers like CometChat on one or both hosts: POST
// /admin/v3.0/users/{uid}/auth_tokens with the apiKey header, and PUT, GET
// and DELETE /client/v3.0/me with the authToken header. Answers are encoded
// once; the handler does what any real server must (route, check headers,
// read the body) and nothing more.
type benchServer struct {
	srv   *httptest.Server
	conns atomic.Int64 // connections opened (http.StateNew)

	tokenAnswer map[string][]byte // uid -> {"data":{uid,authToken,createdAt}}
	meAnswer    map[string][]byte // token -> {"data":<user>}
	// spy, if set before the server starts, sees every request and its body.
	spy func(r *http.Request, body []byte)
}

// benchUsers are the sample users the server knows.
var benchUsers = []string{"cometchat-uid-1", "cometchat-uid-2", "cometchat-uid-3"}

func benchToken(uid string) string {
	// CometChat's shape: uid, "_", creation time, 32 hex digits.
	return uid + "_1700000000" + strings.Repeat("0f1e2d3c", 4)
}

func benchUserJSON(uid string) map[string]any {
	// What PUT /me really answers: the user plus server-side extras the SDK
	// ignores.
	return map[string]any{
		"uid":          uid,
		"name":         "Andrew Joseph",
		"avatar":       "https://data-us.cometchat.io/assets/images/avatars/" + uid + ".webp",
		"status":       "online",
		"role":         "default",
		"createdAt":    1630306819,
		"lastActiveAt": 1700000000,
		"authToken":    benchToken(uid),
		"jwt":          "eyJhbGciOiJIUzI1NiJ9." + strings.Repeat("eyJzdWIiOiJjb21ldGNoYXQifQ", 6) + ".c2lnbmF0dXJl",
		"wsChannel": map[string]any{
			"identity": benchAppID + "." + uid,
			"secret":   "6b7c3d0e2f1a4b5c6d7e8f9a0b1c2d3e",
			"service":  "wss://" + benchAppID + ".websocket-us.cometchat.io",
		},
		"fat": "fat-" + strings.Repeat("a1b2", 8),
		"settings": map[string]any{
			"chat":  map[string]any{"typingIndicator": true, "readReceipts": true},
			"calls": map[string]any{"enabled": true, "recording": false},
		},
	}
}

func mustJSON(v any) []byte {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	return b
}

// newBenchServer starts a plain or TLS loopback server answering both hosts.
func newBenchServer(tb testing.TB, useTLS bool) *benchServer {
	return newSpiedBenchServer(tb, useTLS, nil)
}

func newSpiedBenchServer(tb testing.TB, useTLS bool, spy func(*http.Request, []byte)) *benchServer {
	tb.Helper()
	s := &benchServer{
		tokenAnswer: map[string][]byte{},
		meAnswer:    map[string][]byte{},
		spy:         spy,
	}
	for _, uid := range benchUsers {
		tok := benchToken(uid)
		s.tokenAnswer[uid] = mustJSON(map[string]any{"data": map[string]any{
			"uid": uid, "authToken": tok, "createdAt": 1700000000,
		}})
		s.meAnswer[tok] = mustJSON(map[string]any{"data": benchUserJSON(uid)})
	}
	s.srv = httptest.NewUnstartedServer(s)
	s.srv.Config.ConnState = func(_ net.Conn, st http.ConnState) {
		if st == http.StateNew {
			s.conns.Add(1)
		}
	}
	if useTLS {
		s.srv.StartTLS()
	} else {
		s.srv.Start()
	}
	tb.Cleanup(s.srv.Close)
	return s
}

func (s *benchServer) adminBase() string { return s.srv.URL + "/admin/v3.0" }

func (s *benchServer) clientBase() string { return s.srv.URL + "/client/v3.0" }

var (
	benchLogoutAnswer = mustJSON(map[string]any{"data": map[string]any{"success": true, "message": "Logged out successfully"}})
	benchBadKey       = mustJSON(map[string]any{"error": map[string]any{"code": "AUTH_ERR_APIKEY_NOT_FOUND", "message": "The apiKey provided does not exist."}})
	benchNoUID        = mustJSON(map[string]any{"error": map[string]any{"code": "ERR_UID_NOT_FOUND", "message": "The UID does not exist."}})
	benchNoToken      = mustJSON(map[string]any{"error": map[string]any{"code": "AUTH_ERR_AUTH_TOKEN_NOT_FOUND", "message": "The auth token does not exist."}})
	benchBadRequest   = mustJSON(map[string]any{"error": map[string]any{"code": "ERR_BAD_REQUEST", "message": "Bad request."}})
	benchNotFound     = mustJSON(map[string]any{"error": map[string]any{"code": "ERR_NOT_FOUND", "message": "Route not found."}})
)

const (
	benchAdminPrefix = "/admin/v3.0/users/"
	benchTokenSuffix = "/auth_tokens"
	benchMePath      = "/client/v3.0/me"
)

func (s *benchServer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	status, answer := s.answer(r)
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_, _ = w.Write(answer)
}

func (s *benchServer) answer(r *http.Request) (int, []byte) {
	if r.Header.Get("appId") != benchAppID {
		return http.StatusUnauthorized, benchBadKey
	}
	var body []byte
	if r.Body != nil { // never nil on a server; nil on a client request without body
		var err error
		if body, err = io.ReadAll(r.Body); err != nil {
			return http.StatusBadRequest, benchBadRequest
		}
	}
	if s.spy != nil {
		s.spy(r, body)
	}
	path := r.URL.Path
	switch {
	case r.Method == http.MethodPost && strings.HasPrefix(path, benchAdminPrefix) && strings.HasSuffix(path, benchTokenSuffix):
		if r.Header.Get("apiKey") != benchAuthKey {
			return http.StatusUnauthorized, benchBadKey
		}
		if len(body) > 0 && !bytes.Contains(body, []byte(`"platform":"web"`)) && !bytes.Contains(body, []byte(`"force":`)) {
			return http.StatusBadRequest, benchBadRequest
		}
		uid := path[len(benchAdminPrefix) : len(path)-len(benchTokenSuffix)]
		if a, ok := s.tokenAnswer[uid]; ok {
			return http.StatusOK, a
		}
		return http.StatusNotFound, benchNoUID
	case path == benchMePath:
		a, ok := s.meAnswer[r.Header.Get("authToken")]
		if !ok {
			return http.StatusUnauthorized, benchNoToken
		}
		switch r.Method {
		case http.MethodPut:
			if !bytes.Contains(body, []byte(`"platform":"web"`)) {
				return http.StatusBadRequest, benchBadRequest
			}
			return http.StatusOK, a
		case http.MethodGet:
			return http.StatusOK, a
		case http.MethodDelete:
			return http.StatusOK, benchLogoutAnswer
		}
	}
	return http.StatusNotFound, benchNotFound
}

// benchHTTPClient returns a fresh *http.Client that trusts srv (for TLS),
// with its own connection pool.
func benchHTTPClient(srv *httptest.Server) *http.Client {
	var t *http.Transport
	if srv.TLS != nil {
		t = srv.Client().Transport.(*http.Transport).Clone()
	} else {
		t = http.DefaultTransport.(*http.Transport).Clone()
	}
	t.MaxIdleConnsPerHost = 32
	return &http.Client{Transport: t}
}

// newBenchClient returns an SDK Client for the admin and client servers.
// Over plain HTTP it uses the SDK's own transport (what users get); over
// TLS it needs an *http.Client that trusts the test certificate.
func newBenchClient(tb testing.TB, admin, client *benchServer, opts ...Option) *Client {
	tb.Helper()
	base := []Option{WithAdminHost(admin.adminBase()), WithClientHost(client.clientBase())}
	if admin.srv.TLS != nil {
		hc := benchHTTPClient(admin.srv)
		tb.Cleanup(hc.CloseIdleConnections)
		base = append(base, WithHTTPClient(hc))
	}
	c, err := New(benchAppID, "us", append(base, opts...)...)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { _ = c.Close() })
	return c
}

// stubRoundTripper answers in memory, like benchServer but without a
// network: BenchmarkClientOverhead uses it to isolate what the client side
// costs (the SDK's code and resty's, or the hand-written client's), which
// the loopback benchmarks dilute with syscalls, scheduling and the server.
type stubRoundTripper struct{ s *benchServer }

func (rt stubRoundTripper) RoundTrip(r *http.Request) (*http.Response, error) {
	status, answer := rt.s.answer(r)
	if r.Body != nil {
		_ = r.Body.Close()
	}
	return &http.Response{
		StatusCode:    status,
		Status:        http.StatusText(status),
		Proto:         "HTTP/1.1",
		ProtoMajor:    1,
		ProtoMinor:    1,
		Header:        http.Header{"Content-Type": {"application/json"}},
		Body:          io.NopCloser(bytes.NewReader(answer)),
		ContentLength: int64(len(answer)),
		Request:       r,
	}, nil
}
