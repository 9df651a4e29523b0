package main

import (
	"context"
	"errors"
	"io"
	"os"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestInterruptedCode: 143 when SIGTERM ended the run, 130 for Ctrl-C and
// for a context ended any other way.
func TestInterruptedCode(t *testing.T) {
	for _, tc := range []struct {
		name  string
		cause error
		want  int
	}{
		{"SIGTERM", signalCause{syscall.SIGTERM}, exitTerminated},
		{"Ctrl-C", signalCause{os.Interrupt}, exitInterrupted},
		{"cancelled", context.Canceled, exitInterrupted},
		{"another cause", errors.New("x"), exitInterrupted},
	} {
		ctx, cancel := context.WithCancelCause(context.Background())
		cancel(tc.cause)
		assert.Equal(t, tc.want, interruptedCode(ctx), tc.name)
	}
}

// TestSIGTERM_WhileWaitingForStdinIsExit143: a run that SIGTERM ends
// reports it like Ctrl-C, with the exit code a shell gives SIGTERM.
func TestSIGTERM_WhileWaitingForStdinIsExit143(t *testing.T) {
	newWorld(t)
	pr, pw := io.Pipe()
	defer pw.Close() // ends the reader goroutine the tool left behind
	ctx, cancel := context.WithCancelCause(context.Background())
	time.AfterFunc(50*time.Millisecond, func() { cancel(signalCause{syscall.SIGTERM}) })
	r := cliCtx(t, ctx, pr, "login", "-with-token")
	assert.Equal(t, exitTerminated, r.code)
	assert.Equal(t, "cometchatcalls: interrupted\n", r.stderr)
}

// TestNotifyContext: stop ends the context and its goroutine; nothing is
// left registered (the signal goes back to its default once stopped).
func TestNotifyContext(t *testing.T) {
	ctx, stop := notifyContext(context.Background())
	require.NoError(t, ctx.Err())
	stop()
	assert.ErrorIs(t, ctx.Err(), context.Canceled)
	assert.Equal(t, exitInterrupted, interruptedCode(ctx), "stopped, not signalled")
}
