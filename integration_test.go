package cometchatcalls_test

// Integration tests: the SDK over real HTTP (and TLS) against the emulator.
// They repeat the key httpmock unit tests end to end, so the two agree.

import (
	"context"
	"crypto/tls"
	"errors"
	"net/http"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/cometchat-go/cometchatcalls"
	"github.com/cometchat-go/cometchatcalls/cometchatcallstest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"
)

// newEmulated starts an emulator and a Client pointed at it, both closed
// when the test ends.
func newEmulated(t *testing.T, srvOpts []cometchatcallstest.ServerOption, opts ...cometchatcalls.Option) (*cometchatcallstest.Server, *cometchatcalls.Client) {
	t.Helper()
	srv := emulator(t, srvOpts...)
	return srv, clientFor(t, srv, opts...)
}

// overHTTPAndTLS runs test in two parallel subtests, "http" and "tls",
// each against its own emulator and Client.
func overHTTPAndTLS(t *testing.T, test func(t *testing.T, srv *cometchatcallstest.Server, c *cometchatcalls.Client)) {
	for name, srvOpts := range map[string][]cometchatcallstest.ServerOption{
		"http": nil,
		"tls":  {cometchatcallstest.WithTLS()},
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			srv, c := newEmulated(t, srvOpts)
			wantScheme := map[string]string{"http": "http://", "tls": "https://"}[name]
			require.True(t, strings.HasPrefix(srv.URL(), wantScheme), "the emulator serves %s", name)
			test(t, srv, c)
		})
	}
}

func TestEmulator_FullFlow(t *testing.T) {
	t.Parallel()
	overHTTPAndTLS(t, func(t *testing.T, srv *cometchatcallstest.Server, c *cometchatcalls.Client) {
		ctx := context.Background()

		u, err := c.GetLoggedInUser(ctx)
		require.NoError(t, err)
		assert.Nil(t, u)

		u, err = c.Login(ctx, "cometchat-uid-1", srv.AuthKey())
		require.NoError(t, err)
		assert.Equal(t, "Andrew Joseph", u.Name)
		assert.Equal(t, cometchatcalls.StatusOnline, u.Status)
		assert.Equal(t, "https://assets.cometchat.io/sampleapp/v2/users/cometchat-uid-1.webp", u.Avatar)
		assert.Positive(t, u.CreatedAt)

		reqs := srv.Requests()
		require.Len(t, reqs, 2)
		assert.Equal(t, "POST", reqs[0].Method)
		assert.Equal(t, "/admin/v3.0/users/cometchat-uid-1/auth_tokens", reqs[0].Path)
		assert.Equal(t, cometchatcallstest.CredentialAuthKey, reqs[0].Credential)
		assert.Equal(t, "PUT", reqs[1].Method)
		assert.Equal(t, "/client/v3.0/me", reqs[1].Path)
		assert.Equal(t, cometchatcallstest.CredentialAuthToken, reqs[1].Credential)
		assert.JSONEq(t, string(reqs[0].Body), string(reqs[1].Body), "the same login body on both")

		tok, err := c.GetUserAuthToken(ctx)
		require.NoError(t, err)
		assert.True(t, strings.HasPrefix(tok, "cometchat-uid-1_"), "a real-looking token")

		u, err = c.ValidateSession(ctx)
		require.NoError(t, err)
		assert.Equal(t, "cometchat-uid-1", u.UID)

		require.NoError(t, c.Logout(ctx))
		assert.Empty(t, srv.AuthTokens("cometchat-uid-1"), "DELETE /me revoked the token")

		issued, err := srv.IssueAuthToken("cometchat-uid-4")
		require.NoError(t, err)
		u, err = c.LoginWithAuthToken(ctx, issued)
		require.NoError(t, err)
		assert.Equal(t, "Susan Marie", u.Name)
		assert.LessOrEqual(t, srv.ConnectionCount(), 2, "connections are reused")
	})
}

func TestEmulator_ServerErrorsKeepCodes(t *testing.T) {
	t.Parallel()
	srv, c := newEmulated(t, nil)
	ctx := context.Background()

	_, err := c.Login(ctx, "nobody", srv.AuthKey())
	assert.ErrorIs(t, err, cometchatcalls.ErrUIDNotFound)

	_, err = c.Login(ctx, "cometchat-uid-1", "wrong-key-0123456789")
	assert.ErrorIs(t, err, cometchatcalls.ErrAPIKeyInvalid)
	assert.NotContains(t, err.Error(), "wrong-key-0123456789")

	_, err = c.LoginWithAuthToken(ctx, "cometchat-uid-1_1700000000deadbeef")
	assert.ErrorIs(t, err, cometchatcalls.ErrAuthTokenNotFound)
	assert.NotContains(t, err.Error(), "deadbeef")

	require.NoError(t, srv.DeactivateUser("cometchat-uid-5"))
	_, err = c.Login(ctx, "cometchat-uid-5", srv.AuthKey())
	assert.ErrorIs(t, err, cometchatcalls.ErrUIDNotFound)

	wrongApp, err := cometchatcalls.New("otherapp", "us", srv.ClientOptions()...)
	require.NoError(t, err)
	defer wrongApp.Close()
	_, err = wrongApp.Login(ctx, "cometchat-uid-1", srv.AuthKey())
	requireCodeOf(t, err, "AUTH_ERR_INVALID_APPID")
}

