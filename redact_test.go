package cometchatcalls

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/cometchat-go/cometchatcalls/internal/syncbuf"
	"github.com/jarcoal/httpmock"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Credentials of the redaction tests, on top of testAuthKey, testToken and
// testToken2. Like those, they are long and distinctive and never printed.
const (
	redactAPIKey = "restkey-r3dact-0f1e2d3c4b5a69788796a5b4c3d2e1f0"
	// redactToken3 is a token the server refuses.
	redactToken3 = "cometchat-uid-3_1700000002cccccccccccccccccccccccccccccccccccccccc"
	// redactAdminToken is issued by CreateAuthToken; its path-escaped form
	// differs from it, so both must stay hidden.
	redactAdminToken = "cometchat-uid-1_r3dact/odd?tok%2F=00112233445566778899"
)

// redactSecrets names every credential the redaction tests use, so that a
// failure says which one leaked without printing it.
var redactSecrets = []struct{ name, value string }{
	{"auth key", testAuthKey},
	{"auth token 1", testToken},
	{"auth token 2", testToken2},
	{"refused auth token 3", redactToken3},
	{"REST API key", redactAPIKey},
	{"admin-issued token", redactAdminToken},
	{"admin-issued token, path-escaped", url.PathEscape(redactAdminToken)},
}

// leakChecker collects everything the SDK showed during a test, step by
// step, and reports which step showed which credential (never the text).
type leakChecker struct {
	t       *testing.T
	checked int
}

func (lc *leakChecker) check(step, text string) {
	lc.t.Helper()
	lc.checked++
	for _, s := range redactSecrets {
		if n := strings.Count(text, s.value); n > 0 {
			lc.t.Errorf("%s: the %s occurs %d time(s)", step, s.name, n)
		}
	}
}

// fmtVerbs are the verbs a user might print any value with.
var fmtVerbs = []string{"%v", "%+v", "%#v", "%s", "%q", "%x", "%X", "%d", "%T", "%10.4v"}

// checkFormatted prints v with every verb, fmt.Sprint and fmt.Sprintln.
func (lc *leakChecker) checkFormatted(step string, v any) {
	lc.t.Helper()
	for _, verb := range fmtVerbs {
		lc.check(step+" "+verb, fmt.Sprintf(verb, v))
	}
	lc.check(step+" Sprint", fmt.Sprint(v)+fmt.Sprintln(v, v))
}

// checkError prints err and every error behind it, at every level of its
// Unwrap chain (both forms of Unwrap), and its Details.
func (lc *leakChecker) checkError(step string, err error) {
	lc.t.Helper()
	var walk func(level string, err error)
	walk = func(level string, err error) {
		if err == nil {
			return
		}
		lc.check(step+" "+level+" Error()", err.Error())
		lc.checkFormatted(step+" "+level, err)
		var e *Error
		if errors.As(err, &e) {
			lc.checkFormatted(step+" "+level+" Details", e.Details)
			b, _ := json.Marshal(e)
			lc.check(step+" "+level+" json", string(b))
		}
		switch u := err.(type) {
		case interface{ Unwrap() error }:
			walk(level+".Unwrap", u.Unwrap())
		case interface{ Unwrap() []error }:
			for i, c := range u.Unwrap() {
				walk(fmt.Sprintf("%s.Unwrap[%d]", level, i), c)
			}
		}
	}
	walk("err", err)
}

// teeHandler sends every record to each of its handlers.
type teeHandler []slog.Handler

func (h teeHandler) Enabled(ctx context.Context, l slog.Level) bool {
	for _, x := range h {
		if x.Enabled(ctx, l) {
			return true
		}
	}
	return false
}

func (h teeHandler) Handle(ctx context.Context, r slog.Record) error {
	for _, x := range h {
		if x.Enabled(ctx, r.Level) {
			if err := x.Handle(ctx, r.Clone()); err != nil {
				return err
			}
		}
	}
	return nil
}

func (h teeHandler) WithAttrs(as []slog.Attr) slog.Handler {
	out := make(teeHandler, len(h))
	for i, x := range h {
		out[i] = x.WithAttrs(as)
	}
	return out
}

