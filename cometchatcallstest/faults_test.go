package cometchatcallstest_test

import (
	"context"
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cometchat-go/cometchatcalls/cometchatcallstest"
)

func TestFaults_Kinds(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name        string
		fault       cometchatcallstest.Fault
		status      int
		contentType string
		body        string
		header      [2]string
	}{
		{"html502", cometchatcallstest.FaultHTML502(), 502, "text/html", "<html>\r\n<head><title>502 Bad Gateway</title></head>", [2]string{}},
		{"truncated", cometchatcallstest.FaultTruncatedJSON(), 200, "application/json", `{"data":{"uid":"cometchat-uid-1","name":"Andrew Jos`, [2]string{}},
		{"503", cometchatcallstest.Fault503(), 503, "", "", [2]string{}},
		{"429", cometchatcallstest.Fault429("7"), 429, "application/json", `{"error":{"code":"ERR_TOO_MANY_REQUESTS"`, [2]string{"Retry-After", "7"}},
		{"429 date", cometchatcallstest.Fault429("Wed, 21 Oct 2015 07:28:00 GMT"), 429, "application/json", `{"error"`, [2]string{"Retry-After", "Wed, 21 Oct 2015 07:28:00 GMT"}},
		{"2xx error", cometchatcallstest.FaultError(200, "AUTH_ERR_AUTH_TOKEN_NOT_FOUND", "gone"), 200, "application/json",
			`{"error":{"code":"AUTH_ERR_AUTH_TOKEN_NOT_FOUND","message":"gone","devMessage":"gone","source":"chat-api"}}`, [2]string{}},
		{"raw", cometchatcallstest.Fault{Status: 418, Body: "teapot", Header: http.Header{"X-Custom": {"1"}}}, 418, "", "teapot", [2]string{"X-Custom", "1"}},
		{"zero status", cometchatcallstest.Fault{}, 500, "", "", [2]string{}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			srv := newServer(t)
			srv.FailNext(1, c.fault)
			r := send(t, srv, "GET", "/admin/v3.0/users/cometchat-uid-1", "", adminHdr(srv)...)
			assert.Equal(t, c.status, r.status)
			assert.Equal(t, c.contentType, r.header.Get("Content-Type"))
			assert.Contains(t, string(r.body), c.body)
			if c.body == "" {
				assert.Empty(t, r.body)
			}
			if c.header[0] != "" {
				assert.Equal(t, c.header[1], r.header.Get(c.header[0]))
			}
			assert.Empty(t, r.header.Get("X-Rate-Limit"), "a fault is raw")
			send(t, srv, "GET", "/admin/v3.0/users/cometchat-uid-1", "", adminHdr(srv)...).data(t)
		})
	}
}

func TestFaults_Disconnect(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	srv.FailNext(1, cometchatcallstest.FaultDisconnect())
	_, err := trySend(context.Background(), srv, "POST", "/admin/v3.0/users/cometchat-uid-1/auth_tokens", "{}", authKeyHdr(srv)...)
	require.Error(t, err)
	assert.Empty(t, srv.AuthTokens("cometchat-uid-1"), "the endpoint did not run")
	send(t, srv, "GET", "/admin/v3.0/users/cometchat-uid-1", "", adminHdr(srv)...).data(t)
}

func TestFaults_QueueInOrderThenNormal(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	srv.FailNext(2, cometchatcallstest.Fault503())
	srv.FailNext(1, cometchatcallstest.FaultHTML502())
	srv.FailNext(0, cometchatcallstest.FaultHTML502())
	var statuses []int
	for range 4 {
		statuses = append(statuses, send(t, srv, "GET", "/client/v3.0/me", "", "appId", srv.AppID()).status)
	}
	assert.Equal(t, []int{503, 503, 502, 401}, statuses, "any endpoint, arrival order")
}

func TestFaults_Clear(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	srv.FailNext(5, cometchatcallstest.Fault503())
	srv.ClearFaults()
	send(t, srv, "GET", "/admin/v3.0/users/cometchat-uid-1", "", adminHdr(srv)...).data(t)
}

func TestFaults_HeaderIsCopied(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	f := cometchatcallstest.Fault{Status: 500, Header: http.Header{"X-A": {"before"}}}
	srv.FailNext(1, f)
	f.Header.Set("X-A", "after")
	r := send(t, srv, "GET", "/", "", "appId", srv.AppID())
	assert.Equal(t, "before", r.header.Get("X-A"))
}

