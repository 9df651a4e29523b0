package cometchatcallstest

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/cometchat-go/cometchatcalls"
)

// maxBodyBytes bounds request bodies; a larger one is ERR_BAD_REQUEST.
const maxBodyBytes = 1 << 20

// Server is an in-process CometChat emulator listening on a real TCP
// socket. Create one with NewServer or Start and Close it when done. All
// methods are safe for concurrent use.
type Server struct {
	cfg       config
	store     *store
	mux       *http.ServeMux
	srv       *http.Server
	url       string
	cert      *x509.Certificate
	transport *http.Transport
	conns     atomic.Int64
	closing   chan struct{} // closed when Close or Shutdown begins
	closeOnce sync.Once
	served    chan struct{} // closed when Serve has returned
	inFlight  sync.WaitGroup
	webhooks  *webhookSender

	mu       sync.Mutex // guards the fields below
	closed   bool
	log      []Request
	logBytes int // logSize of every entry of log
	faults   []pendingFault
	latency  time.Duration
	hold     holdState
	window   rateWindow
}

// NewServer starts an emulator on a free loopback port (127.0.0.1:0) and
// returns it ready to serve. Like httptest.NewServer it panics when it cannot
// listen or an option is invalid; use Start to get an error instead.
func NewServer(opts ...ServerOption) *Server {
	s, err := Start(opts...)
	if err != nil {
		panic(err)
	}
	return s
}

// Start is NewServer returning an error instead of panicking: an invalid
// option, a WithStateFile file that cannot be read, or an address (WithAddr) that cannot be listened on, e.g. because
// the port is taken. The error of a failed listen wraps the net error.
func Start(opts ...ServerOption) (*Server, error) {
	cfg := defaultConfig()
	for _, o := range opts {
		o(&cfg)
	}
	if err := cfg.check(); err != nil {
		return nil, fmt.Errorf("cometchatcallstest: %w", err)
	}
	st := newStore(cfg.clock)
	if cfg.stateFile != "" {
		if err := loadState(st, cfg.stateFile, cfg.appID); err != nil {
			return nil, fmt.Errorf("cometchatcallstest: %w", err)
		}
	}
	ln, err := net.Listen("tcp", cfg.addr)
	if err != nil {
		return nil, fmt.Errorf("cometchatcallstest: cannot listen on %s: %w", cfg.addr, err)
	}
	s := &Server{
		cfg:      cfg,
		store:    st,
		closing:  make(chan struct{}),
		served:   make(chan struct{}),
		webhooks: newWebhookSender(cfg.webhooks),
	}
	s.mux = s.routes()
	if err := s.serve(ln); err != nil {
		_ = ln.Close()
		s.webhooks.close()
		return nil, err
	}
	return s, nil
}

// serve sets up TLS when asked, the client transport and the http.Server,
// and starts serving ln.
func (s *Server) serve(ln net.Listener) error {
	scheme := "http"
	s.transport = &http.Transport{MaxIdleConnsPerHost: 16, IdleConnTimeout: 90 * time.Second}
	if s.cfg.tls {
		leaf, err := selfSigned(ln.Addr(), s.cfg.addr)
		if err != nil {
			return fmt.Errorf("cometchatcallstest: %w", err)
		}
		s.cert = leaf.Leaf
		ln = tls.NewListener(ln, &tls.Config{
			Certificates: []tls.Certificate{leaf},
			MinVersion:   tls.VersionTLS12,
			NextProtos:   []string{"http/1.1"},
		})
		pool := x509.NewCertPool()
		pool.AddCert(s.cert)
		s.transport.TLSClientConfig = &tls.Config{RootCAs: pool, MinVersion: tls.VersionTLS12}
		scheme = "https"
	}
	s.url = scheme + "://" + dialableHost(ln.Addr())
	s.srv = &http.Server{
		ReadHeaderTimeout: 10 * time.Second,
		// Else an idle keep-alive connection stays open for ever.
		IdleTimeout: 2 * time.Minute,
	}
	for _, configure := range s.cfg.httpServer {
		configure(s.srv)
	}
	s.srv.Handler = s
	s.srv.ConnState = s.connState
	s.srv.ErrorLog = log.New(io.Discard, "", 0)
	s.srv.TLSNextProto = map[string]func(*http.Server, *tls.Conn, http.Handler){} // HTTP/1.1 only
	go func() {
		defer close(s.served)
		_ = s.srv.Serve(ln)
	}()
	return nil
}

// dialableHost returns addr as host:port a client can dial: an unspecified
// address (0.0.0.0, ::) becomes 127.0.0.1, which a wildcard "tcp" listener
// (dual-stack) always accepts.
func dialableHost(addr net.Addr) string {
	tcp, ok := addr.(*net.TCPAddr)
	if !ok {
		return addr.String()
	}
	ip := tcp.IP
	if ip.IsUnspecified() {
		ip = net.IPv4(127, 0, 0, 1)
	}
	return net.JoinHostPort(ip.String(), strconv.Itoa(tcp.Port))
}

// connState counts new connections and closes the ones accepted after Close.
func (s *Server) connState(c net.Conn, st http.ConnState) {
	if st != http.StateNew {
		return
	}
	s.conns.Add(1)
	s.mu.Lock()
	closed := s.closed
	s.mu.Unlock()
	if closed {
		_ = c.Close()
	}
}

