package cometchatcalls_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"

	"github.com/cometchat-go/cometchatcalls"
	"github.com/cometchat-go/cometchatcalls/cometchatcallstest"
)

// These tests run the production flow against the emulator: a backend's
// AdminClient creates users and auth tokens, a Client logs in with them.

// emulator starts a server that the test closes.
func emulator(t *testing.T, opts ...cometchatcallstest.ServerOption) *cometchatcallstest.Server {
	t.Helper()
	srv := cometchatcallstest.NewServer(opts...)
	t.Cleanup(srv.Close)
	return srv
}

// clientFor returns a Client pointed at srv that the test closes.
func clientFor(t *testing.T, srv *cometchatcallstest.Server, opts ...cometchatcalls.Option) *cometchatcalls.Client {
	t.Helper()
	c, err := cometchatcalls.New(srv.AppID(), srv.Region(), append(srv.ClientOptions(), opts...)...)
	require.NoError(t, err)
	t.Cleanup(func() { _ = c.Close() })
	return c
}

// newAdmin returns an AdminClient for srv with key.
func newAdmin(t *testing.T, srv *cometchatcallstest.Server, key string) *cometchatcalls.AdminClient {
	t.Helper()
	a, err := cometchatcalls.NewAdminClient(srv.AppID(), srv.Region(), key, srv.ClientOptions()...)
	require.NoError(t, err)
	t.Cleanup(func() { _ = a.Close() })
	return a
}

// newClient returns a Client for srv whose forced logouts are counted.
func newClient(t *testing.T, srv *cometchatcallstest.Server) (*cometchatcalls.Client, *atomic.Int32) {
	t.Helper()
	c := clientFor(t, srv)
	var logouts atomic.Int32
	c.AddLoginListener("count", cometchatcalls.LoginListener{OnLogoutSuccess: func() { logouts.Add(1) }})
	return c, &logouts
}

func requireCodeOf(t *testing.T, err error, code string) *cometchatcalls.Error {
	t.Helper()
	var e *cometchatcalls.Error
	require.ErrorAs(t, err, &e)
	require.Equal(t, code, e.Code, "message: %s", e.Message)
	return e
}

// loginAs has the backend issue a fresh token for uid and a new Client log
// in with it.
func loginAs(t *testing.T, srv *cometchatcallstest.Server, admin *cometchatcalls.AdminClient, uid string) (*cometchatcalls.Client, *atomic.Int32, *cometchatcalls.AuthToken) {
	t.Helper()
	ctx := context.Background()
	tok, err := admin.CreateAuthToken(ctx, uid, &cometchatcalls.CreateAuthTokenOptions{Force: true})
	require.NoError(t, err)
	c, logouts := newClient(t, srv)
	u, err := c.LoginWithAuthToken(ctx, tok.Token)
	require.NoError(t, err)
	require.Equal(t, uid, u.UID)
	return c, logouts, tok
}

