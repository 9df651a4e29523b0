package cometchatcallstest_test

import (
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cometchat-go/cometchatcalls/cometchatcallstest"
)

func TestRequests_RecordsAndMasks(t *testing.T) {
	t.Parallel()
	clock, _ := fixedClock(time.Unix(1700000000, 0))
	srv := newServer(t, cometchatcallstest.WithClock(clock))
	tok := login(t, srv, "cometchat-uid-1")
	send(t, srv, "GET", "/admin/v3.0/users/cometchat%2Duid%2D1/auth_tokens?perPage=5&page=1", "", "appid", srv.AppID(), "APIKEY", srv.APIKey())
	send(t, srv, "GET", "/client/v3.0/me", "", "appId", srv.AppID(), "authToken", "short")
	send(t, srv, "GET", "/admin/v3.0/users/x", "", "appId", srv.AppID(), "apiKey", "some-unknown-key")
	send(t, srv, "GET", "/elsewhere", "", "appId", srv.AppID(), "Authorization", "Bearer abcdefghijklmnop")

	reqs := srv.Requests()
	require.Len(t, reqs, 6)

	r := reqs[0]
	assert.Equal(t, "POST", r.Method)
	assert.Equal(t, "/admin/v3.0/users/cometchat-uid-1/auth_tokens", r.Path)
	assert.Equal(t, cometchatcallstest.RoleAdmin, r.Role)
	assert.Equal(t, cometchatcallstest.CredentialAuthKey, r.Credential)
	assert.Equal(t, "****-key", r.Header.Get("apiKey"))
	assert.Equal(t, srv.AppID(), r.Header.Get("appId"))
	assert.JSONEq(t, `{"platform":"web","deviceId":"d1"}`, string(r.Body))
	assert.Equal(t, time.Unix(1700000000, 0), r.Time)

	r = reqs[1]
	assert.Equal(t, "PUT", r.Method)
	assert.Equal(t, cometchatcallstest.RoleClient, r.Role)
	assert.Equal(t, cometchatcallstest.CredentialAuthToken, r.Credential)
	assert.Equal(t, "****"+tok[len(tok)-4:], r.Header.Get("authToken"))

	r = reqs[2]
	assert.Equal(t, "/admin/v3.0/users/cometchat-uid-1/auth_tokens", r.Path)
	assert.Equal(t, "/admin/v3.0/users/cometchat%2Duid%2D1/auth_tokens", r.RawPath)
	assert.Equal(t, "perPage=5&page=1", r.RawQuery)
	assert.Equal(t, cometchatcallstest.CredentialAPIKey, r.Credential)
	assert.Equal(t, "****-key", r.Header.Get("ApiKey"), "any case")

	assert.Equal(t, "****", reqs[3].Header.Get("authToken"), "short values are masked whole")
	assert.Equal(t, cometchatcallstest.CredentialUnknown, reqs[3].Credential)
	assert.Equal(t, cometchatcallstest.CredentialUnknown, reqs[4].Credential)
	assert.Equal(t, "", reqs[5].Role)
	assert.Equal(t, cometchatcallstest.CredentialNone, reqs[5].Credential)
	assert.Equal(t, "Bearer ****", reqs[5].Header.Get("Authorization"), "only the scheme: the end of a Basic value is the password's")

	for _, r := range reqs {
		for name, vs := range r.Header {
			for _, v := range vs {
				assert.False(t, strings.Contains(v, tok), "header %s shows the token", name)
				assert.False(t, strings.Contains(v, srv.APIKey()), "header %s shows the key", name)
				assert.NotContains(t, v, srv.AuthKey(), name)
			}
		}
	}
}

func TestRequests_MasksTheTokenOfARevocationPath(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	tok := login(t, srv, "cometchat-uid-1")
	p := "/admin/v3.0/users/cometchat-uid-1/auth_tokens/"
	send(t, srv, "GET", p+tok, "", adminHdr(srv)...).data(t)
	send(t, srv, "DELETE", p+tok, "", adminHdr(srv)...).data(t)

	reqs := srv.Requests()
	require.Len(t, reqs, 4, "login (2), GET, DELETE")
	want := p + "****" + tok[len(tok)-4:]
	for _, r := range reqs[2:] {
		// Compared without assert.Equal, whose report would print the token.
		assert.True(t, r.Path == want, "%s: Path is not masked", r.Method)
		assert.True(t, r.RawPath == want, "%s: RawPath is not masked", r.Method)
	}
	assert.Empty(t, srv.AuthTokens("cometchat-uid-1"), "the revocation itself used the real token")
}

// TestRequests_MasksTheTokenOfAnOddlyEncodedRevocationPath: the router
// unescapes each segment, so a path that encodes the marker segment
// (auth%5Ftokens) or another one still reaches the token routes; RawPath,
// which keeps that encoding, must not show the token either.
func TestRequests_MasksTheTokenOfAnOddlyEncodedRevocationPath(t *testing.T) {
	t.Parallel()
	for _, p := range []string{
		"/admin/v3.0/users/cometchat-uid-1/auth%5Ftokens/",
		"/%61dmin/v3.0/users/cometchat-uid-1/auth_tokens/",
	} {
		srv := newServer(t)
		tok := login(t, srv, "cometchat-uid-1")
		send(t, srv, "GET", p+tok, "", adminHdr(srv)...).data(t) // the route answered

		r := srv.Requests()[2]
		assert.False(t, strings.Contains(r.Path, tok), "%s: Path shows the token", p)
		assert.False(t, strings.Contains(r.RawPath, tok), "%s: RawPath shows the token", p)
		assert.True(t, strings.HasSuffix(r.RawPath, "/****"+tok[len(tok)-4:]), "%s: RawPath is not masked", p)
	}
}

func TestRequests_CopiesAndReset(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	srv.FailNext(1, cometchatcallstest.Fault503())
	send(t, srv, "POST", "/admin/v3.0/users", `{"uid":"x","name":"X"}`, adminHdr(srv)...)
	reqs := srv.Requests()
	require.Len(t, reqs, 1, "faulted requests are recorded")
	reqs[0].Body[0] = '!'
	reqs[0].Header.Set("appId", "changed")
	again := srv.Requests()
	assert.Equal(t, byte('{'), again[0].Body[0])
	assert.Equal(t, srv.AppID(), again[0].Header.Get("appId"))

	srv.ResetRequests()
	assert.Empty(t, srv.Requests())
	send(t, srv, "GET", "/", "", "appId", srv.AppID())
	assert.Len(t, srv.Requests(), 1)
}
