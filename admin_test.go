package cometchatcalls

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math"
	"net/http"
	"net/url"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/jarcoal/httpmock"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// testAPIKey is the REST API key of the AdminClient tests: long and
// distinctive like the other test credentials, and never printed.
const testAPIKey = "restkey-5ecret-fedcba9876543210fedcba"

// adminTokensURL is the token collection of testUID on the admin host.
var adminTokensURL = adminBase + "/users/" + testUID + "/auth_tokens"

// adminSetup returns an AdminClient whose HTTP goes to its own mock
// transport, and a recorder of every request it sends. Requests no
// responder matches are recorded too, and fail.
func adminSetup(t *testing.T, opts ...Option) (*AdminClient, *httpmock.MockTransport, *recorder) {
	t.Helper()
	mt := httpmock.NewMockTransport()
	rec := &recorder{}
	base := []Option{WithHTTPClient(&http.Client{Transport: rec.roundTripper(mt)}), WithAdminHost(adminBase)}
	a, err := NewAdminClient(testAppID, "us", testAPIKey, append(base, opts...)...)
	require.NoError(t, err)
	t.Cleanup(func() { _ = a.Close() })
	return a, mt, rec
}

// roundTripper records each request (body included) before mt answers it.
func (r *recorder) roundTripper(mt *httpmock.MockTransport) http.RoundTripper {
	return adminRoundTrip(func(req *http.Request) (*http.Response, error) {
		var body []byte
		if req.Body != nil {
			body, _ = io.ReadAll(req.Body)
			_ = req.Body.Close()
			req.Body = io.NopCloser(bytes.NewReader(body))
		}
		r.mu.Lock()
		r.reqs = append(r.reqs, recorded{req.Method, req.URL.String(), req.Header.Clone(), body})
		r.mu.Unlock()
		return mt.RoundTrip(req)
	})
}

type adminRoundTrip func(*http.Request) (*http.Response, error)

func (f adminRoundTrip) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

func tokenJSON(uid, token string, createdAt int64) map[string]any {
	return map[string]any{"uid": uid, "authToken": token, "createdAt": createdAt}
}

func deletedResponder(msg string) httpmock.Responder {
	return dataResponder(200, map[string]any{"success": true, "message": msg})
}

// listResponder answers {"data": items, "meta": {"pagination": …}}.
func listResponder(items []any, page, totalPages int) httpmock.Responder {
	return httpmock.NewJsonResponderOrPanic(200, map[string]any{
		"data": items,
		"meta": map[string]any{"pagination": map[string]any{
			"total": len(items), "count": len(items), "per_page": 100,
			"current_page": page, "total_pages": totalPages,
		}},
	})
}

// assertAdminRequest checks what every AdminClient request carries.
func assertAdminRequest(t *testing.T, r recorded, method, url string) {
	t.Helper()
	assert.Equal(t, method, r.Method)
	assert.True(t, r.URL == url, "URL: want %s", url) // may hold a token: not printed
	assert.Equal(t, testAppID, r.Header.Get("appId"))
	assert.True(t, r.Header.Get("apiKey") == testAPIKey, "the apiKey header must be the REST API key")
	assert.Empty(t, r.Header.Get("authToken"), "no authToken header on the admin host")
	assert.Equal(t, "application/json", r.Header.Get("Accept"))
	assert.Contains(t, r.Header.Get("User-Agent"), "cometchatcalls-go/"+Version)
	if len(r.Body) > 0 {
		assert.Equal(t, "application/json", r.Header.Get("Content-Type"))
	}
}

func TestNewAdminClient_Validation(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, appID, region, key string
		opts                     []Option
		code                     string
	}{
		{"empty key", testAppID, "us", "", nil, CodeAPIKeyNotFound},
		{"blank key", testAppID, "us", " \t ", nil, CodeAPIKeyNotFound},
		{"control in key", testAppID, "us", "key\r\nX-Evil: 1", nil, CodeAPIKeyNotFound},
		{"empty app ID", "", "us", testAPIKey, nil, CodeEmptyAppID},
		{"bad region", testAppID, "mars", testAPIKey, nil, CodeInvalidRegion},
		{"bad option", testAppID, "us", testAPIKey, []Option{WithRetries(-1)}, CodeInvalidOption},
		{"bad admin host", testAppID, "us", testAPIKey, []Option{WithAdminHost("http://example.com/v3.0")}, CodeInvalidOption},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			a, err := NewAdminClient(tt.appID, tt.region, tt.key, tt.opts...)
			assert.Nil(t, a)
			e := requireCode(t, err, tt.code)
			assertNoSecret(t, "error", e.Error(), testAPIKey)
		})
	}
}

