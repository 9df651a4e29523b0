package cometchatcalls

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"runtime"
	"sync/atomic"
	"time"

	"github.com/go-resty/resty/v2"
)

// role says which of CometChat's hosts a request goes to.
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

// transport is the one place that knows resty and HTTP: it builds requests
// on the right base URL, sends them, retries what is safe to retry, and
// hands the answers to decode (envelope.go), so every failure is an *Error
// with no credential in it.
type transport struct {
	rc         *resty.Client
	hc         *http.Client
	shared     bool // hc's Transport is the shared pool: close releases this client's share
	closed     atomic.Bool
	adminBase  string
	clientBase string
	callBase   string
	// adminKey is what the apiKey header holds, as error messages name it:
	// a Client sends the auth key, an AdminClient the REST API key.
	adminKey     string
	timeout      time.Duration
	retries      int
	maxRetryWait time.Duration
	logger       *slog.Logger
	// sleep waits between attempts; tests replace it to see the waits.
	sleep func(context.Context, time.Duration) error
	// stopped ends when Close begins: a call waiting to retry gives up
	// then, so that Close does not wait out a server's Retry-After.
	stopped     context.Context
	stopRetries context.CancelFunc
}

// request is one logical call; transport.do may send it several times.
type request struct {
	role   role
	method string
	path   string // escaped, starting with "/"
	query  string // encoded, without "?"
	// cred is the credential header's value: the apiKey on the admin host,
	// the authToken on the client and call hosts.
	cred secret
	body []byte // JSON, or nil
	// scrub removes cred and every other credential the call knows from
	// what the answer and the request's errors and logs may quote.
	scrub scrubber
}

// newRequest is a request on r's host with cred in its header. known are
// the other credentials the call knows (a token in the path, a Login's
// auth key while its token step runs, the token just received): the
// scrubber of everything the request leads to is made here, once.
func newRequest(r role, method, path string, cred secret, body []byte, known ...secret) request {
	creds := make([]secret, 0, 4)
	creds = append(append(creds, cred), known...)
	return request{role: r, method: method, path: path, cred: cred, body: body, scrub: newScrubber(creds...)}
}

// newTransport builds the transport of a Client, whose admin-host requests
// carry the auth key.
func newTransport(appID string, cfg *config) *transport {
	hc, shared := httpClientFor(cfg)
	rc := resty.NewWithClient(hc).
		SetLogger(discardRestyLogger{}).
		SetDisableWarn(true).
		SetDebug(false).
		SetCookieJar(nil).
		SetRetryCount(0).
		SetPreRequestHook(emptyBodyIsNoBody).
		SetHeaders(map[string]string{
			"appId":      appID,
			"Accept":     "application/json",
			"User-Agent": userAgent(cfg.userAgent),
		})
	logger := cfg.logger
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	stopped, stopRetries := context.WithCancel(context.Background())
	return &transport{
		stopped:      stopped,
		stopRetries:  stopRetries,
		rc:           rc,
		hc:           hc,
		shared:       shared,
		adminBase:    cfg.adminHost,
		clientBase:   cfg.clientHost,
		callBase:     cfg.callHost,
		adminKey:     "auth key",
		timeout:      cfg.timeout,
		retries:      cfg.retries,
		maxRetryWait: cfg.maxRetryWait,
		logger:       logger,
		sleep:        sleep,
	}
}

// emptyBodyIsNoBody marks a body-less request's body as http.NoBody.
// resty gives net/http a copy of NoBody (a DELETE's, say) that net/http
// cannot tell is empty, so net/http would probe it (a goroutine and a
// timer) before sending every such request. The SDK's bodies are all in
// memory: ContentLength 0 means empty.
func emptyBodyIsNoBody(_ *resty.Client, r *http.Request) error {
	if r.ContentLength == 0 && r.Body != nil {
		r.Body = http.NoBody
		r.GetBody = func() (io.ReadCloser, error) { return http.NoBody, nil }
	}
	return nil
}

// newAdminTransport builds the transport of an AdminClient, whose requests
// carry the REST API key.
func newAdminTransport(appID string, cfg *config) *transport {
	t := newTransport(appID, cfg)
	t.adminKey = "REST API key"
	return t
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

// close gives back the client's share of the shared pool (the last share
// releases its idle connections). It does nothing the second time, and
// nothing to a caller's *http.Client.
func (t *transport) close() {
	if t == nil || t.closed.Swap(true) {
		return
	}
	if t.shared {
		releaseSharedTransport()
	}
}

// do sends req, retrying what is safe, and returns the "data" of a
// successful answer, decoded as a T (a struct{} ignores it).
func do[T any](ctx context.Context, t *transport, req request) (*T, *Error) {
	// Each attempt decodes into a clean envelope, so a failed answer leaves
	// nothing behind for the next one, and a missing "data" stays nil (an
	// invalid response) instead of looking like an empty success.
	var env *envelope[T]
	if e := doEnvelope(ctx, t, req, func() envelopeView { env = &envelope[T]{}; return env }); e != nil {
		return nil, e
	}
	return env.Data, nil
}

// doEnvelope is do for a caller that needs more of the answer than "data"
// (a list's "meta"): fresh returns a clean envelope for each attempt, and
// the last one it returned holds the successful answer.
func doEnvelope(ctx context.Context, t *transport, req request, fresh func() envelopeView) *Error {
	for attempt := 0; ; attempt++ {
		err := t.attempt(ctx, &req, attempt, fresh())
		if err == nil {
			return nil
		}
		if !retryable(err) || ctx.Err() != nil {
			return err
		}
		wait, ok := retryWait(ctx, err, attempt, t.maxRetryWait)
		if !ok || attempt >= t.retries {
			if t.retries > 0 {
				t.logger.LogAttrs(ctx, slog.LevelWarn, "cometchatcalls: giving up",
					slog.String("role", req.role.String()), slog.String("method", req.method),
					slog.String("path", req.logPath()), slog.Int("attempts", attempt+1),
					slog.String("code", err.Code), slog.Duration("retry_after", err.RetryAfter))
			}
			return err
		}
		if werr := t.wait(ctx, wait); werr == errStopped {
			return err // Close has begun: the caller gets the last answer now
		} else if werr != nil {
			return networkError(ctx, werr, &req)
		}
	}
}

// errStopped is what wait answers once Close has begun.
var errStopped = errors.New("the client is closing")

// wait sleeps d before the next attempt, unless Close begins first
// (t.stopRetries, called by Close before it waits for the calls in flight).
func (t *transport) wait(ctx context.Context, d time.Duration) error {
	if t.stopped.Err() != nil {
		return errStopped
	}
	wctx, cancel := context.WithCancel(ctx)
	defer cancel()
	defer context.AfterFunc(t.stopped, cancel)()
	err := t.sleep(wctx, d)
	if err != nil && ctx.Err() == nil && t.stopped.Err() != nil {
		return errStopped
	}
	return err
}

// attempt sends req once, decodes the answer into env, and logs one line.
func (t *transport) attempt(ctx context.Context, req *request, n int, env envelopeView) *Error {
	start := time.Now()
	status, e := t.exchange(ctx, req, env)
	t.logAttempt(ctx, req, n, status, time.Since(start), e)
	return e
}

// The credential headers, spelled as net/http writes them (names are
// case-insensitive): a name already in canonical form is not copied on
// every request.
var (
	headerAPIKey    = http.CanonicalHeaderKey("apiKey")
	headerAuthToken = http.CanonicalHeaderKey("authToken")
)

// exchange is one HTTP round trip of req, bounded by the per-attempt
// timeout, and the status of the answer (0 without one).
func (t *transport) exchange(ctx context.Context, req *request, env envelopeView) (int, *Error) {
	actx, cancel := context.WithTimeout(ctx, t.timeout)
	defer cancel()

	r := t.rc.R().SetContext(actx).SetDoNotParseResponse(true)
	if req.role == roleAdmin {
		r.SetHeader(headerAPIKey, req.cred.reveal())
	} else {
		r.SetHeader(headerAuthToken, req.cred.reveal())
	}
	if req.body != nil {
		// An io.Reader body goes to net/http as it is; resty copies a
		// []byte one twice.
		r.SetHeader("Content-Type", "application/json").SetBody(bytes.NewReader(req.body))
	}
	resp, err := r.Execute(req.method, t.url(req))
	if err != nil {
		return 0, networkError(ctx, err, req)
	}
	raw := resp.RawResponse
	if e := checkTLS(raw); e != nil {
		_ = raw.Body.Close()
		return 0, e
	}
	body, readErr := readBody(raw.Body, raw.ContentLength)
	if readErr != nil && actx.Err() != nil {
		// The timeout or the caller ended the read: no complete answer
		// arrived, which is a network failure, not a bad answer.
		return raw.StatusCode, networkError(ctx, fmt.Errorf("reading the answer: %w", actx.Err()), req)
	}
	keyName := ""
	if req.role == roleAdmin {
		keyName = t.adminKey
	}
	return raw.StatusCode, decode(raw, body, readErr, req, keyName, env)
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

// logPath is the request path with any credential in it replaced.
func (req *request) logPath() string { return req.scrub.string(req.path) }

// logAttempt writes the one debug line of an attempt: host role, method,
// path, status and code when there is one, attempt number and duration.
// Nothing here can hold a credential: the path is scrubbed, the code too,
// and headers are not logged.
func (t *transport) logAttempt(ctx context.Context, req *request, n, status int, d time.Duration, e *Error) {
	if !t.logger.Enabled(ctx, slog.LevelDebug) {
		return
	}
	attrs := make([]slog.Attr, 0, 7)
	attrs = append(attrs,
		slog.String("role", req.role.String()),
		slog.String("method", req.method),
		slog.String("path", req.logPath()),
	)
	if status != 0 {
		attrs = append(attrs, slog.Int("status", status))
	}
	if e != nil {
		attrs = append(attrs, slog.String("code", e.Code))
	}
	attrs = append(attrs, slog.Int("attempt", n+1), slog.Duration("duration", d))
	t.logger.LogAttrs(ctx, slog.LevelDebug, "cometchatcalls: request", attrs...)
}

// discardRestyLogger silences resty: its warnings print full URLs.
type discardRestyLogger struct{}

func (discardRestyLogger) Errorf(string, ...any) {}
func (discardRestyLogger) Warnf(string, ...any)  {}
func (discardRestyLogger) Debugf(string, ...any) {}
