package cometchatcalls

import (
	"testing"

	"go.uber.org/goleak"
)

// TestMain fails the package if any test leaves a goroutine behind: Close
// must release everything the SDK started.
func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}
