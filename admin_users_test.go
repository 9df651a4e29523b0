package cometchatcalls_test

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"testing"

	"github.com/jarcoal/httpmock"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cometchat-go/cometchatcalls"
)

// listUsersKey is the REST API key of these tests: distinctive, so that a
// leak is easy to search for.
const listUsersKey = "restkey-l1stusers-0123456789abcdef"

const listUsersBase = "https://admin.test/admin/v3.0"

// listUsersSetup returns an AdminClient on its own mock transport and the
// requests it sent.
func listUsersSetup(t *testing.T, opts ...cometchatcalls.Option) (*cometchatcalls.AdminClient, *httpmock.MockTransport, func() []*http.Request) {
	t.Helper()
	mt := httpmock.NewMockTransport()
	var mu sync.Mutex
	var sent []*http.Request
	rt := roundTripFunc(func(r *http.Request) (*http.Response, error) {
		mu.Lock()
		sent = append(sent, r)
		mu.Unlock()
		return mt.RoundTrip(r)
	})
	base := []cometchatcalls.Option{
		cometchatcalls.WithHTTPClient(&http.Client{Transport: rt}),
		cometchatcalls.WithAdminHost(listUsersBase),
		cometchatcalls.WithRetries(0),
	}
	a, err := cometchatcalls.NewAdminClient("testapp123", "us", listUsersKey, append(base, opts...)...)
	require.NoError(t, err)
	t.Cleanup(func() { _ = a.Close() })
	return a, mt, func() []*http.Request {
		mu.Lock()
		defer mu.Unlock()
		return append([]*http.Request(nil), sent...)
	}
}

type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

// userList is a GET /users answer.
func userList(page, perPage, total, totalPages int, uids ...string) httpmock.Responder {
	data := []map[string]any{}
	for _, uid := range uids {
		data = append(data, map[string]any{"uid": uid, "name": "Name of " + uid, "status": "offline", "createdAt": 1609459200, "unknown": true})
	}
	return httpmock.NewJsonResponderOrPanic(200, map[string]any{
		"data": data,
		"meta": map[string]any{"pagination": map[string]any{
			"total": total, "count": len(uids), "per_page": perPage, "current_page": page, "total_pages": totalPages,
		}},
	})
}

func TestListUsers_SendsThePageAndReturnsIt(t *testing.T) {
	t.Parallel()
	a, mt, sent := listUsersSetup(t)
	mt.RegisterResponderWithQuery(http.MethodGet, listUsersBase+"/users", "perPage=2&page=3",
		userList(3, 2, 5, 3, "cometchat-uid-5"))

	page, err := a.ListUsers(context.Background(), &cometchatcalls.ListUsersOptions{Page: 3, PerPage: 2})
	require.NoError(t, err)
	assert.Equal(t, &cometchatcalls.UserPage{
		Users:   []cometchatcalls.User{{UID: "cometchat-uid-5", Name: "Name of cometchat-uid-5", Status: cometchatcalls.StatusOffline, CreatedAt: 1609459200}},
		Page:    3,
		PerPage: 2, Total: 5, TotalPages: 3,
	}, page)
	reqs := sent()
	require.Len(t, reqs, 1)
	assert.Equal(t, listUsersKey, reqs[0].Header.Get("apiKey"))
	assert.Equal(t, "testapp123", reqs[0].Header.Get("appId"))
}

func TestListUsers_NilAndZeroOptionsMeanTheDefaults(t *testing.T) {
	t.Parallel()
	for _, opts := range []*cometchatcalls.ListUsersOptions{nil, {}} {
		a, mt, _ := listUsersSetup(t)
		mt.RegisterResponderWithQuery(http.MethodGet, listUsersBase+"/users", "perPage=100&page=1", userList(1, 100, 0, 0))
		page, err := a.ListUsers(context.Background(), opts)
		require.NoError(t, err)
		assert.NotNil(t, page.Users, "an empty page has an empty, not nil, list")
		assert.Empty(t, page.Users)
		assert.Equal(t, 1, page.Page)
	}
}

func TestListUsers_InvalidOptionsSendNothing(t *testing.T) {
	t.Parallel()
	for _, opts := range []cometchatcalls.ListUsersOptions{{Page: -1}, {PerPage: -1}, {PerPage: 1001}} {
		a, _, sent := listUsersSetup(t)
		_, err := a.ListUsers(context.Background(), &opts)
		assert.ErrorIs(t, err, cometchatcalls.ErrInvalidArgument, "%+v", opts)
		assert.Empty(t, sent(), "%+v sent a request", opts)
	}
}

