package cometchatcalls

// Benchmarks of the SDK against a hand-written net/http client that sends
// the very same requests to the very same loopback server. BENCHMARKS.md
// says how to run them and what they showed.
//
// The loopback server below is deliberately small and self-contained (it
// does not use package cometchatcallstest): the figures must measure the
// SDK, not an emulator. It answers with pre-encoded, realistic CometChat
// envelopes, so server-side cost is the same for the SDK and the baseline.

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"runtime"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/go-resty/resty/v2"
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

func (s *benchServer) adminBase() string  { return s.srv.URL + "/admin/v3.0" }
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

// rawClient is the baseline: what a careful developer writes with net/http
// alone. One reused *http.Client; the same headers (appId, apiKey or
// authToken, Content-Type, Accept, User-Agent) and the same JSON body as
// the SDK; every body read to the end and closed; answers decoded with
// encoding/json into the same structs. No retries, no per-request timeout,
// no session store: that is the SDK's overhead being measured.
type rawClient struct {
	hc         *http.Client
	adminBase  string
	clientBase string
	appID      string
	userAgent  string
	body       []byte // {"platform":"web","deviceId":…}, encoded once
}

func newRawClient(tb testing.TB, admin, client *benchServer) *rawClient {
	tb.Helper()
	hc := benchHTTPClient(admin.srv)
	tb.Cleanup(hc.CloseIdleConnections)
	return &rawClient{
		hc:         hc,
		adminBase:  admin.adminBase(),
		clientBase: client.clientBase(),
		appID:      benchAppID,
		userAgent:  userAgent(""),
		body:       newLoginBody(),
	}
}

type rawEnvelope[T any] struct {
	Data  *T           `json:"data"`
	Error *serverError `json:"error"`
}

// login sends POST auth_tokens then PUT /me, like Client.Login.
func (rc *rawClient) login(ctx context.Context, uid, authKey string) (*User, string, error) {
	var tok rawEnvelope[authTokenData]
	if err := rc.call(ctx, http.MethodPost, rc.adminBase+"/users/"+url.PathEscape(uid)+"/auth_tokens", "apiKey", authKey, rc.body, &tok); err != nil {
		return nil, "", err
	}
	u, err := rc.loginWithToken(ctx, tok.Data.AuthToken)
	return u, tok.Data.AuthToken, err
}

// loginWithToken sends PUT /me, like Client.LoginWithAuthToken.
func (rc *rawClient) loginWithToken(ctx context.Context, token string) (*User, error) {
	var env rawEnvelope[User]
	if err := rc.call(ctx, http.MethodPut, rc.clientBase+"/me", "authToken", token, rc.body, &env); err != nil {
		return nil, err
	}
	return env.Data, nil
}

// logout sends DELETE /me, like Client.Logout.
func (rc *rawClient) logout(ctx context.Context, token string) error {
	var env rawEnvelope[struct{}]
	return rc.call(ctx, http.MethodDelete, rc.clientBase+"/me", "authToken", token, nil, &env)
}

func (rc *rawClient) call(ctx context.Context, method, u, credHeader, cred string, body []byte, out interface{ ok() bool }) error {
	var rd io.Reader
	if body != nil {
		rd = bytes.NewReader(body)
	}
	req, err := http.NewRequestWithContext(ctx, method, u, rd)
	if err != nil {
		return err
	}
	req.Header.Set("appId", rc.appID)
	req.Header.Set(credHeader, cred)
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	req.Header.Set("Accept", "application/json")
	req.Header.Set("User-Agent", rc.userAgent)
	resp, err := rc.hc.Do(req)
	if err != nil {
		return err
	}
	b, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil {
		return err
	}
	if err := json.Unmarshal(b, out); err != nil {
		return err
	}
	if resp.StatusCode != http.StatusOK || !out.ok() {
		return fmt.Errorf("%s %s: status %d", method, u, resp.StatusCode)
	}
	return nil
}

func (e *rawEnvelope[T]) ok() bool { return e.Data != nil && e.Error == nil }

