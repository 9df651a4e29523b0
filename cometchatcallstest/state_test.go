package cometchatcallstest_test

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cometchat-go/cometchatcalls"
	"github.com/cometchat-go/cometchatcalls/cometchatcallstest"
)

func TestStateFile_RestoresUsersAndTokens(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "nested", "emulator-state.json")

	first, err := cometchatcallstest.Start(cometchatcallstest.WithStateFile(path))
	require.NoError(t, err)
	token := login(t, first, "cometchat-uid-1")
	require.NoError(t, first.AddUser(cometchatcalls.User{UID: "alice", Name: "Alice", Metadata: map[string]any{"plan": "pro"}}))
	aliceToken, err := first.IssueAuthToken("alice")
	require.NoError(t, err)
	require.NoError(t, first.DeactivateUser("cometchat-uid-5"))
	require.NoError(t, first.SaveState())
	first.Close()

	info, err := os.Stat(path)
	require.NoError(t, err)
	assert.Equal(t, os.FileMode(0o600), info.Mode().Perm())
	entries, err := os.ReadDir(filepath.Dir(path))
	require.NoError(t, err)
	assert.Len(t, entries, 1, "no temporary file left behind")

	second, err := cometchatcallstest.Start(cometchatcallstest.WithStateFile(path))
	require.NoError(t, err)
	defer second.Close()
	me := send(t, second, "GET", "/client/v3.0/me", "", clientHdr(second, token)...).data(t)
	assert.Equal(t, "cometchat-uid-1", me["uid"])
	assert.Equal(t, "online", me["status"], "presence is kept too")
	assert.True(t, slices.Equal([]string{aliceToken}, second.AuthTokens("alice")), "alice's token is restored")
	alice, ok := second.User("alice")
	require.True(t, ok)
	assert.Equal(t, map[string]any{"plan": "pro"}, alice.Metadata)
	_, ok = second.User("cometchat-uid-5")
	assert.False(t, ok, "still deactivated")
	assertError(t, send(t, second, "POST", "/admin/v3.0/users", `{"uid":"cometchat-uid-5","name":"x"}`, adminHdr(second)...),
		409, "ERR_UID_ALREADY_EXISTS")

	// A revocation saved by the second server is seen by a third.
	require.NoError(t, second.RevokeAuthToken(token))
	require.NoError(t, second.SaveState())
	third, err := cometchatcallstest.Start(cometchatcallstest.WithStateFile(path))
	require.NoError(t, err)
	defer third.Close()
	assertError(t, send(t, third, "GET", "/client/v3.0/me", "", clientHdr(third, token)...), 401, "AUTH_ERR_AUTH_TOKEN_NOT_FOUND")
}

func TestStateFile_MissingFileStartsFresh(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "state.json")
	srv, err := cometchatcallstest.Start(cometchatcallstest.WithStateFile(path))
	require.NoError(t, err)
	defer srv.Close()
	_, ok := srv.User("cometchat-uid-3")
	assert.True(t, ok, "the sample users")
	_, err = os.Stat(path)
	assert.ErrorIs(t, err, os.ErrNotExist, "Start does not write")

	plain := newServer(t)
	assert.NoError(t, plain.SaveState(), "without WithStateFile SaveState does nothing")
}

func TestStateFile_RefusesForeignFiles(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	other := filepath.Join(dir, "other-app.json")
	srv, err := cometchatcallstest.Start(cometchatcallstest.WithStateFile(other), cometchatcallstest.WithAppID("otherapp"))
	require.NoError(t, err)
	require.NoError(t, srv.SaveState())
	srv.Close()

	corrupt := filepath.Join(dir, "corrupt.json")
	require.NoError(t, os.WriteFile(corrupt, []byte(`{"sessions":{}}`), 0o600))
	for _, c := range []struct{ path, want string }{
		{other, `belongs to the app "otherapp", not "emulatorapp"`},
		{corrupt, "is not a cometchatcallstest-state/1 file"},
		{dir, "reading the state file"},
	} {
		_, err := cometchatcallstest.Start(cometchatcallstest.WithStateFile(c.path))
		require.Error(t, err, c.path)
		assert.Contains(t, err.Error(), c.want)
	}
}

// A state file that parses but could not have been saved (a user without
// a uid, a uid or a token twice, an empty token) makes Start fail, and the
// error quotes no token.
func TestStateFile_RefusesInconsistentFiles(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	const token = "tok-secret-4d2a9e"
	user := func(uid string, tokens ...string) string {
		s := `{"user":{"uid":"` + uid + `","name":"x"},"updatedAt":1,"tokens":[`
		for i, tk := range tokens {
			if i > 0 {
				s += ","
			}
			s += `{"token":"` + tk + `","createdAt":1}`
		}
		return s + `]}`
	}
	for name, users := range map[string]string{
		"empty uid":        user(""),
		"uid twice":        user("a") + "," + user("a"),
		"empty token":      user("a", ""),
		"token twice":      user("a", token, token),
		"token of two":     user("a", token) + "," + user("b", token),
		"uid with a slash": user("a/b"),
	} {
		path := filepath.Join(dir, filepath.Base(name)+".json")
		doc := `{"format":"cometchatcallstest-state/1","appId":"emulatorapp","users":[` + users + `]}`
		require.NoError(t, os.WriteFile(path, []byte(doc), 0o600))
		srv, err := cometchatcallstest.Start(cometchatcallstest.WithStateFile(path))
		if err == nil {
			srv.Close()
			t.Errorf("%s: Start accepted the state file", name)
			continue
		}
		assert.False(t, strings.Contains(err.Error(), token), "%s: the error quotes a token", name)
	}
}
