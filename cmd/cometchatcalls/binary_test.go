package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cometchat-go/cometchatcalls/cometchatcallstest"
)

// TestBinary builds the tool and uses it as a person would, each command
// its own process: the emulator from `cometchatcalls emulator`, every
// command, the -json shapes, every exit code, and then the attacker's
// check that no secret the test saw reached stderr or the -debug log.
func TestBinary(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	if runtime.GOOS == "windows" {
		t.Skip("stops processes with SIGINT")
	}
	dir := t.TempDir()
	bin := filepath.Join(dir, "cometchatcalls")
	build := exec.Command("go", "build", "-o", bin, ".") // go test puts its own go first on PATH
	out, err := build.CombinedOutput()
	require.NoError(t, err, "go build:\n%s", out)

	config := filepath.Join(dir, "config")
	isolate(t, config)
	base := startEmulator(t, bin)
	env := append(os.Environ(), envEmulatorURL+"="+base)

	var stderrs strings.Builder // every command's stderr, -debug logs included
	secrets := []string{cometchatcallstest.DefaultAuthKey, cometchatcallstest.DefaultAPIKey}
	sh := func(stdin string, want int, args ...string) string {
		t.Helper()
		cmd := exec.Command(bin, args...)
		cmd.Env = env
		cmd.Stdin = strings.NewReader(stdin)
		var o, e bytes.Buffer
		cmd.Stdout, cmd.Stderr = &o, &e
		err := cmd.Run()
		code := 0
		if ee, ok := err.(*exec.ExitError); ok {
			code = ee.ExitCode()
		} else {
			require.NoError(t, err)
		}
		require.Equal(t, want, code, "%v\nstdout: %s\nstderr: %s", args, o.String(), e.String())
		stderrs.WriteString(e.String())
		return o.String()
	}
	jsonOut := func(stdin string, v any, args ...string) {
		t.Helper()
		require.NoError(t, json.Unmarshal([]byte(sh(stdin, 0, append([]string{"-json", "-debug"}, args...)...)), v))
	}

	// Offline commands.
	assert.Contains(t, sh("", 0, "help"), "Commands:")
	assert.Contains(t, sh("", 0, "version"), "cometchatcalls ")
	assert.Contains(t, sh("", 0, "user", "create", "-h"), "Examples:")
	sh("", 2, "frob")

	// Not logged in: exit 4.
	sh("", 4, "whoami")
	sh("", 4, "-debug", "call-token", "room")

	// Log in in one process; the session survives into the next ones.
	assert.Equal(t, "Logged in as Andrew Joseph (cometchat-uid-1)\n", sh("", 0, "-debug", "login", "-uid", "cometchat-uid-1"))
	session := filepath.Join(config, "cometchatcalls", cometchatcallstest.DefaultAppID, "session.json")
	st, err := os.Stat(session)
	require.NoError(t, err)
	assert.Equal(t, os.FileMode(0o600), st.Mode().Perm())
	var user map[string]any
	jsonOut("", &user, "whoami", "-validate")
	assert.Equal(t, "cometchat-uid-1", user["uid"])
	authToken := strings.TrimSpace(sh("", 0, "auth-token"))
	secrets = append(secrets, authToken)
	var ct map[string]string
	jsonOut("", &ct, "call-token", "standup")
	assert.Equal(t, "standup", ct["sessionId"])
	secrets = append(secrets, ct["token"])
	secrets = append(secrets, strings.TrimSpace(sh("", 0, "-debug", "call-token", "standup")))

	// The backend's commands, with the REST API key.
	var tok tokenJSON
	jsonOut("", &tok, "token", "create", "cometchat-uid-2", "-force")
	assert.Equal(t, "cometchat-uid-2", tok.UID)
	assert.NotZero(t, tok.CreatedAt)
	secrets = append(secrets, tok.Token)
	var list []tokenJSON
	jsonOut("", &list, "token", "list", "cometchat-uid-2")
	require.Len(t, list, 1)
	assert.NotEqual(t, tok.Token, list[0].Token, "masked")
	sh(tok.Token, 0, "-debug", "token", "revoke", "cometchat-uid-2")
	sh(tok.Token, 1, "-debug", "token", "revoke", "cometchat-uid-2")
	sh("", 0, "token", "revoke", "-all", "cometchat-uid-3")
	jsonOut("", &user, "user", "create", "dave", "-name", "Dave")
	jsonOut("", &user, "user", "get", "dave")
	assert.Equal(t, "Dave", user["name"])
	var users []map[string]any
	jsonOut("", &users, "user", "list", "-per-page", "2")
	assert.Len(t, users, 2)
	sh("", 0, "user", "delete", "dave", "-permanent")
	var checks []checkResult
	jsonOut("", &checks, "doctor")
	assert.Len(t, checks, 7)

	// Credentials rejected: exit 4, the wrong key nowhere.
	wrong := "wrong-rest-key-9f8e7d6c5b4a"
	secrets = append(secrets, wrong)
	sh(wrong, 4, "-debug", "user", "list", "-api-key-stdin")

	// Ctrl-C while the tool waits for a token on stdin: exit 130; SIGTERM:
	// exit 143.
	for sig, code := range map[os.Signal]int{os.Interrupt: 130, syscall.SIGTERM: 143} {
		cmd := exec.Command(bin, "login", "-with-token")
		cmd.Env = env
		stdin, err := cmd.StdinPipe()
		require.NoError(t, err)
		var e bytes.Buffer
		cmd.Stderr = &e
		require.NoError(t, cmd.Start())
		time.Sleep(200 * time.Millisecond)
		require.NoError(t, cmd.Process.Signal(sig))
		err = cmd.Wait()
		_ = stdin.Close()
		var ee *exec.ExitError
		require.ErrorAs(t, err, &ee, sig)
		assert.Equal(t, code, ee.ExitCode(), "%v: %s", sig, e.String())
		assert.Equal(t, "cometchatcalls: interrupted\n", e.String(), sig)
	}

	// Log out; the session file then holds nobody.
	sh("", 0, "logout")
	sh("", 4, "whoami")

	assert.Contains(t, stderrs.String(), "cometchatcalls: request", "the -debug log was captured")
	for _, s := range secrets {
		require.NotEmpty(t, s)
		assert.NotContains(t, stderrs.String(), s, "a secret on stderr or in the -debug log")
	}
}

// startEmulator runs `cometchatcalls emulator` on a free port and returns
// its base URL; the test stops it with SIGINT and checks a clean exit.
func startEmulator(t *testing.T, bin string) string {
	t.Helper()
	cmd := exec.Command(bin, "emulator", "-addr", "127.0.0.1:0")
	stdout, err := cmd.StdoutPipe()
	require.NoError(t, err)
	require.NoError(t, cmd.Start())
	lines := make(chan string)
	go func() {
		defer close(lines)
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			lines <- sc.Text()
		}
	}()
	var base string
	for l := range lines {
		if v, ok := strings.CutPrefix(l, "admin URL:"); ok {
			base = strings.TrimSuffix(strings.TrimSpace(v), "/admin/v3.0")
		}
		if strings.HasPrefix(l, "Stop with Ctrl+C.") {
			break
		}
	}
	require.NotEmpty(t, base, "the emulator printed no admin URL")
	t.Cleanup(func() {
		require.NoError(t, cmd.Process.Signal(syscall.SIGINT))
		var rest []string
		for l := range lines {
			rest = append(rest, l)
		}
		assert.NoError(t, cmd.Wait())
		assert.Contains(t, rest, "CometChat emulator stopped")
	})
	return base
}
