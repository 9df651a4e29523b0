package redisstore_test

import (
	"context"
	"net"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cometchat-go/cometchatcalls/redisstore"
)

// countingConn counts the bytes read from Redis.
type countingConn struct {
	net.Conn
	read *atomic.Int64
}

func (c countingConn) Read(p []byte) (int, error) {
	n, err := c.Conn.Read(p)
	c.read.Add(int64(n))
	return n, err
}

// countingStore is newStore on a client that counts the bytes it reads.
func countingStore(t *testing.T) (*redisstore.Store, *redis.Client, string, *atomic.Int64) {
	t.Helper()
	read := new(atomic.Int64)
	var d net.Dialer
	rdb := redis.NewClient(&redis.Options{
		Addr:                  redisAddr(t),
		ContextTimeoutEnabled: true,
		Dialer: func(ctx context.Context, network, addr string) (net.Conn, error) {
			c, err := d.DialContext(ctx, network, addr)
			if err != nil {
				return nil, err
			}
			return countingConn{c, read}, nil
		},
	})
	t.Cleanup(func() { _ = rdb.Close() })
	prefix := testPrefix(t, rdb)
	return redisstore.New(rdb, redisstore.WithKeyPrefix(prefix)), rdb, prefix, read
}

// TestStore_RefusesAHugeValueUnread: a foreign value of 8 MiB at a
// session's key is ERROR_SESSION_STORE for Load, DeleteIfToken and
// SaveIfToken, as any value that is not a session, and none of them reads
// it: a few hundred bytes cross the network per call, not megabytes. The
// value stays as it is; Save replaces it.
func TestStore_RefusesAHugeValueUnread(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	store, rdb, prefix, read := countingStore(t)
	huge := secretInCorruptValue + strings.Repeat("x", 8<<20)
	require.NoError(t, rdb.Set(ctx, prefix+"app", huge, 0).Err())

	calls := map[string]func() error{
		"Load": func() error { _, err := store.Load(ctx, "app"); return err },
		"DeleteIfToken": func() error {
			return store.DeleteIfToken(ctx, "app", "any-token")
		},
		"SaveIfToken": func() error {
			return store.SaveIfToken(ctx, session("app", "uid-1", "a"), "any-token")
		},
	}
	for name, call := range calls {
		before := read.Load()
		e := requireStoreError(t, call())
		assert.Contains(t, e.Error(), "larger than 1 MiB", name)
		assert.Contains(t, e.Error(), prefix+"app", name+": the message names the key")
		assertNoSecret(t, e.Error(), secretInCorruptValue, name+" error")
		assert.Less(t, read.Load()-before, int64(16<<10), name+": bytes read from Redis")
	}
	n, err := rdb.StrLen(ctx, prefix+"app").Result()
	require.NoError(t, err)
	assert.Equal(t, int64(len(huge)), n, "the foreign value was changed")

	require.NoError(t, store.Save(ctx, session("app", "uid-1", "fresh")))
	got, err := store.Load(ctx, "app")
	require.NoError(t, err)
	require.NotNil(t, got)
	assert.Equal(t, "uid-1", got.User.UID)
}

// TestStore_ReadsAValueUpToTheLimit: a value of exactly 1 MiB is read and
// decoded (and found not to be a session); one byte more is refused
// unread.
func TestStore_ReadsAValueUpToTheLimit(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	store, rdb, prefix, _ := countingStore(t)

	require.NoError(t, rdb.Set(ctx, prefix+"app", strings.Repeat(" ", 1<<20), 0).Err())
	_, err := store.Load(ctx, "app")
	e := requireStoreError(t, err)
	assert.Contains(t, e.Error(), "does not hold a session")
	assert.NotContains(t, e.Error(), "larger than 1 MiB")

	require.NoError(t, rdb.Append(ctx, prefix+"app", " ").Err())
	_, err = store.Load(ctx, "app")
	e = requireStoreError(t, err)
	assert.Contains(t, e.Error(), "larger than 1 MiB (1048577 bytes)")
}

// TestStore_MissingKeyIsNoSession: the bounded read still tells a missing
// key (no session) from an empty value (not a session).
func TestStore_MissingKeyIsNoSession(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	store, rdb, prefix, _ := countingStore(t)
	got, err := store.Load(ctx, "app")
	require.NoError(t, err)
	assert.Nil(t, got)
	require.NoError(t, store.DeleteIfToken(ctx, "app", "any-token"))

	require.NoError(t, rdb.Set(ctx, prefix+"app", "", 0).Err())
	_, err = store.Load(ctx, "app")
	requireStoreError(t, err)
}
