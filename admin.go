package cometchatcalls

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// AdminClient calls CometChat's REST API with the app's REST API key: the
// server half of the production login flow. Your backend authenticates its
// user, creates the CometChat user on first use (CreateUser) and hands the
// app a fresh auth token (CreateAuthToken); the app then calls
// Client.LoginWithAuthToken. The REST API key can act as any user, so it
// belongs on servers only, never in an app.
//
// An AdminClient shares the Client's transport, retries, timeouts, error
// type and redaction: every error is an *Error, server codes
// (ERR_UID_ALREADY_EXISTS, ERR_UID_NOT_FOUND, ERR_AUTH_TOKEN_NOT_FOUND,
// AUTH_ERR_NO_ACCESS, …) are kept as CometChat sent them, and no error,
// log line or fmt output contains the API key or an auth token.
//
// An AdminClient is safe for concurrent use by many goroutines; create one
// per app and reuse it. A call whose context is already done sends nothing
// and returns ERROR_NETWORK; after Close every call returns
// ERROR_CLIENT_CLOSED (so does a zero or nil AdminClient).
type AdminClient struct {
	appID  string
	region string
	// apiKey returns the key from a closure: fmt prints the unexported
	// fields of a dereferenced AdminClient without calling their methods,
	// and go-spew (testify's failure output) follows pointers too; both
	// show a func only as an address.
	apiKey func() secret
	t      *transport
	life   lifecycle
}

// NewAdminClient returns an AdminClient for the app appID in region ("us",
// "eu" or "in", any case), authenticated by the app's REST API key. It does
// no I/O and reads no environment variables.
//
// The app ID, region and options are checked as by New (ERROR_EMPTY_APPID,
// ERROR_INVALID_REGION, ERROR_INVALID_OPTION), then the key: an empty or
// blank key, or one holding control characters, is ERROR_API_KEY_NOT_FOUND.
// WithClientHost, WithCallHost and WithSessionStore are checked but have no
// effect: an AdminClient only talks to the admin host and keeps no session.
//
// The auth key works too, but CometChat lets it only create users and auth
// tokens; the other methods then fail with AUTH_ERR_NO_ACCESS.
func NewAdminClient(appID, region, apiKey string, opts ...Option) (*AdminClient, error) {
	cfg, err := newConfig(appID, region, opts)
	if err != nil {
		return nil, err
	}
	if e := validateAPIKey(apiKey); e != nil {
		return nil, e
	}
	key := secret(apiKey)
	return &AdminClient{
		appID:  appID,
		region: cfg.region,
		apiKey: func() secret { return key },
		t:      newAdminTransport(appID, &cfg.config),
	}, nil
}

// NewUser is a user for AdminClient.CreateUser. UID and Name are required;
// empty optional fields are not sent, so CometChat applies its defaults
// (role "default", no avatar…). Metadata must be encodable as JSON.
type NewUser struct {
	UID           string         `json:"uid"`
	Name          string         `json:"name"`
	Avatar        string         `json:"avatar,omitempty"`
	Link          string         `json:"link,omitempty"`
	Role          string         `json:"role,omitempty"`
	StatusMessage string         `json:"statusMessage,omitempty"`
	Metadata      map[string]any `json:"metadata,omitempty"`
	Tags          []string       `json:"tags,omitempty"`
}

// CreateUser creates the CometChat user u and returns it as the server
// stored it.
//
// The uid follows the rules of Client.Login (ERROR_INVALID_UID,
// ERROR_UID_WITH_SPACE); an empty or blank Name, or Metadata that cannot be
// encoded as JSON, is ERROR_INVALID_ARGUMENT. Bad input sends no request.
// A uid that exists already is ERR_UID_ALREADY_EXISTS: a backend that
// creates users on first use can ignore it with
// errors.Is(err, ErrUIDAlreadyExists).
//
// Like every request, a POST that got a 429, 502, 503 or 504 is retried; if
// the first attempt did reach CometChat, the retry answers
// ERR_UID_ALREADY_EXISTS.
func (a *AdminClient) CreateUser(ctx context.Context, u NewUser) (*User, error) {
	if e := a.enter(ctx); e != nil {
		return nil, e
	}
	defer a.life.leave()
	if e := validateUID(u.UID); e != nil {
		return nil, e
	}
	if strings.TrimSpace(u.Name) == "" {
		return nil, newError(CodeInvalidArgument, "Name cannot be empty")
	}
	body, err := json.Marshal(u)
	if err != nil {
		return nil, wrapError(CodeInvalidArgument, "the user cannot be encoded as JSON: "+err.Error(), err)
	}
	return a.user(ctx, http.MethodPost, "/users", body)
}

// GetUser returns the CometChat user uid. The uid follows the rules of
// Client.Login, checked before any request; an unknown or deactivated user
// is ERR_UID_NOT_FOUND.
func (a *AdminClient) GetUser(ctx context.Context, uid string) (*User, error) {
	if e := a.enter(ctx); e != nil {
		return nil, e
	}
	defer a.life.leave()
	if e := validateUID(uid); e != nil {
		return nil, e
	}
	return a.user(ctx, http.MethodGet, userPath(uid), nil)
}