func TestEmulator_Faults(t *testing.T) {
	t.Parallel()
	ctx := context.Background()

	t.Run("HTML 502 then success is retried", func(t *testing.T) {
		t.Parallel()
		srv, c := newEmulated(t, nil)
		srv.FailNext(1, cometchatcallstest.FaultHTML502())
		_, err := c.Login(ctx, "cometchat-uid-1", srv.AuthKey())
		require.NoError(t, err)
		assert.Len(t, srv.Requests(), 3)
	})
	t.Run("truncated JSON is an invalid response", func(t *testing.T) {
		t.Parallel()
		srv, c := newEmulated(t, nil)
		srv.FailNext(1, cometchatcallstest.FaultTruncatedJSON())
		_, err := c.Login(ctx, "cometchat-uid-1", srv.AuthKey())
		assert.ErrorIs(t, err, cometchatcalls.ErrInvalidResponse)
	})
	t.Run("429 with Retry-After past the deadline fails fast", func(t *testing.T) {
		t.Parallel()
		srv, c := newEmulated(t, nil)
		srv.FailNext(1, cometchatcallstest.Fault429("60"))
		dctx, cancel := context.WithTimeout(ctx, 5*time.Second)
		defer cancel()
		_, err := c.Login(dctx, "cometchat-uid-1", srv.AuthKey())
		var e *cometchatcalls.Error
		require.ErrorAs(t, err, &e)
		assert.Equal(t, cometchatcalls.CodeTooManyRequests, e.Code)
		assert.Equal(t, time.Minute, e.RetryAfter)
		assert.Len(t, srv.Requests(), 1)
	})
	t.Run("disconnect is a network error", func(t *testing.T) {
		t.Parallel()
		srv, c := newEmulated(t, nil, cometchatcalls.WithRetries(0))
		srv.FailNext(1, cometchatcallstest.FaultDisconnect())
		_, err := c.Login(ctx, "cometchat-uid-1", srv.AuthKey())
		assert.ErrorIs(t, err, cometchatcalls.ErrNetwork)
	})
	t.Run("latency beyond the per-attempt timeout", func(t *testing.T) {
		t.Parallel()
		srv, c := newEmulated(t, nil, cometchatcalls.WithTimeout(50*time.Millisecond), cometchatcalls.WithRetries(0))
		srv.SetLatency(time.Second)
		_, err := c.Login(ctx, "cometchat-uid-1", srv.AuthKey())
		assert.ErrorIs(t, err, cometchatcalls.ErrNetwork)
		assert.ErrorIs(t, err, context.DeadlineExceeded)
	})
	t.Run("connection refused is retried, then reported", func(t *testing.T) {
		t.Parallel()
		srv := cometchatcallstest.NewServer()
		opts := srv.ClientOptions()
		srv.Close() // nothing listens any more
		c, err := cometchatcalls.New(srv.AppID(), srv.Region(), opts...)
		require.NoError(t, err)
		defer c.Close()
		_, err = c.Login(ctx, "cometchat-uid-1", srv.AuthKey())
		assert.ErrorIs(t, err, cometchatcalls.ErrNetwork)
	})
}

func TestEmulator_LoginInProgress(t *testing.T) {
	t.Parallel()
	srv, c := newEmulated(t, nil)
	ctx := context.Background()
	release := srv.Hold()
	var wg sync.WaitGroup
	wg.Add(1)
	var first error
	go func() {
		defer wg.Done()
		_, first = c.Login(ctx, "cometchat-uid-1", srv.AuthKey())
	}()
	require.NoError(t, srv.WaitHeld(ctx, 1))
	_, err := c.Login(ctx, "cometchat-uid-2", srv.AuthKey())
	assert.ErrorIs(t, err, cometchatcalls.ErrLoginInProgress)
	assert.ErrorIs(t, c.Logout(ctx), cometchatcalls.ErrLoginInProgress)
	release()
	wg.Wait()
	require.NoError(t, first)
}

func TestEmulator_RevokedTokenEndsSession(t *testing.T) {
	t.Parallel()
	store := cometchatcalls.NewFileStore(filepath.Join(t.TempDir(), "s.json"))
	srv, c := newEmulated(t, nil, cometchatcalls.WithSessionStore(store))
	ctx := context.Background()
	_, err := c.Login(ctx, "cometchat-uid-1", srv.AuthKey())
	require.NoError(t, err)
	loggedOut := 0
	c.AddLoginListener("l", cometchatcalls.LoginListener{OnLogoutSuccess: func() { loggedOut++ }})

	require.NoError(t, srv.RevokeAllAuthTokens("cometchat-uid-1"))
	_, err = c.ValidateSession(ctx)
	assert.ErrorIs(t, err, cometchatcalls.ErrAuthTokenNotFound)
	assert.Equal(t, 1, loggedOut)
	assert.False(t, c.IsUserLoggedIn(ctx))
	s, err := store.Load(ctx, srv.AppID())
	require.NoError(t, err)
	assert.Nil(t, s, "the stored session is gone too")
}

