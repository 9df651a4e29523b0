package cometchatcallstest_test

import (
	"math"
	"net/http"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cometchat-go/cometchatcalls/cometchatcallstest"
)

// fixedClock returns a settable clock starting at t0.
func fixedClock(t0 time.Time) (func() time.Time, func(time.Time)) {
	var now atomic.Int64
	now.Store(t0.UnixNano())
	return func() time.Time { return time.Unix(0, now.Load()) }, func(t time.Time) { now.Store(t.UnixNano()) }
}

func TestSampleUsers(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	names := []string{"Andrew Joseph", "George Alan", "Nancy Grace", "Susan Marie", "John Paul"}
	for i, name := range names {
		uid := "cometchat-uid-" + string(rune('1'+i))
		d := send(t, srv, "GET", "/admin/v3.0/users/"+uid, "", adminHdr(srv)...).data(t)
		assert.Equal(t, uid, d["uid"])
		assert.Equal(t, name, d["name"])
		assert.Equal(t, "https://assets.cometchat.io/sampleapp/v2/users/"+uid+".webp", d["avatar"])
		assert.Equal(t, "offline", d["status"])
		assert.Equal(t, "default", d["role"])
		assert.Equal(t, float64(1609459200), d["createdAt"])
	}
	_, ok := srv.User("cometchat-uid-6")
	assert.False(t, ok)
}

func TestCreateUser_AllFields(t *testing.T) {
	t.Parallel()
	clock, _ := fixedClock(time.Unix(1700000000, 0))
	srv := newServer(t, cometchatcallstest.WithClock(clock))
	body := `{"uid":"alice_1","name":"Alice","avatar":"https://a/x.png","link":"https://a","role":"pro",
		"statusMessage":"hi","metadata":{"plan":"gold","n":[1,2]},"tags":["a","b"],"unknown":"ignored"}`
	d := send(t, srv, "POST", "/admin/v3.0/users", body, adminHdr(srv)...).data(t)
	want := map[string]any{
		"uid": "alice_1", "name": "Alice", "avatar": "https://a/x.png", "link": "https://a", "role": "pro",
		"status": "offline", "statusMessage": "hi", "metadata": map[string]any{"plan": "gold", "n": []any{1.0, 2.0}},
		"tags": []any{"a", "b"}, "createdAt": 1700000000.0, "updatedAt": 1700000000.0,
	}
	assert.Equal(t, want, d)

	got := send(t, srv, "GET", "/admin/v3.0/users/alice_1", "", adminHdr(srv)...).data(t)
	assert.Equal(t, want, got)
}

func TestCreateUser_Defaults(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	d := send(t, srv, "POST", "/admin/v3.0/users", `{"uid":"bob","name":"Bob"}`, authKeyHdr(srv)...).data(t)
	assert.Equal(t, "default", d["role"])
	assert.Equal(t, "offline", d["status"])
	assert.NotContains(t, d, "authToken")
	assert.NotContains(t, d, "lastActiveAt")
	createdAt, ok := d["createdAt"].(float64)
	assert.True(t, ok, "createdAt is a number: %v", d["createdAt"])
	assert.LessOrEqual(t, math.Abs(float64(time.Now().Unix())-createdAt), 5.0, "createdAt is now")
}

func TestCreateUser_WithAuthToken(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	d := send(t, srv, "POST", "/admin/v3.0/users", `{"uid":"carol","name":"Carol","withAuthToken":true}`, authKeyHdr(srv)...).data(t)
	token, _ := d["authToken"].(string)
	require.True(t, strings.HasPrefix(token, "carol_"), token)
	me := send(t, srv, "GET", "/client/v3.0/me", "", clientHdr(srv, token)...).data(t)
	assert.Equal(t, "carol", me["uid"])
}

func TestCreateUser_Exists(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	r := send(t, srv, "POST", "/admin/v3.0/users", `{"uid":"cometchat-uid-1","name":"X"}`, adminHdr(srv)...)
	e := assertError(t, r, http.StatusConflict, "ERR_UID_ALREADY_EXISTS")
	assert.Contains(t, e["message"], "cometchat-uid-1")
	u, _ := srv.User("cometchat-uid-1")
	assert.Equal(t, "Andrew Joseph", u.Name, "unchanged")
}

