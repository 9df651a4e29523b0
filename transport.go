package cometchatcalls

import (
	"bytes"
	"context"
	"crypto/tls"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net"
	"net/http"
	"net/url"
	"runtime"
	"strconv"
	"strings"
	"sync/atomic"
	"time"
	"unicode"

	"github.com/go-resty/resty/v2"
)

// role says which of CometChat's two hosts a request goes to.
type role uint8

const (
	roleAdmin  role = iota // the "api" host: auth tokens and the REST API, header apiKey
	roleClient             // the "apiclient" host: /me, header authToken
	roleCall               // the "call" host: /call_tokens, header authToken
)

func (r role) String() string {
	switch r {
	case roleAdmin:
		return "admin"
	case roleCall:
		return "call"
	}
	return "client"
}

// maxBodySize caps every answer the SDK reads, success or error.
const maxBodySize = 1 << 20

// Backoff between retries: base·2^attempt, capped, with jitter.
var (
	retryBaseDelay = 100 * time.Millisecond
	retryMaxDelay  = 2 * time.Second
)

// maxRetryAfter keeps a hostile or broken Retry-After from meaning "forever".
const maxRetryAfter = 24 * time.Hour

// transport is the one place that knows resty and HTTP: it builds requests
// on the right base URL, retries what is safe to retry, decodes CometChat's
// envelopes and turns every failure into an *Error with no credential in it.
type transport struct {
	rc         *resty.Client
	hc         *http.Client
	ownsHC     bool // the http.Transport is ours: Close releases its connections
	adminBase  string
	clientBase string
	callBase   string
	timeout    time.Duration
	deadlines  sharedDeadlines // of attempts on a caller's bare context.Background
	retries    int
	logger     *slog.Logger
}

// request is one logical call; transport.do may send it several times.
type request struct {
	role   role
	method string
	path   string // escaped, starting with "/"
	query  string // encoded, without "?"
	// cred is the credential header's value: the apiKey on the admin host,
	// the authToken on the client host.
	cred secret
	// pathSecret is a credential that the REST API puts in the path (a token
	// being revoked); it is scrubbed from logs and errors like cred.
	pathSecret secret
	body       []byte // JSON, or nil
	// known holds the other credentials the call knows (a Login's auth key
	// while its token step runs, the token just received): they are
	// scrubbed from errors and logs like cred.
	known []secret
}

// newTransport builds the transport of one Client or AdminClient.
func newTransport(appID string, cfg *config) *transport {
	hc, owns := httpClientFor(cfg)
	rc := resty.NewWithClient(hc).
		SetLogger(discardRestyLogger{}).
		SetDisableWarn(true).
		SetDebug(false).
		SetCookieJar(nil).
		SetRetryCount(0).
		SetHeaders(map[string]string{
			"appId":      appID,
			"Accept":     "application/json",
			"User-Agent": userAgent(cfg.userAgent),
		})
	logger := cfg.logger
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	return &transport{
		rc:         rc,
		hc:         hc,
		ownsHC:     owns,
		adminBase:  cfg.adminHost,
		clientBase: cfg.clientHost,
		callBase:   cfg.callHost,
		timeout:    cfg.timeout,
		retries:    cfg.retries,
		logger:     logger,
	}
}

// userAgent is "cometchatcalls-go/<Version> (<GOOS>; <GOARCH>) <go version>",
// followed by the caller's own part, if any.
func userAgent(extra string) string {
	ua := "cometchatcalls-go/" + Version + " (" + runtime.GOOS + "; " + runtime.GOARCH + ") " + runtime.Version()
	if extra != "" {
		ua += " " + extra
	}
	return ua
}

