// Command backend runs CometChat's production login flow end to end, both
// halves in one process:
//
//   - the backend: a net/http server whose POST /cometchat/token, behind
//     the app's own authentication, creates the CometChat user on first use
//     and answers a fresh auth token as JSON {"authToken": "…"};
//   - the app: it signs in to the backend, asks it for a token, logs in to
//     CometChat with LoginWithAuthToken, prints the user, generates a call
//     token to join a call session (GenerateCallToken) and logs out.
//
// Run it with
//
//	go run ./examples/backend
//
// With COMETCHAT_APP_ID, COMETCHAT_REGION and COMETCHAT_API_KEY (the REST
// API key) set it uses your CometChat app; with COMETCHAT_EMULATOR_URL set,
// a running cmd/cometchat-emulator; with none of them set, the embedded
// emulator. Some but not all of the first three set is an error (exit
// code 2).
//
// The REST API key and the auth tokens are credentials: the example never
// prints them, and the SDK keeps them out of its errors and logs.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"strings"
	"sync"
	"time"

	"github.com/cometchat-go/cometchatcalls"
	"github.com/cometchat-go/cometchatcalls/examples/internal/exampleenv"
)

// demoSession is the app's session of the user the demo signs in as.
const demoSession = "demo-session-backend-demo-alice"

// callSessionID is the call session the app joins: your app chooses it (a
// meeting or conversation ID) and shares it with the other participants.
const callSessionID = "backend-demo-standup"

func main() {
	if err := run(context.Background(), os.Stdout, os.Getenv); err != nil {
		fmt.Fprintln(os.Stderr, "backend:", err)
		var missing *exampleenv.MissingError
		if errors.As(err, &missing) {
			os.Exit(2)
		}
		os.Exit(1)
	}
}

// run is main without the process: it starts the backend, runs the app's
// half against it, and stops everything it started.
func run(ctx context.Context, stdout io.Writer, env func(string) string) error {
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	out := &syncWriter{w: stdout} // the backend writes from its own goroutines

	target, err := exampleenv.FromEnv(out, env, exampleenv.VarAPIKey)
	if err != nil {
		return err
	}
	defer target.Close()

	// The backend half.
	admin, err := cometchatcalls.NewAdminClient(target.AppID, target.Region, target.APIKey, target.Options...)
	if err != nil {
		return err
	}
	defer admin.Close()
	backendURL, stop, err := startBackend(&backend{admin: admin, log: out})
	if err != nil {
		return err
	}
	defer stop()
	fmt.Fprintln(out, "backend: listening on", backendURL)

	// The app half.
	return app(ctx, out, target, backendURL)
}

// backend is the server half: the HTTP API of your own backend, which
// already knows who its users are and now also issues CometChat tokens.
type backend struct {
	admin *cometchatcalls.AdminClient
	log   io.Writer
}

// appUser is a user of your app, as your authentication knows them.
type appUser struct{ ID, Name string }

// sessions stands in for your app's own users and sessions: the bearer
// token "demo-session-<uid>" is the session of the user <uid>.
var sessions = map[string]appUser{
	"demo-session-backend-demo-alice": {ID: "backend-demo-alice", Name: "Alice Demo"},
	"demo-session-backend-demo-bob":   {ID: "backend-demo-bob", Name: "Bob Demo"},
}

// authenticate stands in for your app's own authentication (a session
// cookie, an OAuth token, …).
func authenticate(r *http.Request) (appUser, bool) {
	session, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
	if !ok {
		return appUser{}, false
	}
	user, ok := sessions[session]
	return user, ok
}

func (b *backend) routes() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("POST /cometchat/token", b.token)
	return mux
}

