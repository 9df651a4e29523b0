package redisstore_test

import (
	"context"
	"errors"
	"fmt"
	"math"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cometchat-go/cometchatcalls"
	"github.com/cometchat-go/cometchatcalls/cometchatcallstest"
	"github.com/cometchat-go/cometchatcalls/redisstore"
)

func TestStore_SessionStoreContract(t *testing.T) {
	rdb := newRedis(t)
	cometchatcallstest.TestSessionStore(t, func(t *testing.T) cometchatcalls.SessionStore {
		return redisstore.New(rdb, redisstore.WithKeyPrefix(testPrefix(t, rdb)))
	})
}

func TestStore_KeyIsPrefixPlusAppIDAndValueIsTheSharedFormat(t *testing.T) {
	store, rdb, prefix := newStore(t)
	ctx := context.Background()
	want := session("app-1", "uid-1", "a")
	require.NoError(t, store.Save(ctx, want))

	data, err := rdb.Get(ctx, prefix+"app-1").Bytes()
	require.NoError(t, err, "the session must be at prefix+appID")
	got, err := cometchatcalls.DecodeSession(data, "app-1")
	require.NoError(t, err, "the value must be EncodeSession's format")
	require.NotNil(t, got)
	assert.True(t, got.AuthToken == want.AuthToken, "token mismatch")
	assert.Equal(t, want.User, got.User)
}

func TestStore_DefaultPrefix(t *testing.T) {
	rdb := newRedis(t)
	ctx := context.Background()
	appID := "redisstore-default-prefix-" + strings.TrimSuffix(testPrefix(t, rdb), ":")
	t.Cleanup(func() { rdb.Del(context.Background(), redisstore.DefaultKeyPrefix+appID) })

	require.NoError(t, redisstore.New(rdb).Save(ctx, session(appID, "uid-1", "a")))
	n, err := rdb.Exists(ctx, "cometchatcalls:session:"+appID).Result()
	require.NoError(t, err)
	assert.Equal(t, int64(1), n)
}

func TestStore_PrefixIsolation(t *testing.T) {
	rdb := newRedis(t)
	ctx := context.Background()
	a := redisstore.New(rdb, redisstore.WithKeyPrefix(testPrefix(t, rdb)))
	b := redisstore.New(rdb, redisstore.WithKeyPrefix(testPrefix(t, rdb)))

	require.NoError(t, a.Save(ctx, session("app", "uid-a", "a")))
	got, err := b.Load(ctx, "app")
	require.NoError(t, err)
	assert.Nil(t, got, "a store with another prefix must not see the session")

	require.NoError(t, b.Save(ctx, session("app", "uid-b", "b")))
	require.NoError(t, b.Delete(ctx, "app"))
	require.NoError(t, b.DeleteIfToken(ctx, "app", session("app", "uid-a", "a").AuthToken))
	got, err = a.Load(ctx, "app")
	require.NoError(t, err)
	require.NotNil(t, got, "deleting under one prefix must not touch another")
	assert.Equal(t, "uid-a", got.User.UID)
}

func TestStore_DeleteIfToken(t *testing.T) {
	store, _, _ := newStore(t)
	ctx := context.Background()
	older, newer := session("app", "uid-1", "older"), session("app", "uid-1", "newer")
	require.NoError(t, store.Save(ctx, newer))

	require.NoError(t, store.DeleteIfToken(ctx, "app", older.AuthToken), "no match is not an error")
	got, err := store.Load(ctx, "app")
	require.NoError(t, err)
	require.NotNil(t, got, "a stale token must not delete the newer session")
	assert.True(t, got.AuthToken == newer.AuthToken, "the newer session must be kept whole")

	require.NoError(t, store.DeleteIfToken(ctx, "app", newer.AuthToken))
	got, err = store.Load(ctx, "app")
	require.NoError(t, err)
	assert.Nil(t, got, "the matching token deletes")

	require.NoError(t, store.DeleteIfToken(ctx, "app", newer.AuthToken), "nothing stored is not an error")
}

func TestStore_DeleteIfTokenWorksAfterTheServerForgotTheScript(t *testing.T) {
	store, rdb, _ := newStore(t)
	ctx := context.Background()
	// A restarted or failed-over server has an empty script cache: the
	// store must fall back from EVALSHA to EVAL.
	require.NoError(t, rdb.ScriptFlush(ctx).Err())
	s := session("app", "uid-1", "a")
	require.NoError(t, store.Save(ctx, s))
	require.NoError(t, store.DeleteIfToken(ctx, "app", s.AuthToken))
	got, err := store.Load(ctx, "app")
	require.NoError(t, err)
	assert.Nil(t, got)
}

