package cometchatcallstest

import (
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"slices"
	"strings"
	"time"
	"unicode/utf8"
)

// Webhook is a webhook the emulator delivers call-session events to, as
// configured in CometChat's dashboard. Register it with WithWebhook; the
// emulator sends events when SimulateCallSession is called (or POST
// /emulator/simulate-call-session arrives).
//
// Printing a Webhook (String, GoString, any fmt verb, slog, JSON) shows
// whether a Password is set, never the password itself.
type Webhook struct {
	// ID is sent as the payload's "webhook"; empty: the emulator assigns
	// one ("webhook-1", "webhook-2", …) distinct from the others.
	ID string
	// URL is where events are POSTed: an absolute http or https URL. It is
	// not treated as a secret (it shows in Deliveries, their errors and the
	// standalone emulator's banner): credentials go in Username and
	// Password, not in the URL's user info (refused) or query.
	URL string
	// Username and Password, when Username is set, are sent as Basic auth,
	// as CometChat does for a webhook with "use basic auth" on. Both or
	// neither must be set.
	Username, Password string
	// Triggers lists the triggers to send (e.g. "meeting_ended"); nil sends
	// all of them. Each must be a call trigger CometChat documents.
	Triggers []string
	// RetryOnFailure makes the emulator send a delivery again when it gets
	// no answer or an answer other than 2xx, as CometChat's "retry on
	// failure" does.
	RetryOnFailure bool
	// RetryDelays are the waits before each retry, in order: nil means
	// CometChat's 10 s and 30 s; an empty slice means no retry. Tests
	// shorten them.
	RetryDelays []time.Duration
}

// defaultRetryDelays are CometChat's: a retry after 10 s, another after 30 s.
var defaultRetryDelays = []time.Duration{10 * time.Second, 30 * time.Second}

// webhookTriggers are the call triggers CometChat documents.
var webhookTriggers = []string{
	"call_initiated", "call_started", "call_participant_joined", "call_participant_left",
	"call_ended", "call_busy", "call_cancelled", "call_rejected", "call_unanswered",
	"meeting_started", "meeting_participant_joined", "meeting_participant_left", "meeting_ended",
	"recording_generated", "transcription_generated",
}

// WithWebhook registers a webhook; call it once per webhook. The Webhook is
// copied, its slices included. Start reports an invalid one (see Webhook)
// as an error.
func WithWebhook(w Webhook) ServerOption {
	w.Triggers = slices.Clone(w.Triggers)
	w.RetryDelays = slices.Clone(w.RetryDelays)
	return func(c *config) { c.webhooks = append(c.webhooks, w) }
}

// checkWebhooks reports the first problem with the registered webhooks.
// Its errors name the webhook by position, never by its credentials.
func checkWebhooks(hooks []Webhook) error {
	ids := map[string]bool{}
	for i, w := range hooks {
		name := fmt.Sprintf("webhook %d", i+1)
		u, err := url.Parse(w.URL)
		switch {
		case err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "":
			return fmt.Errorf("%s: the URL must be an absolute http or https URL", name)
		case u.User != nil:
			return fmt.Errorf("%s: put the credentials in Username and Password, not in the URL", name)
		case (w.Username == "") != (w.Password == ""):
			return fmt.Errorf("%s: set both Username and Password, or neither", name)
		case utf8.RuneCountInString(w.Username) > 50 || utf8.RuneCountInString(w.Password) > 100:
			return fmt.Errorf("%s: CometChat allows at most 50 characters of username and 100 of password", name)
		case strings.Contains(w.Username, ":"):
			return fmt.Errorf("%s: the username contains a colon, which Basic auth cannot carry", name)
		case w.Triggers != nil && len(w.Triggers) == 0:
			return fmt.Errorf("%s: Triggers is empty; nil sends every trigger", name)
		case w.ID != "" && ids[w.ID]:
			return fmt.Errorf("%s: the ID %q is taken", name, w.ID)
		}
		for _, t := range w.Triggers {
			if !slices.Contains(webhookTriggers, t) {
				return fmt.Errorf("%s: unknown trigger %q", name, t)
			}
		}
		for _, d := range w.RetryDelays {
			if d < 0 {
				return fmt.Errorf("%s: a retry delay is negative", name)
			}
		}
		ids[w.ID] = w.ID != ""
	}
	return nil
}

