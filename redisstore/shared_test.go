package redisstore_test

import (
	"context"
	"errors"
	"net"
	"net/http"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cometchat-go/cometchatcalls"
	"github.com/cometchat-go/cometchatcalls/cometchatcallstest"
	"github.com/cometchat-go/cometchatcalls/redisstore"
)

// instance is one backend instance: a Client with its own connection to
// Redis, as a separate process would have, on the shared prefix.
func instance(t *testing.T, srv *cometchatcallstest.Server, prefix string) *cometchatcalls.Client {
	t.Helper()
	store := redisstore.New(newRedis(t), redisstore.WithKeyPrefix(prefix))
	c, err := cometchatcalls.New(srv.AppID(), srv.Region(), append(srv.ClientOptions(), cometchatcalls.WithSessionStore(store))...)
	require.NoError(t, err)
	t.Cleanup(func() { _ = c.Close() })
	return c
}

func sharedSetup(t *testing.T) (*cometchatcallstest.Server, string, *redis.Client) {
	t.Helper()
	srv := cometchatcallstest.NewServer()
	t.Cleanup(srv.Close)
	rdb := newRedis(t)
	return srv, testPrefix(t, rdb), rdb
}

// staleSetup starts two instances sharing one store: a logs in as
// cometchat-uid-1 and stale restores that session from Redis.
func staleSetup(t *testing.T) (srv *cometchatcallstest.Server, prefix string, a, stale *cometchatcalls.Client) {
	srv, prefix, _ = sharedSetup(t)
	ctx := context.Background()
	a, stale = instance(t, srv, prefix), instance(t, srv, prefix)
	_, err := a.Login(ctx, "cometchat-uid-1", srv.AuthKey())
	require.NoError(t, err)
	user, err := stale.GetLoggedInUser(ctx)
	require.NoError(t, err)
	require.NotNil(t, user, "the second instance restores the session")
	return srv, prefix, a, stale
}

func sameToken(t *testing.T, a, b *cometchatcalls.Client) bool {
	t.Helper()
	ctx := context.Background()
	ta, errA := a.GetUserAuthToken(ctx)
	tb, errB := b.GetUserAuthToken(ctx)
	require.NoError(t, errA)
	require.NoError(t, errB)
	return ta == tb
}

func TestShared_SecondInstanceRestoresWithoutRequests(t *testing.T) {
	srv, prefix, _ := sharedSetup(t)
	ctx := context.Background()
	a, b := instance(t, srv, prefix), instance(t, srv, prefix)

	_, err := a.Login(ctx, "cometchat-uid-1", srv.AuthKey())
	require.NoError(t, err)

	srv.ResetRequests()
	user, err := b.GetLoggedInUser(ctx)
	require.NoError(t, err)
	require.NotNil(t, user, "the second instance must find the session the first saved")
	assert.Equal(t, "cometchat-uid-1", user.UID)
	assert.True(t, b.IsUserLoggedIn(ctx))
	assert.True(t, sameToken(t, a, b), "both instances must hold the same token")
	assert.Empty(t, srv.Requests(), "restoring from Redis sends no request")

	// The restored token is one the server accepts.
	_, err = b.ValidateSession(ctx)
	require.NoError(t, err)
}

func TestShared_StaleLogoutKeepsTheNewerSession(t *testing.T) {
	srv, prefix, a, stale := staleSetup(t)
	ctx := context.Background()

	// a moves on: it logs out and logs in again, saving a newer session.
	// stale still holds the first token.
	require.NoError(t, a.Logout(ctx))
	_, err := a.Login(ctx, "cometchat-uid-2", srv.AuthKey())
	require.NoError(t, err)

	// The stale instance's logout must end only its own session.
	require.NoError(t, stale.Logout(ctx))

	fresh := instance(t, srv, prefix)
	user, err := fresh.GetLoggedInUser(ctx)
	require.NoError(t, err)
	require.NotNil(t, user, "a stale instance's Logout deleted the newer session (the Client must use DeleteIfToken)")
	assert.Equal(t, "cometchat-uid-2", user.UID)
	assert.True(t, sameToken(t, a, fresh), "the newer session must be kept whole")
}