// httpClientFor returns the *http.Client the SDK sends through, and whether
// its transport belongs to the SDK. A caller's client is copied, never
// changed; without one the SDK builds its own transport.
func httpClientFor(cfg *config) (*http.Client, bool) {
	var hc http.Client
	owns := false
	if cfg.httpClient != nil {
		hc = *cfg.httpClient
	}
	if hc.Transport == nil {
		hc.Transport = newHTTPTransport()
		owns = true
	}
	// Credentials travel in custom headers, which net/http forwards on
	// redirects even across hosts; CometChat never redirects, so a 3xx is
	// returned as it is (and decoded as an invalid response).
	hc.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	// Cookies would follow one user's session into the next login.
	hc.Jar = nil
	return &hc, owns
}

// newHTTPTransport clones http.DefaultTransport with limits and timeouts
// fit for an SDK that many goroutines share.
func newHTTPTransport() *http.Transport {
	t := http.DefaultTransport.(*http.Transport).Clone()
	t.DialContext = (&net.Dialer{Timeout: 10 * time.Second, KeepAlive: 30 * time.Second}).DialContext
	t.TLSHandshakeTimeout = 10 * time.Second
	// No ResponseHeaderTimeout: the per-attempt timeout (WithTimeout)
	// already bounds the wait for headers, and it would arm one more
	// runtime timer per request (measured in BENCHMARKS.md).
	t.ExpectContinueTimeout = time.Second
	t.MaxIdleConns = 100
	t.MaxIdleConnsPerHost = 32
	t.IdleConnTimeout = 90 * time.Second
	t.ForceAttemptHTTP2 = true
	t.TLSClientConfig = &tls.Config{
		MinVersion:         tls.VersionTLS12,
		ClientSessionCache: tls.NewLRUClientSessionCache(64),
	}
	return t
}

// close releases idle connections of a transport the SDK owns.
func (t *transport) close() {
	if t.ownsHC {
		t.hc.CloseIdleConnections()
	}
}

// do sends req, retrying what is safe, and decodes the "data" of a
// successful answer into out, which must not be nil (pass a struct{} to
// ignore the data).
func do[T any](ctx context.Context, t *transport, req *request, out *T) *Error {
	// Each attempt decodes into a clean envelope, so a failed answer leaves
	// nothing behind for the next one, and a missing "data" stays nil (an
	// invalid response) instead of looking like an empty success.
	var env *envelope[T]
	if e := doEnvelope(ctx, t, req, func() envelopeView { env = &envelope[T]{}; return env }); e != nil {
		return e
	}
	*out = *env.Data
	return nil
}

// doEnvelope is do for a caller that needs more of the answer than "data"
// (a list's "meta"): fresh returns a clean envelope for each attempt, and
// the last one it returned holds the successful answer.
func doEnvelope(ctx context.Context, t *transport, req *request, fresh func() envelopeView) *Error {
	for attempt := 0; ; attempt++ {
		err := t.attempt(ctx, req, attempt, fresh())
		if err == nil {
			return nil
		}
		if !retryable(err) || ctx.Err() != nil {
			return err
		}
		if attempt >= t.retries {
			if t.retries > 0 {
				t.logger.LogAttrs(ctx, slog.LevelWarn, "cometchatcalls: giving up after retries",
					slog.String("method", req.method), slog.String("role", req.role.String()),
					slog.String("path", req.logPath()), slog.Int("attempts", attempt+1),
					slog.String("code", err.Code))
			}
			return err
		}
		wait := backoff(attempt)
		if err.RetryAfter > 0 {
			wait = err.RetryAfter
		}
		if deadline, ok := ctx.Deadline(); ok && time.Until(deadline) < wait {
			// Sleeping would only end in the caller's deadline: fail now,
			// with RetryAfter telling the caller when to come back.
			return err
		}
		if werr := sleep(ctx, wait); werr != nil {
			return networkError(ctx, werr, req)
		}
	}
}

// envelope is CometChat's answer: {"data":…} or {"error":…}.
type envelope[T any] struct {
	Data  *T           `json:"data"`
	Error *serverError `json:"error"`
}

type serverError struct {
	Code    string `json:"code"`
	Message string `json:"message"`
	Details any    `json:"details"`
}

