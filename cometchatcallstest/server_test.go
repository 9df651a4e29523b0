package cometchatcallstest_test

import (
	"context"
	"crypto/x509"
	"net"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cometchat-go/cometchatcalls/cometchatcallstest"
)

func TestServer_Defaults(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	assert.Equal(t, "emulatorapp", srv.AppID())
	assert.Equal(t, "us", srv.Region())
	assert.Equal(t, "emulator-auth-key", srv.AuthKey())
	assert.Equal(t, "emulator-rest-api-key", srv.APIKey())
	assert.True(t, strings.HasPrefix(srv.URL(), "http://127.0.0.1:"), srv.URL())
	assert.Equal(t, srv.URL()+"/admin/v3.0", srv.AdminURL())
	assert.Equal(t, srv.URL()+"/client/v3.0", srv.ClientURL())
	assert.Nil(t, srv.Certificate())
	assert.Len(t, srv.ClientOptions(), 3) // admin, client and calls hosts
}

func TestServer_Options(t *testing.T) {
	t.Parallel()
	srv := newServer(t,
		cometchatcallstest.WithAppID("app1"), cometchatcallstest.WithRegion("EU"),
		cometchatcallstest.WithAuthKey("ak"), cometchatcallstest.WithAPIKey("rk"),
		cometchatcallstest.WithAddr("127.0.0.1:0"))
	assert.Equal(t, "app1", srv.AppID())
	assert.Equal(t, "eu", srv.Region())
	assert.Equal(t, "ak", srv.AuthKey())
	assert.Equal(t, "rk", srv.APIKey())
	send(t, srv, "GET", "/admin/v3.0/users/cometchat-uid-1", "", "appId", "app1", "apiKey", "rk").data(t)
	r := send(t, srv, "GET", "/admin/v3.0/users/cometchat-uid-1", "", "appId", "emulatorapp", "apiKey", "rk")
	assertError(t, r, http.StatusNotFound, "AUTH_ERR_INVALID_APPID")
}

func TestStart_InvalidOptions(t *testing.T) {
	t.Parallel()
	cases := map[string]cometchatcallstest.ServerOption{
		"empty app ID":   cometchatcallstest.WithAppID(""),
		"bad region":     cometchatcallstest.WithRegion("mars"),
		"empty auth key": cometchatcallstest.WithAuthKey(""),
		"empty API key":  cometchatcallstest.WithAPIKey(""),
		"same keys":      cometchatcallstest.WithAuthKey(cometchatcallstest.DefaultAPIKey),
		"negative rate":  cometchatcallstest.WithRateLimit(-1),
		"nil clock":      cometchatcallstest.WithClock(nil),
		"bad addr":       cometchatcallstest.WithAddr("nonsense"),
	}
	for name, opt := range cases {
		srv, err := cometchatcallstest.Start(opt)
		assert.Error(t, err, name)
		assert.Nil(t, srv, name)
		assert.Panics(t, func() { cometchatcallstest.NewServer(opt) }, name)
	}
}

func TestStart_PortTaken(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	addr := strings.TrimPrefix(srv.URL(), "http://")
	_, err := cometchatcallstest.Start(cometchatcallstest.WithAddr(addr))
	require.Error(t, err)
	assert.Contains(t, err.Error(), "cannot listen on "+addr)
	var opErr *net.OpError
	assert.ErrorAs(t, err, &opErr)
}

func TestServer_TLS(t *testing.T) {
	t.Parallel()
	srv := newServer(t, cometchatcallstest.WithTLS())
	assert.True(t, strings.HasPrefix(srv.URL(), "https://127.0.0.1:"), srv.URL())
	cert := srv.Certificate()
	require.NotNil(t, cert)
	assert.NoError(t, cert.VerifyHostname("127.0.0.1"))
	assert.NoError(t, cert.VerifyHostname("localhost"))
	assert.Len(t, srv.ClientOptions(), 4) // the three hosts and the HTTP client

	d := send(t, srv, "GET", "/admin/v3.0/users/cometchat-uid-1", "", adminHdr(srv)...).data(t)
	assert.Equal(t, "cometchat-uid-1", d["uid"])

	plain := &http.Client{Transport: &http.Transport{}}
	defer plain.CloseIdleConnections()
	_, err := plain.Get(srv.URL() + "/")
	var unknown x509.UnknownAuthorityError
	assert.ErrorAs(t, err, &unknown, "the system pool does not trust it: %v", err)
}

