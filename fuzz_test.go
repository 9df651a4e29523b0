package cometchatcalls

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode"
	"unicode/utf8"
)

// The fuzz targets' seed corpora live in testdata/fuzz/<FuzzName>/; the
// f.Add seeds below are the few that document a rule.

// acceptedUID is the spec's uid rule (api.md): 1 to 100 characters of
// [A-Za-z0-9_-].
var acceptedUID = regexp.MustCompile(`^[A-Za-z0-9_-]{1,100}$`)

func FuzzValidateUID(f *testing.F) {
	f.Add("cometchat-uid-1")
	f.Add(strings.Repeat("a", 101))
	f.Fuzz(func(t *testing.T, uid string) {
		e := validateUID(uid)
		// The spec's order: blank, any whitespace, then length and charset.
		want := ""
		switch {
		case strings.TrimSpace(uid) == "":
			want = CodeInvalidUID
		case strings.IndexFunc(uid, unicode.IsSpace) >= 0:
			want = CodeUIDWithSpace
		case !acceptedUID.MatchString(uid):
			want = CodeInvalidUID
		}
		got := ""
		if e != nil {
			got = e.Code
		}
		if got != want {
			t.Fatalf("validateUID(%q) = %q, want %q", uid, got, want)
		}
		if e == nil && url.PathEscape(uid) != uid {
			t.Fatalf("accepted uid %q changes when path-escaped", uid)
		}
	})
}

func FuzzValidateToken(f *testing.F) {
	f.Add(testToken)
	f.Add("tok\r\nX-Injected: 1")
	f.Fuzz(func(t *testing.T, s string) {
		// Tokens: blank, then whitespace (control characters share its code).
		e := validateToken(s)
		want := ""
		switch {
		case strings.TrimSpace(s) == "":
			want = CodeBlankAuthToken
		case strings.IndexFunc(s, unicode.IsSpace) >= 0, strings.IndexFunc(s, unicode.IsControl) >= 0:
			want = CodeAuthTokenWithSpace
		}
		got := ""
		if e != nil {
			got = e.Code
		}
		if got != want {
			t.Fatalf("validateToken(%q) = %q, want %q", s, got, want)
		}
		if e == nil {
			checkHeaderSafe(t, "accepted token", s)
		}

		// Keys: blank, then control characters; spaces inside are fine.
		for name, validate := range map[string]func(string) *Error{"auth key": validateAuthKey, "API key": validateAPIKey} {
			e := validate(s)
			bad := strings.TrimSpace(s) == "" || strings.IndexFunc(s, unicode.IsControl) >= 0
			if (e != nil) != bad {
				t.Fatalf("%s %q: error %v, want one: %v", name, s, e, bad)
			}
			if e != nil && e.Code != CodeAPIKeyNotFound {
				t.Fatalf("%s %q: code %s", name, s, e.Code)
			}
			if e == nil {
				checkHeaderSafe(t, "accepted "+name, s)
			}
		}
	})
}

// checkHeaderSafe fails unless s is a valid HTTP header value that cannot
// end its header line: no CTL byte but HTAB (which the SDK refuses too).
func checkHeaderSafe(t *testing.T, what, s string) {
	t.Helper()
	for i := 0; i < len(s); i++ {
		if b := s[i]; b < 0x20 || b == 0x7f {
			t.Fatalf("%s %q holds byte %#x at %d", what, s, b, i)
		}
	}
}

// fuzzCreds are the credential sets a request of FuzzDecodeEnvelope
// carries; which picks one.
var fuzzCreds = []struct {
	role             role
	cred, pathSecret string
}{
	{roleClient, testToken, ""},
	{roleAdmin, testAuthKey, ""},
	{roleAdmin, redactAPIKey, redactAdminToken},
	{roleClient, `tok"\<>&é😀/%2F?#-0123456789abcdef`, ""},
	{roleAdmin, redactAPIKey, `odd"tok\/é😀 ?#%-0123456789`},
}

// jsonInner is s as the inside of a JSON string.
func jsonInner(s string) string {
	b, _ := json.Marshal(s)
	return string(b[1 : len(b)-1])
}