// Close stops the server at once: held and delayed requests are released,
// every connection is closed, and Close returns when no request is being
// served any more. It also closes the idle connections of Client's
// transport and of http.DefaultTransport, as httptest.Server.Close does.
// Webhook deliveries in flight are cancelled and pending retries dropped.
// Close may be called more than once.
func (s *Server) Close() {
	s.beginClose()
	s.mu.Lock()
	s.closed = true
	s.mu.Unlock()
	// Webhook deliveries first: a simulation requested over HTTP is a
	// request in flight until its deliveries end.
	s.webhooks.close()
	_ = s.srv.Close()
	s.inFlight.Wait()
	<-s.served
	s.transport.CloseIdleConnections()
	if t, ok := http.DefaultTransport.(interface{ CloseIdleConnections() }); ok {
		t.CloseIdleConnections()
	}
}

// Shutdown stops the server gracefully: it stops accepting connections,
// releases held requests, skips the remaining latency, waits until the
// requests in flight are answered or ctx is done, then does what Close does.
// It returns ctx's error when ctx ended the wait.
func (s *Server) Shutdown(ctx context.Context) error {
	s.beginClose()
	s.webhooks.stop() // a simulation requested over HTTP ends now, not after its deliveries
	err := s.srv.Shutdown(ctx)
	s.Close()
	if errors.Is(err, http.ErrServerClosed) {
		err = nil
	}
	return err
}

func (s *Server) beginClose() { s.closeOnce.Do(func() { close(s.closing) }) }

// enter registers a request being served; it reports false once the server
// is closed.
func (s *Server) enter() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return false
	}
	s.inFlight.Add(1)
	return true
}

// URL returns the server's base URL, e.g. "http://127.0.0.1:41234", without
// a trailing slash. The admin API lives under URL()+"/admin/v3.0", the client
// API under URL()+"/client/v3.0".
func (s *Server) URL() string { return s.url }

// AdminURL returns the admin ("api") base URL, version path included: the
// value for cometchatcalls.WithAdminHost.
func (s *Server) AdminURL() string { return s.url + adminPrefix }

// ClientURL returns the client ("apiclient") base URL, version path
// included: the value for cometchatcalls.WithClientHost.
func (s *Server) ClientURL() string { return s.url + clientPrefix }

// ClientOptions returns the options that point a cometchatcalls Client or
// AdminClient at this server: WithAdminHost, WithClientHost and
// WithCallHost, plus WithHTTPClient(s.Client()) when the server uses TLS.
func (s *Server) ClientOptions() []cometchatcalls.Option {
	opts := []cometchatcalls.Option{
		cometchatcalls.WithAdminHost(s.AdminURL()),
		cometchatcalls.WithClientHost(s.ClientURL()),
		cometchatcalls.WithCallHost(s.CallURL()),
	}
	if s.cert != nil {
		opts = append(opts, cometchatcalls.WithHTTPClient(s.Client()))
	}
	return opts
}

// Client returns a new *http.Client for this server. All of them share one
// transport per server, so connections are reused; with TLS the transport
// trusts the server's certificate (and only that). Close closes the
// transport's idle connections.
func (s *Server) Client() *http.Client { return &http.Client{Transport: s.transport} }

// Certificate returns the server's self-signed certificate, or nil without
// WithTLS.
func (s *Server) Certificate() *x509.Certificate { return s.cert }

// AppID returns the app ID requests must send in the appId header.
func (s *Server) AppID() string { return s.cfg.appID }

// Region returns the region, in lower case.
func (s *Server) Region() string { return s.cfg.region }

// AuthKey returns the auth key (it may only create users and auth tokens).
func (s *Server) AuthKey() string { return s.cfg.authKey }

// APIKey returns the REST API key (it may call every admin endpoint).
func (s *Server) APIKey() string { return s.cfg.apiKey }

// ConnectionCount returns how many TCP connections the server has accepted
// since it started, a way to check that a client reuses its connections.
func (s *Server) ConnectionCount() int { return int(s.conns.Load()) }

// ServeHTTP answers one request; the server calls it for every request it
// receives. The steps, in order: record the request and, in arrival order,
// decide its fault or rate-limit fate; wait while held and for the latency;
// answer the fault if there is one; else the rate limit, the appId check,
// the route, the credentials, the endpoint.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if !s.enter() {
		writeError(w, newAPIError(http.StatusServiceUnavailable, "ERR_SERVICE_UNAVAILABLE", "The emulator is shutting down."))
		return
	}
	defer s.inFlight.Done()
	body, tooLarge := readBody(r)
	adm := s.admit(r, body)
	if !s.delay(r.Context(), adm) {
		return // the client gave up; nobody reads an answer
	}
	if adm.fault != nil {
		adm.fault.write(w)
		return
	}
	adm.rate.setHeaders(w.Header())
	e := adm.rate.err()
	if e == nil {
		e = s.checkRequestAppID(r)
	}
	if e != nil {
		writeError(w, e)
		return
	}
	s.route(w, r, body, tooLarge)
}

// readBody reads the whole body, at most maxBodyBytes of it, and reports
// whether there was more.
func readBody(r *http.Request) ([]byte, bool) {
	b, _ := io.ReadAll(io.LimitReader(r.Body, maxBodyBytes+1))
	if len(b) > maxBodyBytes {
		return b[:maxBodyBytes], true
	}
	return b, false
}

// admission is what the server decided for a request when it arrived.
type admission struct {
	fault   *Fault
	rate    rateDecision
	hold    chan struct{} // nil when not held
	latency time.Duration
}

// admit logs the request and decides its fate under one lock, so that
// faults, holds and the rate limit follow arrival order.
func (s *Server) admit(r *http.Request, body []byte) admission {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.appendLocked(s.record(r, body))
	adm := admission{hold: s.hold.gateLocked(), latency: s.latency}
	if adm.fault = s.nextFaultLocked(r); adm.fault == nil {
		adm.rate = s.countLocked(s.cfg.clock())
	}
	return adm
}
