// Package cometchatcalls is a Go client for CometChat Calls authentication:
// it logs a user in with a uid and an auth key (development) or an auth
// token issued by your backend (production), keeps the session (in memory,
// in a file with FileStore, or in any SessionStore, such as the separate
// module redisstore), turns it into a call token to join a call
// (GenerateCallToken), and logs the user out, speaking CometChat's REST
// protocol over HTTPS. AdminClient is the server half: it creates users and
// issues auth tokens with the app's REST API key.
//
// It mirrors the CometChat Calls SDK v5 authentication API in two forms:
// idiomatic Go calls that take a context and return (value, error), and
// callback variants (LoginAsync, …) that mirror the onSuccess/onError shape
// of the mobile SDKs. Both are available on a *Client and as package-level
// functions after Init, like the static CometChatCalls API.
//
// # Quickstart
//
// A complete program; replace APP_ID and AUTH_KEY with your app's (or run
// examples/quickstart, which needs neither: it starts the emulator):
//
//	package main
//
//	import (
//		"context"
//		"fmt"
//		"log"
//
//		"github.com/cometchat-go/cometchatcalls"
//	)
//
//	func main() {
//		ctx := context.Background()
//		client, err := cometchatcalls.New("APP_ID", "us") // region: us, eu or in
//		if err != nil {
//			log.Fatal(err)
//		}
//		defer client.Close()
//
//		user, err := client.GetLoggedInUser(ctx) // nil, nil when nobody is logged in
//		if err != nil {
//			log.Fatal(err)
//		}
//		if user == nil {
//			user, err = client.Login(ctx, "cometchat-uid-1", "AUTH_KEY")
//			if err != nil {
//				log.Fatal(err)
//			}
//		}
//		fmt.Println("logged in as", user.Name)
//
//		if err := client.Logout(ctx); err != nil {
//			log.Print(err)
//		}
//	}
//
// The auth key lets anyone log in as any user: use it only during
// development. In production your backend creates an auth token (see
// AdminClient) and the app calls LoginWithAuthToken.
//
// # Errors
//
// Every error is an *Error. Match codes with errors.Is and the sentinels
// (ErrInvalidUID, ErrUIDNotFound, ErrNetwork, …), and read the details with
// errors.As. Server codes are kept exactly as CometChat sent them, and no
// error, log line or fmt output ever contains a credential.
//
// # Testing
//
// Package cometchatcallstest runs an in-process CometChat emulator, so code
// that uses this package can be tested offline:
//
//	srv := cometchatcallstest.NewServer()
//	defer srv.Close()
//	client, _ := cometchatcalls.New(srv.AppID(), srv.Region(), srv.ClientOptions()...)
package cometchatcalls

import (
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"sync/atomic"
)

// Version is the SDK's semantic version, also sent in the User-Agent.
const Version = "0.1.0"

// Client is a CometChat Calls client for one app. It holds the session of at
// most one logged-in user. A Client is safe for concurrent use by many
// goroutines; create one per app with New and reuse it. A zero or nil
// Client is closed: every call returns ERROR_CLIENT_CLOSED.
type Client struct {
	appID  string
	region string
	t      *transport
	store  SessionStore
	logger *slog.Logger
	// loginBody is the JSON body of token and /me logins; the device ID in
	// it is made once per Client.
	loginBody []byte

	// st is the session, the gate, the listeners and their events.
	st   state
	life lifecycle
}

// New returns a Client for the app appID in region ("us", "eu" or "in", any
// case). It does no I/O and reads no environment variables.
//
// An empty app ID is ERROR_EMPTY_APPID, a bad region ERROR_INVALID_REGION,
// and a bad option ERROR_INVALID_OPTION.
func New(appID, region string, opts ...Option) (*Client, error) {
	cfg, err := newConfig(appID, region, opts)
	if err != nil {
		return nil, err
	}
	return newClient(appID, cfg, NewMemoryStore()), nil
}

// newClient makes the Client of a checked config; store is used unless
// the options named one (WithSessionStore).
func newClient(appID string, cfg *resolvedConfig, store SessionStore) *Client {
	if cfg.store != nil {
		store = cfg.store
	}
	if ls, ok := store.(interface{ setLoggerIfUnset(*slog.Logger) }); ok && cfg.logger != nil {
		ls.setLoggerIfUnset(cfg.logger) // a FileStore warns through the Client's logger
	}
	c := &Client{
		appID:     appID,
		region:    cfg.region,
		t:         newTransport(appID, &cfg.config),
		store:     store,
		logger:    cfg.logger,
		loginBody: newLoginBody(),
	}
	if c.logger == nil {
		c.logger = slog.New(slog.DiscardHandler)
	}
	return c
}