func (h teeHandler) WithGroup(name string) slog.Handler {
	out := make(teeHandler, len(h))
	for i, x := range h {
		out[i] = x.WithGroup(name)
	}
	return out
}

// debugLoggers returns a logger writing debug JSON into one buffer and
// debug text into the other.
func debugLoggers() (*slog.Logger, *syncbuf.Buffer, *syncbuf.Buffer) {
	jsonOut, textOut := &syncbuf.Buffer{}, &syncbuf.Buffer{}
	opts := &slog.HandlerOptions{Level: slog.LevelDebug, AddSource: true}
	return slog.New(teeHandler{slog.NewJSONHandler(jsonOut, opts), slog.NewTextHandler(textOut, opts)}), jsonOut, textOut
}

// quotingError answers an error envelope whose message and details quote
// what the request sent, the way CometChat's own messages do.
func quotingError(status int, code string, creds ...string) httpmock.Responder {
	details := map[string]any{"sent": creds, "header": "authToken: " + creds[0], creds[0]: []any{map[string]any{"deep": creds}}}
	return httpmock.NewJsonResponderOrPanic(status, map[string]any{"error": map[string]any{
		"code": code, "message": "The credential " + strings.Join(creds, ", ") + " does not exist", "details": details,
	}})
}

// withRetryAfter adds a Retry-After header to r's answers.
func withRetryAfter(v string, r httpmock.Responder) httpmock.Responder {
	return func(req *http.Request) (*http.Response, error) {
		resp, err := r(req)
		if resp != nil {
			resp.Header.Set("Retry-After", v)
		}
		return resp, err
	}
}

// opaqueError hides its cause from its own text, as some proxy or
// middleware errors do: only printing the Unwrap chain shows the cause.
type opaqueError struct{ cause error }

func (e *opaqueError) Error() string { return "upstream proxy failed" }
func (e *opaqueError) Unwrap() error { return e.cause }

