package cometchatcalls_test

// The shared connection pool (issue 13): a backend holding one Client per
// user keeps a few connections and no goroutine per client, and the last
// Close leaves nothing running.

import (
	"context"
	"runtime"
	"testing"

	"github.com/cometchat-go/cometchatcalls"
	"github.com/cometchat-go/cometchatcalls/cometchatcallstest"
	"go.uber.org/goleak"
)

// TestSharedPool_ManyClientsFewConnections logs in 200 Clients made
// without WithHTTPClient against one emulator. Not parallel: it counts the
// process's goroutines and heap, and the pool's users.
func TestSharedPool_ManyClientsFewConnections(t *testing.T) {
	if n := cometchatcalls.SharedPoolUsers(); n != 0 {
		t.Fatalf("%d clients of earlier tests were never closed", n)
	}
	srv := cometchatcallstest.NewServer()
	defer srv.Close()
	ignore := goleak.IgnoreCurrent()
	const clients = 200
	goroutinesBefore := runtime.NumGoroutine()
	heapBefore := liveHeap()

	cs := make([]*cometchatcalls.Client, clients)
	ctx := context.Background()
	for i := range cs {
		c, err := cometchatcalls.New(srv.AppID(), srv.Region(), srv.ClientOptions()...)
		if err != nil {
			t.Fatal(err)
		}
		cs[i] = c
		if _, err := c.Login(ctx, "cometchat-uid-1", srv.AuthKey()); err != nil {
			t.Fatal(err)
		}
	}
	srv.ResetRequests() // the emulator's request log is not the SDK's heap
	heapPerClient := (liveHeap() - heapBefore) / clients
	goroutines := runtime.NumGoroutine() - goroutinesBefore
	t.Logf("%d logged-in clients: %d connections, %d more goroutines, %d B of heap per client (emulator's tokens included)",
		clients, srv.ConnectionCount(), goroutines, heapPerClient)

	if n := srv.ConnectionCount(); n > 2 {
		t.Errorf("%d connections for %d clients logging in one after the other, want 1 or 2", n, clients)
	}
	// One kept-alive connection: its reader and writer on the client side,
	// its server goroutine on the emulator's.
	if goroutines > 6 {
		t.Errorf("%d more goroutines for %d idle clients", goroutines, clients)
	}
	if heapPerClient > 8<<10 {
		t.Errorf("%d B of heap per logged-in client", heapPerClient)
	}
	if n := cometchatcalls.SharedPoolUsers(); n != clients {
		t.Errorf("%d users of the shared pool, want %d", n, clients)
	}

	for _, c := range cs {
		if err := c.Close(); err != nil {
			t.Fatal(err)
		}
	}
	if n := cometchatcalls.SharedPoolUsers(); n != 0 {
		t.Errorf("%d users of the shared pool after every Close", n)
	}
	// The last Close released the idle connection: nothing of the SDK's is
	// left running, while the emulator still is.
	goleak.VerifyNone(t, ignore)
}

// liveHeap is the heap in use after a full collection.
func liveHeap() int64 {
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return int64(m.HeapAlloc)
}
