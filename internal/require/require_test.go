package require

import (
	"errors"
	"fmt"
	"testing"
	"time"
)

// recorder is a TestingT that records failures and FailNow calls.
type recorder struct {
	failures []string
	stopped  bool
}

func (r *recorder) Errorf(format string, args ...any) {
	r.failures = append(r.failures, fmt.Sprintf(format, args...))
}

func (r *recorder) Helper()  {}
func (r *recorder) FailNow() { r.stopped = true }

// TestStopsOnlyOnFailure calls every assertion once where it holds (no
// FailNow) and once where it fails (one report, then FailNow).
func TestStopsOnlyOnFailure(t *testing.T) {
	err := errors.New("x")
	var target *testError
	cases := []struct {
		name         string
		holds, fails func(TestingT)
	}{
		{"NoError", func(t TestingT) { NoError(t, nil) }, func(t TestingT) { NoError(t, err) }},
		{"Error", func(t TestingT) { Error(t, err) }, func(t TestingT) { Error(t, nil) }},
		{"ErrorIs", func(t TestingT) { ErrorIs(t, err, err) }, func(t TestingT) { ErrorIs(t, nil, err) }},
		{"ErrorAs", func(t TestingT) { ErrorAs(t, &testError{}, &target) }, func(t TestingT) { ErrorAs(t, err, &target) }},
		{"True", func(t TestingT) { True(t, true) }, func(t TestingT) { True(t, false) }},
		{"False", func(t TestingT) { False(t, false) }, func(t TestingT) { False(t, true) }},
		{"Equal", func(t TestingT) { Equal(t, 1, 1) }, func(t TestingT) { Equal(t, 1, 2) }},
		{"NotEqual", func(t TestingT) { NotEqual(t, 1, 2) }, func(t TestingT) { NotEqual(t, 1, 1) }},
		{"NotNil", func(t TestingT) { NotNil(t, err) }, func(t TestingT) { NotNil(t, nil) }},
		{"Len", func(t TestingT) { Len(t, "ab", 2) }, func(t TestingT) { Len(t, "ab", 1) }},
		{"Contains", func(t TestingT) { Contains(t, "ab", "b") }, func(t TestingT) { Contains(t, "ab", "c") }},
		{"NotEmpty", func(t TestingT) { NotEmpty(t, "a") }, func(t TestingT) { NotEmpty(t, "") }},
		{"GreaterOrEqual", func(t TestingT) { GreaterOrEqual(t, 2, 2) }, func(t TestingT) { GreaterOrEqual(t, 1, 2) }},
		{"NotPanics", func(t TestingT) { NotPanics(t, func() {}) }, func(t TestingT) { NotPanics(t, func() { panic(1) }) }},
		{"Eventually", func(t TestingT) { Eventually(t, func() bool { return true }, time.Minute, time.Millisecond) },
			func(t TestingT) { Eventually(t, func() bool { return false }, time.Millisecond, time.Microsecond) }},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var r recorder
			tc.holds(&r)
			if r.stopped || len(r.failures) != 0 {
				t.Errorf("should hold; stopped %v, reported %q", r.stopped, r.failures)
			}
			tc.fails(&r)
			if !r.stopped || len(r.failures) != 1 {
				t.Errorf("should fail once and stop; stopped %v, reported %q", r.stopped, r.failures)
			}
		})
	}
}

type testError struct{}

func (*testError) Error() string { return "test error" }
