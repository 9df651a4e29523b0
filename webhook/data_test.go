package webhook_test

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cometchat-go/cometchatcalls/webhook"
)

// sample parses testdata/samples/<trigger>.json: CometChat's documented
// payload for that trigger ("Call session webhooks", "Ringing webhooks"),
// with the placeholders filled in.
func sample(t *testing.T, trigger webhook.Trigger) *webhook.Event {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", "samples", string(trigger)+".json"))
	require.NoError(t, err)
	e, err := webhook.ParseEvent(b)
	require.NoError(t, err)
	require.Equal(t, trigger, e.Trigger)
	assert.Equal(t, "app123", e.AppID)
	assert.Equal(t, "us", e.Region)
	assert.Equal(t, "wh-calls", e.WebhookID)
	return e
}

func unix(sec int64) time.Time { return time.Unix(sec, 0).UTC() }

// parse parses a body the test knows to be an event.
func parse(t *testing.T, body string) *webhook.Event {
	t.Helper()
	e, err := webhook.ParseEvent([]byte(body))
	require.NoError(t, err)
	return e
}

func TestSamples_EveryDocumentedSampleIsThere(t *testing.T) {
	files, err := filepath.Glob(filepath.Join("testdata", "samples", "*.json"))
	require.NoError(t, err)
	assert.Len(t, files, 14, "every call trigger CometChat documents a sample for (all but transcription_generated)")
}

func TestCallSession_DocumentedSamples(t *testing.T) {
	andrew := webhook.Occupant{Name: "Andrew Joseph", JoinedAt: unix(1696934692), LeftAt: unix(1696934730)}
	george2 := webhook.Occupant{Name: "George Alan", JoinedAt: unix(1696934501), LeftAt: unix(1696934553), AudioCall: true}
	andrew2 := webhook.Occupant{Name: "Andrew Joseph", JoinedAt: unix(1696934501), LeftAt: unix(1696934551), AudioCall: true}
	tests := []struct {
		trigger  webhook.Trigger
		typ      string
		want     webhook.CallSession
		occupant *webhook.Occupant
	}{
		{webhook.MeetingStarted, "meet", webhook.CallSession{SessionID: "session-1", CreatedAt: unix(1696934692)}, nil},
		{webhook.MeetingParticipantJoined, "meet", webhook.CallSession{SessionID: "session-1"},
			&webhook.Occupant{Name: "Andrew Joseph", JoinedAt: unix(1696934692)}},
		{webhook.MeetingParticipantLeft, "meet", webhook.CallSession{SessionID: "session-1"}, &andrew},
		{webhook.MeetingEnded, "meet", webhook.CallSession{SessionID: "session-1", CreatedAt: unix(1696934692),
			DestroyedAt: unix(1696934730), AllOccupants: []webhook.Occupant{andrew}}, nil},
		{webhook.CallStarted, "call", webhook.CallSession{SessionID: "session-2", CreatedAt: unix(1696934572)}, nil},
		{webhook.CallParticipantJoined, "call", webhook.CallSession{SessionID: "session-2"},
			&webhook.Occupant{Name: "Andrew Joseph", JoinedAt: unix(1696934573), AudioCall: true}},
		{webhook.CallParticipantLeft, "call", webhook.CallSession{SessionID: "session-2"}, &george2},
		{webhook.CallEnded, "call", webhook.CallSession{SessionID: "session-2", CreatedAt: unix(1696934501),
			DestroyedAt: unix(1696934553), AllOccupants: []webhook.Occupant{george2, andrew2}}, nil},
	}
	for _, tt := range tests {
		t.Run(string(tt.trigger), func(t *testing.T) {
			e := sample(t, tt.trigger)
			assert.Equal(t, tt.typ, e.Type)
			s, err := e.CallSession()
			require.NoError(t, err)
			want := tt.want
			want.Occupant = tt.occupant
			assert.Equal(t, &want, s)
		})
	}
}

func TestRecording_DocumentedSample(t *testing.T) {
	e := sample(t, webhook.RecordingGenerated)
	assert.Empty(t, e.Type, "CometChat's sample has no type")
	r, err := e.Recording()
	require.NoError(t, err)
	assert.Equal(t, &webhook.Recording{
		SessionID: "session-1",
		URL:       "https://recordings.example.com/session-1.mp4",
		StartTime: unix(1696937627),
		Duration:  21433 * time.Millisecond,
	}, r)
}

