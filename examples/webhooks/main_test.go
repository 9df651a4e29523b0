package main

import (
	"bytes"
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"

	"github.com/cometchat-go/cometchatcalls/webhook"
)

// TestMain also proves that run stops everything it starts: the backend,
// the emulator and the emulator's retries.
func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

func TestRun(t *testing.T) {
	var out bytes.Buffer
	require.NoError(t, run(context.Background(), &out))
	assert.Equal(t, `meeting standup ended: 5m0s, 2 participants (Andrew Joseph 4m59s, George Alan 4m59s)
meeting design-review ended: 5m0s, 3 participants (Andrew Joseph 4m58s, Nancy Grace 4m58s, Susan Marie 4m58s)
ignored 1 repeated delivery (its first answer was lost, so CometChat sent it again)
`, out.String(), "one line per ended meeting, the repeat ignored")
}

func TestBackend_OtherAppsAndConcurrentRepeats(t *testing.T) {
	var out bytes.Buffer
	b := &backend{out: &out, appID: "myapp", keys: newDedupe()}
	ended := func(app string) *webhook.Event {
		e, err := webhook.ParseEvent([]byte(`{"trigger":"meeting_ended","appId":"` + app + `","webhook":"w",
			"data":{"sessionId":"s","created_at":1,"destroyed_at":61}}`))
		require.NoError(t, err)
		return e
	}
	require.NoError(t, b.handle(context.Background(), ended("otherapp")))
	assert.Empty(t, out.String(), "another app's event is acknowledged, not acted on")

	e := ended("myapp")
	require.Equal(t, fresh, b.keys.begin(e.IdempotencyKey())) // a delivery of it is being handled
	assert.Error(t, b.handle(context.Background(), e), "a concurrent repeat asks for a retry")
	b.keys.finish(e.IdempotencyKey(), false) // ...and that delivery failed
	require.NoError(t, b.handle(context.Background(), e))
	require.NoError(t, b.handle(context.Background(), e))
	assert.Equal(t, "meeting s ended: 1m0s, 0 participants ()\n", out.String())
	assert.Equal(t, 1, b.keys.repeats())
}