// user sends a request whose answer is a user.
func (a *AdminClient) user(ctx context.Context, method, path string, body []byte) (*User, error) {
	u, e := do[User](ctx, a.t, a.request(method, path, body))
	if e != nil {
		return nil, e
	}
	if u.UID == "" {
		return nil, invalidResponse(http.StatusOK, "the user in the answer has no uid", nil)
	}
	return u, nil
}

// DeleteUserOptions tunes AdminClient.DeleteUser; nil means the defaults.
type DeleteUserOptions struct {
	// Permanent deletes the user and their data for good. Without it
	// CometChat soft-deletes the user, who can no longer log in.
	Permanent bool
}

// DeleteUser deletes the user uid (softly, unless opts.Permanent), which
// also invalidates the user's auth tokens. The uid follows the rules of
// Client.Login, checked before any request; an unknown user is
// ERR_UID_NOT_FOUND.
func (a *AdminClient) DeleteUser(ctx context.Context, uid string, opts *DeleteUserOptions) error {
	if e := a.enter(ctx); e != nil {
		return e
	}
	defer a.life.leave()
	if e := validateUID(uid); e != nil {
		return e
	}
	var o DeleteUserOptions
	if opts != nil {
		o = *opts
	}
	body, _ := json.Marshal(struct {
		Permanent bool `json:"permanent"`
	}{o.Permanent})
	return a.send(ctx, a.request(http.MethodDelete, userPath(uid), body))
}

// AuthToken is an auth token that CometChat issued for a user: what a
// backend hands to the app for Client.LoginWithAuthToken.
//
// Token is a bearer credential. fmt (every verb, %+v and %#v included) and
// slog (through LogValue) show it as "[REDACTED]", so an AuthToken can be
// printed and logged safely. encoding/json carries the token: a backend
// may send json.Marshal(tok) to its app, and a "[REDACTED]" there would
// silently break the login. So never log an AuthToken as part of a value
// that slog encodes as JSON.
type AuthToken struct {
	// UID is the user the token logs in.
	UID string
	// Token is the auth token.
	Token string
	// CreatedAt is when CometChat created the token (whole seconds), or
	// the zero Time if the server did not say.
	CreatedAt time.Time
}

// String implements fmt.Stringer without revealing the token.
func (t AuthToken) String() string {
	return fmt.Sprintf("AuthToken{UID:%q Token:%s CreatedAt:%s}", t.UID, redacted, t.CreatedAt.Format(time.RFC3339))
}

// GoString implements fmt.GoStringer without revealing the token.
func (t AuthToken) GoString() string { return "cometchatcalls." + t.String() }

// Format implements fmt.Formatter so that every verb goes through String
// (or GoString for %#v).
func (t AuthToken) Format(f fmt.State, verb rune) { formatRedacted(f, verb, t) }

// LogValue implements slog.LogValuer without revealing the token.
func (t AuthToken) LogValue() slog.Value {
	return slog.GroupValue(
		slog.String("uid", t.UID),
		slog.String("token", redacted),
		slog.Time("createdAt", t.CreatedAt),
	)
}

// CreateAuthTokenOptions tunes AdminClient.CreateAuthToken; nil means the
// defaults.
type CreateAuthTokenOptions struct {
	// Force makes CometChat create a new token. Without it, CometChat may
	// return one of the user's existing tokens.
	Force bool
}

// CreateAuthToken creates (or, without opts.Force, may reuse) an auth token
// for the user uid. CometChat's tokens do not expire; the newest 100 of each
// user stay valid.
//
// The uid follows the rules of Client.Login, checked before any request; an
// unknown or deactivated user is ERR_UID_NOT_FOUND. An answer without a
// usable token is ERROR_INVALID_RESPONSE.
func (a *AdminClient) CreateAuthToken(ctx context.Context, uid string, opts *CreateAuthTokenOptions) (*AuthToken, error) {
	if e := a.enter(ctx); e != nil {
		return nil, e
	}
	defer a.life.leave()
	if e := validateUID(uid); e != nil {
		return nil, e
	}
	var o CreateAuthTokenOptions
	if opts != nil {
		o = *opts
	}
	body, _ := json.Marshal(struct {
		Force bool `json:"force"`
	}{o.Force})
	data, e := do[authTokenData](ctx, a.t, a.request(http.MethodPost, tokensPath(uid), body))
	if e != nil {
		return nil, e
	}
	tok, e := data.authToken(uid)
	if e != nil {
		return nil, e
	}
	return &tok, nil
}

