package cometchatcallstest

import (
	"fmt"
	"testing"
	"time"

	"github.com/cometchat-go/cometchatcalls"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestStore_BoundsTheAuthTokens: once maxAuthTokens are kept, a forced
// token is refused unless it replaces one of its user's, and so is a new
// user with a token; revoking makes room again.
func TestStore_BoundsTheAuthTokens(t *testing.T) {
	t.Parallel()
	st := newStore(time.Now)
	_, _, e := st.create(cometchatcalls.User{UID: "full", Name: "N"}, false)
	require.Nil(t, e)
	_, _, e = st.create(cometchatcalls.User{UID: "other", Name: "N"}, false)
	require.Nil(t, e)
	for i := 0; i < maxAuthTokens; i++ { // as if many users held them
		st.tokens[fmt.Sprintf("t%d", i)] = "someone"
	}
	_, e = st.issue("other", true)
	require.NotNil(t, e)
	assert.Equal(t, cometchatcalls.CodeBadRequest, e.code)
	_, _, e = st.create(cometchatcalls.User{UID: "new", Name: "N"}, true)
	require.NotNil(t, e)
	_, ok := st.users["new"]
	assert.False(t, ok, "the refused user was kept")

	for range maxTokensPerUser { // a user at its own cap replaces its oldest
		st.users["full"].tokens = append(st.users["full"].tokens, tokenRecord{token: "x"})
	}
	_, e = st.issue("full", true)
	assert.Nil(t, e, "a token that replaces the user's oldest is refused")

	delete(st.tokens, "t0")
	delete(st.tokens, "t1")
	_, e = st.issue("other", true)
	assert.Nil(t, e)
}
