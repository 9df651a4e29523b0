package assert

import (
	"errors"
	"fmt"
)

// NoError asserts that err is nil.
func NoError(t TestingT, err error, msgAndArgs ...any) bool {
	t.Helper()
	if err == nil {
		return true
	}
	return fail(t, "unexpected error: "+errorText(err), msgAndArgs)
}

// Error asserts that err is not nil.
func Error(t TestingT, err error, msgAndArgs ...any) bool {
	t.Helper()
	if err != nil {
		return true
	}
	return fail(t, "expected an error, got nil", msgAndArgs)
}

// ErrorIs asserts that errors.Is(err, target).
func ErrorIs(t TestingT, err, target error, msgAndArgs ...any) bool {
	t.Helper()
	if errors.Is(err, target) {
		return true
	}
	return fail(t, "error is not the target:\n\terror:  "+errorText(err)+"\n\ttarget: "+errorText(target), msgAndArgs)
}

// ErrorAs asserts that errors.As(err, target), which sets target.
func ErrorAs(t TestingT, err error, target any, msgAndArgs ...any) bool {
	t.Helper()
	if errors.As(err, target) {
		return true
	}
	return fail(t, fmt.Sprintf("no error in the chain is a %T:\n\terror: %s", target, errorText(err)), msgAndArgs)
}

// errorText is err's message and type, or "<nil>".
func errorText(err error) string {
	if err == nil {
		return "<nil>"
	}
	return fmt.Sprintf("%q (%T)", err.Error(), err)
}
