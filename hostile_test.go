package cometchatcalls

import (
	"context"
	"crypto/tls"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"runtime/debug"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jarcoal/httpmock"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"
)

// secServer is a real HTTP server on 127.0.0.1 that counts the requests
// reaching its handler and remembers whether any carried a credential.
type secServer struct {
	*httptest.Server
	requests atomic.Int32
	conns    atomic.Int32
	sawCred  atomic.Bool
	injected atomic.Bool
}

// newSecServer starts a plain (useTLS false) or TLS server running h. It
// is closed when the test ends.
func newSecServer(t *testing.T, useTLS bool, h http.HandlerFunc) *secServer {
	t.Helper()
	s := &secServer{}
	s.Server = httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.requests.Add(1)
		if r.Header.Get("apiKey") != "" || r.Header.Get("authToken") != "" {
			s.sawCred.Store(true)
		}
		if r.Header.Get("X-Injected") != "" {
			s.injected.Store(true)
		}
		h(w, r)
	}))
	// Refused handshakes and dropped connections are the point of these
	// tests: keep the server's complaints out of the test output.
	s.Config.ErrorLog = log.New(io.Discard, "", 0)
	s.Config.ConnState = func(_ net.Conn, st http.ConnState) {
		if st == http.StateNew {
			s.conns.Add(1)
		}
	}
	if useTLS {
		s.StartTLS()
	} else {
		s.Start()
	}
	t.Cleanup(s.Close)
	return s
}

// hostOptions points both hosts of a Client at s.
func (s *secServer) hostOptions() []Option {
	return []Option{WithAdminHost(s.URL + "/admin/v3.0"), WithClientHost(s.URL + "/client/v3.0")}
}

// cometchatHandler answers a token login and the /me calls like CometChat.
func cometchatHandler(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "application/json")
	switch {
	case r.Method == http.MethodPost && strings.HasSuffix(r.URL.Path, "/auth_tokens"):
		_ = json.NewEncoder(w).Encode(map[string]any{"data": map[string]any{"uid": testUID, "authToken": testToken}})
	case strings.HasSuffix(r.URL.Path, "/me"):
		_ = json.NewEncoder(w).Encode(map[string]any{"data": userJSON(testUID, "Andrew")})
	default:
		w.WriteHeader(http.StatusNotFound)
		_ = json.NewEncoder(w).Encode(map[string]any{"error": map[string]any{"code": "ERR_NOT_FOUND", "message": "no route"}})
	}
}

func TestSecurity_PlainHTTPOnlyToLoopback(t *testing.T) {
	t.Parallel()
	// Tricks beyond the cases of TestOptions_Invalid: none may yield a
	// plain-http base URL to anything but a loopback host.
	refused := []string{
		"http://0.0.0.0:8080/v3.0",
		"http://[::]:8080/v3.0",
		"http://169.254.169.254/latest",
		"http://127.0.0.1@evil.example/v3.0",
		"http://evil.example#@127.0.0.1/v3.0",
		"http://evil.example?@127.0.0.1/v3.0",
		"HTTP://EVIL.EXAMPLE/v3.0",
		"http://localhost.localdomain/v3.0",
		"http://localhost.evil.example/v3.0",
		"http://2130706433/v3.0",
		"http://0x7f000001/v3.0",
		"http://127.1/v3.0",
		"http://[fe80::1%25lo]/v3.0",
		"ws://127.0.0.1/v3.0",
		"file:///etc/passwd",
		"//127.0.0.1/v3.0",
		"http:127.0.0.1/v3.0",
		"https://user@example.com/v3.0",
		" http://127.0.0.1/v3.0",
	}
	for _, u := range refused {
		for name, opt := range map[string]Option{"admin": WithAdminHost(u), "client": WithClientHost(u)} {
			c, err := New(testAppID, "us", opt)
			assert.Nil(t, c, "%s %s", name, u)
			requireCode(t, err, CodeInvalidOption)
		}
		a, err := NewAdminClient(testAppID, "us", redactAPIKey, WithAdminHost(u))
		assert.Nil(t, a, u)
		requireCode(t, err, CodeInvalidOption)
	}

	// Plain http to 127.0.0.1 works end to end, as emulators need.
	srv := newSecServer(t, false, cometchatHandler)
	c, err := New(testAppID, "us", srv.hostOptions()...)
	require.NoError(t, err)
	defer c.Close()
	_, err = c.Login(context.Background(), testUID, testAuthKey)
	require.NoError(t, err)
	assert.Equal(t, int32(2), srv.requests.Load())
}

