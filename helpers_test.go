package cometchatcalls

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jarcoal/httpmock"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Test fixtures. The credentials are long and distinctive so that a leak
// is easy to search for; test failures never print them.
const (
	testAppID   = "testapp123"
	testUID     = "cometchat-uid-1"
	testAuthKey = "authkey-5ecret-0123456789abcdef"
	testToken   = "cometchat-uid-1_1700000000aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
	testToken2  = "cometchat-uid-2_1700000001bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb"
	adminBase   = "https://admin.test/admin/v3.0"
	clientBase  = "https://client.test/client/v3.0"
)

var (
	tokenURL = adminBase + "/users/" + testUID + "/auth_tokens"
	meURL    = clientBase + "/me"
)

// setup returns a Client whose HTTP goes to its own mock transport, so
// tests can run in parallel.
func setup(t *testing.T, opts ...Option) (*Client, *httpmock.MockTransport) {
	t.Helper()
	mt := httpmock.NewMockTransport()
	base := []Option{
		WithHTTPClient(&http.Client{Transport: mt}),
		WithAdminHost(adminBase),
		WithClientHost(clientBase),
	}
	c, err := New(testAppID, "us", append(base, opts...)...)
	require.NoError(t, err)
	t.Cleanup(func() { _ = c.Close() })
	return c, mt
}

func userJSON(uid, name string) map[string]any {
	return map[string]any{
		"uid": uid, "name": name, "status": "online", "role": "default",
		"createdAt": 1630306819, "lastActiveAt": 1700000000,
		// server-side extras the SDK ignores
		"jwt": "x.y.z", "wsChannel": map[string]any{"identity": "id"}, "authToken": "ignored",
	}
}

func dataResponder(status int, data any) httpmock.Responder {
	return httpmock.NewJsonResponderOrPanic(status, map[string]any{"data": data})
}

func errorResponder(status int, code, msg string) httpmock.Responder {
	return httpmock.NewJsonResponderOrPanic(status, map[string]any{
		"error": map[string]any{"code": code, "message": msg, "source": "chat-api"},
	})
}

func rawResponder(status int, contentType, body string) httpmock.Responder {
	return func(*http.Request) (*http.Response, error) {
		r := httpmock.NewStringResponse(status, body)
		if contentType != "" {
			r.Header.Set("Content-Type", contentType)
		}
		return r, nil
	}
}

// mockLogin registers the two requests of a uid + key login for uid/token.
func mockLogin(mt *httpmock.MockTransport, uid, name, token string) {
	mt.RegisterResponder(http.MethodPost, adminBase+"/users/"+uid+"/auth_tokens",
		dataResponder(200, map[string]any{"uid": uid, "authToken": token, "createdAt": 1700000000}))
	mt.RegisterMatcherResponder(http.MethodPut, meURL, httpmock.HeaderIs("authToken", token),
		dataResponder(200, userJSON(uid, name)))
}

// mockLogout answers DELETE /me for any token.
func mockLogout(mt *httpmock.MockTransport) {
	mt.RegisterResponder(http.MethodDelete, meURL,
		dataResponder(200, map[string]any{"success": true, "message": "Logged out"}))
}

func calls(mt *httpmock.MockTransport, method, url string) int {
	return mt.GetCallCountInfo()[method+" "+url]
}

// recorder captures the requests a mock transport sees (with their bodies).
type recorder struct {
	mu   sync.Mutex
	reqs []recorded
}

type recorded struct {
	Method, URL string
	Header      http.Header
	Body        []byte
}

func (r *recorder) wrap(next httpmock.Responder) httpmock.Responder {
	return func(req *http.Request) (*http.Response, error) {
		var body []byte
		if req.Body != nil {
			body, _ = io.ReadAll(req.Body)
		}
		r.mu.Lock()
		r.reqs = append(r.reqs, recorded{req.Method, req.URL.String(), req.Header.Clone(), body})
		r.mu.Unlock()
		return next(req)
	}
}

func (r *recorder) all() []recorded {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]recorded(nil), r.reqs...)
}