// Canonical forms (http.CanonicalHeaderKey) of the headers set per request:
// CometChat's apiKey and authToken, and Content-Type.
const (
	hdrAPIKey      = "Apikey"
	hdrAuthToken   = "Authtoken"
	hdrContentType = "Content-Type"
)

// jsonContentType is the Content-Type value of every request with a body.
// Never modified: see attempt.
var jsonContentType = []string{"application/json"}

// attempt sends req once and decodes the answer into env.
func (t *transport) attempt(ctx context.Context, req *request, attempt int, env envelopeView) *Error {
	actx, cancel := t.attemptContext(ctx)
	defer cancel()
	start := time.Now()

	r := t.rc.R().SetContext(actx).SetDoNotParseResponse(true)
	// Headers go straight into the map under their canonical keys, as
	// SetHeader would put them but without canonicalising (an allocation)
	// each time; resty clones the map into the http.Request, so sharing
	// the constant Content-Type value is safe.
	if req.role == roleAdmin {
		r.Header[hdrAPIKey] = []string{req.cred.reveal()}
	} else {
		r.Header[hdrAuthToken] = []string{req.cred.reveal()}
	}
	if req.body != nil {
		// An io.Reader body goes to net/http as it is; a []byte one resty
		// copies twice (into a buffer, then into another for the request).
		r.Header[hdrContentType] = jsonContentType
		r.SetBody(bytes.NewReader(req.body))
	}
	resp, err := r.Execute(req.method, t.url(req))
	if err != nil {
		e := networkError(ctx, err, req)
		t.logAttempt(ctx, req, attempt, 0, time.Since(start), e.Code)
		return e
	}
	raw := resp.RawResponse
	if e := checkTLS(raw); e != nil {
		_ = raw.Body.Close()
		t.logAttempt(ctx, req, attempt, 0, time.Since(start), e.Code)
		return e
	}
	body, readErr := readBody(raw.Body, raw.ContentLength)
	if readErr != nil && actx.Err() != nil {
		// The deadline or the caller ended the read: no complete answer
		// arrived, which is a network failure, not a bad answer.
		e := networkError(ctx, fmt.Errorf("reading the answer: %w", actx.Err()), req)
		t.logAttempt(ctx, req, attempt, raw.StatusCode, time.Since(start), e.Code)
		return e
	}
	e := decode(raw, body, readErr, req, env)
	code := ""
	if e != nil {
		code = e.Code
	}
	t.logAttempt(ctx, req, attempt, raw.StatusCode, time.Since(start), code)
	return e
}

// attemptContext is ctx ended t.timeout from now at the latest.
//
// A context of its own per attempt is what the timeout costs: measured on a
// loopback login, net/http handling a fresh cancellable context per request
// added 5-7 % to LoginWithAuthToken (BENCHMARKS.md). So:
//   - when the caller's deadline comes first, ctx is used as it is;
//   - a bare context.Background or context.TODO (no values, never ends)
//     is replaced by a deadline shared with the attempts that started at
//     nearly the same time (sharedDeadlines), which net/http attaches to as
//     cheaply as to a long-lived context;
//   - any other ctx gets context.WithTimeout.
func (t *transport) attemptContext(ctx context.Context) (context.Context, context.CancelFunc) {
	if d, ok := ctx.Deadline(); ok && time.Until(d) <= t.timeout {
		return ctx, func() {}
	}
	if ctx == context.Background() || ctx == context.TODO() {
		return t.deadlines.current(t.timeout), func() {}
	}
	return context.WithTimeout(ctx, t.timeout)
}

// sharedDeadlines hands out contexts that end a timeout after they were
// made, a new one per slot of timeout/deadlineSlots: an attempt that takes
// the current one gets between (1 - 1/deadlineSlots) of the timeout and all
// of it. About deadlineSlots of them are pending at a time, each holding
// one runtime timer until it fires. The zero value is ready to use.
type sharedDeadlines struct {
	cur atomic.Pointer[deadlineSlot]
}