// restyClient is the second baseline: the same requests through bare resty
// (static headers on the client, per-request headers with SetHeader, the
// body as a *bytes.Reader as the SDK sends it, the answer read and decoded
// by hand), to show how much of the SDK's overhead is resty's.
type restyClient struct {
	rc         *resty.Client
	adminBase  string
	clientBase string
	body       []byte
}

func newRestyClient(tb testing.TB, admin, client *benchServer) *restyClient {
	tb.Helper()
	hc := benchHTTPClient(admin.srv)
	tb.Cleanup(hc.CloseIdleConnections)
	return newRestyClientWith(hc, admin.adminBase(), client.clientBase())
}

func newRestyClientWith(hc *http.Client, adminBase, clientBase string) *restyClient {
	rc := resty.NewWithClient(hc).SetCookieJar(nil).SetHeaders(map[string]string{
		"appId":      benchAppID,
		"Accept":     "application/json",
		"User-Agent": userAgent(""),
	})
	return &restyClient{rc: rc, adminBase: adminBase, clientBase: clientBase, body: newLoginBody()}
}

func (c *restyClient) loginWithToken(ctx context.Context, token string) (*User, error) {
	var env rawEnvelope[User]
	if err := c.call(ctx, http.MethodPut, c.clientBase+"/me", "authToken", token, c.body, &env); err != nil {
		return nil, err
	}
	return env.Data, nil
}

func (c *restyClient) login(ctx context.Context, uid, authKey string) (*User, string, error) {
	var tok rawEnvelope[authTokenData]
	if err := c.call(ctx, http.MethodPost, c.adminBase+"/users/"+url.PathEscape(uid)+"/auth_tokens", "apiKey", authKey, c.body, &tok); err != nil {
		return nil, "", err
	}
	u, err := c.loginWithToken(ctx, tok.Data.AuthToken)
	return u, tok.Data.AuthToken, err
}

// logout sends DELETE /me, like Client.Logout.
func (c *restyClient) logout(ctx context.Context, token string) error {
	var env rawEnvelope[struct{}]
	return c.call(ctx, http.MethodDelete, c.clientBase+"/me", "authToken", token, nil, &env)
}

func (c *restyClient) call(ctx context.Context, method, u, credHeader, cred string, body []byte, out interface{ ok() bool }) error {
	r := c.rc.R().SetContext(ctx).SetDoNotParseResponse(true).SetHeader(credHeader, cred)
	if body != nil {
		// The same body type as the SDK (transport.exchange): a reader.
		r.SetHeader("Content-Type", "application/json").SetBody(bytes.NewReader(body))
	}
	resp, err := r.Execute(method, u)
	if err != nil {
		return err
	}
	b, err := io.ReadAll(resp.RawResponse.Body)
	resp.RawResponse.Body.Close()
	if err != nil {
		return err
	}
	if err := json.Unmarshal(b, out); err != nil {
		return err
	}
	if resp.StatusCode() != http.StatusOK || !out.ok() {
		return fmt.Errorf("%s %s: status %d", method, u, resp.StatusCode())
	}
	return nil
}

// forgetSession puts c back in the logged-out state without a request, so
// that every iteration of a login benchmark is a full, first-time login.
// (Logging in as another uid instead would add an implicit logout.) The
// stored copy in the MemoryStore stays and is overwritten by the next
// login, as it would be after a restart.
func forgetSession(c *Client) { c.st.cur.Store(noSession) }

// loginKind is one of the compared operations.
type loginKind struct {
	name  string
	tls   bool
	sdk   func(ctx context.Context, c *Client) error
	raw   func(ctx context.Context, rc *rawClient) error
	resty func(ctx context.Context, rc *restyClient) error // nil: no resty baseline
}

var benchToken1 = benchToken(benchUID)

func sdkLogin(ctx context.Context, c *Client) error {
	forgetSession(c)
	_, err := c.Login(ctx, benchUID, benchAuthKey)
	return err
}

func rawLogin(ctx context.Context, rc *rawClient) error {
	_, _, err := rc.login(ctx, benchUID, benchAuthKey)
	return err
}

func sdkTokenLogin(ctx context.Context, c *Client) error {
	forgetSession(c)
	_, err := c.LoginWithAuthToken(ctx, benchToken1)
	return err
}

