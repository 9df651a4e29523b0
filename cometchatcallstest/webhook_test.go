package cometchatcallstest_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cometchat-go/cometchatcalls/cometchatcallstest"
	"github.com/cometchat-go/cometchatcalls/webhook"
)

const (
	hookUser = "cometchat"
	hookPass = "hookPassw0rdSecret"
)

// received is one webhook request as the receiver saw it.
type received struct {
	method, contentType string
	user, pass          string
	hasAuth             bool
	body                []byte
}

// hookReceiver is a webhook endpoint that records every request and
// answers what status says (200 when nil).
type hookReceiver struct {
	srv    *httptest.Server
	mu     sync.Mutex
	got    []received
	status func(n int, body []byte) int // n counts requests from 1
}

func newHookReceiver(t *testing.T, status func(n int, body []byte) int) *hookReceiver {
	t.Helper()
	hr := &hookReceiver{status: status}
	hr.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		user, pass, ok := r.BasicAuth()
		hr.mu.Lock()
		hr.got = append(hr.got, received{r.Method, r.Header.Get("Content-Type"), user, pass, ok, body})
		n := len(hr.got)
		hr.mu.Unlock()
		code := http.StatusOK
		if hr.status != nil {
			code = hr.status(n, body)
		}
		w.WriteHeader(code)
	}))
	t.Cleanup(hr.srv.Close)
	return hr
}

func (hr *hookReceiver) requests() []received {
	hr.mu.Lock()
	defer hr.mu.Unlock()
	return append([]received(nil), hr.got...)
}

// triggersOf returns the triggers of the bodies, in order.
func triggersOf(t *testing.T, rs []received) []string {
	t.Helper()
	var out []string
	for _, r := range rs {
		e, err := webhook.ParseEvent(r.body)
		require.NoError(t, err, "%s", r.body)
		out = append(out, string(e.Trigger))
	}
	return out
}

var sessionTriggers = []string{
	"meeting_started",
	"meeting_participant_joined", "meeting_participant_joined",
	"meeting_participant_left", "meeting_participant_left",
	"meeting_ended", "recording_generated",
}

func TestStart_RefusesInvalidWebhooks(t *testing.T) {
	t.Parallel()
	ok := cometchatcallstest.Webhook{URL: "http://127.0.0.1:1/hooks"}
	tests := []struct {
		name  string
		hooks []cometchatcallstest.Webhook
	}{
		{"no URL", []cometchatcallstest.Webhook{{}}},
		{"relative URL", []cometchatcallstest.Webhook{{URL: "/hooks"}}},
		{"ftp URL", []cometchatcallstest.Webhook{{URL: "ftp://127.0.0.1/hooks"}}},
		{"credentials in the URL", []cometchatcallstest.Webhook{{URL: "http://u:" + hookPass + "@127.0.0.1/hooks"}}},
		{"username without password", []cometchatcallstest.Webhook{{URL: ok.URL, Username: hookUser}}},
		{"password without username", []cometchatcallstest.Webhook{{URL: ok.URL, Password: hookPass}}},
		{"colon in username", []cometchatcallstest.Webhook{{URL: ok.URL, Username: "a:b", Password: hookPass}}},
		{"unknown trigger", []cometchatcallstest.Webhook{{URL: ok.URL, Triggers: []string{"meeting_over"}}}},
		{"empty triggers", []cometchatcallstest.Webhook{{URL: ok.URL, Triggers: []string{}}}},
		{"negative delay", []cometchatcallstest.Webhook{{URL: ok.URL, RetryDelays: []time.Duration{-1}}}},
		{"duplicate ID", []cometchatcallstest.Webhook{{ID: "a", URL: ok.URL}, {ID: "a", URL: ok.URL}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var opts []cometchatcallstest.ServerOption
			for _, h := range tt.hooks {
				opts = append(opts, cometchatcallstest.WithWebhook(h))
			}
			srv, err := cometchatcallstest.Start(opts...)
			require.Error(t, err)
			assert.Nil(t, srv)
			assert.NotContains(t, err.Error(), hookPass)
		})
	}
}

func TestWithWebhook_CopiesItsInput(t *testing.T) {
	t.Parallel()
	a, b := newHookReceiver(t, nil), newHookReceiver(t, nil)
	triggers := []string{"meeting_started"}
	opt := cometchatcallstest.WithWebhook(cometchatcallstest.Webhook{URL: a.srv.URL, Triggers: triggers})
	triggers[0] = "meeting_ended"
	srv := newServer(t, opt, cometchatcallstest.WithWebhook(cometchatcallstest.Webhook{URL: b.srv.URL}))
	require.NoError(t, srv.SimulateCallSession(context.Background(), "s1", "Ann"))
	assert.Equal(t, []string{"meeting_started"}, triggersOf(t, a.requests()))

	ds := srv.Deliveries()
	ds[0].Trigger = "changed"
	assert.Equal(t, "meeting_started", srv.Deliveries()[0].Trigger, "Deliveries returns a copy")
}

func TestWebhook_PrintsNoPassword(t *testing.T) {
	t.Parallel()
	w := cometchatcallstest.Webhook{ID: "w", URL: "https://example.com/h", Username: hookUser, Password: hookPass}
	var out bytes.Buffer
	for _, verb := range []string{"%v", "%+v", "%#v", "%s", "%q", "%x", "%X"} {
		fmt.Fprintf(&out, verb+"\n", w)
		fmt.Fprintf(&out, verb+"\n", &w)
		fmt.Fprintf(&out, verb+"\n", []cometchatcallstest.Webhook{w})
	}
	b, err := json.Marshal(struct{ Hooks []cometchatcallstest.Webhook }{[]cometchatcallstest.Webhook{w}})
	require.NoError(t, err)
	out.Write(b)
	slog.New(slog.NewJSONHandler(&out, nil)).Info("x", "hook", w)
	slog.New(slog.NewTextHandler(&out, nil)).Info("x", "hook", w)
	assert.NotContains(t, out.String(), hookPass)
	assert.Contains(t, out.String(), "[REDACTED]")
	assert.Contains(t, w.String(), "https://example.com/h", "the rest stays readable")
}
