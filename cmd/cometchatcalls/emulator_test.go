package main

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/cometchat-go/cometchatcalls/internal/syncbuf"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestEmulator_RunsTheSharedCommandUntilCancelled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var stdout, stderr syncbuf.Buffer
	done := make(chan int, 1)
	go func() {
		done <- run(ctx, []string{"emulator", "-addr", "127.0.0.1:0", "-app-id", "cliapp"}, strings.NewReader(""), &stdout, &stderr)
	}()
	require.Eventually(t, func() bool { return strings.Contains(stdout.String(), "Stop with Ctrl+C.") },
		5*time.Second, 5*time.Millisecond, "stderr: %s", stderr.String())
	assert.Contains(t, stdout.String(), "app ID:       cliapp")
	cancel()
	select {
	case code := <-done:
		assert.Equal(t, exitOK, code)
	case <-time.After(10 * time.Second):
		t.Fatal("the emulator did not stop")
	}
	assert.Contains(t, stdout.String(), "CometChat emulator stopped")
}

func TestEmulator_InvalidFlagIsAUsageError(t *testing.T) {
	r := runCLI(t, "", "emulator", "-frob")
	assert.Equal(t, exitUsage, r.code)
	r = runCLI(t, "", "emulator", "-addr", "0.0.0.0:0")
	assert.Equal(t, exitUsage, r.code, "a non-loopback address without -allow-remote")
}