func TestSecurity_UntrustedCertificateIsRefused(t *testing.T) {
	t.Parallel()
	srv := newSecServer(t, true, cometchatHandler) // self-signed: not in any trust store
	tests := map[string][]Option{
		"SDK transport":          nil,
		"client without one":     {WithHTTPClient(&http.Client{Timeout: time.Minute})},
		"caller's default-TLS":   {WithHTTPClient(&http.Client{Transport: &http.Transport{}})},
		"caller's TLS 1.2+ only": {WithHTTPClient(&http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{MinVersion: tls.VersionTLS12}}})},
	}
	for name, opts := range tests {
		t.Run(name, func(t *testing.T) {
			// Default retries: a refused certificate is not retried either.
			c, err := New(testAppID, "us", append(srv.hostOptions(), opts...)...)
			require.NoError(t, err)
			defer c.Close()
			before := srv.conns.Load()

			_, err = c.Login(context.Background(), testUID, testAuthKey)
			e := requireCode(t, err, CodeNetwork)
			var certErr *tls.CertificateVerificationError
			assert.ErrorAs(t, err, &certErr, "the cause is the failed verification")
			assert.Zero(t, e.HTTPStatus)

			_, err = c.LoginWithAuthToken(context.Background(), testToken)
			requireCode(t, err, CodeNetwork)

			assert.Zero(t, srv.requests.Load(), "no request got past the handshake")
			assert.False(t, srv.sawCred.Load())
			assert.Equal(t, int32(2), srv.conns.Load()-before, "one handshake per call: never retried")
		})
	}
}

func TestSecurity_RedirectsAreNotFollowed(t *testing.T) {
	t.Parallel()
	// target records whatever reaches it; it must see nothing.
	target := newSecServer(t, false, cometchatHandler)
	for _, status := range []int{301, 302, 303, 307, 308} {
		for _, sameHost := range []bool{false, true} {
			name := fmt.Sprintf("%d same host %v", status, sameHost)
			t.Run(name, func(t *testing.T) {
				t.Parallel()
				var origin *secServer
				origin = newSecServer(t, false, func(w http.ResponseWriter, r *http.Request) {
					if strings.HasPrefix(r.URL.Path, "/moved") {
						cometchatHandler(w, r) // would log in, if followed
						return
					}
					to := target.URL + "/steal" + r.URL.Path
					if sameHost {
						to = origin.URL + "/moved" + r.URL.Path
					}
					http.Redirect(w, r, to, status)
				})
				// A caller's client that follows everything changes nothing.
				follow := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return nil }}
				for _, opts := range [][]Option{nil, {WithHTTPClient(follow)}} {
					c, err := New(testAppID, "us", append(origin.hostOptions(), opts...)...)
					require.NoError(t, err)
					_, err = c.Login(context.Background(), testUID, testAuthKey)
					e := requireCode(t, err, CodeInvalidResponse)
					assert.Equal(t, status, e.HTTPStatus)
					_, err = c.LoginWithAuthToken(context.Background(), testToken)
					requireCode(t, err, CodeInvalidResponse)
					require.NoError(t, c.Close())
				}
				a, err := NewAdminClient(testAppID, "us", redactAPIKey, origin.hostOptions()[0])
				require.NoError(t, err)
				_, err = a.GetUser(context.Background(), testUID)
				requireCode(t, err, CodeInvalidResponse)
				require.NoError(t, a.Close())

				assert.Equal(t, int32(5), origin.requests.Load(), "one request per call, none to the new location")
				assert.NotNil(t, follow.CheckRedirect, "the caller's client is not changed")
			})
		}
	}
	t.Cleanup(func() {
		assert.Zero(t, target.requests.Load(), "no request reached the redirect target")
		assert.False(t, target.sawCred.Load(), "no credential reached the redirect target")
	})
}

func TestSecurity_BodiesAreCappedAt1MiB(t *testing.T) {
	t.Parallel()
	// endless streams a body that never ends, counting what it could write.
	endless := func(status int, written *atomic.Int64) http.HandlerFunc {
		return func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(status)
			_, _ = io.WriteString(w, `{"data":{"uid":"`)
			chunk := []byte(strings.Repeat("x", 32<<10))
			for r.Context().Err() == nil {
				n, err := w.Write(chunk)
				written.Add(int64(n))
				if err != nil {
					return
				}
			}
		}
	}
	// sized answers a body of exactly n bytes with a Content-Length.
	sized := func(status, n int) http.HandlerFunc {
		return func(w http.ResponseWriter, r *http.Request) {
			if strings.HasSuffix(r.URL.Path, "/me") {
				cometchatHandler(w, r)
				return
			}
			head := `{"data":{"uid":"` + testUID + `","authToken":"` + testToken + `","pad":"`
			tail := `"}}`
			body := head + strings.Repeat("p", n-len(head)-len(tail)) + tail
			w.Header().Set("Content-Type", "application/json")
			w.Header().Set("Content-Length", strconv.Itoa(len(body)))
			w.WriteHeader(status)
			_, _ = io.WriteString(w, body)
		}
	}
	for _, status := range []int{200, 500} {
		t.Run(fmt.Sprintf("endless %d", status), func(t *testing.T) {
			t.Parallel()
			var written atomic.Int64
			srv := newSecServer(t, false, endless(status, &written))
			c, err := New(testAppID, "us", append(srv.hostOptions(), WithTimeout(20*time.Second))...)
			require.NoError(t, err)
			defer c.Close()
			_, err = c.Login(context.Background(), testUID, testAuthKey)
			e := requireCode(t, err, codeOfBadBody(status))
			assert.ErrorIs(t, err, ErrInvalidResponse)
			assert.Equal(t, status, e.HTTPStatus)
			assert.Contains(t, e.Message, "larger than 1 MiB")
			srv.Close() // waits for the handler: written is final
			// The server could write the 1 MiB read plus what the socket
			// buffers held before the SDK hung up; never the whole stream.
			assert.Less(t, written.Load(), int64(64<<20), "the SDK stopped reading at the cap")
		})
	}
	t.Run("exactly 1 MiB is read", func(t *testing.T) {
		t.Parallel()
		srv := newSecServer(t, false, sized(200, maxBodySize))
		c, err := New(testAppID, "us", srv.hostOptions()...)
		require.NoError(t, err)
		defer c.Close()
		_, err = c.Login(context.Background(), testUID, testAuthKey)
		require.NoError(t, err)
	})
	for _, status := range []int{200, 500} {
		t.Run(fmt.Sprintf("1 MiB + 1 byte, %d", status), func(t *testing.T) {
			t.Parallel()
			srv := newSecServer(t, false, sized(status, maxBodySize+1))
			c, err := New(testAppID, "us", srv.hostOptions()...)
			require.NoError(t, err)
			defer c.Close()
			_, err = c.Login(context.Background(), testUID, testAuthKey)
			e := requireCode(t, err, codeOfBadBody(status))
			assert.ErrorIs(t, err, ErrInvalidResponse)
			assert.Contains(t, e.Message, "larger than 1 MiB")
		})
	}
	t.Run("truncated body", func(t *testing.T) {
		t.Parallel()
		srv := newSecServer(t, false, func(w http.ResponseWriter, _ *http.Request) {
			w.Header().Set("Content-Length", "1000")
			_, _ = io.WriteString(w, `{"data":{"uid":`)
		})
		c, err := New(testAppID, "us", srv.hostOptions()...)
		require.NoError(t, err)
		defer c.Close()
		_, err = c.Login(context.Background(), testUID, testAuthKey)
		requireCode(t, err, CodeInvalidResponse)
	})
}

