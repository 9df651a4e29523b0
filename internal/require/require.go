// Package require holds the assertions of package assert that stop the
// test when they fail (t.FailNow), as testify's require does. Only those
// the core module's tests use are here.
package require

import (
	"time"

	"github.com/cometchat-go/cometchatcalls/internal/assert"
)

// TestingT is what the assertions need of a test: *testing.T, *testing.B
// and testing.TB have it.
type TestingT interface {
	assert.TestingT
	FailNow()
}

// stop ends the test when an assertion did not hold.
func stop(t TestingT, held bool) {
	t.Helper()
	if !held {
		t.FailNow()
	}
}

// NoError is assert.NoError that stops the test.
func NoError(t TestingT, err error, msgAndArgs ...any) {
	t.Helper()
	stop(t, assert.NoError(t, err, msgAndArgs...))
}

// Error is assert.Error that stops the test.
func Error(t TestingT, err error, msgAndArgs ...any) {
	t.Helper()
	stop(t, assert.Error(t, err, msgAndArgs...))
}

// ErrorIs is assert.ErrorIs that stops the test.
func ErrorIs(t TestingT, err, target error, msgAndArgs ...any) {
	t.Helper()
	stop(t, assert.ErrorIs(t, err, target, msgAndArgs...))
}

// ErrorAs is assert.ErrorAs that stops the test.
func ErrorAs(t TestingT, err error, target any, msgAndArgs ...any) {
	t.Helper()
	stop(t, assert.ErrorAs(t, err, target, msgAndArgs...))
}

// True is assert.True that stops the test.
func True(t TestingT, value bool, msgAndArgs ...any) {
	t.Helper()
	stop(t, assert.True(t, value, msgAndArgs...))
}

// False is assert.False that stops the test.
func False(t TestingT, value bool, msgAndArgs ...any) {
	t.Helper()
	stop(t, assert.False(t, value, msgAndArgs...))
}

// Equal is assert.Equal that stops the test.
func Equal(t TestingT, expected, actual any, msgAndArgs ...any) {
	t.Helper()
	stop(t, assert.Equal(t, expected, actual, msgAndArgs...))
}

// NotEqual is assert.NotEqual that stops the test.
func NotEqual(t TestingT, expected, actual any, msgAndArgs ...any) {
	t.Helper()
	stop(t, assert.NotEqual(t, expected, actual, msgAndArgs...))
}

// NotNil is assert.NotNil that stops the test.
func NotNil(t TestingT, object any, msgAndArgs ...any) {
	t.Helper()
	stop(t, assert.NotNil(t, object, msgAndArgs...))
}

// Len is assert.Len that stops the test.
func Len(t TestingT, object any, n int, msgAndArgs ...any) {
	t.Helper()
	stop(t, assert.Len(t, object, n, msgAndArgs...))
}

// Contains is assert.Contains that stops the test.
func Contains(t TestingT, s, element any, msgAndArgs ...any) {
	t.Helper()
	stop(t, assert.Contains(t, s, element, msgAndArgs...))
}

// NotEmpty is assert.NotEmpty that stops the test.
func NotEmpty(t TestingT, object any, msgAndArgs ...any) {
	t.Helper()
	stop(t, assert.NotEmpty(t, object, msgAndArgs...))
}

// GreaterOrEqual is assert.GreaterOrEqual that stops the test.
func GreaterOrEqual(t TestingT, e1, e2 any, msgAndArgs ...any) {
	t.Helper()
	stop(t, assert.GreaterOrEqual(t, e1, e2, msgAndArgs...))
}

// NotPanics is assert.NotPanics that stops the test.
func NotPanics(t TestingT, f func(), msgAndArgs ...any) {
	t.Helper()
	stop(t, assert.NotPanics(t, f, msgAndArgs...))
}

// Eventually is assert.Eventually that stops the test.
func Eventually(t TestingT, condition func() bool, waitFor, tick time.Duration, msgAndArgs ...any) {
	t.Helper()
	stop(t, assert.Eventually(t, condition, waitFor, tick, msgAndArgs...))
}
