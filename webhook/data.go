package webhook

import (
	"encoding/json"
	"slices"
	"time"
)

// CallSession is the data of a call-session trigger. Fields the trigger
// does not carry stay zero: only participant_joined and participant_left
// have an Occupant, only ended has DestroyedAt and AllOccupants.
type CallSession struct {
	SessionID    string
	CreatedAt    time.Time // zero when absent
	DestroyedAt  time.Time
	Occupant     *Occupant  // participant_joined / participant_left
	AllOccupants []Occupant // ended
}

// Occupant is a participant of a call session. CometChat identifies
// occupants by their display name only: there is no UID.
type Occupant struct {
	Name      string
	JoinedAt  time.Time
	LeftAt    time.Time // zero until the occupant has left
	AudioCall bool
}

// Recording is the data of recording_generated.
type Recording struct {
	SessionID string
	URL       string // may need a pre-signed URL when token-based file access is on
	StartTime time.Time
	Duration  time.Duration
}

// Call is the call message of a ringing trigger (call_initiated, call_busy,
// call_cancelled, call_rejected, call_unanswered). SessionID is set only
// where CometChat sends one (call_initiated).
type Call struct {
	ID, SessionID, Action, Type, SenderUID, ReceiverUID, ReceiverType string
	SentAt                                                            time.Time
}

var (
	sessionTriggers = []Trigger{
		MeetingStarted, MeetingParticipantJoined, MeetingParticipantLeft, MeetingEnded,
		CallStarted, CallParticipantJoined, CallParticipantLeft, CallEnded,
	}
	callTriggers = []Trigger{CallInitiated, CallBusy, CallCancelled, CallRejected, CallUnanswered}
)

// encoding/json matches keys case-insensitively, so the "sessionId" tags
// below also read the "sessionid" that some payloads send.
type rawOccupant struct {
	Name      flexString `json:"name"`
	JoinedAt  flexTime   `json:"joined_at"`
	LeftAt    flexTime   `json:"left_at"`
	AudioCall flexBool   `json:"audio_call"`
}

func (o rawOccupant) occupant() Occupant {
	return Occupant{Name: o.Name.s, JoinedAt: o.JoinedAt.t, LeftAt: o.LeftAt.t, AudioCall: bool(o.AudioCall)}
}

// CallSession reads the data of a meeting_* trigger, or of call_started,
// call_participant_joined, call_participant_left or call_ended. Another
// trigger, data it cannot read, or a missing session ID is an error wrapping
// ErrInvalidPayload.
func (e *Event) CallSession() (*CallSession, error) {
	var d struct {
		SessionID    flexString    `json:"sessionId"`
		CreatedAt    flexTime      `json:"created_at"`
		DestroyedAt  flexTime      `json:"destroyed_at"`
		Occupant     *rawOccupant  `json:"occupant"`
		AllOccupants []rawOccupant `json:"all_occupants"`
	}
	if err := e.decode(sessionTriggers, &d); err != nil {
		return nil, err
	}
	if d.SessionID.s == "" {
		return nil, invalid("%s: data.sessionId is missing", e.Trigger.name())
	}
	s := &CallSession{SessionID: d.SessionID.s, CreatedAt: d.CreatedAt.t, DestroyedAt: d.DestroyedAt.t}
	if d.Occupant != nil {
		o := d.Occupant.occupant()
		s.Occupant = &o
	}
	for _, o := range d.AllOccupants {
		s.AllOccupants = append(s.AllOccupants, o.occupant())
	}
	return s, nil
}

// Recording reads the data of recording_generated. Another trigger, data
// it cannot read, or a missing session ID is an error wrapping
// ErrInvalidPayload.
func (e *Event) Recording() (*Recording, error) {
	var d struct {
		SessionID flexString   `json:"sessionId"`
		URL       flexString   `json:"recording_url"`
		StartTime flexTime     `json:"startTime"`
		Duration  flexDuration `json:"duration"`
	}
	if err := e.decode([]Trigger{RecordingGenerated}, &d); err != nil {
		return nil, err
	}
	if d.SessionID.s == "" {
		return nil, invalid("%s: data.sessionId is missing", e.Trigger.name())
	}
	return &Recording{SessionID: d.SessionID.s, URL: d.URL.s, StartTime: d.StartTime.t, Duration: time.Duration(d.Duration)}, nil
}

// rawCall is data.call of a ringing trigger.
type rawCall struct {
	ID           flexString `json:"id"`
	SessionID    flexString `json:"sessionId"`
	Sender       flexString `json:"sender"`
	Receiver     flexString `json:"receiver"`
	ReceiverType flexString `json:"receiverType"`
	Type         flexString `json:"type"`
	SentAt       flexTime   `json:"sentAt"`
	Data         struct {
		Action   flexString `json:"action"`
		Entities struct {
			On struct {
				Entity struct {
					SessionID flexString `json:"sessionid"`
				} `json:"entity"`
			} `json:"on"`
		} `json:"entities"`
	} `json:"data"`
}

// Call reads data.call of call_initiated, call_busy, call_cancelled,
// call_rejected or call_unanswered. Another trigger, data it cannot read, or
// a missing call ID is an error wrapping ErrInvalidPayload.
func (e *Event) Call() (*Call, error) {
	var d struct {
		Call *rawCall `json:"call"`
	}
	if err := e.decode(callTriggers, &d); err != nil {
		return nil, err
	}
	if d.Call == nil || d.Call.ID.s == "" {
		return nil, invalid("%s: data.call.id is missing", e.Trigger.name())
	}
	c := d.Call
	session := c.Data.Entities.On.Entity.SessionID.s
	if session == "" {
		session = c.SessionID.s
	}
	return &Call{
		ID: c.ID.s, SessionID: session, Action: c.Data.Action.s, Type: c.Type.s,
		SenderUID: c.Sender.s, ReceiverUID: c.Receiver.s, ReceiverType: c.ReceiverType.s,
		SentAt: c.SentAt.t,
	}, nil
}

// decode checks that e's trigger is one of want and decodes its data into v.
func (e *Event) decode(want []Trigger, v any) error {
	if e == nil {
		return invalid("no event")
	}
	if !slices.Contains(want, e.Trigger) {
		return invalid("%s does not carry this data", e.Trigger.name())
	}
	if len(e.Data) == 0 {
		return invalid("%s: data is missing", e.Trigger.name())
	}
	if err := json.Unmarshal(e.Data, v); err != nil {
		return invalid("%s: data: %s", e.Trigger.name(), describeJSONError(err))
	}
	return nil
}
