package webhook_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"testing/iotest"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cometchat-go/cometchatcalls/webhook"
)

const (
	testUser = "cometchat"
	testPass = "s3cretWebhookPassw0rd"
)

func newVerifier(t *testing.T) *webhook.Verifier {
	t.Helper()
	v, err := webhook.NewVerifier(testUser, testPass)
	require.NoError(t, err)
	return v
}

// request builds a webhook POST with the given Basic auth (none when user
// is empty).
func request(body, user, pass string) *http.Request {
	r := httptest.NewRequest(http.MethodPost, "/webhooks", strings.NewReader(body))
	r.Header.Set("Content-Type", "application/json")
	if user != "" {
		r.SetBasicAuth(user, pass)
	}
	return r
}

func TestNewVerifier_Refuses(t *testing.T) {
	tests := []struct{ name, user, pass string }{
		{"empty username", "", testPass},
		{"empty password", testUser, ""},
		{"both empty", "", ""},
		{"username over 50", strings.Repeat("u", 51), testPass},
		{"password over 100", testUser, strings.Repeat("p", 101)},
		{"colon in username", "a:b", testPass},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v, err := webhook.NewVerifier(tt.user, tt.pass)
			require.Error(t, err)
			assert.Nil(t, v)
			if tt.pass != "" {
				assert.NotContains(t, err.Error(), tt.pass)
			}
		})
	}
	_, err := webhook.NewVerifier(strings.Repeat("u", 50), strings.Repeat("p", 100))
	assert.NoError(t, err, "CometChat's maximum lengths are accepted")
}

func TestVerify(t *testing.T) {
	v := newVerifier(t)
	tests := []struct {
		name string
		req  func() *http.Request
		ok   bool
	}{
		{"right credentials", func() *http.Request { return request("", testUser, testPass) }, true},
		{"no Authorization", func() *http.Request { return request("", "", "") }, false},
		{"wrong password", func() *http.Request { return request("", testUser, testPass+"x") }, false},
		{"password prefix", func() *http.Request { return request("", testUser, testPass[:5]) }, false},
		{"wrong username", func() *http.Request { return request("", "other", testPass) }, false},
		{"swapped", func() *http.Request { return request("", testPass, testUser) }, false},
		{"empty password", func() *http.Request { return request("", testUser, "") }, false},
		{"Bearer scheme", func() *http.Request {
			r := request("", "", "")
			r.Header.Set("Authorization", "Bearer "+testPass)
			return r
		}, false},
		{"malformed base64", func() *http.Request {
			r := request("", "", "")
			r.Header.Set("Authorization", "Basic !!!")
			return r
		}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := v.Verify(tt.req())
			if tt.ok {
				assert.NoError(t, err)
				return
			}
			assert.ErrorIs(t, err, webhook.ErrUnauthorized)
			assert.NotContains(t, err.Error(), testPass)
		})
	}
}

// TestVerifier_PrintsNoSecret: whatever a program does with a Verifier
// (print it, log it, marshal it), the credentials do not come out.
func TestVerifier_PrintsNoSecret(t *testing.T) {
	v := newVerifier(t)
	var out bytes.Buffer
	for _, verb := range []string{"%v", "%+v", "%#v", "%s", "%q", "%x"} {
		fmt.Fprintf(&out, verb+"\n", v)
		fmt.Fprintf(&out, verb+"\n", *v)
	}
	b, err := json.Marshal(struct{ V *webhook.Verifier }{v}) // as a config struct holding it would
	require.NoError(t, err)
	out.Write(b)
	slog.New(slog.NewJSONHandler(&out, nil)).Info("x", "v", v)
	slog.New(slog.NewTextHandler(&out, nil)).Info("x", "v", v)
	assert.NotContains(t, out.String(), testPass)
	assert.NotContains(t, out.String(), testUser)
}

func TestParse_BodySizes(t *testing.T) {
	v := newVerifier(t)
	exact := padded(webhook.MaxBodyBytes)
	require.Len(t, exact, webhook.MaxBodyBytes)

	e, err := v.Parse(request(exact, testUser, testPass))
	require.NoError(t, err, "exactly 1 MiB is read")
	assert.Equal(t, webhook.MeetingStarted, e.Trigger)

	_, err = v.Parse(request(exact+" ", testUser, testPass))
	assert.ErrorIs(t, err, webhook.ErrInvalidPayload, "1 MiB + 1 is refused")

	r := request(exact+" ", testUser, testPass)
	r.ContentLength = -1 // chunked: the limit holds without a length
	_, err = v.Parse(r)
	assert.ErrorIs(t, err, webhook.ErrInvalidPayload)
}

// padded returns a meeting_started event of exactly n bytes.
func padded(n int) string {
	const event = `{"trigger":"meeting_started","data":{"sessionId":"s","created_at":1}}`
	return event + strings.Repeat(" ", n-len(event))
}

func TestParse_WrongCredentialsReadNothing(t *testing.T) {
	v := newVerifier(t)
	body := &countingReader{r: strings.NewReader(padded(100))}
	r := httptest.NewRequest(http.MethodPost, "/", body)
	r.SetBasicAuth(testUser, "wrong")
	_, err := v.Parse(r)
	assert.ErrorIs(t, err, webhook.ErrUnauthorized)
	assert.Zero(t, body.n, "an unauthenticated client cannot make the server buffer its body")
}

func TestParse_ReadErrorIsInvalidPayload(t *testing.T) {
	v := newVerifier(t)
	r := httptest.NewRequest(http.MethodPost, "/", iotest.ErrReader(fmt.Errorf("connection reset")))
	r.SetBasicAuth(testUser, testPass)
	_, err := v.Parse(r)
	assert.ErrorIs(t, err, webhook.ErrInvalidPayload)
}

type countingReader struct {
	r *strings.Reader
	n int
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += n
	return n, err
}

// TestVerifier_NilAndZeroRefuseEverything: a Verifier not made by
// NewVerifier, or a nil request, is a typed error, never a panic.
func TestVerifier_NilAndZeroRefuseEverything(t *testing.T) {
	r := httptest.NewRequest(http.MethodPost, "/", strings.NewReader(`{"trigger":"meeting_ended","data":{}}`))
	r.SetBasicAuth("user", "pass")
	for name, v := range map[string]*webhook.Verifier{"nil": nil, "zero": {}} {
		assert.ErrorIs(t, v.Verify(r), webhook.ErrUnauthorized, name)
		e, err := v.Parse(r)
		assert.Nil(t, e, name)
		assert.ErrorIs(t, err, webhook.ErrUnauthorized, name)
	}
	v, err := webhook.NewVerifier("user", "pass")
	require.NoError(t, err)
	assert.ErrorIs(t, v.Verify(nil), webhook.ErrUnauthorized)
}