func TestStore_TTL(t *testing.T) {
	ctx := context.Background()

	t.Run("NoTTLNeverExpires", func(t *testing.T) {
		store, rdb, prefix := newStore(t)
		require.NoError(t, store.Save(ctx, session("app", "uid-1", "a")))
		ttl, err := rdb.PTTL(ctx, prefix+"app").Result()
		require.NoError(t, err)
		assert.Equal(t, time.Duration(-1), ttl, "PTTL -1: the key has no expiry")
	})

	t.Run("EverySaveSetsTheTTL", func(t *testing.T) {
		store, rdb, prefix := newStore(t, redisstore.WithTTL(time.Hour))
		require.NoError(t, store.Save(ctx, session("app", "uid-1", "a")))
		require.NoError(t, rdb.PExpire(ctx, prefix+"app", time.Minute).Err())
		require.NoError(t, store.Save(ctx, session("app", "uid-1", "b")))
		ttl, err := rdb.PTTL(ctx, prefix+"app").Result()
		require.NoError(t, err)
		assert.Greater(t, ttl, time.Minute, "the second Save must set the TTL again")
		assert.LessOrEqual(t, ttl, time.Hour)
	})

	t.Run("SubMillisecondRoundsUp", func(t *testing.T) {
		store, rdb, prefix := newStore(t, redisstore.WithTTL(time.Hour+time.Microsecond))
		require.NoError(t, store.Save(ctx, session("app", "uid-1", "a")))
		ttl, err := rdb.PTTL(ctx, prefix+"app").Result()
		require.NoError(t, err)
		assert.Greater(t, ttl, time.Duration(0))
	})

	t.Run("TheLargestDurationStillExpires", func(t *testing.T) {
		store, rdb, prefix := newStore(t, redisstore.WithTTL(math.MaxInt64))
		require.NoError(t, store.Save(ctx, session("app", "uid-1", "a")))
		ttl, err := rdb.PTTL(ctx, prefix+"app").Result()
		require.NoError(t, err)
		assert.Greater(t, ttl, 100*365*24*time.Hour, "rounding up must not overflow into no expiry")
	})

	t.Run("NegativeMeansNever", func(t *testing.T) {
		store, rdb, prefix := newStore(t, redisstore.WithTTL(-time.Second))
		require.NoError(t, store.Save(ctx, session("app", "uid-1", "a")))
		ttl, err := rdb.PTTL(ctx, prefix+"app").Result()
		require.NoError(t, err)
		assert.Equal(t, time.Duration(-1), ttl)
	})

	t.Run("Expires", func(t *testing.T) {
		store, _, _ := newStore(t, redisstore.WithTTL(50*time.Millisecond))
		require.NoError(t, store.Save(ctx, session("app", "uid-1", "a")))
		// Redis expires the key itself; wait for that with a bounded poll.
		deadline := time.Now().Add(10 * time.Second)
		for {
			got, err := store.Load(ctx, "app")
			require.NoError(t, err)
			if got == nil {
				return
			}
			if time.Now().After(deadline) {
				t.Fatal("the session did not expire within 10 s of a 50 ms TTL")
			}
			time.Sleep(20 * time.Millisecond)
		}
	})
}

// secretInCorruptValue is planted in corrupt values: no error may quote it.
const secretInCorruptValue = "planted-secret-token-5f2c"

