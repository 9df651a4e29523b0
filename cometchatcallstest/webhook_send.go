package cometchatcallstest

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net/http"
	"slices"
	"sync"
	"time"
)

// webhookAttemptTimeout is how long CometChat waits for a webhook's answer.
const webhookAttemptTimeout = 2 * time.Second

// maxDeliveries bounds the delivery log, like the request log, for a
// long-running cmd/cometchat-emulator.
const maxDeliveries = 10000

// maxPendingRetries bounds the deliveries waiting to be retried (a
// goroutine and a body each), so that a receiver that fails everything
// cannot make the emulator hold an unbounded backlog. A delivery that
// fails beyond it is not retried; its Delivery says so.
const maxPendingRetries = 1000

// errRetryBacklog is the Err of a failed first attempt that was not queued
// for retry because maxPendingRetries deliveries already wait.
var errRetryBacklog = errors.New("cometchatcallstest: not retried: 1000 deliveries already wait to be retried")

// webhookSender delivers webhook events and owns everything that takes:
// the HTTP transport, the delivery log, and the goroutines that retry in
// the background, which close cancels and waits for.
type webhookSender struct {
	hooks     []Webhook // IDs and retry delays filled in; never changed
	timeout   time.Duration
	transport *http.Transport
	client    *http.Client
	ctx       context.Context // cancelled by close: ends attempts and retry waits
	cancel    context.CancelFunc

	mu      sync.Mutex // guards the fields below
	closed  bool
	log     []Delivery
	pending int            // retry goroutines running
	work    sync.WaitGroup // simulations and retry goroutines; Add only under mu while !closed
}

func newWebhookSender(hooks []Webhook) *webhookSender {
	tr := &http.Transport{MaxIdleConnsPerHost: 4, IdleConnTimeout: 30 * time.Second}
	ctx, cancel := context.WithCancel(context.Background())
	return &webhookSender{
		hooks:     withIDs(hooks),
		timeout:   webhookAttemptTimeout,
		transport: tr,
		client: &http.Client{
			Transport: tr,
			// CometChat does not follow redirects; a 3xx is a failed delivery.
			CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
		},
		ctx:    ctx,
		cancel: cancel,
	}
}

// enter counts one piece of work that close must wait for; it reports
// false once the sender is closed.
func (ws *webhookSender) enter() bool {
	ws.mu.Lock()
	defer ws.mu.Unlock()
	if ws.closed {
		return false
	}
	ws.work.Add(1)
	return true
}

// stop ends every attempt and retry without waiting for them: a graceful
// Shutdown must not wait out deliveries to a slow receiver.
func (ws *webhookSender) stop() { ws.cancel() }

// close ends every attempt and retry, waits for them, and closes the
// transport's connections. It may be called more than once.
func (ws *webhookSender) close() {
	ws.mu.Lock()
	ws.closed = true
	ws.mu.Unlock()
	ws.cancel()
	ws.work.Wait()
	ws.transport.CloseIdleConnections()
}

// deliveries returns a copy of the delivery log.
func (ws *webhookSender) deliveries() []Delivery {
	ws.mu.Lock()
	defer ws.mu.Unlock()
	return slices.Clone(ws.log)
}

func (ws *webhookSender) record(d Delivery) {
	ws.mu.Lock()
	defer ws.mu.Unlock()
	if len(ws.log) >= maxDeliveries {
		ws.log = ws.log[1:]
	}
	ws.log = append(ws.log, d)
}

// outgoing is one event for one webhook.
type outgoing struct {
	hook    Webhook
	trigger string
	body    []byte
}

// deliver makes the first attempt of o within ctx and, when it fails and
// the webhook retries, starts the retries in the background. It returns
// the first attempt's Delivery.
func (ws *webhookSender) deliver(ctx context.Context, o outgoing) Delivery {
	d := ws.attempt(ctx, o, 1)
	if !succeeded(d) && o.hook.RetryOnFailure && len(o.hook.RetryDelays) > 0 && ctx.Err() == nil {
		if !ws.retryLater(o) && ws.ctx.Err() == nil {
			ws.record(Delivery{WebhookID: o.hook.ID, Trigger: o.trigger, URL: o.hook.URL, Attempt: 2, Err: errRetryBacklog})
		}
	}
	return d
}

// retryLater retries o after each of its webhook's delays until an
// attempt succeeds, the delays run out or the sender closes. It reports
// false, starting nothing, once the sender is closed or
// maxPendingRetries deliveries already wait.
func (ws *webhookSender) retryLater(o outgoing) bool {
	ws.mu.Lock()
	if ws.closed || ws.pending >= maxPendingRetries {
		ws.mu.Unlock()
		return false
	}
	ws.pending++
	ws.work.Add(1)
	ws.mu.Unlock()
	go func() {
		defer func() {
			ws.mu.Lock()
			ws.pending--
			ws.mu.Unlock()
			ws.work.Done()
		}()
		for i, delay := range o.hook.RetryDelays {
			t := time.NewTimer(delay)
			select {
			case <-t.C:
			case <-ws.ctx.Done():
				t.Stop()
				return
			}
			if d := ws.attempt(ws.ctx, o, i+2); succeeded(d) || ws.ctx.Err() != nil {
				return
			}
		}
	}()
	return true
}

func succeeded(d Delivery) bool { return d.Err == nil && d.Status >= 200 && d.Status < 300 }

// attempt POSTs o once, within ctx and the per-attempt timeout, and
// records the outcome.
func (ws *webhookSender) attempt(ctx context.Context, o outgoing, n int) Delivery {
	d := Delivery{WebhookID: o.hook.ID, Trigger: o.trigger, URL: o.hook.URL, Attempt: n}
	ctx, cancel := context.WithTimeout(ctx, ws.timeout)
	defer cancel()
	stop := context.AfterFunc(ws.ctx, cancel) // Close ends a first attempt too
	defer stop()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, o.hook.URL, bytes.NewReader(o.body))
	if err == nil {
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("User-Agent", "cometchat-emulator-webhooks")
		if o.hook.Username != "" {
			req.SetBasicAuth(o.hook.Username, o.hook.Password)
		}
		var resp *http.Response
		if resp, err = ws.client.Do(req); err == nil {
			d.Status = resp.StatusCode
			_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10)) // lets the connection be reused
			_ = resp.Body.Close()
		}
	}
	d.Err = err
	ws.record(d)
	return d
}
