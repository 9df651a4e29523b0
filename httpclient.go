package cometchatcalls

import (
	"crypto/tls"
	"net"
	"net/http"
	"sync"
	"time"
)

// httpClientFor returns the *http.Client the SDK sends through, and whether
// its Transport is the process-wide shared pool (then the transport must
// release it on close). A caller's client is copied, never changed, and
// its Transport is used as it is: its limits (MaxConnsPerHost included)
// are the caller's to choose.
func httpClientFor(cfg *config) (hc *http.Client, shared bool) {
	var c http.Client
	if cfg.httpClient != nil {
		c = *cfg.httpClient
	}
	if c.Transport == nil {
		c.Transport = acquireSharedTransport()
		shared = true
	}
	// Credentials travel in custom headers, which net/http forwards on
	// redirects even across hosts; CometChat never redirects, so a 3xx is
	// returned as it is (and decoded as an invalid response).
	c.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	// Cookies would follow one user's session into the next login.
	c.Jar = nil
	return &c, shared
}

// sharedPool is the connection pool of every Client and AdminClient made
// without WithHTTPClient: one http.Transport per process (as go-github and
// stripe-go share one), so that a backend holding a Client per user keeps
// a few connections per host and one TLS handshake, not a pool per user.
// users counts the clients that have not closed yet; the last one's close
// releases the idle connections, so no connection goroutine outlives it.
// The transport itself stays for the next client, TLS session cache and all.
var sharedPool struct {
	mu    sync.Mutex
	t     *http.Transport
	users int
}

func acquireSharedTransport() *http.Transport {
	sharedPool.mu.Lock()
	defer sharedPool.mu.Unlock()
	if sharedPool.t == nil {
		sharedPool.t = newHTTPTransport()
	}
	sharedPool.users++
	return sharedPool.t
}

func releaseSharedTransport() {
	sharedPool.mu.Lock()
	defer sharedPool.mu.Unlock()
	sharedPool.users--
	if sharedPool.users == 0 {
		sharedPool.t.CloseIdleConnections()
	}
}

// maxConnsPerHost bounds the shared pool's connections to each host
// (dialing, active and idle together). Without a bound, a burst of calls
// dials one socket per waiting request: 5,000 concurrent logins under the
// usual soft limit of 1,024 open files failed by the thousand with "too
// many open files". With it, calls beyond the bound wait in the pool for a
// connection, each wait bounded by the caller's ctx and the client's
// timeout (WithTimeout), so a burst costs latency, not errors.
//
// 64 fits both protocols. Over HTTP/1.1 one connection carries one request
// at a time, so 64 requests run at once per host: more than CometChat's
// rate limit (10,000 requests a minute per app) lets a process use at
// internet round-trip times, and twice the 32 idle connections kept per
// host, so a steady load reuses connections. Over HTTP/2 one connection
// carries many requests (the server's stream limit, typically 100 or
// more), and the transport dials another only when every one is full, so
// 64 connections are far beyond what a process needs. The SDK talks to at
// most three hosts (api, apiclient, call), so the whole pool stays under
// 200 sockets.
const maxConnsPerHost = 64

// newHTTPTransport clones http.DefaultTransport with limits and timeouts
// fit for a pool that every client of the process shares.
func newHTTPTransport() *http.Transport {
	t := http.DefaultTransport.(*http.Transport).Clone()
	t.DialContext = (&net.Dialer{Timeout: 10 * time.Second, KeepAlive: 30 * time.Second}).DialContext
	t.TLSHandshakeTimeout = 10 * time.Second
	// No ResponseHeaderTimeout: the per-attempt timeout (WithTimeout)
	// already bounds the wait for headers.
	t.ExpectContinueTimeout = time.Second
	t.MaxIdleConns = 100
	t.MaxIdleConnsPerHost = 32
	t.MaxConnsPerHost = maxConnsPerHost
	t.IdleConnTimeout = 90 * time.Second
	t.ForceAttemptHTTP2 = true
	t.TLSClientConfig = &tls.Config{
		MinVersion:         tls.VersionTLS12,
		ClientSessionCache: tls.NewLRUClientSessionCache(64),
	}
	return t
}

// checkTLS refuses an answer that came over TLS without a verified
// certificate chain or older than TLS 1.2: whatever Transport the caller
// supplied, the SDK does not trust such a peer with what comes next. (The
// SDK's own Transport never makes such a connection.)
func checkTLS(resp *http.Response) *Error {
	st := resp.TLS
	if st == nil {
		return nil
	}
	if st.Version < tls.VersionTLS12 {
		return newError(CodeNetwork, "refused a connection older than TLS 1.2")
	}
	if len(st.VerifiedChains) == 0 {
		return newError(CodeNetwork, "refused a TLS connection whose certificate was not verified")
	}
	return nil
}
