package cometchatcallstest_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"

	"github.com/cometchat-go/cometchatcalls/cometchatcallstest"
	"github.com/cometchat-go/cometchatcalls/webhook"
)

// short are retry delays for tests: the order is real, the waits are not.
var short = []time.Duration{time.Millisecond, 2 * time.Millisecond}

// waitDeliveries waits until srv has logged n attempts; it asserts
// nothing about how long that takes.
func waitDeliveries(t *testing.T, srv *cometchatcallstest.Server, n int) []cometchatcallstest.Delivery {
	t.Helper()
	require.Eventually(t, func() bool { return len(srv.Deliveries()) >= n }, 10*time.Second, time.Millisecond,
		"deliveries: %v", srv.Deliveries())
	return srv.Deliveries()
}

func TestRetries_UntilSuccess(t *testing.T) {
	t.Parallel()
	hr := newHookReceiver(t, func(n int, _ []byte) int {
		if n < 3 {
			return http.StatusServiceUnavailable
		}
		return http.StatusOK
	})
	srv := newServer(t, cometchatcallstest.WithWebhook(cometchatcallstest.Webhook{ID: "w", URL: hr.srv.URL,
		Triggers: []string{"meeting_started"}, RetryOnFailure: true, RetryDelays: short}))
	require.NoError(t, srv.SimulateCallSession(context.Background(), "s1", "Ann"))

	ds := waitDeliveries(t, srv, 3)
	want := []cometchatcallstest.Delivery{
		{WebhookID: "w", Trigger: "meeting_started", URL: hr.srv.URL, Attempt: 1, Status: 503},
		{WebhookID: "w", Trigger: "meeting_started", URL: hr.srv.URL, Attempt: 2, Status: 503},
		{WebhookID: "w", Trigger: "meeting_started", URL: hr.srv.URL, Attempt: 3, Status: 200},
	}
	assert.Equal(t, want, ds)
	rs := hr.requests()
	require.Len(t, rs, 3)
	assert.Equal(t, rs[0].body, rs[2].body, "a retry repeats the delivery byte for byte")
}

func TestRetries_RunOut(t *testing.T) {
	t.Parallel()
	hr := newHookReceiver(t, func(int, []byte) int { return http.StatusInternalServerError })
	srv := newServer(t, cometchatcallstest.WithWebhook(cometchatcallstest.Webhook{URL: hr.srv.URL,
		Triggers: []string{"meeting_ended"}, RetryOnFailure: true, RetryDelays: short}))
	require.NoError(t, srv.SimulateCallSession(context.Background(), "s1", "Ann"))
	waitDeliveries(t, srv, 3)
	srv.Close() // waits for the retry goroutine: nothing can be added after
	ds := srv.Deliveries()
	require.Len(t, ds, 3, "one attempt and one retry per delay")
	for i, d := range ds {
		assert.Equal(t, i+1, d.Attempt)
		assert.Equal(t, 500, d.Status)
	}
}

func TestRetries_OffOrNoDelays(t *testing.T) {
	t.Parallel()
	for _, hook := range []cometchatcallstest.Webhook{
		{RetryOnFailure: false, RetryDelays: short},
		{RetryOnFailure: true, RetryDelays: []time.Duration{}},
	} {
		hr := newHookReceiver(t, func(int, []byte) int { return http.StatusInternalServerError })
		hook.URL, hook.Triggers = hr.srv.URL, []string{"meeting_started"}
		srv := cometchatcallstest.NewServer(cometchatcallstest.WithWebhook(hook))
		require.NoError(t, srv.SimulateCallSession(context.Background(), "s1", "Ann"))
		srv.Close()
		assert.Len(t, srv.Deliveries(), 1)
		assert.Len(t, hr.requests(), 1)
	}
}

// TestRetries_DuplicatesEndWithOneHandledEventPerKey is what a backend
// sees: the answer to meeting_ended is lost once (the handler did its work,
// then the proxy in front of it failed), so the event arrives twice, and
// deduplicating on IdempotencyKey handles it once.
func TestRetries_DuplicatesEndWithOneHandledEventPerKey(t *testing.T) {
	t.Parallel()
	var mu sync.Mutex
	handled := map[string]int{}
	deliveries := map[string]int{}
	v, err := webhook.NewVerifier(hookUser, hookPass)
	require.NoError(t, err)
	h := webhook.Handler(v, func(_ context.Context, e *webhook.Event) error {
		mu.Lock()
		defer mu.Unlock()
		key := e.IdempotencyKey()
		deliveries[key]++
		if handled[key] == 0 {
			handled[key]++
		}
		return nil
	})
	var lostOnce sync.Once
	front := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		r.Body = io.NopCloser(bytes.NewReader(body))
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, r)
		lost := false
		if e, err := webhook.ParseEvent(body); err == nil && e.Trigger == webhook.MeetingEnded {
			lostOnce.Do(func() { lost = true })
		}
		if lost {
			w.WriteHeader(http.StatusBadGateway)
			return
		}
		w.WriteHeader(rec.Code)
	}))
	t.Cleanup(front.Close)
	srv := newServer(t, cometchatcallstest.WithWebhook(cometchatcallstest.Webhook{URL: front.URL,
		Username: hookUser, Password: hookPass, RetryOnFailure: true, RetryDelays: short}))

	require.NoError(t, srv.SimulateCallSession(context.Background(), "s1", "Ann", "Bob"))
	require.NoError(t, srv.SimulateCallSession(context.Background(), "s2", "Cy"))
	waitDeliveries(t, srv, 7+5+1)
	srv.Close()
	ds := srv.Deliveries()

	assert.Len(t, ds, 13, "12 events and one retry")
	mu.Lock()
	defer mu.Unlock()
	assert.Len(t, handled, 12, "one key per event")
	for key, n := range handled {
		assert.Equal(t, 1, n, key)
	}
	dup := 0
	for _, n := range deliveries {
		if n > 1 {
			dup++
		}
	}
	assert.Equal(t, 1, dup, "exactly one event arrived twice")
}