func TestNewAdminClient_DefaultHostAndRegion(t *testing.T) {
	t.Parallel()
	mt := httpmock.NewMockTransport()
	mt.RegisterResponder(http.MethodGet, "https://"+testAppID+".api-eu.cometchat.io/v3.0/users/"+testUID,
		dataResponder(200, userJSON(testUID, "Andrew")))
	a, err := NewAdminClient(testAppID, "EU", testAPIKey, WithHTTPClient(&http.Client{Transport: mt}))
	require.NoError(t, err)
	defer a.Close()
	assert.Equal(t, testAppID, a.AppID())
	assert.Equal(t, "eu", a.Region())
	u, err := a.GetUser(context.Background(), testUID)
	require.NoError(t, err)
	assert.Equal(t, "Andrew", u.Name)
}

func TestNewAdminClient_IgnoresClientHostAndSessionStore(t *testing.T) {
	t.Parallel()
	store := NewMemoryStore()
	a, mt, rec := adminSetup(t, WithClientHost(clientBase), WithSessionStore(store))
	mt.RegisterResponder(http.MethodPost, adminTokensURL, dataResponder(200, tokenJSON(testUID, testToken, 1700000000)))
	_, err := a.CreateAuthToken(context.Background(), testUID, nil)
	require.NoError(t, err)
	reqs := rec.all()
	require.Len(t, reqs, 1)
	assert.True(t, strings.HasPrefix(reqs[0].URL, adminBase+"/"), "the admin host")
	s, err := store.Load(context.Background(), testAppID)
	require.NoError(t, err)
	assert.Nil(t, s, "an AdminClient keeps no session")
}

func TestAdminClient_WireShapes(t *testing.T) {
	t.Parallel()
	userURL := adminBase + "/users/" + testUID
	tests := []struct {
		name      string
		call      func(context.Context, *AdminClient) error
		method    string
		url       string
		answer    httpmock.Responder
		body      map[string]any // nil: no body
		withToken bool           // the URL holds a token
	}{
		{
			name: "CreateUser, every field",
			call: func(ctx context.Context, a *AdminClient) error {
				_, err := a.CreateUser(ctx, NewUser{
					UID: testUID, Name: "Andrew Joseph", Avatar: "https://example.com/a.png",
					Link: "https://example.com/u/1", Role: "moderator", StatusMessage: "hi",
					Metadata: map[string]any{"plan": "pro", "seats": 3}, Tags: []string{"a", "b"},
				})
				return err
			},
			method: http.MethodPost, url: adminBase + "/users",
			answer: dataResponder(200, userJSON(testUID, "Andrew Joseph")),
			body: map[string]any{
				"uid": testUID, "name": "Andrew Joseph", "avatar": "https://example.com/a.png",
				"link": "https://example.com/u/1", "role": "moderator", "statusMessage": "hi",
				"metadata": map[string]any{"plan": "pro", "seats": float64(3)}, "tags": []any{"a", "b"},
			},
		},
		{
			name: "CreateUser omits empty fields",
			call: func(ctx context.Context, a *AdminClient) error {
				_, err := a.CreateUser(ctx, NewUser{UID: testUID, Name: "Andrew"})
				return err
			},
			method: http.MethodPost, url: adminBase + "/users",
			answer: dataResponder(200, userJSON(testUID, "Andrew")),
			body:   map[string]any{"uid": testUID, "name": "Andrew"},
		},
		{
			name: "GetUser",
			call: func(ctx context.Context, a *AdminClient) error {
				_, err := a.GetUser(ctx, testUID)
				return err
			},
			method: http.MethodGet, url: userURL,
			answer: dataResponder(200, userJSON(testUID, "Andrew")),
		},
		{
			name:   "DeleteUser, nil options",
			call:   func(ctx context.Context, a *AdminClient) error { return a.DeleteUser(ctx, testUID, nil) },
			method: http.MethodDelete, url: userURL,
			answer: deletedResponder("deleted"),
			body:   map[string]any{"permanent": false},
		},
		{
			name: "DeleteUser, permanent",
			call: func(ctx context.Context, a *AdminClient) error {
				return a.DeleteUser(ctx, testUID, &DeleteUserOptions{Permanent: true})
			},
			method: http.MethodDelete, url: userURL,
			answer: deletedResponder("deleted"),
			body:   map[string]any{"permanent": true},
		},
		{
			name: "CreateAuthToken, nil options",
			call: func(ctx context.Context, a *AdminClient) error {
				_, err := a.CreateAuthToken(ctx, testUID, nil)
				return err
			},
			method: http.MethodPost, url: adminTokensURL,
			answer: dataResponder(200, tokenJSON(testUID, testToken, 1700000000)),
			body:   map[string]any{"force": false},
		},
		{
			name: "CreateAuthToken, force",
			call: func(ctx context.Context, a *AdminClient) error {
				_, err := a.CreateAuthToken(ctx, testUID, &CreateAuthTokenOptions{Force: true})
				return err
			},
			method: http.MethodPost, url: adminTokensURL,
			answer: dataResponder(200, tokenJSON(testUID, testToken, 1700000000)),
			body:   map[string]any{"force": true},
		},
		{
			name: "ListAuthTokens",
			call: func(ctx context.Context, a *AdminClient) error {
				_, err := a.ListAuthTokens(ctx, testUID)
				return err
			},
			method: http.MethodGet, url: adminTokensURL + "?page=1&perPage=100",
			answer: listResponder([]any{tokenJSON(testUID, testToken, 1700000000)}, 1, 1),
		},
		{
			name:   "RevokeAuthToken",
			call:   func(ctx context.Context, a *AdminClient) error { return a.RevokeAuthToken(ctx, testUID, testToken) },
			method: http.MethodDelete, url: adminTokensURL + "/" + testToken,
			answer:    deletedResponder("deleted"),
			withToken: true,
		},
		{
			name: "RevokeAuthToken escapes the token",
			call: func(ctx context.Context, a *AdminClient) error {
				return a.RevokeAuthToken(ctx, testUID, "tok/../en?x=1%2F#frag")
			},
			method: http.MethodDelete, url: adminTokensURL + "/tok%2F..%2Fen%3Fx=1%252F%23frag",
			answer:    deletedResponder("deleted"),
			withToken: true,
		},
		{
			name:   "FlushAuthTokens",
			call:   func(ctx context.Context, a *AdminClient) error { return a.FlushAuthTokens(ctx, testUID) },
			method: http.MethodDelete, url: adminTokensURL,
			answer: deletedResponder("Cleared Auth Tokens successfully for uid " + testUID),
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			a, mt, rec := adminSetup(t)
			mt.RegisterNoResponder(tt.answer)
			require.NoError(t, tt.call(context.Background(), a))
			reqs := rec.all()
			require.Len(t, reqs, 1)
			assertAdminRequest(t, reqs[0], tt.method, tt.url)
			if tt.body == nil {
				assert.Empty(t, reqs[0].Body)
				assert.Empty(t, reqs[0].Header.Get("Content-Type"))
			} else {
				assertJSONBody(t, reqs[0].Body, tt.body)
			}
		})
	}
}

