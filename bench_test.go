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
	body, err := io.ReadAll(r.Body)
	if err != nil {
		return http.StatusBadRequest, benchBadRequest
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
		if len(body) > 0 && !bytes.Contains(body, []byte(`"platform":"web"`)) {
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

// forgetSession puts c back in the logged-out state without a request, so
// that every iteration of a login benchmark is a full, first-time login.
// (Logging in as another uid instead would add an implicit logout.) The
// stored copy in the MemoryStore stays and is overwritten by the next
// login, as it would be after a restart.
func forgetSession(c *Client) { c.cur.Store(noSession) }

// loginKind is one of the compared operations.
type loginKind struct {
	name string
	tls  bool
	sdk  func(ctx context.Context, c *Client) error
	raw  func(ctx context.Context, rc *rawClient) error
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

func sdkLoginLogout(ctx context.Context, c *Client) error {
	if _, err := c.Login(ctx, benchUID, benchAuthKey); err != nil {
		return err
	}
	return c.Logout(ctx)
}

func rawLoginLogout(ctx context.Context, rc *rawClient) error {
	_, tok, err := rc.login(ctx, benchUID, benchAuthKey)
	if err != nil {
		return err
	}
	return rc.logout(ctx, tok)
}

var loginKinds = []loginKind{
	{name: "Login", sdk: sdkLogin, raw: rawLogin},
	{name: "LoginTLS", tls: true, sdk: sdkLogin, raw: rawLogin},
	{name: "LoginWithAuthToken", sdk: sdkTokenLogin, raw: rawTokenLogin},
	{name: "LoginWithAuthTokenTLS", tls: true, sdk: sdkTokenLogin, raw: rawTokenLogin},
	{name: "LoginLogout", sdk: sdkLoginLogout, raw: rawLoginLogout},
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
	b.Run("sdk", func(b *testing.B) {
		c := newBenchClient(b, srv, srv)
		runOps(b, func() error { return kind.sdk(ctx, c) })
	})
	b.Run("raw", func(b *testing.B) {
		rc := newRawClient(b, srv, srv)
		runOps(b, func() error { return kind.raw(ctx, rc) })
	})
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
// metadata or tags.
func BenchmarkGetLoggedInUser(b *testing.B) {
	c := benchLoggedIn(b)
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		if u, _ := c.GetLoggedInUser(ctx); u == nil {
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
			if u, _ := c.GetLoggedInUser(ctx); u == nil {
				panic("no user")
			}
		}
	})
}

// TestBenchBaselineSendsWhatTheSDKSends keeps the comparison honest: the
// raw client's requests carry the same method, path, headers and body as
// the SDK's (the device ID aside, which is random per client).
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
		h := r.Header.Clone()
		h.Del("Content-Length") // same bodies, same length: compared below
		mu.Lock()
		got = append(got, fmt.Sprintf("%s %s %v len=%d %v", r.Method, r.URL.Path, h, len(body), fields))
		mu.Unlock()
	})
	ctx := context.Background()
	c := newBenchClient(t, srv, srv)
	rc := newRawClient(t, srv, srv)
	var sdkReqs, rawReqs []string
	if err := sdkLoginLogout(ctx, c); err != nil {
		t.Fatal(err)
	}
	mu.Lock()
	sdkReqs, got = got, nil
	mu.Unlock()
	if err := rawLoginLogout(ctx, rc); err != nil {
		t.Fatal(err)
	}
	mu.Lock()
	rawReqs = got
	mu.Unlock()
	if len(sdkReqs) != 3 || !slices.Equal(sdkReqs, rawReqs) {
		t.Fatalf("the baseline does not send what the SDK sends:\nsdk: %q\nraw: %q", sdkReqs, rawReqs)
	}
	// And the two decode the same user.
	forgetSession(c)
	su, err := c.LoginWithAuthToken(ctx, benchToken1)
	if err != nil {
		t.Fatal(err)
	}
	ru, err := rc.loginWithToken(ctx, benchToken1)
	if err != nil {
		t.Fatal(err)
	}
	if fmt.Sprint(*su) != fmt.Sprint(*ru) {
		t.Fatalf("different users: %+v vs %+v", *su, *ru)
	}
}

// The ratio test. Benchmarks run one after the other, minutes apart on a
// busy machine, so their ratio drifts; this test alternates SDK and raw
// rounds of the same operation (in ABBA order, so neither side always runs
// second) and reports the median of the per-pair ratios, for time and
// allocations. It reports, it never asserts a timing: run it with
//
//	COMETCHAT_BENCH_RATIO=1 go test -run '^TestLoginRatio$' -v .
//
// COMETCHAT_BENCH_RATIO may also be "pairs,iterations", e.g. "9,3000".

const ratioEnv = "COMETCHAT_BENCH_RATIO"

func TestLoginRatio(t *testing.T) {
	spec := os.Getenv(ratioEnv)
	if spec == "" {
		t.Skip("timing report; set " + ratioEnv + "=1 to run it")
	}
	pairs, iters := 7, 2000
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
		sdk := func() error { return kind.sdk(ctx, c) }
		raw := func() error { return kind.raw(ctx, rc) }
		var timeRatios, allocRatios []float64
		var sdkNs, rawNs, sdkAllocs, rawAllocs []float64
		for range 3 { // warm up both
			if _, _, err := measureRound(sdk, iters/10+1); err != nil {
				t.Fatal(err)
			}
			if _, _, err := measureRound(raw, iters/10+1); err != nil {
				t.Fatal(err)
			}
		}
		for p := range pairs {
			var s, r [2]float64
			var err error
			if p%2 == 0 {
				s[0], s[1], err = measureRound(sdk, iters)
				if err == nil {
					r[0], r[1], err = measureRound(raw, iters)
				}
			} else {
				r[0], r[1], err = measureRound(raw, iters)
				if err == nil {
					s[0], s[1], err = measureRound(sdk, iters)
				}
			}
			if err != nil {
				t.Fatal(err)
			}
			sdkNs, rawNs = append(sdkNs, s[0]), append(rawNs, r[0])
			sdkAllocs, rawAllocs = append(sdkAllocs, s[1]), append(rawAllocs, r[1])
			timeRatios = append(timeRatios, s[0]/r[0])
			allocRatios = append(allocRatios, s[1]/r[1])
		}
		t.Logf("%-22s time sdk/raw = %.3f  (sdk %.1f µs/op, raw %.1f µs/op)   allocs sdk/raw = %.3f  (sdk %.1f, raw %.1f allocs/op)   [median of %d pairs × %d ops; time ratios %s]",
			kind.name, median(timeRatios), median(sdkNs)/1e3, median(rawNs)/1e3,
			median(allocRatios), median(sdkAllocs), median(rawAllocs), pairs, iters, fmtRatios(timeRatios))
	}
}

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
