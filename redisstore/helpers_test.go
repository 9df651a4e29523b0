package redisstore_test

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/cometchat-go/cometchatcalls"
	"github.com/cometchat-go/cometchatcalls/redisstore"
)

// redisAddr is the address of the redis-server the tests use. In CI a
// missing server is a failure; elsewhere the tests skip and say how to run
// them.
func redisAddr(tb testing.TB) string {
	tb.Helper()
	addr := os.Getenv("REDIS_ADDR")
	if addr != "" {
		return addr
	}
	const how = "run `bash .ci/run` from the repository root (it installs and starts redis-server), " +
		"or start one yourself: `redis-server --port 6390 --save '' --appendonly no` " +
		"and `REDIS_ADDR=127.0.0.1:6390 go test ./...`"
	if os.Getenv("CI") != "" {
		tb.Fatal("REDIS_ADDR not set: " + how)
	}
	tb.Skip("REDIS_ADDR not set; these tests need a real redis-server: " + how)
	return ""
}

// newRedis returns a new connection pool to the test server, closed when
// the test ends. Each call is a separate client, as two processes would have.
func newRedis(tb testing.TB) *redis.Client {
	tb.Helper()
	rdb := redis.NewClient(&redis.Options{Addr: redisAddr(tb), ContextTimeoutEnabled: true})
	tb.Cleanup(func() { _ = rdb.Close() })
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := rdb.Ping(ctx).Err(); err != nil {
		tb.Fatalf("redis-server at REDIS_ADDR does not answer PING: %v", err)
	}
	return rdb
}

// testPrefix is a key prefix of the test's own, so tests may run in
// parallel and against a server that holds other data. Every key under it
// is deleted when the test ends.
func testPrefix(tb testing.TB, rdb *redis.Client) string {
	tb.Helper()
	var b [6]byte
	_, _ = rand.Read(b[:])
	name := strings.NewReplacer("/", ".", " ", "_", "*", "_", "?", "_", "[", "_").Replace(tb.Name())
	prefix := "cometchatcalls-test:" + name + ":" + hex.EncodeToString(b[:]) + ":"
	tb.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		iter := rdb.Scan(ctx, 0, prefix+"*", 100).Iterator()
		for iter.Next(ctx) {
			rdb.Del(ctx, iter.Val())
		}
		if err := iter.Err(); err != nil {
			tb.Errorf("cleaning up the keys under %q: %v", prefix, err)
		}
	})
	return prefix
}

// newStore returns a Store on a connection of its own, under a prefix of
// the test's own, and that connection (for looking at keys directly).
func newStore(tb testing.TB, opts ...redisstore.Option) (*redisstore.Store, *redis.Client, string) {
	tb.Helper()
	rdb := newRedis(tb)
	prefix := testPrefix(tb, rdb)
	return redisstore.New(rdb, append([]redisstore.Option{redisstore.WithKeyPrefix(prefix)}, opts...)...), rdb, prefix
}

// session builds a session whose token carries tag, so tests can tell
// sessions apart by comparing tokens (never by printing them).
func session(appID, uid, tag string) *cometchatcalls.Session {
	return &cometchatcalls.Session{
		AppID:     appID,
		User:      cometchatcalls.User{UID: uid, Name: "User " + uid, Metadata: map[string]any{"tag": tag}},
		AuthToken: "test-token-" + appID + "-" + uid + "-" + tag,
		CreatedAt: time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC),
	}
}

// requireStoreError checks that err is an ERROR_SESSION_STORE *Error.
func requireStoreError(tb testing.TB, err error) *cometchatcalls.Error {
	tb.Helper()
	var e *cometchatcalls.Error
	if err == nil {
		tb.Fatal("want an ERROR_SESSION_STORE error, got nil")
	}
	if !asError(err, &e) || e.Code != cometchatcalls.CodeSessionStore {
		tb.Fatalf("want an *cometchatcalls.Error with code ERROR_SESSION_STORE, got %T: %v", err, err)
	}
	return e
}

// asError is errors.As restricted to the returned value itself: the store
// must return an *Error, not wrap one in something else.
func asError(err error, target **cometchatcalls.Error) bool {
	e, ok := err.(*cometchatcalls.Error)
	*target = e
	return ok
}