func TestCreateUser_ReturnsTheServersUser(t *testing.T) {
	t.Parallel()
	a, mt, _ := adminSetup(t)
	answer := userJSON(testUID, "Andrew Joseph")
	answer["metadata"] = map[string]any{"plan": "pro"}
	answer["tags"] = []string{"x"}
	mt.RegisterResponder(http.MethodPost, adminBase+"/users", dataResponder(200, answer))
	u, err := a.CreateUser(context.Background(), NewUser{UID: testUID, Name: "Andrew Joseph"})
	require.NoError(t, err)
	assert.Equal(t, &User{
		UID: testUID, Name: "Andrew Joseph", Status: StatusOnline, Role: "default",
		Metadata: map[string]any{"plan": "pro"}, Tags: []string{"x"},
		CreatedAt: 1630306819, LastActiveAt: 1700000000,
	}, u)
}

func TestCreateAuthToken_Result(t *testing.T) {
	t.Parallel()
	a, mt, _ := adminSetup(t)
	mt.RegisterResponder(http.MethodPost, adminTokensURL, dataResponder(200, tokenJSON(testUID, testToken, 1700000000)))
	tok, err := a.CreateAuthToken(context.Background(), testUID, nil)
	require.NoError(t, err)
	assert.Equal(t, testUID, tok.UID)
	assert.True(t, tok.Token == testToken, "the token is the server's")
	assert.True(t, tok.CreatedAt.Equal(time.Unix(1700000000, 0)), "createdAt is Unix seconds")
}

func TestCreateAuthToken_MissingUIDAndCreatedAt(t *testing.T) {
	t.Parallel()
	a, mt, _ := adminSetup(t)
	mt.RegisterResponder(http.MethodPost, adminTokensURL, dataResponder(200, map[string]any{"authToken": testToken}))
	tok, err := a.CreateAuthToken(context.Background(), testUID, nil)
	require.NoError(t, err)
	assert.Equal(t, testUID, tok.UID, "the uid asked for")
	assert.True(t, tok.CreatedAt.IsZero(), "no createdAt is the zero Time")
}

func TestAdminClient_InvalidAnswers(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		call   func(context.Context, *AdminClient) error
		answer httpmock.Responder
	}{
		{"CreateAuthToken without a token", func(ctx context.Context, a *AdminClient) error {
			_, err := a.CreateAuthToken(ctx, testUID, nil)
			return err
		}, dataResponder(200, map[string]any{"uid": testUID})},
		{"CreateAuthToken with a blank token", func(ctx context.Context, a *AdminClient) error {
			_, err := a.CreateAuthToken(ctx, testUID, nil)
			return err
		}, dataResponder(200, tokenJSON(testUID, "  ", 1))},
		{"GetUser without a uid", func(ctx context.Context, a *AdminClient) error {
			_, err := a.GetUser(ctx, testUID)
			return err
		}, dataResponder(200, map[string]any{"name": "x"})},
		{"CreateUser with an HTML page", func(ctx context.Context, a *AdminClient) error {
			_, err := a.CreateUser(ctx, NewUser{UID: testUID, Name: "A"})
			return err
		}, rawResponder(200, "text/html", "<html></html>")},
		{"DeleteUser with null data", func(ctx context.Context, a *AdminClient) error {
			return a.DeleteUser(ctx, testUID, nil)
		}, rawResponder(200, "application/json", `{"data":null}`)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			a, mt, _ := adminSetup(t)
			mt.RegisterNoResponder(tt.answer)
			e := requireCode(t, tt.call(context.Background(), a), CodeInvalidResponse)
			assert.Equal(t, 200, e.HTTPStatus)
		})
	}
}

