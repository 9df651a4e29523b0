package cometchatcalls

import (
	"fmt"
	"log/slog"
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

// scrubber removes the credentials one request carried from anything the
// server sent back (messages, details) or an error built around the request.
type scrubber []string

// string replaces every occurrence of every credential in s.
func (sc scrubber) string(s string) string {
	for _, c := range sc {
		if c != "" && strings.Contains(s, c) {
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
