package cometchatcallstest_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"

	"github.com/cometchat-go/cometchatcalls/cometchatcallstest"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// newServer starts an emulator closed at the end of the test.
func newServer(t *testing.T, opts ...cometchatcallstest.ServerOption) *cometchatcallstest.Server {
	t.Helper()
	srv := cometchatcallstest.NewServer(opts...)
	t.Cleanup(srv.Close)
	return srv
}

// response is an answer read whole.
type response struct {
	status int
	header http.Header
	body   []byte
}

// json decodes the body as a JSON object.
func (r response) json(t *testing.T) map[string]any {
	t.Helper()
	var m map[string]any
	require.NoError(t, json.Unmarshal(r.body, &m), "body: %s", r.body)
	return m
}

// data returns the "data" object of a success envelope.
func (r response) data(t *testing.T) map[string]any {
	t.Helper()
	require.Equal(t, http.StatusOK, r.status, "body: %s", r.body)
	d, ok := r.json(t)["data"].(map[string]any)
	require.True(t, ok, "no data object in %s", r.body)
	return d
}

// send sends one request to srv.URL()+path with the headers given as
// name/value pairs, set with their exact spelling.
func send(t *testing.T, srv *cometchatcallstest.Server, method, path, body string, headers ...string) response {
	t.Helper()
	return sendCtx(t, context.Background(), srv, method, path, body, headers...)
}

func sendCtx(t *testing.T, ctx context.Context, srv *cometchatcallstest.Server, method, path, body string, headers ...string) response {
	t.Helper()
	resp, err := trySend(ctx, srv, method, path, body, headers...)
	require.NoError(t, err)
	return resp
}

func trySend(ctx context.Context, srv *cometchatcallstest.Server, method, path, body string, headers ...string) (response, error) {
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req, err := http.NewRequestWithContext(ctx, method, srv.URL()+path, rd)
	if err != nil {
		return response{}, err
	}
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header[headers[i]] = append(req.Header[headers[i]], headers[i+1]) // exact spelling on the wire
	}
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := srv.Client().Do(req)
	if err != nil {
		return response{}, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	return response{status: resp.StatusCode, header: resp.Header, body: b}, err
}

// adminHdr returns the headers of an admin request with the REST API key.
func adminHdr(srv *cometchatcallstest.Server) []string {
	return []string{"appId", srv.AppID(), "apiKey", srv.APIKey()}
}

// authKeyHdr returns the headers of an admin request with the auth key.
func authKeyHdr(srv *cometchatcallstest.Server) []string {
	return []string{"appId", srv.AppID(), "apiKey", srv.AuthKey()}
}

// clientHdr returns the headers of a client request with token.
func clientHdr(srv *cometchatcallstest.Server, token string) []string {
	return []string{"appId", srv.AppID(), "authToken", token}
}

// assertError checks an error answer: status, JSON content type and the
// full envelope with code.
func assertError(t *testing.T, r response, status int, code string) map[string]any {
	t.Helper()
	require.Equal(t, status, r.status, "body: %s", r.body)
	assert.Equal(t, "application/json", r.header.Get("Content-Type"))
	m := r.json(t)
	require.Len(t, m, 1, "only an error object: %s", r.body)
	e, ok := m["error"].(map[string]any)
	require.True(t, ok, "no error object in %s", r.body)
	assert.Equal(t, code, e["code"])
	assert.NotEmpty(t, e["message"])
	assert.NotEmpty(t, e["devMessage"])
	assert.Equal(t, "chat-api", e["source"])
	return e
}

// login runs the SDK's login: create (or fetch) a token with the auth key,
// then PUT /me. It returns the token.
func login(t *testing.T, srv *cometchatcallstest.Server, uid string) string {
	t.Helper()
	d := send(t, srv, "POST", "/admin/v3.0/users/"+uid+"/auth_tokens", `{"platform":"web","deviceId":"d1"}`, authKeyHdr(srv)...).data(t)
	token := d["authToken"].(string)
	send(t, srv, "PUT", "/client/v3.0/me", `{"platform":"web","deviceId":"d1"}`, clientHdr(srv, token)...).data(t)
	return token
}
