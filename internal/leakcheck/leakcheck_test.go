package leakcheck

import (
	"bytes"
	"fmt"
	"reflect"
	"runtime"
	"strings"
	"testing"
	"time"
)

func TestMain(m *testing.M) { VerifyTestMain(m) }

// fakeTB records what VerifyNone reports instead of failing the real test.
type fakeTB struct{ errors []string }

func (f *fakeTB) Helper() {}

func (f *fakeTB) Errorf(format string, args ...any) {
	f.errors = append(f.errors, fmt.Sprintf(format, args...))
}

// blockedOn is the leaked goroutine of these tests, named so that a report
// can be recognised by its top function.
func blockedOn(release <-chan struct{}) { <-release }

// otherBlockedOn is a second leaked goroutine, told apart from blockedOn.
func otherBlockedOn(release <-chan struct{}) { <-release }

// leak starts f blocked until the test ends, and returns once it is blocked.
func leak(t *testing.T, f func(<-chan struct{})) {
	t.Helper()
	release := make(chan struct{})
	t.Cleanup(func() { close(release) })
	go f(release)
	name := runtime.FuncForPC(reflect.ValueOf(f).Pointer()).Name()
	waitUntil(t, func(g goroutine) bool { return g.top() == name && g.state == "chan receive" })
}

// waitUntil waits, for at most a few seconds, until some goroutine matches.
func waitUntil(t *testing.T, match func(goroutine) bool) {
	t.Helper()
	for deadline := time.Now().Add(5 * time.Second); time.Now().Before(deadline); time.Sleep(time.Millisecond) {
		for _, g := range goroutines() {
			if match(g) {
				return
			}
		}
	}
	t.Fatal("the goroutine of the test never showed up")
}

const pkg = "github.com/cometchat-go/cometchatcalls/internal/leakcheck"

func TestVerifyNoneReportsLeakedGoroutine(t *testing.T) {
	leak(t, blockedOn)

	var tb fakeTB
	VerifyNone(&tb)

	if len(tb.errors) != 1 {
		t.Fatalf("VerifyNone reported %d errors, want 1: %q", len(tb.errors), tb.errors)
	}
	msg := tb.errors[0]
	for _, want := range []string{"1 goroutine(s) still running", "[chan receive]", pkg + ".blockedOn(", "created by " + pkg + ".leak"} {
		if !strings.Contains(msg, want) {
			t.Errorf("report does not contain %q:\n%s", want, msg)
		}
	}
}

func TestVerifyNoneWaitsForGoroutineThatExits(t *testing.T) {
	release := make(chan struct{})
	exited := make(chan struct{})
	go func() {
		blockedOn(release)
		time.Sleep(50 * time.Millisecond) // still running when VerifyNone first looks
		close(exited)
	}()
	waitUntil(t, func(g goroutine) bool { return g.top() == pkg+".blockedOn" })
	close(release)

	var tb fakeTB
	VerifyNone(&tb)

	if len(tb.errors) != 0 {
		t.Errorf("VerifyNone reported a goroutine that exits on its own: %q", tb.errors)
	}
	<-exited
}

func TestIgnoreCurrent(t *testing.T) {
	leak(t, otherBlockedOn)
	before := IgnoreCurrent()
	leak(t, blockedOn)

	var tb fakeTB
	VerifyNone(&tb, before)

	if len(tb.errors) != 1 {
		t.Fatalf("VerifyNone reported %d errors, want 1: %q", len(tb.errors), tb.errors)
	}
	if msg := tb.errors[0]; !strings.Contains(msg, pkg+".blockedOn(") || strings.Contains(msg, "otherBlockedOn") {
		t.Errorf("want only the goroutine started after IgnoreCurrent reported, got:\n%s", msg)
	}
}

func TestVerifyNoneCleanup(t *testing.T) {
	code := -1
	var tb fakeTB
	VerifyNone(&tb, Cleanup(func(c int) { code = c }))
	if len(tb.errors) != 0 || code != 0 {
		t.Errorf("errors %q, cleanup got %d; want none and 0", tb.errors, code)
	}
}

func TestRunMain(t *testing.T) {
	tests := []struct {
		name     string
		testCode int
		leak     bool
		wantCode int
		wantOut  string
	}{
		{name: "passed, no leak", testCode: 0, wantCode: 0},
		{name: "passed, leak", testCode: 0, leak: true, wantCode: 1, wantOut: pkg + ".blockedOn("},
		{name: "failed, no check", testCode: 3, leak: true, wantCode: 3},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.leak {
				leak(t, blockedOn)
			}
			var stderr bytes.Buffer
			cleaned := -1
			code := runMain(func() int { return tt.testCode }, &stderr, Cleanup(func(c int) { cleaned = c }))

			if code != tt.wantCode || cleaned != tt.wantCode {
				t.Errorf("exit code %d, cleanup got %d; want %d for both", code, cleaned, tt.wantCode)
			}
			if out := stderr.String(); tt.wantOut == "" && out != "" || !strings.Contains(out, tt.wantOut) {
				t.Errorf("stderr = %q, want it to contain %q", out, tt.wantOut)
			}
		})
	}
}

