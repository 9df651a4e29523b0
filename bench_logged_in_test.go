package cometchatcalls

// Benchmarks of reading the logged-in user, the call an app makes most.

import (
	"context"
	"runtime"
	"sync/atomic"
	"testing"
)

// benchLoggedIn returns a Client with benchUID logged in, whose session
// has been read once already.
func benchLoggedIn(b *testing.B) *Client {
	srv := newBenchServer(b, false)
	c := newBenchClient(b, srv, srv)
	ctx := context.Background()
	if _, err := c.Login(ctx, benchUID, benchAuthKey); err != nil {
		b.Fatal(err)
	}
	if u, err := c.GetLoggedInUser(ctx); err != nil || u == nil {
		b.Fatal("not logged in", err)
	}
	return c
}

// BenchmarkGetLoggedInUser: one atomic load and the copy of a user without
// metadata or tags, which the caller reads.
func BenchmarkGetLoggedInUser(b *testing.B) {
	c := benchLoggedIn(b)
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		if u, _ := c.GetLoggedInUser(ctx); u == nil || u.UID != benchUID {
			b.Fatal("no user")
		}
	}
}

// BenchmarkGetLoggedInUserParallel: the same from GOMAXPROCS goroutines.
// ns/op is wall time per call across all of them; with no lock it must be
// no worse than serial.
func BenchmarkGetLoggedInUserParallel(b *testing.B) {
	c := benchLoggedIn(b)
	ctx := context.Background()
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			if u, _ := c.GetLoggedInUser(ctx); u == nil || u.UID != benchUID {
				panic("no user")
			}
		}
	})
}

// benchKept keeps the users the Kept benchmarks get, so that each copy
// escapes to the heap as it does for a caller that stores it. Each
// goroutine has its own slot, a cache line apart, so that keeping them
// adds no contention of its own.
var (
	benchKept [64]struct {
		u *User
		_ [56]byte
	}
	benchKeptNext atomic.Int32
)

// BenchmarkGetLoggedInUserKept and ...KeptParallel: the caller keeps the
// copy, which costs its one heap allocation (160 bytes).
func BenchmarkGetLoggedInUserKept(b *testing.B) {
	c := benchLoggedIn(b)
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		benchKept[0].u, _ = c.GetLoggedInUser(ctx)
	}
}

func BenchmarkGetLoggedInUserKeptParallel(b *testing.B) {
	c := benchLoggedIn(b)
	ctx := context.Background()
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		slot := &benchKept[benchKeptNext.Add(1)%int32(len(benchKept))]
		for pb.Next() {
			slot.u, _ = c.GetLoggedInUser(ctx)
		}
	})
}

// appHeap stands in for a running application's live heap. The benchmark
// process otherwise holds a few MiB, so one 160-byte copy per call makes
// the collector cycle about every millisecond, and under RunParallel its
// work competes with both benchmark goroutines for the two cores; with a
// heap of an application's size it cycles rarely.
const appHeap = 256 << 20

// BenchmarkGetLoggedInUserKeptAppHeap and ...KeptAppHeapParallel are the
// two Kept benchmarks with appHeap live, identical in every other way.
func BenchmarkGetLoggedInUserKeptAppHeap(b *testing.B) {
	heap := make([]byte, appHeap)
	defer runtime.KeepAlive(heap)
	b.ResetTimer() // the stand-in heap is not the benchmark's allocation
	BenchmarkGetLoggedInUserKept(b)
}

func BenchmarkGetLoggedInUserKeptAppHeapParallel(b *testing.B) {
	heap := make([]byte, appHeap)
	defer runtime.KeepAlive(heap)
	b.ResetTimer() // the stand-in heap is not the benchmark's allocation
	BenchmarkGetLoggedInUserKeptParallel(b)
}

// BenchmarkIsUserLoggedIn and BenchmarkIsUserLoggedInParallel read the
// same session as GetLoggedInUser without copying the user: no allocation,
// hence no garbage collector in the figure, which leaves the cost of the
// read itself. With no lock, parallel ns/op is about serial / GOMAXPROCS.
func BenchmarkIsUserLoggedIn(b *testing.B) {
	c := benchLoggedIn(b)
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		if !c.IsUserLoggedIn(ctx) {
			b.Fatal("no user")
		}
	}
}

func BenchmarkIsUserLoggedInParallel(b *testing.B) {
	c := benchLoggedIn(b)
	ctx := context.Background()
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			if !c.IsUserLoggedIn(ctx) {
				panic("no user")
			}
		}
	})
}