// token answers POST /cometchat/token with {"authToken": "…"} for the
// signed-in user, creating their CometChat user on first use.
func (b *backend) token(w http.ResponseWriter, r *http.Request) {
	user, ok := authenticate(r)
	if !ok {
		http.Error(w, "sign in first", http.StatusUnauthorized)
		return
	}
	ctx := r.Context()
	// Creating the user on every token request is one extra request; a
	// backend that records which users it created can skip it.
	_, err := b.admin.CreateUser(ctx, cometchatcalls.NewUser{UID: user.ID, Name: user.Name})
	switch {
	case err == nil:
		fmt.Fprintln(b.log, "backend: created the CometChat user", user.ID)
	case errors.Is(err, cometchatcalls.ErrUIDAlreadyExists):
		fmt.Fprintln(b.log, "backend: the CometChat user", user.ID, "exists already")
	default:
		b.fail(w, err)
		return
	}
	// Force: a new token for every sign-in, rather than an existing one.
	tok, err := b.admin.CreateAuthToken(ctx, user.ID, &cometchatcalls.CreateAuthTokenOptions{Force: true})
	if err != nil {
		b.fail(w, err)
		return
	}
	// tok prints and logs safely ("Token:[REDACTED]"); sending the token
	// means writing tok.Token explicitly.
	fmt.Fprintln(b.log, "backend: issued", tok)
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store") // a credential: never cached
	_ = json.NewEncoder(w).Encode(tokenResponse{AuthToken: tok.Token})
}

// tokenResponse is the body of a successful POST /cometchat/token.
type tokenResponse struct {
	AuthToken string `json:"authToken"`
}

// fail logs err (the SDK's errors hold no credential) and answers 502: the
// backend could not get what it needed from CometChat.
func (b *backend) fail(w http.ResponseWriter, err error) {
	fmt.Fprintln(b.log, "backend: CometChat failed:", err)
	http.Error(w, "could not get a CometChat token", http.StatusBadGateway)
}

// startBackend serves b on a free loopback port. stop shuts it down and
// waits for it.
func startBackend(b *backend) (baseURL string, stop func(), err error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", nil, err
	}
	srv := &http.Server{Handler: b.routes(), ReadHeaderTimeout: 10 * time.Second}
	done := make(chan struct{})
	go func() {
		defer close(done)
		_ = srv.Serve(ln) // ends with http.ErrServerClosed
	}()
	stop = func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = srv.Shutdown(ctx)
		<-done
	}
	return "http://" + ln.Addr().String(), stop, nil
}

// app is the client half: sign in to the backend, get a token from it,
// log in to CometChat with the token, and log out.
func app(ctx context.Context, out io.Writer, target *exampleenv.Target, backendURL string) error {
	transport := http.DefaultTransport.(*http.Transport).Clone()
	defer transport.CloseIdleConnections()
	hc := &http.Client{Transport: transport, Timeout: 10 * time.Second}

	token, err := fetchToken(ctx, hc, backendURL, demoSession)
	if err != nil {
		return err
	}
	fmt.Fprintln(out, "app: got an auth token from the backend")

	client, err := cometchatcalls.New(target.AppID, target.Region, target.Options...)
	if err != nil {
		return err
	}
	defer client.Close()
	user, err := client.LoginWithAuthToken(ctx, token)
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "app: logged in as %s (uid %s, status %s)\n", user.Name, user.UID, user.Status)

	// Joining a call: the session's auth token becomes a call token for
	// one call session, which the app's call UI joins with. It prints as
	// [REDACTED]; pass ct.Token itself to the call client.
	ct, err := client.GenerateCallToken(ctx, callSessionID)
	if err != nil {
		return err
	}
	fmt.Fprintln(out, "app: got a call token:", ct)
	if err := client.Logout(ctx); err != nil {
		return err
	}
	fmt.Fprintln(out, "app: logged out")
	return nil
}

// fetchToken asks the backend for a CometChat auth token, signed in with
// the app's own session.
func fetchToken(ctx context.Context, hc *http.Client, backendURL, session string) (string, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, backendURL+"/cometchat/token", nil)
	if err != nil {
		return "", err
	}
	req.Header.Set("Authorization", "Bearer "+session)
	resp, err := hc.Do(req)
	if err != nil {
		return "", err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return "", fmt.Errorf("the backend answered %s", resp.Status)
	}
	var body tokenResponse
	if err := json.NewDecoder(io.LimitReader(resp.Body, 64<<10)).Decode(&body); err != nil {
		return "", fmt.Errorf("the backend's answer: %w", err)
	}
	if body.AuthToken == "" {
		return "", errors.New("the backend sent no auth token")
	}
	return body.AuthToken, nil
}

// syncWriter serialises writes from the backend's and the app's goroutines.
type syncWriter struct {
	mu sync.Mutex
	w  io.Writer
}

func (s *syncWriter) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.w.Write(p)
}
