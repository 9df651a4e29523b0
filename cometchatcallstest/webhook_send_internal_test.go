package cometchatcallstest

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestAttempt_TimesOut(t *testing.T) {
	t.Parallel()
	assert.Equal(t, 2*time.Second, newWebhookSender(nil).timeout, "CometChat waits 2 s")

	release := make(chan struct{})
	slow := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		select {
		case <-r.Context().Done():
		case <-release:
		}
	}))
	defer slow.Close()
	defer close(release)
	ws := newWebhookSender([]Webhook{{URL: slow.URL}})
	defer ws.close()
	ws.timeout = time.Millisecond // the 2 s, shortened

	d := ws.deliver(context.Background(), outgoing{hook: ws.hooks[0], trigger: "meeting_started", body: []byte(`{}`)})
	require.ErrorIs(t, d.Err, context.DeadlineExceeded)
	assert.Zero(t, d.Status)
	assert.Equal(t, []Delivery{d}, ws.deliveries())
}
