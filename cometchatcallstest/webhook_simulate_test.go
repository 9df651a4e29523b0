package cometchatcallstest_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cometchat-go/cometchatcalls/cometchatcallstest"
	"github.com/cometchat-go/cometchatcalls/webhook"
)

func TestSimulateCallSession_SendsTheDocumentedEventsInOrder(t *testing.T) {
	t.Parallel()
	now := time.Date(2024, 5, 6, 7, 8, 9, 0, time.UTC)
	hr := newHookReceiver(t, nil)
	srv := newServer(t, cometchatcallstest.WithClock(func() time.Time { return now }),
		cometchatcallstest.WithWebhook(cometchatcallstest.Webhook{URL: hr.srv.URL + "/hooks", Username: hookUser, Password: hookPass}))

	require.NoError(t, srv.SimulateCallSession(context.Background(), "s1", "Ann", "Bob"))

	rs := hr.requests()
	require.Equal(t, sessionTriggers, triggersOf(t, rs))
	for _, r := range rs {
		assert.Equal(t, http.MethodPost, r.method)
		assert.Equal(t, "application/json", r.contentType)
		assert.True(t, r.hasAuth)
		assert.Equal(t, hookUser, r.user)
		assert.Equal(t, hookPass, r.pass)
	}
	start, end := now.Add(-5*time.Minute), now
	events := make([]*webhook.Event, len(rs))
	for i, r := range rs {
		e, err := webhook.ParseEvent(r.body)
		require.NoError(t, err)
		assert.Equal(t, "emulatorapp", e.AppID)
		assert.Equal(t, "us", e.Region)
		assert.Equal(t, "webhook-1", e.WebhookID)
		events[i] = e
	}
	for _, e := range events[:6] {
		assert.Equal(t, "meet", e.Type, e.Trigger)
	}
	assert.Empty(t, events[6].Type, "recording_generated has no type, as CometChat's sample")

	s, err := events[0].CallSession()
	require.NoError(t, err)
	assert.Equal(t, &webhook.CallSession{SessionID: "s1", CreatedAt: start}, s)
	s, err = events[2].CallSession()
	require.NoError(t, err)
	assert.Equal(t, &webhook.Occupant{Name: "Bob", JoinedAt: start.Add(time.Second)}, s.Occupant)
	s, err = events[3].CallSession()
	require.NoError(t, err)
	assert.Equal(t, &webhook.Occupant{Name: "Ann", JoinedAt: start, LeftAt: end.Add(-time.Second)}, s.Occupant)
	s, err = events[5].CallSession()
	require.NoError(t, err)
	assert.Equal(t, &webhook.CallSession{SessionID: "s1", CreatedAt: start, DestroyedAt: end, AllOccupants: []webhook.Occupant{
		{Name: "Ann", JoinedAt: start, LeftAt: end.Add(-time.Second)},
		{Name: "Bob", JoinedAt: start.Add(time.Second), LeftAt: end},
	}}, s)
	rec, err := events[6].Recording()
	require.NoError(t, err)
	assert.Equal(t, "s1", rec.SessionID)
	assert.Equal(t, start, rec.StartTime)
	assert.Equal(t, 5*time.Minute, rec.Duration)

	// The typing traps, on the wire.
	var joined struct {
		Data struct {
			Occupant      map[string]any    `json:"occupant"`
			InitialConfig map[string]string `json:"initial_config"`
		} `json:"data"`
	}
	require.NoError(t, json.Unmarshal(rs[1].body, &joined))
	assert.Equal(t, "false", joined.Data.Occupant["audio_call"], "a boolean as a string")
	assert.InDelta(t, float64(start.Unix()), joined.Data.Occupant["joined_at"], 0, "a time as a number")
	assert.NotContains(t, joined.Data.Occupant, "left_at")
	assert.Equal(t, "false", joined.Data.InitialConfig["is_audio_only"])
	var recording struct {
		Data map[string]any `json:"data"`
	}
	require.NoError(t, json.Unmarshal(rs[6].body, &recording))
	assert.Equal(t, "300.000000", recording.Data["duration"], "a number as a string")
	assert.Equal(t, fmt.Sprint(start.Unix()), recording.Data["startTime"], "a time as a string")
	assert.Equal(t, "2024-05-06", recording.Data["recordingDate"])

	ds := srv.Deliveries()
	require.Len(t, ds, 7)
	for i, d := range ds {
		assert.Equal(t, cometchatcallstest.Delivery{WebhookID: "webhook-1", Trigger: sessionTriggers[i],
			URL: hr.srv.URL + "/hooks", Attempt: 1, Status: 200}, d)
	}
}

