package cometchatcalls

import (
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"reflect"
	"strings"
	"time"
)

// An Option configures a Client or an AdminClient. Options are checked by New
// and NewAdminClient; a bad one makes them fail with ERROR_INVALID_OPTION.
type Option func(*config) error

// config collects what the options set; New turns it into a Client.
type config struct {
	adminHost    string
	clientHost   string
	callHost     string
	store        SessionStore
	httpClient   *http.Client
	timeout      time.Duration
	retries      int
	maxRetryWait time.Duration
	logger       *slog.Logger
	userAgent    string
}

const (
	defaultTimeout      = 10 * time.Second
	defaultRetries      = 2
	defaultMaxRetryWait = time.Minute
)

func defaultConfig() config {
	return config{timeout: defaultTimeout, retries: defaultRetries, maxRetryWait: defaultMaxRetryWait}
}

// WithAdminHost replaces the admin ("api") base URL whole, version path
// included, e.g. "https://proxy.example.com/cometchat/v3.0". It must be
// https, or http to a loopback host (for emulators and tests), with no
// user info, query or fragment.
func WithAdminHost(baseURL string) Option {
	return func(c *config) error {
		u, err := parseBaseURL(baseURL)
		if err != nil {
			return err
		}
		c.adminHost = u
		return nil
	}
}

// WithClientHost replaces the client ("apiclient") base URL whole, under the
// same rules as WithAdminHost. An AdminClient ignores it.
func WithClientHost(baseURL string) Option {
	return func(c *config) error {
		u, err := parseBaseURL(baseURL)
		if err != nil {
			return err
		}
		c.clientHost = u
		return nil
	}
}

// WithCallHost replaces the calls base URL whole (default
// https://{appId}.call-{region}.cometchat.io/v3.0), under the same rules as
// WithAdminHost. An AdminClient ignores it.
func WithCallHost(baseURL string) Option {
	return func(c *config) error {
		u, err := parseBaseURL(baseURL)
		if err != nil {
			return err
		}
		c.callHost = u
		return nil
	}
}

// WithBaseURL sets all three hosts from one base, as the emulator and most
// proxies lay them out: base+"/admin/v3.0", base+"/client/v3.0" and
// base+"/call/v3.0". The rules of WithAdminHost apply to base. A host option
// given after it replaces that one host.
func WithBaseURL(base string) Option {
	return func(c *config) error {
		u, err := parseBaseURL(base)
		if err != nil {
			return err
		}
		c.adminHost = u + "/admin/v3.0"
		c.clientHost = u + "/client/v3.0"
		c.callHost = u + "/call/v3.0"
		return nil
	}
}

// WithSessionStore sets where the session persists; the default is a new
// MemoryStore. Use a FileStore to keep users logged in across restarts. An
// AdminClient ignores it. A nil store, or one that is a nil pointer, is
// ERROR_INVALID_OPTION.
func WithSessionStore(s SessionStore) Option {
	return func(c *config) error {
		if s == nil || isNilPointer(s) {
			return invalidOption("WithSessionStore: the store is nil")
		}
		c.store = s
		return nil
	}
}

// isNilPointer reports whether v, a non-nil interface, holds a nil
// pointer (or map, func, chan): a store or a RoundTripper like that would
// panic, or fail, at the first call that reaches it.
func isNilPointer(v any) bool {
	switch rv := reflect.ValueOf(v); rv.Kind() {
	case reflect.Pointer, reflect.Map, reflect.Func, reflect.Chan, reflect.Slice:
		return rv.IsNil()
	}
	return false
}

// WithHTTPClient sets the HTTP client that carries the requests. The SDK
// works on a shallow copy and never changes hc: it does not follow
// redirects (credentials must never reach another host) and keeps no
// cookies. hc's Transport is shared as given, so clients that share hc also
// share its connection pool, and its limits are the ones that apply: the
// default pool's bound of 64 connections per host is not added to it (set
// MaxConnsPerHost yourself if a burst could exhaust your file descriptors).
//
// The SDK does not read the Transport's settings (that would race with its
// use elsewhere); instead it checks every TLS connection it is answered on
// and refuses one whose certificate was not verified or whose version is
// older than TLS 1.2, so a Transport with InsecureSkipVerify fails every call.
func WithHTTPClient(hc *http.Client) Option {
	return func(c *config) error {
		if hc == nil {
			return invalidOption("WithHTTPClient: the HTTP client is nil")
		}
		if hc.Transport != nil && isNilPointer(hc.Transport) { // a nil *http.Transport panics at the first request
			return invalidOption("WithHTTPClient: the HTTP client's Transport is a nil pointer")
		}
		c.httpClient = hc
		return nil
	}
}

