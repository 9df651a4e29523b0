package cometchatcalls

import (
	"context"
	"encoding/json"
	"reflect"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestMemoryStore_NilAndZeroValues: a nil *MemoryStore answers every
// method with an *Error; the zero value is ready to use.
func TestMemoryStore_NilAndZeroValues(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	var nilStore *MemoryStore
	require.NotPanics(t, func() {
		_, err := nilStore.Load(ctx, testAppID)
		requireCode(t, err, CodeSessionStore)
		requireCode(t, nilStore.Save(ctx, &Session{AppID: testAppID}), CodeSessionStore)
		requireCode(t, nilStore.Delete(ctx, testAppID), CodeSessionStore)
		requireCode(t, nilStore.DeleteIfToken(ctx, testAppID, testToken), CodeSessionStore)
		requireCode(t, nilStore.SaveIfToken(ctx, &Session{AppID: testAppID}, testToken), CodeSessionStore)
	})

	var zero MemoryStore
	s, err := zero.Load(ctx, testAppID)
	require.NoError(t, err)
	assert.Nil(t, s)
	require.NoError(t, zero.Delete(ctx, testAppID))
	require.NoError(t, zero.DeleteIfToken(ctx, testAppID, testToken))
	requireCode(t, zero.Save(ctx, nil), CodeSessionStore)
	requireCode(t, zero.SaveIfToken(ctx, nil, testToken), CodeSessionStore)
	require.NoError(t, zero.SaveIfToken(ctx, &Session{AppID: testAppID}, testToken), "nothing stored: nothing saved")
	s, err = zero.Load(ctx, testAppID)
	require.NoError(t, err)
	assert.Nil(t, s)
}

// TestMemoryStore_EndedContextIsATypedError: ERROR_SESSION_STORE whose
// Unwrap is the context's error, never a bare context.Canceled.
func TestMemoryStore_EndedContextIsATypedError(t *testing.T) {
	t.Parallel()
	m := NewMemoryStore()
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	for name, err := range map[string]error{
		"Load":          func() error { _, err := m.Load(ctx, testAppID); return err }(),
		"Save":          m.Save(ctx, &Session{AppID: testAppID}),
		"Delete":        m.Delete(ctx, testAppID),
		"DeleteIfToken": m.DeleteIfToken(ctx, testAppID, testToken),
		"SaveIfToken":   m.SaveIfToken(ctx, &Session{AppID: testAppID}, testToken),
	} {
		requireCode(t, err, CodeSessionStore)
		assert.ErrorIs(t, err, context.Canceled, name)
	}
	var nilCtx context.Context
	_, err := m.Load(nilCtx, testAppID)
	requireCode(t, err, CodeInvalidArgument)
}

// TestMemoryStore_DeleteIfTokenComparesTheToken: it deletes only the
// session that still holds the token.
func TestMemoryStore_DeleteIfTokenComparesTheToken(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	m := NewMemoryStore()
	var _ ConditionalDeleter = m
	require.NoError(t, m.Save(ctx, &Session{AppID: testAppID, User: User{UID: testUID}, AuthToken: testToken2}))
	require.NoError(t, m.DeleteIfToken(ctx, testAppID, testToken))
	s, err := m.Load(ctx, testAppID)
	require.NoError(t, err)
	require.NotNil(t, s, "another token: kept")
	require.NoError(t, m.DeleteIfToken(ctx, "otherapp", testToken2))
	require.NoError(t, m.DeleteIfToken(ctx, testAppID, testToken2))
	s, err = m.Load(ctx, testAppID)
	require.NoError(t, err)
	assert.Nil(t, s, "the same token: deleted")
}

// TestMemoryStore_SaveIfTokenComparesTheToken: it replaces only the
// session that still holds the token, and stores a copy.
func TestMemoryStore_SaveIfTokenComparesTheToken(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	m := NewMemoryStore()
	var _ ConditionalSaver = m
	newer := &Session{AppID: testAppID, User: User{UID: "cometchat-uid-2"}, AuthToken: testToken2}
	require.NoError(t, m.Save(ctx, newer))
	refreshed := &Session{AppID: testAppID, User: User{UID: testUID, Name: "Renamed"}, AuthToken: testToken}
	require.NoError(t, m.SaveIfToken(ctx, refreshed, testToken))
	s, err := m.Load(ctx, testAppID)
	require.NoError(t, err)
	assert.Equal(t, newer, s, "another token: kept")

	refreshed.AuthToken = testToken2
	require.NoError(t, m.SaveIfToken(ctx, refreshed, testToken2))
	refreshed.User.Name = "changed after the save"
	s, err = m.Load(ctx, testAppID)
	require.NoError(t, err)
	assert.Equal(t, "Renamed", s.User.Name, "the same token: replaced, by a copy")

	require.NoError(t, m.SaveIfToken(ctx, &Session{AppID: "otherapp", AuthToken: testToken2}, testToken2))
	s, err = m.Load(ctx, "otherapp")
	require.NoError(t, err)
	assert.Nil(t, s, "nothing stored for the app: nothing saved")
}

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
