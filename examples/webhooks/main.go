// Command webhooks is a backend that receives CometChat's call-session
// webhooks: it checks their Basic auth, drops repeated deliveries and logs
// how long each meeting lasted, one line per ended meeting.
//
//	go run ./examples/webhooks
//
// It runs offline: CometChat is the embedded emulator, which delivers a
// simulated session's webhooks to this backend on 127.0.0.1. To show why
// deduplication matters, a flaky proxy in front of the backend loses the
// answer to the first meeting_ended delivery: the backend has done its work,
// the emulator sees a failure and retries, as CometChat does, and the
// backend recognises the retry by its idempotency key.
//
// In production, serve webhook.Handler over HTTPS at the URL set on the
// webhook in CometChat's dashboard, with the same username and password
// (from your secret store), and use a shared store for the keys when more
// than one instance receives webhooks.
package main

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"strings"
	"sync"
	"time"

	"github.com/cometchat-go/cometchatcalls/cometchatcallstest"
	"github.com/cometchat-go/cometchatcalls/webhook"
)

func main() {
	if err := run(context.Background(), os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "webhooks:", err)
		os.Exit(1)
	}
}

// meetings are the sessions the example simulates.
var meetings = []struct {
	id           string
	participants []string
}{
	{"standup", []string{"Andrew Joseph", "George Alan"}},
	{"design-review", []string{"Andrew Joseph", "Nancy Grace", "Susan Marie"}},
}

func run(ctx context.Context, out io.Writer) error {
	ctx, cancel := context.WithTimeout(ctx, time.Minute)
	defer cancel()

	// The credentials set on the webhook; random here, from a secret store
	// in production.
	const username = "cometchat"
	password := rand.Text()
	verifier, err := webhook.NewVerifier(username, password)
	if err != nil {
		return err
	}

	// The backend listens first, so that the emulator knows where to post.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	b := &backend{out: out, appID: cometchatcallstest.DefaultAppID, keys: newDedupe()}
	mux := http.NewServeMux()
	mux.Handle("/cometchat/webhooks", loseFirstAnswer(webhook.MeetingEnded, webhook.Handler(verifier, b.handle)))
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 5 * time.Second}
	go func() { _ = srv.Serve(ln) }()
	defer srv.Close()

	cometchat, err := cometchatcallstest.Start(cometchatcallstest.WithWebhook(cometchatcallstest.Webhook{
		URL:      "http://" + ln.Addr().String() + "/cometchat/webhooks",
		Username: username, Password: password,
		RetryOnFailure: true,
		// CometChat retries after 10 s and 30 s; shortened so the example
		// ends at once.
		RetryDelays: []time.Duration{50 * time.Millisecond, 200 * time.Millisecond},
	}))
	if err != nil {
		return err
	}
	defer cometchat.Close()

	for _, m := range meetings {
		if err := cometchat.SimulateCallSession(ctx, m.id, m.participants...); err != nil {
			return err
		}
	}
	// The retry of the lost answer comes in the background.
	for b.keys.repeats() == 0 {
		select {
		case <-ctx.Done():
			return errors.New("the emulator did not retry the failed delivery")
		case <-time.After(10 * time.Millisecond):
		}
	}
	fmt.Fprintf(out, "ignored %d repeated delivery (its first answer was lost, so CometChat sent it again)\n", b.keys.repeats())
	return nil
}

// backend handles webhook events.
type backend struct {
	out   io.Writer
	mu    sync.Mutex // serializes writes to out: deliveries arrive concurrently
	appID string
	keys  *dedupe
}

// handle is the webhook.Handler callback: quick, and idempotent through
// the key store.
func (b *backend) handle(ctx context.Context, e *webhook.Event) error {
	if e.AppID != b.appID {
		return nil // another app's webhook shares this URL: not ours to act on
	}
	key := e.IdempotencyKey()
	switch b.keys.begin(key) {
	case done:
		return nil // a repeat of an event already handled: acknowledge it
	case busy:
		return errors.New("the same event is being handled") // 500: CometChat retries later
	}
	err := b.process(e)
	b.keys.finish(key, err == nil)
	return err
}

// process acts on one event; here it logs each ended meeting.
func (b *backend) process(e *webhook.Event) error {
	if e.Trigger != webhook.MeetingEnded {
		return nil
	}
	s, err := e.CallSession()
	if err != nil {
		return err
	}
	var who []string
	for _, o := range s.AllOccupants {
		who = append(who, fmt.Sprintf("%s %s", o.Name, o.LeftAt.Sub(o.JoinedAt)))
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	fmt.Fprintf(b.out, "meeting %s ended: %s, %d participants (%s)\n",
		s.SessionID, s.DestroyedAt.Sub(s.CreatedAt), len(s.AllOccupants), strings.Join(who, ", "))
	return nil
}

// loseFirstAnswer stands for a proxy that fails once: the first request
// for trigger reaches next, which does its work, but the client gets a 502.
func loseFirstAnswer(trigger webhook.Trigger, next http.Handler) http.Handler {
	var once sync.Once
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rec := &recorder{header: http.Header{}}
		body, err := io.ReadAll(io.LimitReader(r.Body, webhook.MaxBodyBytes+1))
		if err != nil {
			w.WriteHeader(http.StatusBadRequest)
			return
		}
		r.Body = io.NopCloser(strings.NewReader(string(body)))
		next.ServeHTTP(rec, r)
		lost := false
		if e, err := webhook.ParseEvent(body); err == nil && e.Trigger == trigger && rec.status == http.StatusOK {
			once.Do(func() { lost = true })
		}
		if lost {
			w.WriteHeader(http.StatusBadGateway)
			return
		}
		for k, v := range rec.header {
			w.Header()[k] = v
		}
		w.WriteHeader(rec.status)
	})
}

// recorder keeps the status an http.Handler answers and drops its body.
type recorder struct {
	header http.Header
	status int
}

func (r *recorder) Header() http.Header { return r.header }
func (r *recorder) WriteHeader(status int) {
	if r.status == 0 {
		r.status = status
	}
}
func (r *recorder) Write(p []byte) (int, error) {
	r.WriteHeader(http.StatusOK)
	return len(p), nil
}