// pagedTokens answers the token list in pages of per tokens from all,
// honouring the page query parameter.
func pagedTokens(all []any, per int) httpmock.Responder {
	total := (len(all) + per - 1) / per
	return func(r *http.Request) (*http.Response, error) {
		page, _ := strconv.Atoi(r.URL.Query().Get("page"))
		var items []any
		if start := (page - 1) * per; page >= 1 && start < len(all) {
			items = all[start:min(start+per, len(all))]
		}
		return listResponder(items, page, total)(r)
	}
}

func TestListAuthTokens_FollowsEveryPage(t *testing.T) {
	t.Parallel()
	a, mt, rec := adminSetup(t)
	var all []any
	for i := range 7 {
		all = append(all, tokenJSON(testUID, fmt.Sprintf("%s-%d", testToken, i), int64(1700000000+i)))
	}
	mt.RegisterNoResponder(pagedTokens(all, 3)) // pages of 3, 3 and 1
	tokens, err := a.ListAuthTokens(context.Background(), testUID)
	require.NoError(t, err)
	require.Len(t, tokens, 7)
	for i, tok := range tokens {
		assert.True(t, tok.Token == fmt.Sprintf("%s-%d", testToken, i), "token %d in order", i)
		assert.Equal(t, testUID, tok.UID)
		assert.Equal(t, int64(1700000000+i), tok.CreatedAt.Unix())
	}
	reqs := rec.all()
	require.Len(t, reqs, 3)
	for i, r := range reqs {
		assertAdminRequest(t, r, http.MethodGet, adminTokensURL+"?page="+strconv.Itoa(i+1)+"&perPage=100")
	}
}

// TestListAuthTokens_LaterPageErrorsScrubTheTokensReceived: the tokens of
// page 1 are credentials the call knows; page 2's error must not show them.
func TestListAuthTokens_LaterPageErrorsScrubTheTokensReceived(t *testing.T) {
	t.Parallel()
	a, mt, _ := adminSetup(t)
	mt.RegisterNoResponder(func(r *http.Request) (*http.Response, error) {
		if r.URL.Query().Get("page") == "1" {
			return listResponder([]any{tokenJSON(testUID, testToken, 1)}, 1, 2)(r)
		}
		return errorResponder(500, "ERR_"+testToken, "cannot list after "+testToken)(r)
	})
	_, err := a.ListAuthTokens(context.Background(), testUID)
	var e *Error
	require.ErrorAs(t, err, &e)
	assertNoSecret(t, "Code", e.Code)
	assertNoSecret(t, "Message", e.Message)
	assertNoSecret(t, "Error()", e.Error())
	assert.True(t, e.Code == "ERR_[REDACTED]", "the server's code, scrubbed")
}

func TestListAuthTokens_Empty(t *testing.T) {
	t.Parallel()
	a, mt, rec := adminSetup(t)
	mt.RegisterNoResponder(listResponder([]any{}, 1, 0))
	tokens, err := a.ListAuthTokens(context.Background(), testUID)
	require.NoError(t, err)
	assert.NotNil(t, tokens)
	assert.Empty(t, tokens)
	assert.Len(t, rec.all(), 1)
}

func TestListAuthTokens_ListsATokenOnce(t *testing.T) {
	t.Parallel()
	a, mt, _ := adminSetup(t)
	// A token created between two pages shifts the list: the last token of
	// page 1 comes again first on page 2.
	page1 := []any{tokenJSON(testUID, testToken, 1), tokenJSON(testUID, testToken2, 2)}
	page2 := []any{tokenJSON(testUID, testToken2, 2)}
	mt.RegisterNoResponder(func(r *http.Request) (*http.Response, error) {
		if r.URL.Query().Get("page") == "1" {
			return listResponder(page1, 1, 2)(r)
		}
		return listResponder(page2, 2, 2)(r)
	})
	tokens, err := a.ListAuthTokens(context.Background(), testUID)
	require.NoError(t, err)
	assert.Len(t, tokens, 2)
}