// TestRedaction_FullSessionShowsNoSecret drives a whole life cycle (logins
// with key and token, refused logins whose answers quote the credential,
// validation, server, rate-limit and network errors, logouts, an
// AdminClient) with debug JSON and text logging, then prints every value
// the SDK handed out, and every exported type, every way Go can. No
// credential may appear anywhere.
func TestRedaction_FullSessionShowsNoSecret(t *testing.T) {
	t.Parallel()
	logger, jsonLog, textLog := debugLoggers()
	lc := &leakChecker{t: t}

	// A FileStore whose file is corrupt (and holds a token): the first
	// login moves it aside with a warning.
	storePath := filepath.Join(t.TempDir(), "sessions.json")
	corrupt := `{"version":1,"sessions":{"` + testAppID + `":{"appId":"` + testAppID + `","authToken":"` + testToken + `","user":5}}}`
	require.NoError(t, os.WriteFile(storePath, []byte(corrupt), 0o600))
	store := NewFileStore(storePath)

	c, mt := setup(t, WithLogger(logger), WithSessionStore(store), WithRetries(1), WithUserAgent("redaction-test/1.0"))
	ctx := context.Background()
	var got []any // every value the SDK returned or passed to a callback

	var listenerErrs []*Error
	listener := LoginListener{
		OnLoginSuccess:  func(u *User) { got = append(got, u) },
		OnLoginFailure:  func(e *Error) { listenerErrs = append(listenerErrs, e) },
		OnLogoutSuccess: func() {},
		OnLogoutFailure: func(e *Error) { listenerErrs = append(listenerErrs, e) },
	}
	c.AddLoginListener("redaction", listener)

	// step runs one call, turning a panic into a failure named after it.
	step := func(name, wantCode string, call func() (any, error)) {
		t.Helper()
		var (
			v   any
			err error
		)
		func() {
			defer func() {
				if r := recover(); r != nil {
					t.Errorf("%s: panic (value not printed)", name)
				}
			}()
			v, err = call()
		}()
		if wantCode == "" {
			assert.NoError(t, err, name)
		} else {
			var e *Error
			if assert.ErrorAs(t, err, &e, name) {
				assert.Equal(t, wantCode, e.Code, name)
			}
		}
		lc.checkError(name, err)
		if v != nil {
			got = append(got, v)
			lc.checkFormatted(name+" result", v)
		}
	}
	login := func(uid, key string) func() (any, error) {
		return func() (any, error) { return c.Login(ctx, uid, key) }
	}
	tokenLogin := func(tok string) func() (any, error) {
		return func() (any, error) { return c.LoginWithAuthToken(ctx, tok) }
	}
	validate := func() (any, error) { return c.ValidateSession(ctx) }
	logout := func() (any, error) { return nil, c.Logout(ctx) }

	// Failed login: the server quotes the auth key.
	mt.RegisterResponder(http.MethodPost, adminBase+"/users/cometchat-uid-9/auth_tokens",
		quotingError(401, CodeAPIKeyInvalid, testAuthKey))
	step("failed login with key", CodeAPIKeyInvalid, login("cometchat-uid-9", testAuthKey))

	// Login with the key, then validate the session.
	mockLogin(mt, testUID, "Andrew", testToken)
	step("login with key", "", login(testUID, testAuthKey))
	mt.RegisterResponder(http.MethodGet, meURL, dataResponder(200, userJSON(testUID, "Andrew Joseph")))
	step("validate", "", validate)

	// A server error whose message and details quote the token.
	mt.RegisterResponder(http.MethodGet, meURL, quotingError(500, "ERR_INTERNAL", testToken))
	step("server error quoting the token", "ERR_INTERNAL", validate)

	// Rate limited twice: retried once, then given up (a warn line).
	mt.RegisterResponder(http.MethodGet, meURL, withRetryAfter("0", quotingError(503, "ERR_UNAVAILABLE", testToken)))
	step("retries given up", "ERR_UNAVAILABLE", validate)

	// Network errors that carry the token in their URL and text, one of
	// them hidden behind an error whose own text does not show it.
	mt.RegisterResponder(http.MethodGet, meURL, httpmock.NewErrorResponder(&url.Error{
		Op: "Get", URL: meURL + "?authToken=" + testToken,
		Err: fmt.Errorf("proxy refused authToken=%s: %w", testToken, io.ErrUnexpectedEOF),
	}))
	step("network error quoting the token", CodeNetwork, validate)
	mt.RegisterResponder(http.MethodGet, meURL, httpmock.NewErrorResponder(&opaqueError{
		cause: fmt.Errorf("header authToken: %s refused", testToken),
	}))
	step("network error hiding the token in its chain", CodeNetwork, validate)

	// Token login as another user: the implicit logout of the first one
	// fails with an error quoting its token (a warn line).
	mt.RegisterResponder(http.MethodDelete, meURL, httpmock.NewErrorResponder(fmt.Errorf("reset while sending authToken %s", testToken)))
	mt.RegisterMatcherResponder(http.MethodPut, meURL, httpmock.HeaderIs("authToken", testToken2),
		dataResponder(200, userJSON("cometchat-uid-2", "George")))
	step("token login", "", tokenLogin(testToken2))

	// A refused token login whose answer quotes the token.
	mockLogout(mt)
	mt.RegisterMatcherResponder(http.MethodPut, meURL, httpmock.HeaderIs("authToken", redactToken3),
		quotingError(401, CodeAuthTokenNotFound, redactToken3))
	step("failed token login", CodeAuthTokenNotFound, tokenLogin(redactToken3))

	// The same, asynchronously.
	var asyncErr *Error
	wait(t, c.LoginWithAuthTokenAsync(ctx, redactToken3, func(u *User) { got = append(got, u) }, func(e *Error) { asyncErr = e }))
	require.NotNil(t, asyncErr)
	lc.checkError("failed async token login", asyncErr)

	// A session the server revoked: ValidateSession ends it.
	step("token login again", "", tokenLogin(testToken2))
	mt.RegisterResponder(http.MethodGet, meURL, quotingError(401, CodeAuthTokenNotFound, testToken2))
	step("validate a revoked session", CodeAuthTokenNotFound, validate)

	// A logout the server does not confirm.
	step("login with key again", "", login(testUID, testAuthKey))
	mt.RegisterResponder(http.MethodDelete, meURL, quotingError(502, "ERR_BAD_GATEWAY", testToken))
	step("failed logout", CodeLogoutFail, logout)

	// A plain logout, and a login that meets a network error quoting the key.
	step("login with key a third time", "", login(testUID, testAuthKey))
	mockLogout(mt)
	step("logout", "", logout)
	mt.RegisterResponder(http.MethodPost, tokenURL, httpmock.NewErrorResponder(fmt.Errorf("dial tcp: apiKey=%s: %w", testAuthKey, net.ErrClosed)))
	step("login meets a network error quoting the key", CodeNetwork, login(testUID, testAuthKey))
	mockLogin(mt, testUID, "Andrew", testToken)
	step("final login", "", login(testUID, testAuthKey))
	for i, e := range listenerErrs {
		lc.checkError(fmt.Sprintf("listener error %d", i), e)
	}

	// The AdminClient side, on its own mock transport and the same logger.
	amt := httpmock.NewMockTransport()
	a, err := NewAdminClient(testAppID, "us", redactAPIKey, WithHTTPClient(&http.Client{Transport: amt}),
		WithAdminHost(adminBase), WithLogger(logger), WithRetries(0))
	require.NoError(t, err)
	t.Cleanup(func() { _ = a.Close() })
	amt.RegisterResponder(http.MethodPost, tokenURL, dataResponder(200, map[string]any{"uid": testUID, "authToken": redactAdminToken, "createdAt": 1700000000}))
	amt.RegisterResponder(http.MethodGet, tokenURL, httpmock.NewJsonResponderOrPanic(200, map[string]any{
		"data": []any{map[string]any{"uid": testUID, "authToken": redactAdminToken, "createdAt": 1700000000}},
		"meta": map[string]any{"pagination": map[string]any{"current_page": 1, "total_pages": 1}},
	}))
	amt.RegisterResponder(http.MethodGet, adminBase+"/users/"+testUID, quotingError(401, CodeAPIKeyInvalid, redactAPIKey))
	revoke := quotingError(404, CodeRESTTokenNotFound, redactAdminToken, url.PathEscape(redactAdminToken), redactAPIKey)
	amt.RegisterNoResponder(func(r *http.Request) (*http.Response, error) {
		if r.Method == http.MethodDelete && strings.Contains(r.URL.EscapedPath(), "/auth_tokens/") {
			return revoke(r)
		}
		// The transport's error carries the URL, token and all.
		return nil, fmt.Errorf("no route to %s with apiKey %s", r.URL, redactAPIKey)
	})
	step("create auth token", "", func() (any, error) { return a.CreateAuthToken(ctx, testUID, &CreateAuthTokenOptions{Force: true}) })
	step("list auth tokens", "", func() (any, error) { return a.ListAuthTokens(ctx, testUID) })
	step("revoke refused", CodeRESTTokenNotFound, func() (any, error) { return nil, a.RevokeAuthToken(ctx, testUID, redactAdminToken) })
	step("get user refused", CodeAPIKeyInvalid, func() (any, error) { return a.GetUser(ctx, testUID) })
	step("flush meets a network error", CodeNetwork, func() (any, error) { return nil, a.FlushAuthTokens(ctx, testUID) })

	// Every exported type, holding credentials where it can.
	mem := NewMemoryStore()
	sess := Session{AppID: testAppID, User: *userOf(testUID), AuthToken: testToken, CreatedAt: time.Unix(1700000000, 0)}
	require.NoError(t, mem.Save(ctx, &sess))
	authTok := AuthToken{UID: testUID, Token: redactAdminToken, CreatedAt: time.Unix(1700000000, 0)}
	values := map[string]any{
		"*Client":                c,
		"Client (dereferenced)":  deref(c),
		"*AdminClient":           a,
		"AdminClient (deref)":    deref(a),
		"Session":                sess,
		"*Session":               &sess,
		"[]Session":              []Session{sess},
		"*MemoryStore":           mem,
		"MemoryStore (deref)":    deref(mem),
		"*FileStore":             store,
		"FileStore (deref)":      deref(store),
		"AuthToken":              authTok,
		"*AuthToken":             &authTok,
		"LoginListener":          listener,
		"[]Option":               []Option{WithLogger(logger), WithSessionStore(mem), WithUserAgent("x")},
		"User":                   *userOf(testUID),
		"NewUser":                NewUser{UID: testUID, Name: "A"},
		"CreateAuthTokenOptions": CreateAuthTokenOptions{Force: true},
		"DeleteUserOptions":      DeleteUserOptions{Permanent: true},
		"UserStatus":             StatusOnline,
		"sentinel":               ErrAuthTokenNotFound,
	}
	for i, v := range got {
		values[fmt.Sprintf("returned value %d (%T)", i, v)] = v
	}
	for name, v := range values {
		lc.checkFormatted(name, v)
		lc.checkFormatted(name+" in a struct", struct {
			V any
			P *any
		}{v, &v})
		lc.checkFormatted(name+" in a map", map[string]any{"k": v})
		lc.checkFormatted(name+" in a slice", []any{v, &v})
		if b, err := json.Marshal(v); err == nil && !carriesTokenInJSON(v) {
			lc.check(name+" json", string(b))
		}
	}

	// What testify prints when an assertion on these values fails: a
	// go-spew dump that skips String methods and follows pointers. (Session
	// and AuthToken are plain structs there: see SECURITY.md.)
	for _, name := range []string{"*Client", "*AdminClient", "*MemoryStore", "*FileStore", "LoginListener"} {
		v := values[name]
		zero := reflect.Zero(reflect.TypeOf(v)).Interface()
		var failure failureRecorder
		assert.Equal(&failure, v, zero) // fails: testify dumps both values
		require.Contains(t, failure.text, "Diff:", "%s: testify showed no dump", name)
		lc.check(name+" testify failure", failure.text)
	}

	// slog: each value alone, in groups, in With attributes and nested in
	// other values, through both handlers.
	for name, v := range values {
		if carriesTokenInJSON(v) {
			continue // JSON carries the token by design: TestRedaction_SessionInJSON
		}
		logger.Info("value", "v", v, slog.Group("g", slog.Any("v", v), slog.Group("inner", "v", v)))
		logger.With("with", v).WithGroup("grp").Debug("with", "v", v)
		logger.Info("nested", "s", struct {
			Name string
			V    any
		}{name, v}, "m", map[string]any{"v": v}, "l", []any{v})
	}
	_, _ = c.GetLoggedInUser(ctx) // a read that logs nothing, for completeness
	require.NoError(t, c.Close())
	require.NoError(t, a.Close())

	lc.check("JSON log", jsonLog.String())
	lc.check("text log", textLog.String())
	assert.Contains(t, textLog.String(), "level=WARN", "warn lines were logged")
	assert.Contains(t, textLog.String(), "[REDACTED]", "redacted values were logged")
	assert.Contains(t, jsonLog.String(), `"level":"DEBUG"`, "debug lines were logged")
	assert.Greater(t, lc.checked, 1000)
}