func TestSecurity_SlowBodyEndsWithTheAttemptTimeout(t *testing.T) {
	t.Parallel()
	srv := newSecServer(t, false, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = io.WriteString(w, `{"data":{"uid":"`)
		for r.Context().Err() == nil {
			if _, err := io.WriteString(w, "x"); err != nil {
				return
			}
			w.(http.Flusher).Flush()
			time.Sleep(20 * time.Millisecond)
		}
	})
	c, err := New(testAppID, "us", append(srv.hostOptions(), WithTimeout(300*time.Millisecond), WithRetries(0))...)
	require.NoError(t, err)
	defer c.Close()
	// A trickling body must not hold the call past its attempt timeout (a
	// hang would trip go test's own timeout): the call ends as a network
	// failure caused by that deadline.
	_, err = c.Login(context.Background(), testUID, testAuthKey)
	requireCode(t, err, CodeNetwork)
	assert.ErrorIs(t, err, context.DeadlineExceeded)
}

func TestSecurity_HeaderInjectionIsRefusedBeforeSending(t *testing.T) {
	t.Parallel()
	srv := newSecServer(t, false, cometchatHandler)
	c, err := New(testAppID, "us", srv.hostOptions()...)
	require.NoError(t, err)
	defer c.Close()
	a, err := NewAdminClient(testAppID, "us", redactAPIKey, srv.hostOptions()[0])
	require.NoError(t, err)
	defer a.Close()
	ctx := context.Background()
	inject := "\r\nX-Injected: 1"

	calls := []struct {
		name string
		code string
		call func() error
	}{}
	add := func(name, code string, call func() error) {
		calls = append(calls, struct {
			name string
			code string
			call func() error
		}{name, code, call})
	}
	for _, bad := range []string{inject, "\n", "\r", "\x00", "\x7f", "\u0085", "\t"} {
		q := strconv.Quote(bad)
		add("auth key with "+q, CodeAPIKeyNotFound, func() error { _, err := c.Login(ctx, testUID, testAuthKey+bad); return err })
		add("token with "+q, CodeAuthTokenWithSpace, func() error { _, err := c.LoginWithAuthToken(ctx, testToken+bad); return err })
		add("uid with "+q, "", func() error { _, err := c.Login(ctx, testUID+bad, testAuthKey); return err })
		add("revoked token with "+q, CodeAuthTokenWithSpace, func() error { return a.RevokeAuthToken(ctx, testUID, testToken+bad) })
		add("admin uid with "+q, "", func() error { _, err := a.GetUser(ctx, testUID+bad); return err })
		add("REST API key with "+q, CodeAPIKeyNotFound, func() error {
			_, err := NewAdminClient(testAppID, "us", redactAPIKey+bad, srv.hostOptions()[0])
			return err
		})
		add("user agent with "+q, CodeInvalidOption, func() error {
			_, err := New(testAppID, "us", append(srv.hostOptions(), WithUserAgent("app/1"+bad))...)
			return err
		})
		add("admin user agent with "+q, CodeInvalidOption, func() error {
			_, err := NewAdminClient(testAppID, "us", redactAPIKey, srv.hostOptions()[0], WithUserAgent("app/1"+bad))
			return err
		})
		add("app ID with "+q, CodeInvalidOption, func() error { _, err := New(testAppID+bad, "us", srv.hostOptions()...); return err })
	}
	for _, uid := range []string{"../admin", "a/b", "a%2Fb", "a?b=c", "a#b", "a;b", "ü", strings.Repeat("a", 101)} {
		add("path-bending uid "+strconv.Quote(uid), CodeInvalidUID, func() error { _, err := c.Login(ctx, uid, testAuthKey); return err })
		add("path-bending admin uid "+strconv.Quote(uid), CodeInvalidUID, func() error { return a.FlushAuthTokens(ctx, uid) })
	}
	for _, tt := range calls {
		err := tt.call()
		require.Error(t, err, tt.name)
		var e *Error
		require.ErrorAs(t, err, &e, tt.name)
		if tt.code != "" {
			assert.Equal(t, tt.code, e.Code, tt.name)
		} else {
			assert.Contains(t, []string{CodeInvalidUID, CodeUIDWithSpace}, e.Code, tt.name)
		}
		assertNoSecret(t, tt.name, err.Error(), testAuthKey, testToken, redactAPIKey)
	}
	assert.Zero(t, srv.requests.Load(), "no request was sent")
	assert.False(t, srv.injected.Load())

	// A token from the server is checked before it becomes a header.
	for _, tok := range []string{"tok" + inject, "tok en", "tok\x00", ""} {
		issuer := newSecServer(t, false, func(w http.ResponseWriter, r *http.Request) {
			if !strings.HasSuffix(r.URL.Path, "/auth_tokens") {
				cometchatHandler(w, r)
				return
			}
			w.Header().Set("Content-Type", "application/json")
			_ = json.NewEncoder(w).Encode(map[string]any{"data": map[string]any{"uid": testUID, "authToken": tok}})
		})
		c2, err := New(testAppID, "us", issuer.hostOptions()...)
		require.NoError(t, err)
		_, err = c2.Login(ctx, testUID, testAuthKey)
		requireCode(t, err, CodeInvalidResponse)
		assert.Equal(t, int32(1), issuer.requests.Load(), "the token request only: %q is never sent", tok)
		assert.False(t, issuer.injected.Load())
		require.NoError(t, c2.Close())
	}
}