func TestListAuthTokens_BadPaginationNeverLoops(t *testing.T) {
	t.Parallel()
	one := []any{tokenJSON(testUID, testToken, 1)}
	tests := []struct {
		name      string
		answer    httpmock.Responder
		wantCalls int
	}{
		{"no meta", dataResponder(200, one), 1},
		{"no pagination", httpmock.NewJsonResponderOrPanic(200, map[string]any{"data": one, "meta": map[string]any{}}), 1},
		{"wrong current page", listResponder(one, 2, 3), 1},
		{"server ignores the page parameter", listResponder(one, 1, 3), 2},
		{"a million pages", listResponder(one, 1, 1_000_000), 1},
		{"negative pages", listResponder(one, 1, -1), 1},
		{"no pages but tokens", listResponder(one, 1, 0), 1},
		{"pagination of strings", httpmock.NewJsonResponderOrPanic(200, map[string]any{
			"data": one, "meta": map[string]any{"pagination": map[string]any{"current_page": "1", "total_pages": "1"}},
		}), 1},
		{"a token without a token", listResponder([]any{map[string]any{"uid": testUID}}, 1, 1), 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			a, mt, rec := adminSetup(t)
			mt.RegisterNoResponder(tt.answer)
			tokens, err := a.ListAuthTokens(context.Background(), testUID)
			assert.Nil(t, tokens)
			requireCode(t, err, CodeInvalidResponse)
			assert.Len(t, rec.all(), tt.wantCalls)
		})
	}
}

func TestListAuthTokens_ErrorOnALaterPage(t *testing.T) {
	t.Parallel()
	a, mt, _ := adminSetup(t, WithRetries(0))
	mt.RegisterNoResponder(func(r *http.Request) (*http.Response, error) {
		if r.URL.Query().Get("page") == "1" {
			return listResponder([]any{tokenJSON(testUID, testToken, 1)}, 1, 2)(r)
		}
		return errorResponder(500, "ERR_INTERNAL", "boom")(r)
	})
	tokens, err := a.ListAuthTokens(context.Background(), testUID)
	assert.Nil(t, tokens, "no half-filled list")
	e := requireCode(t, err, "ERR_INTERNAL")
	assert.Equal(t, 500, e.HTTPStatus)
}

// adminCalls runs every AdminClient method with the given uid (and, for
// RevokeAuthToken, token), for the validation tables.
func adminCalls(uid, token string) map[string]func(context.Context, *AdminClient) error {
	return map[string]func(context.Context, *AdminClient) error{
		"CreateUser": func(ctx context.Context, a *AdminClient) error {
			_, err := a.CreateUser(ctx, NewUser{UID: uid, Name: "Name"})
			return err
		},
		"GetUser": func(ctx context.Context, a *AdminClient) error {
			_, err := a.GetUser(ctx, uid)
			return err
		},
		"DeleteUser": func(ctx context.Context, a *AdminClient) error { return a.DeleteUser(ctx, uid, nil) },
		"CreateAuthToken": func(ctx context.Context, a *AdminClient) error {
			_, err := a.CreateAuthToken(ctx, uid, nil)
			return err
		},
		"ListAuthTokens": func(ctx context.Context, a *AdminClient) error {
			_, err := a.ListAuthTokens(ctx, uid)
			return err
		},
		"RevokeAuthToken": func(ctx context.Context, a *AdminClient) error { return a.RevokeAuthToken(ctx, uid, token) },
		"FlushAuthTokens": func(ctx context.Context, a *AdminClient) error { return a.FlushAuthTokens(ctx, uid) },
	}
}

func TestAdminClient_UIDValidationSendsNothing(t *testing.T) {
	t.Parallel()
	uids := []struct{ name, uid, code string }{
		{"empty", "", CodeInvalidUID},
		{"blank", " \t", CodeInvalidUID},
		{"space", "user 1", CodeUIDWithSpace},
		{"newline", "user\n1", CodeUIDWithSpace},
		{"too long", strings.Repeat("u", 101), CodeInvalidUID},
		{"slash", "a/b", CodeInvalidUID},
		{"dot-dot", "..", CodeInvalidUID},
		{"query", "a?b=c", CodeInvalidUID},
		{"unicode", "üser", CodeInvalidUID},
	}
	for _, u := range uids {
		for method, call := range adminCalls(u.uid, testToken) {
			t.Run(method+"/"+u.name, func(t *testing.T) {
				t.Parallel()
				a, _, rec := adminSetup(t)
				e := requireCode(t, call(context.Background(), a), u.code)
				assert.NotEmpty(t, e.Message)
				assert.Empty(t, rec.all(), "bad input must send no request")
			})
		}
	}
}

