package cometchatcallstest_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cometchat-go/cometchatcalls/cometchatcallstest"
)

// callToken asks for a call token with the headers given and returns it.
func callToken(t *testing.T, srv *cometchatcallstest.Server, sessionID string, headers ...string) string {
	t.Helper()
	d := send(t, srv, "POST", "/call/v3.0/call_tokens", `{"sessionId":"`+sessionID+`"}`, headers...).data(t)
	require.True(t, len(d) == 1, "the answer holds only the token, not %d fields", len(d))
	ct, ok := d["token"].(string)
	require.True(t, ok, "token is a string, not %T", d["token"])
	return ct
}

func TestCallTokens_IssuedForTheTokensUserAndSession(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	tok := login(t, srv, "cometchat-uid-2")

	ct1 := callToken(t, srv, "room-1", clientHdr(srv, tok)...)
	ct2 := callToken(t, srv, "room-1", clientHdr(srv, tok)...)
	// Tokens are compared without assert.Equal and friends, whose failure
	// messages would print them.
	assert.True(t, ct1 != ct2, "every call token is fresh")
	assert.False(t, strings.Contains(ct1, tok), "the call token does not hold the auth token")

	uid, session, ok := srv.CallTokenInfo(ct1)
	require.True(t, ok)
	assert.Equal(t, "cometchat-uid-2", uid)
	assert.Equal(t, "room-1", session)

	_, _, ok = srv.CallTokenInfo("ct_unknown")
	assert.False(t, ok)
	_, _, ok = srv.CallTokenInfo(tok)
	assert.False(t, ok, "an auth token is not a call token")
}

func TestCallTokens_V4SendsNoAppID(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	tok, err := srv.IssueAuthToken("cometchat-uid-1")
	require.NoError(t, err)

	// The Calls SDK v4 sends authToken and content-Type, no appId.
	ct := callToken(t, srv, "s", "authToken", tok)
	uid, _, ok := srv.CallTokenInfo(ct)
	require.True(t, ok)
	assert.Equal(t, "cometchat-uid-1", uid)

	// Without appId, an unknown token is still the usual error.
	r := send(t, srv, "POST", "/call/v3.0/call_tokens", `{"sessionId":"s"}`, "authToken", "nope-token")
	e := assertError(t, r, http.StatusUnauthorized, "AUTH_ERR_AUTH_TOKEN_NOT_FOUND")
	assert.Contains(t, e["message"], "nope-token")

	// A wrong appId is refused as on the other hosts; only a missing one
	// is let through, and only on the calls host.
	r = send(t, srv, "POST", "/call/v3.0/call_tokens", `{"sessionId":"s"}`, "appId", "other", "authToken", tok)
	assertError(t, r, http.StatusNotFound, "AUTH_ERR_INVALID_APPID")
	r = send(t, srv, "GET", "/client/v3.0/me", "", "authToken", tok)
	assertError(t, r, http.StatusUnauthorized, "AUTH_ERR_EMPTY_APPID")
}

func TestCreateCallToken_Errors(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	tok, err := srv.IssueAuthToken("cometchat-uid-3")
	require.NoError(t, err)
	path := "/call/v3.0/call_tokens"

	assertError(t, send(t, srv, "POST", path, `{"sessionId":"s"}`, "appId", srv.AppID()), http.StatusUnauthorized, "AUTH_ERR_EMPTY_AUTH_TOKEN")
	for _, body := range []string{``, `{}`, `{"sessionId":"  "}`} {
		e := assertError(t, send(t, srv, "POST", path, body, clientHdr(srv, tok)...), http.StatusBadRequest, "ERR_BAD_REQUEST")
		assert.Contains(t, e["details"], "sessionId", "body %q", body)
	}
	assertError(t, send(t, srv, "POST", path, `{"sessionId":`, clientHdr(srv, tok)...), http.StatusBadRequest, "ERR_BAD_REQUEST")

	require.NoError(t, srv.RevokeAuthToken(tok))
	assertError(t, send(t, srv, "POST", path, `{"sessionId":"s"}`, clientHdr(srv, tok)...), http.StatusUnauthorized, "AUTH_ERR_AUTH_TOKEN_NOT_FOUND")

	r := send(t, srv, "PUT", path, `{"sessionId":"s"}`, clientHdr(srv, tok)...)
	assertError(t, r, http.StatusMethodNotAllowed, "ERR_METHOD_NOT_ALLOWED")
	assert.Equal(t, "GET, POST", r.header.Get("Allow"))
}