func assertJSONBody(t *testing.T, body []byte, want map[string]any) {
	t.Helper()
	var got map[string]any
	require.NoError(t, json.Unmarshal(body, &got), "body is not JSON")
	assert.Equal(t, want, got)
}

// assertNoSecret fails if s contains any of the test credentials, without
// printing s (it could hold one).
func assertNoSecret(t *testing.T, where, s string, secrets ...string) {
	t.Helper()
	if len(secrets) == 0 {
		secrets = []string{testAuthKey, testToken, testToken2}
	}
	for i, sec := range secrets {
		if strings.Contains(s, sec) {
			t.Errorf("%s contains secret #%d", where, i)
		}
	}
}

// newTestLogger logs everything, as text, into w.
func newTestLogger(w io.Writer) *slog.Logger {
	return slog.New(slog.NewTextHandler(w, &slog.HandlerOptions{Level: slog.LevelDebug}))
}

// clientCalls runs every method of c that takes a context and returns an
// error, and returns what each returned, by name.
func clientCalls(ctx context.Context, c *Client) map[string]error {
	errs := map[string]error{}
	_, errs["Login"] = c.Login(ctx, testUID, testAuthKey)
	_, errs["LoginWithAuthToken"] = c.LoginWithAuthToken(ctx, testToken)
	errs["Logout"] = c.Logout(ctx)
	_, errs["GetLoggedInUser"] = c.GetLoggedInUser(ctx)
	_, errs["GetUserAuthToken"] = c.GetUserAuthToken(ctx)
	_, errs["ValidateSession"] = c.ValidateSession(ctx)
	_, errs["GenerateCallToken"] = c.GenerateCallToken(ctx, "room")
	_, errs["GenerateCallTokenWithAuthToken"] = c.GenerateCallTokenWithAuthToken(ctx, "room", testToken)
	return errs
}

// requireCodes checks that every call in errs failed with code.
func requireCodes(t *testing.T, errs map[string]error, code string) {
	t.Helper()
	for name, err := range errs {
		var e *Error
		if !errors.As(err, &e) || e.Code != code {
			t.Errorf("%s: got %v, want code %s", name, err, code)
		}
	}
}

func requireCode(t *testing.T, err error, code string) *Error {
	t.Helper()
	require.Error(t, err)
	var e *Error
	require.ErrorAs(t, err, &e)
	require.Equal(t, code, e.Code, "message: %s", e.Message)
	return e
}

// newTestTransport is a Client's transport sending through rt, with the
// test hosts.
func newTestTransport(t *testing.T, rt http.RoundTripper, opts ...Option) *transport {
	t.Helper()
	cfg := defaultConfig()
	cfg.httpClient = &http.Client{Transport: rt}
	cfg.adminHost, cfg.clientHost, cfg.callHost = adminBase, clientBase, "https://call.test/call/v3.0"
	for _, o := range opts {
		require.NoError(t, o(&cfg))
	}
	tr := newTransport(testAppID, &cfg)
	t.Cleanup(tr.close)
	return tr
}

// recordWaits replaces tr's sleep between attempts with one that returns
// at once and remembers how long it was asked to wait.
func recordWaits(tr *transport) func() []time.Duration {
	var mu sync.Mutex
	var waits []time.Duration
	tr.sleep = func(_ context.Context, d time.Duration) error {
		mu.Lock()
		defer mu.Unlock()
		waits = append(waits, d)
		return nil
	}
	return func() []time.Duration {
		mu.Lock()
		defer mu.Unlock()
		return append([]time.Duration(nil), waits...)
	}
}

// escapedForms are the ways a server or proxy may quote a credential:
// as it is, path-escaped, query-escaped.
func escapedForms(s string) []string {
	return []string{s, url.PathEscape(s), url.QueryEscape(s)}
}

// echoAll is a JSON string body quoting every form of s, the raw one
// \u-escaped so that it only appears once decoded.
func echoAll(s string) string {
	return jsonUnicode(s) + " " + jsonInner(url.PathEscape(s)) + " " + jsonInner(url.QueryEscape(s))
}
