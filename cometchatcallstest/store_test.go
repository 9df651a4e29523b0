package cometchatcallstest

import (
	"encoding/json"
	"fmt"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cometchat-go/cometchatcalls"
)

// worstMetadata is metadata that makes a user's JSON just under
// maxUserBytes out of as many tiny keys as fit: the most memory a map can
// take for the bytes a client sends.
func worstMetadata(t *testing.T) map[string]any {
	u := cometchatcalls.User{UID: "u9999", Name: "N", Metadata: map[string]any{}}
	for i := 0; ; i++ {
		k := strconv.FormatInt(int64(i), 36)
		u.Metadata[k] = 1
		b, err := json.Marshal(u)
		require.NoError(t, err)
		if len(b) > maxUserBytes {
			delete(u.Metadata, k)
			return u.Metadata
		}
	}
}

// TestStore_BoundsTheUsersClientsCanAdd: a user over maxUserBytes of JSON
// is ERR_BAD_REQUEST and kept nowhere; users with the most expensive
// metadata a client can send are refused once they reach maxUsersJSON,
// and the store's live heap then stays within a quarter of the emulator's memory
// budget; deleting users for good makes room again, and plain users reach
// maxUsers. Not parallel: it measures the process's heap.
func TestStore_BoundsTheUsersClientsCanAdd(t *testing.T) {
	st := newStore(time.Now)
	big := cometchatcalls.User{UID: "big", Name: "N", Metadata: map[string]any{"x": strings.Repeat("x", maxUserBytes)}}
	_, _, e := st.create(big, false)
	require.NotNil(t, e)
	assert.Equal(t, cometchatcalls.CodeBadRequest, e.code)
	assert.NotContains(t, e.message, strings.Repeat("x", 64), "the error quotes what was sent")
	assert.Zero(t, st.userBytes)

	meta := worstMetadata(t)
	heapBefore := limitsLiveHeap()
	var made []string
	for i := 0; ; i++ {
		uid := fmt.Sprintf("w%d", i)
		_, _, e := st.create(cometchatcalls.User{UID: uid, Name: "N", Metadata: meta}, true)
		if e != nil {
			assert.Equal(t, cometchatcalls.CodeBadRequest, e.code)
			break
		}
		made = append(made, uid)
		require.Less(t, i, maxUsers, "no bound stopped the users")
	}
	grown := limitsLiveHeap() - heapBefore
	runtime.KeepAlive(st)
	t.Logf("%d users of %d bytes of JSON (%d in all): live heap %+d MB", len(made), maxUserBytes, st.userBytes, grown>>20)
	assert.LessOrEqual(t, st.userBytes, maxUsersJSON)
	assert.Less(t, grown, int64(64<<20), "the users alone take a quarter of the emulator's budget or more")

	for _, uid := range made {
		require.Nil(t, st.remove(uid, true))
	}
	assert.Zero(t, st.userBytes, "deleting users for good gave their room back")
	for i := len(st.users); i < maxUsers; i++ {
		_, _, e := st.create(cometchatcalls.User{UID: fmt.Sprintf("p%d", i), Name: "N"}, false)
		require.Nil(t, e, "plain user %d", i)
	}
	_, _, e = st.create(cometchatcalls.User{UID: "one-more", Name: "N"}, false)
	require.NotNil(t, e)
	assert.Len(t, st.users, maxUsers)
}