// TestRedaction_ServerMessagesStayUseful checks that redaction replaces the
// credential and keeps the rest of the server's message.
func TestRedaction_ServerMessagesStayUseful(t *testing.T) {
	t.Parallel()
	c, mt := setup(t, WithRetries(0))
	mt.RegisterResponder(http.MethodPost, tokenURL, quotingError(401, CodeAPIKeyInvalid, testAuthKey))
	_, err := c.Login(context.Background(), testUID, testAuthKey)
	e := requireCode(t, err, CodeAPIKeyInvalid)
	assert.Equal(t, "The credential [REDACTED] does not exist", e.Message)
	assert.Equal(t, map[string]any{
		"sent":       []any{"[REDACTED]"},
		"header":     "authToken: [REDACTED]",
		"[REDACTED]": []any{map[string]any{"deep": []any{"[REDACTED]"}}},
	}, e.Details)
}

// TestRedaction_SessionInJSON: slog shows a Session through LogValue,
// redacted; encoding/json carries the token (a store may persist it).
func TestRedaction_SessionInJSON(t *testing.T) {
	t.Parallel()
	sess := Session{AppID: testAppID, User: *userOf(testUID), AuthToken: testToken}
	var out bytes.Buffer
	l := slog.New(slog.NewJSONHandler(&out, nil))
	l.Info("m", "s", sess, "p", &sess, slog.Group("g", "s", sess))
	assertNoSecret(t, "Session in JSON logs", out.String(), testToken)
	assert.Equal(t, 3, strings.Count(out.String(), `"authToken":"[REDACTED]"`), "top level and groups: LogValue")

	b, err := json.Marshal(sess)
	require.NoError(t, err)
	var back Session
	require.NoError(t, json.Unmarshal(b, &back))
	assert.True(t, back.AuthToken == testToken, "JSON carries the token")
	assert.Equal(t, testAppID, back.AppID, "the rest of the session is encoded as usual")
}

