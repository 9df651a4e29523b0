package cometchatcalls_test

// Integration tests: the SDK over real HTTP (and TLS) against the emulator.
// They repeat the key httpmock unit tests end to end, so the two agree.

import (
	"context"
	"crypto/tls"
	"net/http"
	"path/filepath"
	"strings"
	"sync"
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
