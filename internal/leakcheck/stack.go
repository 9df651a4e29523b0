package leakcheck

import (
	"runtime"
	"strconv"
	"strings"
)

// A goroutine is one goroutine's entry in the text of runtime.Stack:
//
//	goroutine 18 [chan receive, 2 minutes]:
//	example.com/pkg.worker(0xc000012345)
//		/src/pkg/worker.go:12 +0x25
//	created by example.com/pkg.Start in goroutine 1
//		/src/pkg/worker.go:10 +0x45
type goroutine struct {
	id      int      // -1 if the header could not be read
	state   string   // "chan receive, 2 minutes", "select", "running", …
	funcs   []string // the functions on the stack, innermost first
	creator string   // the function whose go statement started it; "" for main
	stack   string   // the entry as runtime.Stack printed it
}

// top returns the innermost function on g's stack, or "".
func (g goroutine) top() string {
	if len(g.funcs) == 0 {
		return ""
	}
	return g.funcs[0]
}

// has reports whether fn is one of the functions on g's stack.
func (g goroutine) has(fn string) bool {
	for _, f := range g.funcs {
		if f == fn {
			return true
		}
	}
	return false
}

// onlyRuntime reports whether every function on g's stack is the runtime's.
func (g goroutine) onlyRuntime() bool {
	for _, f := range g.funcs {
		if !strings.HasPrefix(f, "runtime.") {
			return false
		}
	}
	return len(g.funcs) > 0
}

// goroutines returns every goroutine in the process.
func goroutines() []goroutine {
	return parse(stacks(true))
}

// current returns the goroutine that calls it.
func current() goroutine {
	return parseOne(stacks(false))
}

// stacks returns runtime.Stack's text, in a buffer grown until it fits.
func stacks(all bool) string {
	for size := 64 << 10; ; size *= 2 {
		buf := make([]byte, size)
		if n := runtime.Stack(buf, all); n < size {
			return string(buf[:n])
		}
	}
}

// parse splits the text of runtime.Stack into goroutines; a blank line
// ends each entry.
func parse(text string) []goroutine {
	var gs []goroutine
	for _, entry := range strings.Split(strings.TrimSpace(text), "\n\n") {
		if entry != "" {
			gs = append(gs, parseOne(entry))
		}
	}
	return gs
}

// parseOne reads one entry. It never fails: what it cannot read stays out of
// the fields but remains in stack, so a leak is reported even then.
func parseOne(entry string) goroutine {
	g := goroutine{id: -1, stack: entry}
	header, frames, _ := strings.Cut(entry, "\n")
	if f := strings.Fields(header); len(f) >= 2 && f[0] == "goroutine" {
		if id, err := strconv.Atoi(f[1]); err == nil {
			g.id = id
		}
	}
	if i, j := strings.Index(header, "["), strings.LastIndex(header, "]"); i >= 0 && j > i {
		g.state = header[i+1 : j]
	}
	for _, line := range strings.Split(frames, "\n") {
		switch {
		case line == "", strings.HasPrefix(line, "\t"), strings.HasPrefix(line, "..."):
			// A frame's file and line, or "...additional frames elided...".
		case strings.HasPrefix(line, "created by "):
			g.creator, _, _ = strings.Cut(strings.TrimPrefix(line, "created by "), " in goroutine ")
		case strings.HasPrefix(line, "[originating from goroutine"):
			// GODEBUG=tracebackancestors: the rest is the creator's stack.
			return g
		default:
			if i := strings.LastIndex(line, "("); i > 0 {
				g.funcs = append(g.funcs, line[:i])
			}
		}
	}
	return g
}
