// Package webhook receives CometChat's call webhooks: it checks their
// credentials, parses them into typed events and answers CometChat the way
// its retry logic expects.
//
//	v, err := webhook.NewVerifier(username, password) // as set on the webhook
//	if err != nil { ... }
//	http.Handle("/cometchat/webhooks", webhook.Handler(v, func(ctx context.Context, e *webhook.Event) error {
//		if e.Trigger != webhook.MeetingEnded {
//			return nil
//		}
//		s, err := e.CallSession()
//		if err != nil {
//			return err
//		}
//		return bill(ctx, e.IdempotencyKey(), s.SessionID, s.DestroyedAt.Sub(s.CreatedAt))
//	}))
//
// # What protects the endpoint
//
// CometChat signs nothing: a webhook carries no signature, no event id and
// no delivery timestamp. The only proof that a request comes from CometChat
// is the HTTP Basic auth username and password set on the webhook, and the
// only thing that keeps them secret on the way is HTTPS. So serve the
// endpoint over HTTPS only, turn Basic auth on in CometChat (it is optional
// there; this package requires it), and use a long random password. Anyone
// who learns the credentials can forge any event, and a replayed request
// is indistinguishable from a retry.
//
// # Deliveries repeat
//
// With "retry on failure" CometChat sends a delivery again, after 10 s and
// after 30 s more, when it fails or gets an answer other than 2xx. A delivery
// whose 200 was lost therefore arrives twice, and a replay looks the same.
// Deduplicate on Event.IdempotencyKey, and record a key as done only once
// the event's work is done, so that a failed attempt is retried.
//
// # Answer quickly
//
// CometChat waits 2 s for the answer. Handler answers when fn returns, so fn
// should record the event (or queue it) and return; do slow work elsewhere.
// An error from fn becomes a 500, which makes CometChat retry.
//
// # Several apps
//
// Credentials are set per webhook, and nothing else in a request says which
// app sent it except Event.AppID. When one URL serves several CometChat apps,
// check AppID (and Event.WebhookID) before acting on an event.
package webhook
