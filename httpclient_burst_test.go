package cometchatcalls_test

// A burst of calls through the shared pool queues on it (issue 25): the
// pool never opens more than its bound of connections per host.

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"

	"github.com/cometchat-go/cometchatcalls"
	"github.com/cometchat-go/cometchatcalls/cometchatcallstest"
)

// burstLogins logs n Clients made without WithHTTPClient in at once
// against srv, waits for every one, closes them, and returns the errors.
// While release is nil the logins run freely; otherwise the burst starts
// with srv holding requests, and release is called once held requests
// reach the pool's bound.
func burstLogins(t testing.TB, srv *cometchatcallstest.Server, n int, held func()) []error {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	errs := make([]error, n)
	clients := make([]*cometchatcalls.Client, n)
	for i := range clients {
		c, err := cometchatcalls.New(srv.AppID(), srv.Region(), srv.ClientOptions()...)
		require.NoError(t, err)
		clients[i] = c
	}
	var wg sync.WaitGroup
	for i, c := range clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, errs[i] = c.Login(ctx, "cometchat-uid-1", srv.AuthKey())
		}()
	}
	if held != nil {
		held()
	}
	wg.Wait()
	for _, c := range clients {
		require.NoError(t, c.Close())
	}
	return errs
}

// BenchmarkBurstLogins measures the wall time of a burst of 5,000
// concurrent logins, each by its own Client made without WithHTTPClient,
// against the emulator in this process (BENCHMARKS.md, round 5). It runs
// under the process's own limit of open files, so the pool's bound is the
// only cap; failures/op counts the logins that failed.
func BenchmarkBurstLogins(b *testing.B) {
	srv := cometchatcallstest.NewServer()
	defer srv.Close()
	failed := 0
	for b.Loop() {
		n, _ := failures(burstLogins(b, srv, 5000, nil))
		failed += n
		srv.ResetRequests()
	}
	b.ReportMetric(float64(failed)/float64(b.N), "failures/op")
	b.ReportMetric(float64(srv.ConnectionCount())/float64(b.N), "conns/op")
}

// failures counts the errors of a burst and returns the first one.
func failures(errs []error) (n int, first error) {
	for _, err := range errs {
		if err != nil {
			if n == 0 {
				first = err
			}
			n++
		}
	}
	return n, first
}

// TestSharedPool_BurstQueuesOnTheBound holds every request at the emulator
// until the pool's bound of connections is in use, then lets them go:
// the calls beyond the bound waited for a connection instead of dialing
// one, and all succeed. Not parallel: it counts the process's goroutines.
func TestSharedPool_BurstQueuesOnTheBound(t *testing.T) {
	require.Zero(t, cometchatcalls.SharedPoolUsers(), "clients of earlier tests were never closed")
	defer goleak.VerifyNone(t, goleak.IgnoreCurrent())
	srv := cometchatcallstest.NewServer()
	defer srv.Close()
	const n = 3 * cometchatcalls.MaxConnsPerHost

	errs := burstLogins(t, srv, n, func() {
		release := srv.Hold()
		defer release()
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		require.NoError(t, srv.WaitHeld(ctx, cometchatcalls.MaxConnsPerHost))
	})
	failed, first := failures(errs)
	assert.Zero(t, failed, "first failure: %v", first)
	assert.LessOrEqual(t, srv.ConnectionCount(), cometchatcalls.MaxConnsPerHost,
		"connections for %d concurrent logins", n)
}
