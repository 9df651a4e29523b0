package cometchatcalls

import (
	"context"
	"errors"
	"math/rand/v2"
	"net/http"
	"strconv"
	"time"
)

// Backoff between retries: base·2^attempt, capped, with jitter.
var (
	retryBaseDelay = 100 * time.Millisecond
	retryMaxDelay  = 2 * time.Second
)

// maxRetryAfter keeps a hostile or broken Retry-After from meaning
// "forever" in Error.RetryAfter. How long the SDK itself waits is bounded
// by WithMaxRetryWait, far below it.
const maxRetryAfter = 24 * time.Hour

// retryable reports whether a failed attempt may be sent again: a
// connection that never came up, and 429/502/503/504. Never an auth error,
// nor a request that may have reached the server without an answer.
func retryable(e *Error) bool {
	switch e.HTTPStatus {
	case http.StatusTooManyRequests, http.StatusBadGateway, http.StatusServiceUnavailable, http.StatusGatewayTimeout:
		return true
	case 0:
		return e.neverSent
	}
	return false
}

// retryWait is how long to wait before the attempt after attempt, which
// failed with e: the server's Retry-After when it sent one, else backoff.
// It reports false when that wait would reach past maxWait or ctx's
// deadline: sleeping would only end in a failure, so the caller gets e at
// once, its RetryAfter saying when to come back.
func retryWait(ctx context.Context, e *Error, attempt int, maxWait time.Duration) (time.Duration, bool) {
	wait := backoff(attempt)
	if e.RetryAfter > 0 {
		if e.RetryAfter > maxWait {
			return 0, false
		}
		wait = e.RetryAfter
	}
	if deadline, ok := ctx.Deadline(); ok && time.Until(deadline) < wait {
		return 0, false
	}
	return wait, true
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

// retryAfterOf is the Retry-After of a 429 or 503 answer, envelope or not;
// 0 for any other answer, or a value that is missing or unusable.
func retryAfterOf(resp *http.Response) time.Duration {
	if resp.StatusCode != http.StatusTooManyRequests && resp.StatusCode != http.StatusServiceUnavailable {
		return 0
	}
	d, _ := parseRetryAfter(resp.Header.Get("Retry-After"), time.Now())
	return d
}

// parseRetryAfter reads a Retry-After value: delay-seconds or an HTTP date.
// Negative, unparsable or past values give (0, false); huge ones, even
// past int64, are capped.
func parseRetryAfter(v string, now time.Time) (time.Duration, bool) {
	if v == "" {
		return 0, false
	}
	// A number of seconds too large for int64 is still a number of seconds:
	// the longest wait there is (as RFC 9111 says of delta-seconds), not no
	// Retry-After at all. ParseInt then returns the int64 bound of its sign.
	if secs, err := strconv.ParseInt(v, 10, 64); err == nil || errors.Is(err, strconv.ErrRange) {
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
