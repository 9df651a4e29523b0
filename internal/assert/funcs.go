package assert

import (
	"fmt"
	"time"
)

// Panics asserts that f panics.
func Panics(t TestingT, f func(), msgAndArgs ...any) bool {
	t.Helper()
	if panicked, _ := recovered(f); panicked {
		return true
	}
	return fail(t, "should panic", msgAndArgs)
}

// NotPanics asserts that f returns without panicking.
func NotPanics(t TestingT, f func(), msgAndArgs ...any) bool {
	t.Helper()
	if panicked, value := recovered(f); panicked {
		return fail(t, fmt.Sprintf("should not panic, panicked with %v", value), msgAndArgs)
	}
	return true
}

// recovered runs f and reports whether it panicked, and with what.
func recovered(f func()) (panicked bool, value any) {
	panicked = true
	defer func() {
		if panicked {
			value = recover()
		}
	}()
	f()
	return false, nil
}

// Eventually asserts that condition returns true within waitFor, asking
// every tick. It runs condition on the test's goroutine.
func Eventually(t TestingT, condition func() bool, waitFor, tick time.Duration, msgAndArgs ...any) bool {
	t.Helper()
	deadline := time.Now().Add(waitFor)
	for !condition() {
		if time.Now().After(deadline) {
			return fail(t, "condition not met within "+waitFor.String(), msgAndArgs)
		}
		time.Sleep(tick)
	}
	return true
}
