package redisstore_test

import (
	"context"
	"testing"

	"github.com/redis/go-redis/v9"
	"go.uber.org/goleak"
)

func TestMain(m *testing.M) {
	// go-redis logs every failed dial; the tests that stop Redis on
	// purpose would fill the output with them.
	redis.SetLogger(quiet{})
	// Every client and emulator a test starts is closed by the end of it,
	// and the store starts no goroutine of its own.
	goleak.VerifyTestMain(m)
}

type quiet struct{}

func (quiet) Printf(context.Context, string, ...any) {}