func TestAdminClient_ArgumentValidationSendsNothing(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		call func(context.Context, *AdminClient) error
		code string
	}{
		{"CreateUser without a name", func(ctx context.Context, a *AdminClient) error {
			_, err := a.CreateUser(ctx, NewUser{UID: testUID})
			return err
		}, CodeInvalidArgument},
		{"CreateUser with a blank name", func(ctx context.Context, a *AdminClient) error {
			_, err := a.CreateUser(ctx, NewUser{UID: testUID, Name: " \t"})
			return err
		}, CodeInvalidArgument},
		{"CreateUser with a bad uid and no name", func(ctx context.Context, a *AdminClient) error {
			_, err := a.CreateUser(ctx, NewUser{UID: "a b"})
			return err
		}, CodeUIDWithSpace},
		{"CreateUser with metadata that is not JSON", func(ctx context.Context, a *AdminClient) error {
			_, err := a.CreateUser(ctx, NewUser{UID: testUID, Name: "A", Metadata: map[string]any{"x": math.Inf(1)}})
			return err
		}, CodeInvalidArgument},
		{"RevokeAuthToken, empty token", func(ctx context.Context, a *AdminClient) error {
			return a.RevokeAuthToken(ctx, testUID, "")
		}, CodeBlankAuthToken},
		{"RevokeAuthToken, blank token", func(ctx context.Context, a *AdminClient) error {
			return a.RevokeAuthToken(ctx, testUID, "  ")
		}, CodeBlankAuthToken},
		{"RevokeAuthToken, token with a space", func(ctx context.Context, a *AdminClient) error {
			return a.RevokeAuthToken(ctx, testUID, "ab cd")
		}, CodeAuthTokenWithSpace},
		{"RevokeAuthToken, token with a control character", func(ctx context.Context, a *AdminClient) error {
			return a.RevokeAuthToken(ctx, testUID, "ab\x00cd")
		}, CodeAuthTokenWithSpace},
		{"RevokeAuthToken, token that is a dot segment", func(ctx context.Context, a *AdminClient) error {
			return a.RevokeAuthToken(ctx, testUID, ".")
		}, CodeInvalidArgument},
		{"RevokeAuthToken, token that is a dot-dot segment (DELETE /users/{uid} once resolved)", func(ctx context.Context, a *AdminClient) error {
			return a.RevokeAuthToken(ctx, testUID, "..")
		}, CodeInvalidArgument},
		{"RevokeAuthToken, bad uid first", func(ctx context.Context, a *AdminClient) error {
			return a.RevokeAuthToken(ctx, "", "")
		}, CodeInvalidUID},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			a, _, rec := adminSetup(t)
			e := requireCode(t, tt.call(context.Background(), a), tt.code)
			assert.NotEmpty(t, e.Message)
			assert.Empty(t, rec.all(), "bad input must send no request")
		})
	}
}

func TestAdminClient_NilContextAndClosed(t *testing.T) {
	t.Parallel()
	for method, call := range adminCalls(testUID, testToken) {
		t.Run(method, func(t *testing.T) {
			t.Parallel()
			a, _, rec := adminSetup(t)
			requireCode(t, call(nil, a), CodeInvalidArgument)
			require.NoError(t, a.Close())
			require.NoError(t, a.Close(), "Close is idempotent")
			requireCode(t, call(context.Background(), a), CodeClientClosed)
			assert.Empty(t, rec.all())
		})
	}
}

func TestAdminClient_ServerErrorsKeepTheirCodes(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		call     func(context.Context, *AdminClient) error
		status   int
		code     string
		sentinel *Error
	}{
		{"CreateUser, uid exists", adminCalls(testUID, testToken)["CreateUser"], 409, CodeUIDAlreadyExists, ErrUIDAlreadyExists},
		{"GetUser, no such user", adminCalls(testUID, testToken)["GetUser"], 404, CodeUIDNotFound, ErrUIDNotFound},
		{"GetUser, auth key", adminCalls(testUID, testToken)["GetUser"], 403, CodeNoAccess, ErrNoAccess},
		{"GetUser, wrong key", adminCalls(testUID, testToken)["GetUser"], 404, CodeAPIKeyInvalid, ErrAPIKeyInvalid},
		{"DeleteUser, no such user", adminCalls(testUID, testToken)["DeleteUser"], 404, CodeUIDNotFound, ErrUIDNotFound},
		{"CreateAuthToken, no such user", adminCalls(testUID, testToken)["CreateAuthToken"], 404, CodeUIDNotFound, ErrUIDNotFound},
		{"ListAuthTokens, auth key", adminCalls(testUID, testToken)["ListAuthTokens"], 403, CodeNoAccess, ErrNoAccess},
		{"RevokeAuthToken, no such token", adminCalls(testUID, testToken)["RevokeAuthToken"], 404, CodeRESTTokenNotFound, &Error{Code: CodeRESTTokenNotFound}},
		{"FlushAuthTokens, no such user", adminCalls(testUID, testToken)["FlushAuthTokens"], 404, CodeUIDNotFound, ErrUIDNotFound},
		{"rate limited", adminCalls(testUID, testToken)["GetUser"], 429, CodeTooManyRequests, ErrTooManyRequests},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			a, mt, rec := adminSetup(t, WithRetries(0))
			mt.RegisterNoResponder(errorResponder(tt.status, tt.code, "the server says no"))
			err := tt.call(context.Background(), a)
			e := requireCode(t, err, tt.code)
			assert.Equal(t, tt.status, e.HTTPStatus)
			assert.Equal(t, "the server says no", e.Message)
			assert.ErrorIs(t, err, tt.sentinel)
			assert.Len(t, rec.all(), 1)
		})
	}
}

