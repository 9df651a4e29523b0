package redisstore_test

import (
	"bytes"
	"context"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cometchat-go/cometchatcalls"
	"github.com/cometchat-go/cometchatcalls/redisstore"
)

// renamed is s with another user name and the same token: what a
// ValidateSession that refreshed the user saves.
func renamed(s *cometchatcalls.Session, name string) *cometchatcalls.Session {
	r := *s
	r.User.Name = name
	return &r
}

// encoded is the value Save writes for s.
func encoded(t *testing.T, s *cometchatcalls.Session) []byte {
	t.Helper()
	data, err := cometchatcalls.EncodeSession(s)
	require.NoError(t, err)
	return data
}

// value is what the key holds, as bytes.
func value(t *testing.T, rdb *redis.Client, key string) []byte {
	t.Helper()
	data, err := rdb.Get(context.Background(), key).Bytes()
	require.NoError(t, err)
	return data
}

func TestStore_SaveIfToken(t *testing.T) {
	store, rdb, prefix := newStore(t)
	ctx := context.Background()
	key := prefix + "app"

	require.NoError(t, store.SaveIfToken(ctx, session("app", "uid-1", "a"), "any-token"), "nothing stored is not an error")
	n, err := rdb.Exists(ctx, key).Result()
	require.NoError(t, err)
	assert.Zero(t, n, "with nothing stored, SaveIfToken saves nothing")

	stored := session("app", "uid-1", "stored")
	require.NoError(t, store.Save(ctx, stored))
	before := value(t, rdb, key)
	newer := session("app", "uid-2", "newer")
	for name, token := range map[string]string{
		"another token":      session("app", "uid-1", "stale").AuthToken,
		"the new value's":    newer.AuthToken,
		"an empty token":     "",
		"a prefix of it":     stored.AuthToken[:len(stored.AuthToken)-1],
		"it with more bytes": stored.AuthToken + "x",
	} {
		require.NoError(t, store.SaveIfToken(ctx, newer, token), "%s: no match is not an error", name)
		assert.True(t, bytes.Equal(before, value(t, rdb, key)), "%s: the stored value must be kept byte for byte", name)
	}

	refreshed := renamed(stored, "Renamed")
	require.NoError(t, store.SaveIfToken(ctx, refreshed, stored.AuthToken))
	assert.True(t, bytes.Equal(encoded(t, refreshed), value(t, rdb, key)), "the matching token stores the value Save would write")
	got, err := store.Load(ctx, "app")
	require.NoError(t, err)
	require.NotNil(t, got)
	assert.Equal(t, "Renamed", got.User.Name)

	// The new value may carry another token (a re-key): the next
	// comparison is against that one.
	require.NoError(t, store.SaveIfToken(ctx, newer, stored.AuthToken))
	assert.True(t, bytes.Equal(encoded(t, newer), value(t, rdb, key)))
	require.NoError(t, store.SaveIfToken(ctx, refreshed, stored.AuthToken))
	assert.True(t, bytes.Equal(encoded(t, newer), value(t, rdb, key)), "the replaced token no longer matches")
}

func TestStore_SaveIfTokenSetsTheTTLAsSaveDoes(t *testing.T) {
	ctx := context.Background()
	stored := session("app", "uid-1", "stored")
	for _, tc := range []struct {
		name string
		ttl  time.Duration
	}{
		{"NoTTL", 0},
		{"WholeSeconds", time.Hour},
		{"Milliseconds", 90*time.Second + 500*time.Millisecond},
	} {
		t.Run(tc.name, func(t *testing.T) {
			store, rdb, prefix := newStore(t, redisstore.WithTTL(tc.ttl))
			key := prefix + "app"
			require.NoError(t, store.Save(ctx, stored))
			require.NoError(t, rdb.PExpire(ctx, key, time.Minute).Err())

			require.NoError(t, store.SaveIfToken(ctx, renamed(stored, "Other"), "another-token"))
			ttl, err := rdb.PTTL(ctx, key).Result()
			require.NoError(t, err)
			assert.True(t, ttl > 0 && ttl <= time.Minute, "no match leaves the expiry as it was (PTTL %s)", ttl)

			require.NoError(t, store.SaveIfToken(ctx, renamed(stored, "Renamed"), stored.AuthToken))
			ttl, err = rdb.PTTL(ctx, key).Result()
			require.NoError(t, err)
			if tc.ttl == 0 {
				// Save's SET without PX drops the expiry; so does SaveIfToken.
				assert.Equal(t, time.Duration(-1), ttl, "PTTL -1: the key has no expiry")
				return
			}
			assert.Greater(t, ttl, time.Minute, "a match sets the Store's TTL again")
			assert.LessOrEqual(t, ttl, tc.ttl)
		})
	}
}

