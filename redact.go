package cometchatcalls

import (
	"cmp"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"slices"
	"strings"
)

// redacted is what a credential looks like wherever the SDK might show it.
const redacted = "[REDACTED]"

// secret holds a credential. Every way Go has of showing a value (fmt verbs,
// slog's text and JSON handlers, encoding/json) prints "[REDACTED]"; only
// reveal gives the real text, and only the request builder calls it.
type secret string

func (s secret) reveal() string { return string(s) }

// String implements fmt.Stringer.
func (s secret) String() string { return redacted }

// GoString implements fmt.GoStringer.
func (s secret) GoString() string { return `"` + redacted + `"` }

// Format implements fmt.Formatter so that no verb (%x, %q, %d…) bypasses String.
func (s secret) Format(f fmt.State, _ rune) { _, _ = f.Write([]byte(redacted)) }

// LogValue implements slog.LogValuer.
func (s secret) LogValue() slog.Value { return slog.StringValue(redacted) }

// MarshalJSON implements json.Marshaler; slog's JSON handler reaches nested
// values through it.
func (s secret) MarshalJSON() ([]byte, error) { return []byte(`"` + redacted + `"`), nil }

// scrubber removes the credentials a call knows from anything the server
// sent back (code, message, details) or an error built around the request.
type scrubber []string

// newScrubber lists every credential in creds as it may be quoted back: as
// it is, path-escaped and query-escaped (a server or proxy quoting the URL).
// The longest come first, so that a credential inside another one cannot
// leave the rest of the longer one behind. Sorting also brings duplicates
// together: n credentials cost n log n, which matters for ListAuthTokens,
// whose later pages know every token the earlier ones returned.
func newScrubber(creds ...secret) scrubber {
	sc := make(scrubber, 0, 3*len(creds))
	for _, c := range creds {
		if c == "" {
			continue
		}
		raw := c.reveal()
		sc = append(sc, raw, url.PathEscape(raw), url.QueryEscape(raw))
	}
	slices.SortFunc(sc, func(a, b string) int {
		return cmp.Or(cmp.Compare(len(b), len(a)), strings.Compare(a, b))
	})
	return slices.Compact(sc)
}

// string replaces every occurrence of every credential in s.
func (sc scrubber) string(s string) string {
	for _, c := range sc {
		if strings.Contains(s, c) {
			s = strings.ReplaceAll(s, c, redacted)
		}
	}
	return s
}

// value scrubs a decoded JSON value (string, object, array) recursively,
// returning a new value; the input is not modified.
func (sc scrubber) value(v any) any {
	switch v := v.(type) {
	case string:
		return sc.string(v)
	case map[string]any:
		c := make(map[string]any, len(v))
		for k, e := range v {
			c[sc.string(k)] = sc.value(e)
		}
		return c
	case []any:
		c := make([]any, len(v))
		for i, e := range v {
			c[i] = sc.value(e)
		}
		return c
	default:
		return v
	}
}

// error returns err with every credential scrubbed from its text, keeping
// the chain for errors.Is/As where it can: a *url.Error (the usual
// transport error) is rebuilt with a scrubbed URL around the same cause.
func (sc scrubber) error(err error) error {
	if err == nil {
		return nil // e.g. the Err of a *url.Error from a custom RoundTripper
	}
	var ue *url.Error
	if errors.As(err, &ue) {
		return &url.Error{Op: ue.Op, URL: sc.string(ue.URL), Err: sc.error(ue.Err)}
	}
	msg, ok := errorText(err)
	if clean := sc.string(msg); !ok || clean != msg || sc.inChain(err) {
		return &scrubbedError{msg: clean}
	}
	return err
}

// errorText is err.Error(), and false if that panics, as it does for a
// malformed error a custom RoundTripper may return (a *net.OpError without
// Err): the SDK must not panic, nor hand the caller an error that does.
func errorText(err error) (msg string, ok bool) {
	defer func() {
		if recover() != nil {
			msg, ok = fmt.Sprintf("transport error of type %T (its Error method panicked)", err), false
		}
	}()
	return err.Error(), true
}

// inChain reports whether any error behind err quotes a credential: an
// error's own text need not show its cause's, yet printing the Unwrap chain
// would.
func (sc scrubber) inChain(err error) bool {
	var causes []error
	switch u := err.(type) {
	case interface{ Unwrap() error }:
		causes = []error{u.Unwrap()}
	case interface{ Unwrap() []error }:
		causes = u.Unwrap()
	}
	for _, c := range causes {
		if c == nil {
			continue
		}
		if msg, ok := errorText(c); !ok || sc.string(msg) != msg || sc.inChain(c) {
			return true
		}
	}
	return false
}

// scrubbedError replaces an error whose text quoted a credential. It has no
// Unwrap on purpose: the original would print the credential.
type scrubbedError struct{ msg string }

func (e *scrubbedError) Error() string { return e.msg }

// formatRedacted is the Format method of the SDK's exported types that
// hold a credential: %#v prints v's GoString, every other verb its String,
// so no verb falls back to printing the fields.
func formatRedacted(f fmt.State, verb rune, v interface {
	String() string
	GoString() string
}) {
	if verb == 'v' && f.Flag('#') {
		_, _ = f.Write([]byte(v.GoString()))
		return
	}
	_, _ = f.Write([]byte(v.String()))
}