func TestCall_DocumentedSamples(t *testing.T) {
	tests := []struct {
		trigger webhook.Trigger
		want    webhook.Call
	}{
		{webhook.CallInitiated, webhook.Call{ID: "52", SessionID: "session-2", Action: "initiated", Type: "audio",
			SenderUID: "cometchat-uid-1", ReceiverUID: "cometchat-uid-5", ReceiverType: "user", SentAt: unix(1696934199)}},
		{webhook.CallBusy, webhook.Call{ID: "43414", Action: "busy", Type: "audio",
			SenderUID: "cometchat-uid-3", ReceiverUID: "cometchat-uid-1", ReceiverType: "user", SentAt: unix(1744960250)}},
		{webhook.CallCancelled, webhook.Call{ID: "43408", Action: "cancelled", Type: "audio",
			SenderUID: "cometchat-uid-4", ReceiverUID: "cometchat-uid-3", ReceiverType: "user", SentAt: unix(1744960111)}},
		{webhook.CallRejected, webhook.Call{ID: "43406", Action: "rejected", Type: "audio",
			SenderUID: "cometchat-uid-3", ReceiverUID: "cometchat-uid-4", ReceiverType: "user", SentAt: unix(1744960092)}},
		{webhook.CallUnanswered, webhook.Call{ID: "43410", Action: "unanswered", Type: "audio",
			SenderUID: "cometchat-uid-4", ReceiverUID: "cometchat-uid-3", ReceiverType: "user", SentAt: unix(1744960170)}},
	}
	for _, tt := range tests {
		t.Run(string(tt.trigger), func(t *testing.T) {
			c, err := sample(t, tt.trigger).Call()
			require.NoError(t, err)
			assert.Equal(t, &tt.want, c)
		})
	}
}

// TestAccessors_WrongTrigger calls every accessor on every documented
// sample: each trigger is readable by exactly one accessor.
func TestAccessors_WrongTrigger(t *testing.T) {
	files, err := filepath.Glob(filepath.Join("testdata", "samples", "*.json"))
	require.NoError(t, err)
	for _, f := range files {
		trigger := webhook.Trigger(filepath.Base(f[:len(f)-len(".json")]))
		t.Run(string(trigger), func(t *testing.T) {
			e := sample(t, trigger)
			_, sessErr := e.CallSession()
			_, callErr := e.Call()
			_, recErr := e.Recording()
			ok := 0
			for _, err := range []error{sessErr, callErr, recErr} {
				if err == nil {
					ok++
				} else {
					assert.ErrorIs(t, err, webhook.ErrInvalidPayload)
				}
			}
			assert.Equal(t, 1, ok, "exactly one accessor reads %s", trigger)
		})
	}
}

func TestAccessors_UnknownAndTranscriptionTriggers(t *testing.T) {
	for _, body := range []string{
		`{"trigger":"transcription_generated","data":{"sessionId":"s"}}`,
		`{"trigger":"something_new","data":{"sessionId":"s"}}`,
		`{"trigger":"meeting_ended"}`, // no data at all
	} {
		e := parse(t, body)
		_, err := e.CallSession()
		assert.ErrorIs(t, err, webhook.ErrInvalidPayload, body)
		_, err = e.Call()
		assert.ErrorIs(t, err, webhook.ErrInvalidPayload, body)
		_, err = e.Recording()
		assert.ErrorIs(t, err, webhook.ErrInvalidPayload, body)
	}
}

func TestCallSession_LenientForms(t *testing.T) {
	tests := []struct {
		name, data string
		want       webhook.CallSession
	}{
		{"numbers as strings", `{"sessionId":"s","created_at":"1696934692","destroyed_at":"1696934730"}`,
			webhook.CallSession{SessionID: "s", CreatedAt: unix(1696934692), DestroyedAt: unix(1696934730)}},
		{"lower-case sessionid", `{"sessionid":"s"}`, webhook.CallSession{SessionID: "s"}},
		{"numeric session id", `{"sessionId":12345}`, webhook.CallSession{SessionID: "12345"}},
		{"fractional seconds", `{"sessionId":"s","created_at":1696934692.5}`,
			webhook.CallSession{SessionID: "s", CreatedAt: time.Unix(1696934692, 5e8).UTC()}},
		{"null and empty times", `{"sessionId":"s","created_at":null,"destroyed_at":""}`, webhook.CallSession{SessionID: "s"}},
		{"booleans both ways", `{"sessionId":"s","all_occupants":[{"name":"a","audio_call":true},{"name":"b","audio_call":"true"},{"name":"c","audio_call":false}]}`,
			webhook.CallSession{SessionID: "s", AllOccupants: []webhook.Occupant{{Name: "a", AudioCall: true}, {Name: "b", AudioCall: true}, {Name: "c"}}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, err := parse(t, `{"trigger":"meeting_ended","data":`+tt.data+`}`).CallSession()
			require.NoError(t, err)
			assert.Equal(t, &tt.want, s)
		})
	}
}

