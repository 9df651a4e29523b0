package cometchatcallstest

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestAttempt_TimesOut(t *testing.T) {
	t.Parallel()
	assert.Equal(t, 2*time.Second, newWebhookSender(nil).timeout, "CometChat waits 2 s")

	release := make(chan struct{})
	slow := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		select {
		case <-r.Context().Done():
		case <-release:
		}
	}))
	defer slow.Close()
	defer close(release)
	ws := newWebhookSender([]Webhook{{URL: slow.URL}})
	defer ws.close()
	ws.timeout = time.Millisecond // the 2 s, shortened

	d := ws.deliver(context.Background(), outgoing{hook: ws.hooks[0], trigger: "meeting_started", body: []byte(`{}`)})
	require.ErrorIs(t, d.Err, context.DeadlineExceeded)
	assert.Zero(t, d.Status)
	assert.Equal(t, []Delivery{d}, ws.deliveries())
}

// TestRetryLater_BoundedBacklog: once maxPendingRetries deliveries wait to
// be retried, a further failure is not queued, and its Delivery says so.
func TestRetryLater_BoundedBacklog(t *testing.T) {
	t.Parallel()
	down := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.WriteHeader(http.StatusInternalServerError)
	}))
	defer down.Close()
	ws := newWebhookSender([]Webhook{{URL: down.URL, RetryOnFailure: true, RetryDelays: []time.Duration{time.Hour}}})
	defer ws.close()
	o := outgoing{hook: ws.hooks[0], trigger: "meeting_started", body: []byte(`{}`)}

	ws.deliver(context.Background(), o) // queued: one retry waits
	ws.mu.Lock()
	assert.Equal(t, 1, ws.pending)
	ws.pending = maxPendingRetries // as if the backlog were full
	ws.mu.Unlock()
	ws.deliver(context.Background(), o)
	log := ws.deliveries()
	require.Len(t, log, 3)
	assert.Equal(t, 2, log[2].Attempt)
	assert.ErrorIs(t, log[2].Err, errRetryBacklog)
	ws.mu.Lock()
	ws.pending = 1 // the one goroutine really waiting, which close ends
	ws.mu.Unlock()
}

// TestShutdown_DoesNotWaitForDeliveriesToASlowReceiver: a simulation
// requested over HTTP is cut short by Shutdown, which then stops at once
// instead of waiting out a delivery per event.
func TestShutdown_DoesNotWaitForDeliveriesToASlowReceiver(t *testing.T) {
	t.Parallel()
	release := make(chan struct{})
	slow := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		select {
		case <-r.Context().Done():
		case <-release:
		}
	}))
	defer slow.Close()
	defer close(release)
	srv, err := Start(WithWebhook(Webhook{URL: slow.URL}))
	require.NoError(t, err)
	answered := make(chan struct{})
	go func() {
		defer close(answered)
		req, _ := http.NewRequest(http.MethodPost, srv.URL()+"/emulator/simulate-call-session",
			strings.NewReader(`{"sessionId":"s1","participants":["Ann","Bob","Cy"]}`))
		req.Header.Set("appId", srv.AppID())
		req.Header.Set(headerAPIKey, srv.APIKey())
		if resp, err := http.DefaultClient.Do(req); err == nil {
			_ = resp.Body.Close()
		}
	}()
	require.Eventually(t, func() bool { return len(srv.Requests()) > 0 }, 10*time.Second, 5*time.Millisecond)
	// 9 events × 2 s each would outlast this context without the fix.
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	assert.NoError(t, srv.Shutdown(ctx))
	<-answered
}
