package webhook

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"strings"
)

// IdempotencyKey returns the key to deduplicate e on: the same for every
// delivery of one event (retries included), different for different events.
//
// It is the key CometChat documents for e.Trigger, its parts joined with
// ":": webhook + trigger + data.sessionId + data.created_at (started),
// + data.occupant.joined_at (participant joined), + data.occupant.left_at
// (participant left), + data.destroyed_at (ended), + data.startTime
// (recording_generated), and webhook + trigger + data.call.id +
// data.call.sentAt for the ringing triggers. Participant events add the
// occupant's name: the documented key alone is the same for two people who
// join or leave in the same second, and would drop one of them. An
// integer timestamp counts the same whether it came as a number or a
// string. A ":" or a backslash inside a part is escaped with a backslash,
// so that no two different events join to the same key.
//
// For any other trigger (transcription_generated, unknown ones), or when
// the data lacks a part of the key, the key is webhook + trigger + a
// SHA-256 of the data, which is still the same for every delivery of the
// same body. IdempotencyKey never fails; a nil Event's key is "".
func (e *Event) IdempotencyKey() string {
	if e == nil {
		return ""
	}
	parts := []string{e.WebhookID, string(e.Trigger)}
	if rest, ok := e.keyParts(); ok {
		parts = append(parts, rest...)
	} else {
		parts = append(parts, e.dataHash())
	}
	for i, p := range parts {
		parts[i] = keyEscaper.Replace(p)
	}
	return strings.Join(parts, ":")
}

// keyEscaper escapes the separator and the escape character in a part.
var keyEscaper = strings.NewReplacer(`\`, `\\`, ":", `\:`)

// keyParts returns the documented parts of e's key after the trigger; ok
// is false when the trigger has no documented key or a part is missing.
func (e *Event) keyParts() ([]string, bool) {
	var d struct {
		SessionID   flexString `json:"sessionId"`
		CreatedAt   flexString `json:"created_at"`
		DestroyedAt flexString `json:"destroyed_at"`
		StartTime   flexString `json:"startTime"`
		Occupant    struct {
			Name     flexString `json:"name"`
			JoinedAt flexString `json:"joined_at"`
			LeftAt   flexString `json:"left_at"`
		} `json:"occupant"`
		Call struct {
			ID     flexString `json:"id"`
			SentAt flexString `json:"sentAt"`
		} `json:"call"`
	}
	if len(e.Data) == 0 || json.Unmarshal(e.Data, &d) != nil {
		return nil, false
	}
	var parts []flexString
	switch e.Trigger {
	case MeetingStarted, CallStarted:
		parts = []flexString{d.SessionID, d.CreatedAt}
	case MeetingParticipantJoined, CallParticipantJoined:
		parts = []flexString{d.SessionID, d.Occupant.JoinedAt, d.Occupant.Name}
	case MeetingParticipantLeft, CallParticipantLeft:
		parts = []flexString{d.SessionID, d.Occupant.LeftAt, d.Occupant.Name}
	case MeetingEnded, CallEnded:
		parts = []flexString{d.SessionID, d.DestroyedAt}
	case RecordingGenerated:
		parts = []flexString{d.SessionID, d.StartTime}
	case CallInitiated, CallBusy, CallCancelled, CallRejected, CallUnanswered:
		parts = []flexString{d.Call.ID, d.Call.SentAt}
	default:
		return nil, false
	}
	out := make([]string, len(parts))
	for i, p := range parts {
		if p.s == "" {
			return nil, false
		}
		out[i] = p.s
	}
	return out, true
}

// dataHash is the hex SHA-256 of e.Data without insignificant whitespace.
func (e *Event) dataHash() string {
	var buf bytes.Buffer
	b := []byte(e.Data)
	if json.Compact(&buf, b) == nil {
		b = buf.Bytes()
	}
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}