func TestCreateUser_Validation(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	cases := map[string]string{
		"no uid":         `{"name":"X"}`,
		"empty body":     ``,
		"uid with space": `{"uid":"a b","name":"X"}`,
		"uid with dot":   `{"uid":"a.b","name":"X"}`,
		"uid too long":   `{"uid":"` + strings.Repeat("a", 101) + `","name":"X"}`,
		"no name":        `{"uid":"ok"}`,
		"metadata array": `{"uid":"ok","name":"X","metadata":[1]}`,
		"tags not array": `{"uid":"ok","name":"X","tags":"a"}`,
	}
	for name, body := range cases {
		t.Run(name, func(t *testing.T) {
			r := send(t, srv, "POST", "/admin/v3.0/users", body, adminHdr(srv)...)
			assertError(t, r, http.StatusBadRequest, "ERR_BAD_REQUEST")
		})
	}
	d := send(t, srv, "POST", "/admin/v3.0/users", `{"uid":"`+strings.Repeat("a", 100)+`","name":"X"}`, adminHdr(srv)...).data(t)
	assert.Len(t, d["uid"], 100, "100 characters are fine")
	r := send(t, srv, "POST", "/admin/v3.0/users", `{"name":"X"}`, adminHdr(srv)...)
	e := assertError(t, r, http.StatusBadRequest, "ERR_BAD_REQUEST")
	assert.Equal(t, map[string]any{"uid": "The uid field is required."}, e["details"])
}

func TestGetUser_NotFound(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	r := send(t, srv, "GET", "/admin/v3.0/users/nobody", "", adminHdr(srv)...)
	e := assertError(t, r, http.StatusNotFound, "ERR_UID_NOT_FOUND")
	assert.Contains(t, e["message"], "nobody")
}

func TestGetUser_PathIsUnescaped(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	d := send(t, srv, "GET", "/admin/v3.0/users/cometchat%2Duid%2D1", "", adminHdr(srv)...).data(t)
	assert.Equal(t, "cometchat-uid-1", d["uid"])
	r := send(t, srv, "GET", "/admin/v3.0/users/a%2Fb", "", adminHdr(srv)...)
	assertError(t, r, http.StatusNotFound, "ERR_UID_NOT_FOUND")
}

func TestDeleteUser_DeactivatesByDefault(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	token := login(t, srv, "cometchat-uid-3")
	for _, body := range []string{"", `{"permanent":false}`} {
		require.NoError(t, srv.AddUser(userNamed("u1")))
		tok, err := srv.IssueAuthToken("u1")
		require.NoError(t, err)
		d := send(t, srv, "DELETE", "/admin/v3.0/users/u1", body, adminHdr(srv)...).data(t)
		assert.Equal(t, true, d["success"])
		assert.NotEmpty(t, d["message"])

		assertError(t, send(t, srv, "GET", "/admin/v3.0/users/u1", "", adminHdr(srv)...), http.StatusNotFound, "ERR_UID_NOT_FOUND")
		assertError(t, send(t, srv, "POST", "/admin/v3.0/users/u1/auth_tokens", "", authKeyHdr(srv)...), http.StatusNotFound, "ERR_UID_NOT_FOUND")
		assertError(t, send(t, srv, "GET", "/client/v3.0/me", "", clientHdr(srv, tok)...), http.StatusUnauthorized, "AUTH_ERR_AUTH_TOKEN_NOT_FOUND")
		assertError(t, send(t, srv, "POST", "/admin/v3.0/users", `{"uid":"u1","name":"again"}`, adminHdr(srv)...), http.StatusConflict, "ERR_UID_ALREADY_EXISTS")
		assertError(t, send(t, srv, "DELETE", "/admin/v3.0/users/u1", "", adminHdr(srv)...), http.StatusNotFound, "ERR_UID_NOT_FOUND")

		send(t, srv, "DELETE", "/admin/v3.0/users/u1", `{"permanent":true}`, adminHdr(srv)...).data(t)
	}
	send(t, srv, "GET", "/client/v3.0/me", "", clientHdr(srv, token)...).data(t) // other users untouched
}

