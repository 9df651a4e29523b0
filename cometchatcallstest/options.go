package cometchatcallstest

import (
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"
)

// The emulator's default credentials. They are fixed so that examples and
// tests can print or compare them; override them with WithAppID, WithRegion,
// WithAuthKey and WithAPIKey.
const (
	DefaultAppID  = "emulatorapp"
	DefaultRegion = "us"
	// DefaultAuthKey may only create users and auth tokens (AUTH_ERR_NO_ACCESS elsewhere).
	DefaultAuthKey = "emulator-auth-key"
	// DefaultAPIKey is the REST API key: it may call every admin endpoint.
	DefaultAPIKey = "emulator-rest-api-key"
	// DefaultAddr is where NewServer and Start listen without WithAddr: a
	// free port on the IPv4 loopback interface.
	DefaultAddr = "127.0.0.1:0"
)

// A ServerOption configures a Server. Options are applied in order by
// NewServer and Start, which then check the result as a whole.
type ServerOption func(*config)

// config is what the options set.
type config struct {
	appID     string
	region    string
	authKey   string
	apiKey    string
	addr      string
	tls       bool
	rateLimit int
	clock     func() time.Time
	stateFile string
	// httpServer configures the http.Server before it serves (WithHTTPServer).
	httpServer []func(*http.Server)
	webhooks   []Webhook
}

func defaultConfig() config {
	return config{
		appID:   DefaultAppID,
		region:  DefaultRegion,
		authKey: DefaultAuthKey,
		apiKey:  DefaultAPIKey,
		addr:    DefaultAddr,
		clock:   time.Now,
	}
}

// WithAppID sets the app ID every request must carry in its appId header
// (default DefaultAppID).
func WithAppID(appID string) ServerOption { return func(c *config) { c.appID = appID } }

// WithRegion sets the region the server reports (default DefaultRegion): us,
// eu or in, in any case. The region only matters to code that reads
// Server.Region; the URLs do not depend on it.
func WithRegion(region string) ServerOption {
	return func(c *config) { c.region = strings.ToLower(region) }
}

// WithAuthKey sets the auth key (default DefaultAuthKey). It may only create
// users and auth tokens; every other admin endpoint answers it with
// AUTH_ERR_NO_ACCESS.
func WithAuthKey(key string) ServerOption { return func(c *config) { c.authKey = key } }

// WithAPIKey sets the REST API key (default DefaultAPIKey), which may call
// every admin endpoint.
func WithAPIKey(key string) ServerOption { return func(c *config) { c.apiKey = key } }

// WithTLS makes the server speak HTTPS with a fresh self-signed certificate
// for 127.0.0.1, ::1 and localhost (plus the WithAddr host). Server.Client
// and Server.ClientOptions trust it; Server.Certificate returns it.
func WithTLS() ServerOption { return func(c *config) { c.tls = true } }

// WithRateLimit makes the server answer 429 ERR_TOO_MANY_REQUESTS to every
// request beyond perMinute in the current clock minute. 0, the default,
// means unlimited.
func WithRateLimit(perMinute int) ServerOption {
	return func(c *config) { c.rateLimit = perMinute }
}

// WithClock sets the clock behind every timestamp the server hands out
// (createdAt, lastActiveAt, the time in auth tokens) and behind the
// rate-limit windows. It must be safe for concurrent use. The default is
// time.Now; TLS certificate validity always uses the real time.
func WithClock(now func() time.Time) ServerOption { return func(c *config) { c.clock = now } }

// WithAddr sets the TCP address to listen on (default DefaultAddr, a free
// loopback port). With a fixed address, prefer Start, which reports a port
// that is taken as an error instead of panicking.
func WithAddr(addr string) ServerOption { return func(c *config) { c.addr = addr } }

// WithHTTPServer calls configure with the server's *http.Server before it
// starts serving, to set its timeouts and limits (ReadHeaderTimeout,
// ReadTimeout, WriteTimeout, IdleTimeout, MaxHeaderBytes);
// cmd/cometchat-emulator sets them this way. Handler, ConnState, ErrorLog
// and TLSNextProto are the emulator's and are set again after configure.
// Without it, headers must arrive within 10 s and an idle connection is
// closed after 2 minutes; nothing else is bounded in time, so that
// SetLatency and Hold can delay answers as long as a test needs. A
// WriteTimeout or ReadTimeout shorter than those delays cuts the answers
// off. Several WithHTTPServer run in order; a nil configure is invalid.
func WithHTTPServer(configure func(*http.Server)) ServerOption {
	return func(c *config) { c.httpServer = append(c.httpServer, configure) }
}

// check reports the first problem with c, if any.
func (c *config) check() error {
	switch {
	case c.appID == "":
		return errors.New("the app ID is empty")
	case c.region != "us" && c.region != "eu" && c.region != "in":
		return fmt.Errorf("region %q: want us, eu or in", c.region)
	case c.authKey == "":
		return errors.New("the auth key is empty")
	case c.apiKey == "":
		return errors.New("the REST API key is empty")
	case c.authKey == c.apiKey:
		return errors.New("the auth key and the REST API key must differ")
	case c.rateLimit < 0:
		return fmt.Errorf("rate limit %d: want 0 (unlimited) or more", c.rateLimit)
	case c.clock == nil:
		return errors.New("the clock is nil")
	}
	for _, configure := range c.httpServer {
		if configure == nil {
			return errors.New("WithHTTPServer: the configure function is nil")
		}
	}
	return checkWebhooks(c.webhooks)
}