func TestListUsers_InvalidAnswers(t *testing.T) {
	t.Parallel()
	cases := map[string]httpmock.Responder{
		"no pagination": httpmock.NewJsonResponderOrPanic(200, map[string]any{"data": []any{}}),
		"another page":  userList(2, 100, 1, 1),
		"negative size": userList(1, 100, -1, 1),
		"user without uid": httpmock.NewJsonResponderOrPanic(200, map[string]any{
			"data": []any{map[string]any{"name": "x"}},
			"meta": map[string]any{"pagination": map[string]any{"current_page": 1, "total_pages": 1, "total": 1}},
		}),
		"no data": httpmock.NewJsonResponderOrPanic(200, map[string]any{"meta": map[string]any{}}),
	}
	for name, answer := range cases {
		a, mt, _ := listUsersSetup(t)
		mt.RegisterResponder(http.MethodGet, listUsersBase+"/users", answer)
		page, err := a.ListUsers(context.Background(), nil)
		assert.Nil(t, page, name)
		assert.ErrorIs(t, err, cometchatcalls.ErrInvalidResponse, name)
	}
}

func TestListUsers_ErrorsAndLogsNeverShowTheKey(t *testing.T) {
	t.Parallel()
	var logs bytes.Buffer
	logger := slog.New(slog.NewJSONHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	a, mt, _ := listUsersSetup(t, cometchatcalls.WithLogger(logger))
	mt.RegisterResponder(http.MethodGet, listUsersBase+"/users", httpmock.NewJsonResponderOrPanic(404, map[string]any{
		"error": map[string]any{
			"code":    "AUTH_ERR_APIKEY_NOT_FOUND",
			"message": "The apiKey " + listUsersKey + " does not exist for the app testapp123.",
			"details": map[string]any{"apiKey": listUsersKey},
		},
	}))
	_, err := a.ListUsers(context.Background(), nil)
	require.ErrorIs(t, err, cometchatcalls.ErrAPIKeyInvalid)
	var e *cometchatcalls.Error
	require.ErrorAs(t, err, &e)
	for _, text := range []string{err.Error(), fmt.Sprintf("%+v", e), fmt.Sprintf("%#v", e.Details), logs.String()} {
		assert.NotContains(t, text, listUsersKey)
	}
	assert.Contains(t, logs.String(), `"path":"/users"`, "the request was logged")
}

func TestListUsers_ClosedAndDoneContextSendNothing(t *testing.T) {
	t.Parallel()
	a, _, sent := listUsersSetup(t)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := a.ListUsers(ctx, nil)
	assert.ErrorIs(t, err, cometchatcalls.ErrNetwork)
	require.NoError(t, a.Close())
	_, err = a.ListUsers(context.Background(), nil)
	assert.ErrorIs(t, err, cometchatcalls.ErrClientClosed)
	var zero cometchatcalls.AdminClient
	_, err = zero.ListUsers(context.Background(), nil)
	assert.ErrorIs(t, err, cometchatcalls.ErrClientClosed)
	assert.Empty(t, sent())
}

func TestListUsers_AgainstTheEmulator(t *testing.T) {
	t.Parallel()
	srv := emulator(t)
	admin, err := cometchatcalls.NewAdminClient(srv.AppID(), srv.Region(), srv.APIKey(), srv.ClientOptions()...)
	require.NoError(t, err)
	defer admin.Close()

	var uids []string
	for p := 1; ; p++ {
		page, err := admin.ListUsers(context.Background(), &cometchatcalls.ListUsersOptions{Page: p, PerPage: 2})
		require.NoError(t, err)
		assert.Equal(t, 5, page.Total)
		assert.Equal(t, 3, page.TotalPages)
		for _, u := range page.Users {
			uids = append(uids, u.UID)
		}
		if p >= page.TotalPages {
			break
		}
	}
	assert.Equal(t, []string{"cometchat-uid-1", "cometchat-uid-2", "cometchat-uid-3", "cometchat-uid-4", "cometchat-uid-5"}, uids)

	withAuthKey, err := cometchatcalls.NewAdminClient(srv.AppID(), srv.Region(), srv.AuthKey(), srv.ClientOptions()...)
	require.NoError(t, err)
	defer withAuthKey.Close()
	_, err = withAuthKey.ListUsers(context.Background(), nil)
	assert.ErrorIs(t, err, cometchatcalls.ErrNoAccess)
	assert.NotContains(t, err.Error(), srv.AuthKey())
	assert.True(t, strings.HasPrefix(err.Error(), "cometchatcalls: AUTH_ERR_NO_ACCESS"), err.Error())
}