// fixedStore is a SessionStore whose Load always answers the same thing.
type fixedStore struct {
	s   *Session
	err error
}

func (f fixedStore) Load(context.Context, string) (*Session, error) {
	if f.s == nil {
		return nil, f.err
	}
	c := *f.s
	return &c, f.err
}
func (fixedStore) Save(context.Context, *Session) error { return nil }
func (fixedStore) Delete(context.Context, string) error { return nil }

func TestSecurity_OddStoredSessionsAreNoSession(t *testing.T) {
	t.Parallel()
	u := User{UID: testUID, Name: "A"}
	stored := map[string]*Session{
		"(nil, nil)":         nil,
		"zero session":       {},
		"blank token":        {AppID: testAppID, User: u, AuthToken: "  "},
		"empty token":        {AppID: testAppID, User: u},
		"token with CRLF":    {AppID: testAppID, User: u, AuthToken: testToken + "\r\nX-Injected: 1"},
		"token with a space": {AppID: testAppID, User: u, AuthToken: "a b"},
		"token with NUL":     {AppID: testAppID, User: u, AuthToken: "a\x00b"},
		"other app":          {AppID: "otherapp", User: u, AuthToken: testToken},
		"no uid":             {AppID: testAppID, User: User{Name: "A"}, AuthToken: testToken},
	}
	for name, s := range stored {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			c, mt := setup(t, WithSessionStore(fixedStore{s: s}))
			ctx := context.Background()
			user, err := c.GetLoggedInUser(ctx)
			assert.NoError(t, err)
			assert.Nil(t, user)
			assert.False(t, c.IsUserLoggedIn(ctx))
			_, err = c.GetUserAuthToken(ctx)
			requireCode(t, err, CodeNoUserLoggedIn)
			_, err = c.ValidateSession(ctx)
			requireCode(t, err, CodeNoUserLoggedIn)
			requireCode(t, c.Logout(ctx), CodeNoUserLoggedIn)
			assert.Zero(t, mt.GetTotalCallCount(), "nothing is sent with a stored session the SDK refused")

			// A login over it works (the store's Save succeeds, its Load
			// keeps answering the odd value; the Client trusts memory).
			mockLogin(mt, testUID, "A", testToken)
			_, err = c.Login(ctx, testUID, testAuthKey)
			require.NoError(t, err)
			assert.True(t, c.IsUserLoggedIn(ctx))
		})
	}
}