// afterGet is a go-redis hook that calls fn after each read the client
// sends (a GET, or the Store's bounded read): the moment between the
// store's read and its script, where another instance may write.
type afterGet struct{ fn func() }

func (afterGet) DialHook(next redis.DialHook) redis.DialHook { return next }

func (h afterGet) ProcessHook(next redis.ProcessHook) redis.ProcessHook {
	return func(ctx context.Context, cmd redis.Cmder) error {
		err := next(ctx, cmd)
		if cmd.Name() == "get" || redisstore.IsRead(cmd) {
			h.fn()
		}
		return err
	}
}

func (afterGet) ProcessPipelineHook(next redis.ProcessPipelineHook) redis.ProcessPipelineHook {
	return next
}

// hookedStore is a Store under prefix on a connection of its own that
// calls fn after each of its GETs.
func hookedStore(t *testing.T, prefix string, fn func()) *redisstore.Store {
	t.Helper()
	rdb := newRedis(t)
	rdb.AddHook(afterGet{fn})
	return redisstore.New(rdb, redisstore.WithKeyPrefix(prefix))
}

func TestStore_CompareAndActLosesNoConcurrentSave(t *testing.T) {
	ctx := context.Background()
	stored := session("app", "uid-1", "stored")
	ops := map[string]func(*redisstore.Store) error{
		"SaveIfToken": func(s *redisstore.Store) error {
			return s.SaveIfToken(ctx, renamed(stored, "Refreshed"), stored.AuthToken)
		},
		"DeleteIfToken": func(s *redisstore.Store) error { return s.DeleteIfToken(ctx, "app", stored.AuthToken) },
	}
	for name, op := range ops {
		t.Run(name, func(t *testing.T) { compareAndActLosesNoConcurrentSave(t, name, op) })
	}
}

func compareAndActLosesNoConcurrentSave(t *testing.T, name string, op func(*redisstore.Store) error) {
	ctx := context.Background()
	stored := session("app", "uid-1", "stored")
	t.Run("AnotherSession", func(t *testing.T) {
		_, rdb, prefix := newStore(t)
		other := redisstore.New(newRedis(t), redisstore.WithKeyPrefix(prefix))
		require.NoError(t, other.Save(ctx, stored))
		newer := session("app", "uid-2", "newer")
		var gets atomic.Int32
		store := hookedStore(t, prefix, func() {
			if gets.Add(1) == 1 {
				require.NoError(t, other.Save(ctx, newer))
			}
		})

		require.NoError(t, op(store))
		assert.True(t, bytes.Equal(encoded(t, newer), value(t, rdb, prefix+"app")), "the session saved between the read and the script must be kept")
		assert.Equal(t, int32(2), gets.Load(), "the script must refuse the changed value and the store read again")
	})

	t.Run("SameTokenRefreshed", func(t *testing.T) {
		_, rdb, prefix := newStore(t)
		other := redisstore.New(newRedis(t), redisstore.WithKeyPrefix(prefix))
		require.NoError(t, other.Save(ctx, stored))
		var gets atomic.Int32
		store := hookedStore(t, prefix, func() {
			if gets.Add(1) == 1 {
				require.NoError(t, other.Save(ctx, renamed(stored, "By another instance")))
			}
		})

		require.NoError(t, op(store))
		assert.Equal(t, int32(2), gets.Load(), "the store must read the changed value again")
		if name == "DeleteIfToken" {
			n, err := rdb.Exists(ctx, prefix+"app").Result()
			require.NoError(t, err)
			assert.Zero(t, n, "the value read again still holds the token: it is deleted")
			return
		}
		assert.True(t, bytes.Equal(encoded(t, renamed(stored, "Refreshed")), value(t, rdb, prefix+"app")),
			"the value read again still holds the token: it is replaced")
	})

	t.Run("ChangingOnEveryRead", func(t *testing.T) {
		_, rdb, prefix := newStore(t)
		other := redisstore.New(newRedis(t), redisstore.WithKeyPrefix(prefix))
		require.NoError(t, other.Save(ctx, stored))
		var gets atomic.Int32
		var last []byte
		store := hookedStore(t, prefix, func() {
			s := renamed(stored, "Write "+strings.Repeat("x", int(gets.Add(1))))
			require.NoError(t, other.Save(ctx, s))
			last = encoded(t, s)
		})

		err := op(store)
		e := requireStoreError(t, err)
		assert.Contains(t, e.Message, "changed on every one of")
		assert.Contains(t, e.Message, prefix+"app")
		assertNoSecret(t, e.Error(), stored.AuthToken, "error")
		assert.True(t, bytes.Equal(last, value(t, rdb, prefix+"app")), "the other instance's last write must be kept")
		assert.Greater(t, gets.Load(), int32(1))
	})
}

