package cometchatcallstest

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"time"
)

// simulatedLength is how long a simulated call session lasts: it ends when
// SimulateCallSession is called and started this long before, so that no
// timestamp lies in the future.
const simulatedLength = 5 * time.Minute

// maxSimulatedParticipants bounds a simulated session: its participants
// join and leave one second apart within simulatedLength (so at most 150
// fit), and each costs two deliveries per webhook.
const maxSimulatedParticipants = 100

// SimulateCallSession plays a call session that has just ended: sessionID
// started simulatedLength (5 minutes) ago on the server's clock, the
// participants (display names; CometChat sends no UIDs) joined one second
// apart and left one second apart, the last one now. It sends, to each
// registered webhook whose Triggers match and in this order:
// meeting_started, one meeting_participant_joined per participant, one
// meeting_participant_left per participant, meeting_ended (with
// all_occupants) and recording_generated, in the shapes CometChat
// documents: booleans and some numbers as strings, "type":"meet" on the
// meeting events and no type on recording_generated.
//
// Each POST carries Content-Type: application/json and, when the webhook
// has a Username, Basic auth, and waits at most 2 s for the answer.
// SimulateCallSession returns once every first attempt is done; retries
// (Webhook.RetryOnFailure) go on in the background until they succeed, run
// out or Close ends them. A failed delivery is not an error: it is in
// Deliveries. At most 1,000 deliveries wait to be retried at a time; a
// failure beyond that is not retried, and its Delivery says so. The error
// is for bad input (an empty session ID or name, a session ID over 255
// bytes, no participant or more than 100), no webhook registered, a closed
// server, or ctx done, in which case it wraps ctx.Err() and the remaining
// events are not sent.
//
// Over HTTP (POST /emulator/simulate-call-session) the answer waits for
// the first attempts too: up to 2 s per event and webhook with a receiver
// that does not answer, longer than cmd/cometchat-emulator's 30 s write
// timeout for more than a few participants. Shutdown and Close cut such a
// simulation short.
func (s *Server) SimulateCallSession(ctx context.Context, sessionID string, participants ...string) error {
	_, err := s.simulateCallSession(ctx, sessionID, participants)
	return err
}

// Deliveries returns every delivery attempt so far, first attempts and
// retries, in the order they ended. The log keeps the newest 10,000.
func (s *Server) Deliveries() []Delivery { return s.webhooks.deliveries() }

var errSimulationClosed = errors.New("cometchatcallstest: the server is closed")

// simulationError is SimulateCallSession's error for bad input.
type simulationError struct{ err error }

func (e *simulationError) Error() string { return e.err.Error() }
func (e *simulationError) Unwrap() error { return e.err }

func (s *Server) simulateCallSession(ctx context.Context, sessionID string, participants []string) ([]Delivery, error) {
	if err := checkSimulation(sessionID, participants); err != nil {
		return nil, &simulationError{err}
	}
	if len(s.webhooks.hooks) == 0 {
		return nil, errNoWebhook
	}
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("cometchatcallstest: %w", err)
	}
	if !s.webhooks.enter() {
		return nil, errSimulationClosed
	}
	defer s.webhooks.work.Done()
	var out []Delivery
	for _, ev := range s.callSessionEvents(sessionID, participants) {
		for _, h := range s.webhooks.hooks {
			if !h.wants(ev.trigger) {
				continue
			}
			out = append(out, s.webhooks.deliver(ctx, outgoing{hook: h, trigger: ev.trigger, body: ev.body(h.ID)}))
			if err := ctx.Err(); err != nil {
				return out, fmt.Errorf("cometchatcallstest: %w", err)
			}
			if s.webhooks.ctx.Err() != nil {
				return out, errSimulationClosed
			}
		}
	}
	return out, nil
}

// event is one trigger's payload, waiting for the webhook's ID.
type event struct {
	trigger string
	typ     string // "meet", or "" for none
	data    any
	appID   string
	region  string
}

// body encodes e as CometChat sends it to the webhook id.
func (e event) body(id string) []byte {
	b, _ := json.Marshal(struct { // only plain strings and numbers: cannot fail
		Trigger string `json:"trigger"`
		Data    any    `json:"data"`
		Type    string `json:"type,omitempty"`
		AppID   string `json:"appId"`
		Region  string `json:"region"`
		Webhook string `json:"webhook"`
	}{e.trigger, e.data, e.typ, e.appID, e.region, id})
	return b
}