func TestSecurity_NilInputsNeverPanic(t *testing.T) {
	t.Parallel()
	var nilCtx context.Context
	c, mt := loggedIn(t)
	c.AddLoginListener("empty", LoginListener{}) // every field nil

	// nil context, with and without callbacks, on a logged-in client.
	var cc callbackCounter
	wait(t, c.LoginAsync(nilCtx, testUID, testAuthKey, cc.onUser, cc.onError))
	wait(t, c.LoginWithAuthTokenAsync(nilCtx, testToken, cc.onUser, cc.onError))
	wait(t, c.LogoutAsync(nilCtx, cc.onMsg, cc.onError))
	wait(t, c.GetLoggedInUserAsync(nilCtx, cc.onUser, cc.onError))
	assert.Equal(t, int32(0), cc.success.Load())
	assert.Equal(t, int32(4), cc.failure.Load())
	assert.Equal(t, CodeInvalidArgument, cc.err.Load().Code)
	wait(t, c.LoginAsync(nilCtx, testUID, testAuthKey, nil, nil))
	wait(t, c.LoginWithAuthTokenAsync(nilCtx, testToken, nil, nil))
	wait(t, c.LogoutAsync(nilCtx, nil, nil))
	wait(t, c.GetLoggedInUserAsync(nilCtx, nil, nil))
	_, err := c.GetUserAuthToken(nilCtx)
	requireCode(t, err, CodeInvalidArgument)
	_, err = c.ValidateSession(nilCtx)
	requireCode(t, err, CodeInvalidArgument)
	requireCode(t, c.Logout(nilCtx), CodeInvalidArgument)
	assert.True(t, c.IsUserLoggedIn(context.Background()), "nothing happened to the session")
	assert.Equal(t, 2, mt.GetTotalCallCount(), "only the first login was sent")

	// Every listener event with an all-nil listener registered.
	ctx := context.Background()
	mt.RegisterResponder(http.MethodGet, meURL, errorResponder(401, CodeAuthTokenNotFound, "gone"))
	_, err = c.ValidateSession(ctx) // forced logout
	requireCode(t, err, CodeAuthTokenNotFound)
	_, err = c.Login(ctx, "", "")
	requireCode(t, err, CodeInvalidUID)
	_, err = c.Login(ctx, testUID, testAuthKey)
	require.NoError(t, err)
	mt.RegisterResponder(http.MethodDelete, meURL, errorResponder(500, "ERR", "no"))
	requireCode(t, c.Logout(ctx), CodeLogoutFail)

	// nil ctx on the AdminClient and on the stores used directly.
	a, err := NewAdminClient(testAppID, "us", redactAPIKey, WithAdminHost(adminBase))
	require.NoError(t, err)
	defer a.Close()
	_, err = a.CreateAuthToken(nilCtx, testUID, nil)
	requireCode(t, err, CodeInvalidArgument)
	_, err = a.ListAuthTokens(nilCtx, testUID)
	requireCode(t, err, CodeInvalidArgument)
	for name, store := range map[string]SessionStore{"memory": NewMemoryStore(), "file": NewFileStore(t.TempDir() + "/s.json")} {
		noPanic(t, name+" store", func() {
			_, err := store.Load(nilCtx, testAppID)
			assert.ErrorIs(t, err, ErrInvalidArgument, name)
			assert.ErrorIs(t, store.Save(nilCtx, &Session{AppID: testAppID, User: User{UID: testUID}, AuthToken: testToken}), ErrInvalidArgument, name)
			assert.ErrorIs(t, store.Delete(nilCtx, testAppID), ErrInvalidArgument, name)
		})
	}
}

func TestSecurity_ClosedClientNeverPanics(t *testing.T) {
	t.Parallel()
	c, mt := loggedIn(t)
	require.NoError(t, c.Close())
	ctx := context.Background()
	var cc callbackCounter
	wait(t, c.LoginAsync(ctx, testUID, testAuthKey, cc.onUser, cc.onError))
	wait(t, c.LoginWithAuthTokenAsync(ctx, testToken, cc.onUser, cc.onError))
	wait(t, c.LogoutAsync(ctx, cc.onMsg, cc.onError))
	wait(t, c.GetLoggedInUserAsync(ctx, cc.onUser, cc.onError))
	var nilCtx context.Context
	wait(t, c.LoginAsync(nilCtx, testUID, testAuthKey, nil, nil))
	wait(t, c.LogoutAsync(ctx, nil, nil))
	assert.Equal(t, int32(4), cc.failure.Load())
	assert.Equal(t, CodeClientClosed, cc.err.Load().Code)
	c.AddLoginListener("late", LoginListener{})
	c.RemoveLoginListener("late")
	c.RemoveLoginListener("never added")
	require.NoError(t, c.Close())
	assert.Equal(t, 2, mt.GetTotalCallCount())
}

// TestSecurity_CloseLeavesNoGoroutine runs real keep-alive connections and
// async calls, and checks that Close alone (the server still running)
// leaves no goroutine behind: no async call, and no connection on either
// side, since Close releases the SDK's idle connections. It is not
// parallel: it compares the goroutines before and after.
func TestSecurity_CloseLeavesNoGoroutine(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(cometchatHandler))
	defer srv.Close()
	before := goleak.IgnoreCurrent() // the server's accept loop, among others
	hosts := []Option{WithAdminHost(srv.URL + "/admin/v3.0"), WithClientHost(srv.URL + "/client/v3.0")}

	c, err := New(testAppID, "us", hosts...)
	require.NoError(t, err)
	ctx := context.Background()
	var dones []<-chan struct{}
	for i := 0; i < 20; i++ {
		dones = append(dones,
			c.LoginAsync(ctx, testUID, testAuthKey, nil, nil),
			c.GetLoggedInUserAsync(ctx, nil, nil),
			c.LoginWithAuthTokenAsync(ctx, testToken, nil, nil),
		)
	}
	a, err := NewAdminClient(testAppID, "us", redactAPIKey, hosts[0])
	require.NoError(t, err)
	_, err = a.CreateAuthToken(ctx, testUID, nil)
	require.NoError(t, err)

	require.NoError(t, c.Close()) // waits for the SDK's work of every async call
	require.NoError(t, a.Close())
	// Close never waits for callbacks: each async goroutine ends once its
	// (nil) callback has returned and its channel is closed.
	for _, d := range dones {
		<-d
	}
	goleak.VerifyNone(t, before)
}