func TestSimulateCallSession_WebhooksTriggersAndIDs(t *testing.T) {
	t.Parallel()
	a, b, c := newHookReceiver(t, nil), newHookReceiver(t, nil), newHookReceiver(t, nil)
	srv := newServer(t,
		cometchatcallstest.WithWebhook(cometchatcallstest.Webhook{URL: a.srv.URL}),
		cometchatcallstest.WithWebhook(cometchatcallstest.Webhook{ID: "webhook-1", URL: b.srv.URL,
			Triggers: []string{"meeting_ended", "call_ended"}}),
		cometchatcallstest.WithWebhook(cometchatcallstest.Webhook{URL: c.srv.URL, Triggers: []string{"recording_generated"}}),
	)
	require.NoError(t, srv.SimulateCallSession(context.Background(), "s1", "Ann", "Bob"))

	assert.Equal(t, sessionTriggers, triggersOf(t, a.requests()))
	assert.Equal(t, []string{"meeting_ended"}, triggersOf(t, b.requests()))
	assert.Equal(t, []string{"recording_generated"}, triggersOf(t, c.requests()))
	ids := map[*hookReceiver]string{}
	for _, hr := range []*hookReceiver{a, b, c} {
		e, err := webhook.ParseEvent(hr.requests()[0].body)
		require.NoError(t, err)
		ids[hr] = e.WebhookID
	}
	assert.Equal(t, "webhook-1", ids[b], "the ID given")
	assert.NotEqual(t, ids[a], ids[b], "assigned IDs avoid the given ones")
	assert.NotEqual(t, ids[a], ids[c])
	assert.NotEqual(t, ids[b], ids[c])
	for _, r := range a.requests() {
		assert.False(t, r.hasAuth, "no Basic auth without a username")
	}
}

func TestSimulateCallSession_RefusesBadInput(t *testing.T) {
	t.Parallel()
	hr := newHookReceiver(t, nil)
	srv := newServer(t, cometchatcallstest.WithWebhook(cometchatcallstest.Webhook{URL: hr.srv.URL}))
	ctx := context.Background()
	assert.Error(t, srv.SimulateCallSession(ctx, "", "Ann"))
	assert.Error(t, srv.SimulateCallSession(ctx, " ", "Ann"))
	assert.Error(t, srv.SimulateCallSession(ctx, "s1"))
	assert.Error(t, srv.SimulateCallSession(ctx, "s1", "Ann", ""))
	assert.ErrorContains(t, srv.SimulateCallSession(ctx, strings.Repeat("s", 256), "Ann"), "255 bytes")
	many := make([]string, 101)
	for i := range many {
		many[i] = fmt.Sprintf("P%d", i)
	}
	assert.ErrorContains(t, srv.SimulateCallSession(ctx, "s1", many...), "at most 100 participants")
	assert.Empty(t, hr.requests())
	assert.Empty(t, srv.Deliveries())

	bare := newServer(t)
	assert.ErrorContains(t, bare.SimulateCallSession(ctx, "s1", "Ann"), "WithWebhook")
}

// TestSimulateCallSession_FailedDeliveryIsNotAnError: an endpoint that is
// down, or answers 500, shows in Deliveries.
func TestSimulateCallSession_FailedDeliveryIsNotAnError(t *testing.T) {
	t.Parallel()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	down := "http://" + ln.Addr().String() + "/hooks"
	require.NoError(t, ln.Close()) // nothing listens there now
	failing := newHookReceiver(t, func(int, []byte) int { return http.StatusInternalServerError })
	srv := newServer(t,
		cometchatcallstest.WithWebhook(cometchatcallstest.Webhook{ID: "down", URL: down, Triggers: []string{"meeting_started"}}),
		cometchatcallstest.WithWebhook(cometchatcallstest.Webhook{ID: "failing", URL: failing.srv.URL, Triggers: []string{"meeting_started"}}),
	)
	require.NoError(t, srv.SimulateCallSession(context.Background(), "s1", "Ann"))
	ds := srv.Deliveries()
	require.Len(t, ds, 2)
	assert.Equal(t, "down", ds[0].WebhookID)
	assert.Zero(t, ds[0].Status)
	assert.Error(t, ds[0].Err)
	assert.Equal(t, cometchatcallstest.Delivery{WebhookID: "failing", Trigger: "meeting_started", URL: failing.srv.URL,
		Attempt: 1, Status: 500}, ds[1])
}

