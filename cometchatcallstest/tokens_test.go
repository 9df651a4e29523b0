package cometchatcallstest_test

import (
	"fmt"
	"net/http"
	"regexp"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cometchat-go/cometchatcalls/cometchatcallstest"
)

func TestCreateToken_FormatAndShape(t *testing.T) {
	t.Parallel()
	clock, _ := fixedClock(time.Unix(1630306819, 0))
	srv := newServer(t, cometchatcallstest.WithClock(clock))
	r := send(t, srv, "POST", "/admin/v3.0/users/cometchat-uid-1/auth_tokens", `{"platform":"web","deviceId":"abc"}`, authKeyHdr(srv)...)
	assert.Equal(t, "application/json", r.header.Get("Content-Type"))
	d := r.data(t)
	require.Len(t, d, 3, "uid, authToken, createdAt: %v", d)
	assert.Equal(t, "cometchat-uid-1", d["uid"])
	assert.Equal(t, 1630306819.0, d["createdAt"])
	assert.Regexp(t, regexp.MustCompile(`^cometchat-uid-1_1630306819[0-9a-f]{40}$`), d["authToken"])
}

func TestCreateToken_ReusesNewestUnlessForced(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	const p = "/admin/v3.0/users/cometchat-uid-1/auth_tokens"
	first := send(t, srv, "POST", p, "", authKeyHdr(srv)...).data(t)["authToken"]
	again := send(t, srv, "POST", p, `{"platform":"web","deviceId":"x"}`, authKeyHdr(srv)...).data(t)["authToken"]
	assert.Equal(t, first, again)
	forced := send(t, srv, "POST", p, `{"force":true}`, adminHdr(srv)...).data(t)["authToken"]
	assert.NotEqual(t, first, forced)
	newest := send(t, srv, "POST", p, `{"force":false}`, authKeyHdr(srv)...).data(t)["authToken"]
	assert.Equal(t, forced, newest)
	assert.Equal(t, []string{forced.(string), first.(string)}, srv.AuthTokens("cometchat-uid-1"))
}

func TestCreateToken_UnknownUser(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	r := send(t, srv, "POST", "/admin/v3.0/users/nobody/auth_tokens", "", authKeyHdr(srv)...)
	assertError(t, r, http.StatusNotFound, "ERR_UID_NOT_FOUND")
}

func TestTokens_KeepsNewest100(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	var issued []string
	for range 105 {
		tok, err := srv.IssueAuthToken("cometchat-uid-1")
		require.NoError(t, err)
		issued = append(issued, tok)
	}
	kept := srv.AuthTokens("cometchat-uid-1")
	require.Len(t, kept, 100)
	assert.Equal(t, issued[104], kept[0])
	assert.Equal(t, issued[5], kept[99])
	assertError(t, send(t, srv, "GET", "/client/v3.0/me", "", clientHdr(srv, issued[4])...), http.StatusUnauthorized, "AUTH_ERR_AUTH_TOKEN_NOT_FOUND")
	send(t, srv, "GET", "/client/v3.0/me", "", clientHdr(srv, issued[5])...).data(t)
}

func TestListTokens_Pagination(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	for range 5 {
		_, err := srv.IssueAuthToken("cometchat-uid-2")
		require.NoError(t, err)
	}
	want := srv.AuthTokens("cometchat-uid-2") // newest first
	var got []string
	for page := 1; page <= 4; page++ {
		r := send(t, srv, "GET", fmt.Sprintf("/admin/v3.0/users/cometchat-uid-2/auth_tokens?perPage=2&page=%d", page), "", adminHdr(srv)...)
		require.Equal(t, http.StatusOK, r.status, "%s", r.body)
		m := r.json(t)
		require.Len(t, m, 2, "data and meta")
		counts := map[int]int{1: 2, 2: 2, 3: 1, 4: 0}
		assert.Equal(t, map[string]any{"pagination": map[string]any{
			"total": 5.0, "count": float64(counts[page]), "per_page": 2.0, "current_page": float64(page), "total_pages": 3.0,
		}}, m["meta"])
		items := m["data"].([]any)
		for _, it := range items {
			item := it.(map[string]any)
			assert.Equal(t, "cometchat-uid-2", item["uid"])
			assert.NotZero(t, item["createdAt"])
			got = append(got, item["authToken"].(string))
		}
	}
	assert.Equal(t, want, got)
}

