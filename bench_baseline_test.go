package cometchatcalls

// The hand-written clients the SDK is measured against: one on net/http
// alone, one on bare resty. Both send exactly the requests the SDK sends.

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/go-resty/resty/v2"
)

// rawClient is the baseline: what a careful developer writes with net/http
// alone. One reused *http.Client; the same headers (appId, apiKey or
// authToken, Content-Type, Accept, User-Agent) and the same JSON body as
// the SDK; every body read to the end and closed; answers decoded with
// encoding/json into the same structs. No retries, no per-request timeout,
// no session store: that is the SDK's overhead being measured.
type rawClient struct {
	hc         *http.Client
	adminBase  string
	clientBase string
	appID      string
	userAgent  string
	body       []byte // {"platform":"web","deviceId":…}, encoded once
}

func newRawClient(tb testing.TB, admin, client *benchServer) *rawClient {
	tb.Helper()
	hc := benchHTTPClient(admin.srv)
	tb.Cleanup(hc.CloseIdleConnections)
	return &rawClient{
		hc:         hc,
		adminBase:  admin.adminBase(),
		clientBase: client.clientBase(),
		appID:      benchAppID,
		userAgent:  userAgent(""),
		body:       newLoginBody(),
	}
}

type rawEnvelope[T any] struct {
	Data  *T           `json:"data"`
	Error *serverError `json:"error"`
}

// login sends POST auth_tokens then PUT /me, like Client.Login.
func (rc *rawClient) login(ctx context.Context, uid, authKey string) (*User, string, error) {
	var tok rawEnvelope[authTokenData]
	if err := rc.call(ctx, http.MethodPost, rc.adminBase+"/users/"+url.PathEscape(uid)+"/auth_tokens", "apiKey", authKey, rc.body, &tok); err != nil {
		return nil, "", err
	}
	u, err := rc.loginWithToken(ctx, tok.Data.AuthToken)
	return u, tok.Data.AuthToken, err
}

// loginWithToken sends PUT /me, like Client.LoginWithAuthToken.
func (rc *rawClient) loginWithToken(ctx context.Context, token string) (*User, error) {
	var env rawEnvelope[User]
	if err := rc.call(ctx, http.MethodPut, rc.clientBase+"/me", "authToken", token, rc.body, &env); err != nil {
		return nil, err
	}
	return env.Data, nil
}

// logout sends DELETE /me, like Client.Logout.
func (rc *rawClient) logout(ctx context.Context, token string) error {
	var env rawEnvelope[struct{}]
	return rc.call(ctx, http.MethodDelete, rc.clientBase+"/me", "authToken", token, nil, &env)
}

func (rc *rawClient) call(ctx context.Context, method, u, credHeader, cred string, body []byte, out interface{ ok() bool }) error {
	var rd io.Reader
	if body != nil {
		rd = bytes.NewReader(body)
	}
	req, err := http.NewRequestWithContext(ctx, method, u, rd)
	if err != nil {
		return err
	}
	req.Header.Set("appId", rc.appID)
	req.Header.Set(credHeader, cred)
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	req.Header.Set("Accept", "application/json")
	req.Header.Set("User-Agent", rc.userAgent)
	resp, err := rc.hc.Do(req)
	if err != nil {
		return err
	}
	b, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil {
		return err
	}
	if err := json.Unmarshal(b, out); err != nil {
		return err
	}
	if resp.StatusCode != http.StatusOK || !out.ok() {
		return fmt.Errorf("%s %s: status %d", method, u, resp.StatusCode)
	}
	return nil
}

func (e *rawEnvelope[T]) ok() bool { return e.Data != nil && e.Error == nil }

// restyClient is the second baseline: the same requests through bare resty
// (static headers on the client, per-request headers with SetHeader, the
// body as a *bytes.Reader as the SDK sends it, the answer read and decoded
// by hand), to show how much of the SDK's overhead is resty's.
type restyClient struct {
	rc         *resty.Client
	adminBase  string
	clientBase string
	body       []byte
}

func newRestyClient(tb testing.TB, admin, client *benchServer) *restyClient {
	tb.Helper()
	hc := benchHTTPClient(admin.srv)
	tb.Cleanup(hc.CloseIdleConnections)
	return newRestyClientWith(hc, admin.adminBase(), client.clientBase())
}

func newRestyClientWith(hc *http.Client, adminBase, clientBase string) *restyClient {
	rc := resty.NewWithClient(hc).SetCookieJar(nil).SetHeaders(map[string]string{
		"appId":      benchAppID,
		"Accept":     "application/json",
		"User-Agent": userAgent(""),
	})
	return &restyClient{rc: rc, adminBase: adminBase, clientBase: clientBase, body: newLoginBody()}
}

func (c *restyClient) loginWithToken(ctx context.Context, token string) (*User, error) {
	var env rawEnvelope[User]
	if err := c.call(ctx, http.MethodPut, c.clientBase+"/me", "authToken", token, c.body, &env); err != nil {
		return nil, err
	}
	return env.Data, nil
}

