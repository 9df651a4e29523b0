package cometchatcalls

// Benchmarks of the SDK against hand-written clients (bench_baseline_test.go)
// that send the very same requests to the very same loopback server
// (bench_server_test.go). BENCHMARKS.md says how to run them and what they
// showed.

import (
	"context"
	"fmt"
	"net/http"
	"runtime"
	"testing"
	"time"
)

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