func TestEmulator_RestoreFromFileStoreWithoutRequests(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "s.json")
	srv := cometchatcallstest.NewServer()
	defer srv.Close()
	ctx := context.Background()
	open := func() *cometchatcalls.Client {
		c, err := cometchatcalls.New(srv.AppID(), srv.Region(),
			append(srv.ClientOptions(), cometchatcalls.WithSessionStore(cometchatcalls.NewFileStore(path)))...)
		require.NoError(t, err)
		return c
	}
	first := open()
	_, err := first.Login(ctx, "cometchat-uid-2", srv.AuthKey())
	require.NoError(t, err)
	require.NoError(t, first.Close())

	srv.ResetRequests()
	second := open()
	defer second.Close()
	u, err := second.GetLoggedInUser(ctx)
	require.NoError(t, err)
	require.NotNil(t, u)
	assert.Equal(t, "George Alan", u.Name)
	_, err = second.Login(ctx, "cometchat-uid-2", srv.AuthKey())
	require.NoError(t, err)
	assert.Empty(t, srv.Requests(), "restore and same-user login send nothing")
	u, err = second.ValidateSession(ctx)
	require.NoError(t, err, "the restored token still works")
	assert.Equal(t, "cometchat-uid-2", u.UID)
}

func TestEmulator_TLSNeedsTrust(t *testing.T) {
	t.Parallel()
	srv := cometchatcallstest.NewServer(cometchatcallstest.WithTLS())
	defer srv.Close()
	// Point at the server without its trusting client: verification fails.
	c, err := cometchatcalls.New(srv.AppID(), srv.Region(),
		cometchatcalls.WithAdminHost(srv.AdminURL()), cometchatcalls.WithClientHost(srv.ClientURL()),
		cometchatcalls.WithRetries(0))
	require.NoError(t, err)
	defer c.Close()
	_, err = c.Login(context.Background(), "cometchat-uid-1", srv.AuthKey())
	assert.ErrorIs(t, err, cometchatcalls.ErrNetwork)
	assert.Empty(t, srv.Requests(), "no request got through an untrusted handshake")
}

func TestEmulator_ManyClientsShareOneHTTPClient(t *testing.T) {
	t.Parallel()
	srv := cometchatcallstest.NewServer()
	defer srv.Close()
	hc := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 8}}
	defer hc.CloseIdleConnections()
	ctx := context.Background()
	var wg sync.WaitGroup
	// One uid per client: without "force", CometChat hands every login of a
	// uid the same token, so one client's logout would end the others'.
	for i := 1; i <= 5; i++ {
		uid := "cometchat-uid-" + string(rune('0'+i))
		wg.Add(1)
		go func() {
			defer wg.Done()
			c, err := cometchatcalls.New(srv.AppID(), srv.Region(),
				append(srv.ClientOptions(), cometchatcalls.WithHTTPClient(hc))...)
			if !assert.NoError(t, err) {
				return
			}
			defer c.Close()
			for j := 0; j < 10; j++ {
				_, err := c.Login(ctx, uid, srv.AuthKey())
				assert.NoError(t, err)
				assert.NoError(t, c.Logout(ctx))
			}
		}()
	}
	wg.Wait()
	assert.LessOrEqual(t, srv.ConnectionCount(), 10, "150 requests, a handful of pooled connections")
}

func TestEmulator_UnverifiedTLSIsRefused(t *testing.T) {
	t.Parallel()
	srv := cometchatcallstest.NewServer(cometchatcallstest.WithTLS())
	defer srv.Close()
	insecure := &http.Transport{TLSClientConfig: &tls.Config{InsecureSkipVerify: true}} //nolint:gosec // the SDK must refuse it
	defer insecure.CloseIdleConnections()
	c, err := cometchatcalls.New(srv.AppID(), srv.Region(),
		cometchatcalls.WithAdminHost(srv.AdminURL()), cometchatcalls.WithClientHost(srv.ClientURL()),
		cometchatcalls.WithHTTPClient(&http.Client{Transport: insecure}), cometchatcalls.WithRetries(0))
	require.NoError(t, err)
	defer c.Close()
	_, err = c.Login(context.Background(), "cometchat-uid-1", srv.AuthKey())
	require.ErrorIs(t, err, cometchatcalls.ErrNetwork)
	assert.Contains(t, err.Error(), "not verified")
	assert.Len(t, srv.Requests(), 1, "the first answer is refused: no second request carries the token")
}

// TestEmulator_CloseLeavesNoGoroutine: over real connections, Close ends
// every goroutine the Client started (persistConn readers and writers
// included), with a call in flight when Close begins.
func TestEmulator_CloseLeavesNoGoroutine(t *testing.T) {
	srv := emulator(t)
	before := goleak.IgnoreCurrent()
	c, err := cometchatcalls.New(srv.AppID(), srv.Region(), srv.ClientOptions()...)
	require.NoError(t, err)
	ctx := context.Background()
	_, err = c.Login(ctx, "cometchat-uid-1", srv.AuthKey())
	require.NoError(t, err)
	done := c.LogoutAsync(ctx, nil, nil) // in flight, or overtaken by Close
	require.NoError(t, c.Close())
	<-done
	goleak.VerifyNone(t, before)
}

