package webhook_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cometchat-go/cometchatcalls/webhook"
)

func TestParseEvent_Refuses(t *testing.T) {
	tests := []struct{ name, body string }{
		{"empty", ``},
		{"blank", " \n\t"},
		{"null", `null`},
		{"empty object", `{}`},
		{"array", `[{"trigger":"meeting_started"}]`},
		{"string", `"meeting_started"`},
		{"empty trigger", `{"trigger":"","data":{}}`},
		{"null trigger", `{"trigger":null}`},
		{"numeric trigger", `{"trigger":7}`},
		{"object trigger", `{"trigger":{"name":"meeting_started"}}`},
		{"trailing object", `{"trigger":"meeting_started"} {"trigger":"meeting_ended"}`},
		{"trailing garbage", `{"trigger":"meeting_started"}x`},
		{"truncated", `{"trigger":"meeting_started","data":{`},
		{"data a string", `{"trigger":"meeting_started","data":"{}"}`},
		{"data an array", `{"trigger":"meeting_started","data":[]}`},
		{"appId an object", `{"trigger":"meeting_started","appId":{}}`},
		{"invalid escape", `{"trigger":"a\x"}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e, err := webhook.ParseEvent([]byte(tt.body))
			assert.ErrorIs(t, err, webhook.ErrInvalidPayload)
			assert.Nil(t, e)
		})
	}
}

func TestParseEvent_UnknownTriggerParses(t *testing.T) {
	e, err := webhook.ParseEvent([]byte(`{"trigger":"message_sent","data":{"x":1},"appId":"a","region":"eu","webhook":"w","type":"chat"}`))
	require.NoError(t, err)
	assert.Equal(t, &webhook.Event{Trigger: "message_sent", AppID: "a", Region: "eu", WebhookID: "w", Type: "chat",
		Data: json.RawMessage(`{"x":1}`)}, e)
}

func TestParseEvent_Envelope(t *testing.T) {
	t.Run("surrounding whitespace and no data", func(t *testing.T) {
		e, err := webhook.ParseEvent([]byte("\n {\"trigger\":\"meeting_started\"}\n"))
		require.NoError(t, err)
		assert.Equal(t, webhook.MeetingStarted, e.Trigger)
		assert.Nil(t, e.Data)
	})
	t.Run("null data", func(t *testing.T) {
		e := parse(t, `{"trigger":"meeting_started","data":null}`)
		assert.Nil(t, e.Data)
	})
	t.Run("a numeric webhook id", func(t *testing.T) {
		e := parse(t, `{"trigger":"meeting_started","webhook":42}`)
		assert.Equal(t, "42", e.WebhookID)
	})
	t.Run("data is a copy", func(t *testing.T) {
		body := []byte(`{"trigger":"meeting_started","data":{"sessionId":"s"}}`)
		e := parse(t, string(body))
		e2, err := webhook.ParseEvent(body)
		require.NoError(t, err)
		for i := range body {
			body[i] = ' '
		}
		assert.JSONEq(t, `{"sessionId":"s"}`, string(e2.Data), "the caller may reuse its buffer")
		assert.Equal(t, e.Data, e2.Data)
	})
}

// TestParseEvent_ErrorsQuoteNothing: a body that is not an event may be
// anything an attacker sent; the error a server logs must not repeat it.
func TestParseEvent_ErrorsQuoteNothing(t *testing.T) {
	const marker = "ZZmarkerZZ"
	for _, body := range []string{
		marker,
		`{"trigger":"` + marker + `"} ` + marker,
		`{"trigger":{"` + marker + `":1}}`,
		`{"trigger":"a","data":"` + marker + `"}`,
		`{"trigger":"a","appId":["` + marker + `"]}`,
		`{"` + marker + `":` + strings.Repeat("[", 20),
	} {
		_, err := webhook.ParseEvent([]byte(body))
		require.Error(t, err)
		assert.NotContains(t, err.Error(), marker)
	}
}
