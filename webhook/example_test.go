package webhook_test

import (
	"context"
	"fmt"
	"net/http/httptest"

	"github.com/cometchat-go/cometchatcalls/cometchatcallstest"
	"github.com/cometchat-go/cometchatcalls/webhook"
)

// The emulator in cometchatcallstest plays CometChat: it delivers a
// simulated call session's webhooks to the handler.
func ExampleHandler() {
	v, err := webhook.NewVerifier("cometchat", "a-long-random-password")
	if err != nil {
		fmt.Println(err)
		return
	}
	h := webhook.Handler(v, func(ctx context.Context, e *webhook.Event) error {
		if e.Trigger != webhook.MeetingEnded {
			return nil
		}
		s, err := e.CallSession()
		if err != nil {
			return err // 500: CometChat retries
		}
		fmt.Println(s.SessionID, "ended after", s.DestroyedAt.Sub(s.CreatedAt), "with", len(s.AllOccupants), "participants")
		return nil
	})
	backend := httptest.NewServer(h) // use HTTPS in production
	defer backend.Close()

	cometchat := cometchatcallstest.NewServer(cometchatcallstest.WithWebhook(cometchatcallstest.Webhook{
		URL: backend.URL, Username: "cometchat", Password: "a-long-random-password",
	}))
	defer cometchat.Close()
	if err := cometchat.SimulateCallSession(context.Background(), "standup", "Andrew Joseph", "George Alan"); err != nil {
		fmt.Println(err)
		return
	}
	for _, d := range cometchat.Deliveries() {
		fmt.Println(d.Trigger, d.Status)
	}
	// Output:
	// standup ended after 5m0s with 2 participants
	// meeting_started 200
	// meeting_participant_joined 200
	// meeting_participant_joined 200
	// meeting_participant_left 200
	// meeting_participant_left 200
	// meeting_ended 200
	// recording_generated 200
}

func ExampleParseEvent() {
	body := []byte(`{
		"trigger": "meeting_ended",
		"data": {
			"all_occupants": [
				{"joined_at": 1696934692, "audio_call": "false", "left_at": 1696934730, "name": "Andrew Joseph"}
			],
			"destroyed_at": 1696934730,
			"created_at": 1696934692,
			"sessionId": "v1.us.app.session"
		},
		"type": "meet", "appId": "app", "region": "us", "webhook": "billing"
	}`)
	e, err := webhook.ParseEvent(body)
	if err != nil {
		fmt.Println(err)
		return
	}
	s, err := e.CallSession()
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(e.Trigger, s.SessionID, s.DestroyedAt.Sub(s.CreatedAt))
	for _, o := range s.AllOccupants {
		fmt.Println(o.Name, o.LeftAt.Sub(o.JoinedAt), "audio only:", o.AudioCall)
	}
	// Output:
	// meeting_ended v1.us.app.session 38s
	// Andrew Joseph 38s audio only: false
}

func ExampleEvent_IdempotencyKey() {
	// The same event delivered twice, once with the timestamp as a string:
	// the key is the same, so the second delivery can be dropped.
	first, _ := webhook.ParseEvent([]byte(`{"trigger":"meeting_started","webhook":"billing",
		"data":{"sessionId":"s1","created_at":1696934692}}`))
	retry, _ := webhook.ParseEvent([]byte(`{"trigger":"meeting_started","webhook":"billing",
		"data":{"sessionId":"s1","created_at":"1696934692"}}`))
	fmt.Println(first.IdempotencyKey())
	fmt.Println(first.IdempotencyKey() == retry.IdempotencyKey())
	// Output:
	// billing:meeting_started:s1:1696934692
	// true
}

func ExampleEvent_Recording() {
	e, _ := webhook.ParseEvent([]byte(`{"trigger":"recording_generated","data":{
		"recordingDate":"2023-10-10","duration":"21.433000","startTime":"1696937627",
		"sessionId":"s1","recording_url":"https://example.com/s1.mp4"}}`))
	r, err := e.Recording()
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(r.URL, r.Duration, r.StartTime.Format("2006-01-02 15:04:05 MST"))
	// Output: https://example.com/s1.mp4 21.433s 2023-10-10 11:33:47 UTC
}