func TestDeleteUser_Permanent(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	token := login(t, srv, "cometchat-uid-1")
	send(t, srv, "DELETE", "/admin/v3.0/users/cometchat-uid-1", `{"permanent":true}`, adminHdr(srv)...).data(t)
	assertError(t, send(t, srv, "GET", "/client/v3.0/me", "", clientHdr(srv, token)...), http.StatusUnauthorized, "AUTH_ERR_AUTH_TOKEN_NOT_FOUND")
	assertError(t, send(t, srv, "GET", "/admin/v3.0/users/cometchat-uid-1", "", adminHdr(srv)...), http.StatusNotFound, "ERR_UID_NOT_FOUND")
	assertError(t, send(t, srv, "DELETE", "/admin/v3.0/users/cometchat-uid-1", `{"permanent":true}`, adminHdr(srv)...), http.StatusNotFound, "ERR_UID_NOT_FOUND")

	d := send(t, srv, "POST", "/admin/v3.0/users", `{"uid":"cometchat-uid-1","name":"Reborn"}`, adminHdr(srv)...).data(t)
	assert.Equal(t, "Reborn", d["name"])
	assertError(t, send(t, srv, "GET", "/client/v3.0/me", "", clientHdr(srv, token)...), http.StatusUnauthorized, "AUTH_ERR_AUTH_TOKEN_NOT_FOUND")
}

func TestListUsers_PagesActiveUsersByUID(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	send(t, srv, "POST", "/admin/v3.0/users", `{"uid":"aaa","name":"First"}`, adminHdr(srv)...).data(t)
	send(t, srv, "POST", "/admin/v3.0/users", `{"uid":"zzz","name":"Gone"}`, adminHdr(srv)...).data(t)
	send(t, srv, "DELETE", "/admin/v3.0/users/zzz", "", adminHdr(srv)...).data(t) // deactivated: not listed

	want := []string{"aaa", "cometchat-uid-1", "cometchat-uid-2", "cometchat-uid-3", "cometchat-uid-4", "cometchat-uid-5"}
	var got []string
	for page := 1; page <= 4; page++ {
		r := send(t, srv, "GET", "/admin/v3.0/users?perPage=2&page="+strconv.Itoa(page), "", adminHdr(srv)...)
		require.Equal(t, http.StatusOK, r.status, "%s", r.body)
		m := r.json(t)
		count := map[int]float64{1: 2, 2: 2, 3: 2, 4: 0}[page]
		assert.Equal(t, map[string]any{"pagination": map[string]any{
			"total": 6.0, "count": count, "per_page": 2.0, "current_page": float64(page), "total_pages": 3.0,
		}}, m["meta"])
		for _, it := range m["data"].([]any) {
			got = append(got, it.(map[string]any)["uid"].(string))
		}
	}
	assert.Equal(t, want, got)
}

func TestListUsers_DefaultsShapeAndErrors(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	r := send(t, srv, "GET", "/admin/v3.0/users", "", adminHdr(srv)...)
	require.Equal(t, http.StatusOK, r.status)
	m := r.json(t)
	assert.Equal(t, 100.0, m["meta"].(map[string]any)["pagination"].(map[string]any)["per_page"])
	first := m["data"].([]any)[0].(map[string]any)
	assert.Equal(t, "cometchat-uid-1", first["uid"])
	assert.Equal(t, "Andrew Joseph", first["name"])

	for _, q := range []string{"perPage=0", "perPage=1001", "page=0", "page=x"} {
		assertError(t, send(t, srv, "GET", "/admin/v3.0/users?"+q, "", adminHdr(srv)...), http.StatusBadRequest, "ERR_BAD_REQUEST")
	}
	assertError(t, send(t, srv, "GET", "/admin/v3.0/users", "", authKeyHdr(srv)...), http.StatusForbidden, "AUTH_ERR_NO_ACCESS")
}