// occupant is a participant in CometChat's shape: the name only, times as
// numbers, audio_call as a string.
type occupant struct {
	JoinedAt  int64  `json:"joined_at"`
	AudioCall string `json:"audio_call"`
	LeftAt    int64  `json:"left_at,omitempty"`
	Name      string `json:"name"`
}

// initialConfig is the Calls SDK's configuration as CometChat reports it on
// a join: every value a string.
var initialConfig = map[string]string{
	"is_video_muted": "false", "start_recording_on_call_start": "false", "call_version": "2.3.0",
	"is_audio_muted": "false", "sdk": "javascript", "mode": "DEFAULT", "platform": "web", "is_audio_only": "false",
}

// callSessionEvents builds the events of a session that ends now.
func (s *Server) callSessionEvents(sessionID string, participants []string) []event {
	end := s.cfg.clock().Unix()
	start := end - int64(simulatedLength/time.Second)
	n := int64(len(participants))
	mk := func(trigger, typ string, data any) event {
		return event{trigger: trigger, typ: typ, data: data, appID: s.cfg.appID, region: s.cfg.region}
	}
	occupants := make([]occupant, n)
	for i, name := range participants {
		occupants[i] = occupant{JoinedAt: start + int64(i), AudioCall: "false", LeftAt: end - (n - 1 - int64(i)), Name: name}
	}
	evs := []event{mk("meeting_started", "meet", map[string]any{"created_at": start, "sessionId": sessionID})}
	for _, o := range occupants {
		joined := o
		joined.LeftAt = 0
		evs = append(evs, mk("meeting_participant_joined", "meet", map[string]any{
			"occupant": joined, "initial_config": initialConfig, "sessionId": sessionID}))
	}
	for _, o := range occupants {
		evs = append(evs, mk("meeting_participant_left", "meet", map[string]any{"occupant": o, "sessionId": sessionID}))
	}
	evs = append(evs, mk("meeting_ended", "meet", map[string]any{
		"all_occupants": occupants, "destroyed_at": end, "created_at": start, "sessionId": sessionID}))
	evs = append(evs, mk("recording_generated", "", map[string]any{
		"recordingDate": time.Unix(start, 0).UTC().Format(time.DateOnly),
		"duration":      fmt.Sprintf("%.6f", simulatedLength.Seconds()),
		"startTime":     fmt.Sprint(start),
		"sessionId":     sessionID,
		// Not served: a recording exists only in name.
		"recording_url": "https://recordings.emulator.invalid/" + url.PathEscape(s.cfg.appID) + "/" + url.PathEscape(sessionID) + ".mp4",
	}))
	return evs
}

// POST /emulator/simulate-call-session, REST API key, body {"sessionId":
// "…", "participants": ["…", …]}: SimulateCallSession on demand, for
// cmd/cometchat-emulator. The answer lists the first attempts.
func (s *Server) simulateRoute(w http.ResponseWriter, r *http.Request) *apiError {
	var b struct {
		SessionID    string   `json:"sessionId"`
		Participants []string `json:"participants"`
	}
	if e := decodeBody(r, &b); e != nil {
		return e
	}
	ds, err := s.simulateCallSession(r.Context(), b.SessionID, b.Participants)
	var bad *simulationError
	switch {
	case errors.As(err, &bad):
		return errBadRequest(nil, "%v.", err)
	case errors.Is(err, errNoWebhook):
		return newAPIError(http.StatusConflict, "ERR_NO_WEBHOOK", "%v.", err)
	case err != nil:
		return newAPIError(http.StatusServiceUnavailable, "ERR_SERVICE_UNAVAILABLE", "%v.", err)
	}
	type attempt struct {
		WebhookID string `json:"webhookId"`
		Trigger   string `json:"trigger"`
		Status    int    `json:"status"`
		Error     string `json:"error,omitempty"`
	}
	out := make([]attempt, len(ds))
	for i, d := range ds {
		out[i] = attempt{WebhookID: d.WebhookID, Trigger: d.Trigger, Status: d.Status}
		if d.Err != nil {
			out[i].Error = d.Err.Error()
		}
	}
	writeData(w, map[string]any{"sessionId": b.SessionID, "deliveries": out})
	return nil
}