// jsonUnicode is s as the inside of a JSON string with every ASCII
// character \u-escaped, a form a server could use to slip past a naive
// search of the raw body.
func jsonUnicode(s string) string {
	var b strings.Builder
	for _, r := range s {
		if r < 0x80 {
			fmt.Fprintf(&b, `\u%04x`, r)
		} else {
			b.WriteRune(r)
		}
	}
	return b.String()
}

// FuzzDecodeEnvelope decodes arbitrary answers. The body and Content-Type
// may name the request's credentials through placeholders: $CRED and $PATH
// (the credential header and a token in the path, JSON-escaped), $ESC (the
// path token path-escaped), $UCRED (\u-escaped), $RAW (unescaped).
func FuzzDecodeEnvelope(f *testing.F) {
	f.Add(200, "application/json", []byte(`{"data":{"uid":"cometchat-uid-1","name":"A"}}`), uint8(0))
	f.Add(401, "application/json", []byte(`{"error":{"code":"AUTH_ERR","message":"The key $CRED does not exist","details":{"$CRED":["$UCRED"]}}}`), uint8(1))
	f.Fuzz(func(t *testing.T, status int, contentType string, body []byte, which uint8) {
		cs := fuzzCreds[int(which)%len(fuzzCreds)]
		secrets := []string{cs.cred}
		if cs.pathSecret != "" {
			secrets = append(secrets, cs.pathSecret, url.PathEscape(cs.pathSecret))
		}
		fill := strings.NewReplacer(
			"$CRED", jsonInner(cs.cred), "$UCRED", jsonUnicode(cs.cred), "$RAW", cs.cred,
			"$PATH", jsonInner(cs.pathSecret), "$ESC", url.PathEscape(cs.pathSecret),
		)
		body = []byte(fill.Replace(string(body)))
		resp := &http.Response{StatusCode: status, Header: http.Header{}}
		if contentType != "" {
			resp.Header["Content-Type"] = []string{fill.Replace(contentType)}
		}
		resp.Header["Retry-After"] = []string{contentType}
		req := newRequest(cs.role, http.MethodGet, "/me", secret(cs.cred), nil, secret(cs.pathSecret))
		var readErr error
		if which&0x80 != 0 {
			readErr = fmt.Errorf("read tcp: authToken %s: %w", cs.cred, io.ErrUnexpectedEOF)
		}

		env := &envelope[User]{} // as do builds it: Data stays nil unless "data" is there
		e := decode(resp, body, readErr, &req, "auth key", env)

		if e == nil {
			if status < 200 || status > 299 || !env.hasData() || readErr != nil {
				t.Fatalf("success with status %d, data %v, error %v, read error %v", status, env.Data != nil, env.Error != nil, readErr != nil)
			}
			return
		}
		if e.Code == "" || e.HTTPStatus != status {
			t.Fatalf("error with code %q and status %d for an answer of status %d", e.Code, e.HTTPStatus, status)
		}
		if e.RetryAfter < 0 || e.RetryAfter > maxRetryAfter {
			t.Fatalf("RetryAfter %v", e.RetryAfter)
		}
		texts := map[string]string{
			"Code": e.Code, "Message": e.Message, "Error()": e.Error(),
			"%+v": fmt.Sprintf("%+v", e), "%#v": fmt.Sprintf("%#v", e),
		}
		for level, c := 0, errors.Unwrap(e); c != nil; level, c = level+1, errors.Unwrap(c) {
			texts[fmt.Sprintf("cause %d", level)] = c.Error()
		}
		walkJSON(e.Details, func(s string) { texts["Details"] += s + "\x00" })
		for what, text := range texts {
			for i, s := range secrets {
				if revealed(text, s) {
					t.Fatalf("%s reveals credential #%d of set %d", what, i, int(which)%len(fuzzCreds))
				}
			}
		}
	})
}

// revealed reports whether text shows secret outside the "[REDACTED]"
// markers that replaced it (a marker next to text can happen to spell a
// secret that overlaps it; that is not a leak).
func revealed(text, secret string) bool {
	for _, part := range strings.Split(text, redacted) {
		if strings.Contains(part, secret) {
			return true
		}
	}
	return false
}

// walkJSON calls fn with every string and object key in a decoded JSON value.
func walkJSON(v any, fn func(string)) {
	switch v := v.(type) {
	case string:
		fn(v)
	case map[string]any:
		for k, e := range v {
			fn(k)
			walkJSON(e, fn)
		}
	case []any:
		for _, e := range v {
			walkJSON(e, fn)
		}
	}
}

