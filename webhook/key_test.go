package webhook_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cometchat-go/cometchatcalls/webhook"
)

func TestIdempotencyKey_DocumentedKeys(t *testing.T) {
	tests := []struct {
		trigger webhook.Trigger
		want    string
	}{
		{webhook.MeetingStarted, "wh-calls:meeting_started:session-1:1696934692"},
		{webhook.MeetingParticipantJoined, "wh-calls:meeting_participant_joined:session-1:1696934692:Andrew Joseph"},
		{webhook.MeetingParticipantLeft, "wh-calls:meeting_participant_left:session-1:1696934730:Andrew Joseph"},
		{webhook.MeetingEnded, "wh-calls:meeting_ended:session-1:1696934730"},
		{webhook.RecordingGenerated, "wh-calls:recording_generated:session-1:1696937627"},
		{webhook.CallStarted, "wh-calls:call_started:session-2:1696934572"},
		{webhook.CallParticipantJoined, "wh-calls:call_participant_joined:session-2:1696934573:Andrew Joseph"},
		{webhook.CallParticipantLeft, "wh-calls:call_participant_left:session-2:1696934553:George Alan"},
		{webhook.CallEnded, "wh-calls:call_ended:session-2:1696934553"},
		{webhook.CallInitiated, "wh-calls:call_initiated:52:1696934199"},
		{webhook.CallBusy, "wh-calls:call_busy:43414:1744960250"},
		{webhook.CallCancelled, "wh-calls:call_cancelled:43408:1744960111"},
		{webhook.CallRejected, "wh-calls:call_rejected:43406:1744960092"},
		{webhook.CallUnanswered, "wh-calls:call_unanswered:43410:1744960170"},
	}
	for _, tt := range tests {
		t.Run(string(tt.trigger), func(t *testing.T) {
			assert.Equal(t, tt.want, sample(t, tt.trigger).IdempotencyKey())
		})
	}
}

func TestIdempotencyKey_NumberOrStringIsTheSameKey(t *testing.T) {
	a := parse(t, `{"trigger":"meeting_started","webhook":"w","data":{"sessionId":"s","created_at":1696934692}}`)
	b := parse(t, `{"webhook":"w","data":{"created_at":"1696934692", "sessionid":"s"},"trigger":"meeting_started"}`)
	assert.Equal(t, a.IdempotencyKey(), b.IdempotencyKey())
}

// TestIdempotencyKey_TwoJoinsInOneSecond: the documented key alone would
// drop the second participant as a duplicate.
func TestIdempotencyKey_TwoJoinsInOneSecond(t *testing.T) {
	a := parse(t, `{"trigger":"meeting_participant_joined","webhook":"w","data":{"sessionId":"s","occupant":{"joined_at":1,"name":"Ann"}}}`)
	b := parse(t, `{"trigger":"meeting_participant_joined","webhook":"w","data":{"sessionId":"s","occupant":{"joined_at":1,"name":"Bob"}}}`)
	assert.NotEqual(t, a.IdempotencyKey(), b.IdempotencyKey())
}

func TestIdempotencyKey_DiffersByWebhookTriggerAndEvent(t *testing.T) {
	keys := map[string]string{}
	for _, body := range []string{
		`{"trigger":"meeting_started","webhook":"w1","data":{"sessionId":"s","created_at":1}}`,
		`{"trigger":"meeting_started","webhook":"w2","data":{"sessionId":"s","created_at":1}}`,
		`{"trigger":"call_started","webhook":"w1","data":{"sessionId":"s","created_at":1}}`,
		`{"trigger":"meeting_started","webhook":"w1","data":{"sessionId":"s","created_at":2}}`,
		`{"trigger":"meeting_started","webhook":"w1","data":{"sessionId":"t","created_at":1}}`,
		`{"trigger":"transcription_generated","webhook":"w1","data":{"sessionId":"s"}}`,
		`{"trigger":"transcription_generated","webhook":"w1","data":{"sessionId":"t"}}`,
		`{"trigger":"meeting_started","webhook":"w1","data":{"sessionId":"s"}}`,
		`{"trigger":"meeting_started","webhook":"w1","data":{"sessionId":"t"}}`,
	} {
		k := parse(t, body).IdempotencyKey()
		assert.NotContains(t, keys, k, "%s has the key of %s", body, keys[k])
		keys[k] = body
	}
}

// TestIdempotencyKey_FallbackIsStable: without a documented key the key
// hashes the data, so a retry of the same body (even re-indented) matches.
func TestIdempotencyKey_FallbackIsStable(t *testing.T) {
	a := parse(t, `{"trigger":"transcription_generated","webhook":"w","data":{"sessionId":"s","url":"u"}}`)
	b := parse(t, "{\"trigger\":\"transcription_generated\",\"webhook\":\"w\",\"data\":{ \"sessionId\" : \"s\",\n \"url\":\"u\"}}")
	assert.Equal(t, a.IdempotencyKey(), b.IdempotencyKey())
	assert.Regexp(t, `^w:transcription_generated:[0-9a-f]{64}$`, a.IdempotencyKey())

	unreadable := parse(t, `{"trigger":"meeting_started","webhook":"w","data":{"sessionId":{"x":1},"created_at":1}}`)
	assert.Regexp(t, `^w:meeting_started:[0-9a-f]{64}$`, unreadable.IdempotencyKey())
	noData := parse(t, `{"trigger":"meeting_started","webhook":"w"}`)
	assert.Regexp(t, `^w:meeting_started:[0-9a-f]{64}$`, noData.IdempotencyKey())
}

// TestIdempotencyKey_PartsCannotRunTogether: a ":" inside a part is
// escaped, so two different joins never share a key.
func TestIdempotencyKey_PartsCannotRunTogether(t *testing.T) {
	a, err := webhook.ParseEvent([]byte(`{"trigger":"meeting_participant_joined","webhook":"w",` +
		`"data":{"sessionId":"s:1","occupant":{"name":"x","joined_at":2}}}`))
	require.NoError(t, err)
	b, err := webhook.ParseEvent([]byte(`{"trigger":"meeting_participant_joined","webhook":"w",` +
		`"data":{"sessionId":"s","occupant":{"name":"2:x","joined_at":1}}}`))
	require.NoError(t, err)
	assert.NotEqual(t, a.IdempotencyKey(), b.IdempotencyKey())
	assert.Equal(t, `w:meeting_participant_joined:s\:1:2:x`, a.IdempotencyKey())
}