// TestSharedPool_ManyClientsFewConnections logs in 200 Clients made
// without WithHTTPClient against one emulator. Not parallel: it counts the
// process's goroutines and heap, and the pool's users.
func TestSharedPool_ManyClientsFewConnections(t *testing.T) {
	if n := cometchatcalls.SharedPoolUsers(); n != 0 {
		t.Fatalf("%d clients of earlier tests were never closed", n)
	}
	srv := cometchatcallstest.NewServer()
	defer srv.Close()
	ignore := goleak.IgnoreCurrent()
	const clients = 200
	goroutinesBefore := runtime.NumGoroutine()
	heapBefore := liveHeap()

	cs := make([]*cometchatcalls.Client, clients)
	ctx := context.Background()
	for i := range cs {
		c, err := cometchatcalls.New(srv.AppID(), srv.Region(), srv.ClientOptions()...)
		if err != nil {
			t.Fatal(err)
		}
		cs[i] = c
		if _, err := c.Login(ctx, "cometchat-uid-1", srv.AuthKey()); err != nil {
			t.Fatal(err)
		}
	}
	srv.ResetRequests() // the emulator's request log is not the SDK's heap
	heapPerClient := (liveHeap() - heapBefore) / clients
	goroutines := runtime.NumGoroutine() - goroutinesBefore
	t.Logf("%d logged-in clients: %d connections, %d more goroutines, %d B of heap per client (emulator's tokens included)",
		clients, srv.ConnectionCount(), goroutines, heapPerClient)

	if n := srv.ConnectionCount(); n > 2 {
		t.Errorf("%d connections for %d clients logging in one after the other, want 1 or 2", n, clients)
	}
	// One kept-alive connection: its reader and writer on the client side,
	// its server goroutine on the emulator's.
	if goroutines > 6 {
		t.Errorf("%d more goroutines for %d idle clients", goroutines, clients)
	}
	if heapPerClient > 8<<10 {
		t.Errorf("%d B of heap per logged-in client", heapPerClient)
	}
	if n := cometchatcalls.SharedPoolUsers(); n != clients {
		t.Errorf("%d users of the shared pool, want %d", n, clients)
	}

	for _, c := range cs {
		if err := c.Close(); err != nil {
			t.Fatal(err)
		}
	}
	if n := cometchatcalls.SharedPoolUsers(); n != 0 {
		t.Errorf("%d users of the shared pool after every Close", n)
	}
	// The last Close released the idle connection: nothing of the SDK's is
	// left running, while the emulator still is.
	goleak.VerifyNone(t, ignore)
}

// liveHeap is the heap in use after a full collection.
func liveHeap() int64 {
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return int64(m.HeapAlloc)
}

// emulator starts a server that the test closes.
func emulator(t *testing.T, opts ...cometchatcallstest.ServerOption) *cometchatcallstest.Server {
	t.Helper()
	srv := cometchatcallstest.NewServer(opts...)
	t.Cleanup(srv.Close)
	return srv
}

// clientFor returns a Client pointed at srv that the test closes.
func clientFor(t *testing.T, srv *cometchatcallstest.Server, opts ...cometchatcalls.Option) *cometchatcalls.Client {
	t.Helper()
	c, err := cometchatcalls.New(srv.AppID(), srv.Region(), append(srv.ClientOptions(), opts...)...)
	require.NoError(t, err)
	t.Cleanup(func() { _ = c.Close() })
	return c
}

// newAdmin returns an AdminClient for srv with key.
func newAdmin(t *testing.T, srv *cometchatcallstest.Server, key string) *cometchatcalls.AdminClient {
	t.Helper()
	a, err := cometchatcalls.NewAdminClient(srv.AppID(), srv.Region(), key, srv.ClientOptions()...)
	require.NoError(t, err)
	t.Cleanup(func() { _ = a.Close() })
	return a
}

// newClient returns a Client for srv whose forced logouts are counted.
func newClient(t *testing.T, srv *cometchatcallstest.Server) (*cometchatcalls.Client, *atomic.Int32) {
	t.Helper()
	c := clientFor(t, srv)
	var logouts atomic.Int32
	c.AddLoginListener("count", cometchatcalls.LoginListener{OnLogoutSuccess: func() { logouts.Add(1) }})
	return c, &logouts
}

func requireCodeOf(t *testing.T, err error, code string) *cometchatcalls.Error {
	t.Helper()
	var e *cometchatcalls.Error
	require.ErrorAs(t, err, &e)
	require.Equal(t, code, e.Code, "message: %s", e.Message)
	return e
}

// loginAs has the backend issue a fresh token for uid and a new Client log
// in with it.
func loginAs(t *testing.T, srv *cometchatcallstest.Server, admin *cometchatcalls.AdminClient, uid string) (*cometchatcalls.Client, *atomic.Int32, *cometchatcalls.AuthToken) {
	t.Helper()
	ctx := context.Background()
	tok, err := admin.CreateAuthToken(ctx, uid, &cometchatcalls.CreateAuthTokenOptions{Force: true})
	require.NoError(t, err)
	c, logouts := newClient(t, srv)
	u, err := c.LoginWithAuthToken(ctx, tok.Token)
	require.NoError(t, err)
	require.Equal(t, uid, u.UID)
	return c, logouts, tok
}