func TestListTokens_DefaultsAndEmpty(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	r := send(t, srv, "GET", "/admin/v3.0/users/cometchat-uid-3/auth_tokens", "", adminHdr(srv)...)
	require.Equal(t, http.StatusOK, r.status)
	assert.JSONEq(t, `{"data":[],"meta":{"pagination":{"total":0,"count":0,"per_page":100,"current_page":1,"total_pages":0}}}`, string(r.body))
}

func TestListTokens_BadQuery(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	for _, q := range []string{"perPage=0", "perPage=abc", "perPage=1001", "page=0", "page=-1", "page=x"} {
		r := send(t, srv, "GET", "/admin/v3.0/users/cometchat-uid-1/auth_tokens?"+q, "", adminHdr(srv)...)
		assertError(t, r, http.StatusBadRequest, "ERR_BAD_REQUEST")
	}
	r := send(t, srv, "GET", "/admin/v3.0/users/cometchat-uid-1/auth_tokens?perPage=1000", "", adminHdr(srv)...)
	assert.Equal(t, http.StatusOK, r.status)
	r = send(t, srv, "GET", "/admin/v3.0/users/nobody/auth_tokens", "", adminHdr(srv)...)
	assertError(t, r, http.StatusNotFound, "ERR_UID_NOT_FOUND")
}

func TestGetToken(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	tok, err := srv.IssueAuthToken("cometchat-uid-1")
	require.NoError(t, err)
	d := send(t, srv, "GET", "/admin/v3.0/users/cometchat-uid-1/auth_tokens/"+tok, "", adminHdr(srv)...).data(t)
	assert.Equal(t, "cometchat-uid-1", d["uid"])
	assert.Equal(t, tok, d["authToken"])
	assert.NotZero(t, d["createdAt"])

	r := send(t, srv, "GET", "/admin/v3.0/users/cometchat-uid-2/auth_tokens/"+tok, "", adminHdr(srv)...)
	e := assertError(t, r, http.StatusNotFound, "ERR_AUTH_TOKEN_NOT_FOUND")
	assert.Contains(t, e["message"], tok)
	r = send(t, srv, "GET", "/admin/v3.0/users/nobody/auth_tokens/"+tok, "", adminHdr(srv)...)
	assertError(t, r, http.StatusNotFound, "ERR_UID_NOT_FOUND")
}

func TestDeleteToken(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	keep, err := srv.IssueAuthToken("cometchat-uid-1")
	require.NoError(t, err)
	tok, err := srv.IssueAuthToken("cometchat-uid-1")
	require.NoError(t, err)
	p := "/admin/v3.0/users/cometchat-uid-1/auth_tokens/" + tok
	d := send(t, srv, "DELETE", p, "", adminHdr(srv)...).data(t)
	assert.Equal(t, true, d["success"])
	assert.NotEmpty(t, d["message"])
	assertError(t, send(t, srv, "GET", "/client/v3.0/me", "", clientHdr(srv, tok)...), http.StatusUnauthorized, "AUTH_ERR_AUTH_TOKEN_NOT_FOUND")
	assertError(t, send(t, srv, "DELETE", p, "", adminHdr(srv)...), http.StatusNotFound, "ERR_AUTH_TOKEN_NOT_FOUND")
	assert.Equal(t, []string{keep}, srv.AuthTokens("cometchat-uid-1"))
}

func TestFlushTokens(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	other, err := srv.IssueAuthToken("cometchat-uid-2")
	require.NoError(t, err)
	var toks []string
	for range 3 {
		tok, err := srv.IssueAuthToken("cometchat-uid-1")
		require.NoError(t, err)
		toks = append(toks, tok)
	}
	d := send(t, srv, "DELETE", "/admin/v3.0/users/cometchat-uid-1/auth_tokens", "", adminHdr(srv)...).data(t)
	assert.Equal(t, map[string]any{"success": true, "message": "Cleared Auth Tokens successfully for uid cometchat-uid-1."}, d)
	for _, tok := range toks {
		assertError(t, send(t, srv, "GET", "/client/v3.0/me", "", clientHdr(srv, tok)...), http.StatusUnauthorized, "AUTH_ERR_AUTH_TOKEN_NOT_FOUND")
	}
	assert.Empty(t, srv.AuthTokens("cometchat-uid-1"))
	assert.Equal(t, []string{other}, srv.AuthTokens("cometchat-uid-2"))
	r := send(t, srv, "DELETE", "/admin/v3.0/users/nobody/auth_tokens", "", adminHdr(srv)...)
	assertError(t, r, http.StatusNotFound, "ERR_UID_NOT_FOUND")
}