func TestAdminIntegration_BackendToClientFlow(t *testing.T) {
	t.Parallel()
	srv := emulator(t)
	admin := newAdmin(t, srv, srv.APIKey())
	ctx := context.Background()

	created, err := admin.CreateUser(ctx, cometchatcalls.NewUser{
		UID: "backend-user-1", Name: "Backend User", Avatar: "https://example.com/a.png",
		Link: "https://example.com/u/1", Role: "member", StatusMessage: "hello",
		Metadata: map[string]any{"plan": "pro"}, Tags: []string{"beta"},
	})
	require.NoError(t, err)
	assert.Equal(t, "backend-user-1", created.UID)
	assert.Equal(t, "Backend User", created.Name)
	assert.Equal(t, "member", created.Role)
	assert.Equal(t, map[string]any{"plan": "pro"}, created.Metadata)
	assert.Equal(t, []string{"beta"}, created.Tags)
	assert.NotZero(t, created.CreatedAt)

	got, err := admin.GetUser(ctx, "backend-user-1")
	require.NoError(t, err)
	assert.Equal(t, created, got)

	tok, err := admin.CreateAuthToken(ctx, "backend-user-1", nil)
	require.NoError(t, err)
	assert.Equal(t, "backend-user-1", tok.UID)
	assert.False(t, tok.CreatedAt.IsZero())
	again, err := admin.CreateAuthToken(ctx, "backend-user-1", nil)
	require.NoError(t, err)
	assert.True(t, again.Token == tok.Token, "without Force the emulator returns the newest token")
	fresh, err := admin.CreateAuthToken(ctx, "backend-user-1", &cometchatcalls.CreateAuthTokenOptions{Force: true})
	require.NoError(t, err)
	assert.True(t, fresh.Token != tok.Token, "Force creates a new token")

	tokens, err := admin.ListAuthTokens(ctx, "backend-user-1")
	require.NoError(t, err)
	require.Len(t, tokens, 2)
	assert.True(t, tokens[0].Token == fresh.Token && tokens[1].Token == tok.Token, "newest first")

	client, _ := newClient(t, srv)
	u, err := client.LoginWithAuthToken(ctx, fresh.Token)
	require.NoError(t, err)
	assert.Equal(t, "Backend User", u.Name)
	assert.Equal(t, cometchatcalls.StatusOnline, u.Status)
	require.NoError(t, client.Logout(ctx))

	tokens, err = admin.ListAuthTokens(ctx, "backend-user-1")
	require.NoError(t, err)
	assert.Len(t, tokens, 1, "logout revoked the token it used")

	// The API key never travelled anywhere but the apiKey header.
	for _, r := range srv.Requests() {
		assert.False(t, strings.Contains(r.Path+r.RawQuery+string(r.Body), srv.APIKey()), "API key in %s %s", r.Method, r.Path)
	}
}

func TestAdminIntegration_RevokeEndsTheClientsSession(t *testing.T) {
	t.Parallel()
	srv := emulator(t)
	admin := newAdmin(t, srv, srv.APIKey())
	ctx := context.Background()
	client, logouts, tok := loginAs(t, srv, admin, "cometchat-uid-2")
	other, otherLogouts, _ := loginAs(t, srv, admin, "cometchat-uid-2")

	_, err := client.ValidateSession(ctx)
	require.NoError(t, err, "the session is valid before the revocation")

	require.NoError(t, admin.RevokeAuthToken(ctx, "cometchat-uid-2", tok.Token))

	_, err = client.ValidateSession(ctx)
	requireCodeOf(t, err, cometchatcalls.CodeAuthTokenNotFound)
	assert.ErrorIs(t, err, cometchatcalls.ErrAuthTokenNotFound)
	assert.False(t, client.IsUserLoggedIn(ctx))
	u, err := client.GetLoggedInUser(ctx)
	require.NoError(t, err)
	assert.Nil(t, u)
	assert.Equal(t, int32(1), logouts.Load(), "listeners hear the forced logout")

	_, err = other.ValidateSession(ctx)
	require.NoError(t, err, "another token of the same user stays valid")
	assert.Zero(t, otherLogouts.Load())

	err = admin.RevokeAuthToken(ctx, "cometchat-uid-2", tok.Token)
	e := requireCodeOf(t, err, cometchatcalls.CodeRESTTokenNotFound)
	assert.Equal(t, 404, e.HTTPStatus)
	assert.False(t, strings.Contains(err.Error(), tok.Token), "the quoted token is redacted")
}

