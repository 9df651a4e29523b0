package cometchatcallstest_test

import (
	"net/http"
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"

	"github.com/cometchat-go/cometchatcalls/cometchatcallstest"
)

func TestRateLimit(t *testing.T) {
	t.Parallel()
	t0 := time.Date(2024, 5, 1, 12, 0, 30, 0, time.UTC)
	clock, set := fixedClock(t0)
	srv := newServer(t, cometchatcallstest.WithRateLimit(3), cometchatcallstest.WithClock(clock))
	for i := range 3 {
		r := send(t, srv, "GET", "/admin/v3.0/users/cometchat-uid-1", "", adminHdr(srv)...)
		assert.Equal(t, http.StatusOK, r.status)
		assert.Equal(t, "3", r.header.Get("X-Rate-Limit"))
		assert.Equal(t, strconv.Itoa(2-i), r.header.Get("X-Rate-Limit-Remaining"))
		assert.Empty(t, r.header.Get("Retry-After"))
	}
	set(t0.Add(10*time.Second + 200*time.Millisecond))
	r := send(t, srv, "POST", "/admin/v3.0/users/cometchat-uid-1/auth_tokens", "", authKeyHdr(srv)...)
	assertError(t, r, http.StatusTooManyRequests, "ERR_TOO_MANY_REQUESTS")
	assert.Equal(t, "20", r.header.Get("Retry-After"), "19.8 s rounded up")
	assert.Equal(t, strconv.FormatInt(t0.Add(30*time.Second).Unix(), 10), r.header.Get("X-Rate-Limit-Reset"))
	assert.Equal(t, "0", r.header.Get("X-Rate-Limit-Remaining"))
	assert.Empty(t, srv.AuthTokens("cometchat-uid-1"), "a limited request does not run")

	r = send(t, srv, "GET", "/nowhere", "", "appId", "wrong")
	assertError(t, r, http.StatusTooManyRequests, "ERR_TOO_MANY_REQUESTS")

	srv.FailNext(1, cometchatcallstest.FaultHTML502())
	assert.Equal(t, 502, send(t, srv, "GET", "/", "", adminHdr(srv)...).status, "faults come first")

	set(t0.Add(30 * time.Second)) // the next minute
	r = send(t, srv, "GET", "/admin/v3.0/users/cometchat-uid-1", "", adminHdr(srv)...)
	assert.Equal(t, http.StatusOK, r.status)
	assert.Equal(t, "2", r.header.Get("X-Rate-Limit-Remaining"))
}

func TestRateLimit_HeadersWithoutLimit(t *testing.T) {
	t.Parallel()
	t0 := time.Date(2024, 5, 1, 12, 0, 0, 0, time.UTC)
	clock, _ := fixedClock(t0)
	srv := newServer(t, cometchatcallstest.WithClock(clock))
	r := send(t, srv, "GET", "/admin/v3.0/users/cometchat-uid-1", "", adminHdr(srv)...)
	assert.Equal(t, "10000", r.header.Get("X-Rate-Limit"))
	assert.Equal(t, "9999", r.header.Get("X-Rate-Limit-Remaining"))
	r = send(t, srv, "GET", "/admin/v3.0/users/nobody", "", adminHdr(srv)...)
	assertError(t, r, http.StatusNotFound, "ERR_UID_NOT_FOUND")
	assert.Equal(t, "9998", r.header.Get("X-Rate-Limit-Remaining"), "on errors too")
}
