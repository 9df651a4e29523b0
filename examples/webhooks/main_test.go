package main

import (
	"bytes"
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"
)

// TestMain also proves that run stops everything it starts: the backend,
// the emulator and the emulator's retries.
func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

func TestRun(t *testing.T) {
	var out bytes.Buffer
	require.NoError(t, run(context.Background(), &out))
	assert.Equal(t, `meeting standup ended: 5m0s, 2 participants (Andrew Joseph 4m59s, George Alan 4m59s)
meeting design-review ended: 5m0s, 3 participants (Andrew Joseph 4m58s, Nancy Grace 4m58s, Susan Marie 4m58s)
ignored 1 repeated delivery (its first answer was lost, so CometChat sent it again)
`, out.String(), "one line per ended meeting, the repeat ignored")
}