func TestAdminIntegration_FlushEndsEverySession(t *testing.T) {
	t.Parallel()
	srv := emulator(t)
	admin := newAdmin(t, srv, srv.APIKey())
	ctx := context.Background()
	first, firstLogouts, _ := loginAs(t, srv, admin, "cometchat-uid-3")
	second, secondLogouts, _ := loginAs(t, srv, admin, "cometchat-uid-3")
	bystander, _, _ := loginAs(t, srv, admin, "cometchat-uid-4")

	require.NoError(t, admin.FlushAuthTokens(ctx, "cometchat-uid-3"))

	for i, c := range []*cometchatcalls.Client{first, second} {
		_, err := c.ValidateSession(ctx)
		requireCodeOf(t, err, cometchatcalls.CodeAuthTokenNotFound)
		assert.False(t, c.IsUserLoggedIn(ctx), "client %d", i)
	}
	assert.Equal(t, int32(1), firstLogouts.Load())
	assert.Equal(t, int32(1), secondLogouts.Load())
	tokens, err := admin.ListAuthTokens(ctx, "cometchat-uid-3")
	require.NoError(t, err)
	assert.Empty(t, tokens)

	_, err = bystander.ValidateSession(ctx)
	require.NoError(t, err, "other users keep their sessions")
}

func TestAdminIntegration_DeleteUserEndsTheSession(t *testing.T) {
	t.Parallel()
	srv := emulator(t)
	admin := newAdmin(t, srv, srv.APIKey())
	ctx := context.Background()
	_, err := admin.CreateUser(ctx, cometchatcalls.NewUser{UID: "short-lived", Name: "Short Lived"})
	require.NoError(t, err)
	client, _, _ := loginAs(t, srv, admin, "short-lived")

	require.NoError(t, admin.DeleteUser(ctx, "short-lived", nil))
	_, err = client.ValidateSession(ctx)
	requireCodeOf(t, err, cometchatcalls.CodeAuthTokenNotFound)
	_, err = admin.GetUser(ctx, "short-lived")
	assert.ErrorIs(t, err, cometchatcalls.ErrUIDNotFound, "a soft-deleted user is not found")
	_, err = admin.CreateUser(ctx, cometchatcalls.NewUser{UID: "short-lived", Name: "Again"})
	assert.ErrorIs(t, err, cometchatcalls.ErrUIDAlreadyExists, "a soft-deleted user keeps the uid")

	require.NoError(t, admin.DeleteUser(ctx, "short-lived", &cometchatcalls.DeleteUserOptions{Permanent: true}))
	_, err = admin.CreateUser(ctx, cometchatcalls.NewUser{UID: "short-lived", Name: "Again"})
	require.NoError(t, err, "a permanently deleted uid is free again")
}

func TestAdminIntegration_ServerErrors(t *testing.T) {
	t.Parallel()
	srv := emulator(t)
	admin := newAdmin(t, srv, srv.APIKey())
	ctx := context.Background()

	_, err := admin.CreateUser(ctx, cometchatcalls.NewUser{UID: "cometchat-uid-1", Name: "Andrew"})
	e := requireCodeOf(t, err, cometchatcalls.CodeUIDAlreadyExists)
	assert.Equal(t, 409, e.HTTPStatus)
	assert.ErrorIs(t, err, cometchatcalls.ErrUIDAlreadyExists)

	for name, call := range map[string]func() error{
		"GetUser":         func() error { _, err := admin.GetUser(ctx, "nobody"); return err },
		"DeleteUser":      func() error { return admin.DeleteUser(ctx, "nobody", nil) },
		"CreateAuthToken": func() error { _, err := admin.CreateAuthToken(ctx, "nobody", nil); return err },
		"ListAuthTokens":  func() error { _, err := admin.ListAuthTokens(ctx, "nobody"); return err },
		"FlushAuthTokens": func() error { return admin.FlushAuthTokens(ctx, "nobody") },
	} {
		e := requireCodeOf(t, call(), cometchatcalls.CodeUIDNotFound)
		assert.Equal(t, 404, e.HTTPStatus, name)
	}

	wrong := newAdmin(t, srv, "not-the-key-5ecret-123456")
	_, err = wrong.GetUser(ctx, "cometchat-uid-1")
	requireCodeOf(t, err, cometchatcalls.CodeAPIKeyInvalid)
	assert.False(t, strings.Contains(err.Error(), "not-the-key-5ecret-123456"), "the quoted key is redacted")
}