func (c *restyClient) login(ctx context.Context, uid, authKey string) (*User, string, error) {
	var tok rawEnvelope[authTokenData]
	if err := c.call(ctx, http.MethodPost, c.adminBase+"/users/"+url.PathEscape(uid)+"/auth_tokens", "apiKey", authKey, c.body, &tok); err != nil {
		return nil, "", err
	}
	u, err := c.loginWithToken(ctx, tok.Data.AuthToken)
	return u, tok.Data.AuthToken, err
}

// logout sends DELETE /me, like Client.Logout.
func (c *restyClient) logout(ctx context.Context, token string) error {
	var env rawEnvelope[struct{}]
	return c.call(ctx, http.MethodDelete, c.clientBase+"/me", "authToken", token, nil, &env)
}

func (c *restyClient) call(ctx context.Context, method, u, credHeader, cred string, body []byte, out interface{ ok() bool }) error {
	r := c.rc.R().SetContext(ctx).SetDoNotParseResponse(true).SetHeader(credHeader, cred)
	if body != nil {
		// The same body type as the SDK (transport.exchange): a reader.
		r.SetHeader("Content-Type", "application/json").SetBody(bytes.NewReader(body))
	}
	resp, err := r.Execute(method, u)
	if err != nil {
		return err
	}
	b, err := io.ReadAll(resp.RawResponse.Body)
	resp.RawResponse.Body.Close()
	if err != nil {
		return err
	}
	if err := json.Unmarshal(b, out); err != nil {
		return err
	}
	if resp.StatusCode() != http.StatusOK || !out.ok() {
		return fmt.Errorf("%s %s: status %d", method, u, resp.StatusCode())
	}
	return nil
}

// TestBenchBaselineSendsWhatTheSDKSends keeps the comparison honest: the
// raw and resty clients' requests carry the same method, path, headers,
// framing (Content-Length, no chunking) and body as the SDK's (the device
// ID aside, which is random per client), and decode the same user.
func TestBenchBaselineSendsWhatTheSDKSends(t *testing.T) {
	var mu sync.Mutex
	var got []string
	srv := newSpiedBenchServer(t, false, func(r *http.Request, body []byte) {
		var fields map[string]string
		if len(body) > 0 {
			if err := json.Unmarshal(body, &fields); err != nil {
				t.Errorf("%s %s: body is not a JSON object of strings", r.Method, r.URL.Path)
			}
			if !strings.HasPrefix(fields["deviceId"], "go-") {
				t.Errorf("%s %s: unexpected deviceId", r.Method, r.URL.Path)
			}
			fields["deviceId"] = "…"
		}
		mu.Lock()
		got = append(got, fmt.Sprintf("%s %s %v contentLength=%d transferEncoding=%q body=%v",
			r.Method, r.URL.Path, r.Header, r.ContentLength, r.TransferEncoding, fields))
		mu.Unlock()
	})
	sent := func(f func() error) []string {
		t.Helper()
		if err := f(); err != nil {
			t.Fatal(err)
		}
		mu.Lock()
		defer mu.Unlock()
		reqs := got
		got = nil
		return reqs
	}
	ctx := context.Background()
	c := newBenchClient(t, srv, srv)
	rc := newRawClient(t, srv, srv)
	rs := newRestyClient(t, srv, srv)
	sdkReqs := sent(func() error { return sdkLoginLogout(ctx, c) })
	rawReqs := sent(func() error { return rawLoginLogout(ctx, rc) })
	restyReqs := sent(func() error {
		if err := restyLogin(ctx, rs); err != nil {
			return err
		}
		var env rawEnvelope[struct{}]
		return rs.call(ctx, http.MethodDelete, rs.clientBase+"/me", "authToken", benchToken1, nil, &env)
	})
	if len(sdkReqs) != 3 || !slices.Equal(sdkReqs, rawReqs) || !slices.Equal(sdkReqs, restyReqs) {
		t.Fatalf("the baselines do not send what the SDK sends:\nsdk:   %q\nraw:   %q\nresty: %q", sdkReqs, rawReqs, restyReqs)
	}
	// And they decode the same user.
	forgetSession(c)
	su, err := c.LoginWithAuthToken(ctx, benchToken1)
	if err != nil {
		t.Fatal(err)
	}
	ru, err := rc.loginWithToken(ctx, benchToken1)
	if err != nil {
		t.Fatal(err)
	}
	tu, err := rs.loginWithToken(ctx, benchToken1)
	if err != nil {
		t.Fatal(err)
	}
	if fmt.Sprint(*su) != fmt.Sprint(*ru) || fmt.Sprint(*su) != fmt.Sprint(*tu) {
		t.Fatalf("different users: %+v vs %+v vs %+v", *su, *ru, *tu)
	}
}