// resolvedConfig is a config after New's checks, with the region resolved.
type resolvedConfig struct {
	config
	region string
}

// newConfig checks the app ID, region and options shared by New and
// NewAdminClient, and fills in the default hosts.
func newConfig(appID, region string, opts []Option) (*resolvedConfig, error) {
	if strings.TrimSpace(appID) == "" {
		return nil, newError(CodeEmptyAppID, "App ID cannot be empty")
	}
	for i := 0; i < len(appID); i++ {
		if !isUIDByte(appID[i]) {
			return nil, invalidOption("App ID can contain only letters, digits, '_' and '-'")
		}
	}
	r := strings.ToLower(region)
	if r != "us" && r != "eu" && r != "in" {
		return nil, newError(CodeInvalidRegion, fmt.Sprintf("Region must be us, eu or in, not %q", region))
	}
	cfg := &resolvedConfig{config: defaultConfig(), region: r}
	for _, opt := range opts {
		if opt == nil {
			return nil, invalidOption("nil Option")
		}
		if err := opt(&cfg.config); err != nil {
			return nil, err
		}
	}
	if cfg.adminHost == "" {
		cfg.adminHost = "https://" + appID + ".api-" + r + ".cometchat.io/v3.0"
	}
	if cfg.clientHost == "" {
		cfg.clientHost = "https://" + appID + ".apiclient-" + r + ".cometchat.io/v3.0"
	}
	if cfg.callHost == "" {
		cfg.callHost = "https://" + appID + ".call-" + r + ".cometchat.io/v3.0"
	}
	return cfg, nil
}

// newLoginBody encodes {"platform":"web","deviceId":…} once. The device ID
// is random: it identifies this Client to CometChat, not the machine.
func newLoginBody() []byte {
	var id [16]byte
	_, _ = rand.Read(id[:]) // crypto/rand.Read never fails (Go 1.24+)
	b, _ := json.Marshal(struct {
		Platform string `json:"platform"`
		DeviceID string `json:"deviceId"`
	}{"web", "go-" + hex.EncodeToString(id[:])})
	return b
}

// The package-level facade mirrors the static CometChatCalls API: Init
// makes a default Client and the functions below delegate to it.
var (
	defaultClient atomic.Pointer[Client]
	initMu        sync.Mutex
)

// Init creates the default Client used by the package-level functions. A
// second Init replaces it and closes the old one; a failed Init keeps the
// current one. Listeners added through AddLoginListener carry over.
//
// Init with the same app ID and region as the current default Client keeps
// the logged-in session: the new Client starts from the old one's
// SessionStore, unless opts name another (WithSessionStore). A call that
// began on the old Client finishes there, or fails with
// ERROR_CLIENT_CLOSED if it had not started its work yet.
//
// Init may be called from a listener or a callback: it never waits for
// one. Not from a SessionStore method or a log handler of the default
// Client, though: Init closes that Client, and Close waits for the call
// the store or handler runs in.
func Init(appID, region string, opts ...Option) error {
	cfg, err := newConfig(appID, region, opts)
	if err != nil {
		return err
	}
	initMu.Lock()
	old := defaultClient.Load()
	store := SessionStore(NewMemoryStore())
	if old != nil && old.appID == appID && old.region == cfg.region {
		store = old.store
	}
	c := newClient(appID, cfg, store)
	if old != nil {
		c.st.inheritListenersOf(&old.st)
	} else {
		c.st.inheritListeners(&pendingListeners)
	}
	defaultClient.Store(c)
	initMu.Unlock()

	// Closed after initMu is released: Close waits for the old client's
	// calls in flight, and nothing they do may wait for Init.
	if old != nil {
		_ = old.Close()
	}
	return nil
}

// IsInitialized reports whether Init has succeeded.
func IsInitialized() bool { return defaultClient.Load() != nil }

// Default returns the Client made by the last successful Init, or nil.
func Default() *Client { return defaultClient.Load() }

func notInitialized() *Error {
	return newError(CodeSDKNotInitialized, "SDK not initialized. Call Init() first")
}
