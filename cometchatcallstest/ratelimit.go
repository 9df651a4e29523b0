package cometchatcallstest

import (
	"net/http"
	"strconv"
	"time"

	"github.com/cometchat-go/cometchatcalls"
)

// nominalRateLimit is what X-Rate-Limit advertises without WithRateLimit:
// CometChat's documented "core" limit per minute. It is not enforced.
const nominalRateLimit = 10000

// rateWindow counts the requests of one clock minute.
type rateWindow struct {
	start time.Time
	count int
}

// rateDecision is the rate-limit fate of one request.
type rateDecision struct {
	limit     int
	remaining int
	reset     time.Time // end of the current window
	now       time.Time
	limited   bool
}

// countLocked counts one request at now in the current window. Windows are
// whole clock minutes (now truncated to the minute).
func (s *Server) countLocked(now time.Time) rateDecision {
	start := now.Truncate(time.Minute)
	if !s.window.start.Equal(start) {
		s.window = rateWindow{start: start}
	}
	s.window.count++
	limit := s.cfg.rateLimit
	enforced := limit > 0
	if !enforced {
		limit = nominalRateLimit
	}
	return rateDecision{
		limit:     limit,
		remaining: max(0, limit-s.window.count),
		reset:     start.Add(time.Minute),
		now:       now,
		limited:   enforced && s.window.count > limit,
	}
}

// setHeaders adds the rate-limit headers every answer carries, and
// Retry-After and X-Rate-Limit-Reset when the request is limited.
func (d rateDecision) setHeaders(h http.Header) {
	h.Set("X-Rate-Limit", strconv.Itoa(d.limit))
	h.Set("X-Rate-Limit-Remaining", strconv.Itoa(d.remaining))
	if d.limited {
		h.Set("Retry-After", strconv.Itoa(d.retryAfter()))
		h.Set("X-Rate-Limit-Reset", strconv.FormatInt(d.reset.Unix(), 10))
	}
}

// retryAfter is the whole seconds until the window resets, at least 1.
func (d rateDecision) retryAfter() int {
	wait := d.reset.Sub(d.now)
	secs := int((wait + time.Second - 1) / time.Second)
	return max(1, secs)
}

// err is the answer of a limited request, or nil.
func (d rateDecision) err() *apiError {
	if !d.limited {
		return nil
	}
	return newAPIError(http.StatusTooManyRequests, cometchatcalls.CodeTooManyRequests,
		"Too many requests: the limit is %d requests a minute. Please retry after %d seconds.", d.limit, d.retryAfter())
}