func TestAdminIntegration_BackendToClientFlow(t *testing.T) {
	t.Parallel()
	srv := emulator(t)
	admin := newAdmin(t, srv, srv.APIKey())
	ctx := context.Background()

	created, err := admin.CreateUser(ctx, cometchatcalls.NewUser{
		UID: "backend-user-1", Name: "Backend User", Avatar: "https://example.com/a.png",
		Link: "https://example.com/u/1", Role: "member", StatusMessage: "hello",
		Metadata: map[string]any{"plan": "pro"}, Tags: []string{"beta"},
	})
	require.NoError(t, err)
	assert.Equal(t, "backend-user-1", created.UID)
	assert.Equal(t, "Backend User", created.Name)
	assert.Equal(t, "member", created.Role)
	assert.Equal(t, map[string]any{"plan": "pro"}, created.Metadata)
	assert.Equal(t, []string{"beta"}, created.Tags)
	assert.NotZero(t, created.CreatedAt)

	got, err := admin.GetUser(ctx, "backend-user-1")
	require.NoError(t, err)
	assert.Equal(t, created, got)

	tok, err := admin.CreateAuthToken(ctx, "backend-user-1", nil)
	require.NoError(t, err)
	assert.Equal(t, "backend-user-1", tok.UID)
	assert.False(t, tok.CreatedAt.IsZero())
	again, err := admin.CreateAuthToken(ctx, "backend-user-1", nil)
	require.NoError(t, err)
	assert.True(t, again.Token == tok.Token, "without Force the emulator returns the newest token")
	fresh, err := admin.CreateAuthToken(ctx, "backend-user-1", &cometchatcalls.CreateAuthTokenOptions{Force: true})
	require.NoError(t, err)
	assert.True(t, fresh.Token != tok.Token, "Force creates a new token")

	tokens, err := admin.ListAuthTokens(ctx, "backend-user-1")
	require.NoError(t, err)
	require.Len(t, tokens, 2)
	assert.True(t, tokens[0].Token == fresh.Token && tokens[1].Token == tok.Token, "newest first")

	client, _ := newClient(t, srv)
	u, err := client.LoginWithAuthToken(ctx, fresh.Token)
	require.NoError(t, err)
	assert.Equal(t, "Backend User", u.Name)
	assert.Equal(t, cometchatcalls.StatusOnline, u.Status)
	require.NoError(t, client.Logout(ctx))

	tokens, err = admin.ListAuthTokens(ctx, "backend-user-1")
	require.NoError(t, err)
	assert.Len(t, tokens, 1, "logout revoked the token it used")

	// The API key never travelled anywhere but the apiKey header.
	for _, r := range srv.Requests() {
		assert.False(t, strings.Contains(r.Path+r.RawQuery+string(r.Body), srv.APIKey()), "API key in %s %s", r.Method, r.Path)
	}
}

func TestAdminIntegration_RevokeEndsTheClientsSession(t *testing.T) {
	t.Parallel()
	srv := emulator(t)
	admin := newAdmin(t, srv, srv.APIKey())
	ctx := context.Background()
	client, logouts, tok := loginAs(t, srv, admin, "cometchat-uid-2")
	other, otherLogouts, _ := loginAs(t, srv, admin, "cometchat-uid-2")

	_, err := client.ValidateSession(ctx)
	require.NoError(t, err, "the session is valid before the revocation")

	require.NoError(t, admin.RevokeAuthToken(ctx, "cometchat-uid-2", tok.Token))

	_, err = client.ValidateSession(ctx)
	requireCodeOf(t, err, cometchatcalls.CodeAuthTokenNotFound)
	assert.ErrorIs(t, err, cometchatcalls.ErrAuthTokenNotFound)
	assert.False(t, client.IsUserLoggedIn(ctx))
	u, err := client.GetLoggedInUser(ctx)
	require.NoError(t, err)
	assert.Nil(t, u)
	assert.Equal(t, int32(1), logouts.Load(), "listeners hear the forced logout")

	_, err = other.ValidateSession(ctx)
	require.NoError(t, err, "another token of the same user stays valid")
	assert.Zero(t, otherLogouts.Load())

	err = admin.RevokeAuthToken(ctx, "cometchat-uid-2", tok.Token)
	e := requireCodeOf(t, err, cometchatcalls.CodeRESTTokenNotFound)
	assert.Equal(t, 404, e.HTTPStatus)
	assert.False(t, strings.Contains(err.Error(), tok.Token), "the quoted token is redacted")
}

func TestAdminIntegration_FlushEndsEverySession(t *testing.T) {
	t.Parallel()
	srv := emulator(t)
	admin := newAdmin(t, srv, srv.APIKey())
	ctx := context.Background()
	first, firstLogouts, _ := loginAs(t, srv, admin, "cometchat-uid-3")
	second, secondLogouts, _ := loginAs(t, srv, admin, "cometchat-uid-3")
	bystander, _, _ := loginAs(t, srv, admin, "cometchat-uid-4")

	require.NoError(t, admin.FlushAuthTokens(ctx, "cometchat-uid-3"))

	for i, c := range []*cometchatcalls.Client{first, second} {
		_, err := c.ValidateSession(ctx)
		requireCodeOf(t, err, cometchatcalls.CodeAuthTokenNotFound)
		assert.False(t, c.IsUserLoggedIn(ctx), "client %d", i)
	}
	assert.Equal(t, int32(1), firstLogouts.Load())
	assert.Equal(t, int32(1), secondLogouts.Load())
	tokens, err := admin.ListAuthTokens(ctx, "cometchat-uid-3")
	require.NoError(t, err)
	assert.Empty(t, tokens)

	_, err = bystander.ValidateSession(ctx)
	require.NoError(t, err, "other users keep their sessions")
}

