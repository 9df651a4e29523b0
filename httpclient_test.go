package cometchatcalls

// Connection reuse, counted on the server side (http.Server.ConnState
// StateNew) by the loopback servers of bench_test.go. No timing here: the
// counts are deterministic.

import (
	"context"
	"net/http"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestConnReuse_SequentialLoginLogoutOneConnPerHost: 100 login/logout
// cycles of one Client open exactly one connection to each host, over plain
// HTTP (the SDK's own transport) and over TLS (a caller's *http.Client).
func TestConnReuse_SequentialLoginLogoutOneConnPerHost(t *testing.T) {
	for _, useTLS := range []bool{false, true} {
		name := "plain"
		if useTLS {
			name = "tls"
		}
		t.Run(name, func(t *testing.T) {
			admin := newBenchServer(t, useTLS)
			client := newBenchServer(t, useTLS)
			var opts []Option
			if useTLS {
				// One *http.Client trusting the test certificate; the two
				// servers share it (httptest uses one certificate).
				hc := benchHTTPClient(admin.srv)
				t.Cleanup(hc.CloseIdleConnections)
				opts = append(opts, WithHTTPClient(hc))
			}
			c := newBenchClientHosts(t, admin, client, opts...)
			ctx := context.Background()
			const cycles = 100
			for i := range cycles {
				if _, err := c.Login(ctx, benchUID, benchAuthKey); err != nil {
					t.Fatalf("cycle %d: Login: %v", i, err)
				}
				if err := c.Logout(ctx); err != nil {
					t.Fatalf("cycle %d: Logout: %v", i, err)
				}
			}
			if n := admin.conns.Load(); n != 1 {
				t.Errorf("admin host: %d connections for %d logins, want 1", n, cycles)
			}
			if n := client.conns.Load(); n != 1 {
				t.Errorf("client host: %d connections for %d logins and %d logouts, want 1", n, cycles, cycles)
			}
		})
	}
}

// TestConnReuse_ManyClientsShareOneHTTPClientPool: many Clients built with
// WithHTTPClient(hc) share hc's connection pool. There are more Clients (64)
// than goroutines (8), so a pool per Client would show as at least 64
// connections per host; a connection per call, as hundreds. The transport
// caps connections per host at the concurrency (MaxConnsPerHost), which
// makes "≤ concurrency" a hard bound for a shared pool rather than a likely
// one (a dial that loses the race to an idle connection could otherwise add
// one), while per-Client pools would still exceed it.
func TestConnReuse_ManyClientsShareOneHTTPClientPool(t *testing.T) {
	const (
		workers        = 8
		clientsPerWork = 8
		cyclesPerCli   = 3
	)
	admin := newBenchServer(t, false)
	client := newBenchServer(t, false)
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.MaxIdleConnsPerHost = workers
	tr.MaxConnsPerHost = workers
	hc := &http.Client{Transport: tr}
	t.Cleanup(hc.CloseIdleConnections)

	clients := make([]*Client, workers*clientsPerWork)
	for i := range clients {
		clients[i] = newBenchClientHosts(t, admin, client, WithHTTPClient(hc))
	}
	ctx := context.Background()
	var wg sync.WaitGroup
	errs := make(chan error, len(clients))
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for _, c := range clients[w*clientsPerWork : (w+1)*clientsPerWork] {
				for range cyclesPerCli {
					if _, err := c.Login(ctx, benchUID, benchAuthKey); err != nil {
						errs <- err
						return
					}
					if err := c.Logout(ctx); err != nil {
						errs <- err
						return
					}
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	adminCalls := len(clients) * cyclesPerCli // POST auth_tokens
	clientCalls := 2 * adminCalls             // PUT and DELETE /me
	for _, h := range []struct {
		name  string
		srv   *benchServer
		calls int
	}{{"admin", admin, adminCalls}, {"client", client, clientCalls}} {
		n := int(h.srv.conns.Load())
		t.Logf("%s host: %d connections for %d calls from %d Clients on %d goroutines", h.name, n, h.calls, len(clients), workers)
		if n < 1 || n > workers {
			t.Errorf("%s host: %d connections, want 1..%d (the concurrency)", h.name, n, workers)
		}
		if n*10 > h.calls {
			t.Errorf("%s host: %d connections for %d calls: connections are not reused", h.name, n, h.calls)
		}
	}
}

// newBenchClientHosts is newBenchClient with the admin and client hosts on
// separate servers and any extra options (a WithHTTPClient replaces the
// default transport).
func newBenchClientHosts(t *testing.T, admin, client *benchServer, opts ...Option) *Client {
	t.Helper()
	base := []Option{WithAdminHost(admin.adminBase()), WithClientHost(client.clientBase())}
	c, err := New(benchAppID, "us", append(base, opts...)...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = c.Close() })
	return c
}

func (r *readerOnly) Close() error { r.closed = true; return nil }

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
