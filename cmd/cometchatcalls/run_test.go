package main

import (
	"context"
	"flag"
	"io"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestHelp_EveryCommandHasUsageWithExamples(t *testing.T) {
	newWorld(t)
	r := ok(t, "", "help")
	for _, cmd := range commands {
		assert.Contains(t, r.stdout, "  "+cmd.name+" ", "the main usage lists %s", cmd.name)
	}
	assert.Equal(t, r.stdout, ok(t, "", "-h").stdout)

	for _, cmd := range commands {
		words := strings.Fields(cmd.name)
		for _, args := range [][]string{append([]string{"help"}, words...), append(words, "-h"), append(words, "--help")} {
			r := ok(t, "", args...)
			assert.Contains(t, r.stdout, "Usage: cometchatcalls "+cmd.name, args)
			assert.Regexp(t, `Examples:\n  .*cometchatcalls `+cmd.name, r.stdout, args)
			assert.NotContains(t, r.stdout, "-app-id", "%v lists its own flags only", args)
			assert.Empty(t, r.stderr)
		}
	}
	r = ok(t, "", "help", "login")
	assert.Contains(t, r.stdout, "-auth-key-stdin")
	assert.Contains(t, r.stdout, "-with-token")
	r = ok(t, "", "help", "user")
	assert.Contains(t, r.stdout, "cometchatcalls user list [-page N]")
}

func TestHelp_Emulator(t *testing.T) {
	for _, args := range [][]string{{"help", "emulator"}, {"emulator", "-h"}, {"emulator", "-addr", "127.0.0.1:0", "--help"}} {
		r := ok(t, "", args...)
		assert.Contains(t, r.stdout, "Usage: cometchatcalls emulator [flags]")
		assert.Contains(t, r.stdout, "-allow-remote")
		assert.NotContains(t, r.stdout, "Usage of")
	}
}

func TestUsageErrors(t *testing.T) {
	newWorld(t)
	cases := map[string][]string{
		"no command":       {},
		"unknown command":  {"frob"},
		"unknown flag":     {"whoami", "-frob"},
		"unknown global":   {"-frob", "whoami"},
		"help for nothing": {"help", "frob"},
		"bad timeout":      {"whoami", "-timeout", "0s"},
		"extra argument":   {"whoami", "me"},
	}
	for name, args := range cases {
		r := runCLI(t, "", args...)
		assert.Equal(t, exitUsage, r.code, name)
		assert.Empty(t, r.stdout, name)
		assert.NotEmpty(t, r.stderr, name)
	}
	r := runCLI(t, "", "-json", "frob")
	assert.Equal(t, errorJSON{Code: codeUsage, Message: `unknown command "frob"`}, r.errJSON(t))
}

func TestUsageErrors_NoAppConfigured(t *testing.T) {
	isolate(t, t.TempDir())
	r := runCLI(t, "", "whoami")
	assert.Equal(t, exitUsage, r.code)
	assert.Contains(t, r.stderr, "COMETCHAT_APP_ID")
	r = runCLI(t, "", "-app-id", "../x", "-region", "us", "whoami")
	assert.Equal(t, exitUsage, r.code, "an app ID that would leave the config directory")
	assert.Contains(t, r.stderr, "-session-file")
	assert.Equal(t, exitOK, runCLI(t, "", "version").code, "version needs no configuration")
}

func TestGlobalFlags_BeforeOrAfterTheCommand(t *testing.T) {
	w := newWorld(t)
	t.Setenv(envEmulatorURL, "")
	file := t.TempDir() + "/s.json"
	ok(t, "", "-emulator-url", w.srv.URL(), "login", "-uid", "cometchat-uid-1", "-session-file", file)
	ok(t, "", "-session-file", file, "whoami", "-emulator-url", w.srv.URL())
	r := ok(t, "", "-session-file", file, "-json", "whoami", "-emulator-url", w.srv.URL())
	assert.True(t, strings.HasPrefix(r.stdout, "{"), r.stdout)
	// The flag after the command wins, as it comes last.
	assert.Equal(t, exitAuth, runCLI(t, "", "-session-file", file, "whoami", "-emulator-url", w.srv.URL(), "-session-file", file+".other").code)
}

func TestParseInterleaved(t *testing.T) {
	for _, tc := range []struct {
		args []string
		pos  []string
		name string
	}{
		{[]string{"uid", "-name", "N"}, []string{"uid"}, "N"},
		{[]string{"-name", "N", "uid"}, []string{"uid"}, "N"},
		{[]string{"a", "-name=N", "b"}, []string{"a", "b"}, "N"},
		{[]string{"-name", "N", "--", "-x", "y"}, []string{"-x", "y"}, "N"},
		{nil, nil, ""},
	} {
		fs := flag.NewFlagSet("t", flag.ContinueOnError)
		fs.SetOutput(io.Discard)
		name := fs.String("name", "", "")
		pos, err := parseInterleaved(fs, tc.args)
		require.NoError(t, err, tc.args)
		assert.Equal(t, tc.pos, pos, tc.args)
		assert.Equal(t, tc.name, *name, tc.args)
	}
}

func TestCtrlC_WhileWaitingForStdinIsExit130(t *testing.T) {
	newWorld(t)
	pr, pw := io.Pipe()
	defer pw.Close() // ends the reader goroutine the tool left behind
	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(50*time.Millisecond, cancel)
	r := cliCtx(t, ctx, pr, "login", "-with-token")
	assert.Equal(t, exitInterrupted, r.code)
	assert.Equal(t, "cometchatcalls: interrupted\n", r.stderr)
	assert.Empty(t, r.stdout)
	assert.Equal(t, exitAuth, runCLI(t, "", "whoami").code, "nothing was saved")
}

func TestCtrlC_DuringARequestIsExit130(t *testing.T) {
	w := newWorld(t)
	release := w.srv.Hold()
	defer release()
	ctx, cancel := context.WithCancel(context.Background())
	go func() {
		_ = w.srv.WaitHeld(ctx, 1)
		cancel()
	}()
	r := cliCtx(t, ctx, strings.NewReader(""), "-json", "login", "-uid", "cometchat-uid-1")
	assert.Equal(t, exitInterrupted, r.code, r.stderr)
	assert.Equal(t, "ERROR_INTERRUPTED", r.errJSON(t).Code)
	assert.Equal(t, exitAuth, runCLI(t, "", "whoami").code, "nothing was saved")
}

func TestTimeout_IsANetworkError(t *testing.T) {
	w := newWorld(t)
	release := w.srv.Hold()
	defer release()
	r := runCLI(t, "", "login", "-uid", "cometchat-uid-1", "-timeout", "100ms")
	assert.Equal(t, exitFailure, r.code)
	assert.Contains(t, r.stderr, "ERROR_NETWORK")
}

func TestVersion(t *testing.T) {
	assert.Regexp(t, `^cometchatcalls \d+\.\d+\.\d+ \(go`, ok(t, "", "version").stdout)
	var v versionJSON
	ok(t, "", "version", "-json").json(t, &v)
	assert.NotEmpty(t, v.Version)
	assert.NotEmpty(t, v.Go)
}

// TestHelp_HelpFlagAfterHelpExitsZero: `help -h` and `help login -h` are
// help too.
func TestHelp_HelpFlagAfterHelpExitsZero(t *testing.T) {
	isolate(t, filepath.Join(t.TempDir(), "config"))
	assert.Contains(t, ok(t, "", "help", "-h").stdout, "Commands:")
	assert.Contains(t, ok(t, "", "help", "login", "-h").stdout, "login")
}

// TestUsageError_IsExit2EvenWhenInterrupted: a usage error is a usage
// error, whatever happened to the context meanwhile.
func TestUsageError_IsExit2EvenWhenInterrupted(t *testing.T) {
	isolate(t, filepath.Join(t.TempDir(), "config"))
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	assert.Equal(t, exitUsage, cliCtx(t, ctx, strings.NewReader(""), "bogus").code)
}