// codeOfBadBody is the code of an answer without a usable envelope: the
// server is unavailable on a 5xx, the answer invalid otherwise.
func codeOfBadBody(status int) string {
	if status >= 500 {
		return CodeServerUnavailable
	}
	return CodeInvalidResponse
}

// hostileBodies are answers a broken or malicious server could send.
func hostileBodies() map[string]string {
	deep := func(n int, open, close string) string { return strings.Repeat(open, n) + strings.Repeat(close, n) }
	user := func(field, value string) string {
		return `{"data":{"uid":"` + testUID + `","authToken":"` + testToken + `","name":"A",` + strconv.Quote(field) + `:` + value + `}}`
	}
	bodies := map[string]string{
		"nesting past the decoder's limit":  `{"data":` + deep(20000, "[", "]") + `}`,
		"deep data":                         `{"data":` + deep(9000, `{"a":`, "}") + `}`,
		"deep metadata":                     user("metadata", strings.Repeat(`{"a":`, 9000)+"1"+strings.Repeat("}", 9000)),
		"deep error details":                `{"error":{"code":"ERR_X","message":"m","details":` + deep(9000, "[", "]") + `}}`,
		"huge number":                       user("createdAt", "1e400"),
		"huge integer":                      user("lastActiveAt", strings.Repeat("9", 400)),
		"negative huge":                     user("createdAt", "-1e308"),
		"float for int":                     user("createdAt", "1.5"),
		"data and error in a 2xx":           `{"data":{"uid":"` + testUID + `","authToken":"` + testToken + `"},"error":{"code":"ERR_X","message":"both"}}`,
		"error of the wrong type":           `{"error":"a string"}`,
		"error as an array":                 `{"error":[1,2]}`,
		"error code as a number":            `{"error":{"code":42,"message":"m"}}`,
		"error without code":                `{"error":{"message":"m"}}`,
		"empty error":                       `{"error":{}}`,
		"null error and data":               `{"error":null,"data":null}`,
		"data as array":                     `{"data":[]}`,
		"data as number":                    `{"data":7}`,
		"empty object":                      `{}`,
		"null":                              `null`,
		"unicode everywhere":                `{"data":{"uid":"` + testUID + `","authToken":"` + testToken + `","name":"\u202eZalgo\u0301\u0301 😀 \ud800","tags":["\u0000","\uffff"]}}`,
		"NUL in strings":                    `{"data":{"uid":"a\u0000b","authToken":"t\u0000t","name":"\u0000"}}`,
		"raw NUL byte":                      "{\"data\":{\"uid\":\"a\x00b\"}}",
		"invalid UTF-8":                     "{\"data\":{\"uid\":\"\xff\xfe\",\"authToken\":\"\xc3\x28\"}}",
		"BOM":                               "\xef\xbb\xbf{\"data\":{}}",
		"duplicate keys":                    `{"data":{"uid":"a","uid":"` + testUID + `","authToken":"x","authToken":"` + testToken + `"}}`,
		"token with CRLF":                   `{"data":{"uid":"` + testUID + `","authToken":"a\r\nX-Injected: 1"}}`,
		"pagination out of range":           `{"data":[],"meta":{"pagination":{"current_page":1,"total_pages":1e12}}}`,
		"pagination negative":               `{"data":[{"uid":"a","authToken":"t"}],"meta":{"pagination":{"current_page":1,"total_pages":-5}}}`,
		"pagination wrong page":             `{"data":[],"meta":{"pagination":{"current_page":7,"total_pages":9}}}`,
		"pagination of wrong type":          `{"data":[],"meta":{"pagination":"x"}}`,
		"list of nulls":                     `{"data":[null,null],"meta":{"pagination":{"current_page":1,"total_pages":1}}}`,
		"list of wrong items":               `{"data":[1,"a",[]],"meta":{"pagination":{"current_page":1,"total_pages":1}}}`,
		"many keys":                         `{"data":{` + strings.Repeat(`"k":1,`, 50000) + `"uid":"` + testUID + `"}}`,
		"long string":                       `{"data":{"uid":"` + strings.Repeat("u", 900000) + `"}}`,
		"trailing data after valid":         `{"data":{"uid":"` + testUID + `"}}{"error":{"code":"X"}}`,
		"whitespace only":                   " \n\t ",
		"HTML":                              "<html><script>alert(1)</script></html>",
		"error message quoting control":     `{"error":{"code":"ERR\r\nX","message":"\u001b[31mred\u0007"}}`,
		"error with details of every shape": `{"error":{"code":"ERR_X","message":"m","details":{"a":[1,"b",null,true,{"c":1e300}],"":""}}}`,
	}
	for _, field := range []string{"uid", "name", "avatar", "status", "role", "link", "statusMessage", "metadata", "tags", "lastActiveAt", "createdAt", "authToken"} {
		for kind, value := range map[string]string{"number": "12", "bool": "true", "array": "[1]", "object": `{"a":1}`, "null": "null", "string": `"s"`} {
			bodies["user "+field+" as "+kind] = user(field, value)
		}
	}
	return bodies
}

