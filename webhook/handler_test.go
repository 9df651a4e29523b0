package webhook_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cometchat-go/cometchatcalls/internal/syncbuf"
	"github.com/cometchat-go/cometchatcalls/webhook"
)

const startedEvent = `{"trigger":"meeting_started","data":{"sessionId":"s","created_at":1},"appId":"app","webhook":"w","type":"meet"}`

// receiver is a Handler on a real listener, recording the events fn got
// and what the server logged.
type receiver struct {
	srv    *httptest.Server
	calls  atomic.Int32
	events chan *webhook.Event
	logBuf *syncbuf.Buffer
}

func newReceiver(t *testing.T, fnErr error) *receiver {
	t.Helper()
	rc := &receiver{events: make(chan *webhook.Event, 100), logBuf: &syncbuf.Buffer{}}
	h := webhook.Handler(newVerifier(t), func(_ context.Context, e *webhook.Event) error {
		rc.calls.Add(1)
		rc.events <- e
		return fnErr
	})
	rc.srv = httptest.NewUnstartedServer(h)
	rc.srv.Config.ErrorLog = log.New(rc.logBuf, "", 0)
	rc.srv.Start()
	t.Cleanup(rc.srv.Close)
	return rc
}

// send posts body with the method and credentials given (none when user is
// empty) and returns the status, headers and body of the answer.
func (rc *receiver) send(t *testing.T, method, body, user, pass string) (int, http.Header, string) {
	t.Helper()
	req, err := http.NewRequest(method, rc.srv.URL+"/webhooks", strings.NewReader(body))
	require.NoError(t, err)
	if user != "" {
		req.SetBasicAuth(user, pass)
	}
	resp, err := rc.srv.Client().Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	return resp.StatusCode, resp.Header, string(b)
}

func TestHandler_Answers(t *testing.T) {
	tests := []struct {
		name            string
		method, body    string
		user, pass      string
		fnErr           error
		status          int
		fnCalled        bool
		wwwAuthenticate bool
		allow           string
	}{
		{name: "event", method: "POST", body: startedEvent, user: testUser, pass: testPass, status: 200, fnCalled: true},
		{name: "unknown trigger", method: "POST", body: `{"trigger":"new_thing"}`, user: testUser, pass: testPass, status: 200, fnCalled: true},
		{name: "fn fails", method: "POST", body: startedEvent, user: testUser, pass: testPass, fnErr: errors.New("db down"), status: 500, fnCalled: true},
		{name: "GET without credentials", method: "GET", status: 405, allow: "POST"},
		{name: "PUT with credentials", method: "PUT", body: startedEvent, user: testUser, pass: testPass, status: 405, allow: "POST"},
		{name: "no credentials", method: "POST", body: startedEvent, status: 401, wwwAuthenticate: true},
		{name: "wrong password", method: "POST", body: startedEvent, user: testUser, pass: "nope", status: 401, wwwAuthenticate: true},
		{name: "not an event", method: "POST", body: `{}`, user: testUser, pass: testPass, status: 400},
		{name: "not JSON", method: "POST", body: `trigger=meeting_started`, user: testUser, pass: testPass, status: 400},
		{name: "empty body", method: "POST", user: testUser, pass: testPass, status: 400},
		{name: "exactly 1 MiB", method: "POST", body: padded(webhook.MaxBodyBytes), user: testUser, pass: testPass, status: 200, fnCalled: true},
		{name: "1 MiB + 1", method: "POST", body: padded(webhook.MaxBodyBytes + 1), user: testUser, pass: testPass, status: 413},
		{name: "1 MiB + 1 without credentials", method: "POST", body: padded(webhook.MaxBodyBytes + 1), status: 401, wwwAuthenticate: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rc := newReceiver(t, tt.fnErr)
			status, header, _ := rc.send(t, tt.method, tt.body, tt.user, tt.pass)
			assert.Equal(t, tt.status, status)
			assert.Equal(t, tt.fnCalled, rc.calls.Load() == 1, "fn called")
			if tt.wwwAuthenticate {
				assert.True(t, strings.HasPrefix(header.Get("WWW-Authenticate"), "Basic "), header.Get("WWW-Authenticate"))
			} else {
				assert.Empty(t, header.Get("WWW-Authenticate"))
			}
			assert.Equal(t, tt.allow, header.Get("Allow"))
		})
	}
}