// authToken checks d, an auth token the server sent for uid, and converts it.
func (d authTokenData) authToken(uid string) (AuthToken, *Error) {
	if validateToken(d.AuthToken) != nil {
		return AuthToken{}, invalidResponse(http.StatusOK, "the server sent no usable auth token", nil)
	}
	if d.UID == "" {
		d.UID = uid
	}
	t := AuthToken{UID: d.UID, Token: d.AuthToken}
	if d.CreatedAt != 0 {
		t.CreatedAt = time.Unix(d.CreatedAt, 0)
	}
	return t, nil
}

// Pagination of ListAuthTokens: the largest page CometChat documents, and
// a bound on how many pages a broken or hostile server can make it follow.
const (
	tokensPerPage = 100
	maxTokenPages = 1000
)

// ListAuthTokens returns every auth token of the user uid, following
// every page of CometChat's list (100 tokens a page). Tokens created or
// revoked while it runs may be missed; none is listed twice.
//
// The uid follows the rules of Client.Login, checked before any request; an
// unknown user is ERR_UID_NOT_FOUND. An answer whose pagination is missing
// or inconsistent, or that claims more than 1000 pages, is
// ERROR_INVALID_RESPONSE.
func (a *AdminClient) ListAuthTokens(ctx context.Context, uid string) ([]AuthToken, error) {
	if e := a.enter(ctx); e != nil {
		return nil, e
	}
	defer a.life.leave()
	if e := validateUID(uid); e != nil {
		return nil, e
	}
	tokens := []AuthToken{}
	seen := make(map[string]bool)
	var received []secret
	for page := 1; ; page++ {
		query := url.Values{"perPage": {strconv.Itoa(tokensPerPage)}, "page": {strconv.Itoa(page)}}.Encode()
		req := a.request(http.MethodGet, tokensPath(uid), nil, received...) // a later page's error may quote them
		req.query = query
		var env *listPage[authTokenData]
		if e := doEnvelope(ctx, a.t, req, func() envelopeView { env = &listPage[authTokenData]{}; return env }); e != nil {
			return nil, e
		}
		p, e := env.checked("token list", page, maxTokenPages)
		if e != nil {
			return nil, e
		}
		for _, d := range *env.Data {
			tok, e := d.authToken(uid)
			if e != nil {
				return nil, e
			}
			if !seen[tok.Token] {
				seen[tok.Token] = true
				tokens = append(tokens, tok)
				received = append(received, secret(tok.Token))
			}
		}
		if page >= p.TotalPages {
			return tokens, nil
		}
	}
}

// RevokeAuthToken deletes one auth token of the user uid: a Client logged in
// with it is logged out by its next ValidateSession. The uid follows the
// rules of Client.Login and the token those of Client.LoginWithAuthToken
// (ERROR_BLANK_AUTHTOKEN, ERROR_AUTHTOKEN_WITH_SPACE), checked before any
// request; a token that is "." or ".." (no auth token is) is
// ERROR_INVALID_ARGUMENT. An unknown token is ERR_AUTH_TOKEN_NOT_FOUND, an unknown user
// ERR_UID_NOT_FOUND. The token never appears in errors or logs, although it
// is part of the request path.
func (a *AdminClient) RevokeAuthToken(ctx context.Context, uid, token string) error {
	if e := a.enter(ctx); e != nil {
		return e
	}
	defer a.life.leave()
	if e := validateUID(uid); e != nil {
		return e
	}
	if e := validateToken(token); e != nil {
		return e
	}
	if token == "." || token == ".." {
		// A dot segment, which servers and proxies resolve: "/.." would
		// make this DELETE /users/{uid}, deleting the user.
		return newError(CodeInvalidArgument, "Auth token cannot be a dot path segment")
	}
	req := a.request(http.MethodDelete, tokensPath(uid)+"/"+url.PathEscape(token), nil, secret(token))
	return a.send(ctx, req)
}

// FlushAuthTokens deletes every auth token of the user uid, logging the
// user out everywhere (each Client at its next ValidateSession). The uid
// follows the rules of Client.Login, checked before any request; an unknown
// user is ERR_UID_NOT_FOUND.
func (a *AdminClient) FlushAuthTokens(ctx context.Context, uid string) error {
	if e := a.enter(ctx); e != nil {
		return e
	}
	defer a.life.leave()
	if e := validateUID(uid); e != nil {
		return e
	}
	return a.send(ctx, a.request(http.MethodDelete, tokensPath(uid), nil))
}

// send sends a request whose answer (a deletion's success message) carries
// nothing the caller needs.
func (a *AdminClient) send(ctx context.Context, req request) error {
	if _, e := do[struct{}](ctx, a.t, req); e != nil {
		return e
	}
	return nil
}

// request is a request to the admin host with the API key; known as for
// newRequest.
func (a *AdminClient) request(method, path string, body []byte, known ...secret) request {
	return newRequest(roleAdmin, method, path, a.apiKey(), body, known...)
}

func userPath(uid string) string   { return "/users/" + url.PathEscape(uid) }
func tokensPath(uid string) string { return userPath(uid) + "/auth_tokens" }
