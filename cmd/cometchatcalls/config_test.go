package main

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cometchat-go/cometchatcalls/cometchatcallstest"
)

func TestConfig_FlagsWinOverTheEnvironmentWhichWinsOverTheEmulator(t *testing.T) {
	config := t.TempDir()
	isolate(t, config)
	t.Setenv(envEmulatorURL, "http://127.0.0.1:1")
	c := &cli{}
	cfg, err := c.config()
	require.NoError(t, err)
	assert.Equal(t, cometchatcallstest.DefaultAppID, cfg.appID)
	assert.Equal(t, cometchatcallstest.DefaultRegion, cfg.region)
	assert.Equal(t, cometchatcallstest.DefaultAuthKey, cfg.authKey)
	assert.Equal(t, cometchatcallstest.DefaultAPIKey, cfg.apiKey)
	assert.Equal(t, filepath.Join(config, "cometchatcalls", "emulatorapp", "session.json"), cfg.sessionFile)

	t.Setenv(envAppID, "envapp")
	t.Setenv(envAPIKey, "env-key")
	c.g.region = "eu"
	cfg, err = c.config()
	require.NoError(t, err)
	assert.Equal(t, "envapp", cfg.appID)
	assert.Equal(t, "eu", cfg.region)
	assert.Equal(t, "env-key", cfg.apiKey)
	assert.Equal(t, filepath.Join(config, "cometchatcalls", "envapp", "session.json"), cfg.sessionFile, "one directory per app")

	c.g.appID, c.g.sessionFile = "flagapp", "/x/s.json"
	cfg, err = c.config()
	require.NoError(t, err)
	assert.Equal(t, "flagapp", cfg.appID)
	assert.Equal(t, "/x/s.json", cfg.sessionFile)
}

func TestConfig_WithoutTheEmulatorNothingDefaults(t *testing.T) {
	isolate(t, t.TempDir())
	t.Setenv(envAppID, "app")
	t.Setenv(envRegion, "us")
	cfg, err := (&cli{}).config()
	require.NoError(t, err)
	assert.Empty(t, cfg.authKey)
	assert.Empty(t, cfg.apiKey)
	assert.Empty(t, cfg.emulatorURL)
}

func TestDefaultSessionFile_RefusesAppIDsThatNameOtherDirectories(t *testing.T) {
	isolate(t, t.TempDir())
	for _, id := range []string{".", "..", "a/b", `a\b`, "c:x", "a\nb"} {
		_, err := defaultSessionFile(id)
		assert.Error(t, err, "%q", id)
		assert.False(t, strings.Contains(err.Error(), "\n"), "%q", id)
	}
}

// TestDebug_NeverShowsCredentialsOfTheEmulatorURL: -debug describes the
// emulator URL without its user info or query, even when the SDK then
// refuses the URL.
func TestDebug_NeverShowsCredentialsOfTheEmulatorURL(t *testing.T) {
	isolate(t, filepath.Join(t.TempDir(), "config"))
	r := runCLI(t, "", "-debug", "-emulator-url", "http://u:PASSWORDX@127.0.0.1:1/x?key=SECRETQ", "whoami")
	assert.NotEqual(t, exitOK, r.code)
	assert.Contains(t, r.stderr, "http://127.0.0.1:1/x")
	assert.NotContains(t, r.stdout+r.stderr, "PASSWORDX")
	assert.NotContains(t, r.stdout+r.stderr, "SECRETQ")
}