func rawTokenLogin(ctx context.Context, rc *rawClient) error {
	_, err := rc.loginWithToken(ctx, benchToken1)
	return err
}

func restyLogin(ctx context.Context, c *restyClient) error {
	_, _, err := c.login(ctx, benchUID, benchAuthKey)
	return err
}

func restyTokenLogin(ctx context.Context, c *restyClient) error {
	_, err := c.loginWithToken(ctx, benchToken1)
	return err
}

func sdkLoginLogout(ctx context.Context, c *Client) error {
	if _, err := c.Login(ctx, benchUID, benchAuthKey); err != nil {
		return err
	}
	return c.Logout(ctx)
}

func restyLoginLogout(ctx context.Context, c *restyClient) error {
	_, tok, err := c.login(ctx, benchUID, benchAuthKey)
	if err != nil {
		return err
	}
	return c.logout(ctx, tok)
}

func rawLoginLogout(ctx context.Context, rc *rawClient) error {
	_, tok, err := rc.login(ctx, benchUID, benchAuthKey)
	if err != nil {
		return err
	}
	return rc.logout(ctx, tok)
}

var loginKinds = []loginKind{
	{name: "Login", sdk: sdkLogin, raw: rawLogin, resty: restyLogin},
	{name: "LoginTLS", tls: true, sdk: sdkLogin, raw: rawLogin, resty: restyLogin},
	{name: "LoginWithAuthToken", sdk: sdkTokenLogin, raw: rawTokenLogin, resty: restyTokenLogin},
	{name: "LoginWithAuthTokenTLS", tls: true, sdk: sdkTokenLogin, raw: rawTokenLogin, resty: restyTokenLogin},
	{name: "LoginLogout", sdk: sdkLoginLogout, raw: rawLoginLogout, resty: restyLoginLogout},
}

func kindNamed(name string) loginKind {
	for _, k := range loginKinds {
		if k.name == name {
			return k
		}
	}
	panic("no login kind " + name)
}

// benchPair runs kind's sdk and raw variants as sub-benchmarks against one
// server. Both are warmed up first (connections open, TLS handshakes done)
// so that every timed iteration uses a kept-alive connection.
func benchPair(b *testing.B, kind loginKind) {
	srv := newBenchServer(b, kind.tls)
	ctx := context.Background()
	// Named impl=… so that benchstat -col /impl puts them side by side,
	// raw first: its deltas are then the SDK's (and resty's) overhead.
	b.Run("impl=raw", func(b *testing.B) {
		rc := newRawClient(b, srv, srv)
		runOps(b, func() error { return kind.raw(ctx, rc) })
	})
	b.Run("impl=sdk", func(b *testing.B) {
		c := newBenchClient(b, srv, srv)
		runOps(b, func() error { return kind.sdk(ctx, c) })
	})
	if kind.resty != nil {
		b.Run("impl=resty", func(b *testing.B) {
			rc := newRestyClient(b, srv, srv)
			runOps(b, func() error { return kind.resty(ctx, rc) })
		})
	}
}

