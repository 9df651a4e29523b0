package cometchatcalls

import (
	"context"
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestStore_TypedNilErrorIsAStoreError: a store that returns a typed nil
// *Error fails the call with ERROR_SESSION_STORE instead of panicking.
func TestStore_TypedNilErrorIsAStoreError(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	store := &typedNilErrStore{}
	c, mt := loggedIn(t, WithSessionStore(store))
	mt.RegisterResponder(http.MethodGet, meURL, dataResponder(200, userJSON(testUID, "Renamed")))
	mt.RegisterResponder(http.MethodPut, meURL, dataResponder(200, userJSON("cometchat-uid-2", "B")))
	store.armed = true
	var err error
	require.NotPanics(t, func() { _, err = c.ValidateSession(ctx) })
	requireCode(t, err, CodeSessionStore)
	require.NotPanics(t, func() { _, err = c.LoginWithAuthToken(ctx, testToken2) })
	requireCode(t, err, CodeSessionStore)
	u, err := c.GetLoggedInUser(ctx)
	require.NoError(t, err)
	assert.Equal(t, testUID, u.UID)
}

// typedNilErrStore is a MemoryStore whose writes fail with a nil *Error in
// an error interface, the typed-nil mistake a custom store can make.
type typedNilErrStore struct {
	MemoryStore
	armed bool
}

func (s *typedNilErrStore) Save(ctx context.Context, sess *Session) error {
	if s.armed {
		var e *Error
		return e
	}
	return s.MemoryStore.Save(ctx, sess)
}

func (s *typedNilErrStore) SaveIfToken(ctx context.Context, sess *Session, token string) error {
	if s.armed {
		var e *Error
		return e
	}
	return s.MemoryStore.SaveIfToken(ctx, sess, token)
}