func TestShared_StaleValidateKeepsTheNewerSession(t *testing.T) {
	srv, prefix, a, stale := staleSetup(t)
	ctx := context.Background()

	// a logs in as another user, saving a newer session. Its logout of
	// uid-1 fails on the server, so the token stale holds is still valid
	// there: stale's ValidateSession succeeds and saves the user it got.
	srv.FailNextOn(http.MethodDelete, "/me", 1, cometchatcallstest.FaultError(http.StatusForbidden, "ERR_TEST", "logout refused"))
	_, err := a.Login(ctx, "cometchat-uid-2", srv.AuthKey())
	require.NoError(t, err)
	srv.ClearFaults()

	user, err := stale.ValidateSession(ctx)
	require.NoError(t, err, "the stale instance's token is still valid on the server")
	assert.Equal(t, "cometchat-uid-1", user.UID)

	fresh := instance(t, srv, prefix)
	user, err = fresh.GetLoggedInUser(ctx)
	require.NoError(t, err)
	require.NotNil(t, user)
	assert.Equal(t, "cometchat-uid-2", user.UID,
		"a stale instance's ValidateSession saved its session over the newer one (the Client must use SaveIfToken)")
	assert.True(t, sameToken(t, a, fresh), "the newer session must be kept whole")
}

func TestShared_LogoutEndsTheSharedSession(t *testing.T) {
	srv, prefix, _ := sharedSetup(t)
	ctx := context.Background()
	a, b := instance(t, srv, prefix), instance(t, srv, prefix)

	_, err := a.Login(ctx, "cometchat-uid-1", srv.AuthKey())
	require.NoError(t, err)
	require.NoError(t, a.Logout(ctx))

	user, err := b.GetLoggedInUser(ctx)
	require.NoError(t, err)
	assert.Nil(t, user, "after a logout no instance restores the session")
}

func TestShared_LoginOverACorruptValue(t *testing.T) {
	srv, prefix, rdb := sharedSetup(t)
	ctx := context.Background()
	require.NoError(t, rdb.Set(ctx, prefix+srv.AppID(), "{corrupt", 0).Err())
	a := instance(t, srv, prefix)

	_, err := a.GetLoggedInUser(ctx)
	requireErrorCode(t, err, cometchatcalls.CodeSessionStore)

	b := instance(t, srv, prefix)
	_, err = b.Login(ctx, "cometchat-uid-1", srv.AuthKey())
	require.NoError(t, err, "a login over a corrupt value replaces it")
	user, err := instance(t, srv, prefix).GetLoggedInUser(ctx)
	require.NoError(t, err)
	require.NotNil(t, user)
	assert.Equal(t, "cometchat-uid-1", user.UID)
}

func TestShared_RedisDownFailsLogin(t *testing.T) {
	srv := cometchatcallstest.NewServer()
	t.Cleanup(srv.Close)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	addr := ln.Addr().String()
	require.NoError(t, ln.Close()) // nobody listens there any more
	rdb := redis.NewClient(&redis.Options{Addr: addr, ContextTimeoutEnabled: true})
	t.Cleanup(func() { _ = rdb.Close() })
	c, err := cometchatcalls.New(srv.AppID(), srv.Region(),
		append(srv.ClientOptions(), cometchatcalls.WithSessionStore(redisstore.New(rdb)))...)
	require.NoError(t, err)
	t.Cleanup(func() { _ = c.Close() })

	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	_, err = c.Login(ctx, "cometchat-uid-1", srv.AuthKey())
	requireErrorCode(t, err, cometchatcalls.CodeSessionStore)
	var opErr *net.OpError
	assert.True(t, errors.As(err, &opErr), "the network error is reachable: %v", err)
	assert.False(t, c.IsUserLoggedIn(ctx), "a session that could not be stored is not kept")
}

func requireErrorCode(t *testing.T, err error, code string) {
	t.Helper()
	var e *cometchatcalls.Error
	require.True(t, errors.As(err, &e), "want an *cometchatcalls.Error, got %T: %v", err, err)
	require.Equal(t, code, e.Code, "error: %v", err)
}
