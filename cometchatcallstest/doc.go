// Package cometchatcallstest provides an in-process CometChat emulator for
// tests, in the spirit of net/http/httptest: a real HTTP server on a
// loopback port that speaks the wire protocol the cometchatcalls SDK uses
// (the admin/REST API, the client /me API and the calls host's
// /call_tokens), plus knobs to inject faults, delay or hold requests, and
// inspect what was sent.
//
//	func TestLogin(t *testing.T) {
//		srv := cometchatcallstest.NewServer()
//		defer srv.Close()
//
//		c, err := cometchatcalls.New(srv.AppID(), srv.Region(), srv.ClientOptions()...)
//		if err != nil {
//			t.Fatal(err)
//		}
//		defer c.Close()
//		user, err := c.Login(t.Context(), "cometchat-uid-1", srv.AuthKey())
//		…
//		srv.FailNext(1, cometchatcallstest.FaultHTML502()) // the next request meets a proxy error
//	}
//
// The admin API lives under URL()+"/admin/v3.0" (AdminURL), the client API
// under URL()+"/client/v3.0" (ClientURL), the calls API under
// URL()+"/call/v3.0" (CallURL); ClientOptions points an SDK Client or
// AdminClient at all three. Each Server has its own state, so tests using
// separate servers may run in parallel.
//
// # Defaults
//
// Every server starts with the same credentials, which options may change:
//
//	app ID        "emulatorapp"            (DefaultAppID, WithAppID)
//	region        "us"                     (DefaultRegion, WithRegion)
//	auth key      "emulator-auth-key"      (DefaultAuthKey, WithAuthKey): creates users and auth tokens only
//	REST API key  "emulator-rest-api-key"  (DefaultAPIKey, WithAPIKey): every admin endpoint
//
// and with CometChat's five sample users, cometchat-uid-1 … cometchat-uid-5
// (Andrew Joseph, George Alan, Nancy Grace, Susan Marie, John Paul; offline,
// role "default", created 2021-01-01 UTC).
//
// # Endpoints
//
// Admin (header apiKey): POST and GET /users, GET and DELETE /users/{uid}, POST,
// GET and DELETE /users/{uid}/auth_tokens, GET and DELETE
// /users/{uid}/auth_tokens/{authToken}. Client (header authToken): PUT, GET
// and DELETE /me. Calls, under URL()+"/call/v3.0" (CallURL): POST
// /call_tokens (header authToken, body {"sessionId": …}) issues a fresh
// random call token, GET /call_tokens (header callToken) verifies one;
// CallTokenInfo tells a test which user and session a call token is for.
// Every request needs the appId header, except on the calls host, where the
// Calls SDK v4 sends none and the token names the app. Header names are
// case-insensitive; path parameters are path-unescaped.
//
// What the protocol leaves open, the emulator decides as follows:
//   - POST /users/{uid}/auth_tokens without "force": true returns the user's
//     newest token when it has one, else creates one. Tokens look like
//     {uid}_{unix seconds}{40 hex digits}; a user keeps its newest 100.
//   - GET /users/{uid}/auth_tokens lists tokens newest first; perPage is
//     1…1000 (default 100), page ≥ 1 (default 1); other values are
//     ERR_BAD_REQUEST. A page beyond the end is an empty list.
//   - GET /users lists the active users by uid, with the same perPage and
//     page rules.
//   - DELETE /users/{uid} without "permanent": true deactivates the user:
//     its tokens are revoked, it answers ERR_UID_NOT_FOUND, and its uid stays
//     taken (ERR_UID_ALREADY_EXISTS) until a permanent delete.
//   - PUT /me marks the user online and sets lastActiveAt; DELETE /me
//     revokes the token it was called with and marks the user offline.
//   - Error messages quote the unknown token or key, as CometChat does, so
//     that a client's redaction can be tested.
//   - A request body is at most 1 MiB. Only HTTP/1.1 is served.
//   - A sessionId of POST /call_tokens has at most 255 bytes (a longer
//     one is ERR_BAD_REQUEST). The limit is the emulator's: CometChat
//     documents none, and its SDKs send a group's GUID (at most 100
//     characters) or a short ID the Chat SDK generates.
//   - The emulator's memory stays bounded whatever clients send: it keeps
//     the newest 100,000 call tokens; at most 100,000 auth tokens (a
//     forced token beyond them is ERR_BAD_REQUEST unless it replaces one
//     of its user's); at most 10,000 users, each at most
//     4 KiB of JSON and 4 MiB in all (beyond that, creating a user is
//     ERR_BAD_REQUEST until some are deleted for good); and the request
//     log (Requests) keeps the newest 10,000 requests within about 32 MiB,
//     bodies cut at 64 KiB.
//
// # Statuses
//
//	status  code                           when
//	200     —                              success: {"data": …} (lists add "meta")
//	400     ERR_BAD_REQUEST                invalid JSON body, failed validation, bad perPage/page, sessionId over 255 bytes
//	401     AUTH_ERR_EMPTY_APPID           appId header missing or empty (optional on the calls host)
//	404     AUTH_ERR_INVALID_APPID         appId is not this server's
//	401     AUTH_ERR_EMPTY_APIKEY          admin endpoint without apiKey
//	404     AUTH_ERR_APIKEY_NOT_FOUND      apiKey is neither the auth key nor the REST API key
//	403     AUTH_ERR_NO_ACCESS             the auth key on an endpoint other than POST /users and POST …/auth_tokens
//	401     AUTH_ERR_EMPTY_AUTH_TOKEN      /me or POST /call_tokens without authToken
//	401     AUTH_ERR_AUTH_TOKEN_NOT_FOUND  /me or POST /call_tokens with an unknown or revoked token (user deleted or deactivated too)
//	404     ERR_UID_NOT_FOUND              no such user, or user deactivated
//	409     ERR_UID_ALREADY_EXISTS         POST /users with a taken uid
//	404     ERR_AUTH_TOKEN_NOT_FOUND       REST token endpoints: no such token for that user
//	401     AUTH_ERR_EMPTY_CALL_TOKEN      GET /call_tokens without callToken
//	401     AUTH_ERR_CALL_TOKEN_NOT_FOUND  GET /call_tokens with a call token the server never issued
//	429     ERR_TOO_MANY_REQUESTS          over WithRateLimit in the current minute
//	404     ERR_ROUTE_NOT_FOUND            unknown path (e.g. /me under /admin/v3.0)
//	405     ERR_METHOD_NOT_ALLOWED         known path, other method (Allow header set)
//
// Errors use the envelope
// {"error":{"code":…,"message":…,"devMessage":…,"source":"chat-api"}}, plus
// "details" (an object naming the offending fields) for some
// ERR_BAD_REQUEST answers. Every answer is application/json and carries
// X-Rate-Limit and X-Rate-Limit-Remaining; a 429 adds Retry-After (seconds
// until the minute ends) and X-Rate-Limit-Reset (its Unix time). Without
// WithRateLimit, X-Rate-Limit advertises CometChat's documented 10000 a
// minute but nothing is enforced.
//
// Checks run in this order, so each has a well-defined winner: a fault
// queued by FailNext or FailNextOn (which replaces everything else), the rate limit,
// appId, the route, the credential (apiKey before any uid is looked up),
// the body, the endpoint.
//
// # Test knobs
//
// FailNext queues raw answers (FaultHTML502, FaultTruncatedJSON, Fault503,
// Fault429, FaultError, FaultDisconnect, or any Fault) for the next
// requests, FailNextOn for the next requests of one route only (e.g.
// "PUT /me"); SetLatency delays
// answers; Hold and WaitHeld hold requests until released, to test calls
// in flight deterministically; Requests records every request with its
// credentials masked; ConnectionCount counts TCP connections. AddUser,
// DeactivateUser, DeleteUser, User, IssueAuthToken, RevokeAuthToken,
// RevokeAllAuthTokens and AuthTokens change or read the state directly;
// WithStateFile and SaveState keep it across processes.
//
// # Webhooks
//
// WithWebhook registers a webhook as CometChat's dashboard would;
// SimulateCallSession then delivers a whole call session's events to it
// (meeting_started to recording_generated, in CometChat's documented
// shapes, with Basic auth, a 2 s timeout and CometChat's retries) and
// Deliveries lists every attempt. POST /emulator/simulate-call-session
// (REST API key, body {"sessionId": "…", "participants": ["…"]}) does the
// same over HTTP. Package webhook receives these deliveries.
//
// # Dependencies
//
// Like net/http/httptest, the package's non-test code imports only the
// standard library and cometchatcalls, so a test that uses it adds no
// module to yours.
//
// The same emulator runs as a process: cmd/cometchat-emulator.
package cometchatcallstest