// deref returns the value p points to, as a user's fmt.Printf("%+v", *p)
// would see it (through reflection, so that vet does not flag the copy of
// a lock).
func deref(p any) any { return reflect.ValueOf(p).Elem().Interface() }

func userOf(uid string) *User {
	return &User{UID: uid, Name: "Andrew", Status: StatusOnline, Metadata: map[string]any{"k": "v"}, Tags: []string{"t"}}
}

// quotingStore is a store with a careless error path: its failures quote
// the session they were given, token included, in a plain error, in a
// store *Error, and behind a wrapped cause.
type quotingStore struct {
	MemoryStore
	failing bool
}

func (s *quotingStore) fail(what, token string) error {
	if !s.failing {
		return nil
	}
	switch what {
	case "Save":
		return errors.New("save failed for token " + token)
	case "SaveIfToken":
		return &Error{Code: CodeSessionStore, Message: "replace failed for " + token}
	}
	return fmt.Errorf("delete failed: %w", errors.New("no row for "+token))
}

func (s *quotingStore) Save(ctx context.Context, sess *Session) error {
	if err := s.fail("Save", sess.AuthToken); err != nil {
		return err
	}
	return s.MemoryStore.Save(ctx, sess)
}

func (s *quotingStore) SaveIfToken(ctx context.Context, sess *Session, token string) error {
	if err := s.fail("SaveIfToken", token); err != nil {
		return err
	}
	return s.MemoryStore.SaveIfToken(ctx, sess, token)
}