// WithTimeout bounds each attempt of each request (default 10 s); an
// attempt that runs out is ERROR_NETWORK. The caller's context bounds the
// whole call, retries and the waits between them included.
func WithTimeout(d time.Duration) Option {
	return func(c *config) error {
		if d <= 0 {
			return invalidOption(fmt.Sprintf("WithTimeout: %v is not a positive duration", d))
		}
		c.timeout = d
		return nil
	}
}

// WithRetries sets how many extra attempts a retryable request gets
// (default 2; 0 disables retries). Only requests that are safe to repeat are
// retried: a connection that was never established, and answers 429, 502,
// 503 and 504.
func WithRetries(n int) Option {
	return func(c *config) error {
		if n < 0 {
			return invalidOption(fmt.Sprintf("WithRetries: %d is negative", n))
		}
		c.retries = n
		return nil
	}
}

// WithMaxRetryWait sets the longest Retry-After the SDK sleeps before it
// tries again (default 1 minute). A server asking for a longer wait, or for
// one past the context's deadline, makes the call fail at once with the
// server's error and its RetryAfter set, so the caller can decide.
func WithMaxRetryWait(d time.Duration) Option {
	return func(c *config) error {
		if d < 0 {
			return invalidOption(fmt.Sprintf("WithMaxRetryWait: %v is negative", d))
		}
		c.maxRetryWait = d
		return nil
	}
}

// WithLogger sets the logger for the SDK's debug lines (one per HTTP
// attempt: host role, method, path, status, error code, attempt, duration)
// and warnings (retries given up, failed implicit logouts, session files
// moved aside). No credential is ever logged.
//
// The default discards everything. A nil logger, or a zero slog.Logger
// (no handler), is ERROR_INVALID_OPTION: to discard logs, leave it unset
// or pass slog.New(slog.DiscardHandler). The handler runs inside the call
// that logs, with no lock held: it may call the Client, except Close (see
// Client.Close).
func WithLogger(l *slog.Logger) Option {
	return func(c *config) error {
		if l == nil || l.Handler() == nil { // a zero slog.Logger panics at its first line
			return invalidOption("WithLogger: the logger is nil or has no handler")
		}
		c.logger = l
		return nil
	}
}

// WithUserAgent appends s to the SDK's own User-Agent, e.g. "myapp/1.2".
func WithUserAgent(s string) Option {
	return func(c *config) error {
		if hasControl(s) {
			return invalidOption("WithUserAgent: the value holds control characters")
		}
		c.userAgent = strings.TrimSpace(s)
		return nil
	}
}

func invalidOption(msg string) *Error { return newError(CodeInvalidOption, msg) }

// parseBaseURL checks a base URL against the rules of WithAdminHost and
// returns it without a trailing slash, ready for "{base}/{endpoint}".
func parseBaseURL(raw string) (string, error) {
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" || u.Opaque != "" {
		return "", invalidOption("base URL is not an absolute URL")
	}
	if u.User != nil {
		return "", invalidOption("base URL must not contain user info")
	}
	if u.RawQuery != "" || u.ForceQuery || u.Fragment != "" || strings.ContainsAny(raw, "?#") {
		return "", invalidOption(fmt.Sprintf("base URL %s://%s must not contain a query or fragment", u.Scheme, u.Host))
	}
	switch u.Scheme {
	case "https":
	case "http":
		if !isLoopback(u.Hostname()) {
			return "", invalidOption(fmt.Sprintf("base URL http://%s: plain http is allowed only to a loopback host", u.Host))
		}
	default:
		return "", invalidOption(fmt.Sprintf("base URL with scheme %q: the scheme must be https", u.Scheme))
	}
	return strings.TrimRight(u.String(), "/"), nil
}

// isLoopback reports whether host is localhost or a loopback IP
// (127.0.0.0/8, ::1).
func isLoopback(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}
