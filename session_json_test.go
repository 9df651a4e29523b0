package cometchatcalls

import (
	"encoding/json"
	"reflect"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// carriesTokenInJSON reports whether v's type holds a Session or an
// AuthToken, whose JSON carries the token by design: redaction tests that
// encode values as JSON skip those.
func carriesTokenInJSON(v any) bool {
	return typeHoldsToken(reflect.TypeOf(v), map[reflect.Type]bool{})
}

func typeHoldsToken(t reflect.Type, seen map[reflect.Type]bool) bool {
	if t == nil || seen[t] {
		return false
	}
	seen[t] = true
	if t == reflect.TypeFor[Session]() || t == reflect.TypeFor[AuthToken]() {
		return true
	}
	switch t.Kind() {
	case reflect.Pointer, reflect.Slice, reflect.Array, reflect.Map:
		return typeHoldsToken(t.Elem(), seen)
	case reflect.Struct:
		for i := range t.NumField() {
			if typeHoldsToken(t.Field(i).Type, seen) {
				return true
			}
		}
	}
	return false
}

// TestSession_JSONRoundTrip: a custom store may persist json.Marshal of a
// Session; the token must survive it.
func TestSession_JSONRoundTrip(t *testing.T) {
	t.Parallel()
	in := Session{AppID: testAppID, User: *userOf(testUID), AuthToken: testToken, CreatedAt: time.Unix(1700000000, 0).UTC()}
	b, err := json.Marshal(in)
	require.NoError(t, err)
	var out Session
	require.NoError(t, json.Unmarshal(b, &out))
	assert.True(t, out.AuthToken == testToken, "the token survives a JSON round trip")
	out.AuthToken = ""
	in.AuthToken = ""
	assert.Equal(t, in, out)
}