func TestStore_CorruptOrForeignValues(t *testing.T) {
	ctx := context.Background()
	foreignApp, err := cometchatcalls.EncodeSession(session("another-app", "uid-1", "a"))
	require.NoError(t, err)
	for _, tc := range []struct {
		name  string
		value string
		want  string // in the error message
	}{
		{"NotJSON", "not json " + secretInCorruptValue, "does not hold a session"},
		{"Truncated", `{"version":1,"sessions":{"app":{"authToken":"` + secretInCorruptValue, "does not hold a session"},
		{"ForeignJSON", `{"token":"` + secretInCorruptValue + `"}`, "does not hold a session"},
		{"Empty", "", "does not hold a session"},
		{"AnotherAppsSession", string(foreignApp), `without a session for app "app"`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			store, rdb, prefix := newStore(t)
			require.NoError(t, rdb.Set(ctx, prefix+"app", tc.value, 0).Err())

			got, err := store.Load(ctx, "app")
			assert.Nil(t, got)
			e := requireStoreError(t, err)
			assert.Contains(t, e.Error(), tc.want)
			assert.Contains(t, e.Error(), prefix+"app", "the message names the key")
			assertNoSecret(t, e.Error(), secretInCorruptValue, "error")
			assertNoSecret(t, e.Error(), "test-token-", "error")

			e = requireStoreError(t, store.DeleteIfToken(ctx, "app", "any-token"))
			assertNoSecret(t, e.Error(), secretInCorruptValue, "error")
			e = requireStoreError(t, store.SaveIfToken(ctx, session("app", "uid-1", "refreshed"), "any-token"))
			assert.Contains(t, e.Error(), tc.want)
			assertNoSecret(t, e.Error(), secretInCorruptValue, "error")
			assertNoSecret(t, e.Error(), "test-token-", "error")

			still, err := rdb.Get(ctx, prefix+"app").Result()
			require.NoError(t, err)
			assert.True(t, still == tc.value, "Load, DeleteIfToken and SaveIfToken must leave a corrupt value as it is")

			// Save replaces it, so a login over a corrupt value works.
			require.NoError(t, store.Save(ctx, session("app", "uid-1", "fresh")))
			fresh, err := store.Load(ctx, "app")
			require.NoError(t, err)
			require.NotNil(t, fresh)
			assert.Equal(t, "uid-1", fresh.User.UID)
		})
	}

	t.Run("WrongRedisType", func(t *testing.T) {
		store, rdb, prefix := newStore(t)
		require.NoError(t, rdb.HSet(ctx, prefix+"app", "token", secretInCorruptValue).Err())
		_, err := store.Load(ctx, "app")
		e := requireStoreError(t, err)
		assert.Contains(t, e.Error(), "WRONGTYPE")
		assertNoSecret(t, e.Error(), secretInCorruptValue, "error")
		requireStoreError(t, store.DeleteIfToken(ctx, "app", "any-token"))
		requireStoreError(t, store.SaveIfToken(ctx, session("app", "uid-1", "a"), "any-token"))
		kind, err := rdb.Type(ctx, prefix+"app").Result()
		require.NoError(t, err)
		assert.Equal(t, "hash", kind, "Load must leave the foreign value as it is")
	})
}

func TestStore_SaveRejectsIncompleteSessions(t *testing.T) {
	store, rdb, prefix := newStore(t)
	ctx := context.Background()
	noToken := session("app", "uid-1", "a")
	noToken.AuthToken = ""
	for name, s := range map[string]*cometchatcalls.Session{"nil": nil, "no token": noToken} {
		requireStoreError(t, store.Save(ctx, s))
		requireStoreError(t, store.SaveIfToken(ctx, s, "any-token"))
		n, err := rdb.Exists(ctx, prefix+"app").Result()
		require.NoError(t, err)
		assert.Zero(t, n, "%s: nothing written", name)
	}
}

func TestStore_DoneContextChangesNothing(t *testing.T) {
	store, rdb, prefix := newStore(t)
	stored := session("app", "uid-1", "stored")
	require.NoError(t, store.Save(context.Background(), stored))
	before, err := rdb.Get(context.Background(), prefix+"app").Result()
	require.NoError(t, err)

	cancelled, cancel := context.WithCancel(context.Background())
	cancel()
	expired, cancel2 := context.WithDeadline(context.Background(), time.Now().Add(-time.Second))
	defer cancel2()
	for _, tc := range []struct {
		ctx  context.Context
		want error
	}{{cancelled, context.Canceled}, {expired, context.DeadlineExceeded}} {
		ops := map[string]func() error{
			"Load":          func() error { _, err := store.Load(tc.ctx, "app"); return err },
			"Save":          func() error { return store.Save(tc.ctx, session("app", "uid-2", "other")) },
			"Delete":        func() error { return store.Delete(tc.ctx, "app") },
			"DeleteIfToken": func() error { return store.DeleteIfToken(tc.ctx, "app", stored.AuthToken) },
			"SaveIfToken": func() error {
				return store.SaveIfToken(tc.ctx, session("app", "uid-1", "other"), stored.AuthToken)
			},
		}
		for name, op := range ops {
			err := op()
			requireStoreError(t, err)
			assert.ErrorIs(t, err, tc.want, name)
		}
	}
	after, err := rdb.Get(context.Background(), prefix+"app").Result()
	require.NoError(t, err)
	assert.True(t, before == after, "a done context must change nothing")
}

