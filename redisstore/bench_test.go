package redisstore_test

import (
	"context"
	"testing"
)

// The benchmarks measure one round trip to the redis-server at REDIS_ADDR
// (on this machine, in CI) plus encoding or decoding.

func BenchmarkLoad(b *testing.B) {
	store, _, _ := newStore(b)
	ctx := context.Background()
	if err := store.Save(ctx, session("bench-app", "uid-1", "a")); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if s, err := store.Load(ctx, "bench-app"); err != nil || s == nil {
			b.Fatalf("Load: %v (session found: %t)", err, s != nil)
		}
	}
}

func BenchmarkSave(b *testing.B) {
	store, _, _ := newStore(b)
	ctx := context.Background()
	s := session("bench-app", "uid-1", "a")
	b.ReportAllocs()
	for b.Loop() {
		if err := store.Save(ctx, s); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkDeleteIfToken(b *testing.B) {
	store, _, _ := newStore(b)
	ctx := context.Background()
	s := session("bench-app", "uid-1", "a")
	b.ReportAllocs()
	for b.Loop() {
		if err := store.Save(ctx, s); err != nil {
			b.Fatal(err)
		}
		if err := store.DeleteIfToken(ctx, s.AppID, s.AuthToken); err != nil {
			b.Fatal(err)
		}
	}
}
