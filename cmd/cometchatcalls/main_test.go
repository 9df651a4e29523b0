package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"

	"github.com/cometchat-go/cometchatcalls/cometchatcallstest"
)

// The tests set environment variables (the tool's configuration), so they
// do not run in parallel; each command runs in milliseconds.

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// world is a test's emulator and private home: the configuration points at
// the emulator and the session file lands under the test's own directory.
type world struct {
	srv    *cometchatcallstest.Server
	config string // XDG_CONFIG_HOME
}

// newWorld starts an emulator and points the environment at it, with
// HOME and XDG_CONFIG_HOME in temporary directories so that no test
// touches the real config directory.
func newWorld(t *testing.T) *world {
	t.Helper()
	srv := cometchatcallstest.NewServer()
	t.Cleanup(srv.Close)
	w := &world{srv: srv, config: filepath.Join(t.TempDir(), "config")}
	isolate(t, w.config)
	t.Setenv(envEmulatorURL, srv.URL())
	return w
}

// isolate clears the tool's variables and moves HOME and the config
// directory to temporary ones.
func isolate(t *testing.T, config string) {
	t.Helper()
	home := t.TempDir()
	t.Setenv("HOME", home)
	t.Setenv("XDG_CONFIG_HOME", config)
	t.Setenv("AppData", config) // Windows' os.UserConfigDir
	for _, v := range []string{envAppID, envRegion, envAuthKey, envAPIKey, envEmulatorURL} {
		t.Setenv(v, "")
	}
}

// sessionFile is where the tool keeps the emulator app's session.
func (w *world) sessionFile() string {
	return filepath.Join(w.config, "cometchatcalls", cometchatcallstest.DefaultAppID, "session.json")
}

// result is one run of the tool.
type result struct {
	code           int
	stdout, stderr string
}

// json decodes stdout into v.
func (r result) json(t *testing.T, v any) {
	t.Helper()
	require.NoError(t, json.Unmarshal([]byte(r.stdout), v), "stdout: %s\nstderr: %s", r.stdout, r.stderr)
}

// errJSON decodes the -json error on stderr.
func (r result) errJSON(t *testing.T) errorJSON {
	t.Helper()
	var e struct {
		Error errorJSON `json:"error"`
	}
	require.NoError(t, json.Unmarshal([]byte(r.stderr), &e), "stderr: %s", r.stderr)
	return e.Error
}

// runCLI runs the tool in-process with stdin.
func runCLI(t *testing.T, stdin string, args ...string) result {
	t.Helper()
	return cliCtx(t, context.Background(), strings.NewReader(stdin), args...)
}

func cliCtx(t *testing.T, ctx context.Context, stdin io.Reader, args ...string) result {
	t.Helper()
	var out, errb bytes.Buffer
	code := run(ctx, args, stdin, &out, &errb)
	return result{code, out.String(), errb.String()}
}

// ok runs the tool and requires exit code 0.
func ok(t *testing.T, stdin string, args ...string) result {
	t.Helper()
	r := runCLI(t, stdin, args...)
	require.Equal(t, exitOK, r.code, "%v\nstdout: %s\nstderr: %s", args, r.stdout, r.stderr)
	return r
}