func TestAccessors_UnreadableData(t *testing.T) {
	tests := []struct{ name, body string }{
		{"audio_call maybe", `{"trigger":"meeting_participant_joined","data":{"sessionId":"s","occupant":{"name":"a","audio_call":"maybe"}}}`},
		{"created_at yesterday", `{"trigger":"meeting_started","data":{"sessionId":"s","created_at":"yesterday"}}`},
		{"created_at NaN", `{"trigger":"meeting_started","data":{"sessionId":"s","created_at":"NaN"}}`},
		{"created_at beyond year 9999", `{"trigger":"meeting_started","data":{"sessionId":"s","created_at":1e300}}`},
		{"created_at an object", `{"trigger":"meeting_started","data":{"sessionId":"s","created_at":{}}}`},
		{"session id an array", `{"trigger":"meeting_started","data":{"sessionId":["s"]}}`},
		{"session id missing", `{"trigger":"meeting_started","data":{"created_at":1}}`},
		{"all_occupants not a list", `{"trigger":"meeting_ended","data":{"sessionId":"s","all_occupants":"x"}}`},
		{"occupant not an object", `{"trigger":"meeting_participant_left","data":{"sessionId":"s","occupant":3}}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, err := parse(t, tt.body).CallSession()
			assert.ErrorIs(t, err, webhook.ErrInvalidPayload)
			assert.Nil(t, s, "nil with every error")
		})
	}
}

func TestRecording_UnreadableData(t *testing.T) {
	for _, data := range []string{
		`{"sessionId":"s","duration":"long"}`,
		`{"sessionId":"s","duration":-1}`,
		`{"sessionId":"s","duration":"1e30"}`,
		`{"sessionId":"s","startTime":"soon"}`,
		`{"duration":"1"}`,
	} {
		r, err := parse(t, `{"trigger":"recording_generated","data":`+data+`}`).Recording()
		assert.ErrorIs(t, err, webhook.ErrInvalidPayload, data)
		assert.Nil(t, r)
	}
}

func TestCall_UnreadableData(t *testing.T) {
	for _, data := range []string{
		`{}`,
		`{"call":null}`,
		`{"call":{"sentAt":1}}`,
		`{"call":{"id":"1","sentAt":"yesterday"}}`,
		`{"call":{"id":"1","sender":{"uid":"u"}}}`,
	} {
		c, err := parse(t, `{"trigger":"call_busy","data":`+data+`}`).Call()
		assert.ErrorIs(t, err, webhook.ErrInvalidPayload, data)
		assert.Nil(t, c)
	}
}

// TestAccessors_ErrorsQuoteNothing: data comes from the network, so an
// error a server logs must not carry it (log injection, leaked content).
func TestAccessors_ErrorsQuoteNothing(t *testing.T) {
	const marker = "ZZmarkerZZ"
	e := parse(t, `{"trigger":"`+marker+`","data":{"sessionId":"`+marker+`"}}`)
	_, err := e.CallSession()
	require.Error(t, err)
	assert.NotContains(t, err.Error(), marker)

	e = parse(t, `{"trigger":"meeting_started","data":{"sessionId":"s","created_at":"`+marker+`"}}`)
	_, err = e.CallSession()
	require.Error(t, err)
	assert.NotContains(t, err.Error(), marker)
}

// TestEvent_NilIsInvalidNotAPanic: the accessors of a nil *Event return
// ErrInvalidPayload, and its key is empty.
func TestEvent_NilIsInvalidNotAPanic(t *testing.T) {
	var e *webhook.Event
	_, err := e.CallSession()
	assert.ErrorIs(t, err, webhook.ErrInvalidPayload)
	_, err = e.Call()
	assert.ErrorIs(t, err, webhook.ErrInvalidPayload)
	_, err = e.Recording()
	assert.ErrorIs(t, err, webhook.ErrInvalidPayload)
	assert.Empty(t, e.IdempotencyKey())
}
