// Package leakcheck fails a test, or a whole test binary, when goroutines
// are still running at the end that the code under test started.
//
// It exists so that the core module does not require go.uber.org/goleak:
// goleak's go.mod requires testify, and every requirement of the SDK's
// module ends up in the go.sum of each module that imports the SDK. This
// package provides the part of goleak the SDK's tests use, under the same
// names, with the standard library only.
//
// A check reads the stacks of all goroutines (runtime.Stack) and leaves out
// the goroutine doing the check, the goroutines the testing package runs
// while tests run, and the goroutines of the runtime and of os/signal, which
// live as long as the process. Goroutines take a moment to exit after the
// Close that stops them, so a check looks again, with growing pauses, for a
// few seconds before it reports the goroutines that are left.
package leakcheck

import (
	"fmt"
	"io"
	"os"
	"strings"
	"testing"
	"time"
)

const (
	// maxWait bounds how long a check waits for goroutines to exit.
	maxWait = 3 * time.Second
	// maxSleep bounds one pause between two looks at the goroutines.
	maxSleep = 100 * time.Millisecond
)

// TB is the part of testing.TB that VerifyNone uses.
type TB interface {
	Helper()
	Errorf(format string, args ...any)
}

// An Option changes a check made by VerifyNone or VerifyTestMain.
type Option func(*config)

type config struct {
	ignore  map[int]bool // IDs of goroutines that are not leaks
	cleanup func(exitCode int)
}

// IgnoreCurrent returns an Option that leaves out the goroutines running
// when IgnoreCurrent is called, so that a check covers only the goroutines
// started after it:
//
//	before := leakcheck.IgnoreCurrent()
//	// start and stop what the test checks
//	leakcheck.VerifyNone(t, before)
func IgnoreCurrent() Option {
	ids := make(map[int]bool)
	for _, g := range goroutines() {
		ids[g.id] = true
	}
	return func(c *config) {
		for id := range ids {
			c.ignore[id] = true
		}
	}
}

// Cleanup returns an Option that calls f once the check is done. With
// VerifyTestMain, f receives the exit code the test binary is about to exit
// with (1 if the tests passed but goroutines leaked), and the binary exits
// with that code when f returns. With VerifyNone, f receives 0.
func Cleanup(f func(exitCode int)) Option {
	return func(c *config) { c.cleanup = f }
}

// VerifyNone reports through t.Errorf the goroutines that are still running,
// with their stacks, after waiting a few seconds for them to exit. Because it
// cannot tell one test's goroutines from another's, it must not be used in
// a test that runs in parallel with others; use VerifyTestMain there.
func VerifyNone(t TB, options ...Option) {
	t.Helper()
	cfg := newConfig(options)
	if leaks := find(cfg); len(leaks) > 0 {
		t.Errorf("leakcheck: %s", report(leaks))
	}
	if cfg.cleanup != nil {
		cfg.cleanup(0)
	}
}

// VerifyTestMain runs the tests and, if they passed, checks as VerifyNone
// does that no goroutine is left, then exits the process. Use it as a
// package's TestMain:
//
//	func TestMain(m *testing.M) { leakcheck.VerifyTestMain(m) }
//
// Leaked goroutines are printed to standard error and make the exit code 1.
func VerifyTestMain(m *testing.M, options ...Option) {
	os.Exit(runMain(m.Run, os.Stderr, options...))
}

// runMain is VerifyTestMain up to the exit; it returns the exit code.
func runMain(run func() int, stderr io.Writer, options ...Option) int {
	code := run()
	cfg := newConfig(options)
	if code == 0 {
		if leaks := find(cfg); len(leaks) > 0 {
			fmt.Fprintf(stderr, "leakcheck: tests passed, but %s\n", report(leaks))
			code = 1
		}
	}
	if cfg.cleanup != nil {
		cfg.cleanup(code)
	}
	return code
}

func newConfig(options []Option) *config {
	cfg := &config{ignore: make(map[int]bool)}
	for _, o := range options {
		o(cfg)
	}
	return cfg
}

// find returns the goroutines that are neither ignored nor part of the test
// framework or the runtime, looking again until none is left or maxWait has
// passed.
func find(cfg *config) []goroutine {
	self := current().id
	deadline := time.Now().Add(maxWait)
	for sleep := time.Millisecond; ; sleep = min(2*sleep, maxSleep) {
		var leaks []goroutine
		for _, g := range goroutines() {
			if g.id != self && !cfg.ignore[g.id] && !background(g) {
				leaks = append(leaks, g)
			}
		}
		if len(leaks) == 0 || time.Now().After(deadline) {
			return leaks
		}
		time.Sleep(sleep)
	}
}

// background reports whether g belongs to the testing package, the runtime
// or os/signal rather than to the code under test.
func background(g goroutine) bool {
	top := g.top()
	switch {
	case strings.HasPrefix(top, "testing.") && strings.HasPrefix(g.state, "chan receive"):
		// The testing package waiting for a test to end: the main goroutine
		// in testing.(*T).Run, a parent test in tRunner waiting for its
		// parallel subtests, a test paused in testing.(*T).Parallel.
		return true
	case top == "os/signal.signal_recv", top == "os/signal.loop":
		// Started by the first signal.Notify; it never ends.
		return true
	case strings.HasPrefix(g.creator, "runtime."), g.onlyRuntime():
		// The runtime's own: GC workers, signal forwarding (ensureSigM),
		// the goroutine cgo and the race detector park in a syscall.
		return true
	case g.has("runtime.ReadTrace"):
		// The execution tracer's reader, between trace.Start and Stop.
		return true
	}
	return false
}

func report(leaks []goroutine) string {
	stacks := make([]string, len(leaks))
	for i, g := range leaks {
		stacks[i] = g.stack
	}
	return fmt.Sprintf("%d goroutine(s) still running after %v:\n\n%s",
		len(leaks), maxWait, strings.Join(stacks, "\n\n"))
}