func TestHandler_PassesTheEventAndContext(t *testing.T) {
	type ctxKey struct{}
	var got *webhook.Event
	var gotCtx context.Context
	h := webhook.Handler(newVerifier(t), func(ctx context.Context, e *webhook.Event) error {
		got, gotCtx = e, ctx
		return nil
	})
	r := request(startedEvent, testUser, testPass)
	r = r.WithContext(context.WithValue(r.Context(), ctxKey{}, "v"))
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	require.Equal(t, http.StatusOK, w.Code)
	require.NotNil(t, got)
	assert.Equal(t, webhook.MeetingStarted, got.Trigger)
	assert.Equal(t, "app", got.AppID)
	assert.Equal(t, "v", gotCtx.Value(ctxKey{}), "fn gets the request's context")
}

func TestHandler_NilArgumentsPanic(t *testing.T) {
	v := newVerifier(t)
	assert.Panics(t, func() { webhook.Handler(nil, func(context.Context, *webhook.Event) error { return nil }) })
	assert.Panics(t, func() { webhook.Handler(v, nil) })
}

// TestHandler_AttackerLearnsNothing plays an attacker who guesses, sends
// garbage and reads every byte of every answer, and an operator who reads
// the server's log: neither the credentials nor the body come back.
func TestHandler_AttackerLearnsNothing(t *testing.T) {
	const marker = "ZZattackerMarkerZZ"
	rc := newReceiver(t, errors.New("failed on "+marker))
	var seen bytes.Buffer
	attempts := []struct{ method, body, user, pass string }{
		{"POST", marker, testUser, testPass + marker},                       // wrong password
		{"POST", marker, testUser, testPass},                                // not JSON
		{"POST", `{"trigger":"` + marker + `"}`, testUser, testPass},        // fn fails
		{"POST", `{"trigger":{"` + marker + `":1}}`, testUser, testPass},    // bad trigger
		{"GET", marker, testUser, testPass},                                 // wrong method
		{"POST", padded(webhook.MaxBodyBytes) + marker, testUser, testPass}, // too large
		{"POST", marker, marker, marker},                                    // both wrong
	}
	for _, a := range attempts {
		status, header, body := rc.send(t, a.method, a.body, a.user, a.pass)
		assert.NotEqual(t, http.StatusOK, status)
		require.NoError(t, header.Write(&seen))
		seen.WriteString(body)
	}
	assert.NotContains(t, seen.String(), testPass)
	assert.NotContains(t, seen.String(), marker)
	assert.NotContains(t, seen.String(), testUser)
	assert.NotContains(t, rc.logBuf.String(), marker)
	assert.NotContains(t, rc.logBuf.String(), testPass)
}

// TestHandler_Concurrent runs deliveries in parallel under -race: the
// Verifier and Handler share no mutable state.
func TestHandler_Concurrent(t *testing.T) {
	rc := newReceiver(t, nil)
	var wg sync.WaitGroup
	for i := range 20 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			pass := testPass
			want := http.StatusOK
			if i%2 == 1 {
				pass, want = "wrong", http.StatusUnauthorized
			}
			req, err := http.NewRequest(http.MethodPost, rc.srv.URL, strings.NewReader(startedEvent))
			if !assert.NoError(t, err) {
				return
			}
			req.SetBasicAuth(testUser, pass)
			resp, err := rc.srv.Client().Do(req)
			if !assert.NoError(t, err) {
				return
			}
			_, _ = io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			assert.Equal(t, want, resp.StatusCode)
		}()
	}
	wg.Wait()
	assert.EqualValues(t, 10, rc.calls.Load())
}

// TestHandler_BehindMaxBytesHandlerIs413: a body that an
// http.MaxBytesHandler in front cut short is too large, not invalid.
func TestHandler_BehindMaxBytesHandlerIs413(t *testing.T) {
	v, err := webhook.NewVerifier("user", "pass")
	require.NoError(t, err)
	h := http.MaxBytesHandler(webhook.Handler(v, func(context.Context, *webhook.Event) error { return nil }), 16)
	r := httptest.NewRequest(http.MethodPost, "/", strings.NewReader(`{"trigger":"meeting_ended","data":{"sessionId":"s"}}`))
	r.ContentLength = -1 // unknown, as with chunked encoding: the cut happens while reading
	r.SetBasicAuth("user", "pass")
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	assert.Equal(t, http.StatusRequestEntityTooLarge, w.Code)
}