func TestAdminIntegration_DeleteUserEndsTheSession(t *testing.T) {
	t.Parallel()
	srv := emulator(t)
	admin := newAdmin(t, srv, srv.APIKey())
	ctx := context.Background()
	_, err := admin.CreateUser(ctx, cometchatcalls.NewUser{UID: "short-lived", Name: "Short Lived"})
	require.NoError(t, err)
	client, _, _ := loginAs(t, srv, admin, "short-lived")

	require.NoError(t, admin.DeleteUser(ctx, "short-lived", nil))
	_, err = client.ValidateSession(ctx)
	requireCodeOf(t, err, cometchatcalls.CodeAuthTokenNotFound)
	_, err = admin.GetUser(ctx, "short-lived")
	assert.ErrorIs(t, err, cometchatcalls.ErrUIDNotFound, "a soft-deleted user is not found")
	_, err = admin.CreateUser(ctx, cometchatcalls.NewUser{UID: "short-lived", Name: "Again"})
	assert.ErrorIs(t, err, cometchatcalls.ErrUIDAlreadyExists, "a soft-deleted user keeps the uid")

	require.NoError(t, admin.DeleteUser(ctx, "short-lived", &cometchatcalls.DeleteUserOptions{Permanent: true}))
	_, err = admin.CreateUser(ctx, cometchatcalls.NewUser{UID: "short-lived", Name: "Again"})
	require.NoError(t, err, "a permanently deleted uid is free again")
}

func TestAdminIntegration_ServerErrors(t *testing.T) {
	t.Parallel()
	srv := emulator(t)
	admin := newAdmin(t, srv, srv.APIKey())
	ctx := context.Background()

	_, err := admin.CreateUser(ctx, cometchatcalls.NewUser{UID: "cometchat-uid-1", Name: "Andrew"})
	e := requireCodeOf(t, err, cometchatcalls.CodeUIDAlreadyExists)
	assert.Equal(t, 409, e.HTTPStatus)
	assert.ErrorIs(t, err, cometchatcalls.ErrUIDAlreadyExists)

	for name, call := range map[string]func() error{
		"GetUser":         func() error { _, err := admin.GetUser(ctx, "nobody"); return err },
		"DeleteUser":      func() error { return admin.DeleteUser(ctx, "nobody", nil) },
		"CreateAuthToken": func() error { _, err := admin.CreateAuthToken(ctx, "nobody", nil); return err },
		"ListAuthTokens":  func() error { _, err := admin.ListAuthTokens(ctx, "nobody"); return err },
		"FlushAuthTokens": func() error { return admin.FlushAuthTokens(ctx, "nobody") },
	} {
		e := requireCodeOf(t, call(), cometchatcalls.CodeUIDNotFound)
		assert.Equal(t, 404, e.HTTPStatus, name)
	}

	wrong := newAdmin(t, srv, "not-the-key-5ecret-123456")
	_, err = wrong.GetUser(ctx, "cometchat-uid-1")
	requireCodeOf(t, err, cometchatcalls.CodeAPIKeyInvalid)
	assert.False(t, strings.Contains(err.Error(), "not-the-key-5ecret-123456"), "the quoted key is redacted")
}

func TestAdminIntegration_AuthKeyHasNoFullAccess(t *testing.T) {
	t.Parallel()
	srv := emulator(t)
	admin := newAdmin(t, srv, srv.AuthKey())
	ctx := context.Background()

	// The auth key may create users and tokens…
	_, err := admin.CreateUser(ctx, cometchatcalls.NewUser{UID: "by-auth-key", Name: "By Auth Key"})
	require.NoError(t, err)
	_, err = admin.CreateAuthToken(ctx, "by-auth-key", nil)
	require.NoError(t, err)

	// …and nothing else.
	for name, call := range map[string]func() error{
		"GetUser":         func() error { _, err := admin.GetUser(ctx, "cometchat-uid-1"); return err },
		"DeleteUser":      func() error { return admin.DeleteUser(ctx, "cometchat-uid-1", nil) },
		"ListAuthTokens":  func() error { _, err := admin.ListAuthTokens(ctx, "cometchat-uid-1"); return err },
		"RevokeAuthToken": func() error { return admin.RevokeAuthToken(ctx, "cometchat-uid-1", "some-token") },
		"FlushAuthTokens": func() error { return admin.FlushAuthTokens(ctx, "cometchat-uid-1") },
	} {
		err := call()
		e := requireCodeOf(t, err, cometchatcalls.CodeNoAccess)
		assert.Equal(t, 403, e.HTTPStatus, name)
		assert.True(t, errors.Is(err, cometchatcalls.ErrNoAccess), name)
		assert.False(t, strings.Contains(err.Error(), srv.AuthKey()), "%s: the quoted key is redacted", name)
	}
}

// ExampleAdminClient is the backend half of the production login flow:
// create the user on first use, then hand the app a fresh auth token for
// Client.LoginWithAuthToken.
// TestAdminIntegration_CloseLeavesNoGoroutine: over real connections,
// Close waits for the request in flight and ends every goroutine the
// AdminClient started.
func TestAdminIntegration_CloseLeavesNoGoroutine(t *testing.T) {
	srv := emulator(t)
	before := goleak.IgnoreCurrent()
	a, err := cometchatcalls.NewAdminClient(srv.AppID(), srv.Region(), srv.APIKey(), srv.ClientOptions()...)
	require.NoError(t, err)
	ctx := context.Background()
	_, err = a.GetUser(ctx, "cometchat-uid-1")
	require.NoError(t, err)
	done := make(chan error, 1)
	go func() { _, err := a.ListAuthTokens(ctx, "cometchat-uid-1"); done <- err }()
	require.NoError(t, a.Close())
	if err := <-done; err != nil {
		requireCodeOf(t, err, cometchatcalls.CodeClientClosed) // Close came first
	}
	goleak.VerifyNone(t, before)
}

