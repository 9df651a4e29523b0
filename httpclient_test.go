package cometchatcalls

import (
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestNewHTTPTransport_BoundsConnectionsPerHost: the shared pool caps its
// sockets per host, so a burst queues instead of running out of files, and
// keeps fewer idle connections than that cap.
func TestNewHTTPTransport_BoundsConnectionsPerHost(t *testing.T) {
	t.Parallel()
	tr := newHTTPTransport()
	t.Cleanup(tr.CloseIdleConnections)
	assert.Equal(t, maxConnsPerHost, tr.MaxConnsPerHost)
	assert.Positive(t, tr.MaxConnsPerHost)
	assert.LessOrEqual(t, tr.MaxIdleConnsPerHost, tr.MaxConnsPerHost)
	assert.True(t, tr.ForceAttemptHTTP2, "the bound is chosen for HTTP/2 too")
}

// TestHTTPClientFor_KeepsTheCallersTransport: with WithHTTPClient the
// caller's transport is used as it is: no bound is added to it (not even
// on a copy), whatever its type.
func TestHTTPClientFor_KeepsTheCallersTransport(t *testing.T) {
	t.Parallel()
	mine := &http.Transport{MaxConnsPerHost: 0, MaxIdleConnsPerHost: 7}
	wrapped := &wrapTransport{next: mine}
	for name, rt := range map[string]http.RoundTripper{"*http.Transport": mine, "a wrapper": wrapped} {
		cfg := &config{httpClient: &http.Client{Transport: rt}}
		hc, shared := httpClientFor(cfg)
		require.False(t, shared, name)
		assert.Same(t, cfg.httpClient.Transport, hc.Transport, name)
	}
	assert.Zero(t, mine.MaxConnsPerHost, "the caller's transport was changed")
	assert.Equal(t, 7, mine.MaxIdleConnsPerHost, "the caller's transport was changed")
}

// TestHTTPClientFor_DefaultIsTheBoundedSharedPool: without WithHTTPClient
// a client sends through the shared pool and its bound.
func TestHTTPClientFor_DefaultIsTheBoundedSharedPool(t *testing.T) {
	t.Parallel()
	hc, shared := httpClientFor(&config{})
	t.Cleanup(releaseSharedTransport)
	require.True(t, shared)
	tr, ok := hc.Transport.(*http.Transport)
	require.True(t, ok, "%T", hc.Transport)
	assert.Equal(t, maxConnsPerHost, tr.MaxConnsPerHost)
}

// wrapTransport is a caller's RoundTripper that is not an *http.Transport.
type wrapTransport struct{ next http.RoundTripper }

func (w *wrapTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	return w.next.RoundTrip(r)
}