func (s *quotingStore) DeleteIfToken(ctx context.Context, appID, token string) error {
	if err := s.fail("DeleteIfToken", token); err != nil {
		return err
	}
	return s.MemoryStore.DeleteIfToken(ctx, appID, token)
}

// TestRedaction_StoreErrorsShowNoToken: a store is the user's code, and
// one whose errors quote the token must not make the Client's errors
// show it, whatever the form of the store's error.
func TestRedaction_StoreErrorsShowNoToken(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	store := &quotingStore{}
	c, mt := loggedIn(t, WithSessionStore(store))
	mt.RegisterResponder(http.MethodGet, meURL, dataResponder(200, userJSON(testUID, "A")))
	mockLogout(mt)
	mockLogin(mt, testUID, "A", testToken)
	store.failing = true
	lc := &leakChecker{t: t}

	_, err := c.ValidateSession(ctx)
	requireCode(t, err, CodeSessionStore)
	lc.checkError("ValidateSession (SaveIfToken)", err)
	err = c.Logout(ctx)
	requireCode(t, err, CodeSessionStore)
	lc.checkError("Logout (DeleteIfToken)", err)
	_, err = c.Login(ctx, testUID, testAuthKey)
	requireCode(t, err, CodeSessionStore)
	lc.checkError("Login (Save)", err)
	assert.Contains(t, err.Error(), "save failed for token [REDACTED]", "the store's text stays, without the token")
}

// failureRecorder is a testing.TB for testify that keeps what a failing
// assertion would print.
type failureRecorder struct{ text string }

func (r *failureRecorder) Errorf(format string, args ...any) {
	r.text += fmt.Sprintf(format, args...)
}