// hostileOp is one SDK call, run against a Client (logged in first unless
// it is a login) or an AdminClient whose every answer is hostile.
type hostileOp struct {
	name string
	// setup registers the answers; hostile answers what is under test.
	setup func(mt *httpmock.MockTransport, hostile httpmock.Responder)
	run   func(context.Context, *Client, *AdminClient) (any, error)
}

func hostileOps() []hostileOp {
	goodToken := dataResponder(200, map[string]any{"uid": testUID, "authToken": testToken})
	everything := func(mt *httpmock.MockTransport, hostile httpmock.Responder) {
		mt.RegisterNoResponder(hostile)
		mt.RegisterResponder(http.MethodGet, meURL, hostile)
		mt.RegisterResponder(http.MethodDelete, meURL, hostile)
		mt.RegisterResponder(http.MethodPut, meURL, hostile) // testToken2 matches no matcher
	}
	return []hostileOp{
		{"Login, token step", func(mt *httpmock.MockTransport, h httpmock.Responder) {
			mt.RegisterResponder(http.MethodPost, tokenURL, h)
		}, func(ctx context.Context, c *Client, _ *AdminClient) (any, error) {
			return c.Login(ctx, testUID, testAuthKey)
		}},
		{"Login, /me step", func(mt *httpmock.MockTransport, h httpmock.Responder) {
			mt.RegisterResponder(http.MethodPost, tokenURL, goodToken)
			mt.RegisterResponder(http.MethodPut, meURL, h)
		}, func(ctx context.Context, c *Client, _ *AdminClient) (any, error) {
			return c.Login(ctx, testUID, testAuthKey)
		}},
		{"LoginWithAuthToken over a session", everything, func(ctx context.Context, c *Client, _ *AdminClient) (any, error) {
			return c.LoginWithAuthToken(ctx, testToken2)
		}},
		{"ValidateSession", everything, func(ctx context.Context, c *Client, _ *AdminClient) (any, error) { return c.ValidateSession(ctx) }},
		{"Logout", everything, func(ctx context.Context, c *Client, _ *AdminClient) (any, error) { return nil, c.Logout(ctx) }},
		{"CreateUser", nil, func(ctx context.Context, _ *Client, a *AdminClient) (any, error) {
			return a.CreateUser(ctx, NewUser{UID: testUID, Name: "A"})
		}},
		{"GetUser", nil, func(ctx context.Context, _ *Client, a *AdminClient) (any, error) { return a.GetUser(ctx, testUID) }},
		{"DeleteUser", nil, func(ctx context.Context, _ *Client, a *AdminClient) (any, error) {
			return nil, a.DeleteUser(ctx, testUID, nil)
		}},
		{"CreateAuthToken", nil, func(ctx context.Context, _ *Client, a *AdminClient) (any, error) {
			return a.CreateAuthToken(ctx, testUID, nil)
		}},
		{"ListAuthTokens", nil, func(ctx context.Context, _ *Client, a *AdminClient) (any, error) {
			return a.ListAuthTokens(ctx, testUID)
		}},
		{"RevokeAuthToken", nil, func(ctx context.Context, _ *Client, a *AdminClient) (any, error) {
			return nil, a.RevokeAuthToken(ctx, testUID, testToken)
		}},
		{"FlushAuthTokens", nil, func(ctx context.Context, _ *Client, a *AdminClient) (any, error) {
			return nil, a.FlushAuthTokens(ctx, testUID)
		}},
	}
}