func TestAdminClient_RetriesLikeClient(t *testing.T) {
	t.Parallel()
	a, mt, rec := adminSetup(t)
	mt.RegisterResponder(http.MethodPost, adminTokensURL, sequence(
		errorResponder(503, "ERR_UNAVAILABLE", "busy"),
		dataResponder(200, tokenJSON(testUID, testToken, 1700000000)),
	))
	tok, err := a.CreateAuthToken(context.Background(), testUID, &CreateAuthTokenOptions{Force: true})
	require.NoError(t, err)
	assert.True(t, tok.Token == testToken, "the second answer's token")
	reqs := rec.all()
	require.Len(t, reqs, 2)
	for _, r := range reqs {
		assertJSONBody(t, r.Body, map[string]any{"force": true})
	}
}

func TestAdminClient_AuthErrorsAreNotRetried(t *testing.T) {
	t.Parallel()
	a, mt, rec := adminSetup(t)
	mt.RegisterNoResponder(errorResponder(403, CodeNoAccess, "no"))
	_, err := a.GetUser(context.Background(), testUID)
	requireCode(t, err, CodeNoAccess)
	assert.Len(t, rec.all(), 1)
}

// oddToken is a token whose path-escaped form differs from itself, so that
// both forms must be redacted.
const oddToken = "cometchat-uid-1_odd/5ecret?token%2F=0123456789"

func TestAdminClient_ErrorsNeverHoldSecrets(t *testing.T) {
	t.Parallel()
	// quoting answers an error that quotes the credentials the request
	// carried, in the message and the details, as CometChat does.
	quoting := func(status int, code string, sent ...string) httpmock.Responder {
		return httpmock.NewJsonResponderOrPanic(status, map[string]any{"error": map[string]any{
			"code":    code,
			"message": "The credentials " + strings.Join(sent, " and ") + " are wrong",
			"details": map[string]any{"sent": sent, sent[0]: "as a key"},
		}})
	}
	keyAndToken := []string{testAPIKey, oddToken, url.PathEscape(oddToken)}
	tests := []struct {
		name    string
		call    func(context.Context, *AdminClient) error
		answer  httpmock.Responder
		secrets []string
	}{
		{"revoke, server quotes the key and the token", adminCalls(testUID, oddToken)["RevokeAuthToken"],
			quoting(404, CodeRESTTokenNotFound, keyAndToken...), keyAndToken},
		{"revoke, transport error with the URL", adminCalls(testUID, oddToken)["RevokeAuthToken"],
			httpmock.NewErrorResponder(errors.New("connection reset")), keyAndToken},
		{"get user, server quotes the key", adminCalls(testUID, testToken)["GetUser"],
			quoting(404, CodeAPIKeyInvalid, testAPIKey), []string{testAPIKey}},
		{"create user, server quotes the key", adminCalls(testUID, testToken)["CreateUser"],
			quoting(403, CodeNoAccess, testAPIKey), []string{testAPIKey}},
		{"create token, server quotes the key", adminCalls(testUID, testToken)["CreateAuthToken"],
			quoting(404, CodeAPIKeyInvalid, testAPIKey), []string{testAPIKey}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var logs bytes.Buffer
			a, mt, _ := adminSetup(t, WithRetries(0), WithLogger(newTestLogger(&logs)))
			mt.RegisterNoResponder(tt.answer)
			err := tt.call(context.Background(), a)
			require.Error(t, err)
			var e *Error
			require.ErrorAs(t, err, &e)
			for _, s := range []string{err.Error(), e.Message, fmt.Sprintf("%v|%+v|%#v", err, e.Details, e.Details), logs.String()} {
				assertNoSecret(t, "error or log", s, tt.secrets...)
			}
			for cause := errors.Unwrap(err); cause != nil; cause = errors.Unwrap(cause) {
				assertNoSecret(t, "cause", cause.Error(), tt.secrets...)
			}
		})
	}
}