// wrappedClient is a client type of the user's own, as a tracing or
// metrics wrapper would be.
type wrappedClient struct{ redis.UniversalClient }

func TestStore_NilStoreNilClientNilContext(t *testing.T) {
	ctx := context.Background()
	var nilClient *redis.Client
	stores := map[string]*redisstore.Store{
		"nil *Store":             nil,
		"zero Store":             {},
		"New(nil)":               redisstore.New(nil),
		"New(typed nil client)":  redisstore.New(nilClient),
		"New(typed nil cluster)": redisstore.New((*redis.ClusterClient)(nil)),
		"New(typed nil wrapper)": redisstore.New((*wrappedClient)(nil)),
	}
	for name, s := range stores {
		t.Run(name, func(t *testing.T) {
			_, err := s.Load(ctx, "app")
			requireStoreError(t, err)
			requireStoreError(t, s.Save(ctx, session("app", "uid-1", "a")))
			requireStoreError(t, s.Delete(ctx, "app"))
			requireStoreError(t, s.DeleteIfToken(ctx, "app", "token"))
			requireStoreError(t, s.SaveIfToken(ctx, session("app", "uid-1", "a"), "token"))
			requireStoreError(t, s.SaveIfToken(ctx, nil, "token"))
			assert.NotPanics(t, func() { _ = fmt.Sprintf("%v %+v %#v %s", s, s, s, s) })
		})
	}

	store, _, _ := newStore(t)
	//lint:ignore SA1012 a nil context is what this test is about
	_, err := store.Load(nil, "app")
	requireStoreError(t, err)
}

func TestStore_FormatShowsNoSecret(t *testing.T) {
	rdb := redis.NewClient(&redis.Options{Addr: "127.0.0.1:1", Password: "redis-password-7c1d"})
	t.Cleanup(func() { _ = rdb.Close() })
	store := redisstore.New(rdb, redisstore.WithKeyPrefix("p:"), redisstore.WithTTL(time.Minute))
	for _, verb := range []string{"%v", "%+v", "%#v", "%s", "%q", "%x", "%d"} {
		out := fmt.Sprintf(verb, store)
		assert.True(t, out == `redisstore.Store{prefix:"p:" ttl:1m0s}`, "%s of a *Store shows more than its prefix and TTL", verb)
	}
	// A Store value (not a pointer) has no methods of its own to print it:
	// fmt shows the client as an address, never its options.
	assertNoSecret(t, fmt.Sprintf("%+v", *store), "redis-password-7c1d", "%+v of a Store value")
}

func TestStore_RedisDown(t *testing.T) {
	// A port nobody listens on: connections are refused at once.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	addr := ln.Addr().String()
	require.NoError(t, ln.Close())
	// One dial per command, no retry: go-redis's own retries (5 dials, 4
	// attempts by default) only make the test slower.
	rdb := redis.NewClient(&redis.Options{Addr: addr, ContextTimeoutEnabled: true, DialerRetries: 1, MaxRetries: -1})
	t.Cleanup(func() { _ = rdb.Close() })
	store := redisstore.New(rdb)

	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	_, err = store.Load(ctx, "app")
	e := requireStoreError(t, err)
	var opErr *net.OpError
	assert.True(t, errors.As(err, &opErr), "the network error is the cause: %v", err)
	assert.Contains(t, e.Message, "redisstore: loading key")
	requireStoreError(t, store.Save(ctx, session("app", "uid-1", "a")))
	requireStoreError(t, store.Delete(ctx, "app"))
	requireStoreError(t, store.DeleteIfToken(ctx, "app", "token"))
	requireStoreError(t, store.SaveIfToken(ctx, session("app", "uid-1", "a"), "token"))

	// With go-redis's default retries, the caller's deadline ends the wait.
	slow := redisstore.New(newDownClient(t, addr))
	short, cancel2 := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel2()
	_, err = slow.Load(short, "app")
	requireStoreError(t, err)
	assert.ErrorIs(t, err, context.DeadlineExceeded)
}

func newDownClient(t *testing.T, addr string) *redis.Client {
	rdb := redis.NewClient(&redis.Options{Addr: addr, ContextTimeoutEnabled: true})
	t.Cleanup(func() { _ = rdb.Close() })
	return rdb
}

