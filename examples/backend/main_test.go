package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"

	"github.com/cometchat-go/cometchatcalls"
	"github.com/cometchat-go/cometchatcalls/cometchatcallstest"
	"github.com/cometchat-go/cometchatcalls/examples/internal/exampleenv"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

func noEnv(string) string { return "" }

func TestRun_OnTheEmulator(t *testing.T) {
	var out bytes.Buffer
	require.NoError(t, run(context.Background(), &out, noEnv))
	s := out.String()
	assert.Contains(t, s, "using the embedded CometChat emulator")
	assert.Contains(t, s, "backend: listening on http://127.0.0.1:")
	assert.Contains(t, s, "backend: created the CometChat user backend-demo-alice\n"+
		`backend: issued AuthToken{UID:"backend-demo-alice" Token:[REDACTED] CreatedAt:`)
	assert.Contains(t, s, "app: got an auth token from the backend\n"+
		"app: logged in as Alice Demo (uid backend-demo-alice, status online)\n"+
		`app: got a call token: CallToken{SessionID:"backend-demo-standup" Token:[REDACTED]}`+"\n"+
		"app: logged out\n")
	assert.False(t, strings.Contains(s, cometchatcallstest.DefaultAPIKey), "the API key is never printed")
	assert.False(t, strings.Contains(s, "backend-demo-alice_"), "no auth token ({uid}_…) is printed")
}

func TestRun_PartialEnvironment(t *testing.T) {
	env := map[string]string{exampleenv.VarAppID: "abc"}
	var out bytes.Buffer
	err := run(context.Background(), &out, func(k string) string { return env[k] })
	var missing *exampleenv.MissingError
	require.ErrorAs(t, err, &missing)
	assert.Contains(t, err.Error(), exampleenv.VarRegion)
	assert.Contains(t, err.Error(), exampleenv.VarAPIKey)
}

// backendFor serves a backend for srv whose AdminClient uses key, and
// returns its URL and log.
func backendFor(t *testing.T, srv *cometchatcallstest.Server, key string) (string, *syncWriter) {
	t.Helper()
	admin, err := cometchatcalls.NewAdminClient(srv.AppID(), srv.Region(), key, srv.ClientOptions()...)
	require.NoError(t, err)
	t.Cleanup(func() { _ = admin.Close() })
	log := &syncWriter{w: &bytes.Buffer{}}
	hs := httptest.NewServer((&backend{admin: admin, log: log}).routes())
	t.Cleanup(hs.Close)
	return hs.URL, log
}

func (s *syncWriter) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.w.(*bytes.Buffer).String()
}

// post sends method /cometchat/token with the given Authorization header
// and returns the answer with its body read.
func post(t *testing.T, method, url, authorization string) *http.Response {
	t.Helper()
	req, err := http.NewRequest(method, url+"/cometchat/token", nil)
	require.NoError(t, err)
	if authorization != "" {
		req.Header.Set("Authorization", authorization)
	}
	hc := &http.Client{Transport: &http.Transport{}}
	defer hc.CloseIdleConnections()
	resp, err := hc.Do(req)
	require.NoError(t, err)
	body, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	_ = resp.Body.Close() // the connection goes idle, and is closed on return
	resp.Body = io.NopCloser(bytes.NewReader(body))
	return resp
}

func tokenOf(t *testing.T, resp *http.Response) string {
	t.Helper()
	require.Equal(t, http.StatusOK, resp.StatusCode)
	assert.Equal(t, "application/json", resp.Header.Get("Content-Type"))
	assert.Equal(t, "no-store", resp.Header.Get("Cache-Control"))
	var body tokenResponse
	require.NoError(t, json.NewDecoder(resp.Body).Decode(&body))
	require.NotEmpty(t, body.AuthToken)
	return body.AuthToken
}

func TestBackend_CreatesTheUserOnFirstUseAndIssuesFreshTokens(t *testing.T) {
	srv := cometchatcallstest.NewServer()
	defer srv.Close()
	url, log := backendFor(t, srv, srv.APIKey())

	first := tokenOf(t, post(t, http.MethodPost, url, "Bearer demo-session-backend-demo-bob"))
	second := tokenOf(t, post(t, http.MethodPost, url, "Bearer demo-session-backend-demo-bob"))
	assert.True(t, first != second, "every request gets a fresh token")
	assert.Contains(t, log.String(), "backend: created the CometChat user backend-demo-bob\n")
	assert.Contains(t, log.String(), "backend: the CometChat user backend-demo-bob exists already\n")
	assert.False(t, strings.Contains(log.String(), first) || strings.Contains(log.String(), second), "tokens are never logged")

	client, err := cometchatcalls.New(srv.AppID(), srv.Region(), srv.ClientOptions()...)
	require.NoError(t, err)
	defer client.Close()
	user, err := client.LoginWithAuthToken(context.Background(), second)
	require.NoError(t, err)
	assert.Equal(t, "backend-demo-bob", user.UID)
	assert.Equal(t, "Bob Demo", user.Name)
}

func TestBackend_RequiresTheAppsAuthentication(t *testing.T) {
	srv := cometchatcallstest.NewServer()
	defer srv.Close()
	url, _ := backendFor(t, srv, srv.APIKey())

	for _, authorization := range []string{"", "Bearer ", "Bearer demo-session-mallory", "demo-session-backend-demo-bob", "Basic abc"} {
		resp := post(t, http.MethodPost, url, authorization)
		assert.Equal(t, http.StatusUnauthorized, resp.StatusCode, "Authorization %q", authorization)
	}
	resp := post(t, http.MethodGet, url, "Bearer demo-session-backend-demo-bob")
	assert.Equal(t, http.StatusMethodNotAllowed, resp.StatusCode)
	for _, r := range srv.Requests() {
		assert.NotEqual(t, cometchatcallstest.RoleAdmin, r.Role, "nothing reaches CometChat: %s %s", r.Method, r.Path)
	}
}

func TestBackend_CometChatFailureIs502WithoutSecrets(t *testing.T) {
	srv := cometchatcallstest.NewServer()
	defer srv.Close()
	const wrongKey = "wrong-rest-key-5ecret-0123456789"
	url, log := backendFor(t, srv, wrongKey)

	resp := post(t, http.MethodPost, url, "Bearer demo-session-backend-demo-bob")
	assert.Equal(t, http.StatusBadGateway, resp.StatusCode)
	assert.Contains(t, log.String(), cometchatcalls.CodeAPIKeyInvalid)
	assert.False(t, strings.Contains(log.String(), wrongKey), "the key is redacted from the logged error")
}

func TestFetchToken_BackendErrors(t *testing.T) {
	for name, h := range map[string]http.HandlerFunc{
		"status":   func(w http.ResponseWriter, _ *http.Request) { http.Error(w, "no", http.StatusUnauthorized) },
		"not JSON": func(w http.ResponseWriter, _ *http.Request) { _, _ = w.Write([]byte("<html>")) },
		"no token": func(w http.ResponseWriter, _ *http.Request) { _, _ = w.Write([]byte(`{"authToken":""}`)) },
	} {
		t.Run(name, func(t *testing.T) {
			hs := httptest.NewServer(h)
			defer hs.Close()
			hc := &http.Client{Transport: &http.Transport{}}
			defer hc.CloseIdleConnections()
			_, err := fetchToken(context.Background(), hc, hs.URL, demoSession)
			require.Error(t, err)
		})
	}
}