func runOps(b *testing.B, op func() error) {
	for range 20 {
		if err := op(); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportAllocs()
	for b.Loop() {
		if err := op(); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkLogin: Client.Login (POST auth_tokens + PUT /me + saving the
// session), every iteration from the logged-out state, against the same
// two requests sent by hand with net/http.
func BenchmarkLogin(b *testing.B) { benchPair(b, kindNamed("Login")) }

// BenchmarkLoginTLS is BenchmarkLogin over TLS (kept-alive connections).
func BenchmarkLoginTLS(b *testing.B) { benchPair(b, kindNamed("LoginTLS")) }

// BenchmarkLoginWithAuthToken: PUT /me alone.
func BenchmarkLoginWithAuthToken(b *testing.B) { benchPair(b, kindNamed("LoginWithAuthToken")) }

// BenchmarkLoginWithAuthTokenTLS is BenchmarkLoginWithAuthToken over TLS.
func BenchmarkLoginWithAuthTokenTLS(b *testing.B) {
	benchPair(b, kindNamed("LoginWithAuthTokenTLS"))
}

// BenchmarkLoginLogout is the other fair design, without any test hook: a
// full Login+Logout cycle against POST + PUT + DELETE by hand.
func BenchmarkLoginLogout(b *testing.B) { benchPair(b, kindNamed("LoginLogout")) }

// BenchmarkLoginWithAuthTokenRequestContext is LoginWithAuthToken called
// as a server handler would, with a cancellable context of its own per
// call (like http.Request.Context), raw and SDK alike.
func BenchmarkLoginWithAuthTokenRequestContext(b *testing.B) {
	srv := newBenchServer(b, false)
	kind := kindNamed("LoginWithAuthToken")
	withRequestContext := func(op func(context.Context) error) func() error {
		return func() error {
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			return op(ctx)
		}
	}
	b.Run("impl=raw", func(b *testing.B) {
		rc := newRawClient(b, srv, srv)
		runOps(b, withRequestContext(func(ctx context.Context) error { return kind.raw(ctx, rc) }))
	})
	b.Run("impl=sdk", func(b *testing.B) {
		c := newBenchClient(b, srv, srv)
		runOps(b, withRequestContext(func(ctx context.Context) error { return kind.sdk(ctx, c) }))
	})
}

// BenchmarkCreateAuthTokenParallel: a token backend under load, 8
// goroutines (SetParallelism(4) on GOMAXPROCS 2) issuing auth tokens
// through one AdminClient, against the same POST sent by hand.
func BenchmarkCreateAuthTokenParallel(b *testing.B) {
	srv := newBenchServer(b, false)
	ctx := context.Background()
	body := []byte(`{"force":false}`)
	b.Run("impl=raw", func(b *testing.B) {
		rc := newRawClient(b, srv, srv)
		u := rc.adminBase + "/users/" + benchUID + "/auth_tokens"
		runParallelOps(b, func() error {
			var env rawEnvelope[authTokenData]
			return rc.call(ctx, http.MethodPost, u, "apiKey", benchAuthKey, body, &env)
		})
	})
	b.Run("impl=sdk", func(b *testing.B) {
		a, err := NewAdminClient(benchAppID, "us", benchAuthKey, WithAdminHost(srv.adminBase()))
		if err != nil {
			b.Fatal(err)
		}
		defer a.Close()
		runParallelOps(b, func() error {
			_, err := a.CreateAuthToken(ctx, benchUID, nil)
			return err
		})
	})
}

func runParallelOps(b *testing.B, op func() error) {
	for range 20 {
		if err := op(); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportAllocs()
	b.SetParallelism(4)
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			if err := op(); err != nil {
				b.Error(err)
				return
			}
		}
	})
}

// BenchmarkLoginSameUser: Login for the uid already logged in sends no
// request; what is left is validation, one atomic load and the copy.
func BenchmarkLoginSameUser(b *testing.B) {
	srv := newBenchServer(b, false)
	c := newBenchClient(b, srv, srv)
	ctx := context.Background()
	if _, err := c.Login(ctx, benchUID, benchAuthKey); err != nil {
		b.Fatal(err)
	}
	before := srv.conns.Load()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := c.Login(ctx, benchUID, benchAuthKey); err != nil {
			b.Fatal(err)
		}
	}
	b.StopTimer()
	if srv.conns.Load() != before {
		b.Fatal("Login for the same uid opened a connection")
	}
}

// benchLoggedIn returns a Client with benchUID logged in, whose session
// has been read once already.
func benchLoggedIn(b *testing.B) *Client {
	srv := newBenchServer(b, false)
	c := newBenchClient(b, srv, srv)
	ctx := context.Background()
	if _, err := c.Login(ctx, benchUID, benchAuthKey); err != nil {
		b.Fatal(err)
	}
	if u, err := c.GetLoggedInUser(ctx); err != nil || u == nil {
		b.Fatal("not logged in", err)
	}
	return c
}

// BenchmarkGetLoggedInUser: one atomic load and the copy of a user without
// metadata or tags, which the caller reads.
func BenchmarkGetLoggedInUser(b *testing.B) {
	c := benchLoggedIn(b)
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		if u, _ := c.GetLoggedInUser(ctx); u == nil || u.UID != benchUID {
			b.Fatal("no user")
		}
	}
}