// runHostile runs op against answers from hostile and checks the outcome:
// no panic, no hang, either a value or an *Error with a code.
func runHostile(t *testing.T, where string, op hostileOp, hostile httpmock.Responder, timeout time.Duration) {
	t.Helper()
	var c *Client
	var a *AdminClient
	if op.setup != nil {
		var mt *httpmock.MockTransport
		c, mt = setup(t, WithRetries(1))
		if !strings.HasPrefix(op.name, "Login,") {
			mockLogin(mt, testUID, "A", testToken)
			_, err := c.Login(context.Background(), testUID, testAuthKey)
			require.NoError(t, err)
		}
		op.setup(mt, hostile)
	} else {
		amt := httpmock.NewMockTransport()
		amt.RegisterNoResponder(hostile)
		var err error
		a, err = NewAdminClient(testAppID, "us", redactAPIKey, WithHTTPClient(&http.Client{Transport: amt}), WithAdminHost(adminBase), WithRetries(1))
		require.NoError(t, err)
		defer a.Close()
	}
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	// ctx bounds the call; a hang would trip go test's own timeout.
	var (
		v   any
		err error
	)
	noPanic(t, where, func() { v, err = op.run(ctx, c, a) })
	if err != nil {
		var e *Error
		if assert.ErrorAs(t, err, &e, where) {
			assert.NotEmpty(t, e.Code, where)
			assert.GreaterOrEqual(t, e.RetryAfter, time.Duration(0), where)
			assert.LessOrEqual(t, e.RetryAfter, maxRetryAfter, where)
			noPanic(t, where+" printing", func() { _ = fmt.Sprintf("%v %+v %#v %s", e, e, e.Details, e) })
		}
		assert.True(t, isNilValue(v), "%s: a value with an error", where)
	} else {
		noPanic(t, where+" printing", func() { _ = fmt.Sprintf("%v %+v %#v", v, v, v) })
	}
	if c != nil {
		noPanic(t, where+" afterwards", func() {
			_, _ = c.GetLoggedInUser(context.Background())
			_ = c.IsUserLoggedIn(context.Background())
		})
	}
}

func TestSecurity_HostileAnswersNeverPanic(t *testing.T) {
	t.Parallel()
	for name, body := range hostileBodies() {
		for _, status := range []int{200, 500} {
			hostile := rawResponder(status, "application/json", body)
			for _, op := range hostileOps() {
				runHostile(t, fmt.Sprintf("%s, HTTP %d, %s", op.name, status, name), op, hostile, 5*time.Second)
			}
		}
	}
}

func TestSecurity_HostileRetryAfterNeverHangs(t *testing.T) {
	t.Parallel()
	ops := hostileOps()
	for i, ra := range []string{"99999999999999999999", "-1", "-9223372036854775808", "9223372036854775807",
		"Fri, 31 Dec 9999 23:59:59 GMT", "Mon, 01 Jan 0001 00:00:00 GMT", "0", "1e9", " 5", "abc", strings.Repeat("9", 10000)} {
		status := []int{429, 503}[i%2]
		t.Run(fmt.Sprintf("%.30q", ra), func(t *testing.T) {
			t.Parallel()
			hostile := func(*http.Request) (*http.Response, error) {
				resp := httpmock.NewStringResponse(status, `{"error":{"code":"ERR_TOO_MANY_REQUESTS","message":"slow down"}}`)
				resp.Header.Set("Content-Type", "application/json")
				resp.Header.Set("Retry-After", ra)
				return resp, nil
			}
			// A login's first step, a call on a session, an admin call.
			for _, op := range []hostileOp{ops[0], ops[3], ops[8]} {
				runHostile(t, fmt.Sprintf("%s, HTTP %d", op.name, status), op, hostile, 2*time.Second)
			}
		})
	}
}

// noPanic runs fn, turning a panic into a failure named where.
func noPanic(t *testing.T, where string, fn func()) {
	t.Helper()
	defer func() {
		if r := recover(); r != nil {
			t.Errorf("%s: panic: %v", where, r)
		}
	}()
	fn()
}

// isNilValue reports whether v is nil or holds a nil pointer or slice (an
// any that wraps a typed nil is not == nil).
func isNilValue(v any) bool {
	switch v := v.(type) {
	case nil:
		return true
	case *User:
		return v == nil
	case *AuthToken:
		return v == nil
	case []AuthToken:
		return v == nil
	}
	return false
}

// TestSecurity_TransportErrorsOfOddShapes feeds the scrubber transport
// errors a hostile or buggy RoundTripper could return.
func TestSecurity_TransportErrorsOfOddShapes(t *testing.T) {
	t.Parallel()
	shapes := map[string]error{
		"url.Error without a cause":   &url.Error{Op: "Get", URL: meURL + "?authToken=" + testToken},
		"url.Error in a url.Error":    &url.Error{Op: "Get", URL: testToken, Err: &url.Error{Op: "x", URL: testToken}},
		"joined errors quoting":       errors.Join(errors.New("a"), fmt.Errorf("b %s", testToken)),
		"joined with a nil":           errors.Join(nil, &opaqueError{cause: errors.New(testToken)}),
		"opaque with a nil cause":     &opaqueError{},
		"net.OpError without an Err":  &net.OpError{Op: "dial", Net: "tcp"},
		"net.OpError quoting a token": &net.OpError{Op: "read", Net: "tcp", Err: errors.New(testToken)},
	}
	for name, shape := range shapes {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			c, mt := setup(t, WithRetries(0))
			mt.RegisterResponder(http.MethodPut, meURL, httpmock.NewErrorResponder(shape))
			var err error
			func() {
				defer func() {
					if r := recover(); r != nil {
						t.Errorf("panic: %v\n%s", r, debug.Stack())
					}
				}()
				_, err = c.LoginWithAuthToken(context.Background(), testToken)
			}()
			requireCode(t, err, CodeNetwork)
			for e := err; e != nil; e = errors.Unwrap(e) {
				assertNoSecret(t, "error chain", fmt.Sprintf("%v %+v", e, e), testToken)
			}
		})
	}
}