const deadlineSlots = 64

type deadlineSlot struct {
	ctx     context.Context
	created time.Time
	timeout time.Duration
	// cancel is never called: the deadline ends the context, and the
	// attempts sharing it must not be cut short by anything else.
	cancel context.CancelFunc
}

func (s *sharedDeadlines) current(timeout time.Duration) context.Context {
	now := time.Now()
	cur := s.cur.Load()
	if cur != nil && cur.timeout == timeout && now.Sub(cur.created) < timeout/deadlineSlots {
		return cur.ctx
	}
	next := &deadlineSlot{created: now, timeout: timeout}
	next.ctx, next.cancel = context.WithDeadline(context.Background(), now.Add(timeout))
	// Another attempt may have made a slot meanwhile: either is right.
	s.cur.CompareAndSwap(cur, next)
	return next.ctx
}

func (t *transport) url(req *request) string {
	base := t.clientBase
	switch req.role {
	case roleAdmin:
		base = t.adminBase
	case roleCall:
		base = t.callBase
	}
	u := base + req.path
	if req.query != "" {
		u += "?" + req.query
	}
	return u
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

// readBody reads at most maxBodySize+1 bytes, so an oversize answer is
// detected without being held in memory, and closes the body. A declared
// size (Content-Length, -1 if unknown) within the limit sizes the buffer at
// once: one allocation instead of io.ReadAll's growing copies. The body is
// always read to EOF, so its connection goes back to the pool.
func readBody(rc io.ReadCloser, size int64) ([]byte, error) {
	defer rc.Close()
	if size < 0 || size > maxBodySize {
		return io.ReadAll(io.LimitReader(rc, maxBodySize+1))
	}
	buf := make([]byte, 0, size+1) // +1: room to see EOF, or a longer body
	for {
		n, err := rc.Read(buf[len(buf):cap(buf)])
		buf = buf[:len(buf)+n]
		if err == io.EOF {
			return buf, nil
		}
		if err != nil {
			return buf, err
		}
		if len(buf) == cap(buf) { // longer than declared
			rest, err := io.ReadAll(io.LimitReader(rc, maxBodySize+1-int64(len(buf))))
			return append(buf, rest...), err
		}
	}
}

// decode turns an HTTP answer into nil (data decoded into env) or an *Error.
// Per protocol.md §6 the body decides: an error object is an error at any
// status, data is success only on 2xx, anything else is an invalid response
// that keeps the status.
func decode(resp *http.Response, body []byte, readErr error, req *request, env envelopeView) *Error {
	status := resp.StatusCode
	if readErr != nil {
		return invalidResponse(status, "reading the body failed", req.scrubber().error(readErr))
	}
	if len(body) > maxBodySize {
		return invalidResponse(status, "the body is larger than 1 MiB", nil)
	}
	if err := json.Unmarshal(body, env); err != nil {
		return invalidResponse(status, describeBody(resp, body, req.scrubber()), nil)
	}
	if se := env.serverError(); se != nil {
		return fromServer(se, resp, req)
	}
	if status < 200 || status > 299 || !env.hasData() {
		return invalidResponse(status, describeBody(resp, body, req.scrubber()), nil)
	}
	return nil
}

// envelopeView is what decode needs of an envelope whatever its data type:
// an envelope[T], or a list envelope that embeds one.
type envelopeView interface {
	serverError() *serverError
	hasData() bool
}

func (e *envelope[T]) serverError() *serverError { return e.Error }
func (e *envelope[T]) hasData() bool             { return e.Data != nil && e.Error == nil }

// describeBody says what came back instead of an envelope, without quoting
// it (a proxy page could echo request headers).
func describeBody(resp *http.Response, body []byte, sc scrubber) string {
	ct := resp.Header.Get("Content-Type")
	switch {
	case len(bytes.TrimSpace(body)) == 0:
		return "empty body"
	case ct != "" && !bytes.Contains([]byte(ct), []byte("json")):
		return fmt.Sprintf("unexpected %s body of %d bytes", mediaTypeForMessage(ct, sc), len(body))
	default:
		return fmt.Sprintf("no CometChat envelope in %d bytes of JSON", len(body))
	}
}

// mediaTypeForMessage makes a Content-Type fit for an error message: a
// hostile server can echo a credential into it, or make it huge. It drops
// unprintable characters, then scrubs credentials (in that order, so that
// dropping cannot join the pieces of one), then cuts it to 64 bytes.
func mediaTypeForMessage(ct string, sc scrubber) string {
	ct = strings.Map(func(r rune) rune {
		if unicode.IsPrint(r) {
			return r
		}
		return -1
	}, ct)
	ct = sc.string(ct)
	if len(ct) > 64 {
		ct = strings.ToValidUTF8(ct[:64], "") + "…"
	}
	return ct
}

func invalidResponse(status int, what string, cause error) *Error {
	e := wrapError(CodeInvalidResponse, "invalid response: "+what, cause)
	e.HTTPStatus = status
	return e
}

// fromServer keeps the server's code, message and details intact, minus any
// credential the request carried.
func fromServer(se *serverError, resp *http.Response, req *request) *Error {
	sc := req.scrubber()
	code := sc.string(se.Code) // the code is logged and printed too
	if code == "" {
		code = CodeInvalidResponse
	}
	e := &Error{
		Code:       code,
		Message:    sc.string(se.Message),
		Details:    sc.value(se.Details),
		HTTPStatus: resp.StatusCode,
	}
	if resp.StatusCode == http.StatusTooManyRequests || resp.StatusCode == http.StatusServiceUnavailable {
		e.RetryAfter, _ = parseRetryAfter(resp.Header.Get("Retry-After"), time.Now())
	}
	return e
}

// networkError is the *Error for a request that got no answer. When the
// caller's context ended, its error is the cause, so errors.Is(err,
// context.DeadlineExceeded) holds; otherwise the transport's error is, with
// any credential scrubbed from its URL.
func networkError(ctx context.Context, err error, req *request) *Error {
	if cerr := ctx.Err(); cerr != nil {
		return wrapError(CodeNetwork, "request not completed: "+cerr.Error(), cerr)
	}
	cause := req.scrubber().error(err)
	e := wrapError(CodeNetwork, cause.Error(), cause)
	e.neverSent = neverConnected(err)
	return e
}

// neverConnected reports whether err happened while dialling, before any
// connection existed.
func neverConnected(err error) bool {
	var op *net.OpError
	return errors.As(err, &op) && op.Op == "dial"
}

// retryable reports whether a failed attempt may be sent again: a
// connection that never came up, and 429/502/503/504. Never an auth error.
func retryable(e *Error) bool {
	switch e.HTTPStatus {
	case http.StatusTooManyRequests, http.StatusBadGateway, http.StatusServiceUnavailable, http.StatusGatewayTimeout:
		return true
	case 0:
		return e.neverSent
	}
	return false
}

// backoff is the wait before retry number attempt+1: exponential, capped,
// with jitter in [d/2, d) so clients do not retry in lockstep.
func backoff(attempt int) time.Duration {
	d := retryMaxDelay
	if attempt < 16 {
		d = min(retryBaseDelay<<attempt, retryMaxDelay)
	}
	return d/2 + rand.N(d/2+1)
}

// sleep waits d or until ctx ends.
func sleep(ctx context.Context, d time.Duration) error {
	timer := time.NewTimer(d)
	defer timer.Stop()
	select {
	case <-timer.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// parseRetryAfter reads a Retry-After value: delay-seconds or an HTTP date.
// Negative, unparsable or past values give (0, false); huge ones are capped.
func parseRetryAfter(v string, now time.Time) (time.Duration, bool) {
	if v == "" {
		return 0, false
	}
	if secs, err := strconv.ParseInt(v, 10, 64); err == nil {
		if secs < 0 {
			return 0, false
		}
		if secs > int64(maxRetryAfter/time.Second) {
			return maxRetryAfter, true
		}
		return time.Duration(secs) * time.Second, true
	}
	if len(v) > 64 {
		return 0, false
	}
	at, err := http.ParseTime(v)
	if err != nil {
		return 0, false
	}
	d := at.Sub(now)
	if d <= 0 {
		return 0, false
	}
	return min(d, maxRetryAfter), true
}

// scrubber lists the credentials req carries.
func (req *request) scrubber() scrubber {
	return scrubber{req.cred.reveal(), req.pathSecret.reveal(), url.PathEscape(req.pathSecret.reveal())}
}

// logPath is the request path with any credential in it replaced.
func (req *request) logPath() string {
	if req.pathSecret == "" {
		return req.path
	}
	return req.scrubber().string(req.path)
}

// logAttempt writes the one debug line of an attempt. Nothing here can hold
// a credential: the path is scrubbed and headers are not logged.
func (t *transport) logAttempt(ctx context.Context, req *request, attempt, status int, d time.Duration, code string) {
	if !t.logger.Enabled(ctx, slog.LevelDebug) {
		return
	}
	t.logger.LogAttrs(ctx, slog.LevelDebug, "cometchatcalls: request",
		slog.String("method", req.method),
		slog.String("role", req.role.String()),
		slog.String("path", req.logPath()),
		slog.Int("status", status),
		slog.Int("attempt", attempt+1),
		slog.Duration("duration", d),
		slog.String("code", code),
	)
}

// error returns err with every credential scrubbed from its text, keeping
// the chain for errors.Is/As where it can: a *url.Error (the usual
// transport error) is rebuilt with a scrubbed URL around the same cause.
func (sc scrubber) error(err error) error {
	if err == nil {
		return nil // e.g. the Err of a *url.Error from a custom RoundTripper
	}
	var ue *url.Error
	if errors.As(err, &ue) {
		return &url.Error{Op: ue.Op, URL: sc.string(ue.URL), Err: sc.error(ue.Err)}
	}
	msg, ok := errorText(err)
	if clean := sc.string(msg); !ok || clean != msg || sc.inChain(err) {
		return &scrubbedError{msg: clean}
	}
	return err
}

// errorText is err.Error(), and false if that panics, as it does for a
// malformed error a custom RoundTripper may return (a *net.OpError without
// Err): the SDK must not panic, nor hand the caller an error that does.
func errorText(err error) (msg string, ok bool) {
	defer func() {
		if recover() != nil {
			msg, ok = fmt.Sprintf("transport error of type %T (its Error method panicked)", err), false
		}
	}()
	return err.Error(), true
}

// inChain reports whether any error behind err quotes a credential: an
// error's own text need not show its cause's, yet printing the Unwrap chain
// would.
func (sc scrubber) inChain(err error) bool {
	var causes []error
	switch u := err.(type) {
	case interface{ Unwrap() error }:
		causes = []error{u.Unwrap()}
	case interface{ Unwrap() []error }:
		causes = u.Unwrap()
	}
	for _, c := range causes {
		if c == nil {
			continue
		}
		if msg, ok := errorText(c); !ok || sc.string(msg) != msg || sc.inChain(c) {
			return true
		}
	}
	return false
}

// scrubbedError replaces an error whose text quoted a credential. It has no
// Unwrap on purpose: the original would print the credential.
type scrubbedError struct{ msg string }

func (e *scrubbedError) Error() string { return e.msg }

// discardRestyLogger silences resty: its warnings print full URLs.
type discardRestyLogger struct{}

func (discardRestyLogger) Errorf(string, ...any) {}
func (discardRestyLogger) Warnf(string, ...any)  {}
func (discardRestyLogger) Debugf(string, ...any) {}