// BenchmarkGetLoggedInUserParallel: the same from GOMAXPROCS goroutines.
// ns/op is wall time per call across all of them; with no lock it must be
// no worse than serial.
func BenchmarkGetLoggedInUserParallel(b *testing.B) {
	c := benchLoggedIn(b)
	ctx := context.Background()
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			if u, _ := c.GetLoggedInUser(ctx); u == nil || u.UID != benchUID {
				panic("no user")
			}
		}
	})
}

// benchKept keeps the users the Kept benchmarks get, so that each copy
// escapes to the heap as it does for a caller that stores it. Each
// goroutine has its own slot, a cache line apart, so that keeping them
// adds no contention of its own.
var (
	benchKept [64]struct {
		u *User
		_ [56]byte
	}
	benchKeptNext atomic.Int32
)

// BenchmarkGetLoggedInUserKept and ...KeptParallel: the caller keeps the
// copy, which costs its one heap allocation (160 bytes).
func BenchmarkGetLoggedInUserKept(b *testing.B) {
	c := benchLoggedIn(b)
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		benchKept[0].u, _ = c.GetLoggedInUser(ctx)
	}
}

func BenchmarkGetLoggedInUserKeptParallel(b *testing.B) {
	c := benchLoggedIn(b)
	ctx := context.Background()
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		slot := &benchKept[benchKeptNext.Add(1)%int32(len(benchKept))]
		for pb.Next() {
			slot.u, _ = c.GetLoggedInUser(ctx)
		}
	})
}

// appHeap stands in for a running application's live heap. The benchmark
// process otherwise holds a few MiB, so one 160-byte copy per call makes
// the collector cycle about every millisecond, and under RunParallel its
// work competes with both benchmark goroutines for the two cores; with a
// heap of an application's size it cycles rarely.
const appHeap = 256 << 20

// BenchmarkGetLoggedInUserKeptAppHeap and ...KeptAppHeapParallel are the
// two Kept benchmarks with appHeap live, identical in every other way.
func BenchmarkGetLoggedInUserKeptAppHeap(b *testing.B) {
	heap := make([]byte, appHeap)
	defer runtime.KeepAlive(heap)
	b.ResetTimer() // the stand-in heap is not the benchmark's allocation
	BenchmarkGetLoggedInUserKept(b)
}

func BenchmarkGetLoggedInUserKeptAppHeapParallel(b *testing.B) {
	heap := make([]byte, appHeap)
	defer runtime.KeepAlive(heap)
	b.ResetTimer() // the stand-in heap is not the benchmark's allocation
	BenchmarkGetLoggedInUserKeptParallel(b)
}

// BenchmarkIsUserLoggedIn and BenchmarkIsUserLoggedInParallel read the
// same session as GetLoggedInUser without copying the user: no allocation,
// hence no garbage collector in the figure, which leaves the cost of the
// read itself. With no lock, parallel ns/op is about serial / GOMAXPROCS.
func BenchmarkIsUserLoggedIn(b *testing.B) {
	c := benchLoggedIn(b)
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		if !c.IsUserLoggedIn(ctx) {
			b.Fatal("no user")
		}
	}
}

func BenchmarkIsUserLoggedInParallel(b *testing.B) {
	c := benchLoggedIn(b)
	ctx := context.Background()
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			if !c.IsUserLoggedIn(ctx) {
				panic("no user")
			}
		}
	})
}

