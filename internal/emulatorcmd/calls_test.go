package emulatorcmd

import (
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestRun_CallsHostOverTLS is what the official JavaScript Calls SDK v4
// does (testdata/calls-sdk-js): a call token for a user's auth token,
// without an appId header, over TLS, then its verification.
func TestRun_CallsHostOverTLS(t *testing.T) {
	t.Parallel()
	certFile := filepath.Join(t.TempDir(), "emulator.pem")
	r := start(t, "-addr", "127.0.0.1:0", "-tls", "-cert-out", certFile)
	b := r.banner(t)
	assert.Regexp(t, regexp.MustCompile(`^https://127\.0\.0\.1:\d+/call/v3\.0$`), b["calls URL"])

	pemBytes, err := os.ReadFile(certFile)
	require.NoError(t, err)
	pool := x509.NewCertPool()
	require.True(t, pool.AppendCertsFromPEM(pemBytes))
	hc := &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool, MinVersion: tls.VersionTLS12}}}
	defer hc.CloseIdleConnections()

	var tok struct {
		Data struct{ AuthToken string } `json:"data"`
	}
	send(t, hc, "POST", b["admin URL"]+"/users/cometchat-uid-1/auth_tokens", `{}`, &tok,
		"appId", "emulatorapp", "apiKey", "emulator-auth-key")
	require.NotEmpty(t, tok.Data.AuthToken)

	var ct struct {
		Data struct{ Token string } `json:"data"`
	}
	status := send(t, hc, "POST", b["calls URL"]+"/call_tokens", `{"sessionId":"room-1"}`, &ct, "authToken", tok.Data.AuthToken)
	require.Equal(t, http.StatusOK, status)
	require.NotEmpty(t, ct.Data.Token)

	var v struct {
		Data struct {
			Payload struct {
				Data struct {
					SessionID string `json:"sessionId"`
					User      struct{ UID string }
				}
			}
		} `json:"data"`
	}
	status = send(t, hc, "GET", b["calls URL"]+"/call_tokens", "", &v, "callToken", ct.Data.Token)
	require.Equal(t, http.StatusOK, status)
	assert.Equal(t, "room-1", v.Data.Payload.Data.SessionID)
	assert.Equal(t, "cometchat-uid-1", v.Data.Payload.Data.User.UID)

	var e struct {
		Error struct{ Code string } `json:"error"`
	}
	status = send(t, hc, "POST", b["calls URL"]+"/call_tokens", `{"sessionId":"room-1"}`, &e, "authToken", "unknown-token")
	assert.Equal(t, http.StatusUnauthorized, status)
	assert.Equal(t, "AUTH_ERR_AUTH_TOKEN_NOT_FOUND", e.Error.Code)
	assert.Equal(t, 0, r.stop(t))
}

// send sends one request and decodes the JSON answer into out.
func send(t *testing.T, hc *http.Client, method, url, body string, out any, headers ...string) int {
	t.Helper()
	req, err := http.NewRequest(method, url, strings.NewReader(body))
	require.NoError(t, err)
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := hc.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	require.NoError(t, json.NewDecoder(resp.Body).Decode(out))
	return resp.StatusCode
}
