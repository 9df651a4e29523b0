//go:build linux

package cometchatcalls_test

import (
	"os"
	"strconv"
	"syscall"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"

	"github.com/cometchat-go/cometchatcalls"
	"github.com/cometchat-go/cometchatcalls/cometchatcallstest"
)

// burstSizeEnv, set to a number, replaces the burst's 5,000 logins (a
// larger soak).
const burstSizeEnv = "COMETCHATCALLS_BURST_LOGINS"

// TestSharedPool_BurstUnderFileLimit fires 5,000 concurrent logins through
// the shared pool with the soft limit of open files lowered to 1,024, the
// default of most Linux hosts: without the pool's bound, thousands failed
// with "too many open files". The emulator serving them runs in this
// process and uses descriptors too; the pool's bound keeps both sides
// under the limit. Not parallel: the limit is the process's, restored when
// the test ends.
func TestSharedPool_BurstUnderFileLimit(t *testing.T) {
	require.Zero(t, cometchatcalls.SharedPoolUsers(), "clients of earlier tests were never closed")
	n := 5000
	if v, err := strconv.Atoi(os.Getenv(burstSizeEnv)); err == nil && v > 0 {
		n = v
	}
	var orig syscall.Rlimit
	require.NoError(t, syscall.Getrlimit(syscall.RLIMIT_NOFILE, &orig))
	limit := orig
	limit.Cur = min(1024, orig.Max)
	require.NoError(t, syscall.Setrlimit(syscall.RLIMIT_NOFILE, &limit))
	defer func() { require.NoError(t, syscall.Setrlimit(syscall.RLIMIT_NOFILE, &orig)) }()

	defer goleak.VerifyNone(t, goleak.IgnoreCurrent())
	srv := cometchatcallstest.NewServer()
	defer srv.Close()
	errs := burstLogins(t, srv, n, nil)
	failed, first := failures(errs)
	t.Logf("%d concurrent logins under RLIMIT_NOFILE %d: %d failed, %d connections", n, limit.Cur, failed, srv.ConnectionCount())
	assert.Zero(t, failed, "first failure: %v", first)
	assert.LessOrEqual(t, srv.ConnectionCount(), cometchatcalls.MaxConnsPerHost)
}