func TestSimulateCallSession_RedirectIsAFailedDelivery(t *testing.T) {
	t.Parallel()
	target := newHookReceiver(t, nil)
	redirect := httptest.NewServer(http.RedirectHandler(target.srv.URL, http.StatusTemporaryRedirect))
	t.Cleanup(redirect.Close)
	srv := newServer(t, cometchatcallstest.WithWebhook(cometchatcallstest.Webhook{URL: redirect.URL,
		Username: hookUser, Password: hookPass, Triggers: []string{"meeting_started"}}))
	require.NoError(t, srv.SimulateCallSession(context.Background(), "s1", "Ann"))
	require.Len(t, srv.Deliveries(), 1)
	assert.Equal(t, http.StatusTemporaryRedirect, srv.Deliveries()[0].Status)
	assert.Empty(t, target.requests(), "the credentials are not sent elsewhere")
}

func TestSimulateCallSession_ContextDone(t *testing.T) {
	t.Parallel()
	hr := newHookReceiver(t, nil)
	srv := newServer(t, cometchatcallstest.WithWebhook(cometchatcallstest.Webhook{URL: hr.srv.URL}))

	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	err := srv.SimulateCallSession(ctx, "s1", "Ann")
	assert.ErrorIs(t, err, context.Canceled)
	assert.Empty(t, hr.requests(), "a cancelled call sends nothing")

	// Cancelled while the first delivery is answered: the rest is not sent.
	ctx, cancel = context.WithCancel(context.Background())
	defer cancel()
	mid := newHookReceiver(t, func(int, []byte) int { cancel(); return http.StatusOK })
	srv2 := newServer(t, cometchatcallstest.WithWebhook(cometchatcallstest.Webhook{URL: mid.srv.URL}))
	err = srv2.SimulateCallSession(ctx, "s1", "Ann")
	assert.ErrorIs(t, err, context.Canceled)
	assert.Len(t, mid.requests(), 1)
}

func TestSimulateRoute(t *testing.T) {
	t.Parallel()
	hr := newHookReceiver(t, nil)
	srv := newServer(t, cometchatcallstest.WithWebhook(cometchatcallstest.Webhook{ID: "w", URL: hr.srv.URL,
		Triggers: []string{"meeting_started", "meeting_ended"}}))
	const path = "/emulator/simulate-call-session"

	r := send(t, srv, "POST", path, `{"sessionId":"s1","participants":["Ann","Bob"]}`, adminHdr(srv)...)
	d := r.data(t)
	assert.Equal(t, "s1", d["sessionId"])
	assert.Equal(t, []any{
		map[string]any{"webhookId": "w", "trigger": "meeting_started", "status": float64(200)},
		map[string]any{"webhookId": "w", "trigger": "meeting_ended", "status": float64(200)},
	}, d["deliveries"])
	assert.Equal(t, []string{"meeting_started", "meeting_ended"}, triggersOf(t, hr.requests()))

	assertError(t, send(t, srv, "POST", path, `{"sessionId":"s1","participants":["Ann"]}`, "appId", srv.AppID()),
		http.StatusUnauthorized, "AUTH_ERR_EMPTY_APIKEY")
	assertError(t, send(t, srv, "POST", path, `{"sessionId":"s1","participants":["Ann"]}`, authKeyHdr(srv)...),
		http.StatusForbidden, "AUTH_ERR_NO_ACCESS")
	assertError(t, send(t, srv, "POST", path, `{"sessionId":"","participants":["Ann"]}`, adminHdr(srv)...),
		http.StatusBadRequest, "ERR_BAD_REQUEST")
	assertError(t, send(t, srv, "POST", path, `{"sessionId":"s1"}`, adminHdr(srv)...),
		http.StatusBadRequest, "ERR_BAD_REQUEST")
	assertError(t, send(t, srv, "POST", path, `not json`, adminHdr(srv)...),
		http.StatusBadRequest, "ERR_BAD_REQUEST")
	assertError(t, send(t, srv, "GET", path, "", adminHdr(srv)...), http.StatusMethodNotAllowed, "ERR_METHOD_NOT_ALLOWED")
	assert.Len(t, hr.requests(), 2, "no refused request sent anything")

	bare := newServer(t)
	assertError(t, send(t, bare, "POST", path, `{"sessionId":"s1","participants":["Ann"]}`, adminHdr(bare)...),
		http.StatusConflict, "ERR_NO_WEBHOOK")
}