func TestAdminIntegration_AuthKeyHasNoFullAccess(t *testing.T) {
	t.Parallel()
	srv := emulator(t)
	admin := newAdmin(t, srv, srv.AuthKey())
	ctx := context.Background()

	// The auth key may create users and tokens…
	_, err := admin.CreateUser(ctx, cometchatcalls.NewUser{UID: "by-auth-key", Name: "By Auth Key"})
	require.NoError(t, err)
	_, err = admin.CreateAuthToken(ctx, "by-auth-key", nil)
	require.NoError(t, err)

	// …and nothing else.
	for name, call := range map[string]func() error{
		"GetUser":         func() error { _, err := admin.GetUser(ctx, "cometchat-uid-1"); return err },
		"DeleteUser":      func() error { return admin.DeleteUser(ctx, "cometchat-uid-1", nil) },
		"ListAuthTokens":  func() error { _, err := admin.ListAuthTokens(ctx, "cometchat-uid-1"); return err },
		"RevokeAuthToken": func() error { return admin.RevokeAuthToken(ctx, "cometchat-uid-1", "some-token") },
		"FlushAuthTokens": func() error { return admin.FlushAuthTokens(ctx, "cometchat-uid-1") },
	} {
		err := call()
		e := requireCodeOf(t, err, cometchatcalls.CodeNoAccess)
		assert.Equal(t, 403, e.HTTPStatus, name)
		assert.True(t, errors.Is(err, cometchatcalls.ErrNoAccess), name)
		assert.False(t, strings.Contains(err.Error(), srv.AuthKey()), "%s: the quoted key is redacted", name)
	}
}

// ExampleAdminClient is the backend half of the production login flow:
// create the user on first use, then hand the app a fresh auth token for
// Client.LoginWithAuthToken.
// TestAdminIntegration_CloseLeavesNoGoroutine: over real connections,
// Close waits for the request in flight and ends every goroutine the
// AdminClient started.
func TestAdminIntegration_CloseLeavesNoGoroutine(t *testing.T) {
	srv := emulator(t)
	before := goleak.IgnoreCurrent()
	a, err := cometchatcalls.NewAdminClient(srv.AppID(), srv.Region(), srv.APIKey(), srv.ClientOptions()...)
	require.NoError(t, err)
	ctx := context.Background()
	_, err = a.GetUser(ctx, "cometchat-uid-1")
	require.NoError(t, err)
	done := make(chan error, 1)
	go func() { _, err := a.ListAuthTokens(ctx, "cometchat-uid-1"); done <- err }()
	require.NoError(t, a.Close())
	if err := <-done; err != nil {
		requireCodeOf(t, err, cometchatcalls.CodeClientClosed) // Close came first
	}
	goleak.VerifyNone(t, before)
}

func ExampleAdminClient() {
	srv := cometchatcallstest.NewServer()
	defer srv.Close()
	ctx := context.Background()

	// With real CometChat: NewAdminClient(appID, region, restAPIKey).
	admin, err := cometchatcalls.NewAdminClient(srv.AppID(), srv.Region(), srv.APIKey(), srv.ClientOptions()...)
	if err != nil {
		fmt.Println(err)
		return
	}
	defer admin.Close()

	_, err = admin.CreateUser(ctx, cometchatcalls.NewUser{UID: "alice", Name: "Alice"})
	if err != nil && !errors.Is(err, cometchatcalls.ErrUIDAlreadyExists) {
		fmt.Println(err)
		return
	}
	tok, err := admin.CreateAuthToken(ctx, "alice", &cometchatcalls.CreateAuthTokenOptions{Force: true})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("%v\n", tok.UID)
	fmt.Println(strings.Contains(fmt.Sprint(tok), tok.Token)) // printing an AuthToken hides the token

	// The app (a Client) logs in with tok.Token.
	client, err := cometchatcalls.New(srv.AppID(), srv.Region(), srv.ClientOptions()...)
	if err != nil {
		fmt.Println(err)
		return
	}
	defer client.Close()
	user, err := client.LoginWithAuthToken(ctx, tok.Token)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("logged in as", user.Name)
	// Output:
	// alice
	// false
	// logged in as Alice
}
