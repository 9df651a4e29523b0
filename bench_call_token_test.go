package cometchatcalls

// BenchmarkGenerateCallToken: the one request after login, on the same
// loopback server as the login benchmarks in bench_test.go (with the calls
// host added), SDK against the same request sent by hand with net/http.
// BENCHMARKS.md has the figures.

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
)

const benchCallPath = "/call/v3.0/call_tokens"

var benchCallTokenAnswer = mustJSON(map[string]any{"data": map[string]any{
	// A call token is a JWT of about this size.
	"token": "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9." +
		"eyJhcHBJZCI6ImJlbmNoYXBwMSIsInNlc3Npb25JZCI6ImJlbmNoLXNlc3Npb24iLCJ1aWQiOiJjb21ldGNoYXQtdWlkLTEifQ." +
		"c2lnbmF0dXJlLW9mLXRoZS1jYWxsLXRva2Vu",
}})

// newCallBenchServer is a plain-HTTP benchServer that also answers POST
// /call/v3.0/call_tokens (appId and a known authToken required, the body
// read and checked), as cheaply as the other endpoints. spy, if not nil,
// sees every request and its body first.
func newCallBenchServer(tb testing.TB, spy func(*http.Request, []byte)) *benchServer {
	tb.Helper()
	hosts := newBenchServer(tb, false)
	s := &benchServer{tokenAnswer: hosts.tokenAnswer, meAnswer: hosts.meAnswer}
	s.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if spy != nil {
			body, _ := io.ReadAll(r.Body)
			spy(r, body)
			r.Body = io.NopCloser(bytes.NewReader(body))
		}
		if r.URL.Path != benchCallPath {
			hosts.ServeHTTP(w, r)
			return
		}
		status, answer := s.callTokenAnswer(r)
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(status)
		_, _ = w.Write(answer)
	}))
	tb.Cleanup(s.srv.Close)
	return s
}

func (s *benchServer) callBase() string { return s.srv.URL + "/call/v3.0" }

func (s *benchServer) callTokenAnswer(r *http.Request) (int, []byte) {
	if r.Method != http.MethodPost || r.Header.Get("appId") != benchAppID {
		return http.StatusUnauthorized, benchBadKey
	}
	if _, ok := s.meAnswer[r.Header.Get("authToken")]; !ok {
		return http.StatusUnauthorized, benchNoToken
	}
	body, err := io.ReadAll(r.Body)
	if err != nil || !bytes.HasPrefix(body, []byte(`{"sessionId":"`)) {
		return http.StatusBadRequest, benchBadRequest
	}
	return http.StatusOK, benchCallTokenAnswer
}

// rawCallToken sends POST /call_tokens like Client.GenerateCallToken,
// encoding the body per call as the SDK does.
func rawCallToken(ctx context.Context, rc *rawClient, base, token, sessionID string) (string, error) {
	body, err := json.Marshal(struct {
		SessionID string `json:"sessionId"`
	}{sessionID})
	if err != nil {
		return "", err
	}
	var env rawEnvelope[callTokenData]
	if err := rc.call(ctx, http.MethodPost, base+"/call_tokens", "authToken", token, body, &env); err != nil {
		return "", err
	}
	return env.Data.Token, nil
}

// BenchmarkGenerateCallToken: Client.GenerateCallToken for the logged-in
// session (one POST, no store write), against the same request by hand.
// Compare with BenchmarkLogin (two requests and a store write) from the
// same run.
func BenchmarkGenerateCallToken(b *testing.B) {
	srv := newCallBenchServer(b, nil)
	ctx := context.Background()
	const session = "bench-session"
	b.Run("impl=raw", func(b *testing.B) {
		rc := newRawClient(b, srv, srv)
		runOps(b, func() error {
			_, err := rawCallToken(ctx, rc, srv.callBase(), benchToken1, session)
			return err
		})
	})
	b.Run("impl=sdk", func(b *testing.B) {
		c := newBenchClient(b, srv, srv, WithCallHost(srv.callBase()))
		if _, err := c.LoginWithAuthToken(ctx, benchToken1); err != nil {
			b.Fatal(err)
		}
		runOps(b, func() error {
			_, err := c.GenerateCallToken(ctx, session)
			return err
		})
	})
}

// TestBenchCallTokenBaselineSendsWhatTheSDKSends keeps the comparison
// fair: the raw request is the SDK's on the wire, and both get a token.
func TestBenchCallTokenBaselineSendsWhatTheSDKSends(t *testing.T) {
	t.Parallel()
	type seen struct {
		method, path string
		header       http.Header
		body         string
	}
	var (
		mu  sync.Mutex
		got []seen
	)
	srv := newCallBenchServer(t, func(r *http.Request, body []byte) {
		mu.Lock()
		defer mu.Unlock()
		got = append(got, seen{r.Method, r.URL.Path, r.Header.Clone(), string(body)})
	})
	ctx := context.Background()

	rc := newRawClient(t, srv, srv)
	rawTok, err := rawCallToken(ctx, rc, srv.callBase(), benchToken1, "s-1")
	if err != nil {
		t.Fatal(err)
	}
	c := newBenchClient(t, srv, srv, WithCallHost(srv.callBase()))
	if _, err := c.LoginWithAuthToken(ctx, benchToken1); err != nil {
		t.Fatal(err)
	}
	ct, err := c.GenerateCallToken(ctx, "s-1")
	if err != nil {
		t.Fatal(err)
	}
	if ct.Token != rawTok || rawTok == "" {
		t.Error("the SDK and the baseline decode different tokens")
	}
	mu.Lock()
	defer mu.Unlock()
	if len(got) != 3 { // raw, the SDK's login, the SDK's call token
		t.Fatalf("%d requests, want 3", len(got))
	}
	raw, sdk := got[0], got[2]
	if raw.method != sdk.method || raw.path != sdk.path || raw.body != sdk.body {
		t.Errorf("raw %s %s %s, sdk %s %s %s", raw.method, raw.path, raw.body, sdk.method, sdk.path, sdk.body)
	}
	for _, h := range []string{"appId", "Content-Type", "Accept", "User-Agent", "Content-Length"} {
		if raw.header.Get(h) != sdk.header.Get(h) {
			t.Errorf("header %s differs: raw %q, sdk %q", h, raw.header.Get(h), sdk.header.Get(h))
		}
	}
	if raw.header.Get("authToken") != sdk.header.Get("authToken") {
		t.Error("the authToken headers differ")
	}
}
