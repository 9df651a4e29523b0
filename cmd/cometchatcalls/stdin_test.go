package main

import (
	"context"
	"io"
	"os"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestStdinSecret_TimeoutSaysWhatItWaitedFor: a secret that does not
// arrive within -timeout fails with a message naming it.
func TestStdinSecret_TimeoutSaysWhatItWaitedFor(t *testing.T) {
	newWorld(t)
	never, w := io.Pipe()
	t.Cleanup(func() { _ = w.Close() })
	r := cliCtx(t, context.Background(), never, "login", "-with-token", "-timeout", "100ms")
	assert.Equal(t, exitFailure, r.code)
	assert.Contains(t, r.stderr, "no auth token arrived on stdin within -timeout")
}

// TestStdinSecret_Piped: a piped secret is read to EOF and trimmed; one
// beyond the limit is a usage error that does not quote it; nothing is
// prompted when stdin is not a terminal.
func TestStdinSecret_Piped(t *testing.T) {
	var stderr strings.Builder
	c := &cli{stdin: strings.NewReader("  key-0123456789\n"), stderr: &stderr}
	s, err := c.stdinSecret(context.Background(), "auth key")
	require.NoError(t, err)
	assert.Equal(t, "key-0123456789", s)
	assert.Empty(t, stderr.String(), "no prompt for a pipe")

	c = &cli{stdin: strings.NewReader(strings.Repeat("k", secretLimit+1)), stderr: &stderr}
	_, err = c.stdinSecret(context.Background(), "auth key")
	var ue *usageError
	require.ErrorAs(t, err, &ue)
	assert.Contains(t, err.Error(), "longer than 65536 bytes")
	assert.NotContains(t, err.Error(), "kkkk")
}

// TestStdinSecret_DevNullIsNotATerminal: /dev/null is a character device
// but no terminal: nothing is prompted and the secret is empty.
func TestStdinSecret_DevNullIsNotATerminal(t *testing.T) {
	devNull, err := os.Open(os.DevNull)
	require.NoError(t, err)
	t.Cleanup(func() { _ = devNull.Close() })
	var stderr strings.Builder
	s, err := (&cli{stdin: devNull, stderr: &stderr}).stdinSecret(context.Background(), "auth key")
	require.NoError(t, err)
	assert.Empty(t, s)
	assert.Empty(t, stderr.String())
}
