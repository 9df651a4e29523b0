package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"golang.org/x/term"
)

// secretLimit caps what stdinSecret reads: no key or token comes near it.
const secretLimit = 64 << 10

// stdinSecret reads a secret from stdin, trimmed of surrounding white
// space: everything up to EOF, or, when stdin is a terminal, one line read
// with echo off, so that the secret is neither shown nor left in the
// terminal's scrollback. It gives up when ctx ends (Ctrl-C while the
// program waits for input), giving the terminal its echo back first.
func (c *cli) stdinSecret(ctx context.Context, what string) (string, error) {
	if err := ctx.Err(); err != nil {
		return "", err // nothing read, the terminal untouched
	}
	tty, isTTY := terminalOf(c.stdin)
	var restore func()
	if isTTY {
		state, err := term.GetState(tty)
		if err != nil {
			return "", fmt.Errorf("reading the %s from the terminal: %w", what, err)
		}
		restore = func() { _ = term.Restore(tty, state) }
		fmt.Fprintf(c.stderr, "Paste the %s, then press Enter (it is not shown): ", what)
	}
	type result struct {
		b   []byte
		err error
	}
	done := make(chan result, 1)
	go func() {
		if isTTY {
			b, err := term.ReadPassword(tty)
			done <- result{b, err}
			return
		}
		b, err := io.ReadAll(io.LimitReader(c.stdin, secretLimit+1))
		done <- result{b, err}
	}()
	select {
	case r := <-done:
		if isTTY {
			fmt.Fprintln(c.stderr) // the Enter the terminal did not echo
		}
		s := strings.TrimSpace(string(r.b))
		switch {
		case r.err != nil:
			return "", fmt.Errorf("reading the %s from stdin: %w", what, r.err)
		case len(s) > secretLimit:
			return "", usagef("", "the %s on stdin is longer than %d bytes", what, secretLimit)
		}
		return s, nil
	case <-ctx.Done():
		// The reader goroutine stays blocked on stdin; the process exits.
		if restore != nil {
			restore()
		}
		if errors.Is(ctx.Err(), context.DeadlineExceeded) {
			return "", fmt.Errorf("no %s arrived on stdin within -timeout (%v): pipe it, or raise -timeout", what, c.g.timeout)
		}
		return "", ctx.Err()
	}
}

// terminalOf returns the descriptor of stdin when it is a terminal. A
// character device is not enough: /dev/null is one too.
func terminalOf(stdin io.Reader) (int, bool) {
	f, ok := stdin.(*os.File)
	if !ok {
		return 0, false
	}
	fd := int(f.Fd())
	return fd, term.IsTerminal(fd)
}