func FuzzParseBaseURL(f *testing.F) {
	f.Add("https://example.com/v3.0")
	f.Add("http://127.0.0.1:8080/admin/v3.0")
	f.Fuzz(func(t *testing.T, raw string) {
		got, err := parseBaseURL(raw)
		if err != nil {
			var e *Error
			if !errors.As(err, &e) || e.Code != CodeInvalidOption {
				t.Fatalf("parseBaseURL(%q): error %v is not ERROR_INVALID_OPTION", raw, err)
			}
			if got != "" {
				t.Fatalf("parseBaseURL(%q): a value with an error", raw)
			}
			return
		}
		u, perr := url.Parse(got)
		switch {
		case perr != nil:
			t.Fatalf("parseBaseURL(%q) = %q, which does not parse: %v", raw, got, perr)
		case u.Host == "" || u.Opaque != "":
			t.Fatalf("parseBaseURL(%q) = %q: no host", raw, got)
		case u.User != nil:
			t.Fatalf("parseBaseURL(%q) = %q: user info", raw, got)
		case u.RawQuery != "" || u.ForceQuery || u.Fragment != "" || strings.ContainsAny(got, "?#"):
			t.Fatalf("parseBaseURL(%q) = %q: query or fragment", raw, got)
		case u.Scheme == "https":
		case u.Scheme == "http" && isLoopback(u.Hostname()):
		default:
			t.Fatalf("parseBaseURL(%q) = %q: neither https nor http to loopback", raw, got)
		}
		if strings.HasSuffix(got, "/") {
			t.Fatalf("parseBaseURL(%q) = %q ends in a slash", raw, got)
		}
		// The SDK appends "/users/{uid}/auth_tokens" and the like: the host
		// must stay the same.
		full, perr := url.Parse(got + "/users/cometchat-uid-1/auth_tokens")
		if perr != nil || full.Host != u.Host || full.Scheme != u.Scheme || full.User != nil || full.RawQuery != "" {
			t.Fatalf("parseBaseURL(%q) = %q: appending a path changes the host or adds a query", raw, got)
		}
		if again, err := parseBaseURL(got); err != nil || again != got {
			t.Fatalf("parseBaseURL(%q) = %q, but that gives %q, %v", raw, got, again, err)
		}
	})
}

func FuzzParseRetryAfter(f *testing.F) {
	f.Add("120", int64(1767225600))
	f.Add("Wed, 21 Oct 2015 07:28:00 GMT", int64(1445412400))
	f.Fuzz(func(t *testing.T, v string, nowUnix int64) {
		now := time.Unix(nowUnix, 0)
		d, ok := parseRetryAfter(v, now)
		if d < 0 || d > maxRetryAfter {
			t.Fatalf("parseRetryAfter(%q) = %v, outside [0, %v]", v, d, maxRetryAfter)
		}
		if !ok && d != 0 {
			t.Fatalf("parseRetryAfter(%q) = %v but not ok", v, d)
		}
		if n, err := strconv.ParseInt(v, 10, 64); ok && d == 0 && (err != nil || n != 0) {
			t.Fatalf("parseRetryAfter(%q) = 0, ok: only a delay of 0 seconds may be zero", v)
		}
	})
}

// FuzzErrorString: whatever a server or a cause puts in Code and Message,
// Error() holds no control character, line or paragraph separator or
// bidirectional override, and loses nothing printable.
func FuzzErrorString(f *testing.F) {
	f.Add("ERR\r\nX", "\x1b[31mred\x07\u2028\u0085\xff", 401)
	f.Add("AUTH_ERR_APIKEY_NOT_FOUND", "The auth key [REDACTED] does not exist.", 404)
	f.Fuzz(func(t *testing.T, code, msg string, status int) {
		s := (&Error{Code: code, Message: msg, HTTPStatus: status}).Error()
		if r := noControl(s); r != -1 {
			t.Fatalf("Error() = %q holds %U", s, r)
		}
		if !utf8.ValidString(s) {
			t.Fatalf("Error() = %q is not UTF-8", s)
		}
		for _, part := range []string{code, msg} {
			for _, r := range part {
				if unicode.IsLetter(r) && !strings.ContainsRune(s, r) {
					t.Fatalf("Error() = %q lost %q", s, r)
				}
			}
		}
	})
}