// sample is runtime.Stack(buf, true) text as Go 1.26 prints it, with the
// forms the parser must read: a state with a duration, "created by … in
// goroutine N", elided frames, a runtime-only goroutine and a header that
// is not one.
const sample = `goroutine 7 [running]:
example.com/app.check(0xc0000a4488)
	/src/app/check_test.go:3 +0x47
testing.tRunner(0xc0000a4488, 0x6552f0)
	/usr/local/go/src/testing/testing.go:2036 +0x21d
created by testing.(*T).Run in goroutine 1
	/usr/local/go/src/testing/testing.go:2101 +0xb13

goroutine 1 [chan receive]:
testing.(*T).Run(0xc0000a4248, {0x647004, 0x5}, 0x6552f0)
	/usr/local/go/src/testing/testing.go:2109 +0xb3e
testing.(*M).Run(0xc0000981e0)
	/usr/local/go/src/testing/testing.go:2443 +0xf4c
main.main()
	_testmain.go:46 +0x165

goroutine 22 [chan receive, 2 minutes]:
example.com/app.(*Pool).worker(0xc000012345, {0x0, 0x0})
	/src/app/pool.go:12 +0x31
...additional frames elided...
created by example.com/app.NewPool in goroutine 7
	/src/app/pool.go:6 +0x11a

goroutine 21 [syscall]:
os/signal.signal_recv()
	/usr/local/go/src/runtime/sigqueue.go:152 +0x98
os/signal.loop()
	/usr/local/go/src/os/signal/signal_unix.go:23 +0x1d
created by os/signal.Notify.func1.1 in goroutine 7
	/usr/local/go/src/os/signal/signal.go:152 +0x47

goroutine 17 [syscall, locked to thread]:
runtime.goexit({})
	/usr/local/go/src/runtime/asm_amd64.s:1700 +0x1

goroutine 30 [GC worker (idle)]:
runtime.gopark(0x0?, 0x0?, 0x0?, 0x0?, 0x0?)
	/usr/local/go/src/runtime/proc.go:460 +0xce
runtime.gcBgMarkWorker(0xc000024150)
	/usr/local/go/src/runtime/mgc.go:1463 +0xeb
created by runtime.gcBgMarkStartWorkers in goroutine 1
	/usr/local/go/src/runtime/mgc.go:1339 +0x105

goroutine 9 [select]:
example.com/app.loop[...](0xc0000b6000)
	/src/app/loop.go:9 +0x65
created by example.com/app.Start in goroutine 7
	/src/app/loop.go:5 +0x2a
[originating from goroutine 7]:
example.com/app.Start(...)
	/src/app/loop.go:5 +0x2a

no goroutine here
`

func TestParse(t *testing.T) {
	got := parse(sample)

	want := []struct {
		id         int
		state      string
		funcs      []string
		creator    string
		background bool
	}{
		{7, "running", []string{"example.com/app.check", "testing.tRunner"}, "testing.(*T).Run", false},
		{1, "chan receive", []string{"testing.(*T).Run", "testing.(*M).Run", "main.main"}, "", true},
		{22, "chan receive, 2 minutes", []string{"example.com/app.(*Pool).worker"}, "example.com/app.NewPool", false},
		{21, "syscall", []string{"os/signal.signal_recv", "os/signal.loop"}, "os/signal.Notify.func1.1", true},
		{17, "syscall, locked to thread", []string{"runtime.goexit"}, "", true},
		{30, "GC worker (idle)", []string{"runtime.gopark", "runtime.gcBgMarkWorker"}, "runtime.gcBgMarkStartWorkers", true},
		{9, "select", []string{"example.com/app.loop[...]"}, "example.com/app.Start", false},
		{-1, "", nil, "", false},
	}
	if len(got) != len(want) {
		t.Fatalf("parse found %d goroutines, want %d: %+v", len(got), len(want), got)
	}
	for i, w := range want {
		g := got[i]
		if g.id != w.id || g.state != w.state || !reflect.DeepEqual(g.funcs, w.funcs) || g.creator != w.creator {
			t.Errorf("goroutine %d: got id %d, state %q, funcs %q, creator %q; want %d, %q, %q, %q",
				i, g.id, g.state, g.funcs, g.creator, w.id, w.state, w.funcs, w.creator)
		}
		if background(g) != w.background {
			t.Errorf("goroutine %d: background = %v, want %v", g.id, background(g), w.background)
		}
		if !strings.HasPrefix(sample, g.stack) && !strings.Contains(sample, "\n\n"+g.stack+"\n") {
			t.Errorf("goroutine %d: stack %q is not its entry in the sample", g.id, g.stack)
		}
	}
}

func TestCurrent(t *testing.T) {
	g := current()
	if g.id <= 0 || !g.has(pkg+".TestCurrent") {
		t.Fatalf("current() = id %d, funcs %q; want a positive id and TestCurrent on the stack", g.id, g.funcs)
	}
	for _, other := range goroutines() {
		if other.id == g.id && !other.has(pkg+".TestCurrent") {
			t.Errorf("goroutine %d in the list of all is not this test's: %q", g.id, other.funcs)
		}
	}
}
