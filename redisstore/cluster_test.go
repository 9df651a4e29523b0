package redisstore_test

import (
	"context"
	"fmt"
	"os"
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

// newCluster returns a client of the Redis Cluster whose nodes are listed,
// comma-separated, in REDIS_CLUSTER_ADDRS (.ci/run starts a three-node
// cluster), with the same skip-or-fail rule as REDIS_ADDR.
func newCluster(t *testing.T) *redis.ClusterClient {
	t.Helper()
	addrs := os.Getenv("REDIS_CLUSTER_ADDRS")
	if addrs == "" {
		const how = "run `bash .ci/run` (it starts a three-node cluster), or `bash .ci/redis.sh` from the repository root"
		if os.Getenv("CI") != "" {
			t.Fatal("REDIS_CLUSTER_ADDRS not set: " + how)
		}
		t.Skip("REDIS_CLUSTER_ADDRS not set; the Cluster tests need a real Redis Cluster: " + how)
	}
	rdb := redis.NewClusterClient(&redis.ClusterOptions{Addrs: strings.Split(addrs, ","), ContextTimeoutEnabled: true})
	t.Cleanup(func() { _ = rdb.Close() })
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	require.NoError(t, rdb.ForEachShard(ctx, func(ctx context.Context, shard *redis.Client) error {
		return shard.Ping(ctx).Err()
	}), "a Redis Cluster node at REDIS_CLUSTER_ADDRS does not answer PING")
	return rdb
}

// clusterPrefix is a key prefix of the test's own; its keys are deleted on
// every node when the test ends.
func clusterPrefix(t *testing.T, rdb *redis.ClusterClient) string {
	t.Helper()
	prefix := "cometchatcalls-test:" + keySafe(t.Name()) + ":" + unique() + ":"
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = rdb.ForEachMaster(ctx, func(ctx context.Context, node *redis.Client) error {
			iter := node.Scan(ctx, 0, prefix+"*", 100).Iterator()
			for iter.Next(ctx) {
				node.Del(ctx, iter.Val())
			}
			return iter.Err()
		})
	})
	return prefix
}

func TestCluster_SessionStoreContract(t *testing.T) {
	rdb := newCluster(t)
	cometchatcallstest.TestSessionStore(t, func(t *testing.T) cometchatcalls.SessionStore {
		return redisstore.New(rdb, redisstore.WithKeyPrefix(clusterPrefix(t, rdb)))
	})
}

func TestCluster_EveryNodeServesSessions(t *testing.T) {
	rdb := newCluster(t)
	prefix := clusterPrefix(t, rdb)
	store := redisstore.New(rdb, redisstore.WithKeyPrefix(prefix), redisstore.WithTTL(time.Hour))
	ctx := context.Background()

	// Enough app IDs that their keys land on every master; each node's
	// script cache starts empty, so EVALSHA falls back to EVAL on each, for
	// both scripts.
	require.NoError(t, rdb.ForEachMaster(ctx, func(ctx context.Context, node *redis.Client) error {
		return node.ScriptFlush(ctx).Err()
	}))
	masters := map[string]bool{}
	for i := range 32 {
		app := fmt.Sprintf("cluster-app-%d", i)
		older, newer := session(app, "uid-1", "older"), session(app, "uid-1", "newer")
		require.NoError(t, store.Save(ctx, newer))
		require.NoError(t, store.SaveIfToken(ctx, renamed(older, "Stale"), older.AuthToken))
		require.NoError(t, store.SaveIfToken(ctx, renamed(newer, "Refreshed"), newer.AuthToken))
		got, err := store.Load(ctx, app)
		require.NoError(t, err)
		require.NotNil(t, got)
		require.True(t, got.AuthToken == newer.AuthToken, "a stale token must not save over the newer session")
		require.Equal(t, "Refreshed", got.User.Name, "the matching token saves")
		require.NoError(t, store.DeleteIfToken(ctx, app, older.AuthToken))
		got, err = store.Load(ctx, app)
		require.NoError(t, err)
		require.NotNil(t, got, "a stale token must not delete the newer session")
		require.True(t, got.AuthToken == newer.AuthToken)
		require.NoError(t, store.DeleteIfToken(ctx, app, newer.AuthToken))
		got, err = store.Load(ctx, app)
		require.NoError(t, err)
		assert.Nil(t, got)

		node, err := rdb.MasterForKey(ctx, prefix+app)
		require.NoError(t, err)
		masters[node.Options().Addr] = true
	}
	n, err := rdb.ClusterShards(ctx).Result()
	require.NoError(t, err)
	assert.Len(t, masters, len(n), "the test's keys should reach every master")
}

func TestCluster_InstancesShareSessions(t *testing.T) {
	rdb := newCluster(t)
	prefix := clusterPrefix(t, rdb)
	srv := cometchatcallstest.NewServer()
	t.Cleanup(srv.Close)
	ctx := context.Background()
	instance := func() *cometchatcalls.Client {
		// A cluster client of its own per instance.
		own := redis.NewClusterClient(&redis.ClusterOptions{Addrs: strings.Split(os.Getenv("REDIS_CLUSTER_ADDRS"), ","), ContextTimeoutEnabled: true})
		t.Cleanup(func() { _ = own.Close() })
		c, err := cometchatcalls.New(srv.AppID(), srv.Region(),
			append(srv.ClientOptions(), cometchatcalls.WithSessionStore(redisstore.New(own, redisstore.WithKeyPrefix(prefix))))...)
		require.NoError(t, err)
		t.Cleanup(func() { _ = c.Close() })
		return c
	}
	a, b := instance(), instance()
	_, err := a.Login(ctx, "cometchat-uid-1", srv.AuthKey())
	require.NoError(t, err)
	srv.ResetRequests()
	user, err := b.GetLoggedInUser(ctx)
	require.NoError(t, err)
	require.NotNil(t, user)
	assert.Equal(t, "cometchat-uid-1", user.UID)
	assert.Empty(t, srv.Requests(), "restoring from the cluster sends no request")
}