// TestBenchBaselineSendsWhatTheSDKSends keeps the comparison honest: the
// raw and resty clients' requests carry the same method, path, headers,
// framing (Content-Length, no chunking) and body as the SDK's (the device
// ID aside, which is random per client), and decode the same user.
func TestBenchBaselineSendsWhatTheSDKSends(t *testing.T) {
	var mu sync.Mutex
	var got []string
	srv := newSpiedBenchServer(t, false, func(r *http.Request, body []byte) {
		var fields map[string]string
		if len(body) > 0 {
			if err := json.Unmarshal(body, &fields); err != nil {
				t.Errorf("%s %s: body is not a JSON object of strings", r.Method, r.URL.Path)
			}
			if !strings.HasPrefix(fields["deviceId"], "go-") {
				t.Errorf("%s %s: unexpected deviceId", r.Method, r.URL.Path)
			}
			fields["deviceId"] = "…"
		}
		mu.Lock()
		got = append(got, fmt.Sprintf("%s %s %v contentLength=%d transferEncoding=%q body=%v",
			r.Method, r.URL.Path, r.Header, r.ContentLength, r.TransferEncoding, fields))
		mu.Unlock()
	})
	sent := func(f func() error) []string {
		t.Helper()
		if err := f(); err != nil {
			t.Fatal(err)
		}
		mu.Lock()
		defer mu.Unlock()
		reqs := got
		got = nil
		return reqs
	}
	ctx := context.Background()
	c := newBenchClient(t, srv, srv)
	rc := newRawClient(t, srv, srv)
	rs := newRestyClient(t, srv, srv)
	sdkReqs := sent(func() error { return sdkLoginLogout(ctx, c) })
	rawReqs := sent(func() error { return rawLoginLogout(ctx, rc) })
	restyReqs := sent(func() error {
		if err := restyLogin(ctx, rs); err != nil {
			return err
		}
		var env rawEnvelope[struct{}]
		return rs.call(ctx, http.MethodDelete, rs.clientBase+"/me", "authToken", benchToken1, nil, &env)
	})
	if len(sdkReqs) != 3 || !slices.Equal(sdkReqs, rawReqs) || !slices.Equal(sdkReqs, restyReqs) {
		t.Fatalf("the baselines do not send what the SDK sends:\nsdk:   %q\nraw:   %q\nresty: %q", sdkReqs, rawReqs, restyReqs)
	}
	// And they decode the same user.
	forgetSession(c)
	su, err := c.LoginWithAuthToken(ctx, benchToken1)
	if err != nil {
		t.Fatal(err)
	}
	ru, err := rc.loginWithToken(ctx, benchToken1)
	if err != nil {
		t.Fatal(err)
	}
	tu, err := rs.loginWithToken(ctx, benchToken1)
	if err != nil {
		t.Fatal(err)
	}
	if fmt.Sprint(*su) != fmt.Sprint(*ru) || fmt.Sprint(*su) != fmt.Sprint(*tu) {
		t.Fatalf("different users: %+v vs %+v vs %+v", *su, *ru, *tu)
	}
}

// TestUserCloneValueIsDeep: the copy that commit hands the store shares no
// map or slice with the session's user.
func TestUserCloneValueIsDeep(t *testing.T) {
	u := &User{UID: "u1", Name: "N", Metadata: map[string]any{"a": map[string]any{"b": []any{"c"}}}, Tags: []string{"t"}}
	c := u.cloneValue()
	c.Metadata["a"].(map[string]any)["b"].([]any)[0] = "changed"
	c.Metadata["x"] = 1
	c.Tags[0] = "changed"
	if u.Metadata["a"].(map[string]any)["b"].([]any)[0] != "c" || len(u.Metadata) != 1 || u.Tags[0] != "t" {
		t.Fatalf("the original changed: %+v", *u)
	}
	if n := testing.AllocsPerRun(100, func() { _ = (&User{UID: "u1"}).cloneValue() }); n != 0 {
		t.Errorf("cloneValue of a user without metadata or tags: %v allocations, want 0", n)
	}
}

// The ratio test. Benchmarks run one after the other, minutes apart on a
// busy machine, so their ratio drifts; this test alternates rounds of the
// same operation through the SDK, the raw client and bare resty (rotating
// the order, so no variant always runs first) and reports the median of the
// per-pair ratios, for time and allocations. It reports, it never asserts a timing: run it with
//
//	COMETCHAT_BENCH_RATIO=1 go test -run '^TestLoginRatio$' -v .
//
// COMETCHAT_BENCH_RATIO may also be "pairs,iterations" (default "11,1500":
// 11 rounds of 1500 operations per variant), e.g. "21,1000".

const ratioEnv = "COMETCHAT_BENCH_RATIO"