func TestServer_ClientSharesOneTransport(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	a, b := srv.Client(), srv.Client()
	assert.NotSame(t, a, b)
	assert.Same(t, a.Transport, b.Transport)
}

func TestConnectionCount(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	for range 3 {
		send(t, srv, "GET", "/", "", "appId", srv.AppID())
	}
	assert.Equal(t, 1, srv.ConnectionCount(), "srv.Client() keeps its connection alive")

	fresh := &http.Client{Transport: &http.Transport{DisableKeepAlives: true}}
	for range 2 {
		resp, err := fresh.Get(srv.URL() + "/")
		require.NoError(t, err)
		require.NoError(t, resp.Body.Close())
	}
	assert.Equal(t, 3, srv.ConnectionCount())
}

func TestServer_ContentTypeAndRateHeadersEverywhere(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	tok := login(t, srv, "cometchat-uid-1")
	answers := []response{
		send(t, srv, "GET", "/admin/v3.0/users/cometchat-uid-1", "", adminHdr(srv)...),
		send(t, srv, "GET", "/admin/v3.0/users/nobody", "", adminHdr(srv)...),
		send(t, srv, "GET", "/client/v3.0/me", "", clientHdr(srv, tok)...),
		send(t, srv, "GET", "/nowhere", "", "appId", srv.AppID()),
		send(t, srv, "GET", "/nowhere", ""),
		send(t, srv, "DELETE", "/client/v3.0/me", "", clientHdr(srv, tok)...),
	}
	for i, r := range answers {
		assert.Equal(t, "application/json", r.header.Get("Content-Type"), i)
		assert.NotEmpty(t, r.header.Get("X-Rate-Limit"), i)
		assert.NotEmpty(t, r.header.Get("X-Rate-Limit-Remaining"), i)
	}
}

func TestServer_CloseIsIdempotentAndRefuses(t *testing.T) {
	t.Parallel()
	srv := cometchatcallstest.NewServer()
	send(t, srv, "GET", "/", "", "appId", srv.AppID())
	srv.Close()
	srv.Close()
	_, err := trySend(context.Background(), srv, "GET", "/", "")
	assert.Error(t, err)
}

func TestServer_ShutdownAnswersInFlight(t *testing.T) {
	t.Parallel()
	srv := cometchatcallstest.NewServer()
	srv.SetLatency(time.Hour)
	got := make(chan response, 1)
	go func() {
		r, _ := trySend(context.Background(), srv, "GET", "/admin/v3.0/users/cometchat-uid-1", "", adminHdr(srv)...)
		got <- r
	}()
	require.Eventually(t, func() bool { return len(srv.Requests()) == 1 }, 5*time.Second, time.Millisecond)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	require.NoError(t, srv.Shutdown(ctx))
	assert.Equal(t, http.StatusOK, (<-got).status, "latency skipped, answer given")
}

func TestServer_ConcurrentLogins(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	var wg sync.WaitGroup
	for i := range 20 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			uid := "cometchat-uid-" + string(rune('1'+i%5))
			r, err := trySend(context.Background(), srv, "POST", "/admin/v3.0/users/"+uid+"/auth_tokens", `{"force":true}`, authKeyHdr(srv)...)
			if !assert.NoError(t, err) || !assert.Equal(t, 200, r.status) {
				return
			}
			tok := r.json(t)["data"].(map[string]any)["authToken"].(string)
			for _, m := range []string{"PUT", "GET", "DELETE"} {
				r, err := trySend(context.Background(), srv, m, "/client/v3.0/me", "", clientHdr(srv, tok)...)
				assert.NoError(t, err)
				assert.Equal(t, 200, r.status, "%s", r.body)
			}
			_ = srv.Requests()
			_ = srv.HeldCount()
		}()
	}
	wg.Wait()
	for i := 1; i <= 5; i++ {
		assert.Empty(t, srv.AuthTokens("cometchat-uid-"+string(rune('0'+i))))
	}
}