// endingContext is a context whose deadline passes once over is set: it
// ends between two commands of one call.
type endingContext struct {
	context.Context
	over *atomic.Bool
}

func (c endingContext) Deadline() (time.Time, bool) {
	if c.over.Load() {
		return time.Now().Add(-time.Second), true
	}
	return time.Time{}, false
}

func TestStore_SaveIfTokenContextEndingAfterTheReadChangesNothing(t *testing.T) {
	_, rdb, prefix := newStore(t)
	ctx := context.Background()
	stored := session("app", "uid-1", "stored")
	require.NoError(t, redisstore.New(rdb, redisstore.WithKeyPrefix(prefix)).Save(ctx, stored))
	before := value(t, rdb, prefix+"app")

	// Without ContextTimeoutEnabled go-redis would send the script on a
	// pooled connection past the deadline: only the store can refuse.
	own := redis.NewClient(&redis.Options{Addr: redisAddr(t)})
	t.Cleanup(func() { _ = own.Close() })
	require.NoError(t, own.Ping(ctx).Err())
	over := &atomic.Bool{}
	own.AddHook(afterGet{func() { over.Store(true) }})
	store := redisstore.New(own, redisstore.WithKeyPrefix(prefix))
	ending := endingContext{ctx, over}

	for name, op := range map[string]func() error{
		"SaveIfToken":   func() error { return store.SaveIfToken(ending, renamed(stored, "Refreshed"), stored.AuthToken) },
		"DeleteIfToken": func() error { return store.DeleteIfToken(ending, "app", stored.AuthToken) },
	} {
		over.Store(false)
		err := op()
		require.True(t, over.Load(), "%s: the store did not read", name)
		requireStoreError(t, err)
		assert.ErrorIs(t, err, context.DeadlineExceeded, name)
		assert.True(t, bytes.Equal(before, value(t, rdb, prefix+"app")), "%s: a context that ended after the read must change nothing", name)
	}
}

func TestStore_SaveIfTokenRejectsIncompleteSessions(t *testing.T) {
	store, rdb, prefix := newStore(t)
	ctx := context.Background()
	stored := session("app", "uid-1", "stored")
	require.NoError(t, store.Save(ctx, stored))
	before := value(t, rdb, prefix+"app")
	noToken, noUID := renamed(stored, "x"), renamed(stored, "y")
	noToken.AuthToken, noUID.User.UID = "", ""
	for name, s := range map[string]*cometchatcalls.Session{"nil": nil, "no token": noToken, "no uid": noUID} {
		requireStoreError(t, store.SaveIfToken(ctx, s, stored.AuthToken))
		assert.True(t, bytes.Equal(before, value(t, rdb, prefix+"app")), "%s: nothing written", name)
	}
}

func TestStore_SaveIfTokenWorksAfterTheServerForgotTheScript(t *testing.T) {
	store, rdb, prefix := newStore(t, redisstore.WithTTL(time.Hour))
	ctx := context.Background()
	stored := session("app", "uid-1", "a")
	require.NoError(t, store.Save(ctx, stored))
	require.NoError(t, rdb.ScriptFlush(ctx).Err())
	refreshed := renamed(stored, "Refreshed")
	require.NoError(t, store.SaveIfToken(ctx, refreshed, stored.AuthToken))
	assert.True(t, bytes.Equal(encoded(t, refreshed), value(t, rdb, prefix+"app")))
}

func TestStore_SaveIfTokenSendsNotTheComparedToken(t *testing.T) {
	store, _, prefix := newStore(t)
	ctx := context.Background()
	stored := session("app", "uid-1", "monitor")
	require.NoError(t, store.Save(ctx, stored))
	// The new value carries a token of its own, as SET's does; the token
	// compared must not be in any command.
	next := session("app", "uid-1", "next")
	lines := monitor(t)

	require.NoError(t, store.SaveIfToken(ctx, next, stored.AuthToken))
	sawScript := false
	for {
		line, err := lines.ReadString('\n')
		require.NoError(t, err, "the compare-and-swap never showed in MONITOR")
		if !strings.Contains(line, prefix+"app") {
			continue // another client's command
		}
		assert.False(t, strings.Contains(line, stored.AuthToken), "a command of SaveIfToken carries the compared token")
		lower := strings.ToLower(line)
		if strings.Contains(lower, `"evalsha"`) || strings.Contains(lower, `"eval"`) {
			sawScript = true
		}
		// The script's own SET (MONITOR shows it after the EVALSHA) is
		// its last command.
		if sawScript && strings.Contains(lower, `"set"`) {
			return
		}
	}
}