func TestAdminClient_LogsNeverHoldSecrets(t *testing.T) {
	t.Parallel()
	for _, format := range []string{"text", "json"} {
		t.Run(format, func(t *testing.T) {
			t.Parallel()
			var logs bytes.Buffer
			h := slog.Handler(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
			if format == "json" {
				h = slog.NewJSONHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug})
			}
			a, mt, _ := adminSetup(t, WithLogger(slog.New(h)), WithRetries(1))
			mt.RegisterResponder(http.MethodPost, adminTokensURL, dataResponder(200, tokenJSON(testUID, testToken, 1)))
			mt.RegisterNoResponder(errorResponder(503, "ERR_UNAVAILABLE", "busy")) // retried, then given up
			ctx := context.Background()
			_, err := a.CreateAuthToken(ctx, testUID, nil)
			require.NoError(t, err)
			_ = a.RevokeAuthToken(ctx, testUID, oddToken)
			_, _ = a.ListAuthTokens(ctx, testUID)
			out := logs.String()
			assert.Contains(t, out, "auth_tokens/[REDACTED]", "the revoked token's path is logged redacted")
			assert.Contains(t, out, "giving up", "the retry warning is logged")
			assertNoSecret(t, "log", out, testAPIKey, testToken, oddToken, url.PathEscape(oddToken))
		})
	}
}

func TestAdminClient_FormatShowsNoKey(t *testing.T) {
	t.Parallel()
	a, _, _ := adminSetup(t)
	want := `cometchatcalls.AdminClient{AppID:"testapp123" Region:"us"}`
	assert.Equal(t, want, a.String())
	for _, verb := range []string{"%v", "%+v", "%#v", "%s", "%q", "%x", "%d"} {
		out := fmt.Sprintf(verb, a)
		assertNoSecret(t, verb, out, testAPIKey)
		assert.Equal(t, want, out, verb)
	}
	assertNoSecret(t, "struct holding it", fmt.Sprintf("%+v %#v", struct{ A *AdminClient }{a}, []*AdminClient{a}), testAPIKey)
	// A dereferenced AdminClient has no methods: fmt walks its fields.
	value := reflect.ValueOf(a).Elem().Interface()
	for _, verb := range []string{"%v", "%+v", "%#v", "%s"} {
		assertNoSecret(t, "dereferenced "+verb, fmt.Sprintf(verb, value), testAPIKey)
	}
	var nilClient *AdminClient
	assert.Equal(t, "cometchatcalls.AdminClient(nil)", nilClient.String())

	var logs bytes.Buffer
	slog.New(slog.NewTextHandler(&logs, nil)).Info("m", "client", a)
	slog.New(slog.NewTextHandler(&logs, nil)).Info("m", "value", value)
	slog.New(slog.NewJSONHandler(&logs, nil)).Info("m", "client", a, "nested", struct{ A *AdminClient }{a})
	assertNoSecret(t, "slog", logs.String(), testAPIKey)
}

func TestAuthToken_NeverShowsTheToken(t *testing.T) {
	t.Parallel()
	tok := AuthToken{UID: testUID, Token: testToken, CreatedAt: time.Unix(1700000000, 0).UTC()}
	assert.Equal(t, `AuthToken{UID:"cometchat-uid-1" Token:[REDACTED] CreatedAt:2023-11-14T22:13:20Z}`, tok.String())
	assert.Equal(t, "cometchatcalls."+tok.String(), tok.GoString())

	for _, verb := range []string{"%v", "%+v", "%#v", "%s", "%q", "%x", "%X", "%d", "%T"} {
		for _, v := range []any{tok, &tok, []AuthToken{tok}, []*AuthToken{&tok}, struct{ T AuthToken }{tok}, map[string]AuthToken{"k": tok}} {
			out := fmt.Sprintf(verb, v)
			assertNoSecret(t, verb, out, testToken)
		}
	}
	assert.Contains(t, fmt.Sprintf("%+v", tok), testUID, "the uid is shown")
	assert.Contains(t, fmt.Sprintf("%#v", tok), "cometchatcalls.AuthToken{")

	var logs bytes.Buffer
	text := slog.New(slog.NewTextHandler(&logs, nil))
	text.Info("m", "tok", tok, "ptr", &tok, "nested", struct{ T AuthToken }{tok}, "list", []AuthToken{tok})
	jsonl := slog.New(slog.NewJSONHandler(&logs, nil))
	jsonl.Info("m", "tok", tok, "ptr", &tok, slog.Group("g", "tok", tok))
	out := logs.String()
	assertNoSecret(t, "slog", out, testToken)
	assert.Contains(t, out, "tok.uid=cometchat-uid-1")
	assert.Contains(t, out, `"tok":{"uid":"cometchat-uid-1","token":"[REDACTED]"`)
}

// TestAuthToken_JSONCarriesTheToken: a backend sends json.Marshal(tok) to
// its app, so the JSON holds the value (fmt and slog still redact it).
func TestAuthToken_JSONCarriesTheToken(t *testing.T) {
	t.Parallel()
	tok := AuthToken{UID: testUID, Token: testToken, CreatedAt: time.Unix(1700000000, 0).UTC()}
	b, err := json.Marshal(tok)
	require.NoError(t, err)
	var back AuthToken
	require.NoError(t, json.Unmarshal(b, &back))
	assert.True(t, back.Token == testToken, "the token survives a JSON round trip")
	assert.Equal(t, testUID, back.UID)
	assert.True(t, back.CreatedAt.Equal(tok.CreatedAt))
}