func TestEmulator_GenerateCallToken(t *testing.T) {
	t.Parallel()
	overHTTPAndTLS(t, func(t *testing.T, srv *cometchatcallstest.Server, c *cometchatcalls.Client) {
		ctx := context.Background()
		_, err := c.Login(ctx, "cometchat-uid-3", srv.AuthKey())
		require.NoError(t, err)
		srv.ResetRequests()

		ct, err := c.GenerateCallToken(ctx, "daily-standup")
		require.NoError(t, err)
		assert.Equal(t, "daily-standup", ct.SessionID)
		uid, session, ok := srv.CallTokenInfo(ct.Token)
		require.True(t, ok, "the emulator issued this token")
		assert.Equal(t, "cometchat-uid-3", uid)
		assert.Equal(t, "daily-standup", session)

		again, err := c.GenerateCallToken(ctx, "daily-standup")
		require.NoError(t, err)
		assert.NotEqual(t, ct.Token, again.Token, "a fresh token each time")

		reqs := srv.Requests()
		require.Len(t, reqs, 2)
		r := reqs[0]
		assert.Equal(t, "POST", r.Method)
		assert.Equal(t, "/call/v3.0/call_tokens", r.Path)
		assert.Equal(t, cometchatcallstest.RoleCall, r.Role)
		assert.Equal(t, cometchatcallstest.CredentialAuthToken, r.Credential)
		assert.Equal(t, srv.AppID(), r.Header.Get("appId"))
		assert.Equal(t, `{"sessionId":"daily-standup"}`, string(r.Body))
		assert.NotContains(t, ct.String(), ct.Token)
	})
}

func TestEmulator_GenerateCallToken_RevokedTokenEndsTheSession(t *testing.T) {
	t.Parallel()
	srv, c := newEmulated(t, nil)
	ctx := context.Background()
	_, err := c.Login(ctx, "cometchat-uid-1", srv.AuthKey())
	require.NoError(t, err)
	var logouts atomic.Int32
	c.AddLoginListener("l", cometchatcalls.LoginListener{OnLogoutSuccess: func() { logouts.Add(1) }})
	tok, err := c.GetUserAuthToken(ctx)
	require.NoError(t, err)
	require.NoError(t, srv.RevokeAuthToken(tok))

	ct, err := c.GenerateCallToken(ctx, "room")
	assert.Nil(t, ct)
	require.ErrorIs(t, err, cometchatcalls.ErrAuthTokenNotFound)
	assert.NotContains(t, err.Error(), tok, "the emulator quotes the token; the SDK redacts it")
	assert.Equal(t, int32(1), logouts.Load(), "OnLogoutSuccess, as ValidateSession does")
	assert.False(t, c.IsUserLoggedIn(ctx))
	_, err = c.GenerateCallToken(ctx, "room")
	assert.ErrorIs(t, err, cometchatcalls.ErrAuthTokenMissing)
}

func TestEmulator_GenerateCallTokenWithAuthToken(t *testing.T) {
	t.Parallel()
	srv, c := newEmulated(t, nil)
	ctx := context.Background()
	// A backend: the admin API issues the user's token, no login.
	admin := newAdmin(t, srv, srv.APIKey())
	at, err := admin.CreateAuthToken(ctx, "cometchat-uid-5", nil)
	require.NoError(t, err)

	ct, err := c.GenerateCallTokenWithAuthToken(ctx, "town-hall", at.Token)
	require.NoError(t, err)
	uid, session, ok := srv.CallTokenInfo(ct.Token)
	require.True(t, ok)
	assert.Equal(t, "cometchat-uid-5", uid)
	assert.Equal(t, "town-hall", session)
	assert.False(t, c.IsUserLoggedIn(ctx), "no session was made")

	// An unknown token is only returned: the logged-in session stays.
	_, err = c.Login(ctx, "cometchat-uid-1", srv.AuthKey())
	require.NoError(t, err)
	require.NoError(t, srv.RevokeAuthToken(at.Token))
	_, err = c.GenerateCallTokenWithAuthToken(ctx, "town-hall", at.Token)
	require.ErrorIs(t, err, cometchatcalls.ErrAuthTokenNotFound)
	assert.NotContains(t, err.Error(), at.Token)
	assert.True(t, c.IsUserLoggedIn(ctx))
}

func TestEmulator_GenerateCallToken_FaultsAndRetries(t *testing.T) {
	t.Parallel()
	srv, c := newEmulated(t, nil, cometchatcalls.WithRetries(1))
	ctx := context.Background()
	_, err := c.Login(ctx, "cometchat-uid-2", srv.AuthKey())
	require.NoError(t, err)

	srv.FailNext(1, cometchatcallstest.Fault503())
	ct, err := c.GenerateCallToken(ctx, "room")
	require.NoError(t, err, "a 503 is retried")
	_, _, ok := srv.CallTokenInfo(ct.Token)
	assert.True(t, ok)

	srv.FailNext(1, cometchatcallstest.FaultTruncatedJSON())
	_, err = c.GenerateCallToken(ctx, "room")
	assert.ErrorIs(t, err, cometchatcalls.ErrInvalidResponse)
	assert.True(t, c.IsUserLoggedIn(ctx), "a bad answer ends no session")
}

