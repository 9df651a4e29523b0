package cometchatcalls

import (
	"testing"

	"github.com/cometchat-go/cometchatcalls/internal/leakcheck"
)

// TestMain fails the package if any test leaves a goroutine behind: Close
// must release everything the SDK started.
func TestMain(m *testing.M) {
	leakcheck.VerifyTestMain(m)
}
