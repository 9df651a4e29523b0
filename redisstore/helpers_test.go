package redisstore_test

import (
	"bufio"
	"context"
	"crypto/rand"
	"encoding/hex"
	"net"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
	"github.com/stretchr/testify/require"

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
	prefix := "cometchatcalls-test:" + keySafe(tb.Name()) + ":" + unique() + ":"
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

// keySafe replaces the characters that SCAN's MATCH pattern would
// interpret.
func keySafe(s string) string {
	return strings.NewReplacer("/", ".", " ", "_", "*", "_", "?", "_", "[", "_", "]", "_", "\\", "_").Replace(s)
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

// requireStoreError checks that err is itself an *cometchatcalls.Error
// with code ERROR_SESSION_STORE (not one wrapped in something else).
func requireStoreError(tb testing.TB, err error) *cometchatcalls.Error {
	tb.Helper()
	e, ok := err.(*cometchatcalls.Error)
	if !ok || e.Code != cometchatcalls.CodeSessionStore {
		tb.Fatalf("want an *cometchatcalls.Error with code ERROR_SESSION_STORE, got %T: %v", err, err)
	}
	return e
}

// unique is a random suffix for key prefixes.
func unique() string {
	var b [6]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

// monitor starts MONITOR on a connection of its own and returns its lines.
// MONITOR shows every command with all its arguments, as an operator (or
// a slow log) would see them.
func monitor(t *testing.T) *bufio.Reader {
	t.Helper()
	conn, err := net.Dial("tcp", redisAddr(t))
	require.NoError(t, err)
	t.Cleanup(func() { _ = conn.Close() })
	_, err = conn.Write([]byte("MONITOR\r\n"))
	require.NoError(t, err)
	require.NoError(t, conn.SetReadDeadline(time.Now().Add(10*time.Second)))
	lines := bufio.NewReader(conn)
	ok, err := lines.ReadString('\n')
	require.NoError(t, err)
	require.Equal(t, "+OK\r\n", ok)
	return lines
}
