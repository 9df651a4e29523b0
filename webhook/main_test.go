package webhook_test

import (
	"testing"

	"go.uber.org/goleak"
)

// TestMain fails the package when a test leaves a goroutine running
// (an httptest server, a request in flight, an emulator's retries).
func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }
