package cometchatcalls

import (
	"context"
	"crypto/tls"
	"log/slog"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestNew_AppIDAndRegion(t *testing.T) {
	t.Parallel()
	tests := []struct {
		appID, region, code string
	}{
		{"", "us", CodeEmptyAppID},
		{"  ", "us", CodeEmptyAppID},
		{"app.evil.com/", "us", CodeInvalidOption},
		{"app", "", CodeInvalidRegion},
		{"app", "asia", CodeInvalidRegion},
		{"app", " us", CodeInvalidRegion},
	}
	for _, tt := range tests {
		c, err := New(tt.appID, tt.region)
		assert.Nil(t, c)
		requireCode(t, err, tt.code)
	}
	for _, r := range []string{"us", "US", "Eu", "IN"} {
		c, err := New("app", r)
		require.NoError(t, err, r)
		assert.Equal(t, "app", c.AppID())
		_ = c.Close()
	}
}

func TestNew_DefaultHosts(t *testing.T) {
	t.Parallel()
	cfg, err := newConfig("abc123", "EU", nil)
	require.NoError(t, err)
	assert.Equal(t, "https://abc123.api-eu.cometchat.io/v3.0", cfg.adminHost)
	assert.Equal(t, "https://abc123.apiclient-eu.cometchat.io/v3.0", cfg.clientHost)
	assert.Equal(t, "eu", cfg.region)
	assert.Equal(t, 10*time.Second, cfg.timeout)
	assert.Equal(t, 2, cfg.retries)
}

func TestOptions_Invalid(t *testing.T) {
	t.Parallel()
	tests := map[string]Option{
		"nil option":            nil,
		"negative retries":      WithRetries(-1),
		"zero timeout":          WithTimeout(0),
		"negative timeout":      WithTimeout(-time.Second),
		"nil http client":       WithHTTPClient(nil),
		"nil *http.Transport":   WithHTTPClient(&http.Client{Transport: (*http.Transport)(nil)}),
		"zero slog.Logger":      WithLogger(&slog.Logger{}),
		"nil store":             WithSessionStore(nil),
		"nil logger":            WithLogger(nil),
		"control in UA":         WithUserAgent("a\r\nb"),
		"http to remote":        WithAdminHost("http://api.example.com/v3.0"),
		"ftp":                   WithClientHost("ftp://127.0.0.1/v3.0"),
		"userinfo":              WithAdminHost("https://user:pass@example.com/v3.0"),
		"query":                 WithAdminHost("https://example.com/v3.0?x=1"),
		"empty query":           WithAdminHost("https://example.com/v3.0?"),
		"fragment":              WithClientHost("https://example.com/v3.0#frag"),
		"relative":              WithAdminHost("/v3.0"),
		"no host":               WithAdminHost("https:///v3.0"),
		"garbage":               WithAdminHost("::not a url"),
		"http to lookalike":     WithAdminHost("http://127.0.0.1.evil.com/v3.0"),
		"http to private range": WithAdminHost("http://10.0.0.1/v3.0"),
	}
	for name, opt := range tests {
		c, err := New("app", "us", opt)
		assert.Nil(t, c, name)
		e := requireCode(t, err, CodeInvalidOption)
		assert.NotContains(t, e.Message, "pass", name)
	}
}

func TestOptions_BaseURLs(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		"https://example.com/v3.0":       "https://example.com/v3.0",
		"https://example.com/v3.0/":      "https://example.com/v3.0",
		"http://127.0.0.1:8787/admin/v3": "http://127.0.0.1:8787/admin/v3",
		"http://127.5.5.5/x":             "http://127.5.5.5/x",
		"http://localhost:1/x":           "http://localhost:1/x",
		"http://[::1]:9/x":               "http://[::1]:9/x",
	} {
		got, err := parseBaseURL(in)
		require.NoError(t, err, in)
		assert.Equal(t, want, got)
	}
}

func TestWithHTTPClient_IsNotMutated(t *testing.T) {
	t.Parallel()
	tr := &http.Transport{}
	hc := &http.Client{Transport: tr, Timeout: time.Minute}
	c, err := New("app", "us", WithHTTPClient(hc))
	require.NoError(t, err)
	defer c.Close()
	assert.Nil(t, hc.CheckRedirect)
	assert.Nil(t, hc.Jar)
	assert.Same(t, tr, hc.Transport)
	assert.Equal(t, time.Minute, hc.Timeout)
	assert.NotSame(t, hc, c.t.hc, "the SDK works on a copy")
	assert.Same(t, tr, c.t.hc.Transport, "connection pooling is shared with the caller")
}

func TestOwnTransport(t *testing.T) {
	t.Parallel()
	c, err := New("app", "us", WithLogger(slog.New(slog.DiscardHandler)))
	require.NoError(t, err)
	defer c.Close()
	tr, ok := c.t.hc.Transport.(*http.Transport)
	require.True(t, ok)
	assert.Equal(t, uint16(tls.VersionTLS12), tr.TLSClientConfig.MinVersion)
	assert.False(t, tr.TLSClientConfig.InsecureSkipVerify)
	assert.NotNil(t, tr.TLSClientConfig.ClientSessionCache, "TLS session resumption")
	assert.Positive(t, tr.TLSHandshakeTimeout)
	assert.Zero(t, tr.ResponseHeaderTimeout, "WithTimeout bounds the wait for headers, without a second timer")
	assert.GreaterOrEqual(t, tr.MaxIdleConnsPerHost, 16)
	assert.NotSame(t, http.DefaultTransport, tr)
	assert.Nil(t, c.t.hc.Jar)
	assert.NotNil(t, c.t.hc.CheckRedirect)

	a, err := NewAdminClient("other", "eu", "key")
	require.NoError(t, err)
	defer a.Close()
	assert.Same(t, tr, a.t.hc.Transport, "clients without WithHTTPClient share one pool")
	assert.NotSame(t, c.t.hc, a.t.hc, "each on its own copy of the http.Client")
}

// TestTransportClose_GivesBackItsShareOnce: closing twice, or a transport
// on a caller's *http.Client, never releases someone else's share.
func TestTransportClose_GivesBackItsShareOnce(t *testing.T) {
	// Not parallel: it counts the pool's users.
	cfg := defaultConfig()
	own := newTransport("app", &cfg)
	cfg.httpClient = &http.Client{}
	callers := newTransport("app", &cfg)
	assert.True(t, own.shared)
	assert.True(t, callers.shared, "a caller's client without a Transport gets the pool too")
	cfg.httpClient = &http.Client{Transport: &http.Transport{}}
	notShared := newTransport("app", &cfg)
	assert.False(t, notShared.shared)
	sharedPool.mu.Lock()
	users := sharedPool.users
	sharedPool.mu.Unlock()
	own.close()
	own.close()
	notShared.close()
	sharedPool.mu.Lock()
	assert.Equal(t, users-1, sharedPool.users)
	sharedPool.mu.Unlock()
	callers.close()
	var zero *transport
	zero.close() // a zero Client's transport: no panic
}

// TestWithSessionStore_TypedNilIsInvalid: an interface holding a nil
// pointer is as nil as WithSessionStore(nil), and refused the same way,
// instead of panicking in the first call that reaches the store.
func TestWithSessionStore_TypedNilIsInvalid(t *testing.T) {
	t.Parallel()
	for name, s := range map[string]SessionStore{
		"custom":       (*nilMapStore)(nil),
		"*MemoryStore": (*MemoryStore)(nil),
		"*FileStore":   (*FileStore)(nil),
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			var c *Client
			var err error
			require.NotPanics(t, func() { c, err = New(testAppID, "us", WithSessionStore(s)) })
			requireCode(t, err, CodeInvalidOption)
			assert.Nil(t, c)
		})
	}
}

// TestZeroLogger_IsInvalid: a zero slog.Logger has no handler and panics
// at its first line; WithLogger and FileStore.SetLogger refuse it like nil.
func TestZeroLogger_IsInvalid(t *testing.T) {
	t.Parallel()
	_, err := New(testAppID, "us", WithLogger(&slog.Logger{}))
	requireCode(t, err, CodeInvalidOption)
	_, err = NewAdminClient(testAppID, "us", testAuthKey, WithLogger(&slog.Logger{}))
	requireCode(t, err, CodeInvalidOption)
	requireCode(t, NewFileStore(fsPath(t)).SetLogger(&slog.Logger{}), CodeInvalidOption)
}

// nilMapStore is a store written the usual way, whose methods dereference
// their receiver.
type nilMapStore struct{ sessions map[string]*Session }

func (s *nilMapStore) Load(_ context.Context, appID string) (*Session, error) {
	return s.sessions[appID], nil
}

func (s *nilMapStore) Save(_ context.Context, x *Session) error { s.sessions[x.AppID] = x; return nil }

func (s *nilMapStore) Delete(_ context.Context, appID string) error {
	delete(s.sessions, appID)
	return nil
}
