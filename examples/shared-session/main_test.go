package main

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"os"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// redisAddr is the redis-server the test uses: required in CI, skipped
// with directions elsewhere.
func redisAddr(t *testing.T) string {
	t.Helper()
	if addr := os.Getenv("REDIS_ADDR"); addr != "" {
		return addr
	}
	const how = "run `bash .ci/run` from the repository root (it installs and starts redis-server), " +
		"or start one: `redis-server --port 6390 --save '' --appendonly no` and set REDIS_ADDR=127.0.0.1:6390"
	if os.Getenv("CI") != "" {
		t.Fatal("REDIS_ADDR not set: " + how)
	}
	t.Skip("REDIS_ADDR not set; this example needs a real redis-server: " + how)
	return ""
}

func TestRun_TwoInstancesShareOneUser(t *testing.T) {
	addr := redisAddr(t)
	var b [6]byte
	_, _ = rand.Read(b[:])
	prefix := "cometchatcalls-test:example:" + hex.EncodeToString(b[:]) + ":"
	t.Cleanup(func() { cleanUp(t, addr, prefix) })

	var out, errOut bytes.Buffer
	code := run(context.Background(), []string{"-prefix", prefix}, &out, &errOut,
		func(name string) string {
			if name == "REDIS_ADDR" {
				return addr
			}
			return ""
		})
	require.Equal(t, 0, code, errOut.String())
	assert.Contains(t, out.String(), "Instance A logged in as Andrew Joseph (cometchat-uid-1); the session is in Redis under \""+prefix)
	assert.Contains(t, out.String(), "Instance B found Andrew Joseph (cometchat-uid-1) in Redis with 0 requests to CometChat\n"+
		"Instance B: the server accepts the shared session\n"+
		"Instance A logged out: the session is gone from Redis\n"+
		"A new instance C finds nobody logged in\n")
}

func TestRun_NeedsAnAddress(t *testing.T) {
	var out, errOut bytes.Buffer
	code := run(context.Background(), nil, &out, &errOut, func(string) string { return "" })
	assert.Equal(t, 2, code)
	assert.Contains(t, errOut.String(), "pass -redis host:port or set REDIS_ADDR")
}

func TestRun_RedisDown(t *testing.T) {
	var out, errOut bytes.Buffer
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	code := run(ctx, []string{"-redis", "127.0.0.1:1"}, &out, &errOut, func(string) string { return "" })
	assert.Equal(t, 1, code)
	assert.Contains(t, errOut.String(), "redis at 127.0.0.1:1 does not answer")
}

// cleanUp deletes what the example may have left under prefix.
func cleanUp(t *testing.T, addr, prefix string) {
	rdb := redis.NewClient(&redis.Options{Addr: addr})
	defer rdb.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	keys, err := rdb.Keys(ctx, prefix+"*").Result()
	if err != nil {
		t.Errorf("cleaning up %q: %v", prefix, err)
		return
	}
	if len(keys) > 0 {
		rdb.Del(ctx, keys...)
	}
}