func TestVerifyCallToken(t *testing.T) {
	t.Parallel()
	srv := newServer(t, cometchatcallstest.WithRegion("eu"))
	tok := login(t, srv, "cometchat-uid-4")
	ct := callToken(t, srv, "standup", clientHdr(srv, tok)...)
	want := map[string]any{
		"sessionId": "standup",
		"appId":     srv.AppID(),
		"region":    "eu",
		"user": map[string]any{
			"uid":    "cometchat-uid-4",
			"name":   "Susan Marie",
			"avatar": "https://assets.cometchat.io/sampleapp/v2/users/cometchat-uid-4.webp",
		},
	}

	// v4: header callToken, no appId. v5: header calltoken, ?configVersion=1.
	for _, tc := range []struct{ path, header string }{
		{"/call/v3.0/call_tokens", "callToken"},
		{"/call/v3.0/call_tokens?configVersion=1", "calltoken"},
	} {
		d := send(t, srv, "GET", tc.path, "", tc.header, ct).data(t)
		payload, ok := d["payload"].(map[string]any)
		require.True(t, ok, "payload: %v", d)
		assert.Equal(t, want, payload["data"], tc.header)
		assert.IsType(t, map[string]any{}, d["settings"])
	}

	e := assertError(t, send(t, srv, "GET", "/call/v3.0/call_tokens", "", "callToken", "ct_forged-token"), http.StatusUnauthorized, "AUTH_ERR_CALL_TOKEN_NOT_FOUND")
	assert.Contains(t, e["message"], "ct_forged-token")
	assertError(t, send(t, srv, "GET", "/call/v3.0/call_tokens", ""), http.StatusUnauthorized, "AUTH_ERR_EMPTY_CALL_TOKEN")

	require.NoError(t, srv.DeactivateUser("cometchat-uid-4"))
	assertError(t, send(t, srv, "GET", "/call/v3.0/call_tokens", "", "callToken", ct), http.StatusNotFound, "ERR_UID_NOT_FOUND")
}

func TestCallTokens_Logged(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	tok := login(t, srv, "cometchat-uid-1")
	srv.ResetRequests()
	ct := callToken(t, srv, "s1", clientHdr(srv, tok)...)
	send(t, srv, "GET", "/call/v3.0/call_tokens", "", "callToken", ct)
	send(t, srv, "GET", "/call/v3.0/call_tokens", "", "callToken", "ct_0000000000000000unknown")
	send(t, srv, "POST", "/call/v3.0/call_tokens", `{"sessionId":"s1"}`)

	reqs := srv.Requests()
	require.Len(t, reqs, 4)
	for _, r := range reqs {
		assert.Equal(t, cometchatcallstest.RoleCall, r.Role)
		assert.Equal(t, "/call/v3.0/call_tokens", r.Path)
	}
	assert.Equal(t, cometchatcallstest.CredentialAuthToken, reqs[0].Credential)
	assert.Equal(t, `{"sessionId":"s1"}`, string(reqs[0].Body))
	assert.True(t, reqs[0].Header.Get("Authtoken") == "****"+tok[len(tok)-4:], "the auth token is masked")
	assert.Equal(t, cometchatcallstest.CredentialCallToken, reqs[1].Credential)
	assert.True(t, reqs[1].Header.Get("Calltoken") == "****"+ct[len(ct)-4:], "the call token is masked")
	assert.Equal(t, cometchatcallstest.CredentialUnknown, reqs[2].Credential)
	assert.Equal(t, cometchatcallstest.CredentialNone, reqs[3].Credential)
	for _, r := range reqs {
		for _, vs := range r.Header {
			for _, v := range vs {
				assert.False(t, strings.Contains(v, ct) || strings.Contains(v, tok), "a logged header holds a token")
			}
		}
	}
}

func TestCallTokens_FaultsApply(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	tok, err := srv.IssueAuthToken("cometchat-uid-1")
	require.NoError(t, err)
	srv.FailNext(1, cometchatcallstest.FaultHTML502())
	r := send(t, srv, "POST", "/call/v3.0/call_tokens", `{"sessionId":"s"}`, clientHdr(srv, tok)...)
	assert.Equal(t, http.StatusBadGateway, r.status)
	assert.True(t, strings.HasPrefix(string(r.body), "<html>"))
	callToken(t, srv, "s", clientHdr(srv, tok)...)
}

func TestCallURL(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	assert.Equal(t, srv.URL()+"/call/v3.0", srv.CallURL())
}
