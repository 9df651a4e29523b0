// Package emulatorcmd is the standalone CometChat emulator as a command:
// its flags, banner, start-up checks and graceful shutdown. Two binaries
// run it, cmd/cometchat-emulator and `cometchatcalls emulator`, so that
// both take the same flags and behave the same; neither holds a copy.
package emulatorcmd

import (
	"bytes"
	"context"
	"io"
	"os"
	"runtime/debug"
	"strings"
)

// Run is the whole command: it parses args (the flags listed in
// cmd/cometchat-emulator's documentation), starts the emulator, reports
// where it listens on stdout, and serves until ctx is done. It returns the
// exit code: 0 after a clean shutdown or for -h, 1 when the emulator cannot
// start or stop cleanly, 2 for invalid flags. Errors go to stderr.
func Run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	return run(ctx, args, stdout, stderr)
}

// memoryLimit is the emulator's soft heap limit: what it keeps is bounded
// (see cmd/cometchat-emulator's doc), but between collections garbage from
// large requests would otherwise let the heap reach twice what is live.
const memoryLimit = 192 << 20

// LimitMemory asks the Go runtime to keep the heap under 192 MiB (a soft
// limit: it collects sooner, never fails), unless GOMEMLIMIT says
// otherwise. A process that runs the emulator and nothing else calls it
// first.
func LimitMemory() {
	if os.Getenv("GOMEMLIMIT") == "" {
		debug.SetMemoryLimit(memoryLimit)
	}
}

// PrintFlags writes the emulator's flags and their defaults to w, as -h
// lists them, for a binary that prints a usage message of its own first.
func PrintFlags(w io.Writer) {
	var b bytes.Buffer
	parseFlags([]string{"-h"}, &b)
	// The flag package heads its list with "Usage of <name>:", which the
	// caller's own usage message replaces.
	out := b.String()
	if first, rest, ok := strings.Cut(out, "\n"); ok && strings.HasPrefix(first, "Usage of ") {
		out = rest
	}
	_, _ = io.WriteString(w, out)
}