func TestLoginRatio(t *testing.T) {
	spec := os.Getenv(ratioEnv)
	if spec == "" {
		t.Skip("timing report; set " + ratioEnv + "=1 to run it")
	}
	pairs, iters := 11, 1500
	if strings.Contains(spec, ",") {
		if _, err := fmt.Sscanf(spec, "%d,%d", &pairs, &iters); err != nil || pairs < 5 || iters < 1 {
			t.Fatalf("%s=%q: want pairs,iterations with pairs >= 5", ratioEnv, spec)
		}
	}
	ctx := context.Background()
	for _, kind := range loginKinds {
		srv := newBenchServer(t, kind.tls)
		c := newBenchClient(t, srv, srv)
		rc := newRawClient(t, srv, srv)
		variants := []ratioVariant{
			{name: "sdk", op: func() error { return kind.sdk(ctx, c) }},
			{name: "raw", op: func() error { return kind.raw(ctx, rc) }},
		}
		if kind.resty != nil {
			rs := newRestyClient(t, srv, srv)
			variants = append(variants, ratioVariant{name: "resty", op: func() error { return kind.resty(ctx, rs) }})
		}
		for range 3 { // warm up: connections, handshakes, pools
			for _, v := range variants {
				if _, _, err := measureRound(v.op, iters/10+1); err != nil {
					t.Fatal(err)
				}
			}
		}
		for p := range pairs {
			// Rotate the order so that no variant always runs first.
			for i := range variants {
				v := &variants[(i+p)%len(variants)]
				ns, allocs, err := measureRound(v.op, iters)
				if err != nil {
					t.Fatalf("%s/%s: %v", kind.name, v.name, err)
				}
				v.ns, v.allocs = append(v.ns, ns), append(v.allocs, allocs)
			}
		}
		sdk, raw := variants[0], variants[1]
		line := fmt.Sprintf("%-22s time sdk/raw = %.3f  allocs sdk/raw = %.3f   (µs/op sdk %.1f raw %.1f; allocs/op sdk %.0f raw %.0f)",
			kind.name, medianRatio(sdk.ns, raw.ns), medianRatio(sdk.allocs, raw.allocs),
			median(sdk.ns)/1e3, median(raw.ns)/1e3, median(sdk.allocs), median(raw.allocs))
		if len(variants) > 2 {
			rs := variants[2]
			line += fmt.Sprintf("   resty/raw: time %.3f allocs %.3f (µs/op %.1f; allocs/op %.0f)   sdk/resty: time %.3f allocs %.3f",
				medianRatio(rs.ns, raw.ns), medianRatio(rs.allocs, raw.allocs), median(rs.ns)/1e3, median(rs.allocs),
				medianRatio(sdk.ns, rs.ns), medianRatio(sdk.allocs, rs.allocs))
		}
		t.Logf("%s   [median of %d pairs × %d ops; sdk/raw time ratios %s]", line, pairs, iters, fmtRatios(ratios(sdk.ns, raw.ns)))
	}
}

type ratioVariant struct {
	name       string
	op         func() error
	ns, allocs []float64 // per round
}

// ratios returns a[i]/b[i]: the ratio of each pair of rounds.
func ratios(a, b []float64) []float64 {
	r := make([]float64, len(a))
	for i := range a {
		r[i] = a[i] / b[i]
	}
	return r
}

func medianRatio(a, b []float64) float64 { return median(ratios(a, b)) }

// measureRound runs op n times and returns ns/op and allocs/op (counted
// process-wide, so the in-process server's share is included, as in the
// benchmarks' allocs/op).
func measureRound(op func() error, n int) (nsPerOp, allocsPerOp float64, err error) {
	runtime.GC()
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	start := time.Now()
	for range n {
		if err := op(); err != nil {
			return 0, 0, err
		}
	}
	d := time.Since(start)
	runtime.ReadMemStats(&after)
	return float64(d.Nanoseconds()) / float64(n), float64(after.Mallocs-before.Mallocs) / float64(n), nil
}