func TestStore_HangingRedisEndsWithTheContext(t *testing.T) {
	// A server that accepts connections and never answers.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	accepted := make(chan net.Conn, 16)
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				close(accepted)
				return
			}
			accepted <- c
		}
	}()
	t.Cleanup(func() {
		_ = ln.Close()
		for c := range accepted {
			_ = c.Close()
		}
	})
	rdb := redis.NewClient(&redis.Options{
		Addr: ln.Addr().String(), ContextTimeoutEnabled: true, MaxRetries: -1,
		DialTimeout: time.Minute, ReadTimeout: time.Minute, WriteTimeout: time.Minute,
	})
	t.Cleanup(func() { _ = rdb.Close() })
	store := redisstore.New(rdb)

	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	_, err = store.Load(ctx, "app")
	requireStoreError(t, err)
	assert.ErrorIs(t, err, context.DeadlineExceeded, "the caller's deadline is the cause")
}

func TestStore_DeleteIfTokenSendsNoTokenInItsArguments(t *testing.T) {
	store, _, prefix := newStore(t)
	ctx := context.Background()
	s := session("app", "uid-1", "monitor")
	require.NoError(t, store.Save(ctx, s))

	lines := monitor(t)

	require.NoError(t, store.DeleteIfToken(ctx, "app", s.AuthToken))
	for {
		line, err := lines.ReadString('\n')
		require.NoError(t, err, "the compare-and-delete script never showed in MONITOR")
		if !strings.Contains(line, prefix+"app") {
			continue // another client's command
		}
		assert.False(t, strings.Contains(line, s.AuthToken), "a command of DeleteIfToken carries the token")
		lower := strings.ToLower(line)
		if strings.Contains(lower, `"evalsha"`) || strings.Contains(lower, `"eval"`) {
			return
		}
	}
}

// assertNoSecret fails if text holds secret, without printing either.
func assertNoSecret(t *testing.T, text, secret string, what any) {
	t.Helper()
	if strings.Contains(text, secret) {
		t.Errorf("%v shows a secret", what)
	}
}

// lateContext is a context whose deadline has passed but whose Done
// channel has not closed yet: the moment between a deadline and the
// context's own timer firing, held open.
type lateContext struct{ context.Context }

func (lateContext) Deadline() (time.Time, bool) { return time.Now().Add(-time.Second), true }

func TestStore_PastDeadlineChangesNothingBeforeTheTimerFires(t *testing.T) {
	// Without ContextTimeoutEnabled, go-redis ignores the deadline on a
	// pooled connection: only the store's own check can refuse the call.
	rdb := redis.NewClient(&redis.Options{Addr: redisAddr(t)})
	t.Cleanup(func() { _ = rdb.Close() })
	require.NoError(t, rdb.Ping(context.Background()).Err()) // a pooled connection, already dialled
	prefix := testPrefix(t, rdb)
	store := redisstore.New(rdb, redisstore.WithKeyPrefix(prefix))
	stored := session("app", "uid-1", "stored")
	require.NoError(t, store.Save(context.Background(), stored))

	late := lateContext{context.Background()}
	ops := map[string]func() error{
		"Load":          func() error { _, err := store.Load(late, "app"); return err },
		"Save":          func() error { return store.Save(late, session("app", "uid-2", "other")) },
		"Save new":      func() error { return store.Save(late, session("app-new", "uid-3", "new")) },
		"Delete":        func() error { return store.Delete(late, "app") },
		"DeleteIfToken": func() error { return store.DeleteIfToken(late, "app", stored.AuthToken) },
		"SaveIfToken": func() error {
			return store.SaveIfToken(late, session("app", "uid-1", "other"), stored.AuthToken)
		},
	}
	for name, op := range ops {
		err := op()
		if err == nil {
			t.Errorf("%s with a past deadline returned no error", name)
			continue
		}
		requireStoreError(t, err)
		assert.ErrorIs(t, err, context.DeadlineExceeded, name)
	}
	got, err := store.Load(context.Background(), "app")
	require.NoError(t, err)
	require.NotNil(t, got, "the stored session must survive")
	assert.True(t, got.AuthToken == stored.AuthToken, "the stored session must be unchanged")
	n, err := rdb.Exists(context.Background(), prefix+"app-new").Result()
	require.NoError(t, err)
	assert.Zero(t, n, "nothing written for a new app ID")
}