// withIDs returns a copy of hooks in which every empty ID is replaced by
// the first free "webhook-N", and nil RetryDelays by CometChat's.
func withIDs(hooks []Webhook) []Webhook {
	out := slices.Clone(hooks)
	taken := map[string]bool{}
	for _, w := range out {
		taken[w.ID] = true
	}
	n := 0
	for i := range out {
		for out[i].ID == "" {
			n++
			if id := fmt.Sprintf("webhook-%d", n); !taken[id] {
				out[i].ID, taken[id] = id, true
			}
		}
		if out[i].RetryDelays == nil {
			out[i].RetryDelays = defaultRetryDelays
		}
	}
	return out
}

// wants reports whether w is sent trigger.
func (w Webhook) wants(trigger string) bool {
	return w.Triggers == nil || slices.Contains(w.Triggers, trigger)
}

// redacted is w as it may be shown: the password replaced.
func (w Webhook) redacted() webhookView {
	v := webhookView{ID: w.ID, URL: w.URL, Username: w.Username, Triggers: w.Triggers,
		RetryOnFailure: w.RetryOnFailure, RetryDelays: w.RetryDelays}
	if w.Password != "" {
		v.Password = "[REDACTED]"
	}
	return v
}

// webhookView has Webhook's fields and none of its methods, so that
// formatting it does not recurse.
type webhookView struct {
	ID, URL, Username, Password string
	Triggers                    []string
	RetryOnFailure              bool
	RetryDelays                 []time.Duration
}

// String describes w with its password redacted.
func (w Webhook) String() string { return fmt.Sprintf("cometchatcallstest.Webhook%+v", w.redacted()) }

// GoString is String, so that %#v shows no more.
func (w Webhook) GoString() string { return w.String() }

// Format prints String for every verb, so that no verb (%x included)
// reaches the password.
func (w Webhook) Format(f fmt.State, _ rune) { _, _ = f.Write([]byte(w.String())) }

// LogValue gives slog the redacted fields.
func (w Webhook) LogValue() slog.Value {
	v := w.redacted()
	return slog.GroupValue(slog.String("id", v.ID), slog.String("url", v.URL),
		slog.String("username", v.Username), slog.String("password", v.Password))
}

// MarshalJSON encodes the redacted fields: a Webhook is configuration for
// a test, never data to keep, so nothing is lost.
func (w Webhook) MarshalJSON() ([]byte, error) { return json.Marshal(w.redacted()) }

// Delivery is one attempt to deliver an event to a webhook, as listed by
// Server.Deliveries.
type Delivery struct {
	WebhookID string
	Trigger   string
	URL       string
	Attempt   int   // 1 for the first attempt, 2 for the first retry, …
	Status    int   // the answer's HTTP status; 0 when no answer came
	Err       error // why no answer came (refused, timed out after 2 s, server closed), else nil
}

// errNoWebhook is SimulateCallSession's error without WithWebhook.
var errNoWebhook = errors.New("cometchatcallstest: no webhook is registered (WithWebhook, or -webhook-url for cmd/cometchat-emulator)")

// checkSimulation reports bad input to SimulateCallSession.
func checkSimulation(sessionID string, participants []string) error {
	switch {
	case strings.TrimSpace(sessionID) == "":
		return errors.New("cometchatcallstest: the session ID is empty")
	case len(sessionID) > maxSessionIDLength:
		return fmt.Errorf("cometchatcallstest: the session ID is longer than %d bytes", maxSessionIDLength)
	case len(participants) == 0:
		return errors.New("cometchatcallstest: a call session needs at least one participant")
	case len(participants) > maxSimulatedParticipants:
		return fmt.Errorf("cometchatcallstest: a simulated call session has at most %d participants", maxSimulatedParticipants)
	case slices.ContainsFunc(participants, func(p string) bool { return strings.TrimSpace(p) == "" }):
		return errors.New("cometchatcallstest: a participant's name is empty")
	}
	return nil
}