func median(xs []float64) float64 {
	s := slices.Clone(xs)
	slices.Sort(s)
	if len(s)%2 == 1 {
		return s[len(s)/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}

func fmtRatios(xs []float64) string {
	parts := make([]string, len(xs))
	for i, x := range xs {
		parts[i] = fmt.Sprintf("%.2f", x)
	}
	return strings.Join(parts, " ")
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

// BenchmarkClientOverhead: LoginWithAuthToken (one PUT /me) through an
// in-memory RoundTripper, SDK vs hand-written client: the client-side cost
// alone.
func BenchmarkClientOverhead(b *testing.B) {
	s := &benchServer{tokenAnswer: map[string][]byte{}, meAnswer: map[string][]byte{}}
	for _, uid := range benchUsers {
		s.meAnswer[benchToken(uid)] = mustJSON(map[string]any{"data": benchUserJSON(uid)})
	}
	hc := &http.Client{Transport: stubRoundTripper{s}}
	const base = "http://127.0.0.1:1"
	ctx := context.Background()
	b.Run("impl=raw", func(b *testing.B) {
		rc := &rawClient{hc: hc, adminBase: base + "/admin/v3.0", clientBase: base + "/client/v3.0",
			appID: benchAppID, userAgent: userAgent(""), body: newLoginBody()}
		runOps(b, func() error { return rawTokenLogin(ctx, rc) })
	})
	b.Run("impl=sdk", func(b *testing.B) {
		c, err := New(benchAppID, "us", WithHTTPClient(hc), WithAdminHost(base+"/admin/v3.0"), WithClientHost(base+"/client/v3.0"))
		if err != nil {
			b.Fatal(err)
		}
		defer c.Close()
		runOps(b, func() error { return sdkTokenLogin(ctx, c) })
	})
	b.Run("impl=resty", func(b *testing.B) {
		rc := newRestyClientWith(hc, base+"/admin/v3.0", base+"/client/v3.0")
		runOps(b, func() error { return restyTokenLogin(ctx, rc) })
	})
}

// BenchmarkManyClients: a backend holding one Client per user. Each
// iteration makes n Clients without WithHTTPClient (so they share the
// process's pool), logs each in once against one loopback server, measures,
// then closes them all. Reported per iteration: the connections the server
// accepted, the goroutines and the heap still held once all n are logged
// in (per client), and the mean login time. Run it with -benchtime 3x or so:
// an iteration of 1000 clients is a thousand logins.
func BenchmarkManyClients(b *testing.B) {
	for _, n := range []int{1, 100, 1000} {
		b.Run(fmt.Sprintf("clients=%d", n), func(b *testing.B) {
			srv := newBenchServer(b, false)
			ctx := context.Background()
			var conns, goroutines, heap, login float64
			idle := runtime.NumGoroutine() // no connection open yet
			for b.Loop() {
				b.StopTimer()
				conns0 := srv.conns.Load()
				heap0 := benchLiveHeap()
				b.StartTimer()
				cs := make([]*Client, n)
				var loginTime time.Duration
				for i := range cs {
					c, err := New(benchAppID, "us", WithAdminHost(srv.adminBase()), WithClientHost(srv.clientBase()))
					if err != nil {
						b.Fatal(err)
					}
					cs[i] = c
					start := time.Now()
					if _, err := c.Login(ctx, benchUID, benchAuthKey); err != nil {
						b.Fatal(err)
					}
					loginTime += time.Since(start)
				}
				b.StopTimer()
				conns = float64(srv.conns.Load() - conns0)
				goroutines = float64(runtime.NumGoroutine() - idle)
				heap = float64(benchLiveHeap()-heap0) / float64(n)
				login = float64(loginTime.Microseconds()) / float64(n)
				for _, c := range cs {
					_ = c.Close()
				}
				waitForGoroutines(b, idle)
				b.StartTimer()
			}
			b.ReportMetric(conns, "conns")
			b.ReportMetric(goroutines, "goroutines")
			b.ReportMetric(heap, "heapB/client")
			b.ReportMetric(login, "µs/login")
		})
	}
}

// waitForGoroutines waits until no more than n goroutines run: the
// connections' goroutines end a moment after the last Close closed them.
func waitForGoroutines(b *testing.B, n int) {
	for range 200 {
		if runtime.NumGoroutine() <= n {
			return
		}
		time.Sleep(5 * time.Millisecond)
	}
	b.Fatalf("%d goroutines after the last Close, %d before the first client", runtime.NumGoroutine(), n)
}

// benchLiveHeap is the heap in use after a full collection.
func benchLiveHeap() int64 {
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return int64(m.HeapAlloc)
}