// TestClose_EndsPendingRetries: a retry an hour away does not keep Close
// waiting, and no goroutine of the emulator outlives it.
func TestClose_EndsPendingRetries(t *testing.T) {
	defer goleak.VerifyNone(t, goleak.IgnoreCurrent())
	hr := newHookReceiver(t, func(int, []byte) int { return http.StatusInternalServerError })
	srv := cometchatcallstest.NewServer(cometchatcallstest.WithWebhook(cometchatcallstest.Webhook{URL: hr.srv.URL,
		RetryOnFailure: true})) // CometChat's delays: 10 s, 30 s
	require.NoError(t, srv.SimulateCallSession(context.Background(), "s1", "Ann"))
	srv.Close()
	assert.Len(t, srv.Deliveries(), 5, "first attempts only: no retry happened")
	hr.srv.Close()
}

// TestClose_EndsAnAttemptInFlight: Close does not wait for an endpoint that
// never answers; SimulateCallSession then says the server closed.
func TestClose_EndsAnAttemptInFlight(t *testing.T) {
	defer goleak.VerifyNone(t, goleak.IgnoreCurrent())
	arrived := make(chan struct{}, 1)
	release := make(chan struct{})
	stuck := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body) // else net/http does not watch for the client going away
		arrived <- struct{}{}
		select {
		case <-r.Context().Done():
		case <-release:
		}
	}))
	srv := cometchatcallstest.NewServer(cometchatcallstest.WithWebhook(cometchatcallstest.Webhook{URL: stuck.URL,
		RetryOnFailure: true, RetryDelays: short}))
	done := make(chan error, 1)
	go func() { done <- srv.SimulateCallSession(context.Background(), "s1", "Ann") }()
	<-arrived
	srv.Close()
	err := <-done
	require.Error(t, err)
	assert.NotErrorIs(t, err, context.DeadlineExceeded)
	ds := srv.Deliveries()
	require.Len(t, ds, 1)
	assert.Error(t, ds[0].Err)
	assert.Error(t, srv.SimulateCallSession(context.Background(), "s2", "Ann"), "closed")
	close(release)
	stuck.Close()
}

// TestSimulateCallSession_Concurrent runs simulations, retries and
// Deliveries in parallel under -race.
func TestSimulateCallSession_Concurrent(t *testing.T) {
	t.Parallel()
	hr := newHookReceiver(t, func(n int, _ []byte) int {
		if n%5 == 0 {
			return http.StatusInternalServerError
		}
		return http.StatusOK
	})
	srv := newServer(t,
		cometchatcallstest.WithWebhook(cometchatcallstest.Webhook{URL: hr.srv.URL, RetryOnFailure: true, RetryDelays: short}),
		cometchatcallstest.WithWebhook(cometchatcallstest.Webhook{URL: hr.srv.URL, Triggers: []string{"meeting_ended"}}))
	var wg sync.WaitGroup
	for i := range 6 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			assert.NoError(t, srv.SimulateCallSession(context.Background(), "s"+string(rune('a'+i)), "Ann", "Bob"))
			_ = srv.Deliveries()
		}()
	}
	wg.Wait()
	firsts := 0
	for _, d := range srv.Deliveries() {
		if d.Attempt == 1 {
			firsts++
		}
	}
	assert.Equal(t, 6*(7+1), firsts)
}

func TestDelivery_ErrCarriesNoPassword(t *testing.T) {
	t.Parallel()
	srv := newServer(t, cometchatcallstest.WithWebhook(cometchatcallstest.Webhook{URL: "http://127.0.0.1:1/hooks",
		Username: hookUser, Password: hookPass, Triggers: []string{"meeting_started"}}))
	require.NoError(t, srv.SimulateCallSession(context.Background(), "s1", "Ann"))
	ds := srv.Deliveries()
	require.Len(t, ds, 1)
	require.Error(t, ds[0].Err)
	assert.NotContains(t, ds[0].Err.Error(), hookPass)
	var netErr interface{ Timeout() bool }
	assert.True(t, errors.As(ds[0].Err, &netErr), "the transport's error, for errors.As")
}