func TestLatency(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	srv.SetLatency(60 * time.Millisecond)
	start := time.Now()
	send(t, srv, "GET", "/admin/v3.0/users/cometchat-uid-1", "", adminHdr(srv)...).data(t)
	assert.GreaterOrEqual(t, time.Since(start), 60*time.Millisecond)

	srv.SetLatency(time.Hour)
	srv.SetLatency(0)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	_, err := trySend(ctx, srv, "GET", "/admin/v3.0/users/cometchat-uid-1", "", adminHdr(srv)...)
	require.NoError(t, err, "SetLatency(0) removed the hour")
}

func TestLatency_RespectsCancellation(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	srv.SetLatency(time.Hour)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Millisecond)
	defer cancel()
	start := time.Now()
	_, err := trySend(ctx, srv, "POST", "/admin/v3.0/users/cometchat-uid-1/auth_tokens", "", authKeyHdr(srv)...)
	require.ErrorIs(t, err, context.DeadlineExceeded)
	assert.Less(t, time.Since(start), 5*time.Second)
	assert.Empty(t, srv.AuthTokens("cometchat-uid-1"), "a request whose client gave up does not run")
}

func TestLatency_CloseCutsItShort(t *testing.T) {
	t.Parallel()
	srv := cometchatcallstest.NewServer()
	srv.SetLatency(time.Hour)
	done := make(chan struct{})
	go func() {
		defer close(done)
		_, _ = trySend(context.Background(), srv, "GET", "/client/v3.0/me", "", "appId", srv.AppID())
	}()
	require.Eventually(t, func() bool { return len(srv.Requests()) == 1 }, 5*time.Second, time.Millisecond)
	srv.Close()
	<-done
}

func TestHold_ReleasesOnRelease(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	send(t, srv, "GET", "/admin/v3.0/users/cometchat-uid-1", "", adminHdr(srv)...).data(t) // before Hold: not held
	release := srv.Hold()
	results := make(chan response, 2)
	for range 2 {
		go func() {
			r, _ := trySend(context.Background(), srv, "POST", "/admin/v3.0/users/cometchat-uid-1/auth_tokens", `{"force":true}`, authKeyHdr(srv)...)
			results <- r
		}()
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	require.NoError(t, srv.WaitHeld(ctx, 2))
	assert.Equal(t, 2, srv.HeldCount())
	assert.Empty(t, srv.AuthTokens("cometchat-uid-1"), "held requests have not run")
	select {
	case <-results:
		t.Fatal("a held request was answered")
	case <-time.After(20 * time.Millisecond):
	}
	release()
	release() // idempotent
	for range 2 {
		assert.Equal(t, http.StatusOK, (<-results).status)
	}
	assert.Len(t, srv.AuthTokens("cometchat-uid-1"), 2)
	assert.Equal(t, 0, srv.HeldCount())
	send(t, srv, "GET", "/admin/v3.0/users/cometchat-uid-1", "", adminHdr(srv)...).data(t) // after release: not held
}

func TestHold_NestedHoldsAndFaultAfterRelease(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	r1, r2 := srv.Hold(), srv.Hold()
	srv.FailNext(1, cometchatcallstest.Fault503())
	got := make(chan int, 1)
	go func() {
		r, _ := trySend(context.Background(), srv, "GET", "/", "", "appId", srv.AppID())
		got <- r.status
	}()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	require.NoError(t, srv.WaitHeld(ctx, 1))
	r1()
	r1()
	select {
	case <-got:
		t.Fatal("released while a Hold is still on")
	case <-time.After(20 * time.Millisecond):
	}
	r2()
	assert.Equal(t, 503, <-got)
}

func TestHold_CloseReleases(t *testing.T) {
	t.Parallel()
	srv := cometchatcallstest.NewServer()
	srv.Hold()
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		_, _ = trySend(context.Background(), srv, "GET", "/client/v3.0/me", "", "appId", srv.AppID())
	}()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	require.NoError(t, srv.WaitHeld(ctx, 1))
	srv.Close()
	wg.Wait()
}

func TestHold_ClientGivesUp(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	release := srv.Hold()
	defer release()
	ctx, cancel := context.WithCancel(context.Background())
	errc := make(chan error, 1)
	go func() {
		_, err := trySend(ctx, srv, "GET", "/client/v3.0/me", "", "appId", srv.AppID())
		errc <- err
	}()
	wctx, wcancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer wcancel()
	require.NoError(t, srv.WaitHeld(wctx, 1))
	cancel()
	require.ErrorIs(t, <-errc, context.Canceled)
	require.Eventually(t, func() bool { return srv.HeldCount() == 0 }, 5*time.Second, time.Millisecond)
}

func TestWaitHeld_ContextEnds(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Millisecond)
	defer cancel()
	assert.ErrorIs(t, srv.WaitHeld(ctx, 1), context.DeadlineExceeded)
	assert.NoError(t, srv.WaitHeld(ctx, 0))
}
