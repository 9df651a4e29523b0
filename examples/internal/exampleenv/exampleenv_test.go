package exampleenv

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"

	"github.com/cometchat-go/cometchatcalls"
	"github.com/cometchat-go/cometchatcalls/cometchatcallstest"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

func env(m map[string]string) func(string) string { return func(k string) string { return m[k] } }

// login logs cometchat-uid-1 in and out on target.
func login(t *testing.T, target *Target) {
	t.Helper()
	c, err := cometchatcalls.New(target.AppID, target.Region, target.Options...)
	require.NoError(t, err)
	defer c.Close()
	user, err := c.Login(context.Background(), "cometchat-uid-1", target.AuthKey)
	require.NoError(t, err)
	assert.Equal(t, "Andrew Joseph", user.Name)
	require.NoError(t, c.Logout(context.Background()))
}

func TestFromEnv_RunningEmulatorWithItsDefaults(t *testing.T) {
	srv := cometchatcallstest.NewServer() // stands for go run ./cmd/cometchat-emulator
	defer srv.Close()
	var out bytes.Buffer
	target, err := FromEnv(&out, env(map[string]string{VarEmulatorURL: srv.URL()}), VarAuthKey)
	require.NoError(t, err)
	defer target.Close()

	assert.Equal(t, "COMETCHAT_EMULATOR_URL is set: using the CometChat emulator at "+srv.URL()+" (app emulatorapp)\n", out.String())
	assert.True(t, target.Emulated)
	assert.Nil(t, target.Server(), "nothing embedded")
	login(t, target)
	var roles []string
	for _, r := range srv.Requests() {
		roles = append(roles, r.Role+" "+r.Method)
	}
	assert.Equal(t, []string{"admin POST", "client PUT", "client DELETE"}, roles, "every request reached the running emulator")
}

func TestFromEnv_RunningEmulatorWithOtherCredentials(t *testing.T) {
	srv := cometchatcallstest.NewServer(cometchatcallstest.WithAppID("myapp"), cometchatcallstest.WithRegion("eu"),
		cometchatcallstest.WithAuthKey("my-auth-key"))
	defer srv.Close()
	target, err := FromEnv(&bytes.Buffer{}, env(map[string]string{
		VarEmulatorURL: srv.URL() + "/", VarAppID: "myapp", VarRegion: "eu", VarAuthKey: "my-auth-key",
	}))
	require.NoError(t, err)
	assert.Equal(t, "myapp", target.AppID)
	assert.Equal(t, cometchatcallstest.DefaultAPIKey, target.APIKey, "unset: the emulator's default")
	login(t, target)
}

func TestFromEnv_EmbeddedKeepsStateInItsFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "emulator-state.json")
	var out bytes.Buffer
	first, err := FromEnvWithState(&out, env(nil), path)
	require.NoError(t, err)
	assert.Contains(t, out.String(), "The emulator keeps its users and auth tokens in "+path)
	token, err := first.Server().IssueAuthToken("cometchat-uid-2")
	require.NoError(t, err)
	require.NoError(t, first.Close())

	second, err := FromEnvWithState(&bytes.Buffer{}, env(nil), path)
	require.NoError(t, err)
	defer second.Close()
	assert.True(t, slices.Equal([]string{token}, second.Server().AuthTokens("cometchat-uid-2")), "the token is restored")
}

func TestFromEnv_PartlySetIsMissing(t *testing.T) {
	_, err := FromEnv(&bytes.Buffer{}, env(map[string]string{VarAppID: "abc"}), VarAuthKey)
	var missing *MissingError
	require.True(t, errors.As(err, &missing), "%v", err)
	assert.Equal(t, []string{VarRegion, VarAuthKey}, missing.Vars)
	assert.Contains(t, err.Error(), VarEmulatorURL)
}

func TestRunWithState_ReportsAStateFileItCannotRead(t *testing.T) {
	path := filepath.Join(t.TempDir(), "state.json")
	require.NoError(t, os.WriteFile(path, []byte("not json"), 0o600))
	var out, errOut bytes.Buffer
	code := RunWithState(context.Background(), "demo", &out, &errOut, env(nil), VarAuthKey, path,
		func(context.Context, io.Writer, *Target) error { t.Fatal("body ran"); return nil })
	assert.Equal(t, 1, code)
	assert.Contains(t, errOut.String(), "demo: cometchatcallstest: "+path+" is not a cometchatcallstest-state/1 file")
}

func TestTarget_FmtShowsNoKey(t *testing.T) {
	target := &Target{AppID: "app-1", Region: "eu", AuthKey: "auth-key-3f9c1d", APIKey: "rest-api-key-8b2e4a", Emulated: true}
	for _, verb := range []string{"%v", "%+v", "%#v", "%s", "%q"} {
		for _, v := range []any{target, *target} {
			out := fmt.Sprintf(verb, v)
			if strings.Contains(out, "auth-key-3f9c1d") || strings.Contains(out, "rest-api-key-8b2e4a") {
				t.Errorf("%s of a %T shows a key", verb, v)
			}
			assert.Contains(t, out, "app-1", "%s of a %T names the app", verb, v)
		}
	}
}

// TestFileDir: the examples' files go under the user's cache directory,
// and under the temporary directory only when there is none.
func TestFileDir(t *testing.T) {
	home := t.TempDir()
	t.Setenv("HOME", home)
	t.Setenv("XDG_CACHE_HOME", "")
	t.Setenv("LocalAppData", filepath.Join(home, "AppData", "Local"))
	base, err := os.UserCacheDir()
	require.NoError(t, err)
	assert.True(t, strings.HasPrefix(base, home), "the cache directory %s is in HOME", base)
	assert.Equal(t, filepath.Join(base, "cometchatcalls-x"), FileDir("cometchatcalls-x"))

	t.Setenv("HOME", "")
	t.Setenv("LocalAppData", "")
	if _, err := os.UserCacheDir(); err == nil {
		t.Skip("os.UserCacheDir needs no HOME on " + runtime.GOOS)
	}
	assert.Equal(t, filepath.Join(os.TempDir(), "cometchatcalls-x"), FileDir("cometchatcalls-x"))
}
