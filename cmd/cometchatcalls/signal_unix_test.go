//go:build unix

package main

import (
	"context"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestNotifyContext_SIGTERM: a real SIGTERM ends the context with a cause
// that names it, instead of killing the process.
func TestNotifyContext_SIGTERM(t *testing.T) {
	ctx, stop := notifyContext(context.Background())
	defer stop()
	require.NoError(t, syscall.Kill(syscall.Getpid(), syscall.SIGTERM))
	select {
	case <-ctx.Done():
	case <-time.After(10 * time.Second):
		t.Fatal("SIGTERM did not end the context")
	}
	assert.Equal(t, signalCause{syscall.SIGTERM}, context.Cause(ctx))
	assert.Equal(t, exitTerminated, interruptedCode(ctx))
}