// TestScrub_EveryCredentialTheCallKnows: the credential header, the token
// in the path and the other credentials of the call (newRequest's known) are
// scrubbed from Code, Message, Details (nested keys and values) and
// Error(), whether the server quotes them JSON-escaped, path-escaped or
// query-escaped; and from the URL of a transport error and the log line.
func TestScrub_EveryCredentialTheCallKnows(t *testing.T) {
	t.Parallel()
	const (
		key      = testAuthKey
		known    = testToken
		pathTok  = "tok/en?x=1+2&y=%41-0123456789abcdef"
		otherKey = "another-known-5ecret-fedcba9876543210"
	)
	secrets := []string{key, known, pathTok, otherKey}
	body := `{"error":{"code":"ERR_` + jsonUnicode(known) + `","message":"key ` + echoAll(key) +
		` token ` + echoAll(known) + ` path ` + echoAll(pathTok) + ` other ` + echoAll(otherKey) + `",` +
		`"details":{"` + jsonUnicode(key) + `":[{"deep":"` + echoAll(known) + `","` + jsonInner(url.PathEscape(pathTok)) + `":1},"` + echoAll(otherKey) + `"]}}}`
	req := func() request {
		req := newRequest(roleAdmin, http.MethodDelete, "/users/u/auth_tokens/"+url.PathEscape(pathTok), secret(key), nil,
			secret(pathTok), secret(known), secret(otherKey))
		req.query = "token=" + url.QueryEscape(known)
		return req
	}
	check := func(t *testing.T, texts map[string]string) {
		t.Helper()
		for what, text := range texts {
			for i, s := range secrets {
				for j, form := range escapedForms(s) {
					if revealed(text, form) {
						t.Errorf("%s reveals form %d of credential %d", what, j, i)
					}
				}
			}
		}
	}

	t.Run("server answer", func(t *testing.T) {
		t.Parallel()
		mt := httpmock.NewMockTransport()
		mt.RegisterNoResponder(rawResponder(404, "application/json", body))
		var logs strings.Builder
		tr := newTestTransport(t, mt, WithLogger(newTestLogger(&logs)))
		_, e := do[struct{}](context.Background(), tr, req())
		require.NotNil(t, e)
		assert.Equal(t, "ERR_"+redacted, e.Code)
		assert.Contains(t, e.Message, "key "+redacted+" "+redacted+" "+redacted+" token")
		texts := map[string]string{"Code": e.Code, "Message": e.Message, "Error()": e.Error(),
			"%+v": fmt.Sprintf("%+v", e), "Details": fmt.Sprintf("%v", e.Details), "log": logs.String()}
		walkJSON(e.Details, func(s string) { texts["Details"] += "\x00" + s })
		check(t, texts)
		assert.Contains(t, logs.String(), "path=/users/u/auth_tokens/"+redacted)
	})
	t.Run("transport error quoting the URL", func(t *testing.T) {
		t.Parallel()
		mt := httpmock.NewMockTransport()
		mt.RegisterNoResponder(httpmock.NewErrorResponder(fmt.Errorf("proxy refused %s with key %s and %s", pathTok, key, otherKey)))
		tr := newTestTransport(t, mt, WithRetries(0))
		_, e := do[struct{}](context.Background(), tr, req())
		require.NotNil(t, e)
		texts := map[string]string{"Error()": e.Error()}
		for level, c := 0, errors.Unwrap(e); c != nil; level, c = level+1, errors.Unwrap(c) {
			texts[fmt.Sprintf("cause %d", level)] = c.Error()
		}
		check(t, texts)
	})
}

// TestScrub_LongestCredentialFirst: a credential inside another one does
// not leave the rest of the longer one behind.
func TestScrub_LongestCredentialFirst(t *testing.T) {
	t.Parallel()
	sc := newScrubber("abc", "abcdef-long")
	assert.Equal(t, "x "+redacted+" y "+redacted, sc.string("x abcdef-long y abc"))
}

// TestScrub_EachFormOnce: a credential given twice, or whose escaped forms
// are the same text, is listed once, longest form first.
func TestScrub_EachFormOnce(t *testing.T) {
	t.Parallel()
	assert.Equal(t, scrubber{"a%2Bb", "a+b"}, newScrubber("a+b", "", "a+b"))
	assert.Equal(t, scrubber{"tok"}, newScrubber("tok", "tok"))
	assert.Empty(t, newScrubber(""))
}

// BenchmarkNewScrubber_ManyTokens: the scrubber of a ListAuthTokens page
// that knows the 10,000 tokens of the 100 pages before it.
func BenchmarkNewScrubber_ManyTokens(b *testing.B) {
	creds := make([]secret, 10_000)
	for i := range creds {
		creds[i] = secret(fmt.Sprintf("cometchat-uid-%d_1700000000%040d", i, i))
	}
	b.ReportAllocs()
	for b.Loop() {
		if sc := newScrubber(creds...); len(sc) != len(creds) {
			b.Fatalf("%d forms, want %d", len(sc), len(creds))
		}
	}
}
