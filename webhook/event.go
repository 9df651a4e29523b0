package webhook

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
)

// Trigger names the event a webhook reports, as CometChat spells it in the
// payload's "trigger" field.
type Trigger string

// The call triggers CometChat documents. An Event may carry any other
// trigger as well: ParseEvent accepts triggers it does not know, so that a
// trigger CometChat adds later does not turn into a failed delivery.
const (
	// Ringing calls (initiated through the Chat SDK).
	CallInitiated         Trigger = "call_initiated"
	CallStarted           Trigger = "call_started"
	CallParticipantJoined Trigger = "call_participant_joined"
	CallParticipantLeft   Trigger = "call_participant_left"
	CallEnded             Trigger = "call_ended"
	CallBusy              Trigger = "call_busy"
	CallCancelled         Trigger = "call_cancelled"
	CallRejected          Trigger = "call_rejected"
	CallUnanswered        Trigger = "call_unanswered"

	// Call sessions (joined directly with a session ID).
	MeetingStarted           Trigger = "meeting_started"
	MeetingParticipantJoined Trigger = "meeting_participant_joined"
	MeetingParticipantLeft   Trigger = "meeting_participant_left"
	MeetingEnded             Trigger = "meeting_ended"

	// Both kinds.
	RecordingGenerated     Trigger = "recording_generated"
	TranscriptionGenerated Trigger = "transcription_generated"
)

// known lists the documented triggers.
var known = []Trigger{
	CallInitiated, CallStarted, CallParticipantJoined, CallParticipantLeft, CallEnded,
	CallBusy, CallCancelled, CallRejected, CallUnanswered,
	MeetingStarted, MeetingParticipantJoined, MeetingParticipantLeft, MeetingEnded,
	RecordingGenerated, TranscriptionGenerated,
}

// name is t for error messages: a documented trigger by its name, any
// other by a description, since its text came from the network and may
// be anything (a megabyte, control characters).
func (t Trigger) name() string {
	if slices.Contains(known, t) {
		return string(t)
	}
	return "an unknown trigger"
}

// Errors to test with errors.Is. Errors returned by this package wrap one
// of them and add which field was wrong, never a value from the request.
var (
	// ErrUnauthorized: the request carries no Basic auth credentials, or
	// not the Verifier's.
	ErrUnauthorized = errors.New("webhook: unauthorized")
	// ErrInvalidPayload: the body is not a webhook event, or an accessor
	// cannot read the event's data (wrong trigger, unreadable field).
	ErrInvalidPayload = errors.New("webhook: invalid payload")
)

// invalid returns an error wrapping ErrInvalidPayload.
func invalid(format string, args ...any) error {
	return fmt.Errorf("%w: %s", ErrInvalidPayload, fmt.Sprintf(format, args...))
}

// Event is one webhook delivery. Data is the raw "data" object, whose shape
// depends on Trigger; read it with CallSession, Call or Recording, or
// decode it yourself for a trigger they do not cover.
type Event struct {
	Trigger   Trigger
	AppID     string
	Region    string
	WebhookID string          // the ID of the webhook configured in CometChat
	Type      string          // "call" or "meet"; empty on triggers that carry none (recording_generated)
	Data      json.RawMessage // the raw data object; nil when the payload has none
}

// envelope is the payload's top level. Strings are read leniently, like
// every field of the data, so that a number where a string is expected
// does not fail a delivery.
type envelope struct {
	Trigger   *flexString     `json:"trigger"`
	AppID     flexString      `json:"appId"`
	Region    flexString      `json:"region"`
	WebhookID flexString      `json:"webhook"`
	Type      flexString      `json:"type"`
	Data      json.RawMessage `json:"data"`
}

// ParseEvent parses a webhook body. It checks no credentials: use
// Verifier.Parse or Handler on a request. It fails, with an error wrapping
// ErrInvalidPayload, when body is not one JSON object (trailing bytes
// included), when the object has no non-empty string "trigger" (so {} and
// null fail), or when "data" is present but neither an object nor null. An
// unknown trigger parses.
func ParseEvent(body []byte) (*Event, error) {
	trimmed := bytes.TrimSpace(body)
	if len(trimmed) == 0 || trimmed[0] != '{' {
		return nil, invalid("the body is not a JSON object")
	}
	var env envelope
	if err := json.Unmarshal(trimmed, &env); err != nil {
		return nil, invalid("the body is not a webhook event: %s", describeJSONError(err))
	}
	if env.Trigger == nil || !env.Trigger.wasString || env.Trigger.s == "" {
		return nil, invalid("trigger is missing, empty or not a string")
	}
	e := &Event{
		Trigger:   Trigger(env.Trigger.s),
		AppID:     env.AppID.s,
		Region:    env.Region.s,
		WebhookID: env.WebhookID.s,
		Type:      env.Type.s,
	}
	switch d := bytes.TrimSpace(env.Data); {
	case len(d) == 0 || string(d) == "null":
	case d[0] == '{':
		e.Data = d
	default:
		return nil, invalid("data is not an object")
	}
	return e, nil
}

// describeJSONError says what encoding/json found wrong without quoting
// the input: a syntax error names the offset, a type error the field.
func describeJSONError(err error) string {
	var syn *json.SyntaxError
	var typ *json.UnmarshalTypeError
	var val *valueError
	switch {
	case errors.As(err, &val):
		return val.Error()
	case errors.As(err, &syn):
		return fmt.Sprintf("invalid JSON at byte %d", syn.Offset)
	case errors.As(err, &typ):
		if typ.Field != "" {
			return fmt.Sprintf("%s has the wrong type", typ.Field)
		}
		return "a value has the wrong type"
	}
	return "invalid JSON"
}