func TestEmulator_GenerateCallTokenAsync(t *testing.T) {
	t.Parallel()
	srv, c := newEmulated(t, nil)
	ctx := context.Background()
	_, err := c.Login(ctx, "cometchat-uid-4", srv.AuthKey())
	require.NoError(t, err)

	var successes, failures atomic.Int32
	var got atomic.Pointer[cometchatcalls.CallToken]
	<-c.GenerateCallTokenAsync(ctx, "room", func(ct *cometchatcalls.CallToken) {
		successes.Add(1)
		got.Store(ct)
	}, func(*cometchatcalls.Error) { failures.Add(1) })
	assert.Equal(t, int32(1), successes.Load())
	assert.Zero(t, failures.Load())
	uid, _, ok := srv.CallTokenInfo(got.Load().Token)
	assert.True(t, ok)
	assert.Equal(t, "cometchat-uid-4", uid)

	var gotErr atomic.Pointer[cometchatcalls.Error]
	<-c.GenerateCallTokenAsync(ctx, "", func(*cometchatcalls.CallToken) { successes.Add(1) },
		func(e *cometchatcalls.Error) { failures.Add(1); gotErr.Store(e) })
	assert.Equal(t, int32(1), successes.Load())
	assert.Equal(t, int32(1), failures.Load())
	assert.True(t, errors.Is(gotErr.Load(), cometchatcalls.ErrSessionIDMissing))
}

// Not parallel: the facade is package-level state.
func TestEmulator_FacadeGenerateCallToken(t *testing.T) {
	srv := emulator(t)
	require.NoError(t, cometchatcalls.Init(srv.AppID(), srv.Region(), srv.ClientOptions()...))
	t.Cleanup(func() { _ = cometchatcalls.Default().Close() })
	ctx := context.Background()
	_, err := cometchatcalls.Login(ctx, "cometchat-uid-1", srv.AuthKey())
	require.NoError(t, err)

	ct, err := cometchatcalls.GenerateCallToken(ctx, "room")
	require.NoError(t, err)
	uid, session, ok := srv.CallTokenInfo(ct.Token)
	require.True(t, ok)
	assert.Equal(t, "cometchat-uid-1", uid)
	assert.Equal(t, "room", session)

	var n atomic.Int32
	<-cometchatcalls.GenerateCallTokenAsync(ctx, "room-2", func(ct *cometchatcalls.CallToken) {
		n.Add(1)
		_, session, _ := srv.CallTokenInfo(ct.Token)
		assert.Equal(t, "room-2", session)
	}, func(*cometchatcalls.Error) { n.Add(10) })
	assert.Equal(t, int32(1), n.Load())
	require.NoError(t, cometchatcalls.Logout(ctx))
}

// burstLogins logs n Clients made without WithHTTPClient in at once
// against srv, waits for every one, closes them, and returns the errors.
// While release is nil the logins run freely; otherwise the burst starts
// with srv holding requests, and release is called once held requests
// reach the pool's bound.
func burstLogins(t testing.TB, srv *cometchatcallstest.Server, n int, held func()) []error {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	errs := make([]error, n)
	clients := make([]*cometchatcalls.Client, n)
	for i := range clients {
		c, err := cometchatcalls.New(srv.AppID(), srv.Region(), srv.ClientOptions()...)
		require.NoError(t, err)
		clients[i] = c
	}
	var wg sync.WaitGroup
	for i, c := range clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, errs[i] = c.Login(ctx, "cometchat-uid-1", srv.AuthKey())
		}()
	}
	if held != nil {
		held()
	}
	wg.Wait()
	for _, c := range clients {
		require.NoError(t, c.Close())
	}
	return errs
}

// BenchmarkBurstLogins measures the wall time of a burst of 5,000
// concurrent logins, each by its own Client made without WithHTTPClient,
// against the emulator in this process (BENCHMARKS.md, round 5). It runs
// under the process's own limit of open files, so the pool's bound is the
// only cap; failures/op counts the logins that failed.
func BenchmarkBurstLogins(b *testing.B) {
	srv := cometchatcallstest.NewServer()
	defer srv.Close()
	failed := 0
	for b.Loop() {
		n, _ := failures(burstLogins(b, srv, 5000, nil))
		failed += n
		srv.ResetRequests()
	}
	b.ReportMetric(float64(failed)/float64(b.N), "failures/op")
	b.ReportMetric(float64(srv.ConnectionCount())/float64(b.N), "conns/op")
}

// failures counts the errors of a burst and returns the first one.
func failures(errs []error) (n int, first error) {
	for _, err := range errs {
		if err != nil {
			if n == 0 {
				first = err
			}
			n++
		}
	}
	return n, first
}

// TestSharedPool_BurstQueuesOnTheBound holds every request at the emulator
// until the pool's bound of connections is in use, then lets them go:
// the calls beyond the bound waited for a connection instead of dialing
// one, and all succeed. Not parallel: it counts the process's goroutines.
func TestSharedPool_BurstQueuesOnTheBound(t *testing.T) {
	require.Zero(t, cometchatcalls.SharedPoolUsers(), "clients of earlier tests were never closed")
	defer goleak.VerifyNone(t, goleak.IgnoreCurrent())
	srv := cometchatcallstest.NewServer()
	defer srv.Close()
	const n = 3 * cometchatcalls.MaxConnsPerHost

	errs := burstLogins(t, srv, n, func() {
		release := srv.Hold()
		defer release()
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		require.NoError(t, srv.WaitHeld(ctx, cometchatcalls.MaxConnsPerHost))
	})
	failed, first := failures(errs)
	assert.Zero(t, failed, "first failure: %v", first)
	assert.LessOrEqual(t, srv.ConnectionCount(), cometchatcalls.MaxConnsPerHost,
		"connections for %d concurrent logins", n)
}
