package emulatorcmd

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const (
	testHookUser = "hookuser"
	testHookPass = "hookPassw0rdFromEnv"
)

// TestRun_WebhookURL: -webhook-url with the credentials in the
// environment, and a session simulated on demand over HTTP.
func TestRun_WebhookURL(t *testing.T) {
	t.Setenv(envWebhookUsername, testHookUser)
	t.Setenv(envWebhookPassword, testHookPass)
	var mu sync.Mutex
	var triggers []string
	hook := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		user, pass, ok := r.BasicAuth()
		if !ok || user != testHookUser || pass != testHookPass {
			w.WriteHeader(http.StatusUnauthorized)
			return
		}
		mu.Lock()
		defer mu.Unlock()
		triggers = append(triggers, strings.SplitN(strings.TrimPrefix(string(body), `{"trigger":"`), `"`, 2)[0])
	}))
	defer hook.Close()

	r := start(t, "-addr", "127.0.0.1:0", "-webhook-url", hook.URL+"/hooks")
	b := r.banner(t)
	assert.Equal(t, hook.URL+"/hooks", b["webhook URL"])

	base := strings.TrimSuffix(b["admin URL"], "/admin/v3.0")
	req, err := http.NewRequest(http.MethodPost, base+"/emulator/simulate-call-session",
		strings.NewReader(`{"sessionId":"standup","participants":["Ann"]}`))
	require.NoError(t, err)
	req.Header.Set("appId", "emulatorapp")
	req.Header.Set("apiKey", "emulator-rest-api-key")
	req.Header.Set("Content-Type", "application/json")
	hc := &http.Client{Transport: &http.Transport{}}
	defer hc.CloseIdleConnections()
	resp, err := hc.Do(req)
	require.NoError(t, err)
	answer, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	require.NoError(t, resp.Body.Close())
	require.Equal(t, http.StatusOK, resp.StatusCode, "%s", answer)

	mu.Lock()
	assert.Equal(t, []string{"meeting_started", "meeting_participant_joined", "meeting_participant_left",
		"meeting_ended", "recording_generated"}, triggers, "every delivery passed Basic auth")
	mu.Unlock()
	assert.Equal(t, 0, r.stop(t))
	for _, out := range []string{r.stdout.String(), r.stderr.String(), string(answer)} {
		assert.NotContains(t, out, testHookPass)
	}
}

func TestRun_WebhookURLInvalid(t *testing.T) {
	t.Setenv(envWebhookUsername, testHookUser)
	t.Setenv(envWebhookPassword, "")
	for _, args := range [][]string{
		{"-addr", "127.0.0.1:0", "-webhook-url", "ftp://127.0.0.1/hooks"},
		{"-addr", "127.0.0.1:0", "-webhook-url", "http://127.0.0.1/hooks"}, // a username without a password
	} {
		code, stdout, stderr := runNow(args...)
		assert.Equal(t, exitUsage, code, "stdout: %s\nstderr: %s", stdout, stderr)
		assert.Contains(t, stderr, "webhook")
	}
}

func TestRun_WebhookCredentialsAreNotFlags(t *testing.T) {
	t.Parallel()
	code, _, stderr := runNow("-webhook-password", "x")
	assert.Equal(t, exitUsage, code)
	assert.Contains(t, stderr, "flag provided but not defined")
	code, _, stderr = runNow("-h")
	assert.Equal(t, exitOK, code)
	assert.Contains(t, stderr, envWebhookPassword, "the help says where the password comes from")
}
